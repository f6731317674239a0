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

# %% [markdown] translation={"source": "c22ffc9510e8a1fc"}
# # 3. Autocodificadores: comprimir y luego reconstruir
#
# [![Abrir en Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/fmnist-course/fmnist-course/blob/v0.1.0/es/notebooks/03_autoencoders.ipynb)
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
# **Tiempo de estudio.** Unos 100 minutos: unos 60 para leer el capítulo y ejecutar sus celdas, y
# unos diez para cada uno de sus 4 ejercicios (estimado a partir de su extensión, a razón de unas
# 100 palabras de texto o diez líneas de código por minuto).
#
# **Tiempo.** Con el presupuesto (budget) `full`, este cuaderno (notebook) entrena cuatro modelos
# con 50 000 imágenes: alrededor de una hora en una CPU de 2 núcleos la primera vez (los modelos
# Raschka se llevan la mayor parte), unos pocos minutos en una GPU. Las corridas terminadas se
# guardan en `runs/` y se reutilizan, así que volver a ejecutar el cuaderno es rápido.

# %% tags=["hide-input"] translation={"source": "45891f1dda165721"}
if "google.colab" in str(get_ipython()):  # en Colab: instala la biblioteca del curso
    # %pip install -q \
#         "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"

# %% [markdown] translation={"source": "a947eb0cd177c414"}
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
# - **prealimentado** (*feed-forward*): una capa densa $784 \to 512$, seguida de una **ReLU**
#   (unidad lineal rectificada), $\mathrm{ReLU}(t) = \max(0, t)$, aplicada a cada número: los
#   valores negativos pasan a 0 y los positivos quedan igual; luego otra capa densa de vuelta.
#   Cada píxel está conectado con cada unidad oculta;
# - **«consigna»**: dos etapas de convolución + agrupamiento máximo (max pooling), y luego una
#   capa densa hasta $n = 128$;
# - **«Raschka»**: cuatro convoluciones, que reducen el tamaño mediante el paso (stride) y no con
#   agrupamiento, todas salvo la última seguidas de una **LeakyReLU**,
#   $\mathrm{LeakyReLU}(t) = \max(0{,}01\,t,\ t)$ (una ReLU que conserva la centésima parte de un
#   valor negativo en lugar de anularlo); luego una capa densa hasta $n = 64$ o $128$;
#   convoluciones transpuestas y un `Trim` en el camino de vuelta.

# %% translation={"source": "20cae52a49b5c28a"}
import pandas as pd

from fmnist_lib import paper
from fmnist_lib.arithmetic import trace_shapes
from fmnist_lib.course import setup
from fmnist_lib.experiments.registry import EXPERIMENTS
from fmnist_lib.numerals import numeral
from fmnist_lib.wording import phrase

setup()
rows = []
for name in paper.TABLE_I:
    e = EXPERIMENTS[name]
    shapes = trace_shapes(e.new_model())
    rows.append(
        {
            "experimento": name,
            "modelo": phrase(e.title),
            "tamaño del código n": e.hidden_size,
            "compresión 784/n": round(784 / e.hidden_size, 1),
            "parámetros": int(shapes["parámetros"].sum()),
            "multiplicaciones-sumas por imagen": int(
                shapes["multiplicaciones-sumas"].sum()
            ),
        }
    )
pd.DataFrame(rows).set_index("experimento")

# %% [markdown] translation={"source": "161ee6732e388829"}
# Los pesos y el cómputo son cosas distintas. Una capa densa usa cada peso una vez por imagen; una
# convolución reutiliza cada uno de sus pocos pesos en todas las posiciones de la imagen. Por eso
# la red prealimentada tiene aproximadamente tantos pesos como Raschka (128), pero necesita muchas
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

# %% tags=["nbval-check-output"] translation={"source": "3de62a025ab579bd"}
from fmnist_lib.experiments.registry import SETTINGS_COLUMNS, settings_table

settings_table(
    paper.TABLE_I, {**SETTINGS_COLUMNS, "paciencia (detención temprana)": "patience"}
)

# %% [markdown] translation={"source": "05bfb96af585b5a1"}
# ## Los modelos, escritos explícitamente
#
# La biblioteca construye estos modelos (`fmnist_lib.models`), pero nada en ellos está oculto. Aquí
# están los autocodificadores Raschka y «consigna» como clases que puedes leer y modificar:
# `__init__` crea las capas y `forward` dice cómo fluye un lote de imágenes a través de ellas. Los
# comentarios dan la forma de una imagen después de cada capa, (canales, alto, ancho); el capítulo
# 2 enseña a calcularlas. Las capas `Dropout` tienen $p = 0$ en la configuración del informe, así
# que aquí no hacen nada; se conservan para que puedas probar otro valor.

# %% translation={"source": "1e947f144439ca44"}
import torch
from torch import nn

from fmnist_lib.models import Trim


