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

# %% [markdown] translation={"source": "ec9b5e21e94a0804"}
# # 6. Gradientes: desvanecimiento, explosión, inicialización
#
# [![Abrir en Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/fmnist-course/fmnist-course/blob/v0.1.0/es/notebooks/06_gradients.ipynb)
#
# El descenso por gradiente actualiza cada peso en sentido contrario a su gradiente,
# $w \leftarrow w - \eta \, \partial \mathcal{L} / \partial w$, con tasa de aprendizaje (learning
# rate) $\eta$. El informe nombra tres maneras en que esto sale mal: un mal **punto de partida**
# (capítulo 5), gradientes que **se desvanecen o explotan** (vanishing/exploding gradients) en su
# recorrido a través de las capas, y el **sobreajuste** (overfitting). Este capítulo sigue al
# gradiente a través de las capas: por qué se desvanece (y qué hacen al respecto Adam y el tamaño
# del lote), por qué explota, y cómo los pesos iniciales deciden entre las dos cosas. Termina con
# cuántos pesos tiene una capa. El capítulo 7 se ocupa del otro factor de la actualización: un
# paso demasiado grande para la curvatura, y el sobreajuste.
#
# **Objetivos.** Después de este capítulo podrás
#
# - explicar por qué los gradientes se desvanecen a través de capas sigmoides (un producto de
#   jacobianos) y qué hace y qué no hace Adam al respecto;
# - explicar los gradientes que explotan como el mismo producto con factores mayores que uno, y
#   medir las señales hacia adelante y hacia atrás a lo largo de la profundidad;
# - elegir una inicialización que conserve la dispersión de la señal a lo largo de la
#   profundidad, y decir qué puede y qué no puede arreglar el recorte de gradientes (gradient
#   clipping);
# - contar los pesos de una convolución y de una capa densa, y leer dónde están los pesos de un
#   modelo.
#
# **Tiempo de estudio.** Unos 60 minutos: unos 30 para leer el capítulo y ejecutar sus celdas, y
# unos diez para cada uno de sus 3 ejercicios (estimado a partir de su extensión, a razón de unas
# 100 palabras de texto o diez líneas de código por minuto).
#
# **Tiempo.** Experimentos pequeños sobre un subconjunto de 10 000 imágenes: unos cuatro minutos
# (248 s medidos en una CPU de 2 núcleos compartida con otros trabajos).

# %% tags=["hide-input"] translation={"source": "45891f1dda165721"}
if "google.colab" in str(get_ipython()):  # en Colab: instala la biblioteca del curso
    # %pip install -q \
#         "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"

# %%
import pandas as pd

from fmnist_lib.course import setup
from fmnist_lib.data import splits_for
from fmnist_lib.numerals import numeral
from fmnist_lib.settings import demonstration_budget, scaled

setup()
# a 10,000-image subset: the demonstrations' data
splits = splits_for(demonstration_budget())

# %% [markdown] translation={"source": "b13f294bacaa529c"}
# ## Por qué se desvanecen los gradientes
#
# La retropropagación (backpropagation) aplica la regla de la cadena capa por capa. Para una pila
# $h_l = \phi(a_l)$ con $a_l = W_l h_{l-1}$, cada capa aporta su jacobiano
# $J_l = \partial h_l / \partial h_{l-1} = \operatorname{diag}\!\big(\phi'(a_l)\big)\, W_l$, y el
# gradiente que llega a la capa 1, como vector fila, los multiplica empezando por la pérdida
# (loss):
#
# $$ \frac{\partial \mathcal{L}}{\partial h_1} = \frac{\partial \mathcal{L}}{\partial h_L}
# \, J_L \, J_{L-1} \cdots J_2 . $$
#
# La derivada de la sigmoide es a lo sumo $1/4$ (en $0$) y casi cero cuando se satura, así que
# con ocho capas sigmoides sus factores por sí solos reducen el producto por un factor de
# $4^{-8} \approx 10^{-5}$ o más (los pesos $W_l$ también multiplican, y con la inicialización por
# defecto de PyTorch lo reducen todavía más). ReLU tiene
# derivada exactamente 1 donde está activa y LeakyReLU nunca la deja caer a 0: es el remedio del
# informe. Medimos la norma del gradiente de cada capa de una red de ocho capas entrenada en
# Fashion-MNIST con Adam:

