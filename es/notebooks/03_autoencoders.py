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

# %% [markdown] translation={"source": "d2a140c6d26a1816"}
# # 3. Autocodificadores: comprimir y luego reconstruir
#
# Un autocodificador (autoencoder) se entrena para devolver como salida su propia entrada. Eso
# parece inútil hasta que obligas a los datos a pasar por una capa estrecha en el medio: para
# reconstruir una imagen de $28 \times 28$ a partir de, digamos, 64 números, la red tiene que
# descubrir qué tienen en común todas las imágenes de ropa y codificar solo lo que distingue a
# cada una. Este capítulo entrena los tres autocodificadores del informe con la configuración de
# su Tabla I y los compara.
#
# **Objetivos.** Después de este capítulo podrás
#
# - escribir tú mismo el ciclo de entrenamiento (`zero_grad`, pasada hacia adelante, `backward`,
#   `step`) y decir qué agrega `fit` a su alrededor: validación, detención temprana (early
#   stopping), puntos de control (checkpoints);
# - explicar qué hace el dropout durante el entrenamiento y por qué está desactivado en la
#   evaluación;
# - comparar autocodificadores por su error de prueba y leer sus curvas de entrenamiento y sus
#   reconstrucciones;
# - poner a prueba una explicación midiéndola (dónde está el error, cuántas unidades están
#   muertas) en lugar de fiarte de cómo se ve una imagen;
# - dibujar los códigos en dos dimensiones (PCA, t-SNE), medir qué tan bien una lectura lineal
#   separa las clases y decodificar un recorrido entre dos códigos.
#
# **Tiempo.** Con el presupuesto (budget) `full`, este cuaderno (notebook) entrena cuatro modelos
# con 50,000 imágenes: alrededor de una hora en una CPU de 2 núcleos la primera vez (los modelos
# Raschka se llevan la mayor parte), unos pocos minutos en una GPU. Las corridas terminadas se
# guardan en `runs/` y se reutilizan, así que volver a ejecutar el cuaderno es rápido.

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

# %% [markdown] translation={"source": "d01a58d48bcac1e5"}
# ## Codificador, cuello de botella, decodificador
#
# Un autocodificador son dos funciones que se entrenan juntas: un **codificador** (encoder) $f$
# lleva una imagen $x \in [0,1]^{784}$ a un código $z = f(x) \in \mathbb{R}^n$, y un
# **decodificador** (decoder) $g$ lleva el código de vuelta a una imagen $\hat x = g(z)$. Con
# $n < 784$ el código es un **cuello de botella** (bottleneck): el par no puede limitarse a copiar
# píxeles, sino que debe aprender una representación comprimida. El entrenamiento minimiza el
# error cuadrático medio entre la entrada y la salida,
#
# $$ \mathcal{L}(x, \hat x) = \frac{1}{784} \sum_{i=1}^{784} (x_i - \hat x_i)^2 , $$
#
# promediado sobre un minilote; como en el informe, la pérdida de una época es la media de sus
# pérdidas por lote. El decodificador termina con una sigmoide $\sigma(t) = 1/(1+e^{-t})$ para que
# cada píxel de salida quede en $[0, 1]$, como la entrada.
#
# Los tres modelos difieren en la forma de comprimir:
#
# - **feed-forward**: una capa densa $784 \to 512$ (ReLU) y otra de vuelta; cada píxel está
#   conectado con cada unidad oculta;
# - **«consigna»**: dos etapas de convolución + agrupamiento máximo (max pooling), y luego una
#   capa densa hasta $n = 128$;
# - **«Raschka»**: cuatro convoluciones con LeakyReLU, que reducen el tamaño mediante el paso
#   (stride) y no con agrupamiento; luego una capa densa hasta $n = 64$ o $128$; convoluciones
#   transpuestas y un `Trim` en el camino de vuelta.

# %% tags=["nbval-check-output"]
import pandas as pd

from fmnist_lib import paper
from fmnist_lib.arithmetic import trace_shapes
from fmnist_lib.experiments.registry import EXPERIMENTS

rows = []
for name in paper.TABLE_I:
    e = EXPERIMENTS[name]
    shapes = trace_shapes(e.new_model())
    rows.append(
        {
            "experiment": name,
            "model": e.title,
            "code size n": e.hidden_size,
            "compression 784/n": round(784 / e.hidden_size, 1),
            "parameters": int(shapes["parameters"].sum()),
            "multiply-adds per image": int(shapes["multiply-adds"].sum()),
        }
    )
