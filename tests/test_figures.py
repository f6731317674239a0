"""Figures carry a description of what they show (the book's alt text) and are displayed in
notebooks at twice their pixels, at their size."""

import base64
import io

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
import torch
from nbclient import NotebookClient
from PIL import Image

from fmnist_lib import plots


def test_a_description_is_attached_normalised_and_required() -> None:
    fig = plt.figure()
    assert plots.alt_text(fig) is None
    assert plots.describe(fig, "  Two   lines\n of text ") is fig
    assert plots.alt_text(fig) == "Two lines of text"
    with pytest.raises(ValueError, match="must say what it shows"):
        plots.describe(fig, "   ")
    plt.close(fig)


def test_figure_png_has_twice_the_pixels_and_says_its_size() -> None:
    fig = plots.describe(plt.figure(figsize=(4, 2)), "an empty figure")
    fig.add_subplot().plot([0, 1], [0, 1])
    data, metadata = plots.figure_png(fig)
    width, height = Image.open(io.BytesIO(data)).size
    assert metadata == {"width": width // 2, "height": height // 2, "alt": "an empty figure"}
    assert 2 * 4 * plots.DPI * 0.8 < width <= 2 * 4 * plots.DPI  # tight bounding box
    plt.close(fig)


def test_the_course_figures_say_what_they_show() -> None:
    rows = [{"epoch": e, "train_loss": 1 / e, "val_loss": 1.2 / e} for e in (1, 2, 3)]
    curves = plots.training_curves({"model A": rows, "model B": rows}, ("loss",), ("MSE",), "T")
    assert "model A, model B" in (plots.alt_text(curves) or "")
    assert "training (solid) and validation (dashed)" in (plots.alt_text(curves) or "")
    points, labels = torch.randn(50, 2), torch.arange(50) % 10
    scatter = plots.latent_scatter(points, labels, "codes")
    assert "50 codes" in (plots.alt_text(scatter) or "")
    counts = plots.class_histogram({"train": [5] * 10, "test": [1, 2] * 5})
    assert "test: 1 to 2 per class" in (plots.alt_text(counts) or "")
    plt.close("all")


CELLS = [
    "from fmnist_lib.course import setup\nsetup()",
    "import matplotlib.pyplot as plt\nfrom fmnist_lib.plots import describe\n"
    "fig = describe(plt.figure(figsize=(3, 2)), 'a described figure')\n"
    "fig.add_subplot().plot([1, 2])",
    "fig = plt.figure(figsize=(3, 2))\nfig.add_subplot().plot([1, 2])",
]


@pytest.mark.slow
def test_a_notebook_shows_figures_sharp_and_with_their_description() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    NotebookClient(nb, timeout=120, extra_arguments=[]).execute()
    images = [
        o for c in nb.cells[1:] for o in c.outputs if "image/png" in o.get("data", {})
    ]  # one per figure
    assert len(images) == 2, [c.outputs for c in nb.cells]
    described, plain = (o.get("metadata", {}).get("image/png", {}) for o in images)
    assert described["alt"] == "a described figure" and "alt" not in plain
    pixels = Image.open(io.BytesIO(base64.b64decode(images[0]["data"]["image/png"])))
    assert pixels.size == (2 * described["width"], 2 * described["height"])


def test_a_spanish_figure_writes_its_tick_labels_with_a_decimal_comma() -> None:
    from fmnist_lib.wording import speaking

    history = {"m": [{"epoch": 1, "train_loss": 0.52, "val_loss": 0.61},
                     {"epoch": 2, "train_loss": 0.31, "val_loss": 0.45}]}  # fmt: skip
    labels = {}
    for lang in ("en", "es"):
        with speaking(lang):
            fig = plots.training_curves(history)
        fig.canvas.draw()
        labels[lang] = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        plt.close(fig)
    assert any("." in label for label in labels["en"])
    assert labels["es"] == [label.replace(".", ",") for label in labels["en"]]
    assert not any("." in label for label in labels["es"])


def test_a_spanish_figure_writes_numbers_that_label_its_ticks_too() -> None:
    """seaborn's heatmap labels its ticks with the numbers themselves (a FixedFormatter of
    floats): they are written the Spanish way too, not refused."""
    from fmnist_lib.wording import speaking

    fig, ax = plt.subplots()
    ax.set_xticks([0, 1])
    ax.set_xticklabels([np.float64(0.001), np.float64(0.01)])
    with speaking("es"):
        plots.describe(fig, "two numbers as tick labels")
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0,001", "0,01"]
    plt.close(fig)