class Raschka(nn.Module):
    """El autocodificador de Raschka: imagen (1, 28, 28) -> código (hidden_size,) ->
    imagen (1, 28, 28)."""

    def __init__(self, hidden_size=128, dropout=0.0):
        super().__init__()
        self.encoder = nn.Sequential(  # entrada: (1, 28, 28)
            nn.Conv2d(1, 32, kernel_size=3, stride=1, padding=1),  # (32, 28, 28)
            nn.LeakyReLU(0.01),
            nn.Dropout(dropout),
            nn.Conv2d(32, 64, kernel_size=3, stride=2, padding=1),  # (64, 14, 14)
            nn.LeakyReLU(0.01),
            nn.Dropout(dropout),
            nn.Conv2d(64, 64, kernel_size=3, stride=2, padding=1),  # (64, 7, 7)
            nn.LeakyReLU(0.01),
            nn.Dropout(dropout),
            nn.Conv2d(64, 64, kernel_size=3, stride=1, padding=1),  # (64, 7, 7)
            nn.Flatten(),  # (3136,)
            # el código: (hidden_size,), sin activación
            nn.Linear(64 * 7 * 7, hidden_size),
        )
        self.decoder = nn.Sequential(
            nn.Linear(hidden_size, 64 * 7 * 7),  # (3136,)
            nn.Unflatten(1, (64, 7, 7)),  # (64, 7, 7)
            # (64, 7, 7)
            nn.ConvTranspose2d(64, 64, kernel_size=3, stride=1, padding=1),
            nn.LeakyReLU(0.01),
            nn.Dropout(dropout),
            # (64, 13, 13)
            nn.ConvTranspose2d(64, 64, kernel_size=3, stride=2, padding=1),
            nn.LeakyReLU(0.01),
            nn.Dropout(dropout),
            # (32, 27, 27)
            nn.ConvTranspose2d(64, 32, kernel_size=3, stride=2, padding=0),
            nn.LeakyReLU(0.01),
            nn.Dropout(dropout),
            # (1, 29, 29)
            nn.ConvTranspose2d(32, 1, kernel_size=3, stride=1, padding=0),
            Trim((28, 28)),  # (1, 28, 28): sin la última fila ni la última columna
            nn.Sigmoid(),  # cada píxel en [0, 1]
        )

    def forward(self, x):  # x: (N, 1, 28, 28), un lote de N imágenes
        return self.decoder(self.encoder(x))  # (N, 1, 28, 28)


class Consigna(nn.Module):
    """El autocodificador «consigna»: dos etapas de convolución + agrupamiento máximo,
    luego un código denso."""

    def __init__(self, hidden_size=128, dropout=0.0):
        super().__init__()
        self.encoder = nn.Sequential(  # entrada: (1, 28, 28)
            nn.Conv2d(1, 16, kernel_size=3),  # (16, 26, 26)
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.MaxPool2d(kernel_size=2),  # (16, 13, 13)
            nn.Conv2d(16, 32, kernel_size=3),  # (32, 11, 11)
            nn.ReLU(),
            nn.Dropout(dropout),
            # (32, 5, 5): se descartan la fila y la columna 11
            nn.MaxPool2d(kernel_size=2),
            nn.Flatten(),  # (800,)
            nn.Linear(32 * 5 * 5, hidden_size),  # (hidden_size,)
            nn.ReLU(),  # el código, nunca negativo
            nn.Dropout(dropout),
        )
        self.decoder = nn.Sequential(
            nn.Linear(hidden_size, 32 * 5 * 5),  # (800,)
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Unflatten(1, (32, 5, 5)),  # (32, 5, 5)
            # (16, 13, 13)
            nn.ConvTranspose2d(32, 16, kernel_size=4, stride=2, output_padding=1),
            nn.ReLU(),
            nn.Dropout(dropout),
            # (1, 28, 28)
            nn.ConvTranspose2d(16, 1, kernel_size=3, stride=2, output_padding=1),
            nn.Sigmoid(),  # cada píxel en [0, 1]
        )

    def forward(self, x):  # x: (N, 1, 28, 28)
        return self.decoder(self.encoder(x))  # (N, 1, 28, 28)


# %% [markdown] translation={"source": "570ed7b41331c043"}
# ¿Son estos los modelos que entrena el capítulo? Dos comprobaciones frente a las clases de la
# biblioteca: los mismos parámetros (nombres y formas, en el mismo orden) y, una vez que nuestro
# modelo recibe los pesos del modelo de la biblioteca (`load_state_dict`), exactamente las mismas
# salidas para un lote de imágenes.

# %% tags=["nbval-check-output"] translation={"source": "c96fa53ecafb9d75"}
from fmnist_lib.models import ConsignaAutoencoder, RaschkaAutoencoder

images = torch.rand(16, 1, 28, 28)  # sirve cualquier lote de 16 imágenes
agree = {}
pairs = {
    "Raschka (64)": (Raschka(hidden_size=64), RaschkaAutoencoder(hidden_size=64)),
    "Raschka (128)": (Raschka(hidden_size=128), RaschkaAutoencoder(hidden_size=128)),
    "consigna (128)": (Consigna(hidden_size=128), ConsignaAutoencoder(hidden_size=128)),
}
for title, (written, built) in pairs.items():
    shapes = [(name, tuple(p.shape)) for name, p in written.named_parameters()]
    same_shapes = shapes == [
        (name, tuple(p.shape)) for name, p in built.named_parameters()
    ]
    # los pesos del modelo de la biblioteca, copiados en el nuestro
    written.load_state_dict(built.state_dict())
    same_outputs = torch.equal(written.eval()(images), built.eval()(images))
    agree[title] = same_shapes and same_outputs
    print(
        f"{title}: {len(shapes)} tensores de pesos; "
        f"los mismos nombres y formas: {'sí' if same_shapes else 'no'}; "
        f"las mismas salidas: {'sí' if same_outputs else 'no'}"
    )

