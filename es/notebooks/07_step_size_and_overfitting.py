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

# %% [markdown] translation={"source": "61d2f59c8c0e63bd"}
# # 7. Tamaño del paso, agudeza y sobreajuste
#
# [![Abrir en Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/fmnist-course/fmnist-course/blob/v0.1.0/es/notebooks/07_step_size_and_overfitting.ipynb)
#
# El capítulo 6 siguió al gradiente a través de las capas. Este capítulo mira el otro factor de la
# actualización $w \leftarrow w - \eta \, \partial \mathcal{L} / \partial w$: el paso. Un paso
# demasiado grande para la curvatura de la superficie de pérdida diverge, hagan lo que hagan las
# capas; medimos esa curvatura (la **agudeza**, sharpness) en una red, desde varias semillas,
# porque una corrida al borde de la divergencia es caótica. Después, el tercer obstáculo del
# informe, el **sobreajuste** (overfitting): un conjunto de entrenamiento pequeño y un
# entrenamiento largo, hasta que la pérdida de validación vuelve a subir, y cuatro remedios
# medidos frente a él con tres semillas cada uno: dropout, decaimiento de pesos (weight decay),
# aumento de datos (data augmentation) y detención temprana (early stopping). Por último, la
# pregunta abierta del informe: ¿reduciría el agrupamiento (pooling) la brecha del clasificador
# Raschka?
#
# **Objetivos.** Después de este capítulo podrás
#
# - deducir la mayor tasa de aprendizaje estable del descenso por gradiente en una cuadrática,
#   $\eta < 2/\lambda_{\max}$, y explicar por qué una tasa más pequeña puede ser más lenta;
# - estimar la agudeza de una red, decir cuán ruidosa es la estimación, y leer una corrida de
#   entrenamiento caótica desde varias semillas y no desde una sola;
# - proteger una corrida contra la divergencia (una tasa más pequeña, el recorte, la verificación
#   de la pérdida de `fit`);
# - provocar el sobreajuste a propósito, leer la curva de validación en forma de U, y comparar
#   frente a ella el dropout, el decaimiento de pesos, el aumento de datos y la detención temprana
#   con intervalos sobre semillas.
#
# **Tiempo de estudio.** Unos 90 minutos: unos 60 para leer el capítulo y ejecutar sus celdas, y
# unos diez para cada uno de sus 3 ejercicios (estimado a partir de su extensión, a razón de unas
# 100 palabras de texto o diez líneas de código por minuto).
#
# **Tiempo.** Unos 35 minutos (2115 s medidos en una CPU de 2 núcleos compartida con otros
# trabajos); la mayor parte es la sección de sobreajuste (doce corridas de 100 épocas sobre 1000 imágenes). Las corridas con
# agrupamiento son corridas de referencia publicadas (entrenarlas llevaría más de una hora).

# %% tags=["hide-input"] translation={"source": "45891f1dda165721"}
if "google.colab" in str(get_ipython()):  # en Colab: instala la biblioteca del curso
    # %pip install -q \
#         "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"

# %% translation={"source": "dd04c58039779575"}
import numpy as np
import pandas as pd

from fmnist_lib.course import setup
from fmnist_lib.data import splits_for
from fmnist_lib.settings import demonstration_budget, scaled

setup()
# un subconjunto de 10 000 imágenes: los datos de las demostraciones
splits = splits_for(demonstration_budget())

# %% [markdown] translation={"source": "af7dd31bc19db9f4"}
# ## Un paso demasiado grande para la curvatura: divergencia
#
# Toma la pérdida más simple que tiene un valle, una cuadrática
# $\mathcal{L}(w) = \tfrac12 \sum_i \lambda_i w_i^2$, con curvaturas $\lambda_i$ (los autovalores
# de su hessiana). Un paso de gradiente multiplica cada coordenada por $1 - \eta \lambda_i$, así
# que converge solo si $|1 - \eta \lambda_i| < 1$ para todo $i$, es decir,
# $\eta < 2 / \lambda_{\max}$; más allá de ese valor, la dirección más empinada se pasa de largo
# cada vez más en cada paso. Por debajo de $2 / (\lambda_{\min} + \lambda_{\max})$, un $\eta$ más
# pequeño es *más lento*: la dirección plana se reduce solo por el factor
# $1 - \eta \lambda_{\min}$ en cada paso. Entre ese valor y el límite, la dirección empinada oscila
# y marca el ritmo. Un valle 10 veces más empinado en una dirección que en la otra, con cada tasa
# ejecutada hasta que los pesos quedan a menos de $10^{-6}$ del mínimo o más allá de $10^6$:

# %% tags=["nbval-check-output"] translation={"source": "5f176978c39e1a49"}
curvatures = np.array([1.0, 10.0])  # autovalores de la hessiana: valle largo y angosto
rows = []
for lr in (0.01, 0.05, 0.1, 0.18, 0.19, 0.21):
    w, steps = np.ones(2), 0
    while 1e-6 < np.abs(w).max() < 1e6:
        w = w - lr * curvatures * w  # el gradiente de ½ Σ λ_i w_i² es λ_i w_i
        steps += 1
    outcome = "convergió" if np.abs(w).max() <= 1e-6 else "divergió"
    sharpest = lr * curvatures.max()
    rows.append(
        {
            "tasa de aprendizaje": lr,
            "η × λ_max": sharpest,
            "pasos": steps,
            "resultado": outcome,
        }
    )