# %%
from fmnist_lib.diagnostics import track_gradients
from fmnist_lib.models import DeepMLP
from fmnist_lib.plots import gradient_norms
from fmnist_lib.training import seed_everything

tracks = {}
for activation in ("sigmoid", "relu", "leaky_relu"):
    seed_everything(0)
    tracks[activation] = track_gradients(
        DeepMLP(depth=8, hidden_size=64, activation=activation),
        splits.train,
        "classification",
        steps=scaled(150),
        lr=1e-3,
        every=10,
    )
fig = gradient_norms(tracks)

# %% translation={"source": "a610abc0696e97f4"}
last = {a: t[t.step == t.step.max()].set_index("depth") for a, t in tracks.items()}
first_vs_head = pd.DataFrame(
    {
        a: {
            "gradient": g.grad_norm.iloc[0] / g.grad_norm.iloc[-1],
            "update (Adam's step)": g.update_norm.iloc[0] / g.update_norm.iloc[-1],
            "gradient x update": (g.grad_norm * g.update_norm).iloc[0]
            / (g.grad_norm * g.update_norm).iloc[-1],
        }
        for a, g in last.items()
    }
).T
print("primera capa respecto de la cabeza, en el último paso:")
display(first_vs_head.map(lambda x: f"{numeral(x):.1e}"))
print("pérdida en el primer y en el último paso:")
for a, t in tracks.items():
    losses = t.groupby("step").loss.first()
    print(f"  {a:<10} {numeral(losses.iloc[0]):.3f} -> {numeral(losses.iloc[-1]):.3f}")

# %% [markdown] translation={"source": "2edefb45a14aed76"}
# Con sigmoides, la primera capa recibe un gradiente varios órdenes de magnitud menor que el de la
# cabeza (head), como muestra la primera columna; con ReLU o LeakyReLU queda dentro de un factor de
# alrededor de
# diez respecto del de la cabeza.
#
# **Qué hace Adam al respecto.** Adam no sigue el gradiente crudo: divide el paso de cada peso por
# una estimación móvil del tamaño del gradiente de ese peso, de modo que cada peso se mueve
# aproximadamente $\eta$ por paso, sea cual sea la escala de su gradiente. La segunda columna mide
# esto: la *actualización* de la primera capa es varias veces *mayor* que la de la cabeza incluso
# donde su gradiente es diminuto, más o menos lo que cabe esperar si cada uno de sus pesos se
# mueve aproximadamente lo mismo que cada peso de la cabeza, ya que tiene $784 \times 64$ pesos
# frente a los $64 \times 10$ de la cabeza
# ($\sqrt{50176/640} \approx 9$). Entonces, ¿por qué
# la pérdida de la red sigmoide apenas se mueve? El producto de arriba funciona en ambos sentidos:
# un cambio de los pesos de la primera capa llega a la pérdida a través del mismo
# $J_L \cdots J_2$, así que un paso de tamaño completo cambia la pérdida a lo sumo en
# (gradiente $\times$ paso), la tercera columna, que sigue siendo diminuto. Adam empareja los
# tamaños de paso; no puede hacer que las primeras capas importen para la salida.
#
# **El tamaño del lote no lo cura.** El informe menciona el tamaño del lote como remedio. Un lote
# más grande promedia el gradiente sobre más imágenes, lo que reduce su *ruido*; los jacobianos
# del producto dependen de los pesos y de las activaciones, no de cuántas imágenes se promedian.
# Medido con los mismos pesos iniciales:

# %% translation={"source": "e4c71cf400e96a6e"}
for batch_size in (16, 512):
    seed_everything(0)
    one_step = track_gradients(
        DeepMLP(depth=8, hidden_size=64, activation="sigmoid"),
        splits.train,
        "classification",
        steps=1,
        batch_size=batch_size,
        every=1,
    ).set_index("depth")
    ratio = one_step.grad_norm.iloc[0] / one_step.grad_norm.iloc[-1]
    print(
        f"lote {batch_size:>3}: gradiente de la "
        f"primera capa / el de la cabeza = {numeral(ratio):.1e}"
    )

