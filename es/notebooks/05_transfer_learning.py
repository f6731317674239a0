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

# %% [markdown] translation={"source": "c2ccd3630079109b"}
# # 5. Aprendizaje por transferencia: dónde empieza el entrenamiento
#
# [![Abrir en Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/fmnist-course/fmnist-course/blob/v0.1.0/es/notebooks/05_transfer_learning.ipynb)
#
# El descenso por gradiente nunca hace más que mejorar los pesos que recibe: dónde termina
# depende de dónde empieza. La respuesta del informe a esta *dependencia de los pesos iniciales*
# es el aprendizaje por transferencia: empezar el clasificador desde el codificador de un
# autocodificador (autoencoder) entrenado en lugar de hacerlo desde números aleatorios. Este
# capítulo mide cuánto importa el punto de partida, compara las tres formas de reutilizar un
# codificador y pone a prueba una pregunta que el informe dejó abierta, para ver hasta dónde
# pueden responderla tres semillas.
#
# **Objetivos.** Después de este capítulo podrás
#
# - juzgar si dos modelos difieren más allá de la dispersión entre semillas aleatorias, con una
#   sola regla (un intervalo de confianza del 95 % de la diferencia, `fmnist_lib.stats.compare`);
# - empezar un clasificador desde un codificador entrenado de tres formas —desde cero, con ajuste
#   fino (fine-tuning), congelado— y decir qué entrena cada una;
# - mantener congelada una parte congelada: sus gradientes desactivados *y* sus capas en modo de
#   evaluación;
# - separar dos causas de una misma diferencia con un diseño $2 \times 2$, y nombrar qué factores
#   sigue confundiendo.
#
# **Tiempo de estudio.** Unos 95 minutos: unos 45 para leer el capítulo y ejecutar sus celdas, y
# unos diez para cada uno de sus 5 ejercicios (estimado a partir de su extensión, a razón de unas
# 100 palabras de texto o diez líneas de código por minuto).
#
# **Tiempo.** Este capítulo reutiliza las corridas publicadas del curso y solo entrena una breve
# demostración sobre un subconjunto de 10 000 imágenes (unos pocos minutos en una CPU de 2
# núcleos). Sin las corridas publicadas, entrena sus clasificadores y los autocodificadores desde
# los que parten, con tres semillas cada uno: varias horas en una CPU de 2 núcleos (se reutilizan
# las corridas ya hechas por `make reproduce` o por los capítulos 3–4).

# %% tags=["hide-input"] translation={"source": "45891f1dda165721"}
if "google.colab" in str(get_ipython()):  # en Colab: instala la biblioteca del curso
    # %pip install -q \
#         "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"

# %% [markdown] translation={"source": "193dbf5af57b485a"}
# ## El mismo modelo, tres inicios aleatorios
#
# Este es el clasificador «consigna» ($n = 10$) entrenado tres veces con una configuración
# idéntica; solo cambia la semilla, es decir, los pesos iniciales aleatorios, las máscaras de
# dropout y el orden de los lotes.

# %% translation={"source": "18d4638881a6fe9d"}
import pandas as pd

from fmnist_lib.course import setup
from fmnist_lib.experiments import run_experiment
from fmnist_lib.numerals import numeral

setup()
seeds = {seed: run_experiment("clf-consigna-10", seed=seed) for seed in (0, 1, 2)}
spread = pd.DataFrame(
    {
        f"semilla {s}": {
            "exactitud de validación": r.history.epochs[-1]["val_accuracy"],
            "exactitud de prueba": r.test["accuracy"],
        }
        for s, r in seeds.items()
    }
).T
val_range = (
    spread["exactitud de validación"].max() - spread["exactitud de validación"].min()
)
display(spread.map(lambda x: f"{numeral(x):.2%}"))
print(f"rango de la exactitud de validación entre semillas: {numeral(val_range):.2%}")

# %% [markdown] translation={"source": "7c272f615411237d"}
# Cualquier diferencia entre dos modelos tiene que sopesarse frente a esta dispersión. El informe
# comparó corridas individuales; el curso usa una sola regla en todas partes
# (`fmnist_lib.stats.compare`): la diferencia entre las medias de los dos modelos sobre las
# semillas, con un intervalo de confianza del 95 % (el de Welch, que no supone que las dos
# dispersiones sean iguales); la diferencia es *real* cuando el intervalo excluye el cero.
# (Cuando las semillas de los dos modelos están emparejadas, un intervalo de las diferencias por
# semilla corresponde mejor al diseño; el diseño $2 \times 2$ de más abajo muestra cuándo
# importa.) Por ejemplo, el mismo clasificador con una capa oculta de 128 en lugar de 10:

# %% translation={"source": "38b2890050362982"}
from fmnist_lib.stats import compare

wide = [run_experiment("clf-consigna-128", seed=s).test["accuracy"] for s in (0, 1, 2)]
narrow = [r.test["accuracy"] for r in seeds.values()]
n_effect = compare(wide, narrow)
points = lambda c: (
    f"{numeral(100 * c.estimate):+.2f} puntos "
    f"[{numeral(100 * c.low):+.2f}; {numeral(100 * c.high):+.2f}]"
)
print("exactitud de prueba, n = 128 − n = 10:", points(n_effect))
print(
    f"grados de libertad (Welch): {numeral(n_effect.df):.1f}; "
    f"el intervalo excluye el 0: {'sí' if n_effect.real else 'no'}"
)

# %% [markdown] translation={"source": "4c210b23737beb93"}
# Léelo en tres pasos. El primer número es la estimación: la diferencia entre las dos medias.
# El corchete es el intervalo del 95 %: las diferencias que estas semillas no permiten distinguir de
# la estimación; su ancho depende de la dispersión de las semillas y de cuántas son. Y el veredicto
# es solo si el 0 queda fuera de él. Aquí todo el intervalo queda por encima de 0: la capa oculta
# más ancha clasifica mejor, por una cantidad que está en algún punto entre los dos extremos del
# intervalo; la estimación no se conoce con más precisión que eso. Con tres semillas el intervalo
# es amplio (pocos grados de libertad): una diferencia pequeña necesita más semillas antes de
# contar. Un intervalo que incluye el 0 significa *no demostrada*, nunca "no hay diferencia": ese
# mismo intervalo contiene también diferencias que importarían.
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

print(
    transfer_encoder(
        ConsignaAutoencoder(hidden_size=128), ConsignaClassifier(hidden_size=128)
    )
)
try:
    transfer_encoder(
        ConsignaAutoencoder(hidden_size=128), ConsignaClassifier(hidden_size=10)
    )
except TransferError as error:
    print("\nTransferError:", error)
