"""The words on the course's figures, in English and in Spanish (the Spanish edition).

``plots`` writes every title, axis label, legend entry and description through ``text`` (its own
fixed texts, by key) and ``phrase`` (names and titles that a notebook passes, such as a model's
title or "training (solid) vs validation (dashed)"). The language is
``settings.language_from_env()``: a notebook of ``es/notebooks`` draws in Spanish with the same
code as its English twin. Class names stay the dataset's (English) names, as in the chapters.

The course's one lookup of words is here: ``Words`` (a table of fixed texts by key, in every
language) and ``translated`` (a whole text recorded in English, with its Spanish). The figures'
words, the numbers' (``fmnist_lib.numerals``) and the reproduction report's
(``fmnist_lib.reproduction.report_words``) are tables looked up through them, each language
checked by ``settings.check_language``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from .settings import check_language, language_from_env

#: A table of fixed texts: by key, then by language.
Texts = dict[str, dict[str, str]]


@dataclass(frozen=True)
class Words:
    """A table of fixed texts, by key, each in every language of the course, with ``{field}``s
    that the caller fills in; ``home`` names the table (for the error of a missing key)."""

    texts: Texts
    home: str

    def __call__(self, key: str, lang: str = "en", **fields: object) -> str:
        """The text ``key`` in ``lang``, its ``{field}``s filled."""
        if key not in self.texts:
            raise KeyError(f"no text {key!r} in {self.home}")
        return self.texts[key][check_language(lang)].format(**fields)

    def here(self, key: str, **fields: object) -> str:
        """The text ``key`` in the notebook's language (``language()``), its ``{field}``s filled."""
        return self(key, language(), **fields)

    def __contains__(self, key: object) -> bool:
        return key in self.texts


def translated(text: str, lang: str, spanish: Mapping[str, str]) -> str:
    """A whole text recorded in English (a claim, an experiment's note) in ``lang``: its
    Spanish from ``spanish`` when listed there, else as recorded."""
    return spanish.get(text, text) if check_language(lang) == "es" else text


