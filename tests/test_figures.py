"""Figures carry a description of what they show (the book's alt text), are displayed in
notebooks at twice their pixels, at their size, and read on a phone: drawn for the book's column,
their smallest text at least ``plots.MIN_TEXT_PX`` high in it."""

import base64
import io
import itertools
import sys
from pathlib import Path
from types import SimpleNamespace

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
import torch
from docutils import frontend, nodes
from docutils.parsers import rst
from docutils.utils import new_document
from figure_inputs import FIGURES  # tests/: every figure of the course, on synthetic inputs
from nbclient import NotebookClient
from PIL import Image

from fmnist_lib import plots
from fmnist_lib.wording import speaking

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "book_ext"))
import fmnist_book as book_ext


def test_a_log_scale_labels_ticks_that_do_not_overlap() -> None:
    """Curves over a decade and a half (the report's Figure 5, autoencoders' MSE) on a log scale:
    every y tick label drawn, major or minor, keeps clear of the next (matplotlib's labels at 2,
    3, 4 and 6 × 10^k overlapped on the column's short panel); a label every half decade."""
    rows = [{"epoch": e, "train_mse": 0.07 / e, "val_mse": 0.06 / e} for e in range(1, 21)]
    fig = plots.training_curves({"a": rows}, ("mse",), ("MSE",), "T", log_scale=True)
    fig.canvas.draw()
    (ax,) = fig.axes
    low, high = ax.get_ylim()
    shown = [t for t in [*ax.yaxis.get_major_ticks(), *ax.yaxis.get_minor_ticks()]
             if low <= t.get_loc() <= high and t.label1.get_text()]  # fmt: skip
    spans = sorted((b.y0, b.y1) for b in (t.label1.get_window_extent() for t in shown))
    assert len(spans) >= 3, [t.label1.get_text() for t in shown]
    assert all(upper <= after for (_, upper), (after, _) in itertools.pairwise(spans)), spans
    plt.close(fig)


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
    assert metadata == {
        "width": width // 2,
        "height": height // 2,
        "alt": "an empty figure",
        "smallest_text_px": round(10 / 72 * plots.DPI, 2),  # the tick labels, 10 points
    }
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


# --------------------------------------------------------------------------- the column
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", list(FIGURES))
def test_every_figure_reads_on_a_phone(name: str, lang: str) -> None:
    """Each figure of the course, drawn as the chapters and the report draw it, is at most the
    column wide and its smallest text stays at least MIN_TEXT_PX high in a phone's column, and
    in the narrower box (321 px) that a chapter shows a solution's figure in."""
    with speaking(lang):
        fig = FIGURES[name]()
    assert fig.get_figwidth() <= plots.COLUMN_INCHES + 1e-9
    for column in (plots.PHONE_COLUMN_PX, SOLUTION_BOX_PX):
        smallest = plots.smallest_text_px(fig, column)
        assert smallest is not None and smallest >= plots.MIN_TEXT_PX, (
            f"{name} ({lang}): its smallest text is {smallest:.2f} px high in a {column} px column"
        )
    plt.close(fig)


#: The width of a solution's output (a folded admonition) in the book at a 390 px viewport.
SOLUTION_BOX_PX = 321


