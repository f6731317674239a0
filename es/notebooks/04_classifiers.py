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

# %% [markdown] translation={"source": "eb47dc6e40c9f353"}
# # 4. Clasificadores construidos a partir de codificadores
#
# Un codificador capaz de comprimir la imagen de una prenda en unos pocos números ha aprendido algo
# sobre la ropa. Si le pones encima una capa lineal y entrenas la red completa para predecir la
# etiqueta, obtienes el clasificador del informe. Este capítulo construye los clasificadores
# «consigna» y «Raschka», explica por qué producen *logits* crudos en lugar de probabilidades, los
# entrena con la configuración de la Tabla II del informe y lee su matriz de confusión.
#
# **Objetivos.** Después de este capítulo podrás:
#
# - construir un clasificador a partir de un codificador y una cabeza lineal, y calcular su número
#   de pesos capa por capa;
# - explicar por qué la cabeza produce logits crudos, qué calcula `nn.CrossEntropyLoss` a partir de
#   ellos y qué le hace una capa de salida softmax a la pérdida y a su gradiente;
# - entrenar los clasificadores del informe y leer sus curvas de entrenamiento y validación,
#   sabiendo por qué el dropout puede dejar la exactitud (accuracy) de validación por encima de la
#   exactitud de entrenamiento;
# - leer una matriz de confusión: la exactitud por clase (exhaustividad o *recall*) y las
#   confusiones más frecuentes;
# - decidir con la regla del curso (un intervalo de confianza del 95% sobre las semillas) si un
#   clasificador supera a otro.
#
# **Tiempo.** Con el presupuesto (budget) `full` y las corridas de referencia publicadas disponibles
# (un clon del repositorio): unos minutos, la mayor parte para las soluciones de los ejercicios. Sin
# ellas, el capítulo entrena sus clasificadores, tres semillas cada uno, y el autocodificador
# (autoencoder) «consigna» del que parten: unas horas en una CPU de 2 núcleos, mucho menos en una
# GPU (las corridas ya hechas se reutilizan). La solución del ejercicio 5 entrena dos clasificadores
# Raschka más con el presupuesto `quick`: unos minutos más en una CPU.

# %% tags=["hide-input"]
# Setup. On Colab, install the course library first (Colab's own PyTorch is kept).
# Budget: full (default) reuses the course's published runs (Colab downloads them, up to 4 MB
# each) and trains the rest. For small, fast runs, run `%env FMNIST_BUDGET=smoke` in a cell above.
import importlib.util
import subprocess
import sys

if "google.colab" in sys.modules and not importlib.util.find_spec("fmnist_lib"):
    package = "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)

from fmnist_lib.course import setup

BUDGET = setup()  # FMNIST_BUDGET=full (default), quick or smoke

# %% [markdown] translation={"source": "44be443fb02d6411"}
# ## De un codificador a un clasificador
#
# El clasificador es el codificador del autocodificador seguido de una cabeza `Linear(n, 10)`: una
# salida por clase. Por el camino, el informe cambió las capas de dropout:
#
# - «consigna»: se eliminan los dos dropouts que siguen a las convoluciones; el tercero pasa a estar
#   justo después de `Flatten`, delante de la capa densa;
# - «Raschka»: ningún dropout entre convoluciones, un dropout después de `Flatten`.
#
# Ambos usan un $p = 0.8$ elevado: durante el entrenamiento, cada una de las 800 (o 3,136)
# características aplanadas se pone en cero con probabilidad 0.8 en cada iteración (alrededor del
# 80% de ellas, con un sorteo nuevo cada vez), de modo que la capa densa no puede depender de
# ninguna de ellas en particular.

# %% tags=["nbval-check-output"]
from fmnist_lib.models import (
    ConsignaAutoencoder,
    ConsignaClassifier,
    RaschkaClassifier,
)