# Every fixed text of ``plots``, by key; ``{field}``s are filled by the plotting function.
TEXTS: Texts = {
    "epoch": {"en": "epoch", "es": "época"},
    "step": {"en": "step", "es": "paso"},
    "images": {"en": "images", "es": "imágenes"},
    "train": {"en": "{name} train", "es": "{name} entrenamiento"},
    "validation": {"en": "{name} validation", "es": "{name} validación"},
    "original": {"en": "original", "es": "original"},
    "seed_curves.alt": {
        "en": "Line chart of {what} for {names}: one thin line per seed, with, where the seeds "
        "share their epochs, a shaded band from their lowest to their highest value and their "
        "mean as a thick line; the legend gives the number of seeds.",
        "es": "Gráfico de líneas de {what} para {names}: una línea fina por semilla y, donde las "
        "semillas comparten sus épocas, una franja sombreada de su valor más bajo al más alto y "
        "su media como línea gruesa; la leyenda da el número de semillas.",
    },
    "depth": {"en": "layer (1 = next to the input)", "es": "capa (1 = junto a la entrada)"},
    "sample_grid.title": {
        "en": "Random training images, one row per class",
        "es": "Imágenes de entrenamiento al azar, una fila por clase",
    },
    "sample_grid.alt": {
        "en": "A grid of Fashion-MNIST images, {per_class} random images per row, one row per "
        "class, labelled from 0 {first} to 9 {last}.",
        "es": "Una cuadrícula de imágenes de Fashion-MNIST, {per_class} imágenes al azar por "
        "fila, una fila por clase, rotuladas de 0 {first} a 9 {last}.",
    },
    "class_histogram.title": {
        "en": "Class balance per split",
        "es": "Imágenes de cada clase en cada conjunto",
    },
    "class_histogram.split": {
        "en": "{split}: {low} to {high} per class",
        "es": "{split}: de {low} a {high} por clase",
    },
    "class_histogram.alt": {
        "en": "Bar chart of the number of images of each of the ten classes in the splits "
        "{splits} ({per_split}).",
        "es": "Gráfico de barras del número de imágenes de cada una de las diez clases en los "
        "conjuntos de {splits} ({per_split}).",
    },
    "training_curves.alt": {
        "en": "{title}{shown} per epoch{scale}, training (solid) and validation (dashed) for "
        "{names}.",
        "es": "{title}{shown} por época{scale}, entrenamiento (continua) y validación "
        "(discontinua) de {names}.",
    },
    "log_scale": {"en": ", log scale", "es": ", escala logarítmica"},
    "and": {"en": " and ", "es": " y "},
    "gap_curves.ylabel": {
        "en": "train − validation accuracy (points)",
        "es": "exactitud de entrenamiento − validación (puntos)",
    },
    "gap_curves.alt": {
        "en": "{title}training minus validation accuracy, in points, per epoch for {names}; a "
        "line at zero.",
        "es": "{title}exactitud de entrenamiento menos la de validación, en puntos, por época "
        "de {names}; una línea en cero.",
    },
    "reconstructions.title": {
        "en": "Validation images and their reconstructions",
        "es": "Imágenes de validación y sus reconstrucciones",
    },
    "reconstructions.alt": {
        "en": "{n} validation images in the top row and, in one row each below, their "
        "reconstructions by {names}.",
        "es": "{n} imágenes de validación en la fila de arriba y, debajo, una fila por modelo "
        "con sus reconstrucciones: {names}.",
    },
    "confusion.title": {
        "en": "{title}: accuracy {accuracy}",
        "es": "{title}: exactitud {accuracy}",
    },
    "confusion.predicted": {"en": "predicted class", "es": "clase predicha"},
    "confusion.true": {"en": "true class", "es": "clase verdadera"},
    "confusion.alt": {
        "en": "Confusion matrices one above the other ({names}): rows are the true classes, "
        "columns the predicted classes, each cell the count of test images, darker for larger "
        "counts.",
        "es": "Matrices de confusión una encima de otra ({names}): las filas son las clases "
        "verdaderas; las columnas, las predichas; cada celda, el número de imágenes de prueba, "
        "más oscura cuanto mayor es.",
    },
    "signal.forward": {
        "en": "Forward: spread of each layer's activations",
        "es": "Hacia adelante: dispersión de las activaciones de cada capa",
    },
    "signal.backward": {
        "en": "Backward: gradient of each layer",
        "es": "Hacia atrás: gradiente de cada capa",
    },
    "signal.std": {
        "en": "standard deviation (log scale)",
        "es": "desviación estándar (escala log.)",
    },
    "signal.grad": {"en": "gradient norm (log scale)", "es": "norma del gradiente (escala log.)"},
    "signal.alt": {
        "en": "Two panels against layer depth, log scale: above, the standard deviation of each "
        "layer's activations; below, the norm of each layer's weight gradient; one line per "
        "initialisation ({names}).",
        "es": "Dos paneles en función de la profundidad de la capa, en escala logarítmica: "
        "arriba, la desviación estándar de las activaciones de cada capa; abajo, la "
        "norma del gradiente de sus pesos; una línea por inicialización ({names}).",
    },
    "norms.grad_norm": {"en": "gradient norm", "es": "norma del gradiente"},
    "norms.update_norm": {"en": "update norm", "es": "norma de la actualización"},
    "norms.ylabel": {"en": "{what} (log scale)", "es": "{what} (escala log.)"},
    "norms.title": {"en": "{what} of each layer", "es": "{what} de cada capa"},
    "norms.loss": {"en": "training loss", "es": "pérdida de entrenamiento"},
    "norms.loss_title": {"en": "Loss during training", "es": "Pérdida durante el entrenamiento"},
    "norms.alt": {
        "en": "Two panels: above, the {what} of each layer against its depth, log scale; "
        "below, the training loss over the steps; one line per network ({names}).",
        "es": "Dos paneles: arriba, la {what} de cada capa en función de su "
        "profundidad, en escala logarítmica; abajo, la pérdida de entrenamiento a lo "
        "largo de los pasos; una línea por red ({names}).",
    },
    "scatter.axes": {"en": "axes {x} and {y}", "es": "ejes {x} y {y}"},
    "scatter.bare": {"en": "axes without units", "es": "ejes sin unidades"},
    "scatter.alt": {
        "en": "{title}scatter plot of {n} codes in two dimensions ({axes}), each dot coloured "
        "by its class, legend of the ten classes on the right.",
        "es": "{title}diagrama de dispersión de {n} códigos en dos dimensiones ({axes}), cada "
        "punto del color de su clase, con la leyenda de las diez clases a la derecha.",
    },
    "strip.alt": {
        "en": "{title}{rows} rows of {n} images going from the first image (t = 0) to the "
        "second (t = 1): {names}.",
        "es": "{title}{rows} filas de {n} imágenes que van de la primera imagen (t = 0) a la "
        "segunda (t = 1): {names}.",
    },
    "convolved.input": {"en": "input {h}x{w}", "es": "entrada {h}x{w}"},
    "convolved.title": {
        "en": "One kernel at {n} settings of stride and padding: the output size changes",
        "es": "Un núcleo con {n} configuraciones de paso y relleno: cambia el tamaño de salida",
    },
    "convolved.alt": {
        "en": "An image ({h}x{w}, the first panel) and its convolution with one kernel, red and "
        "blue for the two signs of the response, at {n} settings: {settings}.",
        "es": "Una imagen ({h}x{w}, el primer panel) y su convolución con un núcleo, en rojo y "
        "azul los dos signos de la respuesta, con {n} configuraciones: {settings}.",
    },
    "squares.layer": {"en": "layer {layer}: {size}x{size}", "es": "capa {layer}: {size}x{size}"},
    "squares.title": {
        "en": "Receptive fields of the middle unit, layer by layer",
        "es": "Campos receptivos de la unidad central, capa por capa",
    },
    "squares.alt": {
        "en": "The image once per model ({names}), with nested squares: the pixels that the middle "
        "unit of each convolution or pooling layer sees, growing layer by layer; a legend "
        "gives each layer's size.",
        "es": "La imagen una vez por modelo ({names}), con cuadrados anidados: los píxeles que ve "
        "la unidad central de cada capa de convolución o de agrupamiento, que crecen capa a "
        "capa; una leyenda da el tamaño de cada capa.",
    },
    "conv_diagram.position": {
        "en": "output ({row}, {col}) = sum of padded rows {top}–{bottom}, columns {left}–{right} "
        "= {value}",
        "es": "salida ({row}, {col}) = suma de las filas {top}–{bottom}, columnas {left}–{right} "
        "= {value}",
    },
    "conv_diagram.title": {
        "en": "{h}×{w} input, padding {p} (grey zeros), {k}×{k} kernel of ones,\nstride {s}: a "
        "{h_out}×{w_out} output",
        "es": "Entrada de {h}×{w}, relleno {p} (ceros grises), núcleo de {k}×{k} unos,\npaso {s}: "
        "una salida de {h_out}×{w_out}",
    },
    "conv_diagram.sum": {
        "en": "output ({row}, {col}) = {value}",
        "es": "salida ({row}, {col}) = {value}",
    },
    "conv_diagram.alt": {
        "en": "A convolution drawn on a grid: a {h}×{w} grid of numbers inside a border of zeros "
        "{p} wide (grey, hatched), and beside it the {h_out}×{w_out} output. Each of the "
        "{shown} rows shows one of the {positions} positions of the {k}×{k} window of ones, "
        "which moves {s} cells at a time, and the output cell that its sum fills: {sums}.",
        "es": "Una convolución dibujada sobre una cuadrícula: una cuadrícula de {h}×{w} números "
        "dentro de un borde de ceros de ancho {p} (gris, rayado) y, a su lado, la salida de "
        "{h_out}×{w_out}. Cada una de las {shown} filas muestra una de las {positions} "
        "posiciones de la ventana de {k}×{k} unos, que avanza {s} celdas por vez, y la celda de "
        "salida que llena su suma: {sums}.",
    },
    "transposed.input": {"en": "input {h}×{w}", "es": "entrada {h}×{w}"},
    "transposed.kernel": {"en": "kernel {k}×{k} (ones)", "es": "núcleo {k}×{k} (unos)"},
    "transposed.output": {
        "en": "output {h_out}×{w_out}: stride {s}, output_padding={op}",
        "es": "salida {h_out}×{w_out}: paso {s}, output_padding={op}",
    },
    "transposed.one": {"en": "one copy of the kernel", "es": "una copia del núcleo"},
    "transposed.many": {"en": "{n} copies add up", "es": "se suman {n} copias"},
    "transposed.unreached": {
        "en": "added by output_padding={op}: no copy, bias only",
        "es": "agregada por output_padding={op}: ninguna copia, solo el sesgo",
    },
    "transposed.title": {
        "en": "Transposed convolution: each input pixel spreads\na copy of the kernel, times its "
        "value",
        "es": "Convolución transpuesta: cada píxel de la entrada esparce\nuna copia del núcleo, "
        "multiplicada por su valor",
    },
    "transposed.alt": {
        "en": "A transposed convolution: above, a {h}×{w} input (values {values}), each pixel in "
        "its own colour, and a {k}×{k} kernel of ones; below, the {h_out}×{w_out} output with "
        "stride {s} and output_padding={op}. Each input pixel's copy of the kernel, times its "
        "value, is outlined in the pixel's colour, {s} cells from its neighbour's; each output "
        "cell shows the sum of the values that reach it, shaded darker where more copies "
        "overlap (up to {most}). No copy reaches the {unreached} cells of the rows and "
        "columns that output_padding adds (hatched: bias only).",
        "es": "Una convolución transpuesta: arriba, una entrada de {h}×{w} (valores {values}), "
        "cada píxel de un color, y un núcleo de {k}×{k} unos; abajo, la salida de "
        "{h_out}×{w_out} con paso {s} y output_padding={op}. La copia del núcleo de cada píxel "
        "de la entrada, multiplicada por su valor, está recuadrada en el color del píxel, a "
        "{s} celdas de la de su vecino; cada celda de la salida muestra la suma de los valores "
        "que la alcanzan, más oscura donde se superponen más copias (hasta {most}). Ninguna "
        "copia alcanza las {unreached} celdas de las filas y columnas que agrega "
        "output_padding (rayadas: solo el sesgo).",
    },
    "learning_rate": {"en": "learning rate", "es": "tasa de aprendizaje"},
    "batch_size": {"en": "batch size", "es": "tamaño de lote"},
    "heatmaps.title": {
        "en": "{name}: best validation loss",
        "es": "{name}: mejor pérdida de validación",
    },
    "heatmaps.alt": {
        "en": "One heatmap per model ({names}): the best validation loss of each batch size (rows) "
        "and learning rate (columns), the value written in each cell, darker for higher.",
        "es": "Un mapa de calor por modelo ({names}): la mejor pérdida de validación de cada tamaño"
        " de lote (filas) y tasa de aprendizaje (columnas), con el valor escrito en cada "
        "celda, más oscura cuanto mayor es.",
    },
    "rates.batch": {"en": "batch {batch_size}", "es": "lote {batch_size}"},
    "rates.ylabel": {
        "en": "best validation loss (mean ± sd of seeds)",
        "es": "mejor pérdida de validación (media ± desv. est. de las semillas)",
    },
    "rates.title": {
        "en": "{model}, {updates} updates each",
        "es": "{model}, {updates} actualizaciones por corrida",
    },
    "rates.alt": {
        "en": "Best validation loss (mean and error bar of {seeds} seeds) against the learning "
        "rate, both on log scales, one line per batch size ({batches}), every run making "
        "{updates} updates.",
        "es": "Mejor pérdida de validación (media y barra de error de {seeds} semillas) en "
        "función de la tasa de aprendizaje, con los dos ejes en escala logarítmica, una línea "
        "por tamaño de lote ({batches}), con {updates} actualizaciones en cada corrida.",
    },
    "study.alt": {"en": "Study {study}: {what}", "es": "Estudio {study}: {what}"},
    "study.optimization_history.png": {
        "en": "each trial's validation loss against the trial number, with the best value so "
        "far as a line.",
        "es": "la pérdida de validación de cada ensayo en función de su número, con el mejor "
        "valor hasta ese ensayo como una línea.",
    },
    "study.param_importances.png": {
        "en": "horizontal bars, the estimated importance of each searched hyperparameter for "
        "the validation loss.",
        "es": "barras horizontales, la importancia estimada de cada hiperparámetro buscado para "
        "la pérdida de validación.",
    },
    "study.slice.png": {
        "en": "one panel per searched hyperparameter, each trial's validation loss against that "
        "hyperparameter's value, coloured by trial number.",
        "es": "un panel por hiperparámetro buscado, la pérdida de validación de cada ensayo en "
        "función del valor de ese hiperparámetro, con cada punto coloreado según el número de "
        "ensayo.",
    },
}

