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

# %% [markdown] translation={"source": "7c290139629d3c60"}
# # 6. Los obstáculos del descenso por gradiente
#
# El descenso por gradiente actualiza cada peso en sentido contrario a su gradiente,
# $w \leftarrow w - \eta \, \partial \mathcal{L} / \partial w$, con tasa de aprendizaje (learning
# rate) $\eta$. El informe nombra tres maneras en que esto sale mal: un mal **punto de partida**
# (capítulo 5), gradientes que **se desvanecen o explotan** (vanishing/exploding gradients) en su
# recorrido a través de las capas, y el **sobreajuste** (overfitting). Sus remedios para el segundo
# son la función de activación, el tamaño del lote (batch) y la tasa de aprendizaje. Este capítulo
# mide cada mecanismo por separado: los gradientes que se desvanecen, un paso demasiado grande
# para la curvatura (divergencia), los gradientes que explotan y el sobreajuste, y verifica qué
# remedio actúa sobre cuál.
#
# **Objetivos.** Después de este capítulo podrás
#
# - explicar por qué los gradientes se desvanecen a través de capas sigmoides (un producto de
#   jacobianos) y qué hace y qué no hace Adam al respecto;
# - distinguir la divergencia (un paso demasiado grande para la curvatura,
#   $\eta \lambda_{\max} > 2$) de los gradientes que explotan (un producto de jacobianos mayor que
#   uno), y medir cada uno;
# - elegir una inicialización que conserve la dispersión de la señal a lo largo de la
#   profundidad, y recortar los gradientes (gradient clipping);
# - reconocer el sobreajuste en las curvas de entrenamiento y comparar remedios con la regla del
#   curso para las semillas.
#
# **Tiempo.** Experimentos pequeños sobre subconjuntos con el presupuesto (budget) `full`: unos
# dos minutos, medidos en una CPU de 2 núcleos sin otra carga y con las corridas que reutiliza ya
# presentes. En un clon nuevo, las corridas de sobreajuste (presupuesto `quick`) se entrenan
# primero, varios minutos más; las corridas con agrupamiento (pooling) son corridas de referencia
# publicadas (entrenarlas llevaría más de una hora).

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
SMALL = "smoke" if BUDGET == "smoke" else "quick"  # the budget of this chapter's demonstrations

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
from fmnist_lib.data import splits_for
from fmnist_lib.diagnostics import track_gradients
from fmnist_lib.models import DeepMLP
from fmnist_lib.plots import gradient_norms
from fmnist_lib.training import seed_everything

splits = splits_for(SMALL)
tracks = {}
for activation in ("sigmoid", "relu", "leaky_relu"):
    seed_everything(0)
    tracks[activation] = track_gradients(
        DeepMLP(depth=8, hidden_size=64, activation=activation),
        splits.train,
        "classification",
        steps=150,
        lr=1e-3,
        every=10,
    )
fig = gradient_norms(tracks)

# %%
import pandas as pd

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
print("first layer relative to the head, at the last step:")
print(first_vs_head.to_string(float_format="{:.1e}".format))
print("loss at the first and last step:")
for a, t in tracks.items():
    losses = t.groupby("step").loss.first()
    print(f"  {a:<10} {losses.iloc[0]:.3f} -> {losses.iloc[-1]:.3f}")

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

# %%
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
    print(f"batch {batch_size:>3}: first layer's gradient / head's = {ratio:.1e}")

# %% [markdown] translation={"source": "94d4b222485ba125"}
# Ambos son del mismo orden diminuto. El tamaño del lote cambia cuán ruidoso es un paso
# (capítulo 7), no si una señal sobrevive a ocho capas sigmoides.
#
# ## Un paso demasiado grande para la curvatura: divergencia
#
# La otra falla no tiene nada que ver con las capas. Toma la pérdida más simple que tiene un
# valle, una cuadrática
# $\mathcal{L}(w) = \tfrac12 \sum_i \lambda_i w_i^2$, con curvaturas $\lambda_i$ (los autovalores
# de su hessiana). Un paso de gradiente multiplica cada coordenada por $1 - \eta \lambda_i$, así
# que converge solo si $|1 - \eta \lambda_i| < 1$ para todo $i$, es decir, $\eta < 2 /
# \lambda_{\max}$;
# más allá de ese valor, la dirección más empinada se pasa de largo cada vez más en cada paso. Por
# debajo de $2 / (\lambda_{\min} + \lambda_{\max})$, un $\eta$ más pequeño es *más lento*: la
# dirección plana se reduce solo por el factor $1 - \eta \lambda_{\min}$ en cada paso. Entre ese
# valor y el límite, la dirección empinada oscila y marca el ritmo. Un valle 10 veces más empinado
# en una dirección que en la otra:

# %% tags=["nbval-check-output"]
import numpy as np

curvatures = np.array([1.0, 10.0])  # the Hessian's eigenvalues: a long, narrow valley
rows = []
for lr in (0.01, 0.05, 0.1, 0.18, 0.19, 0.21):
    w = np.ones(2)
    for step in range(1, 100_001):  # noqa: B007 - read after the loop
        w = w - lr * curvatures * w  # the gradient of ½ Σ λ_i w_i² is λ_i w_i
        if not 1e-6 < np.abs(w).max() < 1e6:
            break
    rows.append(
        {
            "learning rate": lr,
            "lr × λ_max": lr * curvatures.max(),
            "steps": step,
            "outcome": "converged" if np.abs(w).max() <= 1e-6 else "diverged",
        }
    )
pd.DataFrame(rows).set_index("learning rate")

# %% [markdown] translation={"source": "7dc85e836a51bdfd"}
# La tasa más rápida está justo por debajo del límite, cerca de
# $2 / (\lambda_{\min} + \lambda_{\max})$; las tasas más pequeñas de la tabla necesitan muchas
# veces más pasos que ella: son más lentas, no más rápidas. (La sugerencia del informe de que una
# tasa de aprendizaje más pequeña converge más rápido es incorrecta por debajo de ese óptimo: una
# tasa más pequeña es *más segura*, y puede terminar en un mejor punto de una superficie ruidosa,
# pero cada paso llega menos lejos.)
#
# La pérdida de una red no es una cuadrática, pero cerca de cualquier punto tiene una cuadrática
# asociada: su hessiana, cuyo mayor autovalor, la **agudeza** (sharpness), cumple el papel de
# $\lambda_{\max}$. `sharpness`, en la biblioteca, la estima por iteración de potencias (power
# iteration) sobre productos hessiana-vector. Entrenamos el clasificador Raschka con SGD simple con
# $\eta = 0.5$ y medimos la agudeza a lo largo del camino; el límite para este paso es
# $2 / \eta = 4$:

# %%
from fmnist_lib.models import RaschkaClassifier

LR = 0.5
STEPS = 60 if SMALL == "quick" else 16
seed_everything(0)
large_step = track_gradients(
    RaschkaClassifier(dropout=0.0),
    splits.train,
    "classification",
    steps=STEPS,
    lr=LR,
    optimizer="sgd",
    every=4,
    sharpness_every=4,
)
per_step = large_step.groupby("step").agg(
    loss=("loss", "first"),
    largest_gradient=("grad_norm", "max"),
    sharpness=("sharpness", "first"),
)
print(per_step.to_string(float_format="{:.3g}".format))

# %%
per_step["loss change"] = per_step["loss"].diff()  # since the previous measurement
too_sharp = per_step["sharpness"] > 2 / LR
print(f"sharpness at the start: {per_step.sharpness.iloc[0]:.2f} (limit 2/η = {2 / LR:g})")
for label, rows_ in (("above", per_step[too_sharp]), ("below", per_step[~too_sharp])):
    if len(rows_):
        print(f"{len(rows_):>2} measurements with the sharpness {label} the limit: largest "
              f"gradient {rows_.largest_gradient.median():.2f} (median), loss change since the "
              f"previous measurement {rows_['loss change'].mean():+.2f} (mean)")  # fmt: skip

# %% [markdown] translation={"source": "15f39863ecd7d033"}
# Al principio la superficie es lo bastante plana para $\eta = 0.5$ (agudeza muy por debajo de 4).
# A medida que avanza el entrenamiento, la agudeza no se queda quieta: aquí se dispara muy por
# encima de $2/\eta$ y vuelve a bajar. Compara las mediciones por encima del límite con las que
# están por debajo (el resumen que se acaba de imprimir): coinciden con gradientes muchas veces
# más grandes y, en promedio, con una pérdida que acaba de subir: el paso se pasa de largo en la
# dirección empinada. (La tabla muestra ambas cosas juntas, con los mismos pesos; la cuadrática de
# arriba es la razón por la que se espera que la primera cause la segunda.) A veces la corrida
# vuelve a caer en una región más plana, como aquí; otras veces los excesos se acumulan hasta que
# la pérdida es `inf` o `nan` (la misma corrida, continuada, en el experimento de recorte más
# abajo). Con descenso por gradiente de lote completo, Cohen et al. (2021, *Gradient Descent on
# Neural Networks Typically Occurs at the Edge of Stability*) encontraron que la agudeza
# típicamente sube hasta alcanzar aproximadamente $2/\eta$ y luego se mantiene en torno a ese
# valor; la regla $\eta < 2/\lambda_{\max}$ es exacta solo para el descenso de lote completo sobre
# una cuadrática, y esta corrida es SGD con minilotes (mini-batches). Eso es la **divergencia**:
# una propiedad del tamaño del paso frente a la curvatura, que un $\eta$ más pequeño cura, y no
# del recorrido del gradiente a través de las capas.
#
# En una corrida larga, una divergencia desperdiciaría horas y, peor aún, guardaría basura en los
# puntos de control (checkpoints). `fit` revisa la pérdida de cada lote; ante el primer valor no
# finito se detiene con un error que dice dónde y por qué, y el último punto de control bueno
# queda en disco:

# %%
from fmnist_lib.training import TrainConfig, TrainingDiverged, fit

seed_everything(0)
try:
    fit(
        RaschkaClassifier(dropout=0.0),
        splits.train,
        splits.val,
        TrainConfig("classification", epochs=2, batch_size=32, lr=0.5, optimizer="sgd"),
        progress=False,
    )
except TrainingDiverged as error:
    print("TrainingDiverged:", error)
else:
    print("this time the run survived two epochs: try a larger learning rate")

# %% [markdown] translation={"source": "9ef46f1334221c38"}
# Dos remedios actúan sobre el paso: una **tasa de aprendizaje más pequeña** y el **recorte de
# gradientes** (más abajo). Con la configuración del informe (Adam, que mantiene el paso de cada
# peso cerca de $\eta$, con $\eta = 7 \cdot 10^{-4}$, y su lote de 40), el mismo modelo entrena con
# normalidad. Esto cambia a la vez el optimizador y la tasa; también con Adam lo que importa es el
# tamaño de $\eta$ (Adam con $\eta = 0.5$ movería cada peso unos 0.5 por paso):

# %%
seed_everything(0)
stable = fit(
    RaschkaClassifier(dropout=0.0),
    splits.train,
    splits.val,
    TrainConfig("classification", epochs=2, batch_size=40, lr=7e-4),
    progress=False,
)
print(
    [
        f"epoch {e['epoch']}: train loss {e['train_loss']:.3f}, val accuracy "
        f"{e['val_accuracy']:.1%}"
        for e in stable.epochs
    ]
)

# %% [markdown] translation={"source": "e1778146d5746422"}
# **Recorte de gradientes**: antes de cada paso, se reescala el gradiente completo a una norma de
# a lo sumo $c$, de modo que ningún paso individual vaya más lejos que $\eta c$. Deja intactos los
# pasos ordinarios y pone un tope a los que se pasan de largo. La misma corrida de SGD con
# $\eta = 0.5$, con y sin recorte en $c = 1$:

# %%
CLIP_STEPS = 160 if SMALL == "quick" else 20
for clip in (None, 1.0):
    seed_everything(0)
    run = track_gradients(
        RaschkaClassifier(dropout=0.0),
        splits.train,
        "classification",
        steps=CLIP_STEPS,
        lr=LR,
        optimizer="sgd",
        every=10,
        clip=clip,
    )
    losses = run.groupby("step").loss.first()
    print(f"clip {clip}: reached step {losses.index[-1]} of {CLIP_STEPS}, loss there "
          f"{losses.iloc[-1]:.3g}, highest loss on the way {losses.max():.3g}")  # fmt: skip

# %% [markdown] translation={"source": "29682e92daeec64a"}
# ## Gradientes que explotan: un producto mayor que uno
#
# Los gradientes que explotan son la imagen especular de los que se desvanecen: el mismo producto
# $J_L \cdots J_2$, con factores mayores que uno. Si los factores se reducen, se mantienen o
# crecen lo deciden, en primer lugar, los **pesos iniciales**. Muestrea cada peso de una
# distribución
# normal con varianza $\sigma^2 / n_{\text{in}}$ ($n_{\text{in}}$, la cantidad de entradas de la
# capa): la elección de LeCun, $\sigma^2 = 1$, mantiene la varianza de la salida de una capa tanh
# aproximadamente igual a la de su entrada; ReLU anula la mitad de sus entradas, así que la
# elección de He, $\sigma^2 = 2$, lo compensa (la $2/(n_{\text{in}} +
# n_{\text{out}})$ de Glorot es igual a la de LeCun para capas cuadradas). `signal_profile` mide
# una pasada hacia adelante y una hacia atrás en la inicialización, a través de una red de
# 30 capas:

# %%
from fmnist_lib.diagnostics import signal_profile
from fmnist_lib.models import init_weights
from fmnist_lib.plots import signal_profiles

inits = {
    "tanh, LeCun × 0.5": ("tanh", "lecun", 0.5),
    "tanh, LeCun": ("tanh", "lecun", 1.0),
    "tanh, LeCun × 2.5": ("tanh", "lecun", 2.5),
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

# %%
pd.DataFrame(
    {
        label: {
            "activation spread, layer 30 / layer 1": p.activation_std.iloc[-2]
            / p.activation_std.iloc[0],
            "gradient, layer 1 / head": p.grad_norm.iloc[0] / p.grad_norm.iloc[-1],
            "largest gradient norm": p.grad_norm.max(),
        }
        for label, p in profiles.items()
    }
).T.map("{:.2g}".format)

# %% [markdown] translation={"source": "fe0d1e217be1594d"}
# Lee los dos paneles juntos. Una escala demasiado pequeña (tanh × 0.5, o ReLU con la varianza de
# Glorot, la mitad de la de He) reduce la señal hacia adelante capa tras capa hasta que las últimas
# capas casi no ven nada, y con ella todos los gradientes son diminutos. La escala correcta (tanh
# con LeCun, ReLU con He) mantiene ambas señales dentro de un orden de magnitud a lo largo de
# 30 capas. Una escala demasiado grande para tanh satura las activaciones (su dispersión queda
# limitada cerca de 1) mientras el producto hacia atrás crece: el gradiente de la primera capa es
# varios órdenes de magnitud mayor que el de la cabeza. Son los **gradientes que explotan**.
#
# ¿Qué remedio ayuda? SGD simple durante unos cientos de pasos desde la inicialización buena y
# desde la demasiado grande, y desde la demasiado grande con recorte:

# %%
DEEP_STEPS = 300 if SMALL == "quick" else 30
trials = {
    "LeCun": (1.0, None),
    "LeCun × 2.5": (2.5, None),
    "LeCun × 2.5, clipped at 1": (2.5, 1.0),
}
for label, (gain, clip) in trials.items():
    seed_everything(0)
    deep = init_weights(DeepMLP(depth=30, hidden_size=256, activation="tanh"), "lecun", gain)
    run = track_gradients(deep, splits.train, "classification", steps=DEEP_STEPS, lr=0.05,
                          optimizer="sgd", every=10, clip=clip)  # fmt: skip
    losses = run.groupby("step").loss.first()
    print(f"{label:<26} loss at step 1: {losses.iloc[0]:.2f}, "
          f"mean of the last 5 records: {losses.iloc[-5:].mean():.2f}")  # fmt: skip

# %% [markdown] translation={"source": "3c749dfa4e969719"}
# El recorte pone un tope al tamaño de cada paso; no cambia el producto, así que no puede hacer que
# los gradientes de las primeras capas tengan el tamaño correcto en relación con los demás:
# compara su pérdida con la de la buena inicialización, arriba. Aquí incluso perjudica: la norma
# del gradiente está dominada por las primeras capas, que explotan, así que recortarla a 1 reduce
# el paso de *todas* las capas por el mismo factor grande y las capas bien escaladas apenas se
# mueven. La solución para un producto que crece o se reduce es hacer que sus factores estén cerca
# de uno: una inicialización escalada según la activación (como aquí) y las arquitecturas que lo
# mantienen así en redes profundas (capas de normalización, conexiones residuales; temas que
# quedan fuera de este curso). El recorte es la protección contra el paso enorme ocasional, como
# en la divergencia de arriba.
#
# ## Sobreajuste
#
# Un modelo se sobreajusta cuando aprende las imágenes de entrenamiento en lugar de la ropa: la
# pérdida de entrenamiento sigue bajando, mientras que la pérdida de validación deja de bajar y
# luego sube. El clasificador Raschka, con más de 100,000 pesos, es el candidato del informe. Lo
# entrenamos con y sin su dropout de 0.8 durante 12 épocas (epochs), más de las que necesita el
# modelo sin dropout:
# %%
from fmnist_lib.experiments import run_experiment
from fmnist_lib.plots import training_curves

overfit = {
    f"dropout {p}": run_experiment(
        "clf-raschka-10", SMALL, epochs=12 if SMALL == "quick" else 3, overrides={"dropout": p}
    )
    for p in (0.0, 0.8)
}
fig = training_curves(
    {k: r.history.epochs for k, r in overfit.items()},
    ("loss", "accuracy"),
    ("cross-entropy", "accuracy"),
    "Raschka classifier: train (solid) vs validation (dashed)",
)
for k, r in overfit.items():
    v = r.history.column("val_loss")
    best = min(range(len(v)), key=v.__getitem__) + 1
    print(
        f"{k}: validation loss lowest at epoch {best} of {len(v)}; "
        "last-epoch gap val - train = "
        f"{r.history.epochs[-1]['val_loss'] - r.history.epochs[-1]['train_loss']:+.3f}"
    )

# %% [markdown] translation={"source": "77194ab3b1033b2c"}
# Tres remedios:
#
# - El **dropout** anula una fracción aleatoria $p$ de las activaciones en cada paso de
#   entrenamiento (y escala el resto por $1/(1-p)$), de modo que ninguna unidad puede depender de
#   unas pocas otras: es un ensamble (ensemble) de redes adelgazadas entrenadas juntas. Se
#   desactiva para la evaluación.
# - La **detención temprana** (early stopping) vigila la pérdida de validación y se detiene tras
#   `patience` épocas sin mejora; luego restaura los mejores pesos. El informe eligió así las
#   épocas de los autocodificadores (autoencoders) Raschka; `fit(..., TrainConfig(patience=2))` lo
#   hace automáticamente.
# - El **agrupamiento** reduce los mapas de características (feature maps), así que las capas que
#   vienen después tienen menos entradas; además hace que las características sean menos
#   sensibles a pequeños desplazamientos. (El clasificador Raschka ya reduce sus mapas con
#   convoluciones con paso (stride); si agruparlos en su lugar ayuda es la pregunta abierta del
#   informe, que se responde más abajo.)
#
# Detención temprana en el modelo sin dropout:

# %%
seed_everything(0)
model = RaschkaClassifier(dropout=0.0)
history = fit(
    model,
    splits.train,
    splits.val,
    TrainConfig(
        "classification", epochs=12 if SMALL == "quick" else 3, batch_size=40, lr=7e-4, patience=2
    ),
    progress=False,
)
print(
    f"ran {len(history.epochs)} epochs, stopped early: {history.stopped_early}, "
    f"kept the weights of epoch {history.best_epoch}"
)

# %% [markdown] translation={"source": "145cfde04312e0c4"}
# En la corrida de arriba (con el presupuesto `full`), la paciencia se agotó justo en la última
# época, así que la corrida no se detuvo *antes de tiempo*; lo que hizo la detención temprana fue
# conservar los pesos de la mejor época.

# %% [markdown] translation={"source": "4d70432821284543"}
# ### La pregunta abierta del informe: ¿reduciría el agrupamiento la brecha?
#
# El informe sugiere que el agrupamiento máximo (max pooling) en el codificador (encoder) del
# clasificador Raschka reduciría su brecha creciente entre la exactitud (accuracy) de entrenamiento
# y la de validación. `clf-raschka-10-pool` pone esto a prueba con un solo cambio: cada
# convolución de paso 2 se convierte en una convolución de paso 1 seguida de `MaxPool2d(2)`. Las
# formas de los pesos (y por lo tanto la cantidad de parámetros), los tamaños de los mapas de
# características, el dropout, la cabeza y la configuración de entrenamiento no cambian. Con ello
# cambian dos cosas, que forman parte de la respuesta y no son ruido: las convoluciones con
# agrupamiento operan sobre mapas cuatro veces más grandes (cuatro veces las
# multiplicaciones-sumas), y cada unidad del codificador con agrupamiento ve un parche más amplio
# de la imagen:

# %%
from fmnist_lib.arithmetic import receptive_fields
from fmnist_lib.models import raschka_encoder, raschka_pool_encoder

for label, encoder in (
    ("strided", raschka_encoder(10, 0.8, classifier=True)),
    ("pooled", raschka_pool_encoder(10, 0.8)),
):
    last_conv = [f for f in receptive_fields(encoder) if not f.whole_image][-1]
    print(f"{label:>8}: a unit of the last convolution sees {last_conv.size} x {last_conv.size}")

# %% [markdown] translation={"source": "d685a054526c4214"}
# Tres semillas de cada uno, con el presupuesto full (las corridas de referencia; sus tiempos de
# entrenamiento se imprimen abajo). La brecha es la exactitud de entrenamiento menos la exactitud
# de validación en cada época. La exactitud de entrenamiento es la exactitud acumulada a lo largo
# de la época, medida con el dropout activo, así que subestima lo que el modelo puede hacer con
# sus imágenes de entrenamiento: la brecha no es solo sobreajuste, pero se mide de la misma manera
# en ambos modelos.

# %%
from fmnist_lib.plots import gap_curves
from fmnist_lib.reproduction.report import pool_answer
from fmnist_lib.reproduction.verdicts import compare_pooling

models = {"strided (as published)": "clf-raschka-10", "max pooling": "clf-raschka-10-pool"}
runs = {k: [run_experiment(n, BUDGET, seed=s) for s in (0, 1, 2)] for k, n in models.items()}
gaps = {
    k: [[e["train_accuracy"] - e["val_accuracy"] for e in r.history.epochs] for r in rs]
    for k, rs in runs.items()
}
tests = {k: [r.test["accuracy"] for r in rs] for k, rs in runs.items()}
pooling = compare_pooling(
    gaps["max pooling"], gaps["strided (as published)"], tests["max pooling"],
    tests["strided (as published)"],
)  # fmt: skip
fig = gap_curves(pooling.gap_curves, "train − validation accuracy, mean of three seeds")
for k, rs in runs.items():
    print(f"{k}: {sum(r.seconds for r in rs) / len(rs) / 60:.0f} min of training per seed")
print(pool_answer(pooling))

# %% [markdown] translation={"source": "7eec18a815027876"}
# La respuesta de arriba se genera a partir de los dos intervalos. Con el presupuesto full, ambos
# resultan "not shown" (efecto no demostrado): con tres semillas por modelo, el agrupamiento no
# cambia de forma medible ni la brecha ni la exactitud de prueba, y las dos curvas de brecha casi
# coinciden y crecen en ambos modelos a medida que avanza el entrenamiento. Los datos de este
# capítulo no respaldan la sugerencia del informe, dentro de este diseño, en el que el modelo con
# agrupamiento además ve parches más amplios y hace cuatro veces más cómputo, y en el que la
# brecha se mide con el dropout activo. Los remedios que sí actuaron sobre la brecha son los de
# arriba: el dropout y la
# detención temprana.
#
# ## La cantidad de conexiones
#
# El último obstáculo del informe es el tamaño: más pesos significan más capacidad para memorizar
# y una superficie de pérdida más rugosa. Las convoluciones mantienen la cantidad de pesos baja
# compartiéndolos entre posiciones. Compara una convolución con una capa densa que produce una
# salida del mismo tamaño a partir de la misma imagen:

# %% tags=["nbval-check-output"]
from torch import nn

from fmnist_lib.arithmetic import trace_shapes

conv = nn.Conv2d(1, 16, kernel_size=3)  # (1, 28, 28) -> (16, 26, 26)
outputs = 16 * 26 * 26
dense_weights = 28 * 28 * outputs + outputs
conv_weights = sum(p.numel() for p in conv.parameters())
print(f"Conv2d(1, 16, 3): {conv_weights:,} weights for {outputs:,} outputs")
print(
    f"a dense layer with the same input and output sizes: {dense_weights:,} weights "
    f"({dense_weights // conv_weights:,} times more)"
)

# %% tags=["nbval-check-output"]
from fmnist_lib.models import ConsignaClassifier, FeedForwardClassifier

sizes = {}
for name, model in {
    "feed-forward (512)": FeedForwardClassifier(),
    "consigna (10)": ConsignaClassifier(),
    "Raschka (10)": RaschkaClassifier(),
}.items():
    t = trace_shapes(model)
    dense = t[t["type"] == "Linear"]["parameters"].sum()
    sizes[name] = {
        "parameters": int(t["parameters"].sum()),
        "share in dense layers": round(dense / t["parameters"].sum(), 2),
        "multiply-adds": int(t["multiply-adds"].sum()),
    }
sizes = pd.DataFrame(sizes).T
sizes

# %% tags=["nbval-check-output"]
ratio = sizes.loc["Raschka (10)", "parameters"] / sizes.loc["consigna (10)", "parameters"]
print(f"Raschka (10) has {ratio:.1f} times the weights of consigna (10)")

# %% [markdown] translation={"source": "fbeb5f650756a9e8"}
# El clasificador prealimentado (feed-forward) es todo capa densa: tiene la mayor cantidad de
# pesos, y cada uno se usa una sola vez por imagen. «consigna» agrupa dos veces antes de aplanar,
# así que su capa densa ve solo $32 \cdot 5 \cdot 5$ entradas y el modelo completo sigue siendo
# diminuto. El clasificador Raschka aplana un mapa de $64 \times 7 \times 7$ y apila convoluciones
# de 64 canales: muchos más pesos, tres cuartas partes de ellos en las convoluciones, y por lejos
# el mayor cómputo. Ese es el modelo cuya brecha entre entrenamiento y validación crece en el
# informe, donde se sugiere el agrupamiento como remedio; observa que reemplazar sus convoluciones
# con paso por agrupamiento no ahorraría ni un solo peso (las convoluciones conservan sus formas).
#
# ### ¿Más pesos, una superficie más rugosa?
#
# El informe también dice que más pesos hacen que la superficie de pérdida sea más rugosa y más
# difícil de descender. Es cierto que más pesos dan más capacidad para memorizar (el sobreajuste,
# arriba), pero por sí mismos no hacen más difícil la optimización; importa dónde se agregan.
# Li et al. (2018, *Visualizing the Loss Landscape of Neural Nets*) encontraron que los pesos
# agregados como *ancho* volvían las superficies más suaves, mientras que, agregados como
# *profundidad* sin conexiones de salto (skip connections), las volvían más caóticas.
# Una verificación directa: el clasificador prealimentado con tres anchos, los mismos pasos de
# Adam, y la pérdida de entrenamiento y la agudeza al final:

# %%
from fmnist_lib.models import count_parameters

WIDE_STEPS = 300 if SMALL == "quick" else 30
widths = {}
for hidden_size in (32, 256, 2048):
    seed_everything(0)
    run = track_gradients(
        FeedForwardClassifier(hidden_size=hidden_size, dropout=0.0),
        splits.train,
        "classification",
        steps=WIDE_STEPS,
        every=10,
        sharpness_every=WIDE_STEPS,
    )
    last_losses = run.groupby("step").loss.first().iloc[-5:]
    widths[hidden_size] = {
        "weights": f"{count_parameters(FeedForwardClassifier(hidden_size=hidden_size)):,}",
        "training loss (last 5 records)": f"{last_losses.mean():.3f}",
        "sharpness at the end": f"{run.sharpness.dropna().iloc[-1]:.1f}",
    }
pd.DataFrame(widths).T.rename_axis("hidden units")

# %% [markdown] translation={"source": "3ed8edf6aaeea8bf"}
# Compara las filas: si más pesos hicieran la superficie más difícil de descender, la red más
# ancha terminaría más arriba o con más agudeza después de los mismos pasos. Lo que muestra la
# tabla vale para este modelo, estos pasos y este subconjunto; es una sola semilla, así que las
# diferencias pequeñas entre filas no constituyen evidencia.
#
# ## Ejercicios
#
# 1. **Predice primero.** Repite la medición de los gradientes que se desvanecen con `depth=3`.
#    Antes de ejecutarla, predice a partir de la pendiente máxima de la sigmoide, $1/4$, cómo
#    debería cambiar aproximadamente el cociente primera capa/cabeza al pasar de ocho capas a tres.
# 2. La cuadrática con curvaturas $(1, 10)$: ¿qué tasa de aprendizaje converge más rápido?
#    Dedúcela a partir de $|1 - \eta\lambda_i|$, verifícala abajo y luego confírmala con el bucle
#    de arriba.
# 3. **Predice primero.** A partir de la agudeza del clasificador Raschka al inicio, predice una
#    tasa de aprendizaje con la que el SGD simple sea estable al principio; ejecuta
#    `track_gradients` con ella y con `sharpness_every`, y observa si la agudeza cruza más tarde
#    $2/\eta$.
# 4. **Predice primero.** Inicializa la red ReLU de 30 capas con
#    `init_weights(model, "he", gain=1.2)`. Predice la dispersión de las activaciones en la capa 30
#    relativa a la de la capa 1 (¿$1.2^{29}$?) y luego mídela con `signal_profile`.

# %%
from fmnist_lib.exercises import check_answer

answer = ...  # exercise 2: the fastest learning rate
check_answer("6.2", answer)

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

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
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
    print(f"depth {depth}: first layer's gradient / head's = {by_depth[depth]:.1e}")
print(f"three layers instead of eight: the ratio is {by_depth[3] / by_depth[8]:.0f} times larger")

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "698a1aa5c9d92a92"}
# <details><summary>Solución 2</summary>
#
# Después de $t$ pasos, el error a lo largo de la curvatura $\lambda_i$ queda multiplicado por
# $(1-\eta\lambda_i)^t$. La más lenta de las dos direcciones marca el ritmo, así que el mejor
# $\eta$ hace que $|1-\eta\lambda_{\min}| = |1-\eta\lambda_{\max}|$, es decir,
# $1 - \eta = \eta \cdot 10 - 1$: $\eta = 2/11 \approx 0.18$, donde ambas se reducen por un factor
# $9/11$ en cada paso. La tabla de arriba coincide: 0.18 es, entre las tasas probadas, la que
# necesita menos pasos.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
best_rate = 2 / (curvatures.min() + curvatures.max())
print(f"η = {best_rate:.4f}; both directions shrink by {1 - best_rate * curvatures.min():.4f}")
check_answer("6.2", best_rate)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "a23739b075c8af75"}
# <details><summary>Solución 3</summary>
#
# Estable al principio significa $\eta < 2/\lambda_{\max}$ con los pesos iniciales; para dejar un
# margen, toma la mitad de ese límite. Que siga siendo estable depende de lo que el entrenamiento
# le haga a la agudeza, que una corrida corta mide cada dos pasos (el mismo subconjunto y los
# mismos pasos que la corrida con $\eta = 0.5$). Lee las dos últimas líneas impresas: si la
# agudeza cruza $2/\eta$ o la pérdida deja de ser un número, la agudeza inicial no era una guía
# segura: el propio entrenamiento vuelve más aguda la superficie, como en la corrida con
# $\eta = 0.5$ de arriba, y una tasa elegida solo a partir del inicio todavía puede divergir.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
safe_lr = round(0.5 * 2 / per_step.sharpness.iloc[0], 2)
seed_everything(0)
safe = track_gradients(
    RaschkaClassifier(dropout=0.0), splits.train, "classification", steps=STEPS, lr=safe_lr,
    optimizer="sgd", every=2, sharpness_every=2,
)  # fmt: skip
safe_steps = safe.groupby("step").agg(loss=("loss", "first"), sharpness=("sharpness", "first"))
print(f"η = {safe_lr}: stable while the sharpness stays below 2/η = {2 / safe_lr:.2f}")
print(safe_steps.to_string(float_format="{:.3g}".format))
above = safe_steps.index[safe_steps.sharpness > 2 / safe_lr]
broken = safe_steps.index[safe_steps.loss.isna()]
print("first step measured with the sharpness above 2/η:", above.min() if len(above) else "none")
print("first step with a loss that is not a number:", broken.min() if len(broken) else "none")

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "b57a3b0ce7a82bd4"}
# <details><summary>Solución 4</summary>
#
# La inicialización de He mantiene constante la dispersión de las activaciones de una red ReLU a
# lo largo de la profundidad (en promedio); una ganancia de $1.2$ multiplica los pesos de cada capa
# por $1.2$, así que cada capa debería amplificar la dispersión aproximadamente por $1.2$ y la
# capa 30 debería estar en el orden de $1.2^{29} \approx 200$ veces la capa 1 (el factor de cada
# capa es 1.2 solo en promedio, así que el producto varía de un sorteo a otro). La medición, para
# este sorteo particular de los pesos:
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
seed_everything(0)
amplified = signal_profile(
    init_weights(DeepMLP(depth=30, hidden_size=256, activation="relu"), "he", 1.2),
    splits.train,
    "classification",
)
spread = amplified.activation_std.dropna()  # the head has no activation after it
print(
    f"layer {len(spread)} / layer 1: {spread.iloc[-1] / spread.iloc[0]:.0f} "
    f"(1.2^{len(spread) - 1} = {1.2 ** (len(spread) - 1):.0f})"
)

