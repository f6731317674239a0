# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,jupyter,translation,-all
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] translation={"source": "93b492d7dc58ac8b"}
# # 1. Fashion-MNIST: los datos
#
# [![Abrir en Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/fmnist-course/fmnist-course/blob/v0.1.0/es/notebooks/01_data.ipynb)
#
# Este curso entrena autocodificadores (autoencoders) que comprimen y reconstruyen imágenes, y
# clasificadores que nombran lo que muestra una imagen. Todo empieza por los datos: qué son, de
# dónde vienen, cómo los verificamos y cómo los particionamos para que los números que reportamos
# signifiquen lo que dicen.
#
# **Objetivos.** Después de este capítulo podrás:
#
# - explicar qué contiene Fashion-MNIST y cómo el curso encuentra los archivos y los verifica;
# - calcular estadísticas de las imágenes (cantidad de imágenes por clase, media y desviación
#   estándar de los píxeles, la imagen promedio de una clase) a partir de los tensores guardados
#   en memoria;
# - explicar por qué separamos un conjunto de validación de las imágenes de entrenamiento y
#   reservamos el conjunto de prueba para una única medición final, y qué cambia cuando cambia la
#   semilla de la partición;
# - decir con qué imágenes entrenan las corridas de demostración de los capítulos siguientes (un
#   subconjunto estratificado de la misma partición);
# - alimentar una red con imágenes en minilotes mediante `Batches` y contar los lotes de una
#   época.
#
# **Tiempo de estudio.** Unos 70 minutos: unos 20 para leer el capítulo y ejecutar sus celdas, y
# unos diez para cada uno de sus 5 ejercicios (estimado a partir de su extensión, a razón de unas
# 100 palabras de texto o diez líneas de código por minuto). Ejecutarlo lleva alrededor de un
# minuto y medio (77 s medidos con el presupuesto full en una CPU de 2 núcleos).

# %% tags=["hide-input"] translation={"source": "45891f1dda165721"}
if "google.colab" in str(get_ipython()):  # en Colab: instala la biblioteca del curso
    # %pip install -q \
#         "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"

# %% [markdown] translation={"source": "f4d92bf1c2194997"}
# ## Qué es Fashion-MNIST
#
# Fashion-MNIST (Zalando Research, 2017) es un conjunto de 70 000 fotografías de ropa en escala de
# grises, de $28 \times 28$ píxeles cada una, en 10 clases. Se diseñó como reemplazo directo de los
# dígitos manuscritos de MNIST: mismo tamaño y mismo formato, pero más difícil. Cada imagen es una
# matriz $x \in \{0, \dots, 255\}^{28 \times 28}$ y cada etiqueta, $y \in \{0, \dots, 9\}$.

# %% translation={"source": "c430bd3356eac0ce"}
from fmnist_lib.course import setup
from fmnist_lib.data import CLASS_NAMES
from fmnist_lib.numerals import numeral

setup()  # fija las semillas de los generadores aleatorios y prepara las figuras
for label, name in enumerate(CLASS_NAMES):
    print(label, name)

# %% [markdown] translation={"source": "f84f76144040ba86"}
# ## De dónde vienen los datos
#
# La biblioteca (`fmnist_lib`) busca los cuatro archivos del conjunto de datos (imágenes y
# etiquetas, de entrenamiento y de prueba) en este orden: una carpeta que tú indiques, la variable
# de entorno `FMNIST_DATA`, la caché `data/` del proyecto, el paquete de Debian
# `dataset-fashion-mnist` (sin conexión) y, por último, la descarga de torchvision (en línea). Sea
# cual sea el origen, **cada archivo se verifica** contra el SHA-256 del conjunto de datos
# publicado antes de usar una sola imagen: así, una descarga truncada o un disco dañado nos detiene
# con un error que nombra el archivo, en lugar de dejarnos entrenar en silencio con datos basura.

# %% translation={"source": "d761a529b7c57b3b"}
from fmnist_lib import data

