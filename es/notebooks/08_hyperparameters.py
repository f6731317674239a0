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

# %% [markdown] translation={"source": "fb3c421a318e614d"}
# # 8. Elección de hiperparámetros
#
# [![Abrir en Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/fmnist-course/fmnist-course/blob/v0.1.0/es/notebooks/08_hyperparameters.ipynb)
#
# Los pesos se aprenden; los **hiperparámetros** —épocas, tamaño del código, tamaño de lote, tasa de
# aprendizaje, dropout— se eligen antes de entrenar. El informe concluye que la elección correcta
# "depende de la naturaleza del problema y de la red", y extrae algunas lecciones concretas de sus
# corridas. Este capítulo convierte cada lección en una afirmación, ejecuta los barridos que la
# ponen
# a prueba y termina con cómo elegir como corresponde.
#
# **Objetivos.** Después de este capítulo podrás:
#
# - calcular cuántas actualizaciones del optimizador hace una corrida a partir de sus épocas, su
#   tamaño de lote y los datos, y explicar por qué comparar tamaños de lote con igual número de
#   épocas
#   no es compararlos con igual trabajo;
# - barrer dos hiperparámetros que interactúan (tamaño de lote y tasa de aprendizaje) con varias
#   semillas y leer el resultado: si cada mejor valor queda dentro de la grilla y cómo se desplaza;
# - convertir una afirmación sobre hiperparámetros en una comparación con varias semillas y
#   decidirla
#   con la regla del curso (un intervalo de confianza del 95 %);
# - elegir hiperparámetros en el conjunto de validación mediante una búsqueda (muestreo aleatorio,
#   un
#   muestreador TPE, poda) y evaluar la elección una sola vez en el conjunto de prueba.
#
# **Tiempo de estudio.** Unos 90 minutos: unos 40 para leer el capítulo y ejecutar sus celdas, y
# unos diez para cada uno de sus 5 ejercicios (estimado a partir de su extensión, a razón de unas
# 100 palabras de texto o diez líneas de código por minuto).
#
# **Tiempo.** Los barridos entrenan unas 130 corridas pequeñas sobre un subconjunto de 10 000
# imágenes: una hora o más en una CPU de 2 núcleos la primera vez; las corridas terminadas se
# guardan y se reutilizan. Las soluciones de los ejercicios entrenan unas dos docenas más de
# corridas pequeñas.
# Todas las elecciones que siguen se hacen en el conjunto de **validación**; el conjunto de prueba
# se
# usa una sola vez, al final, para medir la elección final de la búsqueda.

# %% tags=["hide-input"]
if "google.colab" in str(get_ipython()):  # en Colab: instala la biblioteca del curso
    # %pip install -q \
#         "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"

# %% [markdown] translation={"source": "b065c1e661b89500"}
# ## Tamaño de lote y tasa de aprendizaje, juntos
#
# Un minilote de $B$ imágenes da una estimación del gradiente cuyo ruido disminuye como
# $1/\sqrt{B}$;
# una época hace entonces $\lceil N / B \rceil$ actualizaciones. Así, un lote grande da pocos pasos
# precisos, y uno pequeño, muchos pasos ruidosos; y la tasa de aprendizaje $\eta$ determina cuánto
# avanza cada paso. Los dos interactúan, así que los barremos juntos, para los autocodificadores
# (autoencoders) feed-forward y «consigna»:

# %%
import math

from fmnist_lib.course import setup
from fmnist_lib.experiments import sweep
from fmnist_lib.settings import demonstration_budget, scaled, thinned

setup()
# the sweeps train on a subset: 10,000 images, 5 epochs at most
SUBSET = demonstration_budget()

# %% tags=["nbval-check-output"]
for batch_size in (32, 256, 1000):
    print(
        f"batch {batch_size:>4}: "
        f"{math.ceil(50_000 / batch_size):>5} updates per epoch on the full "
        "training set"
    )

# %%
grid = {"batch_size": [32, 256, 1000], "lr": [5e-4, 1e-3, 3e-3]}
ff = sweep("ae-feedforward-512", grid, SUBSET)
conv = sweep("ae-consigna-128", grid, SUBSET)

# %%
from fmnist_lib.plots import sweep_heatmaps

fig = sweep_heatmaps({"feed-forward (512)": ff, "consigna (128)": conv})

# %%
best_ff = ff.loc[ff.best_val_loss.idxmin()]
best_conv = conv.loc[conv.best_val_loss.idxmin()]
print(
    f"feed-forward best: batch {int(best_ff.batch_size)}, lr {best_ff.lr}  (val MSE "
    f"{best_ff.best_val_loss:.4f})"
)
print(
    f"consigna best:     batch {int(best_conv.batch_size)}, "
    f"lr {best_conv.lr}  (val MSE "
    f"{best_conv.best_val_loss:.4f})"
)

