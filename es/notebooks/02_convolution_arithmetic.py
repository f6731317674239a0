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

# %% [markdown] translation={"source": "ebca5aac8eee33e0"}
# # 2. Aritmética de la convolución
#
# [![Abrir en Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/fmnist-course/fmnist-course/blob/v0.1.0/es/notebooks/02_convolution_arithmetic.ipynb)
#
# Una red convolucional es una pila de capas que cambian la *forma* de un tensor: los canales
# aparecen y desaparecen, las imágenes se achican y se agrandan. Si te equivocas en un tamaño,
# PyTorch se detiene con un error de forma; si primero lo calculas bien en papel, la arquitectura
# sale sola. Este capítulo deduce las dos fórmulas que usa el informe, las contrasta con PyTorch y
# las usa para leer, capa por capa, los tres autocodificadores (autoencoders) del curso.
#
# **Objetivos.** Después de este capítulo podrás:
#
# - calcular el tamaño de salida de una convolución o de una capa de agrupamiento (pooling) con la
#   ecuación (1), y el de una convolución transpuesta con la ecuación (2), y contrastarlo con una
#   capa real de PyTorch;
# - elegir el relleno (padding) y el relleno de salida (output padding) que hacen que una etapa
#   del decodificador (decoder) llegue a un tamaño dado;
# - explicar por qué una convolución transpuesta es la transpuesta de una convolución y no su
#   inversa, y qué filas de la salida deja un relleno de salida solo en manos del sesgo (bias);
# - leer un modelo capa por capa con `trace_shapes`: formas de salida, parámetros,
#   multiplicaciones-sumas (multiply-adds);
# - encontrar y corregir los errores de los listados de modelos del informe.
#
# **Tiempo de estudio.** Unos 100 minutos: unos 50 para leer el capítulo y ejecutar sus celdas, y
# unos diez para cada uno de sus 5 ejercicios (estimado a partir de su extensión, a razón de unas
# 100 palabras de texto o diez líneas de código por minuto). Ejecutarlo lleva menos de medio
# minuto (26 s medidos con el presupuesto full en una CPU de 2 núcleos).

# %% tags=["hide-input"] translation={"source": "45891f1dda165721"}
if "google.colab" in str(get_ipython()):  # en Colab: instala la biblioteca del curso
    # %pip install -q \
#         "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"

# %% [markdown] translation={"source": "6e6af241c646dfad"}
# ## Núcleo, paso, relleno, canales
#
# Una convolución 2-D desliza un pequeño **núcleo** (kernel) de $K \times K$ pesos (weights) sobre
# la imagen. En cada posición multiplica el núcleo por el parche que tiene debajo y suma: un píxel
# de salida. El **paso** (stride) $S$ es cuántos píxeles se desplaza el núcleo de una posición a la
# siguiente; el **relleno** $P$ agrega un borde de ceros para que el núcleo también pueda ubicarse
# sobre los bordes. Con $C_{in}$ canales de entrada, el núcleo tiene $C_{in}$ rebanadas (una por
# canal) y sus sumas se acumulan; una capa con $C_{out}$ canales de salida tiene $C_{out}$ núcleos
# como ese. Por lo tanto, la capa tiene $C_{out}(C_{in} K^2 + 1)$ parámetros, *sea cual sea el
# tamaño de la imagen*: los mismos pesos se usan en todas las posiciones.
#
# Primero, sobre una cuadrícula lo bastante chica como para verificarla a mano: una entrada de
# $5 \times 5$ con los números del 1 al 25, un relleno $P = 1$, un núcleo de $3 \times 3$ cuyos
# nueve pesos valen 1 (así cada salida es simplemente la suma de los nueve números que quedan
# debajo del núcleo) y un paso $S = 2$. Cada fila de la figura muestra una posición del núcleo y
# la celda de salida que llena.

# %% translation={"source": "296ced788e05c2bb"}
import torch

from fmnist_lib.course import setup
from fmnist_lib.diagrams import convolution_diagram
from fmnist_lib.numerals import numeral

setup()  # fija las semillas de los generadores aleatorios y prepara las figuras
small_grid = torch.arange(1, 26).reshape(5, 5)  # los números del 1 al 25
fig = convolution_diagram(small_grid, kernel_size=3, stride=2, padding=1)

# %% [markdown] translation={"source": "6a2f2879895730c6"}
# Léela fila por fila. El relleno pone un borde de ceros (en gris) alrededor de la entrada, de
# modo que la cuadrícula con relleno es de $7 \times 7$, y la primera posición del núcleo cubre
# su esquina superior izquierda: cinco de sus nueve celdas son relleno, y la suma es
# $1 + 2 + 6 + 7 = 16$. El paso desplaza el núcleo $S = 2$ celdas a la derecha para la siguiente
# celda de salida, y 2 celdas hacia abajo para la siguiente fila de salidas. En cada dirección
# caben tres posiciones (las columnas 0–2, 2–4 y 4–6 de la cuadrícula con relleno), así que la
# salida es de $3 \times 3$; una cuarta se saldría de la cuadrícula. Sin el relleno, el núcleo
# nunca podría quedar centrado sobre un píxel del borde de la entrada: los números de las
# esquinas, 1, 5, 21 y 25, quedarían siempre en una esquina de la ventana. La sección
# siguiente cuenta las posiciones con una fórmula.
#
# Ahora, un núcleo de $3 \times 3$ hecho a mano (responde a los bordes verticales) aplicado a
# una imagen de Fashion-MNIST, con tres combinaciones de paso y relleno:

# %% translation={"source": "de67fbfc7a73725f"}
import torch.nn.functional as F