print(
    "consigna autoencoder encoder:",
    ConsignaAutoencoder(hidden_size=10, dropout=0.1).encoder,
    sep="\n",
)
print("consigna classifier:", ConsignaClassifier(hidden_size=10, dropout=0.8), sep="\n")

# %% tags=["nbval-check-output"]
print("Raschka classifier:", RaschkaClassifier(hidden_size=10, dropout=0.8), sep="\n")

# %% [markdown] translation={"source": "4bc98b70e7b95ec9"}
# ## Logits, softmax y entropía cruzada
#
# La cabeza produce diez números reales $z_0, \dots, z_9$, los **logits**. La predicción es la clase
# con el mayor de ellos, $\hat y = \arg\max_k z_k$. La **softmax** convierte los logits en
# probabilidades,
#
# $$ p_k = \frac{e^{z_k}}{\sum_{j} e^{z_j}}, $$
#
# sin cambiar cuál es el mayor. El entrenamiento minimiza la **entropía cruzada**, menos el
# logaritmo de la probabilidad asignada a la clase verdadera $y$:
#
# $$ \mathcal{L}(z, y) = -\log p_y = -z_y + \log \sum_j e^{z_j},
# \qquad \frac{\partial \mathcal{L}}{\partial z_k} = p_k - [k = y]. $$
#
# `nn.CrossEntropyLoss` de PyTorch recibe los **logits** y calcula la log-softmax por sí misma (de
# forma numéricamente estable). La **exactitud** es la fracción de imágenes cuyo $\hat y$ es
# correcto.
#
# El informe también probó una *capa de salida* softmax y la encontró peor. Como no muestra código,
# la causa solo puede inferirse; la más probable: la pérdida aplica entonces una segunda softmax a
# números que ya están en $[0, 1]$. Una respuesta equivocada dada con mucha confianza cuesta como
# máximo $\log(9 + e) \approx 2.46$, y su gradiente se comprime al pasar por dos softmax:

# %% tags=["nbval-check-output"]
import torch
from torch import nn

loss = nn.CrossEntropyLoss()
target = torch.tensor([1])
for confidence in (2.0, 5.0, 10.0):
    z = torch.zeros(1, 10)
    z[0, 0] = confidence  # confidently predicts class 0, the truth is class 1
    z.requires_grad_(True)
    logits_loss = loss(z, target)
    (g_logits,) = torch.autograd.grad(logits_loss, z)
    softmax_loss = loss(z.softmax(1), target)
    (g_softmax,) = torch.autograd.grad(softmax_loss, z)
    print(
        f"logit {confidence:>4}: loss on logits {logits_loss.item():6.3f} (|grad| "
        f"{g_logits.norm():.3f})   "
        f"loss on softmax {softmax_loss.item():6.3f} (|grad| {g_softmax.norm():.4f})"
    )

# %% [markdown] translation={"source": "b2ccc4872e0c6620"}
# Cuanto más confiadamente se equivoca el modelo, *mayor* es el gradiente que lo corrige con
# logits, y *menor* con una salida softmax, que se satura. Si eso empeora el entrenamiento es una
# pregunta que deben responder los datos: tres semillas del clasificador «consigna» con cada
# salida, con el presupuesto `quick` (un subconjunto de 10,000 imágenes, cinco épocas) para que sea
# breve — con el presupuesto `smoke` cuando el cuaderno (notebook) se ejecuta en smoke. Las curvas
# son las de la semilla 0; la última línea es el veredicto del curso sobre el hallazgo del informe,
# con el presupuesto que indica.

# %%
from fmnist_lib.experiments import run_experiment, summary_table
from fmnist_lib.numerals import interval_text
from fmnist_lib.plots import training_curves
from fmnist_lib.reproduction.report import VERDICT_WORDS
from fmnist_lib.reproduction.verdicts import judge
from fmnist_lib.stats import compare