print("\nallow_partial=True:")
print(
    transfer_encoder(
        ConsignaAutoencoder(hidden_size=128),
        ConsignaClassifier(hidden_size=10),
        allow_partial=True,
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

# %% tags=["nbval-check-output"] translation={"source": "9845cb462fc77b26"}
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
    "oculta": "hidden_size",
    "inicio": lambda e: e.init_from or "al azar",
    "codificador congelado": "freeze_encoder",
    "épocas": "epochs",
    "qué": lambda e: e.note or e.title,
}
settings_table(names, columns)

# %% translation={"source": "f8aa04744b778c17"}
from fmnist_lib.experiments import summary_table

results = {n: run_experiment(n) for n in names}
table = summary_table(results)[
    [
        "oculta",
        "épocas corridas",
        "exactitud de validación",
        "exactitud de prueba",
        "parámetros",
        "entrenables",
    ]
]
table

# %% translation={"source": "a60da7206ec0bac4"}
from fmnist_lib.plots import training_curves

fig = training_curves(
    {
        results[n].experiment.title: results[n].history.epochs
        for n in ("clf-consigna-128", "clf-consigna-fe-128", "clf-consigna-frozen-128")
    },
    ("accuracy",),
    ("accuracy",),
    "n = 128: desde cero, con ajuste fino, codificador congelado",
)

# %% translation={"source": "a2a2b7ac0c209647"}
# el título de un modelo en el idioma del cuaderno
from fmnist_lib.wording import phrase

for n in ("clf-consigna-128", "clf-consigna-fe-128", "clf-consigna-frozen-128"):
    h = results[n].history.epochs
    print(
        f"{phrase(results[n].experiment.title):<28} "
        "exactitud de validación tras la época 1: "
        f"{numeral(h[0]['val_accuracy']):.1%}, "
        f"tras la época {len(h)}: {numeral(h[-1]['val_accuracy']):.1%}"
    )

# %% [markdown] translation={"source": "37e23ea6c71abb74"}
# Donde un inicio preentrenado ayuda, se nota primero en las primeras épocas. Si además *termina*
# más alto es otra cuestión: con suficientes épocas, un inicio aleatorio puede alcanzarlo.
#
# ### Congelado significa congelado: `train()` y `eval()`
#
# Un codificador congelado debe comportarse durante el entrenamiento exactamente como lo hará en
# la prueba. Detener sus gradientes (`requires_grad_(False)`) no basta: `model.train()` pone a
# *cada* submódulo en su comportamiento de entrenamiento, y el codificador «consigna» tiene un
# `Dropout(0.8)` después de `Flatten`, delante de su capa densa. Congelado de esa forma, sigue
# descartando cada una de esas 800 características con probabilidad 0,8 en cada paso de
# entrenamiento, y ninguna en la prueba: la cabeza aprende con códigos que no son los que
# recibirá. (La primera corrida de referencia del propio curso para
# este experimento tenía exactamente este error.) `freeze`, en la biblioteca, detiene los
# gradientes *y* mantiene el módulo en modo de evaluación. La diferencia, sobre el mismo
# codificador preentrenado, entrenando solo la cabeza durante 5 épocas con un subconjunto de
# 10 000 imágenes de entrenamiento:

# %% translation={"source": "40af6e09469e63db"}
import torch

from fmnist_lib.data import Batches, splits_for
from fmnist_lib.models import freeze
from fmnist_lib.settings import demonstration_budget
from fmnist_lib.training import TrainConfig, fit, seed_everything

subset = splits_for(demonstration_budget())
pretrained = run_experiment("ae-consigna-128").model
x, _ = next(iter(Batches(subset.val, 8)))
config = TrainConfig("classification", epochs=5, batch_size=40, lr=5e-4)
heads = {}
for how in ("solo requires_grad_(False)", "freeze()"):
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
    history = fit(model, subset.train, subset.val, config, progress=False)
    heads[how] = {
        "el codificador da dos veces la misma salida en modo de entrenamiento": (
            "sí" if same else "no"
        ),
        "exactitud de validación tras 5 épocas": (
            f"{numeral(history.epochs[-1]['val_accuracy']):.2%}"
        ),
    }
pd.DataFrame(heads).T

# %% [markdown] translation={"source": "a01374ff07d4f487"}
# En ambos casos solo se entrenó la cabeza; la brecha en exactitud (accuracy) se debe únicamente
# al dropout (una semilla por caso: una ilustración del mecanismo, no una medida de su tamaño).
# Cualquier capa que se comporte de forma distinta durante el entrenamiento —dropout,
# normalización por lotes— tiene que estar en el modo correcto, y una congelada, en modo de
# evaluación.
#
# La corrida de referencia de `clf-consigna-frozen-128` de la tabla de arriba se entrenó con
# `freeze()`, y eso tiene una consecuencia que su configuración no muestra. El único dropout del
# clasificador «consigna» es el que está dentro del codificador; su cabeza, `Linear(128, 10)`, no
# tiene ninguno. Congelado en modo de evaluación, ese dropout nunca descarta nada, así que el
# clasificador congelado se entrena **sin ninguna regularización**, aunque su configuración indique
# dropout 0,8, mientras que los clasificadores desde cero y con ajuste fino con los que se lo compara
# se entrenan con dropout 0,8 delante de su capa densa. Las capas de dropout del modelo, después de
# `model.train()`:

# %% translation={"source": "d868fd627e4705ec"}
frozen_model = results["clf-consigna-frozen-128"].model
frozen_model.train()  # what training does before every epoch
for where, layer in frozen_model.named_modules():
    if isinstance(layer, torch.nn.Dropout):
        training = "sí" if layer.training else "no"
        print(f"{where}: {layer}, en modo de entrenamiento: {training}")
frozen_model.eval()
print("la cabeza:", frozen_model.head)

# %% [markdown] translation={"source": "59cf4da6a809bc7b"}
# Así que su menor exactitud mezcla dos diferencias: solo aprende la cabeza, y nada la
# regulariza. Una cabeza lineal de 1290 pesos sobre características fijas tiene poco margen para
# sobreajustarse, así que puede que aquí la falta de dropout importe poco, pero este diseño no
# permite saberlo: una comparación justa agregaría un dropout delante de la cabeza, como una
# segunda variante, con su propio nombre y sus propias semillas.
#
# ## La pregunta abierta del informe: ¿tamaño del código o inicio preentrenado?
#
# «consigna FE» superó a «consigna (10)», pero los dos difieren en dos cosas a la vez: el tamaño
# del código (128 frente a 10) y el inicio (preentrenado frente a aleatorio). El informe propuso
# los experimentos que faltaban: entrenar un autocodificador con $n = 10$ y hacer ajuste fino a
# partir de él, y (agregamos nosotros) entrenar $n = 128$ desde cero. Eso completa un diseño
# $2 \times 2$:

# %% translation={"source": "e08993e5937f6638"}
from fmnist_lib.stats import contrasts_of, design_2x2

DESIGN = [
    ["clf-consigna-10", "clf-consigna-fe-10"],
    ["clf-consigna-128", "clf-consigna-fe-128"],
]
design_runs = [
    [[run_experiment(n, seed=s) for s in (0, 1, 2)] for n in row] for row in DESIGN
]
cells = [[[r.test["accuracy"] for r in runs] for runs in row] for row in design_runs]
print("exactitud de prueba, media sobre tres semillas")
means = pd.DataFrame(
    [[sum(c) / len(c) for c in row] for row in cells],
    index=["n = 10", "n = 128"],
    columns=["inicio al azar", "inicio preentrenado"],
)
display(means.map(lambda x: f"{numeral(x):.2%}"))
design = design_2x2(cells)
EFFECTS = [
    "tamaño del código (128 − 10), promediado sobre el inicio",
    "inicio preentrenado, promediado sobre el tamaño",
    "inicio preentrenado con n = 10",
    "inicio preentrenado con n = 128",
    "interacción (efecto del inicio con 128 − con 10)",
]
welch = contrasts_of(design)  # los cinco contrastes, en el orden de EFFECTS
pd.DataFrame(
    {
        "Welch, 95 % (puntos)": [points(c) for c in welch],
        "excluye el 0": ["sí" if c.real else "no" for c in welch],
    },
    index=EFFECTS,
)

# %% [markdown] translation={"source": "e6eeed744ae0969d"}
# Lee la tabla fila por fila. Cuando el intervalo de la interacción excluye el cero, el efecto
# del inicio difiere entre los dos tamaños y su promedio sobre ambos no describe a ninguno de los
# dos. El intervalo del tamaño del código queda muy por encima de cero: la capa más ancha
# clasifica mejor. Las filas del inicio parecen decir, a primera vista, que un inicio
# preentrenado *bajó* la exactitud con $n = 10$ y no hizo nada con $n = 128$. Pero fíjate dónde
# terminan esos intervalos: el del inicio con $n = 10$, el del inicio en promedio y el de la
# interacción terminan, cada uno, a alrededor de una décima de punto del cero. Dos
# comprobaciones antes de creerlos.
#
# **El diseño empareja sus semillas.** La semilla $k$ del inicio aleatorio y la semilla $k$ del
# inicio preentrenado comparten el orden de sus lotes y los pesos iniciales de su primera
# convolución (los del preentrenado, antes de que su autocodificador los entrenara). El
# intervalo de Welch trata los dos grupos como independientes. El análisis que corresponde al
# diseño trabaja con las diferencias por semilla
# $d_k = \text{preentrenado}_k - \text{aleatorio}_k$: su media $\bar d$, con el intervalo de
# Student calculado a partir de su propia dispersión $s_d$ y con $k - 1$ grados de libertad,
#
# $$\bar d \pm t_{0{,}975;\,k-1}\,\frac{s_d}{\sqrt{k}}.$$
#
# Emparejar ayuda cuando las semillas comparten la suerte (una semilla buena lo es en las dos
# celdas, y la diferencia la cancela); cuando no la comparten, solo hace perder grados de
# libertad: 2 aquí, frente a los 4 a 7 de Welch.

# %% translation={"source": "6081081da26fe8b0"}
from scipy.stats import t as student_t

from fmnist_lib.stats import compare_paired

per_seed = pd.DataFrame(
    {
        "inicio con n = 10": [
            fe - scratch for scratch, fe in zip(*cells[0], strict=True)
        ],
        "inicio con n = 128": [
            fe - scratch for scratch, fe in zip(*cells[1], strict=True)
        ],
    },
    index=["semilla 0", "semilla 1", "semilla 2"],
)
per_seed["interacción"] = per_seed["inicio con n = 128"] - per_seed["inicio con n = 10"]
print(
    "inicio preentrenado − al azar, exactitud de prueba (puntos), semilla por semilla:"
)
display((100 * per_seed).map(lambda x: f"{numeral(x):.2f}"))

d = per_seed["inicio con n = 10"]
k = len(d)
# el std de pandas divide por k − 1
half = student_t.ppf(0.975, k - 1) * d.std() / k**0.5
# preentrenado, al azar; semilla k junto a k
paired = compare_paired(cells[0][1], cells[0][0])
by_hand, library = [d.mean() - half, d.mean() + half], [paired.low, paired.high]
torch.testing.assert_close(
    torch.tensor(by_hand), torch.tensor(library, dtype=torch.float64)
)
print("inicio con n = 10, pareado por semilla:", points(paired))
print("inicio con n = 10, Welch:              ", points(design.column_effect_in_row[0]))

# %% [markdown] translation={"source": "dd922e5287bed3ab"}
# Las tres diferencias con $n = 10$ apuntan todas en la misma dirección, pero se dispersan
# demasiado para ser solo tres: el intervalo emparejado es más ancho que el de Welch e incluye el
# cero.
#
# **Cinco intervalos leídos juntos.** Cada intervalo acierta el 95 % de las veces; si se leen
# cinco a la vez, la probabilidad de que al menos uno excluya el cero por pura suerte es bastante
# mayor que el 5 %. La corrección de Holm mantiene esa probabilidad, para toda la familia, por
# debajo del 5 %. Trabaja con valores p: el *valor p* de un contraste es la probabilidad de un
# estadístico $t$ al menos tan lejos del cero como el observado, si la diferencia verdadera
# fuera cero (un intervalo excluye el cero exactamente cuando su $p < 0{,}05$). Holm ordena los
# $m$ valores p, multiplica el menor por $m$, el siguiente por $m - 1$, y así sucesivamente, sin
# dejar nunca que un valor ajustado quede por debajo del anterior; un contraste es real para la
# familia cuando su valor ajustado es menor que 0,05.

# %% translation={"source": "751a47be1512a843"}
from fmnist_lib.stats import design_2x2_paired, family

# los cinco, pareados, leídos juntos
together = family(contrasts_of(design_2x2_paired(cells)))
p = together.p_values
m = len(p)
adjusted, running = [0.0] * m, 0.0
for rank, i in enumerate(sorted(range(m), key=lambda i: p[i])):  # primero el p menor
    running = max(running, min(1.0, (m - rank) * p[i]))
    adjusted[i] = running
torch.testing.assert_close(torch.tensor(adjusted), torch.tensor(together.adjusted))

val_cells = [
    [[r.history.epochs[-1]["val_accuracy"] for r in runs] for runs in row]
    for row in design_runs
]
validation = contrasts_of(design_2x2_paired(val_cells))
pd.DataFrame(
    {
        "pareado, 95 % (puntos)": [points(c) for c in together.contrasts],
        "p": [f"{numeral(x):.3f}" for x in p],
        "p de Holm": [f"{numeral(x):.3f}" for x in together.adjusted],
        "real (Holm)": ["sí" if real else "no" for real in together.real],
        "validación, pareado": [points(c) for c in validation],
    },
    index=EFFECTS,
)

# %% [markdown] translation={"source": "04cdc396cab9bbab"}
# Leídos uno a uno con los intervalos de Welch, cuatro de los cinco contrastes excluyen el cero.
# Leídos como pide el diseño (emparejados por semilla, los cinco juntos), lo hace uno: el tamaño
# del código. Un inicio preentrenado no muestra ni una pérdida con $n = 10$ ni una interacción;
# el conjunto de validación, los mismos pesos medidos sobre otras 10 000 imágenes, coincide. Así
# que los datos **no demuestran** que un inicio preentrenado perjudique con $n = 10$, y tampoco
# demuestran que sea inocuo: el intervalo emparejado admite una pérdida de unos pocos puntos y
# una ganancia de menos de uno. Este diseño no permite decidirlo. ¿Qué lo permitiría? Más
# semillas, analizadas de forma emparejada: la mitad del ancho se reduce como
# $t_{0{,}975;\,k-1}\, s_d / \sqrt{k}$ para $k$ semillas cuyas diferencias se dispersan en $s_d$,
# así que, con la dispersión que se imprime abajo, un efecto del tamaño estimado necesita
# bastantes semillas más antes de que su intervalo pueda excluir el cero, y más aún una vez
# aplicada la corrección de Holm:

# %% translation={"source": "a6f5abfef71f14a1"}
spread_of_differences = per_seed["inicio con n = 10"].std()
print(
    "dispersión de las diferencias por semilla con n = 10: "
    f"{numeral(100 * spread_of_differences):.2f} puntos"
)
for k in (3, 5, 10, 20):
    half = student_t.ppf(0.975, k - 1) * spread_of_differences / k**0.5
    print(
        f"{k:>2} semillas: un intervalo pareado "
        f"de unos ±{numeral(100 * half):.2f} puntos de ancho"
    )

# %% [markdown] translation={"source": "ba33aecc79dcb646"}
# Cada semilla preentrenada parte del autocodificador entrenado con la misma semilla, así que la
# aleatoriedad propia del preentrenamiento forma parte de la dispersión. Hay un factor de confusión
# heredado del informe: los dos tamaños del código se entrenan durante cantidades distintas de
# épocas (la columna `epochs` de la configuración de arriba: 35 para $n = 10$, 26 para
# $n = 128$), así que el efecto del tamaño del código es también un efecto del número de épocas.
# El modelo más pequeño recibió las épocas extra, lo que hace poco probable que las épocas
# expliquen su menor exactitud, a menos que esas épocas extra lo hayan sobreajustado, algo que este
# diseño no puede descartar. (Esta pregunta es sobre los modelos, no sobre la elección de un
# modelo, así que se le plantea al conjunto de prueba, una sola vez, y el conjunto de validación se
# lee a su lado; el [informe de reproducción](../report.md) calcula la misma tabla.)
#
# ## Ejercicios
#

# %%
from fmnist_lib.exercises import check_answer

# %% [markdown] translation={"source": "840c276421ec30d6"}
# 1. ¿Cuántos de los pesos del clasificador congelado cambia el entrenamiento? Calcúlalo y luego
#    verifícalo abajo.

# %%
answer = ...  # ejercicio 1: el número de pesos que cambia el entrenamiento
check_answer("5.1", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "1ecc500cc1f6759d"}
# <details><summary>Solución 1</summary>
#
# Con el codificador congelado, sus pesos no reciben gradiente; solo aprende la cabeza
# `Linear(128, 10)`.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "c7d21e373441df24"}
# %%solution
from fmnist_lib.models import count_parameters

frozen = ConsignaClassifier(hidden_size=128)
freeze(frozen.encoder)
trained = count_parameters(frozen, trainable_only=True)
print(
    f"se entrenan {numeral(trained):,} de {numeral(count_parameters(frozen)):,} pesos"
)
check_answer("5.1", trained)

# %% [markdown] translation={"source": "1b694e18ae8ae430"}
# 2. **Predice primero.** Congela solo las convoluciones del codificador preentrenado y haz ajuste
#    fino de su capa densa y de la cabeza (`freeze(model.encoder[:6])`: las seis primeras capas,
#    las dos etapas de convolución). Predice dónde cae su exactitud de validación entre
#    "congelado" y "con ajuste fino" después de las 5 épocas de la demostración, y luego
#    ejecútalo.

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "93b118b20d7d3a25"}
# <details><summary>Solución 2</summary>
#
# Con las convoluciones congeladas, la capa densa $800 \to 128$ todavía puede adaptar las
# características a las etiquetas, así que un resultado entre los dos es una predicción natural.
# `freeze` fija cada capa que hay dentro de lo que recibe: el corte `model.encoder[:6]` es un
# `Sequential` nuevo, pero contiene las capas del propio modelo, y esas siguen en modo de
# evaluación cuando `fit` llama a `model.train()` (el corte no contiene ningún dropout; el dropout
# de `encoder[7]`, delante de la capa densa, sigue entrenándose con ella). Las corridas de abajo
# usan la configuración de la demostración (mismo codificador preentrenado, semilla, subconjunto y
# épocas), con una semilla cada una. Compáralas con tu predicción. En la corrida guardada, las tres
# quedan a pocos puntos unas de otras, y congelar las convoluciones no quedó entre las otras dos.
# Con una semilla cada una, ese orden no es evidencia: aquí no se conoce la dispersión entre
# semillas en este subconjunto (la dispersión del comienzo del capítulo corresponde a todos los
# datos), y las diferencias de uno o dos puntos necesitan varias semillas por configuración,
# juzgadas con `compare`.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "890e7efb15de46f2"}
# %%solution
partly = {
    "todo congelado (arriba)": heads["freeze()"][
        "exactitud de validación tras 5 épocas"
    ]
}
for how, frozen_layers in (("convoluciones congeladas", 6), ("nada congelado", 0)):
    seed_everything(0)
    model = ConsignaClassifier(hidden_size=128)
    transfer_encoder(pretrained, model)
    if frozen_layers:  # las seis primeras: Conv, ReLU, MaxPool, Conv, ReLU, MaxPool
        freeze(model.encoder[:frozen_layers])
    history = fit(model, subset.train, subset.val, config, progress=False)
    partly[how] = f"{numeral(history.epochs[-1]['val_accuracy']):.2%}"