# %% [markdown] translation={"source": "70d5663a93f44543"}
# ## Resumen
#
# - Los gradientes que se desvanecen son un producto de jacobianos pequeños; las activaciones de
#   tipo ReLU mantienen los gradientes de las primeras capas al alcance de los de la cabeza. Adam
#   empareja los tamaños de paso pero no puede hacer que una capa importe para la salida, y el
#   tamaño del lote no cambia el producto.
# - La divergencia es un paso demasiado grande para la curvatura: en una cuadrática, con
#   $\eta\lambda_{\max} > 2$ el descenso diverge, y las tasas más pequeñas son más lentas, no más
#   rápidas; en una red, la agudeza se mueve durante el entrenamiento, y el recorte acota el paso.
# - Los gradientes que explotan provienen de un producto de jacobianos mayor que uno, aquí a
#   través de una inicialización grande; los pesos escalados según LeCun/He mantienen estable la
#   dispersión.
# - El sobreajuste se ve en las curvas; el dropout, la detención temprana y, como se midió aquí,
#   el agrupamiento se comparan con la misma regla para las semillas.

# %%
key_numbers = {
    "sigmoid, 8 layers: first layer's gradient / head's": (
        f"{first_vs_head.gradient['sigmoid']:.1e}"
    ),
    "Raschka SGD η = 0.5: sharpness at the start": f"{per_step.sharpness.iloc[0]:.2f}",
    "largest sharpness measured in that run": f"{per_step.sharpness.max():.1f}",
    "pooling": pool_answer(pooling),
}
for what, value in key_numbers.items():
    print(f"{what}: {value}")
