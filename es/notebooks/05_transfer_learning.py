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

# %% [markdown] translation={"source": "4573e27d79213ecb"}
# # 5. Aprendizaje por transferencia: dónde empieza el entrenamiento
#
# El descenso por gradiente nunca hace más que mejorar los pesos que recibe: dónde termina
# depende de dónde empieza. La respuesta del informe a esta *dependencia de los pesos iniciales*
# es el aprendizaje por transferencia: empezar el clasificador desde el codificador de un
# autocodificador (autoencoder) entrenado en lugar de hacerlo desde números aleatorios. Este
# capítulo mide cuánto importa el punto de partida, compara las tres formas de reutilizar un
# codificador y resuelve una pregunta que el informe dejó abierta.
#
# **Objetivos.** Después de este capítulo podrás
#
# - juzgar si dos modelos difieren más allá de la dispersión entre semillas aleatorias, con una
#   sola regla (un intervalo de confianza del 95% de la diferencia, `fmnist_lib.stats.compare`);
# - empezar un clasificador desde un codificador entrenado de tres formas —desde cero, con ajuste
#   fino (fine-tuning), congelado— y decir qué entrena cada una;
# - mantener congelada una parte congelada: sus gradientes desactivados *y* sus capas en modo de
#   evaluación;
# - separar dos causas de una misma diferencia con un diseño $2 \times 2$, y nombrar qué factores
#   sigue confundiendo.
#
# **Tiempo.** Con el presupuesto (budget) `full`, este capítulo reutiliza las corridas de
# referencia publicadas y solo entrena una breve demostración sobre un subconjunto (unos pocos
# minutos en una CPU de 2 núcleos). Sin las corridas de referencia, entrena sus clasificadores y
# los autocodificadores desde los que parten, con tres semillas cada uno: varias horas en una CPU
# de 2 núcleos (se reutilizan las corridas ya hechas por `make reproduce` o por los capítulos 3–4).

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

# %% [markdown] translation={"source": "193dbf5af57b485a"}
# ## El mismo modelo, tres inicios aleatorios
#
# Este es el clasificador «consigna» ($n = 10$) entrenado tres veces con una configuración
# idéntica; solo cambia la semilla, es decir, los pesos iniciales aleatorios, las máscaras de
# dropout y el orden de los lotes.

# %%
import pandas as pd

from fmnist_lib.experiments import run_experiment

seeds = {seed: run_experiment("clf-consigna-10", BUDGET, seed=seed) for seed in (0, 1, 2)}
spread = pd.DataFrame(
    {
        f"seed {s}": {
            "val accuracy": r.history.epochs[-1]["val_accuracy"],
            "test accuracy": r.test["accuracy"],
        }
        for s, r in seeds.items()
    }
).T
print(spread.to_string(float_format="{:.2%}".format))
print(
    f"\nrange of validation accuracy over seeds: "
    f"{spread['val accuracy'].max() - spread['val accuracy'].min():.2%}"
)

# %% [markdown] translation={"source": "dd6dc12ce58b18fa"}
# Cualquier diferencia entre dos modelos tiene que sopesarse frente a esta dispersión. El informe
# comparó corridas individuales; el curso usa una sola regla en todas partes
# (`fmnist_lib.stats.compare`): la diferencia entre las medias de los dos modelos sobre las
# semillas, con un intervalo de confianza del 95% (el de Welch, que no supone que las dos
# dispersiones sean iguales); la diferencia es *real* cuando el intervalo excluye el cero. Por
# ejemplo, el mismo clasificador con una capa oculta de 128 en lugar de 10:

# %%
from fmnist_lib.numerals import interval_text
from fmnist_lib.stats import compare

wide = [run_experiment("clf-consigna-128", BUDGET, seed=s).test["accuracy"] for s in (0, 1, 2)]
narrow = [r.test["accuracy"] for r in seeds.values()]
n_effect = compare(wide, narrow)
print("test accuracy, n = 128 − n = 10:", interval_text(n_effect))
print("real" if n_effect.real else "not shown (the interval includes 0)")