source = data.locate()
print(f"origen: {source.origin}  ({source.directory})")
for status in data.file_statuses(source.directory):
    print(f"  {status.name:<26} {status.detail}")

# %% [markdown] translation={"source": "01e17f960ed271f2"}
# La suma de verificación (checksum) se calcula sobre los bytes *descomprimidos*. Eso importa:
# Debian volvió a comprimir los archivos, así que sus `.gz` difieren de los de Zalando, pero las
# imágenes que contienen son idénticas.

# %% tags=["nbval-check-output"]
for name, (size, sha256) in data.FILES.items():
    print(f"{name:<26} {numeral(size):>9,} bytes  sha256 {sha256[:16]}...")

# %% [markdown] translation={"source": "a4df8b00c71040c7"}
# ## Un primer vistazo
#
# La partición oficial tiene 60 000 imágenes de entrenamiento y 10 000 de prueba, perfectamente
# balanceadas: 6000 y 1000 por clase.

# %% tags=["nbval-check-output"] translation={"source": "5a18b54a2d663bc7"}
import pandas as pd

train_official, test_official = data.load_official()
pd.DataFrame(
    {
        "clase": CLASS_NAMES,
        "entrenamiento": train_official.class_counts(),
        "prueba": test_official.class_counts(),
    }
)

# %%
from fmnist_lib.plots import sample_grid

fig = sample_grid(train_official, per_class=10)

# %% [markdown] translation={"source": "1f5b44088becc75a"}
# Algunas clases son fáciles de distinguir (un pantalón, *trouser*, no se parece a nada más); otras
# comparten la silueta: camiseta (*T-shirt*), suéter (*pullover*), abrigo (*coat*) y camisa
# (*shirt*). Tenlo presente: ahí es donde se equivocarán los clasificadores del capítulo 4.
#
# Las intensidades de los píxeles se guardan como bytes; las redes las ven divididas por 255, en
# $[0, 1]$. La media y la desviación estándar sobre el conjunto de entrenamiento:

# %% tags=["nbval-check-output"] translation={"source": "d0e4dd1976ffc9e6"}
pixels = train_official.images.double() / 255
pixel_mean, pixel_std = pixels.mean().item(), pixels.std().item()
print(f"media {numeral(pixel_mean):.4f}, desviación estándar {numeral(pixel_std):.4f}")

# %% [markdown] translation={"source": "5174dc3608de4d29"}
# ## Entrenamiento, validación, prueba
#
# Entrenar una red significa tomar cientos de decisiones: cuántas épocas, qué tasa de aprendizaje,
# qué arquitectura, cuándo detenerse. Cada decisión que se toma mirando un conjunto de imágenes
# hace que el modelo sea un poco mejor *en ese conjunto*. Si después reportamos nuestro puntaje
# sobre esas mismas imágenes, el puntaje es optimista. Por eso usamos tres conjuntos disjuntos:
#
# | conjunto | tamaño | se usa para |
# |---|---|---|
# | **entrenamiento** | 50 000 | ajustar los pesos (descenso por gradiente) |
# | **validación** | 10 000 | toda decisión: épocas, detención temprana (early stopping), hiperparámetros |
# | **prueba** | las 10 000 oficiales | una única medición final de los modelos elegidos, nada más |
#
# Tanto las imágenes de entrenamiento como las de validación se separan de las 60 000 imágenes
# oficiales de entrenamiento. El conjunto de validación está *estratificado* (1000 imágenes de
# cada clase) y se sortea con una semilla fija, de modo que todos obtienen la misma partición.

# %% tags=["nbval-check-output"]
from fmnist_lib.data import load_splits

full = load_splits()
pd.DataFrame(
    {split: getattr(full, split).class_counts() for split in ("train", "val", "test")},
    index=CLASS_NAMES,
)

# %%
from fmnist_lib.plots import class_histogram

