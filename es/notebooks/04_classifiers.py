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

# %% [markdown] translation={"source": "5209fc36016a68b2"}
# # 4. Clasificadores construidos a partir de codificadores
#
# [![Abrir en Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/fmnist-course/fmnist-course/blob/v0.1.0/es/notebooks/04_classifiers.ipynb)
#
# Un codificador capaz de comprimir la imagen de una prenda en unos pocos números ha aprendido algo
# sobre la ropa. Si le pones encima una capa lineal y entrenas la red completa para predecir la
# etiqueta, obtienes el clasificador del informe. Este capítulo escribe el clasificador «Raschka»
# como un módulo de PyTorch, construye a mano la pérdida de entropía cruzada, explica por qué los
# clasificadores producen *logits* crudos en lugar de probabilidades, los entrena con la
# configuración de la Tabla II del informe y lee su matriz de confusión. Por el camino escribe
# explícitamente la regla del curso para decidir "¿la diferencia es real?", el intervalo de Welch,
# y mide qué pueden detectar tres semillas y qué no.
#
# **Objetivos.** Después de este capítulo podrás:
#
# - escribir un clasificador como un `nn.Module` (un codificador y una cabeza lineal), comprobarlo
#   frente al de la biblioteca y calcular su número de pesos capa por capa;
# - calcular a mano la softmax, la log-softmax y la entropía cruzada, explicar por qué la cabeza
#   produce logits crudos y qué le hace una capa de salida softmax a la pérdida y a su gradiente;
# - calcular el intervalo de confianza del 95 % de Welch para una diferencia de medias, leerlo (qué
#   significa "95 %", qué dice y qué no dice un intervalo que contiene el cero) y estimar por
#   simulación con qué frecuencia tres semillas por lado detectan una diferencia de un tamaño dado
#   (la *potencia*);
# - entrenar los clasificadores del informe y leer sus curvas de entrenamiento y validación,
#   sabiendo por qué el dropout puede dejar la exactitud (accuracy) de validación por encima de la
#   exactitud de entrenamiento;
# - leer una matriz de confusión: la exactitud por clase (exhaustividad o *recall*) y las
#   confusiones más frecuentes.
#
# **Tiempo de estudio.** Unos 105 minutos: unos 55 para leer el capítulo y ejecutar sus celdas, y
# unos diez para cada uno de sus 5 ejercicios (estimado a partir de su extensión, a razón de unas
# 100 palabras de texto o diez líneas de código por minuto).
#
# **Tiempo.** Con las corridas de referencia publicadas disponibles (un clon del repositorio): unos
# minutos, la mayor parte para entrenar las pequeñas corridas de demostración (10 000 imágenes de
# entrenamiento, cinco épocas). Sin ellas, el capítulo entrena sus clasificadores, tres semillas
# cada uno, y el autocodificador (autoencoder) «consigna» del que parten: unas horas en una CPU de
# 2 núcleos, mucho menos en una GPU (las corridas ya hechas se reutilizan).

# %% tags=["hide-input"] translation={"source": "45891f1dda165721"}
if "google.colab" in str(get_ipython()):  # en Colab: instala la biblioteca del curso
    # %pip install -q \
#         "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"

# %%
import torch
from torch import nn

from fmnist_lib.course import setup

setup()

# %% [markdown] translation={"source": "505982728a13557d"}
# ## De un codificador a un clasificador
#
# El clasificador es el codificador del autocodificador seguido de una cabeza `Linear(n, 10)`: una
# salida por clase. Por el camino, el informe cambió las capas de dropout:
#
# - «consigna»: se eliminan los dos dropouts que siguen a las convoluciones; el tercero pasa a estar
#   justo después de `Flatten`, delante de la capa densa;
# - «Raschka»: ningún dropout entre convoluciones, un dropout después de `Flatten`.
#
# Ambos usan un $p = 0{,}8$ elevado: durante el entrenamiento, cada una de las 800 (o 3136)
# características aplanadas se pone en cero con probabilidad 0,8 en cada iteración (alrededor del
# 80 % de ellas, con un sorteo nuevo cada vez), de modo que la capa densa no puede depender de
# ninguna de ellas en particular.
#
# Aquí está el clasificador Raschka escrito completo. `__init__` crea las capas (en los comentarios,
# la forma de la salida de cada una para una entrada de forma $(1, 28, 28)$) y `forward` dice cómo
# las atraviesa una imagen: el codificador la convierte en un código de `hidden_size` números y la
# cabeza convierte el código en diez logits. Modifícalo (un ancho, una capa, el dropout) y ejecuta
# la comprobación que sigue: te dirá si tu módulo sigue siendo el de la biblioteca.

# %% translation={"source": "13c2265e099d3e07"}
class RaschkaClassifier(nn.Module):
    """Cuatro convoluciones de 3×3 (LeakyReLU), un dropout sobre las características
    aplanadas, la capa del código Linear(3136, hidden_size) y la cabeza
    Linear(hidden_size, 10), que da los logits."""

    def __init__(self, hidden_size=10, dropout=0.8):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 32, kernel_size=3, stride=1, padding=1),  # (32, 28, 28)
            nn.LeakyReLU(0.01),
            nn.Conv2d(32, 64, kernel_size=3, stride=2, padding=1),  # (64, 14, 14)
            nn.LeakyReLU(0.01),
            nn.Conv2d(64, 64, kernel_size=3, stride=2, padding=1),  # (64, 7, 7)
            nn.LeakyReLU(0.01),
            nn.Conv2d(64, 64, kernel_size=3, stride=1, padding=1),  # (64, 7, 7)
            nn.Flatten(),  # 64 * 7 * 7 = 3136 features
            nn.Dropout(dropout),
            nn.Linear(64 * 7 * 7, hidden_size),  # the code: hidden_size numbers
        )
        self.head = nn.Linear(hidden_size, 10)  # one logit per class

    def forward(self, x):
        return self.head(self.encoder(x))