from fmnist_lib.data import load_official, to_float
from fmnist_lib.plots import convolved_images

train, _ = load_official()
image = to_float(train.images[1:2])  # una camiseta (T-shirt), de forma (1, 1, 28, 28)
edge = torch.tensor([[[[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]]])

settings = [
    dict(stride=1, padding=0),
    dict(stride=1, padding=1),
    dict(stride=2, padding=1),
]
outputs = {
    f"S={kw['stride']}, P={kw['padding']}": F.conv2d(image, edge, **kw)[0, 0]
    for kw in settings
}
fig = convolved_images(image[0, 0], outputs)

# %% [markdown] translation={"source": "2326c86aab1bcad8"}
# ## Ecuación (1): convolución y agrupamiento
#
# A lo largo de una dimensión, la entrada con relleno tiene $D_{in} + 2P$ píxeles. Un núcleo de
# tamaño $K$ cabe en $D_{in} + 2P - K + 1$ posiciones con paso 1; con paso $S$ nos quedamos con
# una de cada $S$:
#
# $$ D_{out} = \left\lfloor \frac{D_{in} - K + 2P}{S} \right\rfloor + 1 \qquad (1) $$
#
# La función piso $\lfloor\cdot\rfloor$ (el informe la escribe "pe[·]", *parte entera*) descarta
# una última posición en la que el núcleo se saldría de la imagen. El **agrupamiento máximo** (max
# pooling) usa la misma fórmula: una ventana de $K \times K$ se desliza con paso $S$ (por defecto
# $S = K$) y se queda con el valor más grande. No tiene ningún peso.
#
# La forma general de PyTorch agrega la **dilatación** (dilation) $d$ (huecos entre los elementos
# del núcleo: el núcleo abarca entonces $d(K-1)+1$ píxeles):
#
# $$ D_{out} = \left\lfloor \frac{D_{in} + 2P - d(K - 1) - 1}{S} \right\rfloor + 1 $$
#
# que es la ecuación (1) cuando $d = 1$. `fmnist_lib.arithmetic` implementa ambas, y lo
# contrastamos con capas reales:

# %% tags=["nbval-check-output"] translation={"source": "940c8cd02a38e2f8"}
from torch import nn

from fmnist_lib.arithmetic import (
    conv_output_size,
    conv_transpose_output_size,
    pool_output_size,
)


def real(layer: nn.Module, size: int) -> int:
    """The output size PyTorch actually produces (the ground truth for our formulas)."""
    return layer(
        torch.zeros(
            1, layer.in_channels if hasattr(layer, "in_channels") else 1, size, size
        )
    ).shape[-1]


cases = [
    ("Conv2d(1, 16, k=3)", conv_output_size(28, 3), real(nn.Conv2d(1, 16, 3), 28)),
    ("MaxPool2d(2) sobre 26", pool_output_size(26, 2), real(nn.MaxPool2d(2), 26)),
    ("MaxPool2d(2) sobre 11", pool_output_size(11, 2), real(nn.MaxPool2d(2), 11)),
    (
        "Conv2d(32, 64, k=3, s=2, p=1)",
        conv_output_size(28, 3, 2, 1),
        real(nn.Conv2d(32, 64, 3, 2, 1), 28),
    ),
    (
        "Conv2d(1, 1, k=3, dilation=2)",
        conv_output_size(28, 3, dilation=2),
        real(nn.Conv2d(1, 1, 3, dilation=2), 28),
    ),
]
for name, ours, pytorch in cases:
    print(f"{name:<32} fórmula {ours:>3}   PyTorch {pytorch:>3}")

# %% [markdown] translation={"source": "eddd90ae3fc55508"}
# Observa que $\lfloor (11 - 2)/2 \rfloor + 1 = 5$: al agrupar un tamaño impar se *pierden* la
# última fila y la última columna. La pequeña función `real` de arriba es parte de la lección: una
# fórmula solo merece confianza cuando coincide con la biblioteca que la va a ejecutar. (Las
# pruebas del curso hacen esto con cientos de configuraciones aleatorias.)
#
# El agrupamiento máximo en un ejemplo pequeño, para ver qué significa "se queda con el valor más
# grande":

# %% tags=["nbval-check-output"] translation={"source": "0ccf840687233d4e"}
x = torch.arange(16.0).reshape(1, 1, 4, 4) % 7
print("entrada\n", x[0, 0])
print("MaxPool2d(2)\n", nn.MaxPool2d(2)(x)[0, 0])

# %% [markdown] translation={"source": "ee579b040a2332aa"}
# ## Ecuación (2): convolución transpuesta
#
# Un decodificador tiene que volver a *agrandar* las imágenes. Una convolución transpuesta ejecuta
# una convolución al revés: cada píxel de entrada esparce en la salida una copia de $K \times K$
# del núcleo, escalada por su valor, y los píxeles de entrada consecutivos caen a $S$ píxeles de
# distancia; las superposiciones se suman. El tamaño de salida es
#
# $$ D_{out} = (D_{in} - 1)\,S - 2P + K + P_{out} \qquad (2) $$
#
# donde el relleno $P$ ahora *recorta* el borde y el **relleno de salida** $P_{out}$ agrega filas
# de un lado. ¿Por qué hace falta $P_{out}$? Porque la ecuación (1) no es invertible: con $S = 2$,
# las entradas de tamaño 27 y 28 dan ambas 14. A una convolución transpuesta que parte de 14 hay
# que decirle cuál de los dos queremos; $P_{out}$ (menor que $S$) lo elige. La forma general de
# PyTorch es $(D_{in} - 1)S - 2P + d(K-1) + P_{out} + 1$, que de nuevo es la ecuación (2) para
# $d = 1$.
#
# Así se esparce, dibujado sobre una entrada de $2 \times 2$ con los valores del 1 al 4, un
# núcleo de $3 \times 3$ unos, $S = 2$, sin relleno y con un relleno de salida $P_{out} = 1$:

# %%
from fmnist_lib.diagrams import transposed_convolution_diagram

two_by_two = torch.tensor([[1, 2], [3, 4]])
fig = transposed_convolution_diagram(
    two_by_two, kernel_size=3, stride=2, output_padding=1
)

# %% [markdown] translation={"source": "9106b0862c9f243f"}
# Cada píxel de la entrada deposita en la salida un bloque de $3 \times 3$ con su propio valor
# (recuadrado en su color): el píxel 1 cubre las filas y columnas 0–2; su vecino de la derecha,
# el píxel 2, empieza $S = 2$ columnas más allá, en la columna 2. Donde los bloques se superponen
# sus valores se suman: la columna 2 tiene 1+2 y 3+4, la fila 2 tiene 1+3 y 2+4, y la celda
# central, donde se juntan los cuatro bloques, tiene 1+2+3+4 = 10. La ecuación (2) da
# $(2 - 1) \cdot 2 - 0 + 3 = 5$ filas y columnas para lo que cubren los bloques; el relleno de
# salida agrega una sexta fila y una sexta columna (rayadas) que ningún bloque alcanza, y que solo
# tienen el sesgo de la capa (cero aquí). Así, las celdas de la salida no reciben todas la misma
# cantidad de aportes: 1, 2 o 4 en este caso, porque el núcleo (3) no es múltiplo del paso (2).
# Con pesos aprendidos, esas superposiciones desparejas son una causa conocida de los patrones de
# tablero de ajedrez que pueden pintar las convoluciones transpuestas (Odena, Dumoulin y Olah,
# 2016).

# %% tags=["nbval-check-output"] translation={"source": "e9c757240f5600d5"}
print(
    "Conv2d(k=3, s=2, p=1) lleva 27 ->",
    conv_output_size(27, 3, 2, 1),
    "y 28 ->",
    conv_output_size(28, 3, 2, 1),
)
for op in (0, 1):
    ours = conv_transpose_output_size(14, 3, stride=2, padding=1, output_padding=op)
    pytorch = real(
        nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=op), 14
    )
    print(
        "ConvTranspose2d(k=3, s=2, p=1, "
        f"output_padding={op}) desde 14: fórmula {ours}, PyTorch "
        f"{pytorch}"
    )