# %% [markdown] translation={"source": "1bae1dd18c7aa2a1"}
# Con tres semillas el intervalo es amplio (pocos grados de libertad): una diferencia pequeña
# necesita más semillas antes de contar.
#
# ## Tres formas de reutilizar un codificador
#
# Si ya se tiene un autocodificador entrenado, un clasificador puede
#
# 1. **empezar desde cero**: pesos aleatorios en todas partes (capítulo 4);
# 2. **hacer ajuste fino**: copiar los pesos del codificador y luego entrenar *todos* los pesos
#    con las etiquetas; es lo que el informe llama «consigna FE» ("feature extraction",
#    extracción de características);
# 3. **extraer características**: copiar el codificador, *congelarlo* y entrenar solo la cabeza;
#    es lo que el término suele significar. El informe lo probó y el resultado no le pareció
#    satisfactorio.
#
# Copiar pesos requiere capas que coincidan. `transfer_encoder` empareja, en orden, las capas que
# tienen pesos, y se niega con un mensaje claro cuando un tensor no encaja:

# %% tags=["nbval-check-output"]
from fmnist_lib.models import (
    ConsignaAutoencoder,
    ConsignaClassifier,
    TransferError,
    transfer_encoder,
)

print(transfer_encoder(ConsignaAutoencoder(hidden_size=128), ConsignaClassifier(hidden_size=128)))
try:
    transfer_encoder(ConsignaAutoencoder(hidden_size=128), ConsignaClassifier(hidden_size=10))
except TransferError as error:
    print("\nTransferError:", error)
print("\nallow_partial=True:")
print(
    transfer_encoder(
        ConsignaAutoencoder(hidden_size=128), ConsignaClassifier(hidden_size=10), allow_partial=True
    )
)

# %% [markdown] translation={"source": "82ff99148b23705f"}
# El último caso es el otro intento insatisfactorio del informe, un clasificador con $n = 10$ que
# parte del codificador con $n = 128$: solo se pueden copiar las convoluciones; la capa densa
# $800 \to 10$ empieza desde cero, y las convoluciones preentrenadas quedaron adaptadas para
# alimentar una capa densa distinta. (La tabla de abajo muestra cómo le fue aquí, con una
# semilla, junto a los demás.)
#
# ## Los experimentos

# %% tags=["nbval-check-output"]
from fmnist_lib.experiments.registry import settings_table

names = [
    "clf-consigna-10",
    "clf-consigna-128",
    "clf-consigna-fe-128",
    "clf-consigna-frozen-128",
    "clf-consigna-10-from-128",
    "clf-consigna-fe-10",
]
columns = {
    "hidden": "hidden_size",
    "start": lambda e: e.init_from or "random",
    "frozen encoder": "freeze_encoder",
    "epochs": "epochs",
    "what": lambda e: e.note or e.title,
}
settings_table(names, columns)

# %%
from fmnist_lib.experiments import summary_table

results = {n: run_experiment(n, BUDGET) for n in names}
table = summary_table(results)[
    ["hidden", "epochs run", "val accuracy", "test accuracy", "parameters", "trainable"]
]
table

# %%
from fmnist_lib.plots import training_curves

fig = training_curves(
    {
        results[n].experiment.title: results[n].history.epochs
        for n in ("clf-consigna-128", "clf-consigna-fe-128", "clf-consigna-frozen-128")
    },
    ("accuracy",),
    ("accuracy",),
    "n = 128: from scratch, fine-tuned, frozen encoder",
)

# %%
for n in ("clf-consigna-128", "clf-consigna-fe-128", "clf-consigna-frozen-128"):
    h = results[n].history.epochs
    print(
        f"{results[n].experiment.title:<28} validation accuracy after epoch 1: "
        f"{h[0]['val_accuracy']:.1%}, "
        f"after epoch {len(h)}: {h[-1]['val_accuracy']:.1%}"
    )