# %% [markdown] translation={"source": "11410823bb3c1cec"}
# El curso entrena el `fmnist_lib.models.RaschkaClassifier` de la biblioteca. ¿Es el nuestro la
# misma red? Dos comprobaciones: los mismos parámetros (nombres y formas), para que los pesos de la
# biblioteca se carguen en el nuestro; y, con esos pesos, los mismos logits para las mismas
# imágenes (en modo de evaluación, donde el dropout no hace nada).

# %% tags=["nbval-check-output"] translation={"source": "25c04f65c2b9015f"}
from fmnist_lib import models

chapter_net = RaschkaClassifier(hidden_size=10, dropout=0.8)
library_net = models.RaschkaClassifier(hidden_size=10, dropout=0.8)
print(chapter_net)
shapes = {name: tuple(p.shape) for name, p in chapter_net.state_dict().items()}
library_shapes = {name: tuple(p.shape) for name, p in library_net.state_dict().items()}
print(
    "mismos nombres y formas de parámetros:", "sí" if shapes == library_shapes else "no"
)
# the library's weights, in our module
chapter_net.load_state_dict(library_net.state_dict())
images = torch.rand(8, 1, 28, 28)
torch.testing.assert_close(chapter_net.eval()(images), library_net.eval()(images))
print("mismos logits con los mismos pesos: sí")

# %% [markdown] translation={"source": "0d590cc0d430bdb8"}
# El clasificador «consigna», tomado de la biblioteca, junto al codificador del autocodificador
# del que proviene (capítulo 3): las mismas capas, con los dropouts cambiados de lugar.

# %% tags=["nbval-check-output"] translation={"source": "cb58c110cb16504d"}
from fmnist_lib.models import ConsignaAutoencoder, ConsignaClassifier

print(
    "codificador del autocodificador consigna:",
    ConsignaAutoencoder(hidden_size=10, dropout=0.1).encoder,
    sep="\n",
)
print(
    "clasificador consigna:", ConsignaClassifier(hidden_size=10, dropout=0.8), sep="\n"
)

# %% [markdown] translation={"source": "af584b9cb477db0d"}
# ## Logits, softmax y entropía cruzada
#
# La cabeza produce diez números reales $z_0, \dots, z_9$, los **logits**. La predicción es la clase
# con el mayor de ellos, $\hat y = \arg\max_k z_k$. La **softmax** convierte los logits en
# probabilidades,
#
# $$ p_k = \operatorname{softmax}(z)_k = \frac{e^{z_k}}{\sum_{j} e^{z_j}}, $$
#
# positivas y que suman 1, sin cambiar cuál es la mayor. Su logaritmo, la **log-softmax**, es una
# resta:
#
# $$ \log p_k = z_k - \log \sum_j e^{z_j}. $$
#
# El entrenamiento minimiza la **entropía cruzada**, menos el logaritmo de la probabilidad asignada
# a la clase verdadera $y$ (la *log-verosimilitud negativa*), promediada sobre las imágenes de un
# lote:
#
# $$ \mathcal{L}(z, y) = -\log p_y = -z_y + \log \sum_j e^{z_j},
# \qquad \frac{\partial \mathcal{L}}{\partial z_k} = p_k - [k = y]. $$
#
# Vale 0 cuando el modelo da probabilidad 1 a la clase verdadera, y crece sin límite cuando esa
# probabilidad tiende a 0. El término $\log \sum_j e^{z_j}$ (el *log-sum-exp*) se desborda si se
# calcula tal como está escrito: $e^{1000}$ es infinito en punto flotante. Restar primero el mayor
# logit $m$ no cambia nada matemáticamente, $\log \sum_j e^{z_j} = m + \log \sum_j e^{z_j - m}$, y
# mantiene cada exponencial en 1 como máximo. Aquí están la log-softmax y la entropía cruzada
# construidas así para cuatro imágenes, comprobadas frente a `torch.log_softmax` y
# `nn.CrossEntropyLoss` de PyTorch:

# %% tags=["nbval-check-output"] translation={"source": "e88db002cc466ad7"}
from fmnist_lib.numerals import numeral

logits = torch.tensor(
    [
        [2.0, -1.0, 0.5, 0.0, 1.0, -2.0, 0.3, 0.0, -0.5, 1.5],
        [0.1, 0.2, 3.0, -1.0, 0.0, 0.0, 2.5, -0.3, 0.4, 0.0],
        [-1.0, 0.0, 0.0, 4.0, 0.5, 0.0, 1.0, 0.0, 0.0, -2.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ]
)  # four images, ten classes
labels = torch.tensor([0, 6, 3, 9])  # their true classes
largest = logits.max(dim=1, keepdim=True).values
log_sum_exp = largest + (logits - largest).exp().sum(dim=1, keepdim=True).log()
log_softmax = logits - log_sum_exp  # log p_k, every image and class
# minus log p_y, averaged
by_hand = -log_softmax[torch.arange(len(labels)), labels].mean()
library_loss = nn.CrossEntropyLoss()(logits, labels)
torch.testing.assert_close(log_softmax, torch.log_softmax(logits, dim=1))
torch.testing.assert_close(by_hand, library_loss)
print(
    f"entropía cruzada a mano {numeral(by_hand.item()):.4f}, "
    f"nn.CrossEntropyLoss {numeral(library_loss.item()):.4f}"
)
each_loss = (-log_softmax[range(4), labels]).tolist()
print("la pérdida de cada imagen:", ", ".join(f"{numeral(x):.3f}" for x in each_loss))
huge = torch.tensor([1000.0, 0.0])
as_written = huge.exp().sum().log().item()  # e^1000 overflows to inf
print(
    f"log-sum-exp de {huge.int().tolist()}: tal como está escrita {as_written}, "
    f"restando antes el máximo {numeral(huge.logsumexp(0).item()):g}"
)

# %% [markdown] translation={"source": "c48387e8f5f3cbb9"}
# Así, `nn.CrossEntropyLoss` recibe los **logits** y calcula la log-softmax por sí misma (de esa
# forma numéricamente estable); es `nn.NLLLoss` aplicada a `torch.log_softmax(z)`. La cuarta imagen
# tiene diez logits iguales: probabilidad $1/10$ para cada clase, una pérdida de
# $\ln 10 \approx 2{,}30$. La **exactitud** es la fracción de imágenes cuyo $\hat y$ es correcto.
#
# El informe también probó una *capa de salida* softmax y la encontró peor. Como no muestra código,
# la causa solo puede inferirse; la más probable es una **doble softmax**. Con una `Softmax` como
# última capa, el modelo produce $p = \operatorname{softmax}(z)$, y la pérdida, que espera logits,
# les aplica su propia softmax: calcula
# $-\log \operatorname{softmax}(\operatorname{softmax}(z))_y$. La segunda softmax ve diez números
# en $[0, 1]$, así que sus probabilidades nunca pueden alejarse mucho de $1/10$: la pérdida queda
# atrapada entre $\ln(1 + 9/e) \approx 1{,}46$ (una respuesta perfecta) y $\ln(9 + e) \approx 2{,}46$
# (una respuesta equivocada dada con mucha confianza), y el gradiente se comprime al pasar por dos
# softmax:

# %% tags=["nbval-check-output"] translation={"source": "1181a7d73a8f17b7"}
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
        f"logit {numeral(confidence):>4}: pérdida sobre los logits "
        f"{numeral(logits_loss.item()):6.3f} (|grad| {numeral(g_logits.norm()):.3f})   "
        f"pérdida sobre la softmax {numeral(softmax_loss.item()):6.3f} "
        f"(|grad| {numeral(g_softmax.norm()):.4f})"
    )