# %% [markdown] translation={"source": "7b5a4d1e9250652e"}
# ### Transpuesta, no inversa
#
# "Ejecuta una convolución al revés" significa algo preciso. Una convolución es una aplicación
# lineal $C$; la convolución transpuesta con el mismo núcleo es su **transpuesta** (adjunta)
# $C^\top$: para toda imagen $x$ y todo mapa $y$,
# $\langle Cx, y\rangle = \langle x, C^\top y\rangle$. Así calcula PyTorch el gradiente de una
# convolución, y de ahí viene el nombre. *No* es la inversa: $C^\top C x$ no es $x$ (una
# convolución con paso 2 descarta información, y ninguna aplicación puede recuperarla). Ambos
# hechos, verificados en doble precisión sobre entradas aleatorias:

# %% translation={"source": "73e4abc093057671"}
torch.manual_seed(0)
conv = nn.Conv2d(1, 1, 3, stride=2, padding=1, bias=False).double()  # 28 -> 14
up = nn.ConvTranspose2d(
    1, 1, 3, stride=2, padding=1, output_padding=1, bias=False
).double()
with torch.no_grad():
    up.weight.copy_(conv.weight)  # el mismo núcleo: up es la transpuesta de conv
    x = torch.randn(1, 1, 28, 28, dtype=torch.float64)
    y = torch.randn(1, 1, 14, 14, dtype=torch.float64)
    inner_cx_y, inner_x_cty = (conv(x) * y).sum().item(), (x * up(y)).sum().item()
    print(f"<C x, y> = {numeral(inner_cx_y):.12f}")
    print(f"<x, Cᵀy> = {numeral(inner_x_cty):.12f}")
    back = up(conv(x))
    inverse_error = ((back - x).norm() / x.norm()).item()
    print(
        f"|CᵀC x − x| / |x| = {numeral(inverse_error):.2f}  (0 significaría una "
        f"inversa)"
    )

# %% [markdown] translation={"source": "32991b6572b516ad"}
# Así que las convoluciones transpuestas de un decodificador no deshacen el codificador
# (encoder): son capas con sus propios pesos, *entrenadas* para llevar los códigos de vuelta a
# imágenes. El nombre solo dice qué formas conectan.

# %% [markdown] translation={"source": "1172b19d9d7d866f"}
# El relleno de salida tiene un costo. La fila y la columna extra que agrega quedan fuera del
# alcance de todos los elementos del núcleo: con $K = 3$, $S = 2$, el píxel de entrada $i$ se
# esparce en las salidas $2i, 2i+1, 2i+2$, así que desde 13 entradas la última salida alcanzada es
# $2 \cdot 12 + 2 = 26$, y la fila 27 recibe solo el sesgo. La última capa de «consigna» es
# exactamente este caso. Le preguntamos a autograd qué filas de la salida dependen en algo de la
# entrada:


# %% tags=["nbval-check-output"] translation={"source": "412740d68f9d64f8"}
def rows_reached(layer: nn.ConvTranspose2d, size: int) -> list[int]:
    """Output rows whose value depends on the input (a zero gradient means: bias
    only)."""
    x = torch.rand(1, layer.in_channels, size, size, requires_grad=True)
    out = layer(x)
    grads = [
        torch.autograd.grad(out[0, :, r].sum(), x, retain_graph=True)[0]
        for r in range(out.shape[-2])
    ]
    return [r for r, g in enumerate(grads) if g.abs().sum() > 0]


consigna_last = nn.ConvTranspose2d(16, 1, kernel_size=3, stride=2, output_padding=1)
alternative = nn.ConvTranspose2d(
    16, 1, kernel_size=4, stride=2
)  # (13 - 1)*2 + 4 = 28, sin relleno de salida
unreached = {}
for name, layer in {
    "K=3, S=2, P_out=1 (consigna)": consigna_last,
    "K=4, S=2, P_out=0": alternative,
}.items():
    reached = rows_reached(layer, 13)
    unreached[name] = sorted(set(range(28)) - set(reached))
    rows_out = conv_transpose_output_size(
        13, layer.kernel_size[0], 2, 0, layer.output_padding[0]
    )
    print(
        f"{name:<30} salida de "
        f"{rows_out}"
        f" filas, filas a las que la entrada nunca llega: {unreached[name]}"
    )

# %% [markdown] translation={"source": "d1bde84cce663781"}
# Por lo tanto, la última capa del decodificador de «consigna» pinta su última fila y su última
# columna solo con un sesgo. El defecto se acumula: su primera convolución transpuesta
# ($5 \to 13$, también con relleno de salida) deja *su* fila 12 también en manos de un sesgo, y
# las filas 25 y 26 de la imagen se calculan solo a partir de esa fila 12 — así que las *tres*
# últimas filas y columnas de toda reconstrucción de «consigna» son las mismas sea cual sea la
# imagen. El capítulo 3 mide cuánto cuesta eso. Un núcleo de 4 alcanza las 28 filas sin relleno
# de salida. (Esta función es el instrumento de la lección, como `real` más arriba.)
#
# Las configuraciones imposibles se rechazan *antes* de construir cualquier tensor, con el
# motivo:

# %% tags=["nbval-check-output"]
for bad in [
    lambda: conv_output_size(4, 7),
    lambda: conv_transpose_output_size(7, 3, stride=2, output_padding=2),
]:
    try:
        bad()
    except ValueError as error:
        print("ValueError:", error)

# %% [markdown] translation={"source": "b63420072fa2759b"}
# ## Una calculadora
#
# Elige una capa y mueve los deslizadores: la calculadora muestra el tamaño de salida que da la
# ecuación (1) (la ecuación (2) para una convolución transpuesta, ambas con la dilatación $d$),
# con tus números puestos en la fórmula. La fórmula se calcula en la propia página, así que la
# calculadora también funciona en el sitio web. Con el cuaderno en ejecución (JupyterLab, Colab),
# además se construye una capa real de PyTorch con la misma configuración y se muestra su tamaño
# de salida junto al nuestro; esa verificación necesita Python, así que el sitio web lo avisa en
# su lugar. La tabla de abajo muestra la misma verificación para algunas configuraciones.

# %%
from fmnist_lib.widgets import size_calculator

size_calculator()

# %% tags=["nbval-check-output"] translation={"source": "066743d2e68cf8a7"}
import pandas as pd

from fmnist_lib.widgets import check_against_pytorch

grid = [
    ("Conv2d", 28, 3, 1, 0),
    ("Conv2d", 28, 3, 2, 1),
    ("Conv2d", 28, 5, 1, 2),
    ("MaxPool2d", 13, 2, 2, 0),
    ("MaxPool2d", 7, 3, 2, 1),
    ("ConvTranspose2d", 7, 3, 2, 1),
    ("ConvTranspose2d", 13, 3, 2, 0),
    ("ConvTranspose2d", 5, 4, 2, 0),
]
checks = []
for k, d, kk, s, p in grid:
    check = check_against_pytorch(k, d, kk, s, p)
    checks.append(
        {
            "capa": k,
            "D_in": d,
            "K": kk,
            "S": s,
            "P": p,
            "fórmula": check["ours"],
            "PyTorch": check["pytorch"],
            "mensaje": check["message"],
        }
    )
calculator_checks = pd.DataFrame(checks)
calculator_checks

# %% [markdown] translation={"source": "a8d403ca633c5654"}
# ## Lectura de los tres autocodificadores
#
# `trace_shapes` pasa una imagen ficticia por un modelo y lista cada capa con su forma de salida,
# sus parámetros, sus multiplicaciones-sumas (las "conexiones" que calcula una pasada hacia
# adelante) y, para las capas que siguen la ecuación (1) o (2), la fórmula con los números propios
# de la capa.
#
# **Prealimentado** (feed-forward, 784-512-784): no hace falta ninguna fórmula, solo tamaños de
# matrices.

# %% tags=["nbval-check-output"]
from fmnist_lib.arithmetic import trace_shapes
from fmnist_lib.models import (
    ConsignaAutoencoder,
    FeedForwardAutoencoder,
    RaschkaAutoencoder,
)

pd.set_option("display.max_colwidth", 60)
trace_shapes(FeedForwardAutoencoder())

# %% [markdown] translation={"source": "dba2b19639cde45d"}
# **«consigna»** (la arquitectura que pide el enunciado del trabajo): dos etapas de convolución +
# agrupamiento máximo reducen $28 \to 26 \to 13 \to 11 \to 5$, una capa lineal comprime
# $32 \cdot 5 \cdot 5 = 800$ números a $n = 128$, y dos convoluciones transpuestas agrandan
# $5 \to 13 \to 28$. La primera usa $K = 4$ y $P_{out} = 1$, la segunda $P_{out} = 1$,
# justamente para llegar a 13 y a 28.