pd.DataFrame(rows).set_index("experiment")

# %% [markdown] translation={"source": "161ee6732e388829"}
# Los pesos y el cómputo son cosas distintas. Una capa densa usa cada peso una vez por imagen; una
# convolución reutiliza cada uno de sus pocos pesos en todas las posiciones de la imagen. Por eso
# la red feed-forward tiene aproximadamente tantos pesos como Raschka (128), pero necesita muchas
# menos multiplicaciones-sumas, y los modelos Raschka son los que más calculan: sus
# convoluciones operan sobre mapas de tamaño completo de $28 \times 28$ y de $14 \times 14$ con
# 32–64 canales, sin agrupamiento que los reduzca.
#
# ## Tabla I: la configuración
#
# La configuración del informe, tal como está registrada en la biblioteca (`fmnist_lib`). Las
# épocas de Raschka se eligieron con detención temprana; nosotros las usamos como tope y nos
# detenemos antes si la pérdida de validación no mejora durante 3 épocas (en ese caso se conservan
# los pesos de la mejor época).

# %% tags=["nbval-check-output"]
from fmnist_lib.experiments.registry import SETTINGS_COLUMNS, settings_table

settings_table(paper.TABLE_I, {**SETTINGS_COLUMNS, "early stopping patience": "patience"})

# %% [markdown] translation={"source": "73b3cfb3897d3bc3"}
# ## El ciclo de entrenamiento, escrito explícitamente
#
# El entrenamiento repite cuatro pasos para cada minilote de imágenes:
#
# 1. `optimizer.zero_grad()` borra los gradientes del paso anterior (PyTorch *suma* cada gradiente
#    nuevo al que ya tiene guardado, así que hay que reiniciarlos);
# 2. la pasada **hacia adelante** (forward) calcula la salida y la pérdida; en un autocodificador
#    el objetivo es la propia imagen de entrada, así que las etiquetas no se usan;
# 3. `loss.backward()` calcula el gradiente de la pérdida con respecto a cada peso
#    (retropropagación; el capítulo 6 la examina por dentro);
# 4. `optimizer.step()` mueve cada peso en sentido contrario a su gradiente; Adam, el optimizador
#    del informe, además escala el paso de cada peso según el tamaño reciente de sus gradientes.
#
# Una pasada por todas las imágenes de entrenamiento es una **época**. Aquí está el ciclo, escrito
# explícitamente, entrenando el autocodificador feed-forward con su configuración de la Tabla I
# (lote de 1000, tasa de aprendizaje $10^{-3}$) durante unas pocas épocas con las imágenes de
# entrenamiento:

# %%
import torch
from torch import nn

from fmnist_lib.data import Batches, splits_for
from fmnist_lib.evaluation import evaluate
from fmnist_lib.models import FeedForwardAutoencoder
from fmnist_lib.training import seed_everything

splits = splits_for(BUDGET)
print(f"{len(splits.train):,} training images, {len(splits.val):,} validation images")


def one_epoch(model, batches, loss_fn, optimizer):
    """Train ``model`` for one pass over ``batches``; return the mean of the per-batch losses."""
    model.train()  # training behaviour: dropout on
    losses = []
    for x, _labels in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(x), x)  # the target is the input
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


seed_everything(0)  # the initial weights and the dropout masks
model = FeedForwardAutoencoder(hidden_size=512, dropout=0.1)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
batches = Batches(splits.train, 1000, shuffle=True, generator=torch.Generator().manual_seed(0))
ours = []
for epoch in range(1, 4):
    ours.append(one_epoch(model, batches, nn.MSELoss(), optimizer))
    val_loss = evaluate(model, splits.val, "reconstruction")["loss"]  # in eval mode
    print(f"epoch {epoch}: training loss {ours[-1]:.5f}, validation loss {val_loss:.5f}")