# %% [markdown] translation={"source": "134b703bb7c67f86"}
# Cuanto más confiadamente se equivoca el modelo, *mayor* es el gradiente que lo corrige con
# logits, y *menor* con una salida softmax, que se satura. Si eso empeora el entrenamiento es una
# pregunta para los datos: tres semillas del clasificador «consigna» con cada salida, como corridas
# de demostración (un subconjunto de 10 000 imágenes, cinco épocas) para que sea breve. Las curvas
# son las de la semilla 0.

# %% translation={"source": "1445493d9a95b562"}
from fmnist_lib.experiments import run_experiment, summary_table
from fmnist_lib.plots import training_curves
from fmnist_lib.settings import demonstration_budget

demonstration = demonstration_budget()  # 10,000 training images, five epochs
SEEDS = (0, 1, 2)
softmax_output = {"softmax_output": True}
softmax_runs = {
    "logits (CrossEntropyLoss)": [
        run_experiment("clf-consigna-10", demonstration, seed=s) for s in SEEDS
    ],
    "capa de salida softmax": [
        run_experiment(
            "clf-consigna-10", demonstration, seed=s, overrides=softmax_output
        )
        for s in SEEDS
    ],
}
fig = training_curves(
    {k: runs[0].history.epochs for k, runs in softmax_runs.items()},
    ("loss", "accuracy"),
    ("entropía cruzada", "exactitud"),
    "consigna (10), semilla 0: logits vs salida softmax",
)
softmax_accuracy = {
    k: [r.history.epochs[-1]["val_accuracy"] for r in runs]
    for k, runs in softmax_runs.items()
}
for k, accuracies in softmax_accuracy.items():
    in_points = ", ".join(f"{numeral(100 * a):.1f}" for a in accuracies)
    print(f"{k:<28} exactitud de validación: {in_points}")

# %% [markdown] translation={"source": "ece358e60ad6b790"}
# ## ¿La diferencia es real? El intervalo de Welch
#
# Las corridas con logits terminan más arriba en promedio, pero las tres corridas con softmax se
# dispersan mucho. ¿Darían tres semillas nuevas de cada una el mismo orden? El curso responde a
# todas estas preguntas con una sola regla: calcular un **intervalo de confianza del 95 %** para la
# diferencia entre las dos medias, y dar la diferencia por demostrada solo cuando el intervalo
# excluye el cero. El intervalo es el de **Welch**, que no supone que los dos lados se dispersen
# igual. Con $n_a$ y $n_b$ corridas, medias $\bar a$ y $\bar b$ y varianzas muestrales $s_a^2$ y
# $s_b^2$ (con $n - 1$ en el denominador):
#
# $$ d = \bar a - \bar b, \qquad
# \mathrm{SE} = \sqrt{\frac{s_a^2}{n_a} + \frac{s_b^2}{n_b}}, \qquad
# \nu = \frac{\left( s_a^2/n_a + s_b^2/n_b \right)^2}
# {\dfrac{(s_a^2/n_a)^2}{n_a - 1} + \dfrac{(s_b^2/n_b)^2}{n_b - 1}}, $$
#
# $$ d \pm t_{0{,}975;\,\nu} \, \mathrm{SE}. $$
#
# $d$ es la diferencia observada, $\mathrm{SE}$ su error estándar (cuánto variaría $d$ de un
# conjunto de semillas a otro), $\nu$ los grados de libertad de Welch–Satterthwaite y
# $t_{0{,}975;\nu}$ el cuantil de la distribución $t$ de Student que deja un 2,5 % en cada cola. El
# cuantil $t$, y no el 1,96 de la normal, paga por estimar la dispersión a partir de pocas corridas:
# cuantos menos grados de libertad, mayor es. Diez líneas, en puntos de exactitud, comprobadas
# frente a `fmnist_lib.stats.compare` del curso:

# %% translation={"source": "a4d16db1a6c0e3c1"}
import numpy as np
from scipy.stats import t as student_t

from fmnist_lib.stats import compare

a = 100 * np.array(softmax_accuracy["logits (CrossEntropyLoss)"])  # in accuracy points
b = 100 * np.array(softmax_accuracy["capa de salida softmax"])
difference = a.mean() - b.mean()
# each mean's squared SE
part_a, part_b = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
standard_error = np.sqrt(part_a + part_b)
df = (part_a + part_b) ** 2 / (part_a**2 / (len(a) - 1) + part_b**2 / (len(b) - 1))
t_quantile = student_t.ppf(0.975, df)
low, high = (
    difference - t_quantile * standard_error,
    difference + t_quantile * standard_error,
)
print(
    f"dispersiones (desviaciones estándar): {numeral(a.std(ddof=1)):.2f} y "
    f"{numeral(b.std(ddof=1)):.2f} puntos"
)
print(
    f"diferencia {numeral(difference):+.2f} puntos, "
    f"error estándar {numeral(standard_error):.2f}, gl {numeral(df):.2f}"
)
print(
    f"cuantil t {numeral(t_quantile):.2f}: "
    f"intervalo del 95 % [{numeral(low):+.2f}; {numeral(high):+.2f}]"
)