# %% [markdown] translation={"source": "2db8d9e7bcca66e2"}
# Todas las corridas anteriores tuvieron el mismo número de *épocas*, así que (tabla de arriba) las
# corridas con lote 1000 hicieron unas treinta veces menos actualizaciones que las de lote 32, y
# cada
# tasa de aprendizaje se probó con todos los tamaños de lote, aunque la mejor tasa no tiene por qué
# ser la misma para todos. Comparar con igual número de épocas favorece a los lotes pequeños; dice
# poco sobre el tamaño de lote en sí. El informe también comparó con igual número de épocas, las
# suyas.
#
# ### Con igual número de actualizaciones
#
# Una pregunta más justa: con el mismo número de pasos del optimizador, ¿qué tamaño de lote aprende
# más? Le damos a cada corrida del autocodificador feed-forward el mismo número de actualizaciones
# (`updates=` escala las épocas de cada corrida según su tamaño de lote), ampliamos la grilla de
# tasas
# de aprendizaje y entrenamos cada celda con varias semillas, para poder sopesar las diferencias
# frente a la dispersión entre semillas. Los tamaños de lote dividen exactamente el subconjunto de
# entrenamiento, así que cada corrida da exactamente esa cantidad de pasos:

# %%
import pandas as pd

from fmnist_lib.data import splits_for
from fmnist_lib.plots import learning_rate_curves

SEEDS = range(scaled(3))
UPDATES = scaled(400)
BATCHES = thinned([25, 100, 400])
RATES = [1e-4, 3e-4, 1e-3, 2e-3, 3e-3, 5e-3, 1e-2, 3e-2]
print(f"{len(splits_for(SUBSET).train):,} training images; {UPDATES} updates per run")
equal_grid = {"batch_size": BATCHES, "lr": RATES}
equal = sweep(
    "ae-feedforward-512",
    equal_grid,
    SUBSET,
    seeds=SEEDS,
    updates=UPDATES,
    progress=False,
)
print("updates made by the runs:", sorted(equal.updates.unique()))
by_cell = (
    equal.groupby(["batch_size", "lr"]).best_val_loss.agg(["mean", "std"]).reset_index()
)

fig = learning_rate_curves(
    by_cell, "feed-forward (512)", updates=UPDATES, seeds=len(SEEDS)
)

# %%
best = by_cell.loc[by_cell.groupby("batch_size")["mean"].idxmin()].set_index(
    "batch_size"
)
best["inside the grid"] = ~best.lr.isin([by_cell.lr.min(), by_cell.lr.max()])
print(
    best.rename(
        columns={"lr": "best lr", "mean": "validation MSE", "std": "sd"}
    ).to_string()
)
relative = by_cell.pivot(index="batch_size", columns="lr", values="mean")
print("\nvalidation MSE relative to each batch size's best:")
print((relative.T / relative.min(axis=1)).T.to_string(float_format="{:.2f}".format))

# %% [markdown] translation={"source": "47439c5060513a1a"}
# En estas tablas hay que leer dos cosas. La primera: si cada mejor tasa de aprendizaje queda
# *dentro*
# de la grilla; un mejor valor en el borde de la grilla significa que la grilla era demasiado
# estrecha, y la comparación entre tamaños de lote compararía entonces búsquedas truncadas. La
# segunda: cómo se desplazan las buenas tasas con el tamaño de lote; un lote más grande promedia más
# imágenes, su gradiente es menos ruidoso y puede permitirse un paso más largo. Aquí todas las
# mejores tasas quedan dentro de la grilla, y el mejor valor en sí se mueve poco (cerca del óptimo
# las curvas son planas).
# El flanco derecho se mueve como dice el argumento del ruido: una tasa demasiado grande perjudica
# menos a medida que crece el lote. El flanco izquierdo, leído como cociente, parece decir que una
# tasa demasiado pequeña perjudica más; pero es un cociente respecto de un mejor valor más bajo: en
# términos absolutos, la tasa más pequeña también rinde mejor con un lote más grande. (Para el SGD
# simple, una regla práctica habitual escala $\eta$ en proporción a $B$; para Adam, que reescala
# cada
# paso, el crecimiento suele ser más lento, y aquí mucho más lento.)
#
# Con el mismo número de actualizaciones, la comparación que importa es la de cada tamaño de lote
# con
# su propia mejor tasa de aprendizaje, a lo largo de las semillas, con la regla del curso: una
# diferencia es *real* cuando su intervalo de confianza del 95 % excluye el cero:

# %%
from fmnist_lib.experiments import sweep_cell
from fmnist_lib.numerals import interval_text
from fmnist_lib.stats import compare

