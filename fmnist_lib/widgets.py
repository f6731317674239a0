"""Interactive widgets that compute in the page, in the notebook's language: an output-size
calculator whose formula runs in JavaScript (PyTorch's check in the kernel), and two browsers —
reconstructions by class, misclassified images by confusion.

So they work on the book's static pages as well as in a live notebook; their words follow
``wording.language``. The calculator (``SizeCalculator``, an ``anywidget``) runs its formula in
JavaScript (``size_calculator.js``, a copy of ``arithmetic``'s formulas that the tests hold
equal to them); only its check against a real PyTorch layer needs the kernel, and the page says
so where none runs. The browsers compute every view when they are built and switch between
them in the browser (``jslink``).
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import torch
import traitlets
from PIL import Image
from torch import nn

from .arithmetic import conv_output_size, conv_transpose_output_size, pool_output_size
from .data import CLASS_NAMES, ImageSet, to_float
from .evaluation import predict, reconstruct
from .plots import mosaic
from .settings import check_language
from .wording import Texts, Words, language

LAYERS = ("Conv2d", "MaxPool2d", "ConvTranspose2d")
SETTINGS = ("kind", "size", "kernel_size", "stride", "padding", "dilation", "output_padding")
PIXELATED = "fmnist-pixelated"  # an image enlarged without smoothing (the book's CSS)
CALCULATOR_JS = Path(__file__).with_name("size_calculator.js")

# The widgets' words, by key, in every language of the course. The calculator's are sent to its
# JavaScript whole (``calculator_words``); ``{field}``s are filled there or here.
TEXTS: Texts = {
    "calculator": {"en": "Output-size calculator", "es": "Calculadora del tamaño de salida"},
    "layer": {"en": "layer", "es": "capa"},
    "size": {"en": "input size", "es": "tamaño de entrada"},
    "kernel_size": {"en": "kernel size", "es": "tamaño del núcleo"},
    "stride": {"en": "stride", "es": "paso"},
    "padding": {"en": "padding", "es": "relleno"},
    "dilation": {"en": "dilation", "es": "dilatación"},
    "output_padding": {
        "en": "output padding (transposed only)",
        "es": "relleno de salida (solo transpuesta)",
    },
    "output_size": {"en": "output size D_out", "es": "tamaño de salida D_out"},
    "formula": {"en": "formula", "es": "fórmula"},
    "impossible": {"en": "impossible", "es": "imposible"},
    "empty": {
        "en": "the kernel spans {span} pixels but the padded input has only {padded}: the output "
        "would be empty",
        "es": "el núcleo abarca {span} píxeles pero la entrada con relleno tiene solo {padded}: "
        "la salida quedaría vacía",
    },
    "pool_padding": {
        "en": "pooling padding must be at most half the window ({half}): a window made only of "
        "padding has no maximum",
        "es": "el relleno del agrupamiento debe ser a lo sumo la mitad de la ventana ({half}): "
        "una ventana hecha solo de relleno no tiene máximo",
    },
    "output_padding_limit": {
        "en": "P_out must be smaller than the stride or the dilation ({limit})",
        "es": "P_out debe ser menor que el paso o la dilatación ({limit})",
    },
    "cropped": {
        "en": "the output would have {out} pixels: the padding crops more than the layer produces",
        "es": "la salida tendría {out} píxeles: el relleno recorta más de lo que la capa produce",
    },
    "match": {"en": "the same", "es": "el mismo"},
    "mismatch": {"en": "NOT the same", "es": "NO es el mismo"},
    "no_kernel": {
        "en": "PyTorch's check runs in Python: open the notebook in JupyterLab or Colab to see "
        "it (on this page only the formula is computed)",
        "es": "La verificación con PyTorch se hace en Python: abre el cuaderno en JupyterLab o "
        "Colab para verla (en esta página solo se calcula la fórmula)",
    },
    "class": {"en": "class", "es": "clase"},
    "rows": {"en": "rows: original, {models}", "es": "filas: original, {models}"},
    "reconstructions.alt": {
        "en": "{count} test images of class {name} (top row) and their reconstructions by "
        "{models} (one row each)",
        "es": "{count} imágenes de prueba de la clase {name} (fila de arriba) y sus "
        "reconstrucciones por {models} (una fila cada uno)",
    },
    "true_predicted": {"en": "true → predicted", "es": "real → predicha"},
    "confusion.caption": {
        "en": "{count} {true} images predicted as {predicted}; {shown} shown",
        "es": "{count} imágenes de {true} predichas como {predicted}; se muestran {shown}",
    },
    "confusion.all": {"en": "all", "es": "todas"},
    "confusion.first": {"en": "the first {count}", "es": "las primeras {count}"},
}
WIDGET_WORDS = Words(TEXTS, "fmnist_lib.widgets.TEXTS")

# The texts that the calculator's JavaScript shows (the sliders' names are the settings').
CALCULATOR_KEYS = (
    *SETTINGS[1:],
    *("calculator", "layer", "output_size", "formula", "impossible"),
    *("match", "mismatch", "no_kernel"),  # PyTorch's size beside ours, or no kernel to ask
    *("empty", "pool_padding", "output_padding_limit", "cropped"),  # why a size is impossible
)


def widget_text(key: str, **fields: object) -> str:
    """The widget text ``key`` in the notebook's language, its ``{field}``s filled."""
    return WIDGET_WORDS.here(key, **fields)