# %% [markdown] translation={"source": "f4674c96b515ede9"}
# Así que, cuando `run_experiment` entrena `RaschkaAutoencoder` más abajo, entrena esta clase (y lo
# mismo ocurre con «consigna»). Para probar un cambio (otra activación, una convolución más, un
# código más ancho), modifica la clase, entrénala con el ciclo escrito explícitamente en la sección
# siguiente y compara; `trace_shapes(Raschka())` imprime, capa por capa, las formas y los costos de
# tu versión.

# %% [markdown] translation={"source": "f3a5c1e1952fe28a"}
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
# 4. `optimizer.step()` mueve cada peso en sentido contrario a su gradiente.
#
# **La actualización.** Llamemos $\theta$ al conjunto de todos los pesos y $L_B(\theta)$ a la
# pérdida media en un minilote $B$. El descenso por gradiente simple (estocástico) mueve cada peso
# un pequeño paso en contra del gradiente, escalado por la **tasa de aprendizaje** (learning rate)
# $\eta$:
#
# $$ \theta \leftarrow \theta - \eta \, \nabla_\theta L_B(\theta) . $$
#
# El gradiente del minilote es una estimación ruidosa del gradiente sobre todas las imágenes de
# entrenamiento, y una estimación barata: muchos pasos pequeños y ruidosos reemplazan a unos pocos
# exactos. **Adam** (Kingma y Ba, 2015), el optimizador del informe, lleva dos promedios móviles
# por cada peso: el de su gradiente $g_t$ en el paso $t$ y el del cuadrado del gradiente,
#
# $$ m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t , \qquad
#    v_t = \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 , \qquad m_0 = v_0 = 0 . $$
#
# Como parten de cero, ambos promedios son demasiado pequeños en los primeros pasos; dividir por
# $1-\beta^t$ (la **corrección del sesgo**) lo compensa: $\hat m_t = m_t / (1-\beta_1^t)$,
# $\hat v_t = v_t / (1-\beta_2^t)$. El paso es entonces
#
# $$ \theta \leftarrow \theta - \eta \, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon} . $$
#
# Los valores por defecto de PyTorch, que usa todo el curso, son $\beta_1 = 0{,}9$ (la dirección es
# un promedio de aproximadamente los últimos 10 gradientes), $\beta_2 = 0{,}999$ (la escala, de
# aproximadamente los últimos 1000) y $\epsilon = 10^{-8}$ (solo evita una división por cero).
# Dividir por $\sqrt{\hat v_t}$ hace que el paso de cada peso sea del orden de $\eta$, sea cual sea
# el tamaño de sus gradientes: un peso con gradientes diminutos se mueve más o menos tan rápido
# como uno con gradientes grandes. Las tasas de aprendizaje de la Tabla I son este $\eta$:
# $10^{-3}$ (el valor por defecto de Adam) y $5 \cdot 10^{-4}$.
#
# Una pasada por todas las imágenes de entrenamiento es una **época**. Aquí está el ciclo, escrito
# explícitamente, entrenando el autocodificador prealimentado con su configuración de la Tabla I
# (lote de 1000, tasa de aprendizaje $10^{-3}$) durante unas pocas épocas con las imágenes de
# entrenamiento:

# %% translation={"source": "8088254e853801f2"}
from fmnist_lib.data import Batches, splits_for
from fmnist_lib.evaluation import evaluate
from fmnist_lib.models import FeedForwardAutoencoder
from fmnist_lib.training import seed_everything

splits = splits_for()
print(
    f"{numeral(len(splits.train)):,} imágenes de entrenamiento, "
    f"{numeral(len(splits.val)):,} de validación"
)


def one_epoch(model, batches, loss_fn, optimizer):
    """Entrena ``model`` con una pasada por ``batches``; devuelve la media de las
    pérdidas de los lotes."""
    model.train()  # comportamiento de entrenamiento: dropout activo
    losses = []
    for x, _labels in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(x), x)  # el objetivo es la entrada
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


seed_everything(0)  # los pesos iniciales y las máscaras de dropout
model = FeedForwardAutoencoder(hidden_size=512, dropout=0.1)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
batches = Batches(
    splits.train, 1000, shuffle=True, generator=torch.Generator().manual_seed(0)
)
ours = []
for epoch in range(1, 4):
    ours.append(one_epoch(model, batches, nn.MSELoss(), optimizer))
    val_loss = evaluate(model, splits.val, "reconstruction")["loss"]  # en modo eval
    print(
        f"época {epoch}: pérdida de entrenamiento "
        f"{numeral(ours[-1]):.5f}, de validación {numeral(val_loss):.5f}"
    )

# %% [markdown] translation={"source": "74fef707ca0571a9"}
# La pérdida es el error cuadrático medio por píxel. La pérdida de entrenamiento es la media de
# las pérdidas por lote de la época, medidas mientras los pesos todavía cambiaban y con el dropout
# activo; la pérdida de validación se mide después de la época, con imágenes con las que el modelo
# nunca se entrena y con el dropout desactivado (`evaluate` pone el modelo en modo de evaluación y
# luego lo devuelve a su modo anterior).
#
# El **dropout**, usado aquí con $p = 0{,}1$, pone a cero una fracción aleatoria $p$ de las unidades
# ocultas en cada paso de entrenamiento y escala las demás por $1/(1-p)$, de modo que ninguna
# unidad pueda depender de unas pocas otras en particular; en la evaluación no hace nada. Por eso
# el ciclo llama a `model.train()` y la evaluación a `model.eval()`: el mismo modelo se comporta
# de manera distinta en los dos modos (el capítulo 5 muestra qué sale mal cuando un módulo está en
# el modo equivocado).
#
# La función `train_one_epoch` de la biblioteca es este mismo ciclo, con un gancho (hook) que le
# permite a quien la llama observar cada lote. Con la misma semilla y el mismo orden de lotes da
# exactamente los mismos pasos:

# %% translation={"source": "f13bac984bb73959"}
from fmnist_lib.training import train_one_epoch

seed_everything(0)
twin = FeedForwardAutoencoder(hidden_size=512, dropout=0.1)
twin_optimizer = torch.optim.Adam(twin.parameters(), lr=1e-3)
twin_batches = Batches(
    splits.train, 1000, shuffle=True, generator=torch.Generator().manual_seed(0)
)
library = [
    train_one_epoch(
        twin, twin_batches, nn.MSELoss(), twin_optimizer, task="reconstruction"
    )
    for _ in range(3)
]
weights = zip(model.state_dict().values(), twin.state_dict().values(), strict=True)
same_weights = all(torch.equal(a, b) for a, b in weights)
print("las mismas pérdidas:", "sí" if ours == library else "no")
print("los mismos pesos:", "sí" if same_weights else "no")

# %% [markdown] translation={"source": "9f1cdeb27f55993e"}
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
# conjunto de prueba. `results_table` lo hace con tres semillas de cada modelo (tres pesos
# iniciales y tres órdenes de los lotes) y escribe el MSE de prueba de cada modelo como media ±
# desviación estándar entre ellas: una corrida sola es un sorteo, y la dispersión dice cuán lejos
# podría caer otro.

# %%
from fmnist_lib.experiments import results_table, run_experiment, summary_table

results_table(paper.TABLE_I)

# %% [markdown] translation={"source": "89a036660b2adde0"}
# The rest of the chapter looks inside one run of each model, seed 0's. Its details — epochs,
# settings, size and training time:

# %%
results = {name: run_experiment(name) for name in paper.TABLE_I}
summary_table(results)

# %% [markdown] translation={"source": "0a7099a86d2e0ff9"}
# ## Curvas de entrenamiento (la Figura 5 del informe)
#
# Las líneas continuas son la pérdida de entrenamiento y las discontinuas la pérdida de
# validación, en escala logarítmica. Una curva de validación que se mantiene cerca de su curva de
# entrenamiento indica que el modelo generaliza; una que empieza a subir mientras la de
# entrenamiento sigue bajando indica sobreajuste.

# %% translation={"source": "dcfabd5b7e361c8d"}
from fmnist_lib.plots import training_curves

curves = {r.experiment.title: r.history.epochs for r in results.values()}
fig = training_curves(
    {k: curves[k] for k in ("consigna (128)", "feed-forward (512)")},
    ("loss",),
    ("MSE",),
    "consigna y prealimentado",
    log_scale=True,
)
fig = training_curves(
    {k: curves[k] for k in ("Raschka (64)", "Raschka (128)")},
    ("loss",),
    ("MSE",),
    "Raschka, n = 64 y 128",
    log_scale=True,
)