big, little = best.index.max(), best.index.min()
ff_big = sweep_cell(equal, batch_size=big, lr=best.lr[big])
ff_little = sweep_cell(equal, batch_size=little, lr=best.lr[little])
batch_effect = compare(ff_big, ff_little)
print(f"batch {big} − batch {little}, each at its best lr, {UPDATES} updates:")
print("  validation MSE", interval_text(batch_effect, scale=1, digits=5, unit=""))
print("  real" if batch_effect.real else "  not shown (the interval includes 0)")
print(
    f"  images per run: batch {big} sees "
    f"{big / little:g} times as many as batch {little}"
)

# %% [markdown] translation={"source": "cf71b927bee257a0"}
# Elegir la mejor tasa de cada tamaño de lote con las mismas semillas que luego se comparan hace que
# cada uno parezca mejor de lo que es: la mejor de varias medias ruidosas es, en promedio, mejor que
# la media verdadera de esa tasa. Este sesgo favorable crece con la dispersión de las semillas (la
# columna `sd` de arriba), así que no es el mismo para todos los tamaños de lote; aquí, las
# semillas de los lotes pequeños son las que más se dispersan, de modo que el sesgo los favorece a
# ellos, en contra del lote grande. Elegir la tasa con unas semillas y comparar con otras
# lo eliminaría. Recuerda también el precio: con igual número de actualizaciones, el lote más grande
# procesa tantas veces más imágenes como veces es más grande (se imprimió arriba). Qué comparación
# es
# justa depende de qué sea lo escaso: pasos, imágenes o segundos en tu hardware.
#
# ## Tamaño del código: reconstrucción frente a clasificación
#
# El informe encontró que un código más grande ayuda a la reconstrucción, mientras que uno más
# pequeño
# parecía mejor para la clasificación. Varias semillas de cada configuración (los veredictos de más
# abajo comparan los tamaños extremos; para los intermedios, lee la tabla):

# %%
codes, layers = {"hidden_size": [16, 64, 128, 256]}, {"hidden_size": [10, 32, 128]}
hidden_ae = sweep("ae-consigna-128", codes, SUBSET, seeds=SEEDS, progress=False)
hidden_clf = sweep("clf-consigna-10", layers, SUBSET, seeds=SEEDS, progress=False)
for title, table in (
    ("consigna autoencoder", hidden_ae),
    ("consigna classifier", hidden_clf),
):
    columns = ["best_val_loss"] + (["val_accuracy"] if "val_accuracy" in table else [])
    print(title)
    print(
        table.groupby("hidden_size")[columns]
        .mean()
        .to_string(float_format="{:.4f}".format)
    )

# %% [markdown] translation={"source": "5e38a6b7bd53e1b4"}
# ## Dropout: red densa frente a convolucional
#
# El informe: el dropout fue lo que más ayudó a la red densa, y el agrupamiento (pooling), a las
# convolucionales. Una advertencia sobre el diseño: cada corrida de aquí conserva su tamaño de lote
# registrado y las cinco épocas del subconjunto, así que el autocodificador feed-forward (lote 1000) hace
# solo unas pocas docenas de actualizaciones y está lejos de ajustar sus imágenes de entrenamiento;
# un
# regularizador tiene poco que mostrar en un modelo que todavía no se ha sobreajustado.

# %%
rates = {"dropout": [0.0, 0.1, 0.3]}
dropout_ff = sweep("ae-feedforward-512", rates, SUBSET, seeds=SEEDS, progress=False)
dropout_conv = sweep("ae-consigna-128", rates, SUBSET, seeds=SEEDS, progress=False)
for title, table in (("feed-forward", dropout_ff), ("consigna", dropout_conv)):
    print(title)
    print(
        table.groupby("dropout")
        .best_val_loss.mean()
        .to_string(float_format="{:.5f}".format)
    )

# %% [markdown] translation={"source": "623a134c1666b23e"}
# ## Las conclusiones del informe, verificadas
#
# Cada conclusión se convierte en una comparación de dos configuraciones a lo largo de las semillas,
# juzgada con la única regla del curso (`fmnist_lib.stats`): la diferencia en la pérdida de
# validación, su intervalo de Welch del 95 %, y *real* cuando el intervalo excluye el cero. El
# informe
# sacó sus conclusiones sobre el tamaño de lote con igual número de épocas; nosotros ponemos a
# prueba
# las del feed-forward con igual número de actualizaciones, cada tamaño de lote con su propia mejor
# tasa de aprendizaje (dejamos de lado las de «consigna»: cada actualización del modelo
# convolucional
# cuesta mucho más). La conclusión sobre el dropout compara dos ganancias (sin dropout → dropout
# 0,1,
# la configuración feed-forward del informe): una diferencia de diferencias, con el mismo tipo de
# intervalo.

# %%
from fmnist_lib.stats import contrast