# %% [markdown] translation={"source": "74fef707ca0571a9"}
# La pérdida es el error cuadrático medio por píxel. La pérdida de entrenamiento es la media de
# las pérdidas por lote de la época, medidas mientras los pesos todavía cambiaban y con el dropout
# activo; la pérdida de validación se mide después de la época, con imágenes con las que el modelo
# nunca se entrena y con el dropout desactivado (`evaluate` pone el modelo en modo de evaluación y
# luego lo devuelve a su modo anterior).
#
# El **dropout**, usado aquí con $p = 0.1$, pone a cero una fracción aleatoria $p$ de las unidades
# ocultas en cada paso de entrenamiento y escala las demás por $1/(1-p)$, de modo que ninguna
# unidad pueda depender de unas pocas otras en particular; en la evaluación no hace nada. Por eso
# el ciclo llama a `model.train()` y la evaluación a `model.eval()`: el mismo modelo se comporta
# de manera distinta en los dos modos (el capítulo 5 muestra qué sale mal cuando un módulo está en
# el modo equivocado).
#
# La función `train_one_epoch` de la biblioteca es este mismo ciclo, con un gancho (hook) que le
# permite a quien la llama observar cada lote. Con la misma semilla y el mismo orden de lotes da
# exactamente los mismos pasos:

# %%
from fmnist_lib.training import train_one_epoch

seed_everything(0)
twin = FeedForwardAutoencoder(hidden_size=512, dropout=0.1)
twin_optimizer = torch.optim.Adam(twin.parameters(), lr=1e-3)
twin_batches = Batches(splits.train, 1000, shuffle=True, generator=torch.Generator().manual_seed(0))
library = [
    train_one_epoch(twin, twin_batches, nn.MSELoss(), twin_optimizer, task="reconstruction")
    for _ in range(3)
]
weights = zip(model.state_dict().values(), twin.state_dict().values(), strict=True)
print("the same losses:", ours == library)
print("the same weights:", all(torch.equal(a, b) for a, b in weights))

# %% [markdown] translation={"source": "ec9cf893f194f9da"}
# `fit`, a la que llama `run_experiment`, envuelve este ciclo con lo que necesita una corrida de
# entrenamiento real:
#
# - **validación** después de cada época, registrada junto con la pérdida de entrenamiento en un
#   historial (las curvas de más abajo);
# - **detención temprana**: con una `patience` de $k$, se detiene en cuanto la pérdida de
#   validación lleva $k$ épocas seguidas sin mejorar y, tanto si se detuvo antes como si llegó a
#   la última época, termina con los pesos de la época que tuvo la menor pérdida de validación
#   (los modelos Raschka de más abajo la usan: el informe eligió sus épocas de esta forma);
# - **puntos de control** después de cada época (pesos, estado del optimizador, estado aleatorio
#   del orden de los lotes), para que una corrida interrumpida se reanude donde se detuvo, con el
#   mismo resultado;
# - una verificación que detiene una corrida que **diverge** (una pérdida que no es un número
#   finito) con un error que indica qué probar, además de una barra de progreso y el tiempo de
#   cada época.
#
# ## Entrenamiento
#
# `run_experiment` entrena un modelo con Adam (o reanuda una corrida interrumpida desde su último
# punto de control, o vuelve a cargar una ya terminada) y al final lo evalúa una sola vez en el
# conjunto de prueba.

# %%
from fmnist_lib.experiments import run_experiment, summary_table

results = {name: run_experiment(name, BUDGET) for name in paper.TABLE_I}
summary_table(results)

# %% [markdown] translation={"source": "0a7099a86d2e0ff9"}
# ## Curvas de entrenamiento (la Figura 5 del informe)
#
# Las líneas continuas son la pérdida de entrenamiento y las discontinuas la pérdida de
# validación, en escala logarítmica. Una curva de validación que se mantiene cerca de su curva de
# entrenamiento indica que el modelo generaliza; una que empieza a subir mientras la de
# entrenamiento sigue bajando indica sobreajuste.

# %%
from fmnist_lib.plots import training_curves

curves = {r.experiment.title: r.history.epochs for r in results.values()}
fig = training_curves(
    {k: curves[k] for k in ("consigna (128)", "feed-forward (512)")},
    ("loss",),
    ("MSE",),
    "consigna and feed-forward",
    log_scale=True,
)
fig = training_curves(
    {k: curves[k] for k in ("Raschka (64)", "Raschka (128)")},
    ("loss",),
    ("MSE",),
    "Raschka, n = 64 and 128",
    log_scale=True,
)

# %%
gaps = pd.DataFrame(
    {
        r.experiment.title: {
            "epochs run": len(r.history.epochs),
            "best epoch": r.history.best_epoch,
            "stopped early": r.history.stopped_early,
            "val / train loss, last epoch": r.history.epochs[-1]["val_loss"]
            / r.history.epochs[-1]["train_loss"],
        }
        for r in results.values()
    }
).T
gaps