def calculator_words(lang: str | None = None) -> dict[str, str]:
    """The calculator's words in ``lang`` (default: the notebook's), ``{field}``s left for its
    JavaScript to fill."""
    lang = check_language(lang or language())
    return {key: WIDGET_WORDS.texts[key][lang] for key in CALCULATOR_KEYS}


def check_against_pytorch(
    kind: str,
    size: int,
    kernel_size: int,
    stride: int,
    padding: int,
    dilation: int = 1,
    output_padding: int = 0,
) -> dict:
    """Our formula's output size and a real PyTorch layer's, for one square input, and a message
    in the notebook's language: whether they are the same, or why the layer is impossible."""
    layer: nn.Module
    try:
        if kind == "Conv2d":
            ours = conv_output_size(size, kernel_size, stride, padding, dilation)
            layer = nn.Conv2d(1, 1, kernel_size, stride, padding, dilation)
        elif kind == "MaxPool2d":
            ours = pool_output_size(size, kernel_size, stride, padding, dilation)
            layer = nn.MaxPool2d(kernel_size, stride, padding, dilation)
        elif kind == "ConvTranspose2d":
            ours = conv_transpose_output_size(
                size, kernel_size, stride, padding, output_padding, dilation
            )
            layer = nn.ConvTranspose2d(
                1, 1, kernel_size, stride, padding, output_padding, dilation=dilation
            )
        else:
            raise ValueError(f"kind must be one of {LAYERS}")
    except ValueError as exc:
        return {"ours": None, "pytorch": None, "message": str(exc)}
    with torch.no_grad():
        real = layer(torch.zeros(1, 1, size, size)).shape[-1]
    return {
        "ours": ours,
        "pytorch": real,
        "message": widget_text("match" if ours == real else "mismatch"),
    }


class SizeCalculator(anywidget.AnyWidget):
    """A layer's settings (a menu and sliders) and its output size, computed in the page by
    ``size_calculator.js``; the kernel checks each setting against a real PyTorch layer
    (``checked``: the settings it checked, with our size and PyTorch's, None where impossible)."""

    _esm = CALCULATOR_JS
    kind = traitlets.Unicode("Conv2d").tag(sync=True)
    size = traitlets.Int(28).tag(sync=True)
    kernel_size = traitlets.Int(3).tag(sync=True)
    stride = traitlets.Int(1).tag(sync=True)
    padding = traitlets.Int(0).tag(sync=True)
    dilation = traitlets.Int(1).tag(sync=True)
    output_padding = traitlets.Int(0).tag(sync=True)
    words = traitlets.Dict().tag(sync=True)  # calculator_words, in the notebook's language
    checked = traitlets.Dict().tag(sync=True)

    def __init__(self, **settings: Any) -> None:
        super().__init__(words=calculator_words(), **settings)
        self.observe(self._check, names=list(SETTINGS))
        self._check()

    def settings(self) -> dict[str, Any]:
        """The layer's settings now, by name."""
        return {name: getattr(self, name) for name in SETTINGS}

    def _check(self, _change: object = None) -> None:
        answer = check_against_pytorch(**self.settings())
        self.checked = {**self.settings(), "ours": answer["ours"], "pytorch": answer["pytorch"]}

    def __repr__(self) -> str:  # the text shown where the widget is not drawn
        s = self.settings()
        return (
            f"{self.words['calculator']}: {s['kind']}, D_in = {s['size']}, "
            f"K = {s['kernel_size']}, S = {s['stride']}, P = {s['padding']}, d = {s['dilation']}, "
            f"P_out = {s['output_padding']} → D_out = {self.checked['ours']}"
        )


def size_calculator(**settings: Any) -> SizeCalculator:
    """A menu and sliders for a layer's settings; shows the formula's output size (computed in
    the page) next to PyTorch's (checked by the kernel)."""
    return SizeCalculator(**settings)


def png_of_images(images: torch.Tensor, rows: int, scale: int = 1) -> bytes:
    """Images in [0, 1] (N, 1, 28, 28) tiled ``rows`` high, dark on white like the course's
    figures, each pixel drawn ``scale`` times: a small grayscale PNG."""
    tiles = mosaic((images.clamp(0, 1) * 255).round().to(torch.uint8), rows)
    canvas = np.kron(255 - tiles, np.ones((scale, scale), dtype=np.uint8))
    buffer = io.BytesIO()
    Image.fromarray(canvas, mode="L").save(buffer, format="png", optimize=True)
    return buffer.getvalue()