pd.DataFrame(rows).set_index("tasa de aprendizaje")

# %% [markdown] translation={"source": "0003073f2a3a959d"}
# La tasa más rápida está justo por debajo del límite, cerca de
# $2 / (\lambda_{\min} + \lambda_{\max})$; las tasas más pequeñas de la tabla necesitan muchas
# veces sus pasos: más lentas, no más rápidas. (La sugerencia del informe de que una tasa de
# aprendizaje más pequeña converge más rápido es errónea por debajo de ese óptimo: una tasa más
# pequeña es *más segura*, y puede terminar en un mejor punto de una superficie ruidosa, pero cada
# paso llega menos lejos.)
#
# ## Agudeza: la curvatura de la pérdida de una red
#
# La pérdida de una red no es una cuadrática, pero cerca de cualquier punto tiene una asociada: su
# hessiana, cuyo mayor autovalor, la **agudeza** (sharpness), cumple el papel de
# $\lambda_{\max}$. `sharpness`, en la biblioteca, la estima por iteración de potencias (power
# iteration) sobre productos hessiana-vector, con un lote de imágenes. Una estimación con un lote
# es una muestra: con los mismos pesos, otro lote da otro número. Primero, cuánto difieren con los
# pesos iniciales del clasificador Raschka, ocho lotes de 128 imágenes:

# %% translation={"source": "54840eb5f1dcc065"}
from fmnist_lib.data import Batches
from fmnist_lib.diagnostics import sharpness, track_gradients
from fmnist_lib.models import RaschkaClassifier
from fmnist_lib.training import seed_everything

seed_everything(0)
start = RaschkaClassifier(dropout=0.0)
batches = zip(range(scaled(8)), Batches(splits.train, 128, shuffle=True), strict=False)
at_start = pd.Series(
    [sharpness(start, x, y, "classification") for _, (x, y) in batches]
)
print(
    f"agudeza al comienzo, {len(at_start)} lotes: mínima {at_start.min():.2f}, "
    f"mediana {at_start.median():.2f}, máxima {at_start.max():.2f}"
)

# %% [markdown] translation={"source": "e8610772a5a59a32"}
# Los lotes no coinciden (el rango impreso), así que un número obtenido con un solo lote debe
# leerse con ese rango al lado. Ahora entrenamos el mismo clasificador con SGD simple con
# $\eta = 0{,}5$, cuyo límite es $2 / \eta = 4$, y medimos la agudeza cada cuatro pasos. Una corrida
# cerca de ese límite es caótica: una diferencia en la última cifra de un número de coma flotante
# (otra cantidad de hilos, otro orden de los lotes) crece paso a paso hasta que dos corridas no
# comparten nada. Por eso la ejecutamos desde tres semillas (cada semilla sortea sus propios pesos
# iniciales y su orden de lotes) y afirmamos solo lo que muestran todas:

# %% translation={"source": "00c549f0b2b93471"}
from fmnist_lib.overfitting import seed_curves

LR = 0.5
trajectories = {}
for seed in range(scaled(3)):
    seed_everything(seed)
    trajectories[seed] = (
        track_gradients(
            RaschkaClassifier(dropout=0.0),
            splits.train,
            "classification",
            steps=scaled(60),
            lr=LR,
            optimizer="sgd",
            every=4,
            seed=seed,
            sharpness_every=4,
        )
        .groupby("step")
        .agg(
            loss=("loss", "first"),
            largest_gradient=("grad_norm", "max"),
            sharpness=("sharpness", "first"),
        )
    )
sharpness_runs = [t.sharpness.dropna() for t in trajectories.values()]
fig = seed_curves(
    {"SGD con η = 0,5, una línea por semilla": sharpness_runs},
    "agudeza (mayor autovalor de la hessiana)",
    log=True,
)
limit = fig.axes[0].axhline(2 / LR, color="black", lw=1, ls="--")  # la línea en 2/η

# %% translation={"source": "86c89d4fba02e5c8"}
per_seed = pd.DataFrame(
    {
        seed: {
            "agudeza en el paso 1": t.sharpness.iloc[0],
            "agudeza máxima": t.sharpness.max(),
            "mediciones por encima de 2/η": int((t.sharpness > 2 / LR).sum()),
            "último paso registrado": t.index[-1],
            "pérdida final": t.loss.iloc[-1],
        }
        for seed, t in trajectories.items()
    }
).T.rename_axis("semilla")
print(per_seed.to_string(float_format="{:.3g}".format))
every = pd.concat(trajectories.values())
every["cambio de la pérdida"] = pd.concat(t.loss.diff() for t in trajectories.values())
too_sharp = every.sharpness > 2 / LR
for label, part in (
    ("por encima de", every[too_sharp]),
    ("por debajo de", every[~too_sharp]),
):
    gradient, change = (
        part.largest_gradient.median(),
        part["cambio de la pérdida"].mean(),
    )
    print(
        f"{len(part):>2} mediciones (todas las "
        f"semillas) con la agudeza {label} 2/η: mayor "
        f"gradiente {gradient:.2f} (mediana), cambio de la pérdida desde la anterior "
        f"{change:+.2f} (media)"
    )