softmax_effect = compare(list(a), list(b))  # the course's rule
ours_by_hand = (difference, low, high, df)
torch.testing.assert_close(
    (
        softmax_effect.estimate,
        softmax_effect.low,
        softmax_effect.high,
        softmax_effect.df,
    ),
    ours_by_hand,
)
print("fmnist_lib.stats.compare da el mismo intervalo")

# %% [markdown] translation={"source": "f8bc86f77d9c7b93"}
# **Cómo leer un intervalo.**
#
# - *Dónde está.* Entero por encima de cero: los datos muestran que la media del primer lado es más
#   alta. Entero por debajo: más baja. Si contiene el cero: los datos no muestran una diferencia en
#   ninguna dirección. Eso *no* es evidencia de que no la haya: "no demostrado" no es "igual".
# - *Su ancho.* Todo valor de su interior es compatible con los datos. Un intervalo estrecho
#   alrededor de un número pequeño dice "la diferencia, si la hay, es pequeña"; uno ancho dice "no
#   podemos saberlo".
# - *Qué significa "95 %".* Es una propiedad del procedimiento, no de este intervalo en particular:
#   si el experimento completo (tres semillas nuevas por lado) se repitiera muchas veces, el 95 % de
#   los intervalos calculados así contendría la diferencia verdadera, la diferencia entre las dos
#   medias sobre todas las semillas posibles. Supone que el resultado de cada corrida es una
#   extracción de una distribución cercana a una normal y que las semillas son independientes.
#
# Aquí, con el tamaño de demostración, las corridas con logits están unos 13 puntos más arriba en
# promedio, pero el intervalo va desde una pérdida de 8 puntos hasta una ganancia de 35: contiene
# el cero, y el hallazgo del informe, "una salida softmax es peor", *no queda demostrado* con estas
# corridas. La razón es la dispersión del lado softmax: una de sus semillas terminó cerca del 52 % y
# las otras dos cerca del 67 %. Su varianza domina el error estándar, así que los grados de libertad
# caen hasta cerca de $n_b - 1 = 2$, y con 2 grados de libertad $t_{0.975,2} \approx 4{,}30$: el
# intervalo es más del doble de ancho que el $\pm 1{,}96\,\mathrm{SE}$ de la normal. Tres semillas
# bastan para ver una diferencia solo cuando las corridas coinciden entre sí.
#
# ## Qué pueden detectar tres semillas: la potencia
#
# ¿Con qué frecuencia detectaría la regla una diferencia real? Esa proporción es la **potencia** de
# la regla, y puede medirse por simulación: supón que la diferencia verdadera es $\delta$, extrae
# tres "exactitudes" por lado de distribuciones normales con las dispersiones medidas arriba,
# calcula el intervalo de Welch y cuenta con qué frecuencia excluye el cero, sobre 4000
# experimentos simulados (`fmnist_lib.stats.power_by_simulation`, veinte líneas). Con
# $\delta = 0$, el conteo es la tasa de falsas alarmas, que debería estar cerca del 5 %.

# %% translation={"source": "c2c0656255bfeded"}
import pandas as pd

from fmnist_lib.stats import power_by_simulation

spread_logits, spread_softmax = a.std(ddof=1), b.std(ddof=1)
true_differences = [0, 0.5, 1, 2, 4, 8, 16]
scenarios = {  # (side a's spread, side b's spread, seeds a side)
    "3 semillas, ambas dispersas como los logits": (spread_logits, spread_logits, 3),
    "3 semillas, dispersiones medidas": (spread_logits, spread_softmax, 3),
    "10 semillas, dispersiones medidas": (spread_logits, spread_softmax, 10),
}
power = pd.DataFrame(
    {
        name: [
            power_by_simulation(d, sd_a, sd_b, n_a=n, n_b=n) for d in true_differences
        ]
        for name, (sd_a, sd_b, n) in scenarios.items()
    },
    index=pd.Index(true_differences, name="diferencia verdadera (puntos)"),
)
print(
    f"dispersiones: logits {numeral(spread_logits):.2f} puntos, "
    f"salida softmax {numeral(spread_softmax):.2f} puntos"
)
print("con qué frecuencia el intervalo excluye el cero:")
power.map(lambda share: f"{numeral(share):.0%}")

# %% [markdown] translation={"source": "54c3295dda2b42cf"}
# Lee la tabla columna por columna (con el presupuesto `full`; tus números se mueven con las
# dispersiones). Donde ambos lados se dispersan como las corridas con logits (alrededor de medio
# punto), tres semillas detectan una diferencia verdadera de 2 puntos casi siempre, una de 1 punto
# alrededor de un tercio de las veces, y una de medio punto rara vez. Con la dispersión medida del
# lado softmax (unos 8,5 puntos), una diferencia verdadera de 8 puntos se detecta menos de una vez de cada cinco, y una de 16 puntos
# menos de la mitad de las veces: con estas dispersiones, tres semillas no pueden decidir. Incluso
# diez semillas por lado dejan sin detectar la mayoría de las veces una diferencia de 4 puntos. La
# primera fila es la tasa de falsas alarmas: cerca del 5 %, un poco por encima cuando las dos
# dispersiones difieren tanto (el intervalo de Welch es una aproximación, en su versión más tosca
# con 2 grados de libertad).
#
# Así que "no demostrado" no es aquí lo contrario del hallazgo del informe: es un diseño que
# difícilmente podría haberlo demostrado. Dos advertencias mantienen modesta incluso esta lectura.
# La simulación usa las dispersiones de tres corridas por lado como si fueran las verdaderas, y una
# dispersión medida con tres corridas es a su vez muy incierta. Y una semilla cerca del 52 % sugiere
# que una salida softmax a veces entrena mal, más que que todas sus corridas sean igual de
# ruidosas: la distribución puede estar lejos de ser normal. El remedio son más semillas, y una
# pregunta hecha antes de correrlas (¿qué diferencia importaría?). El resto del curso usa la misma
# regla, y cada comparación muestra su diferencia y su intervalo: léelos de esta manera.