# %% translation={"source": "a4b7112f64b71c75"}
gaps = pd.DataFrame(
    {
        phrase(r.experiment.title): {
            "épocas entrenadas": len(r.history.epochs),
            "mejor época": r.history.best_epoch,
            "detención temprana": "sí" if r.history.stopped_early else "no",
            "pérdida val. / entren., última época": r.history.epochs[-1]["val_loss"]
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
from fmnist_lib.evaluation import reconstruct
from fmnist_lib.plots import reconstructions

first_of_each_class = [int((splits.val.labels == c).nonzero()[0]) for c in range(10)]
originals = splits.val.images[first_of_each_class]
fig = reconstructions(
    originals,
    {r.experiment.title: reconstruct(r.model, originals) for r in results.values()},
)

# %% [markdown] translation={"source": "f0768f2c0d1487a1"}
# Más ejemplos de cada clase, para explorar: elige una clase para ver sus tres primeras imágenes
# de validación (fila superior) y las reconstrucciones que hace de ellas cada modelo (cada vista
# se calcula aquí una sola vez, así que el explorador también funciona en las páginas estáticas
# del libro).

# %%
from fmnist_lib.widgets import reconstruction_browser

models = {phrase(r.experiment.title): r.model for r in results.values()}
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
# El MSE de prueba por píxel, medido una sola vez en las 10 000 imágenes de prueba después del
# entrenamiento:

# %% translation={"source": "4d11db9b15e572c4"}
test_mse = pd.Series(
    {phrase(r.experiment.title): r.test["mse"] for r in results.values()},
    name="MSE de prueba",
).sort_values()
print(test_mse.to_string(float_format=lambda x: f"{numeral(x):.5f}"))
best, runner_up = test_mse.index[:2]
print(f"\nel mejor: {best}; el segundo: {runner_up}")
r128, ff = test_mse["Raschka (128)"], test_mse["prealimentado (512)"]
print(
    f"Raschka (128) vs prealimentado: {numeral(r128):.5f} vs {numeral(ff):.5f} -> el "
    f"de Raschka es "
    f"{'menor' if r128 < ff else 'mayor'} en un {numeral(abs(ff - r128) / ff):.0%}, "
    f"tras "
    f"{len(results['ae-raschka-128'].history.epochs)} vs "
    f"{len(results['ae-feedforward-512'].history.epochs)} épocas"
)

# %% [markdown] translation={"source": "9ec5fb4cfed079d5"}
# ## ¿Por qué se rezaga «consigna»? Medir en lugar de adivinar
#
# La franja del borde es el sospechoso visible. Primero: ¿la franja es realmente independiente de
# la imagen? Autograd lo responde: el gradiente de cada fila de salida con respecto al código es
# exactamente cero cuando la fila no puede ver el código.

# %% translation={"source": "fc0eee131335c245"}
import torch

consigna = results["ae-consigna-128"].model
code = torch.randn(4, 128, requires_grad=True)
rows = consigna.decoder.eval()(code)[0, 0].sum(dim=1)  # un número por fila de la salida
for row in (23, 24, 25, 26, 27):
    (gradient,) = torch.autograd.grad(rows[row], code, retain_graph=True)
    print(f"fila {row}: |d fila / d código| = {numeral(gradient.abs().sum()):.3g}")
BAND = 3  # filas y columnas 25-27: calculadas solo con sesgos

# %% [markdown] translation={"source": "f0d75578292e71df"}
# Las filas 25, 26 y 27 (y las mismas columnas) no pueden ver el código. ¿Dónde está el error
# cuadrático del modelo? `error_map` lo promedia por píxel sobre las imágenes de prueba; la
# proporción que corresponde a la franja, y el MSE en los demás píxeles, dicen cuánto explica la
# franja:

# %% translation={"source": "96a3048bec9ff54c"}
from fmnist_lib.diagnostics import dead_units, error_map

errors = error_map(consigna, splits.test)
inner = errors[: 28 - BAND, : 28 - BAND]
band_share = 1 - inner.sum() / errors.sum()
print(
    f"MSE de prueba {numeral(errors.mean()):.5f}; "
    f"en los píxeles fuera de la franja {numeral(inner.mean()):.5f}"
)
pixel_share = 1 - inner.numel() / errors.numel()
print(
    f"la franja: {numeral(pixel_share):.0%} de los píxeles, "
    f"{numeral(band_share):.0%} del error cuadrático"
)
others = ", ".join(
    f"{t} {numeral(m):.5f}" for t, m in test_mse.items() if t != "consigna (128)"
)
print(f"para comparar, MSE de prueba de los otros modelos: {others}")

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

# %% translation={"source": "ac69c6d0718a3480"}
val = [e["val_loss"] for e in results["ae-consigna-128"].history.epochs]
half = len(val) // 2
print(
    f"MSE de validación: época 1 {numeral(val[0]):.5f}, época {half} "
    f"{numeral(val[half - 1]):.5f}, "
    f"época {len(val)} {numeral(val[-1]):.5f}"
)
print(f"segunda mitad: {numeral((val[half - 1] - val[-1]) / val[half - 1]):.1%} menor")

# %% [markdown] translation={"source": "4a35a12eab40b75c"}
# Con el presupuesto full, la franja, una quinta parte de los píxeles, concentra la mayor parte del
# error cuadrático de «consigna»: un decodificador que no puede dibujar sus últimas tres filas y
# columnas pierde ahí, aprenda lo que aprenda. Fuera de la franja su error es mucho menor, pero
# sigue por encima del de los otros modelos (compara los MSE impresos): la franja es la mayor parte
# del rezago, no todo. Las unidades muertas y una pérdida que casi dejó de mejorar son candidatas a
# explicar el resto; solo candidatas: no hemos cambiado nada ni vuelto a entrenar. El ejercicio 4
# pone a prueba una de ellas.
#
# El informe encontró que los mejores modelos eran el prealimentado y Raschka-128: Raschka-128
# alcanzó en 14 épocas un error menor que el del prealimentado en 60, y Raschka-64 quedó
# ligeramente por detrás de Raschka-128. Compara con el orden impreso arriba (las corridas de la
# semilla 0) y con la tabla de tres semillas al comienzo de la sección de entrenamiento: las dos
# dan el mismo orden, con Raschka-64 más atrás que en el informe, también por detrás del modelo
# prealimentado. De una semilla a otra, el MSE de prueba de los tres mejores modelos se mueve unos
# 0,00005 o menos (sus desviaciones estándar), mientras que las distancias entre ellos son de
# 0,0005 o más: el orden no es un accidente de una semilla. El capítulo 5 convierte una
# comparación así en un intervalo; el [informe de reproducción](../report.md) lo hace con cada
# afirmación.
#
# Dos cosas para notar:
#
# - **La compresión no lo explica todo.** El código del prealimentado tiene 512 números, más que
#   los de los otros; es más fácil reconstruir a partir de él. Raschka-64 comprime 12× y aun así
#   compite.
# - **Las convoluciones ven estructura.** Una capa densa tiene que aprender por separado que una
#   manga arriba a la izquierda y otra arriba a la derecha se parecen; una convolución comparte
#   sus pesos entre posiciones.

# %% [markdown] translation={"source": "7679d25af2492714"}
# ## El espacio de códigos
#
# El codificador convierte cada imagen en su *código*: 512 números para el modelo prealimentado,
# 128 para Raschka (128). ¿Las imágenes de la misma clase reciben códigos parecidos? Nadie puede
# dibujar 512 dimensiones, así que miramos dos mapas planos de los códigos de las imágenes de
# prueba. El informe no examina sus códigos; la clase de STAT 453 de Raschka sí lo hace.
#
# - **PCA** (análisis de componentes principales) proyecta los códigos sobre las dos direcciones
#   perpendiculares en las que más varían: los dos primeros vectores propios de la matriz de
#   covarianza de los códigos. Cada eje lleva la proporción de la varianza total de los códigos que
#   recoge. Una proyección solo acorta distancias, así que los puntos que aparecen separados están
#   separados, pero los que aparecen juntos pueden no estarlo: el resto de la varianza está en
#   direcciones que el plano no muestra. Además, PCA es lineal: una separación que ningún plano
#   capta (clases situadas sobre superficies curvas) queda oculta.
# - **t-SNE** (t-distributed stochastic neighbour embedding) coloca los puntos en el plano de modo
#   que los vecinos más cercanos de cada código en el espacio de códigos sigan cerca de él (aquí
#   sobre una muestra estratificada de 2000 códigos; la *perplejidad*, 30, es aproximadamente
#   cuántos vecinos atiende cada punto). No es lineal y solo conserva quién está al lado de quién:
#   los tamaños de los cúmulos y las distancias entre ellos significan poco, y otra semilla u otra
#   perplejidad los redibujan. Léelo por qué puntos quedan juntos, no por cuán lejos están los
#   grupos.

# %% translation={"source": "4528eddf02d24423"}
from fmnist_lib import latent
from fmnist_lib.plots import interpolation_strip, latent_scatter

coders = {
    name: results[name].model for name in ("ae-feedforward-512", "ae-raschka-128")
}
test_codes = {name: latent.encode(model, splits.test) for name, model in coders.items()}
# para el gráfico
shown = latent.sample_indices(len(splits.test), 2000, labels=splits.test.labels)
for name, codes in test_codes.items():
    pca = latent.pca_2d(codes)  # los ejes de todos los códigos de prueba
    fig = latent_scatter(
        pca.points[shown],
        splits.test.labels[shown],
        f"{results[name].experiment.title}: "
        f"{numeral(len(shown)):,} códigos de prueba, los dos primeros ejes principales",
        axis_names=(
            f"CP 1 ({numeral(pca.explained[0]):.0%})",
            f"CP 2 ({numeral(pca.explained[1]):.0%})",
        ),
    )

# %% translation={"source": "4587bfdea32b41bc"}
for name, codes in test_codes.items():
    tsne = latent.tsne_2d(codes, labels=splits.test.labels, max_points=2000)
    fig = latent_scatter(
        tsne.points,
        splits.test.labels[tsne.indices],
        f"{results[name].experiment.title}: t-SNE de {numeral(len(tsne.indices)):,} "
        "códigos de prueba",
    )

# %% [markdown] translation={"source": "9ef76121bfdba17f"}
# Una imagen puede dar una impresión demasiado favorable. Pasemos a un número: una **sonda lineal**
# (linear probe) ajusta un clasificador *lineal* sobre los códigos de 10 000 imágenes de
# entrenamiento, con sus etiquetas, y lo evalúa en los códigos de prueba. El clasificador es una
# regresión logística: una suma ponderada de los números del código por cada clase, convertida en
# probabilidades de las clases (el capítulo 4 construye esta lectura como la última capa de una
# red). La misma sonda sobre los píxeles crudos dice cuánto de esa separación agregó el
# codificador; los autocodificadores nunca vieron una etiqueta. Una sonda mide lo que una lectura
# *lineal* puede decodificar de los códigos, nada más: una puntuación alta no muestra que el modelo
# use esa información (a un autocodificador no le sirven las etiquetas de clase), y una baja no
# muestra que la información falte (una lectura no lineal podría encontrarla).

# %% translation={"source": "aed78a7fd4f689d4"}
train_index = latent.sample_indices(
    len(splits.train), 10_000, labels=splits.train.labels
)
probe_train = splits.train.subset(train_index)
probe_labels = splits.train.labels[train_index]
probes = {
    "píxeles": latent.probe_accuracy(
        probe_train.floats().flatten(1),
        probe_labels,
        splits.test.floats().flatten(1),
        splits.test.labels,
    )
}
for name, model in coders.items():
    probes[f"códigos de {phrase(results[name].experiment.title)}"] = (
        latent.probe_accuracy(
            latent.encode(model, probe_train),
            probe_labels,
            test_codes[name],
            splits.test.labels,
        )
    )
pd.Series(probes, name="sonda lineal, exactitud de prueba").map(
    lambda x: f"{numeral(x):.1%}"
).to_frame()

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

# %% translation={"source": "25e69cd9e0ec458a"}
# Sneaker (zapatilla deportiva), Ankle boot (botín)
first = {c: int((splits.test.labels == c).nonzero()[0]) for c in (7, 9)}
a, b = splits.test.images[first[7]], splits.test.images[first[9]]
raschka = coders["ae-raschka-128"]
fig = interpolation_strip(
    {
        "códigos decodificados": latent.interpolate(raschka, a, b),
        "mezcla de píxeles": latent.pixel_blend(a, b),
    },
    "Raschka (128): de una zapatilla deportiva a un botín",
)

# %% [markdown] translation={"source": "1d4b0cdabe57c031"}
# La mezcla de píxeles es una doble exposición: dos zapatos tenues, uno encima del otro. El camino
# decodificado pasa por imágenes que se parecen más a un solo zapato, porque el decodificador se
# entrenó para producir imágenes como las de entrenamiento; es una señal de que códigos cercanos
# se decodifican en imágenes parecidas y verosímiles, aunque nada garantiza que cada punto entre
# dos códigos sea una imagen verosímil (un autocodificador variacional se entrena para que eso se
# cumpla).
#
# ## Ejercicios
#

# %%
from fmnist_lib.exercises import check_answer

# %% [markdown] translation={"source": "bfd570f77bbe2b30"}
# 1. **Predice primero.** El código del autocodificador «consigna» tiene $n = 128$ números.
#    Predice cómo cambia su MSE de prueba con un código de 16; luego entrena ambos como corridas de
#    demostración (10 000 imágenes de entrenamiento, 5 épocas:
#    `run_experiment("ae-consigna-128", demonstration_budget(), overrides={"hidden_size": 16})`,
#    con `from fmnist_lib.settings import demonstration_budget`) y compáralos.

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "309c83d4c692e4fe"}
# <details><summary>Solución 1</summary>
#
# Un código más pequeño debe describir cada imagen con menos números, así que el error debería
# aumentar. Cuánto es la parte interesante: las unidades muertas del código (arriba) hacen que los
# 128 nominales no sean lo que el decodificador recibe realmente. Las dos corridas son corridas de
# demostración (10 000 imágenes de entrenamiento y 5 épocas, menos que las corridas de referencia:
# compáralas entre sí, no con la tabla de arriba), con una semilla cada una, así que el cambio que
# muestran es una ilustración, no una medición:
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "c213ffa1111e81cd"}
# %%solution
from fmnist_lib.settings import demonstration_budget

demo = demonstration_budget()  # 10.000 imágenes de entrenamiento, 5 épocas
by_size = {
    16: run_experiment("ae-consigna-128", demo, overrides={"hidden_size": 16}),
    128: run_experiment("ae-consigna-128", demo),
}
for n, r in by_size.items():
    print(f"n = {n:>3}: MSE de prueba {numeral(r.test['mse']):.5f}")
change = by_size[16].test["mse"] / by_size[128].test["mse"] - 1
print(
    f"código de 16 en vez de 128: {numeral(change):+.0%} de MSE de prueba (una sola "
    f"semilla)"
)

# %% [markdown] translation={"source": "4616cb7913878317"}
# 2. ¿Qué clase reconstruye peor el autocodificador prealimentado en el conjunto de validación?
#    Calcula el MSE por clase (`fmnist_lib.evaluation.mse_by_class`) y comprueba tu respuesta más
#    abajo.

# %%
answer = ...  # ejercicio 2: el nombre de la clase, por ejemplo "Sneaker"
check_answer("3.2", answer, model=results["ae-feedforward-512"].model, data=splits.val)

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
# %%solution
from fmnist_lib.data import CLASS_NAMES
from fmnist_lib.evaluation import mse_by_class

feedforward = results["ae-feedforward-512"].model
per_class = pd.Series(
    mse_by_class(feedforward, splits.val), index=CLASS_NAMES
).sort_values()
print(per_class.to_string(float_format=lambda x: f"{numeral(x):.5f}"))
check_answer("3.2", per_class.index[-1], model=feedforward, data=splits.val)

# %% [markdown] translation={"source": "7226f91edf11435c"}
# 3. ¿Por qué las reconstrucciones se ven borrosas? (Pista: ¿qué minimiza el error *cuadrático*
#    cuando la red duda entre dos imágenes?)

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

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "dae8a3e27cb5fd29"}
# %%solution
a, b = splits.val.floats()[:2]
for guess, name in ((a, "elegir a"), ((a + b) / 2, "elegir la media")):
    expected_error = 0.5 * ((guess - a) ** 2).mean() + 0.5 * ((guess - b) ** 2).mean()
    print(f"{name:>15}: MSE esperado {numeral(expected_error):.4f}")