# English words and phrases in the names and titles that notebooks and the library pass to the
# figures (model titles, dictionary keys, suptitles), with their Spanish; longest match first.
PHRASES_ES: dict[str, str] = {
    "training (solid) vs validation (dashed)": "entrenamiento (continua) vs validación "
    "(discontinua)",
    "train (solid) vs validation (dashed)": "entrenamiento (continua) vs validación (discontinua)",
    "train − validation accuracy": "exactitud de entrenamiento − validación",
    "Train − validation accuracy": "Exactitud de entrenamiento − validación",
    "mean of three seeds": "media de tres semillas",
    "validation loss (cross-entropy)": "pérdida de validación (entropía cruzada)",
    "sharpness (largest Hessian eigenvalue)": "agudeza (mayor autovalor de la hessiana)",
    "no remedy": "sin remedio",
    "dropout 0.5": "dropout 0,5",
    "weight decay 1.0": "decaimiento de pesos 1,0",
    "augmentation (shifts and flips)": "aumento de datos (desplazamientos y volteos)",
    "1,000 training images": "1.000 imágenes de entrenamiento",
    "SGD at η = 0.5, one line per seed": "SGD con η = 0,5, una línea por semilla",
    "SGD at η": "SGD con η",
    "mean over seeds": "media sobre las semillas",
    "open question": "pregunta abierta",
    "first two principal axes": "los dos primeros ejes principales",
    "test codes": "códigos de prueba",
    "decoded codes": "códigos decodificados",
    "pixel blend": "mezcla de píxeles",
    "from a sneaker to an ankle boot": "de una zapatilla deportiva a un botín",
    "logits vs softmax output": "logits vs salida softmax",
    "softmax output layer": "capa de salida softmax",
    "from scratch and fine-tuned": "desde cero y con ajuste fino",
    "from scratch, fine-tuned, frozen encoder": "desde cero, con ajuste fino, codificador "
    "congelado",
    "from scratch": "desde cero",
    "consigna frozen (128)": "consigna (128) congelado",
    "feed-forward": "prealimentado",  # the glossary's «red prealimentada»: a model, masculine
    "with max pooling": "con agrupamiento máximo",
    "the paper's protocol": "el protocolo del informe",
    "Classifiers": "Clasificadores",
    "Autoencoders": "Autocodificadores",
    "train vs validation MSE": "MSE de entrenamiento vs validación",
    "train vs validation": "entrenamiento vs validación",
    "Figure": "Figura",
    "paper": "informe",
    "sum of": "suma de",
    "seeds": "semillas",
    "Optimization History Plot": "Historial de la optimización",
    "Hyperparameter Importances": "Importancia de los hiperparámetros",
    "Hyperparameter Importance": "Importancia de los hiperparámetros",
    "Hyperparameter": "Hiperparámetro",
    "Slice Plot": "Cortes por hiperparámetro",
    "Objective Value": "Valor objetivo",
    "Best Value": "Mejor valor",
    "Infeasible Trial": "Ensayo no factible",
    "Trial": "Ensayo",
    "validation": "validación",
    "train": "entrenamiento",
    "val": "validación",
    "test": "prueba",
    "Raschka classifier": "clasificador de Raschka",
    "cross-entropy": "entropía cruzada",
    "accuracy": "exactitud",
    "registered": "registrado",
    "frozen": "congelado",
    "report": "informe",
    "ours": "nuestra",
    "seed": "semilla",
    "from": "desde",
    "and": "y",
    "of": "de",
}
_BUDGET = re.compile(r"\b(full|quick|smoke) budget\b")  # "quick budget" -> "presupuesto quick"