claims = {
    "feed-forward: a large batch beats a smaller one": batch_effect,
    f"feed-forward: a high rate beats a lower one (1e-2 vs 1e-3, batch {big})": compare(
        sweep_cell(equal, batch_size=big, lr=1e-2),
        sweep_cell(equal, batch_size=big, lr=1e-3),
    ),
    "a larger code reconstructs better (256 vs 16)": compare(
        sweep_cell(hidden_ae, hidden_size=256), sweep_cell(hidden_ae, hidden_size=16)
    ),
    "a smaller hidden layer classifies better (10 vs 128)": compare(
        sweep_cell(hidden_clf, hidden_size=10), sweep_cell(hidden_clf, hidden_size=128)
    ),
    "dropout 0.1 helps the dense net more than the conv net": contrast(
        [
            sweep_cell(dropout_ff, dropout=0.1),
            sweep_cell(dropout_ff, dropout=0.0),
            sweep_cell(dropout_conv, dropout=0.1),
            sweep_cell(dropout_conv, dropout=0.0),
        ],
        [1.0, -1.0, -1.0, 1.0],
    ),
}
claim_verdicts = {
    claim: ("supported" if c.estimate < 0 else "contradicted")
    if c.real
    else "not shown"
    for claim, c in claims.items()
}
pd.DataFrame(
    [
        {
            "claim (a negative difference supports it)": claim,
            "difference in validation loss": interval_text(
                c, scale=1, digits=5, unit=""
            ),
            "verdict": claim_verdicts[claim],
        }
        for claim, c in claims.items()
    ]
)

# %% [markdown] translation={"source": "a0510af0c110bd6c"}
# Cada veredicto vale para este subconjunto, estas actualizaciones y épocas, y estas semillas; *not
# shown* ("no demostrada") significa que las semillas discrepan demasiado como para que la
# diferencia
# cuente, no que no haya diferencia. La propia conclusión del informe encaja: las respuestas
# dependen
# del problema, de la red *y del presupuesto*.
#
# ## Elegir como corresponde
#
# Lo que el informe sugiere al final (S. Raschka, 2018, *Model Evaluation, Model Selection, and
# Algorithm Selection in Machine Learning*), en resumen:
#
# 1. **Tres roles, tres conjuntos.** Ajusta en el conjunto de entrenamiento, elige en el de
#    validación
#    e informa una sola vez en el de prueba. Cada mirada al conjunto de prueba que cambia una
#    decisión
#    lo gasta.
# 2. **Busca, no adivines.** Una grilla (como aquí) o, mejor cuando hay muchos hiperparámetros, una
#    búsqueda aleatoria sobre rangos en escala logarítmica para $\eta$; detén antes de tiempo las
#    corridas malas.
# 3. **Ten en cuenta el ruido.** Repite las pocas mejores configuraciones con varias semillas; con
#    pocos datos, usa validación cruzada de $k$ pliegues en lugar de una única partición de
#    validación, y validación cruzada *anidada* cuando haya que evaluar la propia selección.
# 4. **Compara con justicia.** Presupuestos iguales (épocas, actualizaciones o tiempo) y la misma
#    partición para cada candidato.
#
# ### Una búsqueda en lugar de una grilla
#
# Una grilla gasta la mayoría de sus corridas en valores de los hiperparámetros que no importan, y
# su
# costo se multiplica con cada hiperparámetro que se agrega. Una *búsqueda*, en cambio, muestrea los
# rangos y apunta a aprender dónde mirar: el muestreador TPE de [Optuna](https://optuna.org) modela
# qué valores dieron pérdidas de validación bajas hasta el momento y propone otros parecidos
# (después
# de unos pocos ensayos aleatorios). Otras dos ideas la abaratan:
#
# - **Poda.** Cada corrida informa su pérdida de validación después de cada época (a través del hook
#   `on_epoch` del motor de entrenamiento, el mismo `fit` de todas partes), y se detiene una corrida
#   cuya pérdida es peor que la mediana de las corridas anteriores en la misma época.
# - **Almacenamiento.** El estudio es una base de datos (aquí, un archivo SQLite junto a las
#   corridas): una búsqueda interrumpida se retoma, y varios procesos —o máquinas que comparten una
#   base de datos PostgreSQL— pueden trabajar en un mismo estudio
#   (`python -m fmnist_lib search --help`).
#
# El objetivo es la pérdida de validación; el conjunto de prueba se usa una sola vez, al final, para
# comparar la mejor configuración con la registrada, con tres semillas. Hacemos la búsqueda sobre el
# clasificador feed-forward (`clf-feedforward-512`: tasa de aprendizaje, tamaño de lote, dropout y
# tamaño del código), el modelo más barato del curso, con todas las imágenes de
# entrenamiento y sus épocas registradas. Se reutiliza el estudio guardado del curso (no se
# reentrena nada); sin él, la búsqueda entrena alrededor de una docena de corridas, con menos épocas
# para las que se podan.

# %%
from fmnist_lib.reproduction.search import distributions, figures, search, summarize

NAME = "clf-feedforward-512"
TRIALS = scaled(12, least=4)
distributions(NAME)