# %% [markdown] translation={"source": "1ab7fae58ab2b5f7"}
# Una razón entre la pérdida de validación y la de entrenamiento cercana a 1 (o menor) indica que
# no hay sobreajuste: como el dropout está desactivado en la evaluación, la validación puede
# incluso dar mejor resultado que los ruidosos lotes de entrenamiento.
#
# ## Reconstrucciones (la Figura 6 del informe)
#
# Las mismas diez imágenes de validación, una por clase, reconstruidas por cada modelo:

# %%
from fmnist_lib.data import splits_for
from fmnist_lib.evaluation import reconstruct
from fmnist_lib.plots import reconstructions

splits = splits_for(BUDGET)
first_of_each_class = [int((splits.val.labels == c).nonzero()[0]) for c in range(10)]
originals = splits.val.images[first_of_each_class]
fig = reconstructions(
    originals, {r.experiment.title: reconstruct(r.model, originals) for r in results.values()}
)

# %% [markdown] translation={"source": "f0768f2c0d1487a1"}
# Más ejemplos de cada clase, para explorar: elige una clase para ver sus tres primeras imágenes
# de validación (fila superior) y las reconstrucciones que hace de ellas cada modelo (cada vista
# se calcula aquí una sola vez, así que el explorador también funciona en las páginas estáticas
# del libro).

# %%
from fmnist_lib.widgets import reconstruction_browser

models = {r.experiment.title: r.model for r in results.values()}
reconstruction_browser(models, splits.val, per_class=3)

# %% [markdown] translation={"source": "90d1f7adbaee09a4"}
# Mira los bordes derecho e inferior de las reconstrucciones de «consigna»: una franja a lo largo
# de ellos se ve igual en todas las imágenes. El capítulo 2 mostró por qué: la última convolución
# transpuesta deja la última fila y la última columna a cargo de un sesgo, y la primera deja su
# propia fila 12 a cargo de un sesgo, y las filas 25 y 26 se calculan solo a partir de esa fila.
# ¿Qué parte del rezago de «consigna» se debe a eso? Lo medimos más abajo.
#
# ## ¿Qué autocodificador es el mejor?
#
# El MSE de prueba por píxel, medido una sola vez en las 10,000 imágenes de prueba después del
# entrenamiento:

# %%
test_mse = pd.Series(
    {r.experiment.title: r.test["mse"] for r in results.values()}, name="test MSE"
).sort_values()
print(test_mse.to_string(float_format="{:.5f}".format))
best, runner_up = test_mse.index[:2]
print(f"\nbest: {best}; second: {runner_up}")
r128, ff = test_mse["Raschka (128)"], test_mse["feed-forward (512)"]
print(
    f"Raschka (128) vs feed-forward: {r128:.5f} vs {ff:.5f} -> Raschka is "
    f"{'lower' if r128 < ff else 'higher'} by {abs(ff - r128) / ff:.0%}, after "
    f"{len(results['ae-raschka-128'].history.epochs)} vs "
    f"{len(results['ae-feedforward-512'].history.epochs)} epochs"
)

# %% [markdown] translation={"source": "9ec5fb4cfed079d5"}
# ## ¿Por qué se rezaga «consigna»? Medir en lugar de adivinar
#
# La franja del borde es el sospechoso visible. Primero: ¿la franja es realmente independiente de
# la imagen? Autograd lo responde: el gradiente de cada fila de salida con respecto al código es
# exactamente cero cuando la fila no puede ver el código.

# %%
import torch

consigna = results["ae-consigna-128"].model
code = torch.randn(4, 128, requires_grad=True)
rows = consigna.decoder.eval()(code)[0, 0].sum(dim=1)  # one number per output row
for row in (23, 24, 25, 26, 27):
    (gradient,) = torch.autograd.grad(rows[row], code, retain_graph=True)
    print(f"row {row}: |d row / d code| = {gradient.abs().sum():.3g}")
BAND = 3  # rows and columns 25-27: computed from biases alone

# %% [markdown] translation={"source": "f0d75578292e71df"}
# Las filas 25, 26 y 27 (y las mismas columnas) no pueden ver el código. ¿Dónde está el error
# cuadrático del modelo? `error_map` lo promedia por píxel sobre las imágenes de prueba; la
# proporción que corresponde a la franja, y el MSE en los demás píxeles, dicen cuánto explica la
# franja:

# %%
from fmnist_lib.diagnostics import dead_units, error_map