pd.Series(partly, name="exactitud de validación tras 5 épocas")

# %% [markdown] translation={"source": "0580fc243c3433ce"}
# 3. Hacer ajuste fino con una tasa de aprendizaje más pequeña para las capas preentrenadas es una
#    práctica común. ¿Por qué? ¿Cómo les das tasas de aprendizaje distintas a dos partes de un
#    modelo en PyTorch?

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
# %%solution
model = ConsignaClassifier(hidden_size=128)
optimizer = torch.optim.Adam(
    [
        {"params": model.encoder.parameters(), "lr": 5e-5},  # pretrained: short steps
        {"params": model.head.parameters(), "lr": 5e-4},  # new: the usual rate
    ]
)
print(", ".join(f"{numeral(group['lr'])}" for group in optimizer.param_groups))

# %% [markdown] translation={"source": "80932f69044c3a5e"}
# 4. **Predice primero.** ¿Ayudaría más un inicio preentrenado con menos imágenes etiquetadas?
#    Haz tu predicción y luego entrena el clasificador con $n = 128$ desde cero y con ajuste fino
#    sobre 1000 imágenes etiquetadas.

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "dcf4fa8ba3bfe10f"}
# <details><summary>Solución 4</summary>
#
# Con pocas etiquetas, un inicio aleatorio tiene poco de qué aprender, y las características
# aprendidas a partir de todas las imágenes (el autocodificador no necesita etiquetas) deberían
# importar más. Cada corrida aplica detención temprana (early stopping): conserva los pesos de su
# mejor época de validación; luego el conjunto de prueba los mide una sola vez. Hay una sola semilla
# por modelo, sobre 1000 imágenes etiquetadas (100 por clase): una ilustración, no un resultado,
# que se imprime junto al efecto del inicio preentrenado con las 50 000 etiquetas, tomado del
# diseño $2 \times 2$ de arriba. Para convertirla en un resultado, entrena varias semillas de cada
# uno y compáralas emparejadas por semilla, como arriba.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "f2318d6b9202145b"}
# %%solution
from fmnist_lib.data import load_splits
from fmnist_lib.evaluation import evaluate
from fmnist_lib.settings import scaled