# %% tags=["nbval-check-output"]
consigna_table = trace_shapes(ConsignaAutoencoder(hidden_size=128))
consigna_table

# %% [markdown] translation={"source": "2621fd1efea8bb2f"}
# **«Raschka»** (basado en el autocodificador convolucional de S. Raschka para STAT 453): sin
# agrupamiento; convoluciones con paso 2 y relleno 1 reducen el tamaño a la mitad
# ($28 \to 14 \to 7$). Las convoluciones transpuestas del decodificador dan
# $7 \to 7 \to 13 \to 27 \to 29$ — un píxel de más — y una capa `Trim` recorta de vuelta a
# $28 \times 28$. Otros tamaños de núcleo o de relleno habrían evitado el recorte (ejercicio 4);
# el original lo conserva.

# %% tags=["nbval-check-output"]
trace_shapes(RaschkaAutoencoder(hidden_size=128))

# %% [markdown] translation={"source": "bf0e5747d774b5c3"}
# ## Campos receptivos: lo que ve una unidad
#
# Los mismos números $K$, $S$, $P$, $d$ dicen *de qué píxeles* depende una unidad de una capa: su
# **campo receptivo** (receptive field). Sigue tres cantidades desde la imagen (donde una "unidad"
# es un píxel: $r = 1$, $j = 1$, $start = 0$) a través de cada capa:
#
# * el tamaño del campo $r$: los $K$ elementos de un núcleo están separados por $d\,j_{in}$
#   píxeles de entrada, así que $r_{out} = r_{in} + (K - 1)\,d\,j_{in}$;
# * el **salto** (jump) $j$, la distancia en píxeles de entrada entre unidades vecinas:
#   $j_{out} = j_{in}\,S$;
# * el centro de la primera unidad, en coordenadas de píxel (el píxel $i$ está centrado en $i$):
#   $start_{out} = start_{in} + \left(\frac{K - 1}{2} d - P\right) j_{in}$.
#
# Las activaciones, el dropout y la normalización por lotes (batch norm) actúan sobre cada píxel
# por separado y dejan el campo como está; después de `Flatten` y de una capa `Linear`, cada
# unidad ve la imagen completa. El paso multiplica el salto, y el salto multiplica cada núcleo
# posterior: por eso las capas que vienen *después* de una reducción de resolución
# (downsampling) son las que más rápido agrandan el campo. El agrupamiento sigue la misma regla
# que una convolución.
#
# Como con las fórmulas de tamaño, no confiamos en la recurrencia hasta que PyTorch esté de
# acuerdo. La columna "measured" le pregunta a autograd: toma el gradiente de la unidad central
# respecto de la entrada y mide el recuadro de píxeles donde no es cero. Lo hace sobre una copia
# *linealizada* de las capas (todos los pesos iguales a 1, agrupamiento promedio en lugar de
# agrupamiento máximo, sin activación), porque las capas reales ocultan píxeles: una ReLU en cero
# no deja pasar gradiente, y el agrupamiento máximo lo envía solo al píxel más grande de cada
# ventana (`help(gradient_footprint)` lo explica).

# %% tags=["nbval-check-output"] translation={"source": "fd498fdc67bef60f"}
from fmnist_lib.arithmetic import receptive_field_table
from fmnist_lib.models import raschka_pool_encoder

for name, encoder in {
    "consigna": ConsignaAutoencoder(hidden_size=128).encoder,
    "Raschka": RaschkaAutoencoder(hidden_size=128).encoder,
    "Raschka con agrupamiento (capítulo 7)": raschka_pool_encoder(
        hidden_size=10, dropout=0.0
    ),
}.items():
    print(f"«{name}»")
    display(receptive_field_table(encoder, measure=True))

# %% [markdown] translation={"source": "e31fffee9b9a1568"}
# Después de su último agrupamiento, una unidad de «consigna» ve $10 \times 10$ píxeles: buena
# parte de una prenda, pero nunca toda. Solo la capa `Linear` que sigue a `Flatten` junta las 25
# posiciones del mapa de $5 \times 5$. Las cuatro convoluciones de Raschka llegan a
# $17 \times 17$ sin ningún agrupamiento: sus dos capas con paso 2 duplican el salto dos veces, y
# luego la última convolución de $3 \times 3$ agrega $2 \cdot 4 = 8$ píxeles. La variante con
# agrupamiento llega a $20 \times 20$ con los mismos núcleos y los mismos tamaños de mapa, porque
# cada ventana de agrupamiento también suma al campo. Dibujados sobre la camiseta, para la unidad
# del centro de cada mapa:

# %% translation={"source": "179411d6ccb9f66c"}
from fmnist_lib.arithmetic import receptive_fields
from fmnist_lib.plots import receptive_field_squares