SWEEP_BUDGET = "smoke" if BUDGET == "smoke" else "quick"
SEEDS = (0, 1, 2)
softmax_runs = {
    "logits (CrossEntropyLoss)": [
        run_experiment("clf-consigna-10", SWEEP_BUDGET, seed=s) for s in SEEDS
    ],
    "softmax output layer": [
        run_experiment("clf-consigna-10", SWEEP_BUDGET, seed=s, overrides={"softmax_output": True})
        for s in SEEDS
    ],
}
fig = training_curves(
    {k: runs[0].history.epochs for k, runs in softmax_runs.items()},
    ("loss", "accuracy"),
    ("cross-entropy", "accuracy"),
    "consigna (10), seed 0: logits vs softmax output",
)
softmax_accuracy = {
    k: [r.history.epochs[-1]["val_accuracy"] for r in runs] for k, runs in softmax_runs.items()
}
for k, accuracies in softmax_accuracy.items():
    print(f"{k:<28} validation accuracy: {[round(100 * a, 1) for a in accuracies]}")
softmax_effect = compare(*softmax_accuracy.values())  # logits minus softmax output
softmax_verdict = VERDICT_WORDS[judge(softmax_effect, lower_is_better=False)]
print(f"logits − softmax output: {interval_text(softmax_effect)}")
print(f"'a softmax output is worse' (the report), {SWEEP_BUDGET} budget: {softmax_verdict}")

# %% [markdown] translation={"source": "c227a2292aa7db48"}
# ## Tabla II: la configuración

# %% tags=["nbval-check-output"]
from fmnist_lib import paper
from fmnist_lib.experiments.registry import SETTINGS_COLUMNS, settings_table

start = {"initialised from": lambda e: e.init_from or "random"}
settings_table(paper.TABLE_II, {**SETTINGS_COLUMNS, **start})

# %% [markdown] translation={"source": "100f392a121e4b89"}
# «consigna FE» tiene $n = 128$ y parte del codificador del autocodificador «consigna» ya entrenado
# (el capítulo 5 trata sobre esa elección).
#
# ## Entrenamiento

# %%
results = {name: run_experiment(name, BUDGET) for name in paper.TABLE_II}
summary_table(results)

# %% [markdown] translation={"source": "e75c836ce31972ea"}
# ## Curvas (la Figura 7 del informe)

# %%
fig = training_curves(
    {r.experiment.title: r.history.epochs for r in results.values()},
    ("loss", "accuracy"),
    ("cross-entropy", "accuracy"),
    "Classifiers: training (solid) vs validation (dashed)",
)

# %% [markdown] translation={"source": "fea30eb2cd6bcc7f"}
# La exactitud de validación puede quedar *por encima* de la de entrenamiento: la exactitud de
# entrenamiento se mide con el dropout activo ($p = 0.8$ elimina la mayoría de las
# características) y la de validación, sin él. Por eso la brecha entre las curvas no es, por sí
# sola, una medida del sobreajuste; su *tendencia* a lo largo de las épocas sí lo es.
#
# ## La matriz de confusión
#
# La fila $i$, columna $j$ cuenta las imágenes de prueba de la clase $i$ predichas como clase $j$;
# la diagonal contiene las correctas. A la izquierda está la matriz del informe para su
# clasificador Raschka; a la derecha, la nuestra. Al dividir la diagonal por el total de cada fila
# se obtiene la *exactitud por clase* que se imprime abajo, que es la **exhaustividad** (recall) de
# la clase: de las imágenes que son camisas, la proporción que se predice como camisas.

# %%
from fmnist_lib.plots import confusion_matrices

ours = results[paper.CONFUSION_EXPERIMENT]
fig = confusion_matrices(
    {
        "report (Raschka)": paper.CONFUSION_MATRIX,
        f"ours (Raschka, {BUDGET})": ours.test["confusion_matrix"],
    }
)

# %%
import pandas as pd

from fmnist_lib.data import CLASS_NAMES