# %% [markdown] translation={"source": "14f8c20d0af060ca"}
# 4. **Predice primero.** Unidades muertas en el cuello de botella: construye
#    `ConsignaAutoencoder()`, reemplaza la ReLU de su código por `nn.LeakyReLU(0.01)`
#    (`model.encoder[10] = nn.LeakyReLU(0.01)`), entrénalo con `fit` de la biblioteca sobre los
#    datos de demostración (`splits_for(demonstration_budget())`, 5 épocas) y compara su MSE de
#    prueba y `dead_units` con los del original entrenado de la misma forma, con tres semillas.
#    Antes de ejecutar: predice cuál pierde menos unidades.

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "34e5b429af0e9d24"}
# <details><summary>Solución 4</summary>
#
# LeakyReLU deja pasar un gradiente pequeño para entradas negativas, así que una unidad del código
# que se vuelve negativa en todas las imágenes todavía puede recuperarse: debería perder menos
# unidades. Si eso se traduce en un error menor es otra cuestión. Las corridas de abajo la
# responden para corridas cortas de demostración (10 000 imágenes de entrenamiento, 5 épocas), con
# tres semillas por activación. Las semillas emparejan las corridas: la semilla $k$ de cada una
# parte de los mismos pesos iniciales y ve los mismos lotes, así que solo cambia la activación del
# código.
#
# Lee las líneas impresas en ese orden. Los recuentos de unidades del código que nunca son
# positivas dicen si el cambio hizo lo que debía hacer. La diferencia de los MSE de prueba medios
# dice si el error se movió, y su intervalo del 95 %, si tres semillas permiten distinguirlo. Como
# las semillas emparejan las corridas, el intervalo que corresponde al diseño es el emparejado
# (`fmnist_lib.stats.compare_paired`, que se construye en el capítulo 5): la media de las tres
# diferencias semilla por semilla, con el intervalo de Student calculado a partir de su propia
# dispersión. El intervalo de Welch (`fmnist_lib.stats.compare`, capítulo 4) se imprime al lado:
# trata los dos grupos como independientes, así que la dispersión entre semillas del propio MSE,
# mucho mayor que la de las diferencias, tapa una diferencia que muestran todas las semillas. Con
# el presupuesto completo, las tres diferencias tienen el mismo signo y aproximadamente el mismo
# tamaño: el intervalo emparejado excluye el cero donde el de Welch no lo hace. Aun así, estas son
# corridas de 5 épocas con 10 000 imágenes: si las unidades muertas del código explican parte del
# rezago de la corrida completa analizada arriba es una pregunta que pueden ilustrar, no zanjar
# (las unidades muertas del decodificador, que quedan como estaban, son otro sospechoso).
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "a237bfefb840e706"}
# %%solution
from fmnist_lib.stats import compare, compare_paired
from fmnist_lib.training import TrainConfig, fit