# %% [markdown] translation={"source": "2a9f522fa045c2b8"}
# Donde un inicio preentrenado ayuda, se nota primero en las primeras épocas. Si además *termina*
# más alto es otra cuestión: con suficientes épocas, un inicio aleatorio puede alcanzarlo.
#
# ### Congelado significa congelado: `train()` y `eval()`
#
# Un codificador congelado debe comportarse durante el entrenamiento exactamente como lo hará en
# la prueba. Detener sus gradientes (`requires_grad_(False)`) no basta: `model.train()` pone a
# *cada* submódulo en su comportamiento de entrenamiento, y el codificador «consigna» tiene un
# `Dropout(0.8)` después de `Flatten`, delante de su capa densa. Congelado de esa forma, sigue
# descartando cada una de esas 800 características con probabilidad 0.8 en cada paso de
# entrenamiento, y ninguna en la prueba: la cabeza aprende con códigos que no son los que
# recibirá. (La primera corrida de referencia del propio curso para
# este experimento tenía exactamente este error.) `freeze`, en la biblioteca, detiene los
# gradientes *y* mantiene el módulo en modo de evaluación. La diferencia, sobre el mismo
# codificador preentrenado, entrenando solo la cabeza durante 5 épocas con el subconjunto del
# presupuesto `quick`:

# %%
import torch

from fmnist_lib.data import Batches, splits_for
from fmnist_lib.models import freeze
from fmnist_lib.training import TrainConfig, fit, seed_everything

SMALL = "smoke" if BUDGET == "smoke" else "quick"  # the budget of this demonstration
small = splits_for(SMALL)
pretrained = run_experiment("ae-consigna-128", BUDGET).model
x, _ = next(iter(Batches(small.val, 8)))
config = TrainConfig("classification", epochs=5, batch_size=40, lr=5e-4)
heads = {}
for how in ("requires_grad_(False) only", "freeze()"):
    seed_everything(0)
    model = ConsignaClassifier(hidden_size=128)
    transfer_encoder(pretrained, model)
    if how == "freeze()":
        freeze(model.encoder)
    else:
        model.encoder.requires_grad_(False)
    model.train()
    with torch.no_grad():
        same = torch.equal(model.encoder(x), model.encoder(x))
    history = fit(model, small.train, small.val, config, progress=False)
    heads[how] = {
        "encoder gives the same output twice in train mode": same,
        "validation accuracy after 5 epochs": f"{history.epochs[-1]['val_accuracy']:.2%}",
    }
pd.DataFrame(heads).T

# %% [markdown] translation={"source": "73f8fe75be26a792"}
# En ambos casos solo se entrenó la cabeza; la brecha en exactitud (accuracy) se debe únicamente
# al dropout. Cualquier capa que se comporte de forma distinta durante el entrenamiento —dropout,
# normalización por lotes— tiene que estar en el modo correcto, y una congelada, en modo de
# evaluación. (La tabla de experimentos de arriba muestra la corrida de referencia de
# `clf-consigna-frozen-128`, entrenada con `freeze()`.)
#
# ## La pregunta abierta del informe: ¿tamaño del código o inicio preentrenado?
#
# «consigna FE» superó a «consigna (10)», pero los dos difieren en dos cosas a la vez: el tamaño
# del código (128 frente a 10) y el inicio (preentrenado frente a aleatorio). El informe propuso
# los experimentos que faltaban: entrenar un autocodificador con $n = 10$ y hacer ajuste fino a
# partir de él, y (agregamos nosotros) entrenar $n = 128$ desde cero. Eso completa un diseño
# $2 \times 2$:

# %%
from fmnist_lib.stats import design_2x2