def test_the_measure_flags_a_wide_figure_with_small_text() -> None:
    """An 11-inch figure with 8-point text, as the chapters drew them before: 8 pt is 8.9 px at
    the figure's size, and a phone's column shrinks it to 343 / 880, to about 3.5 px."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), dpi=plots.DPI)
    axes[0].plot([1, 2])
    axes[1].plot([1, 2], label="a curve")
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    smallest = plots.smallest_text_px(fig)
    assert smallest is not None and smallest < plots.MIN_TEXT_PX
    assert smallest == pytest.approx(8 / 72 * plots.DPI * 343 / (11 * plots.DPI), rel=0.03)
    assert plots.smallest_text_px(fig, column_px=None) == pytest.approx(8 / 72 * plots.DPI)
    plt.close(fig)


def test_only_drawn_text_counts() -> None:
    """Empty and hidden texts, and the tick labels of axes turned off, are not measured; a
    figure without text has no smallest text."""
    fig = plt.figure(figsize=(3, 2), dpi=plots.DPI)
    ax = fig.add_subplot()
    ax.axis("off")
    ax.text(0.5, 0.5, "hidden", fontsize=4, visible=False)
    ax.set_title("", fontsize=3)
    assert plots.smallest_text_px(fig) is None
    assert plots.figure_png(fig)[1]["smallest_text_px"] is None  # recorded: no text to read
    ax.text(0.5, 0.5, "shown", fontsize=9)
    assert plots.smallest_text_px(fig) == pytest.approx(9 / 72 * plots.DPI)
    plt.close(fig)


def test_panels_fill_the_column_and_stack_what_does_not_fit() -> None:
    fig, axes = plots.panels(3, (plots.COLUMN_INCHES / 2, 2.0))
    assert len(axes) == 3 and len(fig.axes) == 3  # a 2 x 2 grid, its fourth cell removed
    assert [ax.get_subplotspec().colspan.start for ax in axes] == [0, 1, 0]
    assert fig.get_size_inches() == pytest.approx((plots.COLUMN_INCHES, 4.0))
    wide, stacked = plots.panels(2, (11, 3))
    assert [ax.get_subplotspec().rowspan.start for ax in stacked] == [0, 1]
    assert wide.get_figwidth() == pytest.approx(plots.COLUMN_INCHES)
    plt.close("all")


def test_a_legend_below_never_widens_the_figure() -> None:
    """Many long entries: the legend takes fewer columns rather than more width."""
    fig, (ax,) = plots.panels(1, (plots.COLUMN_INCHES, 3))
    for k in range(6):
        ax.plot([0, 1], [k, k], label=f"a rather long name of model number {k} (validation)")
    plots.legend_outside(ax)
    _, metadata = plots.figure_png(fig)
    assert metadata["width"] <= (plots.COLUMN_INCHES + 0.2) * plots.DPI
    assert fig.legends and fig.legends[0]._ncols == 1
    plt.close(fig)


def test_a_legend_in_one_column_leaves_the_panel_its_height() -> None:
    """A legend too wide for two columns (the Spanish Figure 5's) goes in one and the figure
    grows by its height: the panel is as tall as with a short legend, not squeezed to a line."""
    heights = {}
    for name in ("a", "a rather long name of model number (validation)"):
        fig, (ax,) = plots.panels(1, (plots.COLUMN_INCHES, 2.8))
        for k in range(8):
            ax.plot([0, 1], [k, k], label=f"{name} {k}")
        plots.legend_outside(ax, columns=(2,))
        fig.canvas.draw()
        heights[name] = ax.get_window_extent().height
        plt.close(fig)
    short, long = heights.values()
    assert long >= 0.9 * short, heights


def test_figure_png_records_the_smallest_text() -> None:
    """The stored figure carries its smallest text's height at its stored width; scaled to a
    phone's column it is what ``smallest_text_px`` measures there."""
    with speaking("en"):
        fig = FIGURES["confusion_matrices"]()
    _, metadata = plots.figure_png(fig)
    assert metadata["smallest_text_px"] == round(plots.SMALLEST_PT / 72 * plots.DPI, 2)
    on_a_phone = metadata["smallest_text_px"] * min(1, 343 / metadata["width"])
    assert on_a_phone == pytest.approx(plots.smallest_text_px(fig), rel=0.01)
    plt.close(fig)


def test_the_report_figures_are_drawn_twice_and_shown_at_their_size(tmp_path: Path) -> None:
    """``png_bytes`` (the report's and the search's figures) draws as ``figure_png`` does, at
    twice the pixels, and writes in the file the size to show it at; the book's extension gives
    the page's image that width, as myst-nb does for the chapters' figures."""
    fig = plots.describe(plt.figure(figsize=(4, 2)), "an empty figure")
    fig.add_subplot().plot([0, 1], [0, 1])
    _, metadata = plots.figure_png(fig)
    data = plots.png_bytes(fig)
    image = Image.open(io.BytesIO(data))
    assert image.size == (2 * metadata["width"], 2 * metadata["height"])
    assert image.info["dpi"] == pytest.approx((2 * plots.DPI, 2 * plots.DPI), abs=0.01)
    shown = plots.shown_size(data)
    assert shown == {k: metadata[k] for k in ("width", "height", "smallest_text_px")}
    assert plots.shown_size(base64.b64decode(PNG_1X1)) == {}
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "figure.png").write_bytes(data)
    (tmp_path / "plain.png").write_bytes(base64.b64decode(PNG_1X1))
    assert book_ext.shown_width(tmp_path / "results" / "figure.png") == metadata["width"]
    document = new_document("report.md", frontend.get_default_settings(rst.Parser))
    twice, plain = nodes.image(uri="results/figure.png"), nodes.image(uri="plain.png")
    document += [twice, plain]
    env = SimpleNamespace(docname="report", doc2path=lambda name: tmp_path / f"{name}.md")
    book_ext.figures_at_their_size(SimpleNamespace(env=env, srcdir=tmp_path), document)
    assert twice["width"] == f"{metadata['width']}px" and "width" not in plain


#: The smallest PNG: one white pixel, no text chunks.
PNG_1X1 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC"
)


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


def test_a_recorded_text_size_is_written_as_the_lab_writes_it_back() -> None:
    """JupyterLab saves 10.0 as 10: a whole size is recorded as an int, so that opening and
    saving a chapter does not rewrite it (book_checks/test_lab.py)."""
    fig, ax = plt.subplots(figsize=(4, 3), dpi=plots.DPI)
    ax.set_title("nine points", fontsize=9)  # 9 pt at 80 dpi: exactly 10 px
    ax.set_xticks([])
    ax.set_yticks([])
    _, metadata = plots.figure_png(plots.describe(fig, "a title only"))
    assert metadata["smallest_text_px"] == 10 and isinstance(metadata["smallest_text_px"], int)
    plt.close(fig)