# %% [markdown] translation={"source": "c227a2292aa7db48"}
# ## Tabla II: la configuración

# %% tags=["nbval-check-output"] translation={"source": "0f40d10c34f96dda"}
from fmnist_lib import paper
from fmnist_lib.experiments.registry import SETTINGS_COLUMNS, settings_table

start = {"inicializado desde": lambda e: e.init_from or "al azar"}
settings_table(paper.TABLE_II, {**SETTINGS_COLUMNS, **start})

# %% [markdown] translation={"source": "6f2313c48eb210d6"}
# «consigna FE» tiene $n = 128$ y parte del codificador del autocodificador «consigna» ya entrenado
# (el capítulo 5 trata sobre esa elección).
#
# ## Entrenamiento
#
# Tres semillas de cada clasificador, con su exactitud de prueba como media ± desviación estándar:

# %%
from fmnist_lib.experiments import results_table

results_table(paper.TABLE_II)

# %% [markdown] translation={"source": "d489d1da77b606cd"}
# The rest of the chapter looks inside seed 0's run of each. Its details:

# %%
results = {name: run_experiment(name) for name in paper.TABLE_II}
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

# %% [markdown] translation={"source": "3fb032378ff38e90"}
# La exactitud de validación puede quedar *por encima* de la de entrenamiento: la exactitud de
# entrenamiento se mide con el dropout activo ($p = 0{,}8$ elimina la mayoría de las
# características) y la de validación, sin él. Por eso la brecha entre las curvas no es, por sí
# sola, una medida del sobreajuste; su *tendencia* a lo largo de las épocas sí lo es.
#
# ## La matriz de confusión
#
# La fila $i$, columna $j$ cuenta las imágenes de prueba de la clase $i$ predichas como clase $j$;
# la diagonal contiene las correctas. Arriba está la matriz del informe para su clasificador
# Raschka; debajo, la nuestra. Al dividir la diagonal por el total de cada fila
# se obtiene la *exactitud por clase* que se imprime abajo, que es la **exhaustividad** (recall) de
# la clase: de las imágenes que son camisas, la proporción que se predice como camisas.

# %% translation={"source": "5cd164d3195b101e"}
from fmnist_lib.plots import confusion_matrices

ours = results[paper.CONFUSION_EXPERIMENT]
fig = confusion_matrices(
    {
        "informe (Raschka)": paper.CONFUSION_MATRIX,
        "nuestra (Raschka)": ours.test["confusion_matrix"],
    }
)

# %% translation={"source": "06d1943db5596620"}
from fmnist_lib.data import CLASS_NAMES

per_class = pd.DataFrame(
    {"informe": paper.per_class_accuracy(), "nuestra": ours.test["per_class_accuracy"]},
    index=CLASS_NAMES,
)
display(per_class.map(lambda share: f"{numeral(share):.1%}"))
for who, recall in per_class.items():
    best_three = ", ".join(recall.nlargest(3).index)
    print(f"{who:>6}: peor clase {recall.idxmin()}; las tres mejores {best_three}")

# %% translation={"source": "5d9cb11172b1b382"}
matrix = torch.tensor(ours.test["confusion_matrix"])
off_diagonal = matrix - torch.diag(matrix.diag())
top = torch.topk(off_diagonal.flatten(), 5)
print("confusiones más frecuentes (verdadera -> predicha):")
for count, flat in zip(top.values.tolist(), top.indices.tolist(), strict=True):
    print(f"  {CLASS_NAMES[flat // 10]:>12} -> {CLASS_NAMES[flat % 10]:<12} {count}")

# %% [markdown] translation={"source": "33872f532440d282"}
# En la matriz del informe y en la nuestra (una sola red entrenada, la semilla 0: una ilustración,
# no una medición sobre semillas), las camisas son la clase difícil: una camisa comparte su silueta
# con las camisetas, los suéteres y los abrigos, y a $28 \times 28$ el cuello y los botones que las
# distinguen ocupan unos pocos píxeles. Las clases mejor reconocidas son los pantalones, las
# sandalias y los bolsos, en ambas matrices: formas que ninguna otra prenda tiene.
#
# Detrás de cada conteo hay imágenes. Recorre los errores más frecuentes de nuestro clasificador,
# empezando por el más numeroso, y mira qué confundió (cada vista se calcula aquí una sola vez, así
# que esto también funciona en las páginas estáticas del libro):

# %%
from fmnist_lib.data import splits_for
from fmnist_lib.widgets import confusion_browser

confusion_browser(ours.model, splits_for().test)

# %% [markdown] translation={"source": "898e198dcc33c0cb"}
# Busca dos tipos: errores que también cometería una persona e imágenes cuya propia etiqueta es
# discutible. Un clasificador no puede hacerlo mejor que las etiquetas con las que se lo evalúa.
#
# ## ¿Superan los clasificadores convolucionales a uno denso?
#
# El informe concluye que sus redes convolucionales superan a la red prealimentada (feed-forward)
# en ambas tareas, pero no entrenó ningún *clasificador* prealimentado. `clf-feedforward-512` es
# uno: el codificador del autocodificador prealimentado (784 → 512, ReLU, dropout 0,1) y una cabeza
# lineal, entrenado como los demás. Tres semillas de cada modelo y la regla escrita arriba: el
# intervalo del 95 % de Welch para la diferencia entre las exactitudes medias de prueba, en puntos.

# %% translation={"source": "00312f6bf878cfa3"}
names = ("clf-feedforward-512", "clf-consigna-10", "clf-raschka-10")
accuracy = {
    n: [100 * run_experiment(n, seed=s).test["accuracy"] for s in SEEDS] for n in names
}
for n in names:
    print(
        f"{n:<20} exactitud de prueba",
        ", ".join(f"{numeral(x):.2f}" for x in accuracy[n]),
    )