# %% [markdown] translation={"source": "79d089128d6fc857"}
# Lo que muestran las tres semillas (la figura y las primeras columnas de la tabla): al principio
# la superficie es lo bastante plana para $\eta = 0{,}5$, muy por debajo de la línea discontinua en
# $2/\eta$, y no se queda así: el propio entrenamiento lleva los pesos a lugares más agudos, y la
# agudeza de cada semilla cruza la línea. Cómo termina difiere de una semilla a otra, y para eso
# sirve ejecutar varias: aquí dos de las tres corridas terminan con una pérdida que ya no es un
# número, cada una en su propio paso, tras una subida cuya altura difiere en órdenes de magnitud,
# y la tercera llega a sus 60 pasos con una pérdida de 2,3, la de adivinar al azar entre diez
# clases: dejó de aprender (las últimas columnas de la tabla). El desenlace es caótico: el mismo
# código en otro procesador, cuyo redondeo difiere en los últimos bits, puede terminar de la otra
# manera (cuando este capítulo se ejecutó en otra CPU, divergieron las tres). Juntando las
# semillas, las mediciones por encima de la línea vienen con gradientes muchas veces más grandes
# y, en promedio, con una pérdida que acaba de subir: el paso se pasa de largo en la dirección empinada. (La tabla
# muestra las dos cosas juntas, con los mismos pesos; la cuadrática de arriba es la razón para
# esperar que la primera cause la segunda.) Con descenso por gradiente de lote completo, Cohen et
# al. (2021, *Gradient Descent on Neural Networks Typically Occurs at the Edge of Stability*)
# encontraron que la agudeza suele subir hasta llegar a aproximadamente $2/\eta$ y luego se queda
# rondando ese valor; la regla $\eta < 2/\lambda_{\max}$ es exacta solo para el descenso de lote
# completo sobre una cuadrática, y estas corridas son SGD con minilotes, con una agudeza medida en
# un solo lote. Eso es la **divergencia**: una propiedad del tamaño del paso frente a la
# curvatura, que un $\eta$ más pequeño cura, y no del recorrido del gradiente a través de las
# capas.
#
# En una corrida larga, una divergencia desperdiciaría horas y, peor aún, guardaría puntos de
# control (checkpoints) basura. `fit` verifica la pérdida de cada lote; ante el primer valor no
# finito se detiene con un error que dice dónde y por qué, y el último punto de control bueno
# queda en disco. Una corrida, para ver el mensaje:

# %% translation={"source": "a3b39d9ebc571d71"}
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
    print(
        "esta vez la corrida sobrevivió dos épocas: "
        "prueba una tasa de aprendizaje mayor"
    )

# %% [markdown] translation={"source": "2562a02950e3148a"}
# Dos remedios actúan sobre el paso: una **tasa de aprendizaje más pequeña** y el **recorte de
# gradientes** (capítulo 6; más abajo). Con la configuración del informe (Adam, que mantiene el
# paso de cada peso cerca de $\eta$, con $\eta = 7 \cdot 10^{-4}$ y su lote de 40) el mismo modelo
# entrena con normalidad. Esto cambia a la vez el optimizador y la tasa; también con Adam lo que
# importa es el tamaño de $\eta$ (Adam con $\eta = 0{,}5$ movería cada peso unos 0,5 por paso). Una
# corrida, y la agudeza donde termina, en ocho lotes:

# %% translation={"source": "3c5b79ba5874f077"}
seed_everything(0)
stable_model = RaschkaClassifier(dropout=0.0)
stable = fit(
    stable_model,
    splits.train,
    splits.val,
    TrainConfig("classification", epochs=2, batch_size=40, lr=7e-4),
    progress=False,
)
for e in stable.epochs:
    loss, accuracy = e["train_loss"], e["val_accuracy"]
    print(
        f"época {e['epoch']}: pérdida de entrenamiento {loss:.3f}, "
        f"exactitud de validación {accuracy:.1%}"
    )
batches = zip(range(scaled(8)), Batches(splits.train, 128, shuffle=True), strict=False)
trained = pd.Series(
    [sharpness(stable_model, x, y, "classification") for _, (x, y) in batches]
)
print(
    f"agudeza tras dos épocas, {len(trained)} lotes: mínima {trained.min():.1f}, "
    f"mediana {trained.median():.1f}, máxima {trained.max():.1f}"
)