fig = class_histogram(
    {split: getattr(full, split).class_counts() for split in ("train", "val", "test")}
)

# %% [markdown] translation={"source": "9a74ee36d5fbc9cf"}
# ## Corridas más chicas
#
# Entrenar una vez los modelos del informe con su configuración lleva alrededor de media hora en
# una CPU de 2 núcleos sin otra carga y con una multiplicación de matrices rápida, y alrededor de
# una hora en una más lenta (medido: 26,6 minutos, o 57,7 llevados a una máquina de 171 GFLOP/s;
# todos los experimentos con tres semillas llevan varias horas: la tabla de tiempos del informe
# de la reproducción). Los capítulos reutilizan las corridas publicadas del curso para esos
# modelos, y entrenan sus propias *demostraciones* (un barrido, una comparación de
# semillas) con una muestra más chica **de la misma partición**: 10 000 imágenes de
# entrenamiento y 2000 de validación, estratificadas, con cinco épocas como máximo. Por eso los
# números de una demostración son más bajos que los del informe, pero salen de las mismas
# imágenes, sorteadas de la misma manera. (La verificación automática del curso ejecuta cada
# capítulo con una muestra todavía más chica, solo para comprobar que todas las celdas corren.)

# %% translation={"source": "3a7a19b4a9e1c6b1"}
from fmnist_lib.data import splits_for
from fmnist_lib.settings import demonstration_budget

demonstration = splits_for(demonstration_budget())
print("imágenes de una corrida de demostración:", demonstration.sizes())
print("imágenes de validación por clase:", set(demonstration.val.class_counts()))

# %% [markdown] translation={"source": "e28cb5f3cbe469d6"}
# ## Cómo alimentar la red
#
# El conjunto de datos completo ocupa unos 55 MB almacenado como bytes, así que lo guardamos en
# memoria como un único tensor y cortamos los minilotes tomando rebanadas (slicing), convirtiendo
# cada lote a números de punto flotante en $[0, 1]$. En cada época se sortea un nuevo orden
# aleatorio a partir de un generador con semilla, de modo que las corridas son reproducibles. Esto
# es más de diez veces más rápido que leer las imágenes una por una a través de un `Dataset` y un
# `DataLoader` (`benchmarks/data_pipeline.py` lo mide).

# %% tags=["nbval-check-output"] translation={"source": "b9a2cf2c71e12df2"}
import torch

from fmnist_lib.data import Batches

batches = Batches(
    full.train, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(0)
)
x, y = next(iter(batches))
print(
    f"{len(batches)} lotes por época; x: {tuple(x.shape)} {x.dtype} en "
    f"[{numeral(x.min()):.1f}; "
    f"{numeral(x.max()):.1f}]; "
    f"y: {tuple(y.shape)} {y.dtype}"
)

# %% [markdown] translation={"source": "a4807fe836e0096b"}
# ## Ejercicios
#

# %%
from fmnist_lib.exercises import check_answer

# %% [markdown] translation={"source": "248b9571111ceedc"}
# 1. ¿Qué clase tiene más tinta, es decir, el mayor valor medio de los píxeles sobre sus imágenes
#    de entrenamiento? Primero adivina a partir de la cuadrícula de muestras; luego calcúlalo a
#    partir de `train_official` (con los píxeles divididos por 255, como arriba) y responde con un
#    nombre de `CLASS_NAMES`.

# %% translation={"source": "fa66e3f5af94f9f6"}
answer = ...  # ejercicio 1: el nombre de la clase
check_answer("1.1", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "86bb71dd55160223"}
# <details><summary>Solución 1</summary>
#
# Promedia los píxeles de las 6000 imágenes de entrenamiento de cada clase y toma la clase con la
# mayor media. La celda de abajo imprime las diez medias, de mayor a menor: los abrigos y los
# suéteres, con mangas largas y cuerpo ancho, tienen más tinta; las sandalias y las zapatillas
# deportivas, casi todo fondo, las que menos.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
ink = torch.stack(
    [
        train_official.images[train_official.labels == c].double().mean() / 255
        for c in range(len(CLASS_NAMES))
    ]
)
for c in ink.argsort(descending=True).tolist():
    print(f"{CLASS_NAMES[c]:<12} {numeral(ink[c]):.4f}")