per_class = pd.DataFrame(
    {"report": paper.per_class_accuracy(), "ours": ours.test["per_class_accuracy"]},
    index=CLASS_NAMES,
)
print(per_class.to_string(float_format="{:.1%}".format))
print()
for who, recall in per_class.items():
    best_three = ", ".join(recall.nlargest(3).index)
    print(f"{who:>6}: worst class {recall.idxmin()}; best three {best_three}")

# %%
matrix = torch.tensor(ours.test["confusion_matrix"])
off_diagonal = matrix - torch.diag(matrix.diag())
top = torch.topk(off_diagonal.flatten(), 5)
print("most frequent confusions (true -> predicted):")
for count, flat in zip(top.values.tolist(), top.indices.tolist(), strict=True):
    print(f"  {CLASS_NAMES[flat // 10]:>12} -> {CLASS_NAMES[flat % 10]:<12} {count}")

# %% [markdown] translation={"source": "4bf2266392ca49ab"}
# En la matriz del informe, y en la nuestra con el presupuesto `full`, las camisas son la clase
# difícil (las líneas de arriba indican la peor clase con el presupuesto con el que se ejecutó este
# cuaderno): una camisa comparte su silueta con las camisetas, los suéteres y los abrigos, y a
# $28 \times 28$ el cuello y los botones que las distinguen ocupan unos pocos píxeles. Con el
# presupuesto `full`, las clases mejor reconocidas son los pantalones, las sandalias y los
# bolsos, en ambas matrices: formas que ninguna otra prenda tiene.
#
# Detrás de cada conteo hay imágenes. Recorre los errores más frecuentes de nuestro clasificador,
# empezando por el más numeroso, y mira qué confundió (cada vista se calcula aquí una sola vez, así
# que esto también funciona en las páginas estáticas del libro):

# %%
from fmnist_lib.data import splits_for
from fmnist_lib.widgets import confusion_browser

confusion_browser(ours.model, splits_for(BUDGET).test)

# %% [markdown] translation={"source": "edd0b4fbe147be3f"}
# Busca dos tipos: errores que también cometería una persona e imágenes cuya propia etiqueta es
# discutible. Un clasificador no puede hacerlo mejor que las etiquetas con las que se lo evalúa.
#
# ## ¿Superan los clasificadores convolucionales a uno denso?
#
# El informe concluye que sus redes convolucionales superan a la red prealimentada (feed-forward)
# en ambas tareas, pero no entrenó ningún *clasificador* prealimentado. `clf-feedforward-512` es
# uno: el codificador del autocodificador feed-forward (784 → 512, ReLU, dropout 0.1) y una
# cabeza lineal, entrenado como los demás. Tres semillas de cada modelo y la regla del curso para
# decidir "¿la diferencia es real?": el intervalo de confianza del 95% (de Welch) de la diferencia
# entre las exactitudes medias de prueba debe excluir el cero.

# %%
names = ("clf-feedforward-512", "clf-consigna-10", "clf-raschka-10")
accuracy = {n: [run_experiment(n, BUDGET, seed=s).test["accuracy"] for s in SEEDS] for n in names}
for n in names:
    print(f"{n:<20} test accuracy {[round(100 * a, 2) for a in accuracy[n]]}")
dense_comparisons = {n: compare(accuracy[n], accuracy["clf-feedforward-512"]) for n in names[1:]}
for n, c in dense_comparisons.items():
    print(f"{n} − feed-forward: {interval_text(c)}")
    verdict = VERDICT_WORDS[judge(c, lower_is_better=False)]
    print(f"  '{n} beats the feed-forward classifier': {verdict}")