# %% [markdown] translation={"source": "4bb6c08e7dbf24be"}
# Ambos son del mismo orden diminuto. El tamaño del lote cambia cuán ruidoso es un paso
# (capítulo 8), no si una señal sobrevive a ocho capas sigmoides.
#
# ## Gradientes que explotan: un producto mayor que uno
#
# Los gradientes que explotan son la imagen especular de los que se desvanecen: el mismo producto
# $J_L \cdots J_2$, con factores mayores que uno. Si los factores se reducen, se mantienen o
# crecen lo deciden, en primer lugar, los **pesos iniciales**. Muestrea cada peso de una
# distribución normal con varianza $\sigma^2 / n_{\text{in}}$ ($n_{\text{in}}$, la cantidad de
# entradas de la capa): la elección de LeCun, $\sigma^2 = 1$, mantiene la varianza de la salida de
# una capa tanh aproximadamente igual a la de su entrada; ReLU anula la mitad de sus entradas, así
# que la elección de He, $\sigma^2 = 2$, lo compensa (la $2/(n_{\text{in}} + n_{\text{out}})$ de
# Glorot es igual a la de LeCun para capas cuadradas). `signal_profile` mide una pasada hacia
# adelante y una hacia atrás en la inicialización, a través de una red de 30 capas:

# %%
from fmnist_lib.diagnostics import signal_profile
from fmnist_lib.models import init_weights
from fmnist_lib.plots import signal_profiles

inits = {
    f"tanh, LeCun × {numeral(0.5)}": ("tanh", "lecun", 0.5),
    "tanh, LeCun": ("tanh", "lecun", 1.0),
    f"tanh, LeCun × {numeral(2.5)}": ("tanh", "lecun", 2.5),
    "ReLU, Glorot": ("relu", "glorot", 1.0),
    "ReLU, He": ("relu", "he", 1.0),
}
profiles = {}
for label, (activation, scheme, gain) in inits.items():
    seed_everything(0)
    deep = DeepMLP(depth=30, hidden_size=256, activation=activation)
    profiles[label] = signal_profile(
        init_weights(deep, scheme, gain), splits.train, "classification"
    )
fig = signal_profiles(profiles)

# %% translation={"source": "f367b50555b3e866"}
pd.DataFrame(
    {
        label: {
            "dispersión de activaciones, capa 30 / capa 1": p.activation_std.iloc[-2]
            / p.activation_std.iloc[0],
            "gradiente, capa 1 / cabeza": p.grad_norm.iloc[0] / p.grad_norm.iloc[-1],
            "mayor norma del gradiente": p.grad_norm.max(),
        }
        for label, p in profiles.items()
    }
).T.map(lambda x: f"{numeral(x):.2g}")

# %% [markdown] translation={"source": "0ff2122c89959aaf"}
# Lee los dos paneles juntos. Una escala demasiado pequeña (tanh × 0,5, o ReLU con la varianza de
# Glorot, la mitad de la de He) reduce la señal hacia adelante capa tras capa hasta que las últimas
# capas casi no ven nada, y con ella todos los gradientes son diminutos. La escala correcta (tanh
# con LeCun, ReLU con He) mantiene ambas señales dentro de un orden de magnitud a lo largo de
# 30 capas. Una escala demasiado grande para tanh satura las activaciones (su dispersión queda
# limitada cerca de 1) mientras el producto hacia atrás crece: el gradiente de la primera capa es
# varios órdenes de magnitud mayor que el de la cabeza. Son los **gradientes que explotan**.
#
# ¿Qué remedio ayuda? Un candidato es el **recorte de gradientes** (gradient clipping): antes de
# cada paso, reescalar el gradiente completo a una norma de a lo sumo $c$, de modo que ningún paso
# llegue más lejos que $\eta c$. Deja en paz los pasos normales y pone un tope a los enormes. SGD
# simple durante unos cientos de pasos desde la inicialización buena y desde la demasiado grande,
# y desde la demasiado grande con recorte:

# %% translation={"source": "435cc961fd92384c"}
trials = {
    "LeCun": (1.0, None),
    f"LeCun × {numeral(2.5)}": (2.5, None),
    f"LeCun × {numeral(2.5)}, recortado a 1": (2.5, 1.0),
}
for label, (gain, clip) in trials.items():
    seed_everything(0)
    deep = init_weights(
        DeepMLP(depth=30, hidden_size=256, activation="tanh"), "lecun", gain
    )
    run = track_gradients(
        deep,
        splits.train,
        "classification",
        steps=scaled(300),
        lr=0.05,
        optimizer="sgd",
        every=10,
        clip=clip,
    )
    losses = run.groupby("step").loss.first()
    first, last = losses.iloc[0], losses.iloc[-5:].mean()
    print(
        f"{label:<26} pérdida en el paso 1: {numeral(first):.2f}, "
        f"media de los 5 últimos registros: {numeral(last):.2f}"
    )

# %% [markdown] translation={"source": "85d01ba2ae931dfc"}
# El recorte pone un tope al tamaño de cada paso; no cambia el producto, así que no puede hacer que
# los gradientes de las primeras capas tengan el tamaño correcto en relación con los demás:
# compara su pérdida con la de la buena inicialización, arriba. Aquí incluso perjudica: la norma
# del gradiente está dominada por las primeras capas, que explotan, así que recortarla a 1 reduce
# el paso de *todas* las capas por el mismo factor grande y las capas bien escaladas apenas se
# mueven. La solución para un producto que crece o se reduce es hacer que sus factores estén cerca
# de uno: una inicialización escalada según la activación (como aquí) y las arquitecturas que lo
# mantienen así en redes profundas (capas de normalización, conexiones residuales; temas que
# quedan fuera de este curso). El recorte es la protección contra el paso enorme ocasional, un
# paso demasiado grande para la curvatura, que mide el capítulo 7.
# %% [markdown] translation={"source": "66fc806074a1c834"}
# ## La cantidad de conexiones
#
# El último obstáculo del informe es el tamaño: más pesos significan más capacidad para memorizar
# y una superficie de pérdida más rugosa (el capítulo 7 mide ambas cosas). Las convoluciones
# mantienen la cantidad de pesos baja compartiéndolos entre posiciones. Compara una convolución
# con una capa densa que produce una salida del mismo tamaño a partir de la misma imagen:

# %% tags=["nbval-check-output"] translation={"source": "9b759d19974ed71f"}
from torch import nn

from fmnist_lib.arithmetic import trace_shapes

conv = nn.Conv2d(1, 16, kernel_size=3)  # (1, 28, 28) -> (16, 26, 26)
outputs = 16 * 26 * 26
dense_weights = 28 * 28 * outputs + outputs
conv_weights = sum(p.numel() for p in conv.parameters())
print(
    f"Conv2d(1, 16, 3): {numeral(conv_weights):,} pesos para {numeral(outputs):,} "
    f"salidas"
)
print(
    "una capa densa con los mismos tamaños de "
    f"entrada y de salida: {numeral(dense_weights):,} pesos "
    f"({numeral(dense_weights // conv_weights):,} veces más)"
)

# %% tags=["nbval-check-output"] translation={"source": "8856840e9ce427f1"}
from fmnist_lib.models import (
    ConsignaClassifier,
    FeedForwardClassifier,
    RaschkaClassifier,
)

sizes = {}
for name, model in {
    "prealimentado (512)": FeedForwardClassifier(),
    "consigna (10)": ConsignaClassifier(),
    "Raschka (10)": RaschkaClassifier(),
}.items():
    t = trace_shapes(model)
    dense = t[t["tipo"] == "Linear"]["parámetros"].sum()
    sizes[name] = {
        "parámetros": int(t["parámetros"].sum()),
        "proporción en capas densas": round(dense / t["parámetros"].sum(), 2),
        "multiplicaciones-sumas": int(t["multiplicaciones-sumas"].sum()),
    }