# %%
study = search(NAME, TRIALS)
trials = study.trials_dataframe(attrs=("number", "state", "value", "params"))
trials.columns = [c.removeprefix("params_") for c in trials.columns]
trials.rename(columns={"value": "validation loss"}).set_index("number")

# %% [markdown] translation={"source": "baa9e1b5aeb993b8"}
# Los ensayos podados se detienen antes: su pérdida de validación tras unas pocas épocas ya era peor
# que la mediana. Las figuras muestran el progreso de la búsqueda (cada punto, un ensayo; la línea,
# el
# mejor hasta el momento), cuánto importó cada hiperparámetro para la pérdida de validación (una
# estimación fANOVA, aproximada con tan pocos ensayos) y la pérdida frente al valor de cada
# hiperparámetro:

# %%
study_figures = figures(study)  # drawn below: history, importances, slices

# %% [markdown] translation={"source": "090f79307a61dd77"}
# Por último, la mejor configuración se reentrena con tres semillas y se evalúa una sola vez en el
# conjunto de prueba, frente a la configuración registrada (el mismo modelo con los hiperparámetros
# feed-forward del informe), con la regla del curso: una diferencia es *real* cuando su intervalo de
# confianza del 95 % excluye el cero.

# %%
from fmnist_lib.numerals import interval_text

summary = summarize(study, NAME)
print("best settings:", summary.best_params)
print(f"test accuracy, searched:   {[round(100 * a, 2) for a in summary.searched]}")
print(f"test accuracy, registered: {[round(100 * a, 2) for a in summary.registered]}")
print(
    "searched − registered:",
    interval_text(summary.comparison),
    "— real" if summary.comparison.real else "— not shown (the interval includes 0)",
)

# %% [markdown] translation={"source": "60efec30476e670c"}
# Sea cual sea el veredicto de arriba, léelo junto con su costo: los ensayos listados arriba,
# una semilla cada uno, en una única partición de validación. Fíjate en qué ensayo ganó y cuántos se
# podaron: con una docena de ensayos, bien puede ser que el mejor sea uno de los primeros
# aleatorios,
# y lo que se muestra es la maquinaria más que su beneficio; una búsqueda rinde frutos con muchos
# más
# ensayos de los que una demostración puede permitirse. (La "pérdida de validación" de un ensayo
# podado es la última que informó, antes de que se lo detuviera.) Una búsqueda encuentra
# configuraciones que son buenas *en el conjunto de validación*; la comparación en el conjunto de
# prueba dice si eso se traslada. La búsqueda exploró cuatro hiperparámetros a la vez; una grilla
# sobre esos mismos cuatro, con tres valores cada uno, requeriría $3^4 = 81$ corridas.
#
# ## Ejercicios
#

# %%
from fmnist_lib.exercises import check_answer

# %% [markdown] translation={"source": "eeaeb916cc7731d3"}
# 1. **Igual número de épocas, trabajo desigual.** El informe entrenó `clf-consigna-10` durante 35
#    épocas con lote 32 sobre las 50 000 imágenes de la partición de entrenamiento. ¿Cuántas
#    actualizaciones del optimizador son (el último lote de cada época, más pequeño, también es una
#    actualización)? ¿Cuántas haría el lote 1000 en las mismas 35 épocas?

# %%
answer = ...  # exercise 1: the updates of clf-consigna-10's 35 epochs at batch 32
check_answer("8.1", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "c7596e3771a7b362"}
# <details><summary>Solución 1</summary>
#
# Una actualización por lote, y una época de $N$ imágenes en lotes de $B$ tiene $\lceil N / B
# \rceil$
# lotes: $\lceil 50\,000 / 32 \rceil = 1563$ (el último contiene 16 imágenes), así que 35 épocas
# hacen $35 \cdot 1563 = 54\,705$ actualizaciones. El lote 1000 divide exactamente a 50 000: 50
# actualizaciones por época, 1750 en 35 épocas, unas 31 veces menos. Por eso la primera grilla, con
# igual número de épocas, dice más sobre el número de actualizaciones que sobre el tamaño de lote.
# La
# celda lee la configuración del registro.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
from fmnist_lib.experiments.registry import get_experiment

consigna = get_experiment("clf-consigna-10")
n_train = len(splits_for("full").train)
consigna_updates = consigna.epochs * math.ceil(n_train / consigna.batch_size)
print(
    f"{consigna.epochs} epochs x ceil({n_train:,} / {consigna.batch_size}) = "
    f"{consigna_updates:,} updates; at batch 1000: "
    f"{consigna.epochs * math.ceil(n_train / 1000):,}"
)
check_answer("8.1", consigna_updates)