few = load_splits(train_size=1000, val_subset=subset.val.images.shape[0])
few_config = TrainConfig(
    "classification", epochs=scaled(20), batch_size=32, lr=5e-4, patience=3
)
few_labels = {}
for start in ("random", "pretrained"):
    seed_everything(0)
    model = ConsignaClassifier(hidden_size=128)
    if start == "pretrained":
        transfer_encoder(pretrained, model)
    # ends on the best epoch's weights
    fit(model, few.train, few.val, few_config, progress=False)
    few_labels[start] = evaluate(model, few.test, "classification")["accuracy"]
effect = few_labels["pretrained"] - few_labels["random"]
print(
    f"{numeral(1000):,} etiquetas, exactitud de prueba: "
    f"inicio al azar {numeral(few_labels['random']):.2%}, "
    f"preentrenado {numeral(few_labels['pretrained']):.2%}: "
    f"{numeral(100 * effect):+.2f} puntos (una semilla)"
)
print(
    f"las {numeral(50000):,} etiquetas, n = 128 (tres semillas):",
    points(design.column_effect_in_row[1]),
)

# %% [markdown] translation={"source": "6b4e96b4daf25771"}
# 5. Grafica con `training_curves` la exactitud de validación por época de `clf-consigna-10` y
#    `clf-consigna-fe-10` (ambos están en `results`), como se hizo arriba para $n = 128$: ¿el
#    inicio preentrenado va por detrás desde la primera época, solo al final o en ningún momento?
#    ¿Qué pueden decir las curvas de una sola semilla sobre una diferencia que tres semillas no
#    demostraron?

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "78df0d6f073640a3"}
# <details><summary>Solución 5</summary>
#
# Las curvas son las de la semilla 0, sobre el conjunto de validación; la diferencia de la tabla
# $2 \times 2$ con $n = 10$ es una media sobre tres semillas, y no quedó demostrada. Las curvas de
# una sola semilla no pueden mostrar lo que tres semillas no mostraron: sea cual sea la curva que
# termina más arriba —compara las exactitudes que se imprimen abajo—, una corrida es una
# ilustración, y la diferencia de la semilla 0 es la más cercana a cero en el conjunto de prueba.
# Para saber si un inicio preentrenado se queda atrás con $n = 10$, y cuándo, dibuja las curvas de
# varias semillas y compáralas época por época, emparejadas por semilla; una sonda de los códigos
# de $n = 10$ (capítulo 3) antes y después del ajuste fino pondría a prueba el *porqué*.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "01c80344d0930cab"}
# %%solution
fig = training_curves(
    {results[n].experiment.title: results[n].history.epochs for n in DESIGN[0]},
    ("accuracy",),
    ("accuracy",),
    "n = 10: desde cero y con ajuste fino",
)
for n in DESIGN[0]:
    h = results[n].history.column("val_accuracy")
    middle = len(h) // 2
    epochs = f"épocas 1 / {middle + 1} / {len(h)}"
    accuracies = " / ".join(f"{numeral(h[i]):.2%}" for i in (0, middle, -1))
    print(
        f"{results[n].experiment.title:<22} exactitud "
        f"de validación, {epochs}: {accuracies}"
    )