sizes = pd.DataFrame(sizes).T
formats = {
    "parámetros": ",.0f",
    "proporción en capas densas": ".2f",
    "multiplicaciones-sumas": ",.0f",
}
sizes.apply(lambda column: column.map(lambda x: f"{numeral(x):{formats[column.name]}}"))

# %% tags=["nbval-check-output"] translation={"source": "b42632fead628aac"}
ratio = (
    sizes.loc["Raschka (10)", "parámetros"] / sizes.loc["consigna (10)", "parámetros"]
)
print(f"Raschka (10) tiene {numeral(ratio):.1f} veces los pesos de consigna (10)")

# %% [markdown] translation={"source": "0acc6e63acf2b294"}
# El clasificador prealimentado (feed-forward) es todo capa densa: tiene la mayor cantidad de
# pesos, y cada uno se usa una sola vez por imagen. «consigna» agrupa dos veces antes de aplanar,
# así que su capa densa ve solo $32 \cdot 5 \cdot 5$ entradas y el modelo completo sigue siendo
# diminuto. El clasificador Raschka aplana un mapa de $64 \times 7 \times 7$ y apila convoluciones
# de 64 canales: muchos más pesos, tres cuartas partes de ellos en las convoluciones, y por lejos
# el mayor cómputo. Ese es el modelo cuya brecha entre entrenamiento y validación crece en el
# informe, donde se sugiere el agrupamiento como remedio (el capítulo 7 lo pone a prueba); observa
# que reemplazar sus convoluciones con paso por agrupamiento no ahorraría ni un solo peso (las
# convoluciones conservan sus formas).
#
# ## Ejercicios
#

# %%
from fmnist_lib.exercises import check_answer

# %% [markdown] translation={"source": "e2c49f399db2c979"}
# 1. **Predice primero.** Repite la medición del desvanecimiento de gradientes con `depth=3`.
#    Antes de ejecutarla, predice a partir de la pendiente máxima de la sigmoide, $1/4$, cómo
#    debería cambiar aproximadamente el cociente entre la primera capa y la cabeza al pasar de
#    ocho capas a tres.

# %% translation={"source": "fead599329d0995d"}
answer = ...  # ejercicio 1: el factor en que el cociente debería crecer como mínimo
check_answer("6.1", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "94028f382c6ef3ff"}
# <details><summary>Solución 1</summary>
#
# Cada capa sigmoide multiplica la señal que viaja hacia atrás por su pendiente, a lo sumo $1/4$,
# y por su matriz de pesos. A menos que los pesos amplifiquen la señal, cada capa que se quita
# elimina un factor de al menos 4, así que tres capas en lugar de ocho deberían aumentar el
# cociente en al menos $4^5 \approx 10^3$, y más aún donde los pesos también reducen la señal. Un
# paso con el mismo tipo de pesos iniciales, para ambas profundidades:
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "b5994e54c58d9bc3"}
# %%solution
by_depth = {}
for depth in (3, 8):
    seed_everything(0)
    step = track_gradients(
        DeepMLP(depth=depth, hidden_size=64, activation="sigmoid"),
        splits.train,
        "classification",
        steps=1,
        every=1,
    ).set_index("depth")
    by_depth[depth] = step.grad_norm.iloc[0] / step.grad_norm.iloc[-1]
    print(
        f"profundidad {depth}: gradiente de la primera capa / el de la cabeza = "
        f"{numeral(by_depth[depth]):.1e}"
    )
print(
    "tres capas en lugar de ocho: el cociente es "
    f"{numeral(by_depth[3] / by_depth[8]):.0f} veces mayor"
)
check_answer("6.1", (1 / 0.25) ** (8 - 3))  # la predicción: 4 por capa quitada

# %% [markdown] translation={"source": "ae38b694019a2cc1"}
# 2. **Predice primero.** Inicializa la red ReLU de 30 capas con
#    `init_weights(model, "he", gain=1.2)`. Predice la dispersión de las activaciones en la capa 30
#    relativa a la capa 1 (¿$1{,}2^{29}$?) y luego mídela con `signal_profile`.