def _picture(png: bytes, alt: str, zoom: int = 2) -> Any:
    """The PNG as an <img> (in an HTML widget: the image widget has no alt text, and its
    tooltip breaks the book's embed manager), drawn ``zoom`` times its size (the file stays
    small), shrunk to fit a narrow screen, described by ``alt``. Its class ``PIXELATED`` asks
    for sharp pixels."""
    import ipywidgets as w

    width, height = (zoom * side for side in Image.open(io.BytesIO(png)).size)
    source = base64.b64encode(png).decode("ascii")
    picture = w.HTML(
        f'<img src="data:image/png;base64,{source}" alt="{html.escape(alt)}" width="{width}" '
        f'height="{height}" style="max-width: 100%; height: auto">'
    )
    picture.add_class(PIXELATED)
    return picture


def _linked_views(label: str, options: Sequence[str], views: Sequence[Any]) -> Any:
    """A dropdown that shows one of ``views``; linked in the browser, so no kernel is needed."""
    import ipywidgets as w

    selector = w.Dropdown(
        options=[(o, i) for i, o in enumerate(options)],
        description=label,
        style={"description_width": "initial"},  # the whole label, not cut to 80 px
    )
    return w.VBox([selector, _one_at_a_time(selector, views)])


def _one_at_a_time(selector: Any, views: Sequence[Any]) -> Any:
    """``views``, the one ``selector`` picks shown: ipywidgets 8's ``Stack``, linked in the
    browser (the book's pages have no kernel). ipywidgets 7 (Colab's 7.7) has no ``Stack``: there,
    a box whose child the kernel swaps when the selection changes."""
    import ipywidgets as w

    if hasattr(w, "Stack"):
        stack = w.Stack(list(views), selected_index=0)
        w.jslink((selector, "index"), (stack, "selected_index"))
        return stack
    box = w.Box([views[0]])

    def show(change: dict[str, Any]) -> None:
        if change["new"] is not None:
            box.children = (views[change["new"]],)

    selector.observe(show, names="index")
    return box


def reconstruction_browser(
    models: Mapping[str, nn.Module], data: ImageSet, per_class: int = 6
) -> Any:
    """Pick a class: its first ``per_class`` images of ``data`` (top row) and each model's
    reconstructions of them (one row per model, in the order of ``models``)."""
    import ipywidgets as w

    names = ", ".join(models)
    rows = widget_text("rows", models=names)
    views = []
    for c in range(len(CLASS_NAMES)):
        images = data.images[(data.labels == c).nonzero().flatten()[:per_class]]  # uint8
        stacked = torch.cat([to_float(images), *(reconstruct(m, images) for m in models.values())])
        alt = widget_text(
            "reconstructions.alt", count=len(images), name=CLASS_NAMES[c], models=names
        )
        picture = _picture(png_of_images(stacked, rows=len(models) + 1), alt)
        views.append(w.VBox([picture, w.HTML(f"<small>{html.escape(rows)}</small>")]))
    return _linked_views(widget_text("class"), CLASS_NAMES, views)


def confusions(
    truth: torch.Tensor, predicted: torch.Tensor, top: int
) -> list[tuple[int, int, int]]:
    """The ``top`` most frequent mistakes as (true class, predicted class, count), largest
    first (ties: by true class, then predicted class)."""
    wrong = truth != predicted
    counts = torch.bincount(truth[wrong] * 10 + predicted[wrong], minlength=100)
    order = sorted(range(100), key=lambda k: (-int(counts[k]), k))
    return [(k // 10, k % 10, int(counts[k])) for k in order[:top] if counts[k] > 0]


def confusion_browser(model: nn.Module, data: ImageSet, top: int = 10, per_cell: int = 8) -> Any:
    """Step through the classifier's most frequent mistakes on ``data`` (cells of the confusion
    matrix off its diagonal, largest first): up to ``per_cell`` of the misclassified images."""
    import ipywidgets as w

    truth, predicted = data.labels, predict(model, data)
    cells = confusions(truth, predicted, top)
    options, views = [], []
    for t, p, count in cells:
        index = ((truth == t) & (predicted == p)).nonzero().flatten()[:per_cell]
        shown = widget_text("confusion.first", count=len(index)) if count > len(index) else None
        true, wrong = CLASS_NAMES[t], CLASS_NAMES[p]
        options.append(f"{true} → {wrong} ({count})")
        caption = widget_text(
            "confusion.caption",
            count=count,
            true=true,
            predicted=wrong,
            shown=shown or widget_text("confusion.all"),
        )
        picture = _picture(png_of_images(to_float(data.images[index]), rows=2), caption)
        views.append(w.VBox([picture, w.HTML(f"<small>{html.escape(caption)}</small>")]))
    return _linked_views(widget_text("true_predicted"), options, views)