# %% [markdown] translation={"source": "3c9b36d41d0c1ec6"}
# Incluso esta corrida bien portada termina mucho más aguda de lo que empezó (compara los dos
# rangos impresos): el límite $2/\eta$ que importaba para SGD al principio dice poco de los pesos
# a los que llega el entrenamiento.
#
# El **recorte de gradientes** reescala el gradiente completo a una norma de a lo sumo $c$ antes
# de cada paso, de modo que ningún paso llegue más lejos que $\eta c$. Las mismas corridas de SGD
# con $\eta = 0{,}5$, desde las mismas tres semillas, con y sin recorte en $c = 1$:

# %% translation={"source": "d47b6f5a97516e38"}
clipping = []
for seed in range(scaled(3)):
    for clip in (None, 1.0):
        seed_everything(seed)
        run = track_gradients(
            RaschkaClassifier(dropout=0.0),
            splits.train,
            "classification",
            steps=scaled(100),
            lr=LR,
            optimizer="sgd",
            every=10,
            seed=seed,
            clip=clip,
        )
        losses = run.groupby("step").loss.first()
        clipping.append(
            {
                "semilla": seed,
                "recorte": "ninguno" if clip is None else f"{clip:g}",
                "último paso": losses.index[-1],
                "pérdida final": losses.iloc[-1],
                "pérdida máxima": losses.max(),
            }
        )
pd.DataFrame(clipping).set_index(["recorte", "semilla"]).sort_index()

# %% [markdown] translation={"source": "81a7aa7cfdb5bd1e"}
# Lee las filas por semilla: una corrida que termina antes de tiempo, o cuya pérdida más alta está
# muy por encima del 2,3 inicial, se ha pasado de largo; el recorte limita cada paso a $\eta c$,
# así que un exceso solo puede ser de ese tamaño.
#
# ### ¿Más pesos, una superficie más rugosa?
#
# El informe también dice que más pesos hacen que la superficie de pérdida sea más rugosa y más
# difícil de descender. Es cierto que más pesos dan más capacidad para memorizar (el sobreajuste,
# abajo), pero por sí mismos no hacen más difícil la optimización; importa dónde se agregan.
# Li et al. (2018, *Visualizing the Loss Landscape of Neural Nets*) encontraron que los pesos
# agregados como *ancho* volvían las superficies más suaves, mientras que, agregados como
# *profundidad* sin conexiones de salto (skip connections), las volvían más caóticas.
# Una verificación directa: el clasificador prealimentado (feed-forward) con tres anchos, los
# mismos pasos de Adam, y la pérdida de entrenamiento y la agudeza al final:

# %% translation={"source": "198f81bd55d1cd29"}
from fmnist_lib.models import FeedForwardClassifier, count_parameters

widths = {}
for hidden_size in (32, 256, 2048):
    seed_everything(0)
    run = track_gradients(
        FeedForwardClassifier(hidden_size=hidden_size, dropout=0.0),
        splits.train,
        "classification",
        steps=scaled(300),
        every=10,
        sharpness_every=scaled(300),
    )
    last_losses = run.groupby("step").loss.first().iloc[-5:]
    widths[hidden_size] = {
        "pesos": (
            f"{count_parameters(FeedForwardClassifier(hidden_size=hidden_size)):,}"
        ),
        "pérdida de entrenamiento (últimos 5 registros)": f"{last_losses.mean():.3f}",
        "agudeza al final": f"{run.sharpness.dropna().iloc[-1]:.1f}",
    }
pd.DataFrame(widths).T.rename_axis("unidades ocultas")

# %% [markdown] translation={"source": "5116b92abc910d3e"}
# Compara las filas: si más pesos hicieran la superficie más difícil de descender, la red más
# ancha terminaría más arriba o más aguda tras los mismos pasos. Lo que muestra la tabla vale para
# este modelo, estos pasos y este subconjunto; es una sola semilla, y la agudeza de un solo lote,
# así que las diferencias pequeñas entre filas no son evidencia.
#
# ## Sobreajuste, a propósito
#
# Un modelo se sobreajusta cuando aprende las imágenes de entrenamiento en lugar de la ropa: la
# pérdida de entrenamiento sigue bajando, mientras que la de validación deja de bajar y luego
# sube. Para verlo con claridad lo hacemos probable: **1000 imágenes de entrenamiento** (una
# décima parte del subconjunto de las demostraciones), **100 épocas** y un clasificador
# prealimentado con 256 unidades ocultas y más de 200 000 pesos, sin dropout; Adam con $10^{-3}$,
# lotes de 100. Es lo bastante pequeño para entrenar en segundos por corrida, así que podemos
# permitirnos lo que una afirmación necesita: tres semillas de cada configuración (cada semilla
# sortea sus propios pesos iniciales y su orden de lotes). La pérdida de validación se mide sobre
# las 2000 imágenes de validación después de cada época:

# %% translation={"source": "7c77d9c3bd1d88d9"}
from fmnist_lib.overfitting import lowest_point, training_curves