dense_comparisons = {
    n: compare(accuracy[n], accuracy["clf-feedforward-512"]) for n in names[1:]
}
for n, c in dense_comparisons.items():
    print(
        f"{n} − prealimentado: {numeral(c.estimate):+.2f} puntos, intervalo del 95 % "
        f"[{numeral(c.low):+.2f}; {numeral(c.high):+.2f}] (gl {numeral(c.df):.1f})"
    )

# %% [markdown] translation={"source": "89d354c5fe909eea"}
# Lee los dos intervalos como arriba. Aquí las semillas coinciden mucho (sus exactitudes de prueba
# se dispersan unas décimas de punto), así que los intervalos son estrechos y, a diferencia de la
# comparación con softmax, tres semillas bastan. El intervalo del clasificador Raschka está entero
# por encima de cero: supera a la red densa, por entre unos 2 y 3 puntos. El del clasificador
# «consigna» está entero por debajo de cero: la red densa lo supera *a él*, por alrededor de un punto.
# Así que la respuesta depende del modelo convolucional, no de las "convoluciones" en general. Los
# modelos difieren en el tamaño del código, en dónde se ubica su dropout y en cuánto tiempo
# entrenan, además de en sus capas; esta comparación no puede decir cuál de esas diferencias
# importa. Y dos comparaciones leídas juntas aumentan la probabilidad de que una de ellas sea una
# falsa alarma (alrededor del 5 % cada una): aquí ambos intervalos terminan bien lejos del cero,
# pero la lectura de muchos contrastes necesita una corrección por su número. El
# [informe de reproducción](../report.md) agrega a esta comparación el «consigna» FE con ajuste
# fino (fine-tuning).
#
# ## Ejercicios
#

# %%
from fmnist_lib.exercises import check_answer

# %% [markdown] translation={"source": "76cd99056510291a"}
# 1. **Cuenta los pesos.** Cuenta los parámetros del clasificador Raschka con $n = 10$ capa por
#    capa, a partir de su listado al comienzo del capítulo: una convolución tiene
#    $C_\text{out}(C_\text{in} K^2 + 1)$, y una capa lineal, $n_\text{out}(n_\text{in} + 1)$.
#    ¿De dónde sale el 3136 y qué capas concentran la mayor parte de los pesos?

# %% translation={"source": "3dc42330cc5013ae"}
answer = ...  # ejercicio 1: los parámetros de RaschkaClassifier(hidden_size=10)
check_answer("4.1", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "c94f4d8337154a37"}
# <details><summary>Solución 1</summary>
#
# La primera convolución conserva el tamaño $28 \times 28$ (relleno —padding— de 1), las dos
# siguientes lo reducen a la mitad (paso —stride— de 2): $28 \to 14 \to 7$, y la última lo
# conserva. Por lo tanto, `Flatten` ve 64 mapas de $7 \times 7$, $64 \cdot 49 = 3136$
# características. Capa por capa:
#
# - `Conv2d(1, 32)`: $32 \cdot (1 \cdot 9 + 1) = 320$;
# - `Conv2d(32, 64)`: $64 \cdot (32 \cdot 9 + 1) = 18\,496$;
# - `Conv2d(64, 64)`, dos veces: $64 \cdot (64 \cdot 9 + 1) = 36\,928$ cada una;
# - `Linear(3136, 10)`: $10 \cdot (3136 + 1) = 31\,370$;
# - la cabeza `Linear(10, 10)`: $10 \cdot (10 + 1) = 110$.
#
# En total, 124 152: las cuatro convoluciones concentran cerca de tres cuartas partes, y las dos
# `Conv2d(64, 64)` por sí solas, más de la mitad. Las activaciones, el dropout y `Flatten` no
# tienen pesos. La celda enumera las capas con `count_parameters`.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
from torch import nn

from fmnist_lib.models import count_parameters

raschka = RaschkaClassifier(hidden_size=10)
for name, layer in raschka.named_modules():
    if isinstance(layer, nn.Conv2d | nn.Linear):
        print(f"{name:<10} {layer!s:<64} {numeral(count_parameters(layer)):>7,}")
print(f"{'total':<75} {numeral(count_parameters(raschka)):>7,}")
check_answer("4.1", count_parameters(raschka))

# %% [markdown] translation={"source": "f0957cb1cdab4391"}
# 2. **La pérdida antes del entrenamiento.** Una cabeza sin entrenar produce diez logits cercanos
#    entre sí. ¿Qué entropía cruzada obtiene un clasificador cuyos diez logits son todos iguales,
#    sea cual sea la clase verdadera? Compárala con las pérdidas de la primera época de las
#    corridas de la Tabla II.

# %% translation={"source": "0c9f97feb2483e70"}
answer = ...  # ejercicio 2: la entropía cruzada de diez logits iguales
check_answer("4.2", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "c530ae03d084fa2f"}
# <details><summary>Solución 2</summary>
#
# Con logits iguales, todas las clases reciben la misma probabilidad,
# $p_k = e^{z}/(10 e^{z}) = 1/10$, así que la pérdida es $-\log(1/10) = \ln 10 \approx 2{,}30$ sea
# cual sea la clase verdadera. Esa es la pérdida de adivinar de manera uniforme: un clasificador
# cuya pérdida se mantiene cerca de ese valor no ha aprendido nada. No esperes que las pérdidas de
# la primera época sean iguales a él: los logits de una cabeza sin entrenar son solo
# aproximadamente iguales, y la pérdida de *entrenamiento* de la primera época es un promedio a lo
# largo de una época durante la cual el modelo ya aprende. En cambio, con una capa de salida
# softmax, incluso una respuesta perfecta (probabilidad 1 en la clase verdadera) deja una pérdida
# de $-1 + \ln(e + 9) = \ln(1 + 9/e) \approx 1{,}46$. La celda calcula estas pérdidas e imprime las
# pérdidas de la primera época de cada corrida de la Tabla II, para compararlas con $\ln 10$.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "bd22e0dc9f0ce946"}
# %%solution
import math

from fmnist_lib.data import NUM_CLASSES