# %% [markdown] translation={"source": "dbd0c48196088075"}
# 2. **Predice y luego ejecuta: un tamaño de lote fuera de los estudiados.** Dale al autocodificador
#    feed-forward lote 1000, con las mismas 400 actualizaciones por corrida que el barrido con igual
#    número de actualizaciones. Primero, ¿cuántas épocas debe entrenar cada corrida con las 10 000
#    imágenes de entrenamiento de los barridos? Luego predice a partir de las tablas de
#    arriba: ¿la mejor tasa de aprendizaje del lote 1000 será mayor, igual o menor que la del lote
#    400, y la tasa más grande lo perjudicará más o menos? Después ejecútalo, con las cinco tasas más
#    grandes y una sola semilla para que sea breve:
#    `sweep("ae-feedforward-512", {"batch_size": [1000], "lr": RATES[-5:]}, SUBSET,
#    updates=UPDATES)`, y compara con las tablas de arriba.

# %%
# exercise 2: the epochs that make 400 updates at batch 1000 on 10,000 images
answer = ...
check_answer("8.2", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "972617207c185f24"}
# <details><summary>Solución 2</summary>
#
# El lote 1000 hace $10\,000 / 1000 = 10$ actualizaciones por época con las 10 000 imágenes de
# los barridos, así que 400 actualizaciones llevan 40 épocas: cuarenta pasadas por las imágenes,
# donde el lote 25 hace una sola.
#
# La predicción, según el razonamiento del capítulo: cuanto más grande el lote, menos ruidoso es su
# gradiente y más largo el paso que puede permitirse, así que la mejor tasa del lote 1000 debería
# ser
# al menos la del lote 400, y la tasa más grande debería perjudicarlo menos. Dos precauciones antes
# de
# leer la respuesta: cerca del óptimo las curvas son planas, así que puede que la mejor tasa no se
# mueva en absoluto; y si la mejor tasa del lote 1000 queda en el borde de la grilla, la grilla es
# demasiado estrecha para decir dónde está. La celda ejecuta el barrido (una semilla: lee con cuidado las
# diferencias pequeñas), lo agrega a la tabla de igual número de actualizaciones e imprime ambas
# comparaciones.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
OUTSIDE = 1000
epochs_needed = 400 // math.ceil(10_000 / OUTSIDE)  # 400 updates on 10,000 images
print(f"{epochs_needed} epochs make 400 updates at batch {OUTSIDE} on 10,000 images")
OUTSIDE_RATES = RATES[-5:]
outside_grid = {"batch_size": [OUTSIDE], "lr": OUTSIDE_RATES}
outside = sweep(
    "ae-feedforward-512", outside_grid, SUBSET, updates=UPDATES, progress=False
)
print(
    f"the sweep's runs: {outside.epochs.iloc[0]} epochs, "
    f"{outside.updates.iloc[0]} updates"
)
means = (
    pd.concat([equal, outside])
    .groupby(["batch_size", "lr"])
    .best_val_loss.mean()
    .unstack()
)
print("\nvalidation MSE relative to each batch size's best:")
print(
    means.div(means.min(axis=1), axis=0).to_string(
        float_format="{:.2f}".format, na_rep="-"
    )
)
best_rate = means.idxmin(axis=1)
studied, largest = max(BATCHES), max(RATES)
if best_rate[OUTSIDE] == best_rate[studied]:
    moved = "the same"
else:
    moved = "larger" if best_rate[OUTSIDE] > best_rate[studied] else "smaller"
on_edge = best_rate[OUTSIDE] in (OUTSIDE_RATES[0], largest)
edge = "on the edge of its grid" if on_edge else "inside its grid"
rates_found = (
    f"batch {studied} {best_rate[studied]:g}, batch {OUTSIDE} {best_rate[OUTSIDE]:g}"
)
print(f"\nbest rate: {rates_found} ({moved}; {edge})")
harm = means[largest] / means.min(axis=1)
if harm[studied] > 1:
    less = "less" if harm[OUTSIDE] < harm[studied] else "not less"
    ratios = (
        f"x{harm[studied]:.2f} the best at batch {studied}, "
        f"x{harm[OUTSIDE]:.2f} at batch"
    )
    print(f"the largest rate {largest:g}: {ratios} {OUTSIDE} ({less} harm)")
else:
    print(
        f"the largest rate {largest:g} is batch {studied}'s best: "
        "the grid has no rate large "
        "enough to hurt"
    )
check_answer("8.2", epochs_needed)