# %% [markdown] translation={"source": "12a2d0d73111386d"}
# *Confirmed* (confirmado) significa que el intervalo está por encima de cero (gana el modelo
# convolucional); *contradicted* (contradicho), que está por debajo (gana la red densa); *not shown*
# (no demostrado), que incluye el cero. Cuando los dos veredictos difieren, como ocurre con el
# presupuesto `full`, la respuesta depende del modelo convolucional, no de las "convoluciones"
# en general. Los dos modelos difieren en el tamaño del código, en dónde se ubica su dropout y en
# cuánto tiempo entrenan, además de en sus capas; esta comparación no puede decir cuál de esas
# diferencias importa. El [informe de reproducción](../report.md) agrega a esta comparación el
# «consigna» FE con ajuste fino (fine-tuning).
#
# ## Ejercicios
#
# 1. **Cuenta los pesos.** Cuenta los parámetros del clasificador Raschka con $n = 10$ capa por
#    capa, a partir de su listado al comienzo del capítulo: una convolución tiene
#    $C_\text{out}(C_\text{in} K^2 + 1)$, y una capa lineal, $n_\text{out}(n_\text{in} + 1)$.
#    ¿De dónde sale el 3,136 y qué capas concentran la mayor parte de los pesos?
# 2. **La pérdida antes del entrenamiento.** Una cabeza sin entrenar produce diez logits cercanos
#    entre sí. ¿Qué entropía cruzada obtiene un clasificador cuyos diez logits son todos iguales,
#    sea cual sea la clase verdadera? Compárala con las pérdidas de la primera época de las
#    corridas de la Tabla II.
# 3. **Dos capas lineales seguidas.** El codificador del clasificador Raschka termina en
#    `Linear(3136, 10)` sin activación, seguida de la cabeza `Linear(10, 10)`. Muestra que ambas
#    se componen en una sola capa lineal (escribe su peso y su sesgo), comprueba con imágenes de
#    prueba que da los mismos logits que el modelo entrenado e indica su número de parámetros.
#    ¿Importa la división en dos capas?
# 4. **Siempre "T-shirt".** ¿Cuál es la exactitud de prueba (como fracción) de un clasificador que
#    responde "T-shirt/top" para todas las imágenes? ¿Por qué la exactitud es un resumen adecuado
#    en este conjunto de prueba pero no en uno desbalanceado, y qué mirarías allí en su lugar?
# 5. **Predice y luego ejecuta: sin dropout.** El clasificador Raschka pone en cero cada
#    característica aplanada con probabilidad 0.8 durante el entrenamiento. Antes de ejecutar
#    nada, predice: con dropout 0, ¿dónde terminará la pérdida de entrenamiento con respecto a la
#    de validación, y la exactitud de entrenamiento con respecto a la de validación? Luego entrena
#    ambos con el presupuesto `quick`,
#    `run_experiment("clf-raschka-10", "quick", overrides={"dropout": 0.0})` y
#    `run_experiment("clf-raschka-10", "quick")`, y compara sus curvas con
#    `training_curves`.

# %%
from fmnist_lib.exercises import check_answer

answer = ...  # exercise 1: the parameters of RaschkaClassifier(hidden_size=10)
check_answer("4.1", answer)

# %%
answer = ...  # exercise 2: the cross-entropy of ten equal logits
check_answer("4.2", answer)

# %%
answer = ...  # exercise 3: the parameters of the one merged linear layer
check_answer("4.3", answer)

# %%
answer = ...  # exercise 4: the test accuracy of always answering T-shirt/top, as a fraction
check_answer("4.4", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "c94f4d8337154a37"}
# <details><summary>Solución 1</summary>
#
# La primera convolución conserva el tamaño $28 \times 28$ (relleno —padding— de 1), las dos
# siguientes lo reducen a la mitad (paso —stride— de 2): $28 \to 14 \to 7$, y la última lo
# conserva. Por lo tanto, `Flatten` ve 64 mapas de $7 \times 7$, $64 \cdot 49 = 3136$
# características. Capa por capa:
#
# - `Conv2d(1, 32)`: $32 \cdot (1 \cdot 9 + 1) = 320$;
# - `Conv2d(32, 64)`: $64 \cdot (32 \cdot 9 + 1) = 18{,}496$;
# - `Conv2d(64, 64)`, dos veces: $64 \cdot (64 \cdot 9 + 1) = 36{,}928$ cada una;
# - `Linear(3136, 10)`: $10 \cdot (3136 + 1) = 31{,}370$;
# - la cabeza `Linear(10, 10)`: $10 \cdot (10 + 1) = 110$.
#
# En total, 124,152: las cuatro convoluciones concentran cerca de tres cuartas partes, y las dos
# `Conv2d(64, 64)` por sí solas, más de la mitad. Las activaciones, el dropout y `Flatten` no
# tienen pesos. La celda enumera las capas con `count_parameters`.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
from torch import nn