DESIGN = [["clf-consigna-10", "clf-consigna-fe-10"], ["clf-consigna-128", "clf-consigna-fe-128"]]
cells = [
    [[run_experiment(n, BUDGET, seed=s).test["accuracy"] for s in (0, 1, 2)] for n in row]
    for row in DESIGN
]
print("test accuracy, mean over three seeds")
print(
    pd.DataFrame(
        [[sum(c) / len(c) for c in row] for row in cells],
        index=["n = 10", "n = 128"],
        columns=["random start", "pretrained start"],
    ).to_string(float_format="{:.2%}".format)
)
design = design_2x2(cells)
effects = {
    "hidden size (128 − 10), averaged over the start": design.rows_effect,
    "pretrained start, averaged over the size": design.columns_effect,
    "pretrained start at n = 10": design.column_effect_in_row[0],
    "pretrained start at n = 128": design.column_effect_in_row[1],
    "interaction (start effect at 128 − at 10)": design.interaction,
}
pd.DataFrame(
    [
        {"effect": name, "test accuracy": interval_text(c), "real": c.real}
        for name, c in effects.items()
    ]
).set_index("effect")

# %% [markdown] translation={"source": "4ffab8b9aef797cb"}
# Un efecto cuyo intervalo excluye el cero es un efecto que las semillas respaldan; los demás no
# quedan demostrados con esta cantidad de semillas. Cuando la interacción es real, el efecto del
# inicio difiere entre los dos tamaños y su promedio sobre ambos no describe a ninguno de los dos:
# léelo fila por fila. La respuesta, redactada a partir de estos intervalos por la misma función
# que escribe el informe del curso:

# %%
from fmnist_lib.reproduction.report import epoch_confound, size_or_start_answer

epochs = [len(results[row[0]].history.epochs) for row in DESIGN]
print(size_or_start_answer(design))
print(epoch_confound(epochs))

# %% [markdown] translation={"source": "b26d2ad997194872"}
# Cada semilla preentrenada parte del autocodificador entrenado con la misma semilla, así que la
# aleatoriedad propia del preentrenamiento forma parte de la dispersión. El factor de confusión
# que se imprime al final viene heredado del informe: los dos tamaños del código se entrenan
# durante cantidades distintas de épocas. El modelo más pequeño recibió las épocas extra, lo que
# hace poco probable que las épocas expliquen su menor exactitud, a menos que esas épocas extra
# lo hayan sobreajustado, algo que este diseño no puede descartar. ¿Por qué un inicio
# preentrenado *perjudicaría* con $n = 10$? Los datos de aquí no permiten decirlo; una hipótesis
# para poner a prueba (ejercicio 5) es que diez unidades de código adaptadas a la reconstrucción
# son un peor punto de partida para la clasificación que diez aleatorias. (Esta pregunta es sobre
# los modelos, no sobre la elección de un modelo, así que se le plantea al conjunto de prueba, una
# sola vez; el [informe de reproducción](../report.md) calcula la misma tabla.)
#
# ## Ejercicios
#
# 1. ¿Cuántos de los pesos del clasificador congelado cambia el entrenamiento? Calcúlalo y luego
#    verifícalo abajo.
# 2. **Predice primero.** Congela solo las convoluciones del codificador preentrenado y haz ajuste
#    fino de su capa densa y de la cabeza (`freeze(model.encoder[:6])`). Predice dónde cae su
#    exactitud de validación entre "congelado" y "con ajuste fino" después de las 5 épocas de la
#    demostración con el presupuesto `quick`, y luego ejecútalo.
# 3. Hacer ajuste fino con una tasa de aprendizaje más pequeña para las capas preentrenadas es una
#    práctica común. ¿Por qué? ¿Cómo les das tasas de aprendizaje distintas a dos partes de un
#    modelo en PyTorch?
# 4. **Predice primero.** ¿Ayudaría más un inicio preentrenado con menos imágenes etiquetadas?
#    Haz tu predicción y luego entrena el clasificador con $n = 128$ desde cero y con ajuste fino
#    sobre 1,000 imágenes etiquetadas.
# 5. Grafica con `training_curves` la exactitud de validación por época de `clf-consigna-10` y
#    `clf-consigna-fe-10` (ambos están en `results`), como se hizo arriba para $n = 128$: ¿el
#    inicio preentrenado va por detrás desde la primera época o solo al final? ¿Qué sugiere eso
#    sobre la hipótesis de arriba?