check_answer("1.1", CLASS_NAMES[int(ink.argmax())])

# %% [markdown] translation={"source": "2bc209d0d6303491"}
# 2. ¿Qué dos clases tienen las imágenes *promedio* más parecidas? Calcula la imagen promedio de
#    cada clase (`train_official.images[train_official.labels == c].double().mean(0) / 255`), la
#    distancia euclidiana entre cada par de ellas (`torch.cdist` sobre los promedios aplanados) y
#    responde con el conjunto de los dos nombres, por ejemplo `{"Dress", "Bag"}`.

# %% translation={"source": "f6860ddf826719f4"}
answer = ...  # ejercicio 2: un conjunto con dos nombres de clase
check_answer("1.2", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "a85711e927aae8cc"}
# <details><summary>Solución 2</summary>
#
# La imagen promedio de una clase es la media, píxel a píxel, de sus imágenes de entrenamiento.
# Aplana los diez promedios en vectores de 784 números, calcula todas las distancias euclidianas
# entre pares, deja fuera la diagonal (una clase contra sí misma) y toma la menor. La celda
# imprime los cuatro pares más cercanos: todos provienen de las cuatro clases que, como mostró la
# cuadrícula de muestras, comparten silueta (camiseta, suéter, abrigo, camisa), con el par de menor
# distancia primero.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
class_means = torch.stack(
    [
        train_official.images[train_official.labels == c].double().mean(0).flatten()
        / 255
        for c in range(len(CLASS_NAMES))
    ]
)
distances = torch.cdist(class_means, class_means)
pairs = sorted(
    (distances[a, b].item(), CLASS_NAMES[a], CLASS_NAMES[b])
    for a in range(len(CLASS_NAMES))
    for b in range(a + 1, len(CLASS_NAMES))
)
for distance, a, b in pairs[:4]:
    print(f"{a:<12} {b:<12} {numeral(distance):.2f}")
check_answer("1.2", {pairs[0][1], pairs[0][2]})

# %% [markdown] translation={"source": "0ba8e9b62b8628ea"}
# 3. **Predice y luego ejecuta.** Cambia `split_seed` en `load_splits` de 0 a 1. Antes de
#    ejecutarlo, predice cuáles de los tres conjuntos cambian y aproximadamente cuántas de las
#    10 000 imágenes de validación son imágenes de validación con ambas semillas. Luego verifica:
#    el conjunto de validación de `load_splits(split_seed=seed)` está formado por las imágenes
#    oficiales de entrenamiento en los índices
#    `data.stratified_indices(train_official.labels, 1000, seed)`; cuenta los índices que sortean
#    ambas semillas y compara los conjuntos de prueba. (La comprobación de abajo acepta como buena
#    una estimación a menos del 5 % del recuento, y luego te pide contar con exactitud.)

# %%
# ejercicio 3: los conjuntos que cambian, p. ej. {"test"} (de "train", "val", "test")
answer = ...
check_answer("1.3a", answer)