from fmnist_lib.models import count_parameters

raschka = RaschkaClassifier(hidden_size=10)
for name, layer in raschka.named_modules():
    if isinstance(layer, nn.Conv2d | nn.Linear):
        print(f"{name:<10} {layer!s:<70} {count_parameters(layer):>7,}")
print(f"{'total':<81} {count_parameters(raschka):>7,}")
check_answer("4.1", count_parameters(raschka))

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "c530ae03d084fa2f"}
# <details><summary>Solución 2</summary>
#
# Con logits iguales, todas las clases reciben la misma probabilidad,
# $p_k = e^{z}/(10 e^{z}) = 1/10$, así que la pérdida es $-\log(1/10) = \ln 10 \approx 2.30$ sea
# cual sea la clase verdadera. Esa es la pérdida de adivinar de manera uniforme: un clasificador
# cuya pérdida se mantiene cerca de ese valor no ha aprendido nada. No esperes que las pérdidas de
# la primera época sean iguales a él: los logits de una cabeza sin entrenar son solo
# aproximadamente iguales, y la pérdida de *entrenamiento* de la primera época es un promedio a lo
# largo de una época durante la cual el modelo ya aprende. En cambio, con una capa de salida
# softmax, incluso una respuesta perfecta (probabilidad 1 en la clase verdadera) deja una pérdida
# de $-1 + \ln(e + 9) = \ln(1 + 9/e) \approx 1.46$. La celda calcula estas pérdidas e imprime las
# pérdidas de la primera época de cada corrida de la Tabla II, para compararlas con $\ln 10$.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
import math

from fmnist_lib.data import NUM_CLASSES

cross_entropy = nn.CrossEntropyLoss()
every_class = torch.arange(NUM_CLASSES)  # one row per true class
uniform_loss = cross_entropy(torch.zeros(NUM_CLASSES, NUM_CLASSES), every_class).item()
print(f"ten equal logits, every true class: loss {uniform_loss:.4f} (ln 10 = {math.log(10):.4f})")
perfect_softmax = cross_entropy(torch.eye(NUM_CLASSES), every_class).item()
print(f"a softmax output with probability 1 on the truth: loss {perfect_softmax:.4f}")
for r in results.values():
    first = r.history.epochs[0]
    print(
        f"{r.experiment.title:<18} epoch 1: training loss {first['train_loss']:.3f}, "
        f"validation loss {first['val_loss']:.3f}"
    )