errors = error_map(consigna, splits.test)
inner = errors[: 28 - BAND, : 28 - BAND]
band_share = 1 - inner.sum() / errors.sum()
print(f"test MSE {errors.mean():.5f}; on the pixels outside the band {inner.mean():.5f}")
pixel_share = 1 - inner.numel() / errors.numel()
print(f"the band: {pixel_share:.0%} of the pixels, {band_share:.0%} of the squared error")
print("for comparison, test MSE of the other models:", ", ".join(
    f"{t} {m:.5f}" for t, m in test_mse.items() if t != "consigna (128)"))  # fmt: skip

# %% [markdown] translation={"source": "f56b67f1a62966b9"}
# Un segundo sospechoso: las **unidades muertas**. Una ReLU cuya entrada es negativa para todas
# las imágenes devuelve 0 en todos los casos y no deja pasar ningún gradiente hacia atrás, así que
# nunca aprende a volver: la capa trabaja con menos unidades de las que tiene. `dead_units`
# cuenta, después de cada ReLU, las unidades que valen cero en todas las imágenes de prueba:

# %%
dead_table = dead_units(consigna, splits.test)
dead_table

# %% [markdown] translation={"source": "1c5445e8297c7669"}
# `encoder.10` es el propio código (la ReLU después de `Linear(800, 128)`) y `decoder.1`, la
# primera capa del decodificador (800 unidades). Compara la cantidad de unidades muertas con el
# tamaño de las capas: un código con muchas unidades muertas es un código mucho más pequeño que
# sus 128 nominales. Por último, la curva de aprendizaje: ¿cuánto siguió mejorando la pérdida de
# validación en la segunda mitad del entrenamiento?

# %%
val = [e["val_loss"] for e in results["ae-consigna-128"].history.epochs]
half = len(val) // 2
print(
    f"validation MSE: epoch 1 {val[0]:.5f}, epoch {half} {val[half - 1]:.5f}, "
    f"epoch {len(val)} {val[-1]:.5f}"
)
print(f"second half: {(val[half - 1] - val[-1]) / val[half - 1]:.1%} lower")

# %% [markdown] translation={"source": "030688a6e3594ae9"}
# Lee los números de arriba según su presupuesto. Con `full`, la franja, una quinta parte de los
# píxeles, concentra la mayor parte del error cuadrático de «consigna»: un decodificador que no
# puede dibujar sus últimas tres filas y columnas pierde ahí, aprenda lo que aprenda. Fuera de la
# franja su error es mucho menor, pero sigue por encima del de los otros modelos (compara los MSE
# impresos): la franja es la mayor parte del rezago, no todo. Las unidades muertas y una pérdida
# que casi dejó de mejorar son candidatas a explicar el resto; solo candidatas: no hemos cambiado
# nada ni vuelto a entrenar. El ejercicio 4 pone a prueba una de ellas.
#
# El informe encontró que los mejores modelos eran el feed-forward y Raschka-128: Raschka-128
# alcanzó en 14 épocas un error menor que el del feed-forward en 60, y Raschka-64 quedó
# ligeramente por detrás de Raschka-128. Compara con el orden impreso arriba: en esta reproducción
# (una semilla por modelo) Raschka-64 queda más atrás, también por detrás del modelo feed-forward
# (con el presupuesto `smoke`, dos épocas con 1,000 imágenes, los números dicen poco). El
# [informe de reproducción](../report.md) repite la comparación con varias semillas, con barras de
# error.
#
# Dos cosas para notar, sea cual sea el presupuesto:
#
# - **La compresión no lo explica todo.** El código del feed-forward tiene 512 números, más que
#   los de los otros; es más fácil reconstruir a partir de él. Raschka-64 comprime 12× y aun así
#   compite.
# - **Las convoluciones ven estructura.** Una capa densa tiene que aprender por separado que una
#   manga arriba a la izquierda y otra arriba a la derecha se parecen; una convolución comparte
#   sus pesos entre posiciones.

# %% [markdown] translation={"source": "c7d39a959c3aba2d"}
# ## El espacio de códigos
#
# El codificador convierte cada imagen en su *código*: 512 números para el modelo feed-forward,
# 128 para Raschka (128). ¿Las imágenes de la misma clase reciben códigos parecidos? Nadie puede
# dibujar 512 dimensiones, así que miramos dos mapas planos de los códigos de las imágenes de
# prueba: **PCA** (el plano en el que los códigos varían más; una proyección solo acorta
# distancias, así que los puntos que aparecen separados están separados, pero los que aparecen
# juntos pueden no estarlo: la mayor parte de la varianza está en las otras direcciones) y
# **t-SNE** (conserva quién está al lado de quién, sobre una muestra estratificada; las distancias
# entre los cúmulos y sus tamaños no significan nada). El informe no examina sus códigos; la clase
# de STAT 453 de Raschka sí lo hace.