squares = {}
for name, model in {
    "consigna": ConsignaAutoencoder(),
    "Raschka": RaschkaAutoencoder(),
}.items():
    spatial = [rf for rf in receptive_fields(model.encoder) if not rf.whole_image]
    # (capa, primer píxel, tamaño) de la unidad central de cada mapa
    squares[name] = [
        (rf.name, rf.span(rf.output_hw[0] // 2)[0], rf.size) for rf in spatial
    ]
fig = receptive_field_squares(image[0, 0], squares)

# %% [markdown] translation={"source": "0df8ce782ea13373"}
# ## Los listados del informe, corregidos — ejercicios resueltos
#
# El informe presenta sus modelos como código. Cuatro cosas de esos listados están mal; cada una
# es un error clásico, así que reproducimos cada falla y su corrección.
#
# **1. `nn.Sequential([...])` — una lista en lugar de módulos.** `Sequential` recibe los módulos
# como argumentos separados. Si le das una lista, PyTorch se niega:

# %% tags=["nbval-check-output"] translation={"source": "fe1555933bc7b68b"}
try:
    nn.Sequential([nn.Conv2d(1, 16, 3), nn.ReLU()])
except TypeError as error:
    print("TypeError:", error)
layers = [nn.Conv2d(1, 16, 3), nn.ReLU()]
print(nn.Sequential(*layers))  # la corrección: desempaquetar la lista

# %% [markdown] translation={"source": "14e5f5c58c249c56"}
# **2. Un `Dropout` después del `Sigmoid` final.** El decodificador de consigna terminaba con
# `nn.Sigmoid(), nn.Dropout(p)`. En modo de entrenamiento, el dropout pone en cero una fracción
# $p$ de los *píxeles de salida* y multiplica el resto por $1/(1-p)$: la reconstrucción ya no está
# en $[0, 1]$ y la pérdida (loss) castiga a la red por píxeles que nunca eligió. La corrección:
# terminar el decodificador en la sigmoide (el dropout va entre capas ocultas).

# %% tags=["nbval-check-output"] translation={"source": "d659246908c138c2"}
torch.manual_seed(0)
pixels = torch.sigmoid(torch.randn(1, 784))
dropped = nn.Dropout(0.2).train()(pixels)
print(f"tras Sigmoid: mín {numeral(pixels.min()):.3f}, máx {numeral(pixels.max()):.3f}")
print(
    "tras Sigmoid + Dropout(0.2): "
    f"{int((dropped == 0).sum())} de 784 píxeles puestos a cero, máx "
    f"{numeral(dropped.max()):.3f} > 1"
)

# %% [markdown] translation={"source": "db99987fbd598949"}
# **3. `nn.Conv2d(1, 32, stride=1, 1, kernel_size=(3, 3), padding=1)`.** En Python, un argumento
# posicional no puede ir después de un argumento por palabra clave: esta línea ni siquiera
# compila. La corrección: palabras clave en todo,
# `nn.Conv2d(1, 32, kernel_size=3, stride=1, padding=1)`.

# %% tags=["nbval-check-output"]
try:
    compile(
        "nn.Conv2d(1, 32, stride=1, 1, kernel_size=(3, 3), padding=1)",
        "<listing>",
        "eval",
    )
except SyntaxError as error:
    print("SyntaxError:", error.msg)
print(nn.Conv2d(1, 32, kernel_size=3, stride=1, padding=1))

# %% [markdown] translation={"source": "ea5182e4b02730b6"}
# **4. Comentarios de dimensiones.** Los comentarios del decodificador de Raschka dicen
# "(7-1)\*2+2+1=13" para la segunda convolución transpuesta y "(27-1)\*3+29" para la última. El
# primero da 15, no los 13 que anuncia: el relleno *resta* $2P$, así que la ecuación (2) da
# $(7-1)\cdot 2 - 2\cdot 1 + 3 + 0 = 13$. El segundo confunde el paso (1, no 3) y escribe la
# respuesta como un término: $(27-1)\cdot 1 - 0 + 3 + 0 = 29$.

# %% tags=["nbval-check-output"] translation={"source": "c488f048081ce079"}
print(
    "comentario (7-1)*2+2+1 =",
    (7 - 1) * 2 + 2 + 1,
    "| ecuación (2):",
    conv_transpose_output_size(7, 3, stride=2, padding=1),
)
print(
    "comentario (27-1)*3+29 =",
    (27 - 1) * 3 + 29,
    "| ecuación (2):",
    conv_transpose_output_size(27, 3, stride=1, padding=0),
)

# %% [markdown] translation={"source": "65105d4bf6d0f0a1"}
# Los modelos de la biblioteca (`fmnist_lib`) son las versiones corregidas; cada corrección está
# explicada en el docstring del modelo (`help(ConsignaAutoencoder)`).

# %% [markdown] translation={"source": "a4807fe836e0096b"}
# ## Ejercicios
#

# %%
from fmnist_lib.exercises import check_answer

# %% [markdown] translation={"source": "475f69d95ce87ee9"}
# 1. **Predice y luego ejecuta.** La primera figura usaba un núcleo de $3 \times 3$. Cámbialo por
#    un desenfoque de $5 \times 5$, `blur = torch.ones(1, 1, 5, 5) / 25`, mantén
#    `stride=2, padding=1` y predice con la ecuación (1) el tamaño de salida sobre la imagen de
#    $28 \times 28$ antes de ejecutar `F.conv2d(image, blur, stride=2, padding=1)`.

# %% translation={"source": "1a6a8a8db2ccad1e"}
answer = ...  # ejercicio 1: el tamaño de salida (un número, o blurred.shape)
check_answer("2.1", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "4981c240272078d4"}
# <details><summary>Solución 1</summary>
#
# La ecuación (1) con $D_{in} = 28$, $K = 5$, $P = 1$, $S = 2$:
#
# $$\lfloor (28 - 5 + 2 \cdot 1) / 2 \rfloor + 1 = \lfloor 12{,}5 \rfloor + 1 = 13 .$$
#
# La función piso descarta el último medio paso: una decimocuarta posición requeriría que el núcleo
# se saliera de la imagen con relleno. Los valores del núcleo no importan, solo su tamaño.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "c061cdf76b352678"}
# %%solution
blur = torch.ones(1, 1, 5, 5) / 25
blurred = F.conv2d(image, blur, stride=2, padding=1)
print(
    "forma de la salida:",
    tuple(blurred.shape),
    "| ecuación (1):",
    conv_output_size(28, 5, 2, 1),
)
check_answer("2.1", blurred.shape)

# %% [markdown] translation={"source": "5461449bc8f67717"}
# 2. ¿Qué tamaño da `MaxPool2d(2)` sobre un mapa de $13 \times 13$, y qué filas y columnas de su
#    entrada no mira nunca?

# %% translation={"source": "ed64049868c48e6c"}
answer = ...  # ejercicio 2: el tamaño de salida
check_answer("2.2", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "154957586ebb5794"}
# <details><summary>Solución 2</summary>
#
# El paso del agrupamiento es, por defecto, igual al tamaño de su núcleo, así que la ecuación (1)
# da $\lfloor (13 - 2) / 2 \rfloor + 1 = 6$. Las seis ventanas cubren las filas (y columnas) 0 a
# 11; la última fila y la última columna, la 12, no se miran nunca. La celda lo muestra: un mapa
# que vale cero salvo en su última fila y su última columna da todo ceros al agruparlo. El
# codificador de «consigna» pierde una fila y una columna de la misma manera cuando agrupa
# $11 \to 5$.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "e867770c3eba56b8"}
# %%solution
probe = torch.zeros(1, 1, 13, 13)
probe[..., 12, :] = 1.0  # solo la última fila
probe[..., :, 12] = 1.0  # y la última columna no son cero
pooled = nn.MaxPool2d(2)(probe)
print(
    "forma de la salida:",
    tuple(pooled.shape),
    "| mayor valor agrupado:",
    f"{numeral(pooled.max().item())}",
)
check_answer("2.2", pooled.shape[-1])

# %% [markdown] translation={"source": "6bdbb2104aa45c4d"}
# 3. Diseña una etapa de decodificador que lleve $7 \to 14$ con $K = 3$, $S = 2$: ¿qué relleno $P$
#    y qué relleno de salida $P_{out}$? Responde con el par `(P, P_out)`; verifícalo con la
#    calculadora y luego con `conv_transpose_output_size`.

# %% translation={"source": "dedb8822be15e599"}
answer = ...  # ejercicio 3: (P, P_out)
check_answer("2.3", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "de6eeb51a628b102"}
# <details><summary>Solución 3</summary>
#
# Ecuación (2):
#
# $$(7 - 1) \cdot 2 - 2P + 3 + P_{out} = 15 - 2P + P_{out} = 14 ,$$
#
# así que $2P - P_{out} = 1$. El relleno de salida debe ser menor que el paso, $P_{out} \in \{0,
# 1\}$;
# $P_{out} = 0$ requeriría $P = 1/2$, así que $P = 1$ y $P_{out} = 1$, la única opción. La celda
# busca entre todos los rellenos menores que $K$ para confirmarlo, ejecuta la capa real y le
# pregunta a `rows_reached` qué filas de la salida dependen de la entrada: todas. A diferencia de
# la capa de «consigna» de más arriba, ninguna fila queda solo en manos del sesgo, porque el
# relleno recorta una fila en cada extremo; la última fila de salida, la 13, es la fila sin
# recortar $13 + P = 14 = 2 \cdot 6 + 2$, a la que llega el último píxel de entrada ($i = 6$).
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "79834a08a9a604d6"}
# %%solution
settings_7_to_14 = [
    (p, op)
    for p in range(3)
    for op in range(2)
    if conv_transpose_output_size(7, 3, stride=2, padding=p, output_padding=op) == 14
]
stage = nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=1)
print(
    "(P, P_out) que llevan 7 -> 14:",
    settings_7_to_14,
    "| PyTorch con (1, 1):",
    real(stage, 7),
)
print(
    "filas de salida a las que la entrada nunca llega:",
    sorted(set(range(14)) - set(rows_reached(stage, 7))),
)
check_answer("2.3", settings_7_to_14[0])