few = splits.train.subset(range(1000))
EPOCHS, SEEDS = scaled(100), range(scaled(3))
settings = {  # nombre: (dropout, decaimiento de pesos, aumento de datos)
    "sin remedio": (0.0, 0.0, False),
    "dropout 0,5": (0.5, 0.0, False),
    "decaimiento de pesos 1,0": (0.0, 1.0, False),
    "aumento de datos (desplazamientos y reflejos)": (0.0, 0.0, True),
}
curves = {name: [] for name in settings}
for name, (dropout, decay, augment) in settings.items():
    for seed in SEEDS:
        seed_everything(seed)
        model = FeedForwardClassifier(hidden_size=256, dropout=dropout)
        curves[name].append(
            training_curves(
                model,
                few,
                splits.val,
                EPOCHS,
                weight_decay=decay,
                augment=augment,
                seed=seed,
                test=splits.test,
                progress=False,
            )
        )
val_losses = {
    name: [c.set_index("epoch").val_loss for c in runs] for name, runs in curves.items()
}
fig = seed_curves(
    {"sin remedio": val_losses["sin remedio"]},
    "pérdida de validación (entropía cruzada)",
    "1000 imágenes de entrenamiento",
)

# %% translation={"source": "0e49dfd271d46f1a"}
baseline = curves["sin remedio"]
for seed, c in zip(SEEDS, baseline, strict=True):
    low = lowest_point(c)
    print(
        f"semilla {seed}: pérdida de validación mínima en la época {low['epoch']} "
        f"({low['val_loss']:.3f}), "
        f"{c.val_loss.iloc[-1]:.3f} en la época {len(c)}; "
        "pérdida de entrenamiento entonces "
        f"{c.train_loss.iloc[-1]:.3f}"
    )

# %% [markdown] translation={"source": "058bb84d0adb47af"}
# Cada semilla dibuja la U (las líneas finas, y la franja entre la más baja y la más alta): la
# pérdida de validación baja durante las primeras 15 a 25 épocas, llega a su punto más bajo y
# sube durante el resto de la corrida, mientras la pérdida de entrenamiento sigue hacia cero. El
# modelo ha empezado a aprender sus 1000 imágenes una por una; con imágenes nuevas se equivoca
# con cada vez más confianza, y la entropía cruzada lo castiga (la exactitud se mueve mucho menos,
# más abajo).
#
# ## Cuatro remedios, medidos frente a él
#
# - El **dropout** anula una fracción aleatoria $p$ de las activaciones en cada paso de
#   entrenamiento (y escala el resto por $1/(1-p)$), de modo que ninguna unidad puede depender de
#   unas pocas otras: es un ensamble (ensemble) de redes adelgazadas entrenadas juntas. Se
#   desactiva para la evaluación. Aquí, $p = 0{,}5$ en la capa oculta.
# - El **decaimiento de pesos** (weight decay) encoge cada peso hacia cero en cada paso, de modo
#   que solo siguen siendo grandes los pesos que los datos empujan una y otra vez:
#   $w \leftarrow w - \eta\,(\hat g + \lambda w)$ en AdamW, con $\hat g$ el paso de Adam y
#   $\lambda$ el decaimiento (aquí 1,0, así que cada paso le quita $10^{-3}$ a cada peso).
# - El **aumento de datos** (data augmentation) le muestra al modelo una versión ligeramente
#   distinta de cada imagen en cada época: desplazada hasta dos píxeles en cada dirección y, una
#   vez de cada dos, reflejada de izquierda a derecha (una camisa reflejada sigue siendo una
#   camisa; con dígitos no serviría). El modelo no puede memorizar píxeles que se mueven.
# - La **detención temprana** (early stopping) se queda con los pesos de la época con la menor
#   pérdida de validación. `fit(..., TrainConfig(patience=...))` lo hace mientras entrena; aquí lo
#   leemos en las curvas.
#
# Las mismas tres semillas para cada uno:
# %% translation={"source": "217f537ae140d476"}
fig = seed_curves(
    val_losses,
    "pérdida de validación (entropía cruzada)",
    "1000 imágenes de entrenamiento",
)

# %% translation={"source": "3097ae03ab2be692"}
rows = {}
for name, runs in curves.items():
    lows = [lowest_point(c) for c in runs]
    rows[name] = {
        "época de la pérdida de validación mínima": np.mean(
            [low["epoch"] for low in lows]
        ),
        "pérdida de validación mínima": np.mean([low["val_loss"] for low in lows]),
        "pérdida de validación final": np.mean([c.val_loss.iloc[-1] for c in runs]),
        "pérdida de prueba final": np.mean([c.test_loss.iloc[-1] for c in runs]),
        "exactitud de prueba final": np.mean([c.test_accuracy.iloc[-1] for c in runs]),
    }
print("medias sobre las semillas:")
pd.DataFrame(rows).T.round(3)

# %% [markdown] translation={"source": "b57cd2a258af10a6"}
# Cada remedio frente a ningún remedio, en el conjunto de **prueba** al final del entrenamiento,
# con la diferencia de las medias y su intervalo de Welch al 95 % (la regla del curso,
# `stats.compare`; tres semillas por lado). La detención temprana se lee en las mismas corridas
# que «sin remedio»: su pérdida de prueba es la pérdida de prueba en la época que eligió la pérdida
# de validación de cada semilla, así que su diferencia está emparejada por semilla (la media de
# las diferencias de las tres semillas, y un intervalo $t$ con 2 grados de libertad:
# `stats.contrast` con un solo grupo).