_SPOKEN: list[str] = []  # languages chosen by ``speaking``, the innermost last


def language() -> str:
    """The figures' language now: the one ``speaking`` chose, else
    ``settings.language_from_env``."""
    return _SPOKEN[-1] if _SPOKEN else language_from_env()


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Figures drawn inside the block use ``lang`` (e.g. the Spanish report's figures)."""
    _SPOKEN.append(check_language(lang))
    try:
        yield
    finally:
        _SPOKEN.pop()


FIGURE_WORDS = Words(TEXTS, "fmnist_lib.wording.TEXTS")


def text(key: str, lang: str | None = None, **fields: object) -> str:
    """The fixed text ``key`` in ``lang`` (default: ``language()``), its fields filled."""
    return FIGURE_WORDS(key, lang or language(), **fields)


@cache
def _phrase_pattern() -> re.Pattern[str]:
    words = sorted(PHRASES_ES, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])")


def phrase(words: str, lang: str | None = None) -> str:
    """A name or title passed to a figure, in ``lang`` (default: ``language()``): the known
    English phrases (``PHRASES_ES``) replaced, the rest (model names, numbers) kept."""
    if check_language(lang or language()) == "en":
        return words
    words = _BUDGET.sub(r"presupuesto \1", words)
    return _phrase_pattern().sub(lambda m: PHRASES_ES[m.group(1)], words)


def fields(template: str) -> set[str]:
    """The ``{field}`` names of a template (tests check both languages use the same ones)."""
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}