check_answer("4.2", uniform_loss)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "0b5e3496e1ab44bc"}
# <details><summary>Solución 3</summary>
#
# Con $h = W_1 x + b_1$ (la capa `Linear(3136, 10)`) y la cabeza $z = W_2 h + b_2$,
#
# $$ z = W_2 (W_1 x + b_1) + b_2 = (W_2 W_1)\, x + (W_2 b_1 + b_2), $$
#
# se obtiene una sola capa lineal con peso $W_2 W_1$ ($10 \times 3136$) y sesgo $W_2 b_1 + b_2$:
# $3136 \cdot 10 + 10 = 31{,}370$ parámetros, frente a $31{,}370 + 110$ del par. El dropout está
# antes de $W_1$, así que la identidad también se cumple durante el entrenamiento. La celda
# construye la capa fusionada a partir del modelo entrenado e imprime la mayor diferencia entre
# sus logits y los del modelo en imágenes de prueba.
#
# ¿Importa? No para lo que el modelo puede calcular: todo par es una `Linear(3136, 10)`, y toda
# `Linear(3136, 10)` es un par (basta tomar como cabeza la identidad), así que ambos describen el
# mismo conjunto de funciones. Sí puede importar para el entrenamiento: el descenso por gradiente
# sobre los dos factores no sigue la misma trayectoria que sobre su producto, así que ambos no
# tienen por qué terminar en los mismos pesos. La capa de ancho 10 es el código del
# autocodificador, que se conservó cuando su codificador se convirtió en clasificador; una segunda
# capa aporta algo solo si hay una no linealidad entre las dos, como la ReLU que sigue a la
# `Linear(800, 10)` del codificador «consigna».
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
from fmnist_lib.data import splits_for

trained = ours.model.eval()
features, last, head = trained.encoder[:-1], trained.encoder[-1], trained.head
merged = nn.Linear(last.in_features, head.out_features)
with torch.no_grad():
    merged.weight.copy_(head.weight @ last.weight)
    merged.bias.copy_(head.weight @ last.bias + head.bias)
    images = splits_for(BUDGET).test.floats()[:500]
    difference = (trained(images) - merged(features(images))).abs().max().item()
print(f"largest difference between the two sets of logits on 500 test images: {difference:.1e}")
print(f"parameters: the pair {count_parameters(last) + count_parameters(head):,}, "
      f"the merged layer {count_parameters(merged):,}")  # fmt: skip
check_answer("4.3", count_parameters(merged))

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "4df6368a019dfda2"}
# <details><summary>Solución 4</summary>
#
# Cada clase tiene tantas imágenes de prueba como cualquier otra (la celda las cuenta), así que la
# respuesta constante acierta exactamente en una de cada diez imágenes: una exactitud de 0.1, el
# nivel del azar en este conjunto de prueba, y cualquier exactitud por encima de él es habilidad.
# En un conjunto de prueba desbalanceado, la respuesta constante puede obtener una puntuación alta
# sin reconocer nada: con el 95% de las imágenes en una clase, responder siempre esa clase obtiene
# 0.95. Allí, mira la exactitud por clase (la exhaustividad de cada clase, las filas de la matriz
# de confusión), su media (la *exactitud balanceada*, 0.1 aquí para la respuesta constante) o la
# precisión (precision) y la exhaustividad de las clases poco frecuentes.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
from fmnist_lib.evaluation import accuracy as accuracy_of
from fmnist_lib.evaluation import confusion_matrix, per_class_accuracy

test_labels = splits_for(BUDGET).test.labels
always_tshirt = confusion_matrix(test_labels, torch.zeros_like(test_labels))
print(f"test images per class: {torch.bincount(test_labels).tolist()}")
recall = per_class_accuracy(always_tshirt)
print(f"always T-shirt/top: accuracy {accuracy_of(always_tshirt):.3f}, "
      f"balanced accuracy {sum(recall) / len(recall):.3f}")  # fmt: skip