# %%
from fmnist_lib import latent
from fmnist_lib.plots import interpolation_strip, latent_scatter

coders = {name: results[name].model for name in ("ae-feedforward-512", "ae-raschka-128")}
test_codes = {name: latent.encode(model, splits.test) for name, model in coders.items()}
shown = latent.sample_indices(len(splits.test), 2000, labels=splits.test.labels)  # for the plot
for name, codes in test_codes.items():
    pca = latent.pca_2d(codes)  # the axes of all the test codes
    fig = latent_scatter(
        pca.points[shown],
        splits.test.labels[shown],
        f"{results[name].experiment.title}: {len(shown):,} test codes, first two principal axes",
        axis_names=(f"PC 1 ({pca.explained[0]:.0%})", f"PC 2 ({pca.explained[1]:.0%})"),
    )

# %%
for name, codes in test_codes.items():
    tsne = latent.tsne_2d(codes, labels=splits.test.labels, max_points=2000)
    fig = latent_scatter(
        tsne.points,
        splits.test.labels[tsne.indices],
        f"{results[name].experiment.title}: t-SNE of {len(tsne.indices):,} test codes",
    )

# %% [markdown] translation={"source": "082f84e53befa4f5"}
# Una imagen puede dar una impresión demasiado favorable. Pasemos a un número: ajusta un
# clasificador *lineal* (regresión logística) sobre los códigos de 10,000 imágenes de
# entrenamiento, con sus etiquetas, y evalúalo en los códigos de prueba; eso es una **sonda
# lineal** (linear probe). La misma sonda sobre los píxeles crudos dice cuánto de esa separación
# agregó el codificador. Los autocodificadores nunca vieron una etiqueta.

# %%
train_index = latent.sample_indices(len(splits.train), 10_000, labels=splits.train.labels)
probe_train = splits.train.subset(train_index)
probe_labels = splits.train.labels[train_index]
probes = {
    "pixels": latent.probe_accuracy(
        probe_train.floats().flatten(1),
        probe_labels,
        splits.test.floats().flatten(1),
        splits.test.labels,
    )
}
for name, model in coders.items():
    probes[f"{results[name].experiment.title} codes"] = latent.probe_accuracy(
        latent.encode(model, probe_train), probe_labels, test_codes[name], splits.test.labels
    )
pd.Series(probes, name="linear probe, test accuracy").map("{:.1%}".format).to_frame()

# %% [markdown] translation={"source": "578438e3dc2cb45d"}
# Lee los mapas y la sonda en conjunto. Las clases que los mapas muestran separadas (pantalones,
# bolsos, calzado) son las fáciles; las prendas de la parte superior (camiseta, suéter, abrigo,
# camisa) se superponen, tanto en los mapas como en las matrices de confusión de los
# clasificadores (capítulo 4). Una lectura lineal de los códigos alcanza la exactitud (accuracy)
# que muestra la tabla: compárala con la de los píxeles para ver cuánto más linealmente separables
# volvió el código a las clases (con el presupuesto full, solo unos pocos puntos porcentuales: los
# códigos mantienen las clases más o menos igual de separables que los píxeles, con muchos menos
# números que 784 en el caso de Raschka). La sonda usa la misma regularización, sin ajustar, para
# todas las entradas; ajustarla con datos de validación podría mover cada número más o menos tanto
# como las diferencias entre ellos.
# Por eso puede funcionar iniciar un clasificador a partir de un codificador (capítulo 5), ya que
# el código conserva lo que distingue a las clases aunque solo se entrenó para reconstruir
# imágenes, y también por eso no tiene por qué ayudar: un código ajustado para la reconstrucción
# no está ajustado para la separación, que es lo que agrega el ajuste fino (fine-tuning).
#
# ## Recorrido entre dos códigos
#
# Toma una zapatilla deportiva (Sneaker) y un botín (Ankle boot), y decodifica puntos sobre la
# recta que une sus códigos; compara con mezclar las dos imágenes píxel a píxel:

# %%
first = {c: int((splits.test.labels == c).nonzero()[0]) for c in (7, 9)}  # Sneaker, Ankle boot
a, b = splits.test.images[first[7]], splits.test.images[first[9]]
raschka = coders["ae-raschka-128"]
fig = interpolation_strip(
    {"decoded codes": latent.interpolate(raschka, a, b), "pixel blend": latent.pixel_blend(a, b)},
    "Raschka (128): from a sneaker to an ankle boot",
)

# %% [markdown] translation={"source": "5db362e0ee41d27a"}
# La mezcla de píxeles es una doble exposición: dos zapatos tenues, uno encima del otro. El camino
# decodificado pasa por imágenes que se parecen más a un solo zapato, porque el decodificador se
# entrenó para producir imágenes como las de entrenamiento; es una señal de que códigos cercanos
# se decodifican en imágenes parecidas y verosímiles, aunque nada garantiza que cada punto entre
# dos códigos sea una imagen verosímil (un autocodificador variacional se entrena para que eso se
# cumpla).
#
# ## Ejercicios
#
# 1. **Predice primero.** El código del autocodificador «consigna» tiene $n = 128$ números.
#    Predice cómo cambia su MSE de prueba con un código de 16; luego entrena ambos con el
#    presupuesto `quick`
#    (`run_experiment("ae-consigna-128", "quick", overrides={"hidden_size": 16})`) y compáralos.
# 2. ¿Qué clase reconstruye peor el autocodificador feed-forward en el conjunto de validación?
#    Calcula el MSE por clase (`fmnist_lib.evaluation.mse_by_class`) y comprueba tu respuesta más
#    abajo.
# 3. ¿Por qué las reconstrucciones se ven borrosas? (Pista: ¿qué minimiza el error *cuadrático*
#    cuando la red duda entre dos imágenes?)
# 4. **Predice primero.** Unidades muertas en el cuello de botella: construye
#    `ConsignaAutoencoder()`, reemplaza la ReLU de su código por `nn.LeakyReLU(0.01)`
#    (`model.encoder[10] = nn.LeakyReLU(0.01)`), entrénalo con `fit` de la biblioteca con el
#    presupuesto `quick` y compara su MSE de prueba y `dead_units` con los del original entrenado
#    de la misma forma. Antes de ejecutar: predice cuál pierde menos unidades.

# %%
from fmnist_lib.exercises import check_answer

answer = ...  # exercise 2: the class name, e.g. "Sneaker"
check_answer("3.2", answer, model=results["ae-feedforward-512"].model, data=splits.val)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "e7c045022992ead9"}
# <details><summary>Solución 1</summary>
#
# Un código más pequeño debe describir cada imagen con menos números, así que el error debería
# aumentar. Cuánto es la parte interesante: las unidades muertas del código (arriba) hacen que los
# 128 nominales no sean lo que el decodificador recibe realmente. Las dos corridas, con el
# presupuesto `quick` (menos imágenes y épocas que las corridas de referencia, así que compáralas
# entre sí, no con la tabla de arriba):
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
SMALL = "smoke" if BUDGET == "smoke" else "quick"  # the budget of the exercises' runs
by_size = {
    n: run_experiment("ae-consigna-128", SMALL, overrides={"hidden_size": n}) for n in (16, 128)
}
for n, r in by_size.items():
    print(f"n = {n:>3}: test MSE {r.test['mse']:.5f}")
change = by_size[16].test["mse"] / by_size[128].test["mse"] - 1
print(f"a code of 16 instead of 128: {change:+.0%} test MSE (one seed each)")

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "1fed85122b4adc40"}
# <details><summary>Solución 2</summary>
#
# `mse_by_class` promedia el error cuadrático de las imágenes de cada clase; la tabla de abajo
# ordena las clases. Léela junto con las reconstrucciones de arriba: las clases que más varían de
# una imagen a otra (los bolsos vienen en todas las formas y estampados) o que dependen de
# detalles finos (las tiras de una sandalia) probablemente sean las más difíciles de reconstruir a
# partir de un código, mientras que las clases cuyas imágenes comparten una sola silueta simple
# (pantalones, zapatillas deportivas) se reconstruyen mejor. (Con el presupuesto full; un modelo,
# una semilla.)
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
from fmnist_lib.data import CLASS_NAMES
from fmnist_lib.evaluation import mse_by_class