# %% [markdown] translation={"source": "d0033a80d9150b60"}
# 3. **Una búsqueda aleatoria en lugar de la grilla.** La primera grilla probó 3 tamaños de lote ×
#    3 tasas de aprendizaje en el autocodificador feed-forward. Prueba en cambio 9 pares
#    aleatorios, con el tamaño de lote log-uniforme entre 32 y 1000 (redondeado) y $\eta$
#    log-uniforme en $[10^{-4}, 10^{-2}]$, con las mismas épocas que la grilla
#    (`run_experiment("ae-feedforward-512", SUBSET, overrides={...})`), para que las dos búsquedas
#    difieran solo en cómo eligen sus puntos. ¿Cuál encuentra el MSE de validación más bajo? ¿Qué
#    tamaños de lote ganan en cada una, y por qué eso dice más sobre el número de actualizaciones
#    que sobre el tamaño de lote? ¿Qué necesitarías antes de confiar en la respuesta?

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "45b69085d494102d"}
# <details><summary>Solución 3</summary>
#
# Una búsqueda aleatoria prueba nueve valores distintos de cada hiperparámetro donde la grilla de
# 3 × 3 prueba tres, así que, cuando uno de los dos importa mucho más que el otro, explora ese con
# una resolución tres veces más fina (Bergstra y Bengio, 2012); su rango de tasas también es más
# amplio que el de la grilla, así que algunos pares caen donde no caería ningún punto de la grilla,
# para bien o para mal. Cuál de las dos búsquedas gana aquí se imprime más abajo, pero con nueve
# corridas de una semilla cada una, cualquiera de las dos puede ganar por suerte: la diferencia
# entre los dos mejores hay que sopesarla frente a la dispersión entre semillas (el barrido con
# igual número de actualizaciones muestra su magnitud). Antes de confiar en la respuesta, reentrena
# el mejor de cada búsqueda con varias semillas y compáralos con la regla del curso, o repite la
# búsqueda aleatoria con otros sorteos.
#
# ¿Por qué las mismas épocas, después de un capítulo que desarmó la comparación con igual número de
# épocas? Porque el ejercicio compara dos maneras de *elegir puntos*, y la grilla con la que se
# compara se ejecutó con igual número de épocas: ejecutar los pares aleatorios con igual número de
# actualizaciones cambiaría dos cosas a la vez. El precio es que ninguna de las dos búsquedas dice
# mucho sobre el tamaño de lote. Con las mismas épocas, un lote más pequeño hace más
# actualizaciones (el lote 32, unas 30 veces más que el lote 1000), así que ambas búsquedas premian
# los lotes pequeños por sus pasos de más: fíjate dónde caen los tamaños de lote de los ganadores en
# la tabla de abajo. Para buscar el tamaño de lote en sí, da a cada par las mismas actualizaciones,
# como hace el barrido con igual número de actualizaciones (`sweep(..., updates=UPDATES)`, con
# tamaños de lote que dividan las 10 000 imágenes para que cada corrida dé exactamente los mismos
# pasos), y compáralo con la grilla de ese barrido.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
import numpy as np

from fmnist_lib.experiments import run_experiment

rng = np.random.default_rng(0)
batch_draws = np.rint(np.exp(rng.uniform(np.log(32), np.log(1000), 9))).astype(int)
rate_draws = 10 ** rng.uniform(-4, -2, 9)
random_rows = []
for b, lr in zip(batch_draws, rate_draws, strict=True):
    settings = {"batch_size": int(b), "lr": float(f"{lr:.2g}")}
    run = run_experiment(
        "ae-feedforward-512", SUBSET, overrides=settings, progress=False
    )
    random_rows.append(
        settings | {"best_val_loss": min(run.history.column("val_loss"))}
    )
random_pairs = pd.DataFrame(random_rows)
print(random_pairs.sort_values("best_val_loss").to_string(index=False))
grid_best, random_best = ff.best_val_loss.min(), random_pairs.best_val_loss.min()
winner = "the random pairs" if random_best < grid_best else "the grid"
print(
    f"\nbest validation MSE: grid {grid_best:.5f}, "
    f"random pairs {random_best:.5f}: {winner}"
)
for column in ("batch_size", "lr"):
    distinct = f"grid {ff[column].nunique()}, random {random_pairs[column].nunique()}"
    print(f"distinct values of {column}: {distinct}")

# %% [markdown] translation={"source": "1d9e3b3073e00344"}
# 4. **Épocas por detención temprana (early stopping).** Dale a `clf-consigna-10` más épocas que
#    las cinco de los barridos y deja que la pérdida de validación elija:
#    `run_experiment("clf-consigna-10", SUBSET, epochs=20, overrides={"patience": 2})`. ¿Con los
#    pesos de qué época se queda, se detuvo antes de tiempo y cuál es su exactitud (accuracy) en el
#    conjunto de prueba, leída una sola vez después de la elección?

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "1352ad9f574002e7"}
# <details><summary>Solución 4</summary>
#
# Con `patience=2`, el entrenamiento se detiene tras dos épocas sin una pérdida de validación más
# baja, y la corrida conserva los pesos de su mejor época (también cuando llega antes al tope de
# épocas). Así, las épocas se eligen en el conjunto de validación, y la exactitud de prueba se lee
# una
# sola vez, para los pesos elegidos: no interviene en la elección, así que sigue siendo una
# estimación
# honesta. La celda imprime las épocas ejecutadas, la época conservada y la exactitud de prueba (20 épocas como máximo). Si la época conservada es la
# última,
# la pérdida de validación seguía bajando al llegar al tope: la detención temprana no eligió nada, y
# la corrida necesitaba más épocas.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
patient = {"patience": 2}
stopped = run_experiment(
    "clf-consigna-10", SUBSET, epochs=scaled(20), overrides=patient, progress=False
)
h = stopped.history
print(
    f"ran {len(h.epochs)} epochs, stopped early: "
    f"{h.stopped_early}; kept epoch {h.best_epoch}"
)
print(f"validation loss per epoch: {[round(v, 3) for v in h.column('val_loss')]}")
print(f"test accuracy of the kept weights: {stopped.test['accuracy']:.2%}")