# %%
# ejercicio 3: tu estimación, luego el recuento, de las que sortean ambas semillas
answer = ...
check_answer("1.3", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "bf41ffcd8de0369d"}
# <details><summary>Solución 3</summary>
#
# La predicción: el conjunto de prueba no cambia en absoluto. Con los argumentos por defecto,
# `load_splits` lo toma completo del archivo oficial de prueba, y la semilla decide qué imágenes de
# entrenamiento van a validación. (Si se pidiera un conjunto de prueba más chico,
# `load_splits(test_size=...)`, la semilla también sortearía ese subconjunto.) Los conjuntos de
# validación y de entrenamiento cambian ambos: las imágenes que salen de validación pasan a
# entrenamiento, y viceversa. Cada semilla sortea 1000 de las 6000 imágenes de cada clase, de
# forma independiente, así que una imagen dada es sorteada por ambas con probabilidad
# $(1000/6000)^2$; de 6000 imágenes, eso da $6000 \cdot (1/6)^2 \approx 167$ por clase, unas 1667
# de las 10 000 imágenes de validación (una de cada seis). La celda comprueba que estos índices
# dan los conjuntos de validación, cuenta la superposición y compara los conjuntos de prueba.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "fb176c982b074ed3"}
# %%solution
reseeded = load_splits(split_seed=1)
val_index = {
    seed: data.stratified_indices(train_official.labels, 1000, seed) for seed in (0, 1)
}
print(
    "los índices dan los conjuntos de validación:",
    torch.equal(train_official.images[val_index[0]], full.val.images)
    and torch.equal(train_official.images[val_index[1]], reseeded.val.images),
)
print(
    "el conjunto de prueba no cambia:",
    torch.equal(full.test.images, reseeded.test.images)
    and torch.equal(full.test.labels, reseeded.test.labels),
)
print(
    "el conjunto de entrenamiento no cambia:",
    torch.equal(full.train.images, reseeded.train.images),
)
both = set(val_index[0].tolist()) & set(val_index[1].tolist())
print(
    "imágenes de validación sorteadas por ambas semillas: "
    f"{len(both)} de {len(reseeded.val)}"
)
# los conjuntos que cambiaron, como se ve arriba
print(check_answer("1.3a", {"train", "val"}))
check_answer("1.3", len(both))

# %% [markdown] translation={"source": "3c350ebde0c0256c"}
# 4. Una época de `Batches(full.train, batch_size=128)`: ¿cuántos lotes tiene y cuántas imágenes
#    hay en el último? Responde con el par `(batches, images in the last one)`, es decir, (lotes,
#    imágenes en el último).

# %% translation={"source": "d13a99be062f3841"}
answer = ...  # ejercicio 4: (lotes, imágenes del último lote)
check_answer("1.4", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "a88f179999ac5342"}
# <details><summary>Solución 4</summary>
#
# `Batches` corta las $N$ imágenes de entrenamiento en rebanadas consecutivas de $B$ (después de
# mezclarlas, si se le pide: los tamaños son los mismos en ambos casos). Eso da
# $\lceil N / B \rceil$ lotes, y el último contiene lo que sobra, $N - (\lceil N / B \rceil - 1) B$
# imágenes ($B$ cuando $B$ divide a $N$). Cada imagen se sigue viendo exactamente una vez por
# época. La celda los cuenta.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "5d116d3cb34c8b02"}
# %%solution
batches_128 = Batches(full.train, batch_size=128)
batch_sizes = [len(labels) for _, labels in batches_128]
print(
    f"{len(full.train)} imágenes en lotes de 128: {len(batches_128)} lotes, "
    f"el último con {batch_sizes[-1]} imágenes; {sum(batch_sizes)} imágenes en total"
)
check_answer("1.4", (len(batches_128), batch_sizes[-1]))