cross_entropy = nn.CrossEntropyLoss()
every_class = torch.arange(NUM_CLASSES)  # one row per true class
uniform_loss = cross_entropy(torch.zeros(NUM_CLASSES, NUM_CLASSES), every_class).item()
print(
    "diez logits iguales, cada clase verdadera: "
    f"pérdida {numeral(uniform_loss):.4f} (ln 10 = {numeral(math.log(10)):.4f})"
)
perfect_softmax = cross_entropy(torch.eye(NUM_CLASSES), every_class).item()
print(
    "una salida softmax con probabilidad 1 en la clase verdadera: "
    f"pérdida {numeral(perfect_softmax):.4f}"
)
for r in results.values():
    first = r.history.epochs[0]
    print(
        f"{r.experiment.title:<18} época 1: pérdida de entrenamiento "
        f"{numeral(first['train_loss']):.3f}, "
        f"pérdida de validación {numeral(first['val_loss']):.3f}"
    )
check_answer("4.2", uniform_loss)

# %% [markdown] translation={"source": "b838bd794f32154b"}
# 3. **Dos capas lineales seguidas.** El codificador del clasificador Raschka termina en
#    `Linear(3136, 10)` sin activación, seguida de la cabeza `Linear(10, 10)`. Muestra que ambas
#    se componen en una sola capa lineal (escribe su peso y su sesgo), comprueba con imágenes de
#    prueba que da los mismos logits que el modelo entrenado e indica su número de parámetros.
#    ¿Importa la división en dos capas?

# %% translation={"source": "9a6c27377cdef497"}
answer = ...  # ejercicio 3: los parámetros de la única capa lineal fusionada
check_answer("4.3", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "0b5e3496e1ab44bc"}
# <details><summary>Solución 3</summary>
#
# Con $h = W_1 x + b_1$ (la capa `Linear(3136, 10)`) y la cabeza $z = W_2 h + b_2$,
#
# $$ z = W_2 (W_1 x + b_1) + b_2 = (W_2 W_1)\, x + (W_2 b_1 + b_2), $$
#
# se obtiene una sola capa lineal con peso $W_2 W_1$ ($10 \times 3136$) y sesgo $W_2 b_1 + b_2$:
# $3136 \cdot 10 + 10 = 31\,370$ parámetros, frente a $31\,370 + 110$ del par. El dropout está
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

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "ade3675eca645d03"}
# %%solution
from fmnist_lib.data import splits_for

trained = ours.model.eval()
features, last, head = trained.encoder[:-1], trained.encoder[-1], trained.head
merged = nn.Linear(last.in_features, head.out_features)
with torch.no_grad():
    merged.weight.copy_(head.weight @ last.weight)
    merged.bias.copy_(head.weight @ last.bias + head.bias)
    images = splits_for().test.floats()[:500]
    largest_gap = (trained(images) - merged(features(images))).abs().max().item()
print(
    "mayor diferencia entre los dos conjuntos de "
    f"logits en 500 imágenes de prueba: {numeral(largest_gap):.1e}"
)
pair = count_parameters(last) + count_parameters(head)
merged_count = count_parameters(merged)
print(
    f"parámetros: el par {numeral(pair):,}, "
    f"la capa fusionada {numeral(merged_count):,}"
)
check_answer("4.3", count_parameters(merged))

# %% [markdown] translation={"source": "be0abefb05906905"}
# 4. **Siempre "T-shirt".** ¿Cuál es la exactitud de prueba (como fracción) de un clasificador que
#    responde "T-shirt/top" para todas las imágenes? ¿Por qué la exactitud es un resumen adecuado
#    en este conjunto de prueba pero no en uno desbalanceado, y qué mirarías allí en su lugar?

# %% translation={"source": "e60206d569d98ad0"}
# ejercicio 4: la exactitud de prueba de responder siempre T-shirt/top, como fracción
answer = ...
check_answer("4.4", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "4df6368a019dfda2"}
# <details><summary>Solución 4</summary>
#
# Cada clase tiene tantas imágenes de prueba como cualquier otra (la celda las cuenta), así que la
# respuesta constante acierta exactamente en una de cada diez imágenes: una exactitud de 0,1, el
# nivel del azar en este conjunto de prueba, y cualquier exactitud por encima de él es habilidad.
# En un conjunto de prueba desbalanceado, la respuesta constante puede obtener una puntuación alta
# sin reconocer nada: con el 95 % de las imágenes en una clase, responder siempre esa clase obtiene
# 0,95. Allí, mira la exactitud por clase (la exhaustividad de cada clase, las filas de la matriz
# de confusión), su media (la *exactitud balanceada*, 0,1 aquí para la respuesta constante) o la
# precisión (precision) y la exhaustividad de las clases poco frecuentes.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "6464c223efbbd23d"}
# %%solution
from fmnist_lib.evaluation import accuracy as accuracy_of
from fmnist_lib.evaluation import confusion_matrix, per_class_accuracy

test_labels = splits_for().test.labels
always_tshirt = confusion_matrix(test_labels, torch.zeros_like(test_labels))
print(f"imágenes de prueba por clase: {torch.bincount(test_labels).tolist()}")
recall = per_class_accuracy(always_tshirt)
balanced = sum(recall) / len(recall)
print(
    f"siempre T-shirt/top: exactitud {numeral(accuracy_of(always_tshirt)):.3f}, "
    f"balanceada {numeral(balanced):.3f}"
)
check_answer("4.4", accuracy_of(always_tshirt))