# %% translation={"source": "d2c085bd637cf2a5"}
from fmnist_lib.stats import compare, contrast

ends = {name: [c.iloc[-1] for c in runs] for name, runs in curves.items()}
early = [c.loc[c.val_loss.idxmin()] for c in baseline]
intervals = {}
for metric, scale in (("test_loss", 1.0), ("test_accuracy", 100.0)):
    plain = [scale * e[metric] for e in ends["sin remedio"]]
    for name in (
        "dropout 0,5",
        "decaimiento de pesos 1,0",
        "aumento de datos (desplazamientos y reflejos)",
    ):
        intervals[(name, metric)] = compare(
            [scale * e[metric] for e in ends[name]], plain
        )
    paired = [
        scale * (e[metric] - last[metric])
        for e, last in zip(early, ends["sin remedio"], strict=True)
    ]
    intervals[("detención temprana", metric)] = contrast([paired], [1.0])
table = pd.DataFrame(
    {
        key: {
            "diferencia": c.estimate,
            "intervalo del 95 %": f"[{c.low:+.3f}, {c.high:+.3f}]",
        }
        for key, c in intervals.items()
    }
).T
table.index.names = ["remedio − sin remedio", "en el conjunto de prueba"]
table.round(3)

# %% [markdown] translation={"source": "d7442e34848a08d6"}
# Cómo leerla: una diferencia de pérdida por debajo de cero es una pérdida de prueba menor que la
# de entrenar 100 épocas sin remedio; una diferencia de exactitud (en puntos) por encima de cero es
# una ganancia. Donde el intervalo excluye el cero, tres semillas muestran la diferencia; donde
# contiene el cero, no la deciden, sea cual sea el signo de la estimación. Dos cosas que conviene
# separar:
#
# - **La pérdida al final** es lo que más arruina el sobreajuste, porque el modelo sobreajustado
#   se equivoca con confianza; la **exactitud** se mueve mucho menos, ya que la mayoría de las
#   imágenes conservan su argmax.
# - **Un remedio puede actuar haciendo más lento el entrenamiento.** El aumento de datos hace que
#   cada época sea más difícil de ajustar, así que tras 100 épocas puede que simplemente no haya
#   llegado todavía a su propio mínimo (compara su «época de la pérdida de validación mínima» en
#   la tabla de arriba); el dropout y el decaimiento de pesos también retrasan la subida. La
#   comparación es a las 100 épocas; con otra duración los números serían otros.
#
# La detención temprana no necesita ningún cambio en el modelo, solo un conjunto de validación
# para elegir la época, y los otros remedios pueden combinarse con ella. Su menor pérdida de
# validación es algo optimista (es el mínimo de una curva ruidosa, elegido sobre esas mismas
# imágenes), y por eso su fila de arriba se lee en el conjunto de prueba.

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

# %% translation={"source": "916e7bceb1a6fc61"}
from fmnist_lib.arithmetic import receptive_fields
from fmnist_lib.models import raschka_encoder, raschka_pool_encoder

for label, encoder in (
    ("con paso", raschka_encoder(10, 0.8, classifier=True)),
    ("con agrupamiento", raschka_pool_encoder(10, 0.8)),
):
    last_conv = [f for f in receptive_fields(encoder) if not f.whole_image][-1]
    print(
        f"{label:>8}: una unidad de la última convolución "
        f"ve {last_conv.size} x {last_conv.size}"
    )

# %% [markdown] translation={"source": "679e9ba38c98a93d"}
# Tres semillas de cada uno, con el presupuesto full: las corridas de referencia publicadas,
# entrenadas con las 50 000 imágenes de entrenamiento (sus tiempos de entrenamiento se imprimen
# abajo). La brecha es la exactitud de entrenamiento menos la de validación en cada época. La
# exactitud de entrenamiento es la exactitud acumulada durante la época, medida con el dropout
# activo, así que subestima lo que el modelo puede hacer con sus imágenes de entrenamiento: la
# brecha no es solo sobreajuste, pero se mide de la misma manera en ambos modelos.

# %% translation={"source": "45d2686e1dc6641a"}
from fmnist_lib.experiments import run_experiment
from fmnist_lib.plots import gap_curves

models = {
    "con paso (como se publicó)": "clf-raschka-10",
    "agrupamiento máximo": "clf-raschka-10-pool",
}
runs = {k: [run_experiment(n, seed=s) for s in (0, 1, 2)] for k, n in models.items()}
gaps = {
    k: [[e["train_accuracy"] - e["val_accuracy"] for e in r.history.epochs] for r in rs]
    for k, rs in runs.items()
}
mean_gaps = {
    k: [np.mean(column) for column in zip(*g, strict=False)] for k, g in gaps.items()
}
fig = gap_curves(
    mean_gaps, "exactitud de entrenamiento − validación, media de tres semillas"
)
for k, rs in runs.items():
    print(
        f"{k}: {sum(r.seconds for r in rs) / len(rs) / 60:.0f} "
        "min de entrenamiento por semilla"
    )