# %%
from fmnist_lib.exercises import check_answer

answer = ...  # exercise 1: the number of weights that training changes
check_answer("5.1", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "1ecc500cc1f6759d"}
# <details><summary>Solución 1</summary>
#
# Con el codificador congelado, sus pesos no reciben gradiente; solo aprende la cabeza
# `Linear(128, 10)`.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
from fmnist_lib.models import count_parameters

frozen = ConsignaClassifier(hidden_size=128)
freeze(frozen.encoder)
trained = count_parameters(frozen, trainable_only=True)
print(f"{trained:,} of {count_parameters(frozen):,} weights are trained")
check_answer("5.1", trained)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "70b8981c4a9b291e"}
# <details><summary>Solución 2</summary>
#
# Con las convoluciones congeladas, la capa densa $800 \to 128$ todavía puede adaptar las
# características a las etiquetas, así que un resultado entre los dos es una predicción natural.
# Las corridas de abajo usan la configuración de la demostración (mismo codificador preentrenado,
# semilla, subconjunto y épocas), con una semilla cada una. Compáralas con tu predicción. Con el
# presupuesto `quick`, las tres quedan a pocos puntos unas de otras, y congelar las convoluciones
# no quedó entre las otras dos. Con una semilla cada una, ese orden no es evidencia: aquí no se
# conoce la dispersión entre semillas con este presupuesto (la dispersión del comienzo del
# capítulo corresponde al presupuesto `full`), y las diferencias de uno o dos puntos necesitan
# varias semillas por configuración, juzgadas con `compare`.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
partly = {"everything frozen (above)": heads["freeze()"]["validation accuracy after 5 epochs"]}
for how in ("convolutions frozen", "nothing frozen"):
    seed_everything(0)
    model = ConsignaClassifier(hidden_size=128)
    transfer_encoder(pretrained, model)
    if how == "convolutions frozen":
        freeze(model.encoder[:6])  # Conv, ReLU, MaxPool, Conv, ReLU, MaxPool
    history = fit(model, small.train, small.val, config, progress=False)
    partly[how] = f"{history.epochs[-1]['val_accuracy']:.2%}"
pd.Series(partly, name="validation accuracy after 5 epochs")

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "eaf8445fb269e5d6"}
# <details><summary>Solución 3</summary>
#
# Los pesos preentrenados ya son útiles; la cabeza empieza aleatoria, así que sus primeros
# gradientes son grandes y ruidosos. Un paso de tamaño completo sobre las capas preentrenadas en
# esos primeros pasos puede arruinar las características antes de que la cabeza haya aprendido a
# usarlas. Una tasa más pequeña para ellas las mantiene cerca de donde empezaron mientras la
# cabeza se pone al día. En PyTorch, un optimizador recibe *grupos de parámetros*, cada uno con su
# propia configuración:
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
model = ConsignaClassifier(hidden_size=128)
optimizer = torch.optim.Adam(
    [
        {"params": model.encoder.parameters(), "lr": 5e-5},  # pretrained: small steps
        {"params": model.head.parameters(), "lr": 5e-4},  # new: the usual rate
    ]
)
print([group["lr"] for group in optimizer.param_groups])

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "9884f985c3fe8cff"}
# <details><summary>Solución 4</summary>
#
# Con pocas etiquetas, un inicio aleatorio tiene poco de qué aprender, y las características
# aprendidas a partir de todas las imágenes (el autocodificador no necesita etiquetas) deberían
# importar más. Cada corrida aplica detención temprana (early stopping): conserva los pesos de su
# mejor época de validación; luego el conjunto de prueba los mide una sola vez. Hay una sola semilla
# por modelo, cada
# corrida sobre 1,000 imágenes etiquetadas (100 por clase), así que lee la diferencia con cuidado,
# junto al efecto del inicio preentrenado con las 50,000 etiquetas, tomado del diseño $2 \times 2$
# de arriba:
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
from fmnist_lib.data import load_splits
from fmnist_lib.evaluation import evaluate