check_answer("4.4", accuracy_of(always_tshirt))

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "61639e16b5935bb3"}
# <details><summary>Solución 5</summary>
#
# La predicción, a partir de lo que hace el dropout. Con $p = 0.8$, la pérdida y la exactitud de
# entrenamiento se miden en una red que ve alrededor de una quinta parte de sus características,
# una desventaja que las mediciones de validación (sin dropout) no tienen; y la cabeza no puede
# ajustarse a las imágenes de entrenamiento a través de características que desaparecen al azar.
# Sin dropout, ambos efectos desaparecen: espera que la pérdida de entrenamiento baje más rápido y
# termine más por debajo de la pérdida de validación (o menos por encima de ella), y que la
# exactitud de entrenamiento termine más alta con respecto a la de validación — una brecha que
# crece con las épocas una vez que el modelo empieza a sobreajustarse.
#
# La celda entrena ambos (cinco épocas con el presupuesto `quick`, dos con `smoke`) e imprime, para
# cada uno, la diferencia pérdida de validación − pérdida de entrenamiento y la diferencia
# exactitud de entrenamiento − exactitud de validación en la última época, y si la primera es
# mayor sin dropout. Es una sola semilla de cada uno y pocas épocas: un patrón para observar, no un
# veredicto. El capítulo 6 entrena los mismos dos modelos durante más tiempo, para ver si la
# pérdida de validación vuelve a subir.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
dropout_runs = {
    "dropout 0.8 (registered)": run_experiment("clf-raschka-10", SWEEP_BUDGET),
    "dropout 0": run_experiment("clf-raschka-10", SWEEP_BUDGET, overrides={"dropout": 0.0}),
}
fig = training_curves(
    {k: r.history.epochs for k, r in dropout_runs.items()},
    ("loss", "accuracy"),
    ("cross-entropy", "accuracy"),
    f"Raschka (10), {SWEEP_BUDGET} budget: training (solid) vs validation (dashed)",
)
for k, r in dropout_runs.items():
    last_epoch = r.history.epochs[-1]
    print(
        f"{k:<25} after {len(r.history.epochs)} epochs: validation − training loss "
        f"{last_epoch['val_loss'] - last_epoch['train_loss']:+.3f}, training − validation "
        f"accuracy {100 * (last_epoch['train_accuracy'] - last_epoch['val_accuracy']):+.1f} points"
    )
loss_gap = {
    k: r.history.epochs[-1]["val_loss"] - r.history.epochs[-1]["train_loss"]
    for k, r in dropout_runs.items()
}
larger = loss_gap["dropout 0"] > loss_gap["dropout 0.8 (registered)"]
print(f"validation − training loss is larger without dropout: {larger}")

# %% [markdown] translation={"source": "2ecd8449a55e7668"}
# ## Resumen
#
# - Un clasificador es un codificador con una cabeza lineal que produce diez logits;
#   `nn.CrossEntropyLoss` aplica la log-softmax por sí misma. Una capa de salida softmax comprime
#   los logits dos veces: su pérdida se satura y su gradiente se desvanece cuando el modelo se
#   equivoca con confianza (la tabla de pérdidas y gradientes de arriba); las corridas de
#   entrenamiento dan el veredicto con su presupuesto.
# - Los tres clasificadores del informe se entrenaron con la configuración de su Tabla II; con
#   dropout 0.8, la exactitud de entrenamiento se mide en una red adelgazada y puede quedar por
#   debajo de la exactitud de validación.
# - Las filas de la matriz de confusión dan la exhaustividad de cada clase y muestran qué clases se
#   confunden con cuáles.
# - Si un clasificador convolucional supera al denso se decide sobre tres semillas con la regla
#   del curso, un modelo a la vez.
#
# Los números del capítulo, con el presupuesto con el que se ejecutó este cuaderno:

# %%
from fmnist_lib.models import count_parameters

print(f"budget: {BUDGET}")
for r in results.values():
    print(
        f"{r.experiment.title:<18} test accuracy {r.test['accuracy']:.2%} "
        f"({count_parameters(r.model):,} parameters, {len(r.history.epochs)} epochs)"
    )
print(f"logits − softmax output ({SWEEP_BUDGET}): {interval_text(softmax_effect)}; "
      f"'a softmax output is worse': {softmax_verdict}")  # fmt: skip
worst = per_class["ours"].idxmin()
print(f"our Raschka classifier's worst class: {worst} ({per_class['ours'][worst]:.1%} recall)")
for n, c in dense_comparisons.items():
    print(f"{n} − feed-forward: {interval_text(c)}; "
          f"'beats it': {VERDICT_WORDS[judge(c, lower_is_better=False)]}")  # fmt: skip