# %% [markdown] translation={"source": "152b9ead4c46cd40"}
# 5. **Predice y luego ejecuta: sin dropout.** El clasificador Raschka pone en cero cada
#    característica aplanada con probabilidad 0,8 durante el entrenamiento. Antes de ejecutar
#    nada, predice: con dropout 0, ¿dónde terminará la pérdida de entrenamiento con respecto a la
#    de validación, y la exactitud de entrenamiento con respecto a la de validación? Luego entrena
#    ambos como corridas de demostración,
#    `run_experiment("clf-raschka-10", demonstration, overrides={"dropout": 0.0})` y
#    `run_experiment("clf-raschka-10", demonstration)`, y compara sus curvas con
#    `training_curves`.

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "1747e2cfdaf4d656"}
# <details><summary>Solución 5</summary>
#
# La predicción, a partir de lo que hace el dropout. Con $p = 0{,}8$, la pérdida y la exactitud de
# entrenamiento se miden en una red que ve alrededor de una quinta parte de sus características,
# una desventaja que las mediciones de validación (sin dropout) no tienen; y la cabeza no puede
# ajustarse a las imágenes de entrenamiento a través de características que desaparecen al azar.
# Sin dropout, ambos efectos desaparecen: espera que la pérdida de entrenamiento baje más rápido y
# termine más por debajo de la pérdida de validación (o menos por encima de ella), y que la
# exactitud de entrenamiento termine más alta con respecto a la de validación — una brecha que
# crece con las épocas una vez que el modelo empieza a sobreajustarse.
#
# La celda entrena ambos como corridas de demostración (10 000 imágenes de entrenamiento, cinco
# épocas) e imprime, para cada uno, la diferencia pérdida de validación − pérdida de entrenamiento
# y la diferencia exactitud de entrenamiento − exactitud de validación en la última época, y si la
# primera es mayor sin dropout. Es una sola semilla de cada uno y pocas épocas: un patrón para
# observar, no un veredicto. El capítulo 7 provoca el sobreajuste a propósito (pocas imágenes,
# muchas épocas) hasta que la pérdida de validación vuelve a subir, y mide el dropout frente a él
# con tres semillas.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "099ffce5ca49b2ee"}
# %%solution
dropout_runs = {
    "dropout 0,8 (registrado)": run_experiment("clf-raschka-10", demonstration),
    "dropout 0": run_experiment(
        "clf-raschka-10", demonstration, overrides={"dropout": 0.0}
    ),
}
fig = training_curves(
    {k: r.history.epochs for k, r in dropout_runs.items()},
    ("loss", "accuracy"),
    ("cross-entropy", "accuracy"),
    "Raschka (10): training (solid) vs validation (dashed)",
)
for k, r in dropout_runs.items():
    last_epoch = r.history.epochs[-1]
    accuracy_gap = last_epoch["train_accuracy"] - last_epoch["val_accuracy"]
    print(
        f"{k:<25} tras {len(r.history.epochs)} épocas: "
        "pérdida de validación − entrenamiento "
        f"{numeral(last_epoch['val_loss'] - last_epoch['train_loss']):+.3f}, "
        "exactitud de entrenamiento − validación "
        f"{numeral(100 * accuracy_gap):+.1f} puntos"
    )
loss_gap = {
    k: r.history.epochs[-1]["val_loss"] - r.history.epochs[-1]["train_loss"]
    for k, r in dropout_runs.items()
}
larger = loss_gap["dropout 0"] > loss_gap["dropout 0,8 (registrado)"]
print(
    "la pérdida de validación − entrenamiento es mayor sin dropout:",
    "sí" if larger else "no",
)

# %% [markdown] translation={"source": "12b7076c302d49a2"}
# ## Resumen
#
# - Un clasificador es un `nn.Module`: un codificador y una cabeza lineal que produce diez logits.
#   El `RaschkaClassifier` del capítulo tiene los parámetros de la biblioteca y, con los mismos
#   pesos, sus logits.
# - La entropía cruzada es la log-softmax de los logits (calculada con el truco del log-sum-exp) en
#   la clase verdadera, cambiada de signo y promediada: `nn.CrossEntropyLoss` calcula exactamente
#   eso, a partir de logits. Una capa de salida softmax la convierte en una doble softmax: la
#   pérdida queda atrapada en un rango estrecho y su gradiente se desvanece cuando el modelo se
#   equivoca con confianza.
# - El intervalo de Welch es $d \pm t_{0{,}975;\nu}\,\mathrm{SE}$; excluye el cero cuando los datos
#   muestran una diferencia, y su ancho dice con qué precisión. Con tres semillas por lado y un
#   lado muy disperso, como las corridas con softmax, los grados de libertad caen a cerca de 2 y el
#   intervalo es ancho: la comparación con softmax no queda demostrada, y la simulación de potencia
#   dice que, con esas dispersiones, incluso una diferencia verdadera grande pasaría casi siempre
#   inadvertida.
# - Los tres clasificadores del informe se entrenaron con la configuración de su Tabla II; con
#   dropout 0,8, la exactitud de entrenamiento se mide en una red adelgazada y puede quedar por
#   debajo de la exactitud de validación.
# - Las filas de la matriz de confusión dan la exhaustividad de cada clase y muestran qué clases se
#   confunden con cuáles.
# - Sobre tres semillas, el clasificador Raschka supera al denso y el clasificador «consigna» no:
#   las convoluciones por sí solas no lo deciden.
#
# **Ponte a prueba:** [un cuestionario sobre las ideas de este capítulo](quizzes/04_quiz.ipynb),
# con una explicación para cada respuesta.
#
# Los números del capítulo:

# %% translation={"source": "5a059de395ae80ea"}
from fmnist_lib.models import count_parameters

for r in results.values():
    print(
        f"{r.experiment.title:<18} exactitud de prueba "
        f"{numeral(r.test['accuracy']):.2%} "
        f"({numeral(count_parameters(r.model)):,} parámetros, "
        f"{len(r.history.epochs)} épocas)"
    )
e = softmax_effect
print(
    "logits − salida softmax (corridas de demostración, "
    f"exactitud de validación): {numeral(e.estimate):+.2f} "
    f"puntos [{numeral(e.low):+.2f}; {numeral(e.high):+.2f}], gl {numeral(e.df):.1f}"
)
at_eight = power.loc[8, "3 semillas, dispersiones medidas"]
print(
    "potencia de 3 semillas por lado con esas dispersiones, "
    f"diferencia verdadera de 8 puntos: {numeral(at_eight):.0%}"
)
worst = per_class["nuestra"].idxmin()
print(
    f"la peor clase de nuestro clasificador Raschka: {worst} "
    f"(exhaustividad {numeral(per_class['nuestra'][worst]):.1%})"
)
for n, c in dense_comparisons.items():
    interval = f"[{numeral(c.low):+.2f}; {numeral(c.high):+.2f}]"
    print(
        f"{n} − prealimentado (exactitud de prueba): "
        f"{numeral(c.estimate):+.2f} puntos {interval}"
    )