pooled, strided = runs["agrupamiento máximo"], runs["con paso (como se publicó)"]
last_gap = compare(
    [100 * g[-1] for g in gaps["agrupamiento máximo"]],
    [100 * g[-1] for g in gaps["con paso (como se publicó)"]],
)
test_accuracy = compare(
    [100 * r.test["accuracy"] for r in pooled],
    [100 * r.test["accuracy"] for r in strided],
)
for what, c in (
    ("brecha en la última época", last_gap),
    ("exactitud de prueba", test_accuracy),
):
    print(
        f"con agrupamiento − con paso, {what}: {c.estimate:+.2f} puntos, "
        f"intervalo del 95 % [{c.low:+.2f}, {c.high:+.2f}]"
    )

# %% [markdown] translation={"source": "61f23f2b221e7ad5"}
# Lee los dos intervalos. Con el presupuesto full ambos contienen el cero: con tres semillas por
# modelo, este diseño no muestra que el agrupamiento cambie la brecha ni la exactitud de prueba, y
# las dos curvas de brecha casi coinciden, creciendo en ambos modelos a medida que avanza el
# entrenamiento. Eso no es evidencia de que el agrupamiento no haga nada (tres semillas detectan
# solo diferencias grandes; los extremos del intervalo dicen cuán grande puede ser todavía una
# diferencia), pero la sugerencia del informe no queda respaldada aquí, dentro de este diseño, en
# el que el modelo con agrupamiento además ve parches más amplios y hace cuatro veces más cómputo,
# y la brecha se mide con el dropout activo.
#
# ## Ejercicios
#

# %%
from fmnist_lib.exercises import check_answer

# %% [markdown] translation={"source": "f571dbc6d788c05b"}
# 1. La cuadrática con curvaturas $(1, 10)$: ¿qué tasa de aprendizaje converge más rápido?
#    Dedúcela a partir de $|1 - \eta\lambda_i|$, compruébala abajo y luego confírmala con el bucle
#    de arriba.

# %% translation={"source": "4b6ffdfb5209d6dd"}
answer = ...  # ejercicio 1: la tasa de aprendizaje que converge más rápido
check_answer("7.1", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "21d8ffd4a6372c6f"}
# <details><summary>Solución 1</summary>
#
# Tras $t$ pasos, el error a lo largo de la curvatura $\lambda_i$ queda multiplicado por
# $(1-\eta\lambda_i)^t$. La más lenta de las dos direcciones marca el ritmo, así que el mejor
# $\eta$ hace que $|1-\eta\lambda_{\min}| = |1-\eta\lambda_{\max}|$, es decir,
# $1 - \eta = \eta \cdot 10 - 1$: $\eta = 2/11 \approx 0{,}18$, donde ambas se reducen por $9/11$ en
# cada paso. La tabla de arriba coincide: 0,18 necesita la menor cantidad de pasos entre las tasas
# probadas.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "8068e9b1779e67e9"}
# %%solution
best_rate = 2 / (curvatures.min() + curvatures.max())
print(
    f"η = {best_rate:.4f}; ambas direcciones se "
    f"reducen por {1 - best_rate * curvatures.min():.4f}"
)
check_answer("7.1", best_rate)

# %% [markdown] translation={"source": "2e6cc8da7275ea02"}
# 2. **Predice primero.** A partir de la agudeza del clasificador Raschka al principio (los ocho
#    lotes), predice una tasa de aprendizaje con la que SGD simple sea estable al principio;
#    ejecuta `track_gradients` con ella desde tres semillas, con `sharpness_every`, y mira si la
#    agudeza cruza después $2/\eta$.

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "72428a6050950888"}
# <details><summary>Solución 2</summary>
#
# Estable al principio significa $\eta < 2/\lambda_{\max}$ con los pesos iniciales, y la
# estimación es ruidosa: toma la *más alta* de las estimaciones de los ocho lotes, lo más aguda
# que puede ser la superficie al principio. Pero ese límite por sí solo no es una guía: las
# corridas del propio capítulo con $\eta = 0{,}5$, una tasa por debajo de él, se volvieron más
# agudas que $2/\eta$ mientras entrenaban. Así que una tasa que la evidencia respalde está por
# debajo de ambos: por debajo de toda tasa que se vio cruzar su límite (0,5), y con un margen de
# la mitad. Después, las tres semillas muestran si se sostiene durante estos pasos. Si alguna
# cruza $2/\eta$ o deja de ser un número, el principio no era una guía segura ni siquiera con el
# margen: el entrenamiento vuelve más aguda la superficie, y solo una corrida (varias corridas)
# dice si una tasa lo resiste.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "54b33ea37a4eaa27"}
# %%solution
candidate = round(min(2 / at_start.max(), LR) / 2, 3)
print(
    f"límite al comienzo: 2 / {at_start.max():.2f} "
    f"= {2 / at_start.max():.2f}; η = {candidate}"
)
for seed in range(scaled(3)):
    seed_everything(seed)
    steps = (
        track_gradients(
            RaschkaClassifier(dropout=0.0),
            splits.train,
            "classification",
            steps=scaled(60),
            lr=candidate,
            optimizer="sgd",
            every=6,
            seed=seed,
            sharpness_every=6,
        )
        .groupby("step")
        .agg(loss=("loss", "first"), sharpness=("sharpness", "first"))
    )
    crossed = int((steps.sharpness > 2 / candidate).sum())
    print(
        f"semilla {seed}: agudeza máxima "
        f"{steps.sharpness.max():.2f} (2/η = {2 / candidate:.1f}),"
        f" {crossed} mediciones por encima, pérdida en el paso {steps.index[-1]}: "
        f"{steps.loss.iloc[-1]:.3f}"
    )