feedforward = results["ae-feedforward-512"].model
per_class = pd.Series(mse_by_class(feedforward, splits.val), index=CLASS_NAMES).sort_values()
print(per_class.to_string(float_format="{:.5f}".format))
check_answer("3.2", per_class.index[-1], model=feedforward, data=splits.val)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "1665d5a6ffb93eba"}
# <details><summary>Solución 3</summary>
#
# Si la red no puede distinguir si una imagen es $a$ o $b$ (digamos, con iguales probabilidades),
# entonces devolver $a$ cuesta en promedio $\tfrac12 \lVert a-b \rVert^2$ (cero la mitad de las
# veces), mientras que devolver su media $\tfrac{a+b}{2}$ cuesta $\tfrac14 \lVert a-b \rVert^2$
# sea cual sea la correcta. El error cuadrático premia el promedio de las imágenes verosímiles, y
# un promedio de imágenes con detalles en lugares distintos es una imagen borrosa. El cálculo de
# abajo lo comprueba con dos imágenes reales.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
a, b = splits.val.floats()[:2]
for guess, name in ((a, "guess a"), ((a + b) / 2, "guess the mean")):
    expected_error = 0.5 * ((guess - a) ** 2).mean() + 0.5 * ((guess - b) ** 2).mean()
    print(f"{name:>15}: expected MSE {expected_error:.4f}")

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "452ae33dfc5efc12"}
# <details><summary>Solución 4</summary>
#
# LeakyReLU deja pasar un gradiente pequeño para entradas negativas, así que una unidad del código
# que se vuelve negativa en todas las imágenes todavía puede recuperarse: debería perder menos
# unidades. Si eso se traduce en un error menor en una corrida corta es otra cuestión, que
# responden los números de abajo (una semilla para cada variante, con el presupuesto `quick`). Con
# ese presupuesto las unidades del código se recuperan, pero el error casi no cambia: las unidades
# muertas del código no explican el rezago de «consigna» (las unidades muertas del decodificador
# quedan como estaban).
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
from fmnist_lib.models import ConsignaAutoencoder
from fmnist_lib.training import TrainConfig, fit

small = splits_for(SMALL)
config = TrainConfig("reconstruction", epochs=5, batch_size=32, lr=1e-3)
for code_activation in ("ReLU", "LeakyReLU(0.01)"):
    seed_everything(0)
    model = ConsignaAutoencoder()
    if code_activation != "ReLU":
        model.encoder[10] = nn.LeakyReLU(0.01)
    fit(model, small.train, small.val, config, progress=False)
    mse = evaluate(model, small.test, "reconstruction")["loss"]
    dead = dead_units(model, small.test)["dead"]
    print(
        f"{code_activation:>15}: test MSE {mse:.5f}; code units never positive: "
        f"{dead['encoder.10']} of 128, dead units in decoder.1: {dead['decoder.1']} of 800"
    )

# %% [markdown] translation={"source": "d5a2123b97e0fd2f"}
# ## Resumen
#
# - El entrenamiento es un ciclo de cuatro pasos por minilote: `zero_grad`, pasada hacia adelante,
#   `backward`, `step`; `train_one_epoch` de la biblioteca es ese ciclo, y `fit` le agrega
#   validación, detención temprana, puntos de control y una verificación de divergencia.
# - El dropout actúa solo durante el entrenamiento: `model.train()` lo activa y `model.eval()` lo
#   desactiva.
# - Los tres autocodificadores, comparados por su MSE de prueba con la configuración del informe;
#   el orden que aparece abajo se obtiene de las corridas de este cuaderno (una semilla por
#   modelo; el informe del curso agrega barras de error).
# - Con el presupuesto full, la mayor parte del rezago de «consigna» se debe a su franja del
#   borde, tres filas y columnas que su decodificador no puede alcanzar (autograd lo muestra);
#   fuera de la franja sigue por detrás de los otros, por razones que este capítulo no resuelve.
# - Los códigos conservan lo que distingue a las clases, aunque no se usó ninguna etiqueta para
#   aprenderlos; cuánto más separables linealmente que los píxeles son lo indica el número de la
#   sonda lineal.

# %%
summary = {
    "the written loop and train_one_epoch agree": ours == library,
    "ranking by test MSE (best first)": " < ".join(test_mse.index),
    "«consigna»: share of the squared error in its edge band": f"{band_share:.0%}",
    "«consigna»: test MSE outside the band": f"{inner.mean():.5f}",
    "«consigna»: dead code units": f"{dead_table.loc['encoder.10', 'dead']} of 128",
    **{f"linear probe on the {k}": f"{v:.1%}" for k, v in probes.items()},
}
for what, value in summary.items():
    print(f"{what}: {value}")