demo_splits = splits_for(demo)
mse_by_code = {"ReLU": [], "LeakyReLU(0.01)": []}
for seed in (0, 1, 2):
    # el original, entrenado con cada semilla
    relu = run_experiment("ae-consigna-128", demo, seed=seed)
    epochs = len(relu.history.epochs)
    config = TrainConfig("reconstruction", epochs, batch_size=32, lr=1e-3, seed=seed)
    # los pesos iniciales del original (y config.seed: su orden de lotes)
    seed_everything(seed)
    leaky = ConsignaAutoencoder()
    leaky.encoder[10] = nn.LeakyReLU(0.01)  # la activación del código
    fit(leaky, demo_splits.train, demo_splits.val, config, progress=False)
    for code_activation, model in (("ReLU", relu.model), ("LeakyReLU(0.01)", leaky)):
        mse = evaluate(model, demo_splits.test, "reconstruction")["loss"]
        dead = dead_units(model, demo_splits.test)["muertas"]
        mse_by_code[code_activation].append(mse)
        print(
            f"semilla {seed}, {code_activation:>15}: MSE de prueba {numeral(mse):.5f}; "
            f"unidades del código nunca positivas: {dead['encoder.10']} de 128; "
            f"muertas en decoder.1: {dead['decoder.1']} de 800"
        )
