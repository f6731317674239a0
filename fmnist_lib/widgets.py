"""Interactive widgets (ipywidgets): an output-size calculator that checks the formula against
PyTorch, and two browsers — reconstructions by class, misclassified images by confusion.

The browsers compute every view when they are built and switch between them in the browser
(``jslink``), so they work on the static book as well as in a live notebook. The calculator
computes on each change and needs a live kernel: its result carries the CSS class ``LIVE_ONLY``,
which the book's script replaces with a note once a control is moved on a static page.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
from PIL import Image
from torch import nn

from .arithmetic import conv_output_size, conv_transpose_output_size, pool_output_size
from .data import CLASS_NAMES, ImageSet, to_float
from .evaluation import predict, reconstruct
from .plots import mosaic

LAYERS = ("Conv2d", "MaxPool2d", "ConvTranspose2d")
LIVE_ONLY = "fmnist-live-only"  # a result computed by the kernel: stale on a static page
PIXELATED = "fmnist-pixelated"  # an image enlarged without smoothing (the book's CSS)


def check_against_pytorch(
    kind: str,
    size: int,
    kernel_size: int,
    stride: int,
    padding: int,
    dilation: int = 1,
    output_padding: int = 0,
) -> dict:
    """Our formula's output size and a real PyTorch layer's, for one square input."""
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
    return {"ours": ours, "pytorch": real, "message": "match" if ours == real else "MISMATCH"}


def size_calculator():
    """Sliders for the layer's settings; shows the formula's result next to PyTorch's."""
    import ipywidgets as w

    controls = {
        "kind": w.Dropdown(options=LAYERS, value="Conv2d", description="layer"),
        "size": w.IntSlider(28, 1, 64, description="D_in", tooltip="input size D_in"),
        "kernel_size": w.IntSlider(3, 1, 9, description="K", tooltip="kernel size K"),
        "stride": w.IntSlider(1, 1, 4, description="S", tooltip="stride S"),
        "padding": w.IntSlider(0, 0, 4, description="P", tooltip="padding P"),
        "dilation": w.IntSlider(1, 1, 3, description="dilation", tooltip="dilation"),
        "output_padding": w.IntSlider(
            0, 0, 3, description="P_out", tooltip="output padding P_out (transposed only)"
        ),
    }
    out = w.HTML()
    out.add_class(LIVE_ONLY)

    def update(_=None) -> None:
        r = check_against_pytorch(**{k: c.value for k, c in controls.items()})
        if r["ours"] is None:
            out.value = f"<b>impossible:</b> {r['message']}"
        else:
            out.value = (
                f"formula: <b>{r['ours']}</b> &nbsp; PyTorch: <b>{r['pytorch']}</b> "
                f"&nbsp; ({r['message']})"
            )

    for c in controls.values():
        c.observe(update, names="value")
    update()
    return w.VBox([*controls.values(), out])


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
    stack = w.Stack(list(views), selected_index=0)
    w.jslink((selector, "index"), (stack, "selected_index"))
    return w.VBox([selector, stack])


def reconstruction_browser(
    models: Mapping[str, nn.Module], data: ImageSet, per_class: int = 6
) -> Any:
    """Pick a class: its first ``per_class`` images of ``data`` (top row) and each model's
    reconstructions of them (one row per model, in the order of ``models``)."""
    import ipywidgets as w

    rows = "rows: original, " + ", ".join(models)
    views = []
    for c in range(len(CLASS_NAMES)):
        images = data.images[(data.labels == c).nonzero().flatten()[:per_class]]  # uint8
        stacked = torch.cat([to_float(images), *(reconstruct(m, images) for m in models.values())])
        alt = (f"{len(images)} test images of class {CLASS_NAMES[c]} (top row) and their "
               f"reconstructions by {', '.join(models)} (one row each)")  # fmt: skip
        picture = _picture(png_of_images(stacked, rows=len(models) + 1), alt)
        views.append(w.VBox([picture, w.HTML(f"<small>{rows}</small>")]))
    return _linked_views("class", CLASS_NAMES, views)


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
        shown = f"the first {len(index)}" if count > len(index) else "all"
        options.append(f"{CLASS_NAMES[t]} → {CLASS_NAMES[p]} ({count})")
        caption = (f"{count} {CLASS_NAMES[t]} images predicted as {CLASS_NAMES[p]}; "
                   f"{shown} shown")  # fmt: skip
        picture = _picture(png_of_images(to_float(data.images[index]), rows=2), caption)
        views.append(w.VBox([picture, w.HTML(f"<small>{caption}</small>")]))
    return _linked_views("true → predicted", options, views)