# %% [markdown] translation={"source": "5f84b148e1ba7e1d"}
# 4. Reemplaza las dos últimas convoluciones transpuestas de Raschka para que el decodificador
#    llegue exactamente a $28 \times 28$ sin `Trim`. Verifica tu decodificador con
#    `trace_shapes(decoder, input_shape=(128,))` y pregúntale a `rows_reached` si cada fila de la
#    salida depende de la entrada.

# %% translation={"source": "fa8def856d27cf40"}
answer = ...  # ejercicio 4: la forma que da tu decodificador (canales, alto, ancho)
check_answer("2.4", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "091c722ff76ec80a"}
# <details><summary>Solución 4</summary>
#
# Antes de sus dos últimas convoluciones transpuestas, el decodificador de Raschka está en
# $13 \times 13$. Un diseño posible: `ConvTranspose2d(64, 32, kernel_size=4, stride=2)` da
# $(13 - 1) \cdot 2 + 4 = 28$, y luego `ConvTranspose2d(32, 1, kernel_size=3, stride=1, padding=1)`
# lo mantiene, $(28 - 1) \cdot 1 - 2 + 3 = 28$. Otro: `kernel_size=3, stride=2, output_padding=1`
# también da 28, pero, como mostró la sección sobre el relleno de salida, su última fila y su
# última columna reciben entonces solo el sesgo; el núcleo de 4 alcanza todas las filas. La celda
# construye el decodificador con el primer diseño, lo pasa por `trace_shapes` y le pregunta a
# `rows_reached`.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "518b3074c662b8f0"}
# %%solution
raschka_decoder = RaschkaAutoencoder(hidden_size=128).decoder
fixed_decoder = nn.Sequential(
    *raschka_decoder[:8],  # de la capa Linear hasta la etapa (64, 13, 13)
    nn.ConvTranspose2d(64, 32, kernel_size=4, stride=2),  # (32, 28, 28)
    nn.LeakyReLU(0.01),
    nn.ConvTranspose2d(32, 1, kernel_size=3, stride=1, padding=1),  # (1, 28, 28)
    nn.Sigmoid(),
)
print(
    "filas a las que nunca se llega:",
    sorted(set(range(28)) - set(rows_reached(fixed_decoder[8], 13))),
)
display(trace_shapes(fixed_decoder, input_shape=(128,)))
check_answer("2.4", fixed_decoder(torch.zeros(1, 128)).shape[1:])