# %% [markdown] translation={"source": "c6ff00d4514adc40"}
# 5. **Predice y luego busca.** Ejecuta `search("clf-consigna-10", 8, SUBSET)`. Antes de
#    ejecutarlo, predice: ¿la mejor tasa de aprendizaje será mayor o menor que la del informe, $5\cdot10^{-4}$?
#    Luego compara.

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "240c912280ce7f67"}
# <details><summary>Solución 5</summary>
#
# No hay una predicción segura, y las razones son justamente lo importante. La búsqueda entrena las
# cinco épocas de los barridos con una quinta parte de las imágenes, no las 35 épocas del
# informe con todas ellas, así que premia las configuraciones que progresan rápido, lo que puede
# favorecer un paso más grande del que necesita un entrenamiento largo. Además, varía el tamaño de
# lote (de 32 a 256), el dropout y el tamaño del código, y la mejor tasa depende de ellos. La
# celda imprime los ensayos y hacia dónde fue la mejor tasa.
# Ocho ensayos de una semilla cada uno dan una única respuesta ruidosa: antes de adoptar la mejor
# configuración, ponla a prueba como lo hace la última sección del capítulo (varias semillas, el
# conjunto de prueba una sola vez).
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
consigna_study = search("clf-consigna-10", scaled(8, least=3), SUBSET)
consigna_trials = consigna_study.trials_dataframe(
    attrs=("number", "state", "value", "params")
)
consigna_trials.columns = [c.removeprefix("params_") for c in consigna_trials.columns]
consigna_trials = consigna_trials.rename(columns={"value": "validation loss"})
print(consigna_trials.set_index("number").to_string())
found, reported = consigna_study.best_params["lr"], get_experiment("clf-consigna-10").lr
which_way = "larger" if found > reported else "smaller"
print(f"\nbest learning rate {found:.2g}: {which_way} than the report's {reported:g}")

# %% [markdown] translation={"source": "247173847775a687"}
# ## Resumen
#
# - El tamaño de lote y la tasa de aprendizaje interactúan. Con igual número de épocas, un lote
#   pequeño hace muchas más actualizaciones; con igual número de actualizaciones, comparando cada
#   tamaño de lote con su propia mejor tasa y con varias semillas, la pregunta es sobre el tamaño de
#   lote en sí, y su costo se cuenta en imágenes.
# - El mejor valor de una grilla solo vale la pena leerlo si queda dentro de la grilla; el
#   razonamiento sobre el ruido del gradiente predice que un lote más grande tolera una tasa más
#   grande, que es lo que muestra el flanco derecho.
# - Cada lección del informe se convirtió en una comparación con varias semillas, decidida con una
#   sola regla; cada veredicto vale para su
#   subconjunto, sus actualizaciones y sus semillas.
# - Elegir como corresponde: ajustar en el conjunto de entrenamiento, elegir en el de validación,
#   evaluar una sola vez en el de prueba; buscar en lugar de adivinar (muestreo aleatorio o TPE,
#   poda)
#   y tener en cuenta el ruido de las semillas.
#
# **Ponte a prueba:** [un cuestionario sobre las ideas de este capítulo](quizzes/08_quiz.ipynb),
# con una explicación para cada respuesta.
#
# Los números del capítulo (los barridos sobre un subconjunto de 10 000 imágenes; la búsqueda, con
# todos los datos):

# %%
print(f"equal updates: {UPDATES} per run, seeds {list(SEEDS)}")
for batch_size, row in best.iterrows():
    print(
        f"  batch {batch_size:>4}: best lr {row.lr:g}, validation MSE {row['mean']:.5f}"
    )
print(
    f"batch {big} − batch {little}: "
    f"{interval_text(batch_effect, scale=1, digits=5, unit='')}"
)
for claim, verdict in claim_verdicts.items():
    print(f"  {verdict:<12} {claim}")
print(f"search ({summary.trials} trials): best {summary.best_params}")
seeds_tested = len(summary.searched)
searched_gain = interval_text(summary.comparison)
print(
    f"  searched − registered test accuracy over {seeds_tested} seeds: {searched_gain}"
)