# %% translation={"source": "4b02575d6db265f9"}
answer = ...  # ejercicio 2: tu predicción de la dispersión en la capa 30 / en la 1
check_answer("6.2", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "ee9e63114c6099a6"}
# <details><summary>Solución 2</summary>
#
# La inicialización de He mantiene constante la dispersión de las activaciones de una red ReLU a
# lo largo de la profundidad (en promedio); una ganancia de $1{,}2$ multiplica los pesos de cada capa
# por $1{,}2$, así que cada capa debería amplificar la dispersión aproximadamente por $1{,}2$ y la
# capa 30 debería estar en el orden de $1{,}2^{29} \approx 200$ veces la capa 1 (el factor de cada
# capa es 1,2 solo en promedio, así que el producto varía de un sorteo a otro). La medición, para
# este sorteo particular de los pesos:
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "820684b76679ac52"}
# %%solution
seed_everything(0)
amplified = signal_profile(
    init_weights(DeepMLP(depth=30, hidden_size=256, activation="relu"), "he", 1.2),
    splits.train,
    "classification",
)
spread = amplified.activation_std.dropna()  # the head has no activation after it
print(
    f"capa {len(spread)} / capa 1: {numeral(spread.iloc[-1] / spread.iloc[0]):.0f} "
    f"({numeral(1.2)}^{len(spread) - 1} = {numeral(1.2 ** (len(spread) - 1)):.0f})"
)
check_answer("6.2", 1.2 ** (len(spread) - 1))  # la predicción, no el cociente medido

# %% [markdown] translation={"source": "0e930d99c6ced644"}
# 3. ¿Cuántos pesos y sesgos tiene `nn.Conv2d(3, 8, kernel_size=5)`? Cuéntalos a mano y luego
#    compruébalo con `count_parameters`. ¿Depende la respuesta del tamaño de la imagen?

# %%
answer = ...  # ejercicio 3: el número de pesos y sesgos
check_answer("6.3", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "487aaff5224b1737"}
# <details><summary>Solución 3</summary>
#
# Cada uno de los 8 canales de salida tiene un núcleo (kernel) de $5 \times 5$ por cada uno de
# los 3 canales de entrada, y un sesgo: $8 \cdot 3 \cdot 25 + 8 = 608$. Los núcleos se deslizan
# sobre toda la imagen, así que la cuenta no depende de su tamaño: es el compartir pesos de la
# sección de arriba.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
from fmnist_lib.models import count_parameters

check_answer("6.3", count_parameters(nn.Conv2d(3, 8, kernel_size=5)))

# %% [markdown] translation={"source": "09914184cfd7eb59"}
# ## Resumen
#
# - Los gradientes que se desvanecen son un producto de jacobianos pequeños; las activaciones de
#   tipo ReLU mantienen los gradientes de las primeras capas al alcance de los de la cabeza. Adam
#   empareja los tamaños de paso pero no puede hacer que una capa importe para la salida, y el
#   tamaño del lote no cambia el producto.
# - Los gradientes que explotan provienen de un producto de jacobianos mayor que uno, aquí a
#   través de una inicialización grande; los pesos escalados según LeCun/He mantienen estable la
#   dispersión. El recorte pone un tope a cada paso, pero no repara el producto.
# - Una convolución comparte sus pesos entre posiciones: unos cientos de pesos donde una capa
#   densa con los mismos tamaños de entrada y de salida necesitaría millones.
#
# **Ponte a prueba:** [un cuestionario sobre las ideas de este capítulo](quizzes/06_quiz.ipynb),
# con una explicación para cada respuesta.

# %%
key_numbers = {
    "sigmoid, 8 layers: first layer's gradient / head's": (
        f"{numeral(first_vs_head.gradient['sigmoid']):.1e}"
    ),
    "ReLU, 8 layers: first layer's gradient / head's": (
        f"{numeral(first_vs_head.gradient['relu']):.1e}"
    ),
    "Raschka (10) / consigna (10) weights": f"{numeral(ratio):.1f}",
}
for what, value in key_numbers.items():
    print(f"{what}: {value}")