few = load_splits(train_size=1000, val_subset=small.val.images.shape[0])
few_config = TrainConfig("classification", epochs=2 if BUDGET == "smoke" else 20, batch_size=32,
                         lr=5e-4, patience=3)  # fmt: skip
few_labels = {}
for start in ("random", "pretrained"):
    seed_everything(0)
    model = ConsignaClassifier(hidden_size=128)
    if start == "pretrained":
        transfer_encoder(pretrained, model)
    fit(model, few.train, few.val, few_config, progress=False)  # ends on the best epoch's weights
    few_labels[start] = evaluate(model, few.test, "classification")["accuracy"]
effect = few_labels["pretrained"] - few_labels["random"]
print(
    f"1,000 labels, test accuracy: random start {few_labels['random']:.2%}, "
    f"pretrained {few_labels['pretrained']:.2%}: {100 * effect:+.2f} points (one seed)"
)
print("all 50,000 labels, n = 128 (three seeds):", interval_text(design.column_effect_in_row[1]))

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "d041ba35b138c7b9"}
# <details><summary>Solución 5</summary>
#
# Las curvas son las de la semilla 0, sobre el conjunto de validación; el déficit de la tabla
# $2 \times 2$ es una media sobre tres semillas en el conjunto de prueba. Si las curvas de
# validación de una sola semilla no se separan —compara las exactitudes que se imprimen abajo—,
# una sola corrida no puede mostrar de dónde viene el déficit, y la hipótesis queda sin poner a
# prueba: la forma de probarla serían las curvas de varias semillas, o una sonda de los códigos de
# $n = 10$ (capítulo 3) antes y después del ajuste fino.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
fig = training_curves(
    {results[n].experiment.title: results[n].history.epochs for n in DESIGN[0]},
    ("accuracy",),
    ("accuracy",),
    "n = 10: from scratch and fine-tuned",
)
for n in DESIGN[0]:
    h = results[n].history.column("val_accuracy")
    middle = len(h) // 2
    print(f"{results[n].experiment.title:<22} validation accuracy, epochs 1 / {middle + 1} / "
          f"{len(h)}: {h[0]:.2%} / {h[middle]:.2%} / {h[-1]:.2%}")  # fmt: skip

# %% [markdown] translation={"source": "710ba73f0b8e6206"}
# ## Resumen
#
# - Tres semillas de un mismo modelo difieren (con el presupuesto `full`, en una fracción de
#   punto): toda comparación se lee frente a esa dispersión, con una sola regla: un intervalo de
#   Welch del 95% para la diferencia que excluya el cero.
# - Reutilizar un codificador: el ajuste fino entrena todo desde un inicio preentrenado; la
#   extracción de características entrena solo la cabeza, y necesita la parte congelada en modo de
#   evaluación.
# - El diseño $2 \times 2$ responde la pregunta del informe con intervalos; los presupuestos de
#   épocas siguen siendo un factor de confusión.

# %%
key_numbers = {
    "seed spread of consigna (10), validation accuracy": (
        f"{spread['val accuracy'].max() - spread['val accuracy'].min():.2%}"
    ),
    "n = 128 − n = 10, test accuracy": interval_text(n_effect),
    "freeze(): the encoder gives the same output twice in train mode": heads["freeze()"][
        "encoder gives the same output twice in train mode"
    ],
    "the 2 x 2 design": size_or_start_answer(design),
}
for what, value in key_numbers.items():
    print(f"{what}: {value}")