# %% [markdown] translation={"source": "6e994f0cb65ee7f2"}
# 5. La tabla del autocodificador «consigna» muestra pocos parámetros pero muchas
#    multiplicaciones-sumas en sus convoluciones. Calcula a mano las multiplicaciones-sumas de la
#    primera convolución para una imagen, y explica de dónde sale el factor entre sus
#    multiplicaciones-sumas y sus pesos.

# %% translation={"source": "ea7f56355ed9f8d2"}
# ejercicio 5: las multiplicaciones-sumas de la primera convolución, para una imagen
answer = ...
check_answer("2.5", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"] translation={"source": "65e18180cdc69066"}
# <details><summary>Solución 5</summary>
#
# La primera convolución tiene 16 núcleos de $3 \times 3 \times 1$ pesos y produce un mapa de
# $16 \times 26 \times 26$. Cada valor de salida es un producto escalar de un núcleo con un parche:
# 9 multiplicaciones-sumas. Así, la capa calcula $9 \cdot 16 \cdot 26 \cdot 26 = 97\,344$
# multiplicaciones-sumas por imagen, mientras que tiene solo $16 \cdot 9 = 144$ pesos (y 16 sesgos:
# 160 parámetros). El factor es el número de posiciones de salida, $26 \cdot 26 = 676$: una
# convolución usa cada uno de sus pesos una vez en cada posición (pesos compartidos, weight
# sharing). La segunda convolución hace lo mismo en $11 \cdot 11 = 121$ posiciones. Una capa densa,
# en cambio, usa cada peso una vez por imagen. La celda rehace la cuenta de ambas convoluciones a
# partir de las formas y los parámetros de la tabla.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"] translation={"source": "d45a6d027d6805b6"}
# %%solution
by_hand = {}
for name, row in consigna_table[consigna_table["tipo"] == "Conv2d"].iterrows():
    c_out, h_out, w_out = row["forma de salida"]
    weights = row["parámetros"] - c_out  # un sesgo por canal de salida
    by_hand[name] = weights * h_out * w_out
    print(
        f"{name}: {numeral(weights):,} pesos x {h_out} x {w_out} posiciones = "
        f"{numeral(by_hand[name]):,} "
        f"multiplicaciones-sumas (tabla: {numeral(row['multiplicaciones-sumas']):,})"
    )
check_answer("2.5", next(iter(by_hand.values())))

# %% [markdown] translation={"source": "af5139311e0cf4d9"}
# ## Resumen
#
# - La ecuación (1) da el tamaño de salida de una convolución o de una capa de agrupamiento; la
#   ecuación (2), el de una convolución transpuesta; ambas coinciden con PyTorch en todos los
#   casos verificados aquí.
# - La ecuación (1) redondea hacia abajo, así que no es invertible: a una convolución transpuesta
#   se le indica qué tamaño producir mediante su relleno de salida, y un relleno de salida puede
#   dejar solo en manos del sesgo una fila y una columna que ningún elemento del núcleo alcanza.
# - Una convolución transpuesta es la transpuesta (adjunta) de una convolución, no su inversa: un
#   decodificador aprende sus propios pesos.
# - `trace_shapes` lee un modelo capa por capa; una convolución tiene pocos parámetros y muchas
#   multiplicaciones-sumas, porque reutiliza sus pesos en cada posición.
# - Los listados del informe tenían cuatro errores: una lista pasada a `Sequential`, un dropout
#   después de la sigmoide final, un argumento posicional después de argumentos por palabra clave
#   y comentarios de dimensiones cuyas cuentas no cierran.
#
# **Ponte a prueba:** [un cuestionario sobre las ideas de este capítulo](quizzes/02_quiz.ipynb),
# con una explicación para cada respuesta.

# %% translation={"source": "3f63ecb6a88dafdc"}
print(
    "ecuación (1) = PyTorch en "
    f"{sum(o == p for _, o, p in cases)} de {len(cases)} casos"
)
print(
    "tabla de la calculadora: fórmula = PyTorch en "
    f"{(calculator_checks['fórmula'] == calculator_checks['PyTorch']).sum()} "
    f"de {len(calculator_checks)} configuraciones, convoluciones transpuestas incluidas"
)
print(
    f"<C x, y> - <x, Cᵀy> = {numeral(inner_cx_y - inner_x_cty):.1e}; "
    f"|CᵀC x − x| / |x| = {numeral(inverse_error):.2f}"
)
for name, rows in unreached.items():
    print(f"{name}: filas de salida que quedan en manos del sesgo {rows}")
convolutions = consigna_table[consigna_table["tipo"] == "Conv2d"]
print(
    f"convoluciones de consigna: {numeral(convolutions['parámetros'].sum()):,} "
    f"parámetros, {numeral(convolutions['multiplicaciones-sumas'].sum()):,} "
    "multiplicaciones-sumas por imagen"
)