per_seed = zip(mse_by_code["LeakyReLU(0.01)"], mse_by_code["ReLU"], strict=True)
print(
    "semilla por semilla, LeakyReLU − ReLU:",
    "; ".join(f"{numeral(a - b):+.5f}" for a, b in per_seed),
)
paired = compare_paired(mse_by_code["LeakyReLU(0.01)"], mse_by_code["ReLU"])
welch = compare(mse_by_code["LeakyReLU(0.01)"], mse_by_code["ReLU"])
ratio = paired.mean_a / paired.mean_b - 1
print(
    f"LeakyReLU − ReLU, MSE de prueba medio: {numeral(paired.estimate):+.5f} "
    f"({numeral(ratio):+.1%})"
)
print(
    f"  pareado por semilla, intervalo del 95 %: [{numeral(paired.low):+.5f}; "
    f"{numeral(paired.high):+.5f}], gl {numeral(paired.df):.0f}"
)
print(
    f"  Welch, intervalo del 95 %:               [{numeral(welch.low):+.5f}; "
    f"{numeral(welch.high):+.5f}], gl {numeral(welch.df):.1f}"
)

# %% [markdown] translation={"source": "f67c86558a1c2b9a"}
# ## Resumen
#
# - Los autocodificadores Raschka y «consigna», escritos explícitamente como clases, son los
#   modelos de la biblioteca: los mismos parámetros y, con los mismos pesos, las mismas salidas.
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
#
# **Ponte a prueba:** [un cuestionario sobre las ideas de este capítulo](quizzes/03_quiz.ipynb),
# con una explicación para cada respuesta.

# %% translation={"source": "4b591eb8749424f0"}
summary = {
    "los modelos escritos equivalen a los de la biblioteca": (
        "sí" if all(agree.values()) else "no"
    ),
    "el bucle escrito y train_one_epoch coinciden": "sí" if ours == library else "no",
    "orden por MSE de prueba (el mejor primero)": " < ".join(test_mse.index),
    "«consigna»: parte del error cuadrático en su franja de borde": (
        f"{numeral(band_share):.0%}"
    ),
    "«consigna»: MSE de prueba fuera de la franja": f"{numeral(inner.mean()):.5f}",
    "«consigna»: unidades muertas del código": (
        f"{dead_table.loc['encoder.10', 'muertas']} de 128"
    ),
    **{f"sonda lineal sobre {k}": f"{numeral(v):.1%}" for k, v in probes.items()},
}
for what, value in summary.items():
    print(f"{what}: {value}")