# %% [markdown] translation={"source": "ecab1c4c52252c37"}
# 5. ¿Por qué elegir el número de épocas con el conjunto de prueba haría optimista la exactitud
#    (accuracy) de prueba reportada?

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "a17ed9fb95bffbf2"}
# <details><summary>Solución 5</summary>
#
# Una exactitud de prueba es una medición sobre una muestra de 10 000 imágenes, así que tiene
# ruido: un modelo cuya exactitud verdadera es $a$ obtiene $a$ más o menos aproximadamente
# $\sqrt{a(1-a)/n}$, unos 0,3 puntos porcentuales para $a = 0{,}9$ y $n = 10\,000$. Elegir la época
# cuya exactitud de *prueba* es la más alta escoge, entre épocas de exactitud verdadera similar,
# aquella a la que el ruido casualmente más favoreció, y luego reporta justamente ese número: el
# máximo de varias mediciones ruidosas, que en promedio es mayor que la exactitud verdadera del
# modelo elegido. El conjunto de prueba se usó para tomar una decisión, así que ya no mide al
# modelo elegido de forma independiente. Tomar la decisión con el conjunto de validación y medir
# una sola vez con el de prueba mantiene honesto el puntaje de prueba.
#
# La simulación de abajo aísla el efecto: 20 épocas que tienen todas la misma exactitud verdadera
# de 0,9, cada una medida sobre 10 000 imágenes de prueba, y todo repetido 1000 veces. Cualquier
# ganancia por elegir la mejor época es ruido. Aquí la medición de cada época se sortea de forma
# independiente; las épocas reales se evalúan sobre un mismo conjunto de prueba compartido y en su
# mayoría hacen las mismas predicciones, así que sus errores están correlacionados y la ganancia
# real es menor: la simulación da una cota superior.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "3ccdda64735d5c8c"}
# %%solution
true_accuracy, epochs, repetitions, n_test = 0.9, 20, 1000, 10_000
measured = (
    torch.binomial(
        torch.full((repetitions, epochs), float(n_test)),
        torch.full((repetitions, epochs), true_accuracy),
        generator=torch.Generator().manual_seed(0),
    )
    / n_test
)
print(
    f"exactitud medida de una época, en promedio:       "
    f"{numeral(measured[:, 0].mean()):.4f}"
)
print(
    "exactitud medida de la mejor época, "
    f"en promedio: {numeral(measured.max(1).values.mean()):.4f}"
)
print(f"exactitud verdadera de cada época:                {numeral(true_accuracy):.4f}")

# %% [markdown] translation={"source": "2c5ef147013a1a0f"}
# ## Resumen
#
# - Fashion-MNIST es un conjunto de pequeñas imágenes de ropa en escala de grises, en diez clases
#   balanceadas; la biblioteca encuentra sus cuatro archivos y comprueba sus sumas de verificación
#   antes de usar cualquier imagen.
# - Los píxeles son bytes; las redes los ven divididos por 255. Los conteos, las medias y las
#   imágenes promedio se obtienen con una línea de código de tensores una vez que los datos están
#   en memoria.
# - El conjunto de validación se separa de las imágenes oficiales de entrenamiento, estratificado
#   y con semilla; toda decisión se toma con él, y el conjunto de prueba oficial se reserva para
#   una única medición final.
# - Las demostraciones de los capítulos entrenan con una muestra estratificada más chica de la
#   misma partición (10 000 imágenes de entrenamiento): números más bajos que los del informe,
#   con las mismas imágenes.
# - `Batches` alimenta la red con rebanadas en memoria, que se vuelven a mezclar en cada época a
#   partir de un generador con semilla.
#
# **Ponte a prueba:** [un cuestionario sobre las ideas de este capítulo](quizzes/01_quiz.ipynb),
# con una explicación para cada respuesta.

# %% translation={"source": "42d035e4a82e2452"}
print(f"origen de los datos: {source.origin}")
print(
    f"imágenes oficiales: {numeral(len(train_official)):,} "
    f"de entrenamiento, {numeral(len(test_official)):,} de "
    f"prueba, {len(CLASS_NAMES)} clases"
)
print(
    f"media de los píxeles {numeral(pixel_mean):.4f}, desviación estándar "
    f"{numeral(pixel_std):.4f} "
    "(imágenes de entrenamiento, en [0, 1])"
)
print(
    f"particiones: {full.sizes()}; imágenes de validación por clase: "
    f"{set(full.val.class_counts())}"
)
print(f"imágenes de una corrida de demostración: {demonstration.sizes()}")
print(
    f"lotes de {batches.batch_size}: "
    f"{len(batches)} por época de la partición de entrenamiento"
)