# %% [markdown] translation={"source": "21a1e5623e26937f"}
# 3. **Predice primero.** Entrena el modelo sin remedio con 2000 imágenes en lugar de 1000.
#    Predice si su pérdida de validación llega a su punto más bajo antes o después, y si sube
#    tanto hacia la época 100; luego ejecútalo.

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "5f7347756e49952b"}
# <details><summary>Solución 3</summary>
#
# El doble de imágenes da a cada época el doble de actualizaciones y hace que las imágenes sean
# más difíciles de memorizar: cabe esperar que el punto más bajo llegue tras menos épocas pero con
# una pérdida menor, y que la subida posterior sea más lenta, porque memorizar 2000 imágenes
# lleva más tiempo. Una sola semilla, así que es una ilustración junto a las tres semillas de
# arriba, no un resultado:
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "55e27bc6ec76c053"}
# %%solution
seed_everything(0)
more = training_curves(
    FeedForwardClassifier(hidden_size=256, dropout=0.0),
    splits.train.subset(range(len(splits.train))[:2000]),
    splits.val,
    EPOCHS,
    progress=False,
)
for label, c in (
    ("1000 imágenes, semilla 0", baseline[0]),
    ("2000 imágenes, semilla 0", more),
):
    low = lowest_point(c)
    print(
        f"{label}: pérdida de validación mínima "
        f"{low['val_loss']:.3f} en la época {low['epoch']}, "
        f"{c.val_loss.iloc[-1]:.3f} en la época {len(c)}"
    )

# %% [markdown] translation={"source": "4c6f80764ab4b7c8"}
# ## Resumen
#
# - La divergencia es un paso demasiado grande para la curvatura: en una cuadrática, con
#   $\eta\lambda_{\max} > 2$ el descenso diverge, y las tasas más pequeñas son más lentas, no más
#   rápidas. En una red la agudeza se estima con un lote (un número ruidoso) y se mueve durante el
#   entrenamiento: la corrida de cada semilla con $\eta = 0{,}5$ se volvió más aguda que $2/\eta$;
#   dos de las tres divergieron, cada una en su propio paso, y la tercera dejó de aprender.
# - Una tasa más pequeña, el recorte y la verificación de la pérdida de `fit` protegen contra la
#   divergencia.
# - El sobreajuste, con 1000 imágenes durante 100 épocas, dibuja una curva de validación en forma
#   de U en cada semilla. El dropout, el decaimiento de pesos, el aumento de datos y la detención
#   temprana se comparan cada uno con «sin remedio» en el conjunto de prueba sobre tres semillas,
#   con un intervalo; la tabla dice qué diferencias pueden mostrar tres semillas.
# - El agrupamiento en el clasificador Raschka: con tres semillas de las corridas completas, no se
#   muestra que ni su brecha ni su exactitud de prueba difieran de las del modelo con paso.
#
# **Ponte a prueba:** [un cuestionario sobre las ideas de este capítulo](quizzes/07_quiz.ipynb),
# con una explicación para cada respuesta.

# %% translation={"source": "00684caf554c310b"}
no_remedy = rows["sin remedio"]
key_numbers = {
    "agudeza al comienzo (8 lotes)": f"{at_start.min():.2f} a {at_start.max():.2f}",
    "agudeza máxima por semilla con η = 0,5": ", ".join(
        f"{v:.3g}" for v in per_seed["agudeza máxima"]
    ),
    "sin remedio: pérdida de validación mínima (época media)": (
        f"{no_remedy['pérdida de validación mínima']:.3f} "
        f"({no_remedy['época de la pérdida de validación mínima']:.0f})"
    ),
    "sin remedio: pérdida de validación en la última época": (
        f"{no_remedy['pérdida de validación final']:.3f}"
    ),
}
for (name, metric), c in intervals.items():
    key_numbers[f"{name} − sin remedio, {metric}"] = (
        f"{c.estimate:+.3f} [{c.low:+.3f}, {c.high:+.3f}]"
    )
for what, value in key_numbers.items():
    print(f"{what}: {value}")