# %% [markdown] translation={"source": "9134b644d02950db"}
# ## Resumen
#
# - Tres semillas de un mismo modelo difieren (en una fracción de punto): toda comparación se lee
#   frente a esa dispersión, con una sola regla: un intervalo del 95 % para la diferencia que
#   excluya el cero (el de Welch para corridas independientes, emparejado por semilla cuando las
#   semillas están emparejadas). Lee la estimación, el intervalo y luego si excluye el cero; un
#   intervalo que incluye el cero significa *no demostrada*, no «no hay diferencia».
# - Reutilizar un codificador: el ajuste fino entrena todo desde un inicio preentrenado; la
#   extracción de características entrena solo la cabeza, y necesita la parte congelada en modo de
#   evaluación, lo que, en el clasificador «consigna», lo deja sin ningún dropout.
# - Analiza como se corrió el diseño: las semillas que comparten la suerte se comparan semilla por
#   semilla (emparejadas), y varios contrastes leídos juntos se corrigen juntos (Holm). Leídos uno
#   a uno con Welch, cuatro de los cinco contrastes del diseño $2 \times 2$ excluyen el cero;
#   emparejados y leídos juntos, solo lo hace el efecto del tamaño del código. El efecto del inicio
#   preentrenado con $n = 10$ no queda demostrado, ni en el conjunto de prueba ni en el de
#   validación; harían falta más semillas, analizadas de forma emparejada; los presupuestos de
#   épocas siguen siendo un factor de confusión.
#
# **Ponte a prueba:** [un cuestionario sobre las ideas de este capítulo](quizzes/05_quiz.ipynb),
# con una explicación para cada respuesta.

# %% translation={"source": "6b0b4ba7f3f8e619"}
key_numbers = {
    "dispersión entre semillas de consigna (10), exactitud de validación": (
        f"{numeral(val_range):.2%}"
    ),
    "n = 128 − n = 10, exactitud de prueba": points(n_effect),
    "freeze(): el codificador da dos veces la misma salida en modo de entrenamiento": (
        heads["freeze()"][
            "el codificador da dos veces la misma salida en modo de entrenamiento"
        ]
    ),
    "2 x 2, tamaño del código (128 − 10), prueba, pareado": points(
        together.contrasts[0]
    ),
    "2 x 2, tamaño del código, p ajustado por Holm": (
        f"{numeral(together.adjusted[0]):.3f}"
    ),
    "2 x 2, inicio preentrenado con n = 10, prueba, Welch": points(welch[2]),
    "2 x 2, inicio preentrenado con n = 10, prueba, pareado": points(paired),
    "2 x 2, inicio preentrenado con n = 10, validación, pareado": points(validation[2]),
    "2 x 2, contrastes reales según Holm": f"{sum(together.real)} de {together.count}",
}
for what, value in key_numbers.items():
    print(f"{what}: {value}")
