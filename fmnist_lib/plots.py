"""Figures of the course: samples, training curves (the paper's Figures 5 and 7),
reconstructions (Figure 6) and confusion matrices. Each function returns a matplotlib Figure
that carries a description of what it shows (``describe``, ``alt_text``): in a notebook,
``figure_png`` shows it at twice the resolution with that description as its alt text. Titles,
labels and descriptions are in the notebook's language (``wording``: English, or Spanish in
``es/notebooks``).

Every figure is drawn for the column it is read in (``COLUMN_INCHES``): at most that wide, its
panels side by side only where they fit and stacked otherwise (``panels``), its legends below
the data, so that its smallest text stays at least ``MIN_TEXT_PX`` CSS pixels high in a phone's
column of ``PHONE_COLUMN_PX`` (``smallest_text_px`` measures it; ``figure_png`` records it).
"""

from __future__ import annotations

import io
import math
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
import torch
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Rectangle
from matplotlib.ticker import Formatter, MaxNLocator
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from .data import CLASS_NAMES, ImageSet
from .numerals import count, number, numbers_written
from .wording import language, phrase, text

DPI = 80  # modest, so that notebooks with figures stay small; notebooks draw at 2 x DPI
#: A phone's column (a 390 px screen less the page's margins), in CSS px, and the smallest text
#: height (CSS px) a figure may show in it.
PHONE_COLUMN_PX = 343
MIN_TEXT_PX = 7.0
#: The smallest font any figure uses (legends, numbers written in cells), in points.
SMALLEST_PT = 9
#: The widest a figure is drawn, in inches. Shown at ``DPI`` px an inch, with the 0.1 in margins
#: of a tight bounding box: 5.2 in is at most 432 px, which a phone's column shrinks to 0.79, so
#: that 9-point text (10 px) keeps 7.9 px there, and 7.4 px in the narrower box of a solution
#: (321 px); at 1366 px the book's column shows it whole.
COLUMN_INCHES = 5.2
_ALT: weakref.WeakKeyDictionary[Figure, str] = weakref.WeakKeyDictionary()


def describe(fig: Figure, text: str) -> Figure:
    """Attach ``text``, what the figure shows (for readers who cannot see it), to ``fig``; in the
    book it becomes the image's alt text. Its tick labels are written in the figure's language
    (``written_ticks``). Returns ``fig``."""
    if not text.strip():
        raise ValueError("a figure's description must say what it shows, got an empty text")
    _ALT[fig] = " ".join(text.split())
    written_ticks(fig, language())
    return fig


class _Wrapping(Formatter):
    """A tick formatter that labels with another one, ``inner``, which sees the same axis and
    tick locations."""

    def __init__(self, inner: Formatter) -> None:
        self.inner = inner

    def set_axis(self, axis: Any) -> None:
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def set_locs(self, locs: Any) -> None:
        self.inner.set_locs(locs)

    def get_offset(self) -> str:
        return str(self.inner.get_offset())


class _WrittenIn(_Wrapping):
    """A tick formatter that writes what another one writes in ``lang``: its numbers as
    ``numerals`` writes them (Spanish: ``0.5`` → ``0,5``)."""

    def __init__(self, inner: Formatter, lang: str) -> None:
        super().__init__(inner)
        self.lang = lang

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self._written(self.inner(x, pos))

    def get_offset(self) -> str:
        return self._written(self.inner.get_offset())

    def _written(self, label: object) -> str:  # a FixedFormatter may hold numbers (seaborn)
        return numbers_written(str(label), self.lang)


class _HalfDecades(_Wrapping):
    """A log axis's minor tick labels at 3 × 10^k only, which with the decades' labels make one
    about every half decade: matplotlib labels 2, 3, 4 and 6 × 10^k on an axis that spans less
    than two decades, and on a panel as short as the column's they overlap."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        coefficient = x / 10 ** math.floor(math.log10(x) + 1e-9)
        return str(self.inner(x, pos)) if round(coefficient) == 3 else ""


def written_ticks(fig: Figure, lang: str) -> None:
    """Every axis of ``fig`` labels its ticks in ``lang`` (the English figures keep
    matplotlib's own labels)."""
    if lang == "en":
        return
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for formatter, setter in (
                (axis.get_major_formatter(), axis.set_major_formatter),
                (axis.get_minor_formatter(), axis.set_minor_formatter),
            ):
                if not isinstance(formatter, _WrittenIn):
                    setter(_WrittenIn(formatter, lang))


def alt_text(fig: Figure) -> str | None:
    """The description attached by ``describe``, or None."""
    return _ALT.get(fig)


def figure_png(fig: Figure) -> tuple[bytes, dict[str, Any]]:
    """The notebooks' display of a figure: a PNG at twice ``DPI`` (sharp on high-density
    screens) with metadata that shows it at its ``DPI`` size (``width``, ``height``), its
    description as ``alt``, and ``smallest_text_px``: the height in CSS px of its smallest text
    when it is shown at that size (shown at another width, the text scales with it; None for a
    figure without text)."""
    data, metadata = _drawn_twice(fig)
    if (alt := alt_text(fig)) is not None:
        metadata["alt"] = alt
    return data, metadata


#: The prefix of the PNG text chunks in which ``png_bytes`` writes a figure's display size.
PNG_KEY = "fmnist:"


def _as_json_writes_it(x: float) -> float | int:
    """``x`` to two decimals, a whole number as an int: the value JupyterLab's JavaScript writes
    back unchanged when it saves a notebook (it writes 10.0 as 10)."""
    rounded = round(x, 2)
    return int(rounded) if rounded.is_integer() else rounded


def _drawn_twice(fig: Figure, in_file: bool = False) -> tuple[bytes, dict[str, Any]]:
    """``fig`` as a PNG at twice ``DPI`` in 256 colours, and how to show it: ``width`` and
    ``height`` (CSS px at its ``DPI`` size) and ``smallest_text_px`` (at that size). With
    ``in_file``, the file says so itself: text chunks ``PNG_KEY`` + each name, and a resolution
    of twice ``DPI``."""
    drawn = io.BytesIO()
    fig.savefig(drawn, format="png", dpi=2 * DPI, bbox_inches="tight")
    image = Image.open(io.BytesIO(drawn.getvalue())).convert("RGB")
    smallest = smallest_text_px(fig, column_px=None)  # None: a figure without text
    shown: dict[str, Any] = {"width": image.width // 2, "height": image.height // 2}
    shown["smallest_text_px"] = None if smallest is None else _as_json_writes_it(smallest)
    # 256 colours, no dithering: a third of the size, the same to the eye for plots
    small = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    if in_file:
        chunks = PngInfo()
        for name, value in shown.items():
            chunks.add_text(PNG_KEY + name, "none" if value is None else str(value))
        small.save(buffer, format="png", optimize=True, dpi=(2 * DPI, 2 * DPI), pnginfo=chunks)
    else:
        small.save(buffer, format="png", optimize=True)
    return buffer.getvalue(), shown


def shown_size(png: bytes) -> dict[str, float | None]:
    """What a PNG written by ``png_bytes`` says of its display (``width``, ``height``,
    ``smallest_text_px``, None for a figure without text); empty for any other PNG."""
    chunks = getattr(Image.open(io.BytesIO(png)), "text", {})
    return {
        k[len(PNG_KEY) :]: None if v == "none" else float(v)
        for k, v in chunks.items()
        if k.startswith(PNG_KEY)
    }


def _drawn_text(fig: Figure) -> tuple[list[float], float]:
    """The font sizes (points) of the texts that drawing ``fig`` writes (titles, labels, tick
    labels, legends, annotations; empty ones left out) and the width in inches of the figure
    saved with ``bbox_inches="tight"``."""
    width, height = fig.get_size_inches() * fig.dpi
    renderer = RendererAgg(int(width), int(height), fig.dpi)
    sizes: list[float] = []
    draw_text = renderer.draw_text

    def recording(gc: Any, x: float, y: float, s: str, prop: Any, *rest: Any, **kw: Any) -> None:
        if s.strip():
            sizes.append(float(prop.get_size_in_points()))
        draw_text(gc, x, y, s, prop, *rest, **kw)

    renderer.draw_text = recording  # type: ignore[method-assign]
    fig.draw(renderer)
    tight = fig.get_tightbbox(renderer)
    return sizes, tight.width + 2 * plt.rcParams["savefig.pad_inches"]


def smallest_text_px(fig: Figure, column_px: float | None = PHONE_COLUMN_PX) -> float | None:
    """The height in CSS px of the smallest text ``fig`` shows (its font size) when displayed as
    ``figure_png`` shows it (``DPI`` px an inch, tight bounding box) in a column ``column_px``
    wide, which shrinks a wider figure to fit (None: at its own size); None if it has no text."""
    sizes, inches = _drawn_text(fig)
    if not sizes:
        return None
    shrink = 1.0 if column_px is None else min(1.0, column_px / (inches * DPI))
    return min(sizes) / 72 * DPI * shrink


def panels(n: int, size: tuple[float, float], **subplots: Any) -> tuple[Figure, list[Axes]]:
    """A figure of ``n`` panels, each about ``size`` (width, height; inches), in a grid of as
    many columns as fit in ``COLUMN_INCHES`` (one: stacked), with matplotlib's constrained
    layout; the grid's unused cells are removed. Returns the figure and its ``n`` axes."""
    width, height = min(size[0], COLUMN_INCHES), size[1]
    across = max(1, min(n, math.floor(COLUMN_INCHES / width + 1e-9)))
    rows = math.ceil(n / across)
    fig, axes = plt.subplots(rows, across, figsize=(across * width, rows * height), dpi=DPI,
                             squeeze=False, layout="constrained", **subplots)  # fmt: skip
    for ax in axes.flat[n:]:
        ax.remove()
    return fig, list(axes.flat[:n])


def legend_outside(ax: Axes, columns: Sequence[int] = (4, 3, 2)) -> None:
    """The axes' legend below the figure's panels, so that it never covers a curve nor widens
    the figure: in the first number of ``columns`` that fits its width, else in one, and then
    the figure grows by the legend's height, so that its panels keep theirs (the one column of a
    Spanish legend had squeezed a panel to a line). The figure gets constrained layout. Entries
    fill the columns one after the other."""
    handles, labels = ax.get_legend_handles_labels()
    fig = ax.figure
    if not handles or not isinstance(fig, Figure):
        return
    if not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
        fig.set_layout_engine("constrained")
    for ncols in [*(c for c in columns if c <= len(handles)), 1]:
        legend = fig.legend(handles, labels, loc="outside lower center", ncols=ncols,
                            fontsize=SMALLEST_PT, frameon=False)  # fmt: skip
        if ncols == 1 or legend.get_window_extent().width <= fig.bbox.width * 0.95:
            break
        legend.remove()
    if ncols == 1 < len(handles):
        width, height = fig.get_size_inches()
        fig.set_size_inches(width, height + legend.get_window_extent().height / fig.dpi)


def png_bytes(fig: Figure) -> bytes:
    """``fig`` as a PNG file's bytes, drawn as the notebooks draw it (twice ``DPI``), the size to
    show it at written in the file (``shown_size``: the book shows the report's figures at that
    size, as it shows the chapters'); the figure is closed."""
    data, _ = _drawn_twice(fig, in_file=True)
    plt.close(fig)
    return data


def mosaic(images: torch.Tensor, rows: int, gap: int = 2) -> np.ndarray:
    """Tile uint8 images (N, 1, 28, 28), row by row, into one array with white gaps."""
    n, _, h, w = images.shape
    cols = -(-n // rows)
    canvas = np.zeros((rows * (h + gap) - gap, cols * (w + gap) - gap), dtype=np.uint8)
    for k in range(n):
        r, c = divmod(k, cols)
        canvas[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = images[
            k, 0
        ].numpy()
    return canvas


def sample_grid(data: ImageSet, per_class: int = 8, seed: int = 0) -> Figure:
    """A labelled grid: one row per class, ``per_class`` random images of it (one image, small
    file)."""
    rng = np.random.default_rng(seed)
    labels = data.labels.numpy()
    picks = np.concatenate(
        [
            rng.choice(np.flatnonzero(labels == c), size=per_class, replace=False)
            for c in range(len(CLASS_NAMES))
        ]
    )
    canvas = mosaic(data.images[torch.from_numpy(picks)], rows=len(CLASS_NAMES))
    across = min(COLUMN_INCHES, per_class * 0.6 + 1.6)  # the class names take about 1.6 in
    fig, (ax,) = panels(1, (across, (across - 1.6) * len(CLASS_NAMES) / per_class + 0.5))
    ax.imshow(canvas, cmap="gray_r", interpolation="nearest")
    ax.set_yticks(
        [14 + 30 * c for c in range(len(CLASS_NAMES))],
        [f"{c} {n}" for c, n in enumerate(CLASS_NAMES)],
    )
    ax.set_xticks([])
    ax.set_title(text("sample_grid.title"), wrap=True)
    alt = text("sample_grid.alt", per_class=per_class, first=CLASS_NAMES[0], last=CLASS_NAMES[-1])
    return describe(fig, alt)


def class_histogram(counts: Mapping[str, Sequence[int]]) -> Figure:
    """Images per class for each split (e.g. ``{"train": [...], "val": [...], "test": [...]}``)."""
    fig, (ax,) = panels(1, (COLUMN_INCHES, 3.2))
    width = 0.8 / len(counts)
    x = np.arange(len(CLASS_NAMES))
    for k, (split, c) in enumerate(counts.items()):
        ax.bar(x + k * width, c, width, label=phrase(split))
    ax.set_xticks(x + 0.4 - width / 2, CLASS_NAMES, rotation=30, ha="right")
    ax.set_ylabel(text("images"))
    ax.set_title(text("class_histogram.title"), wrap=True)
    legend_outside(ax)
    per_split = "; ".join(
        text(
            "class_histogram.split",
            split=phrase(s),
            low=count(min(c), language()),
            high=count(max(c), language()),
        )
        for s, c in counts.items()
    )
    return describe(fig, text("class_histogram.alt", splits=_names(counts), per_split=per_split))


def training_curves(
    histories: Mapping[str, Sequence[Mapping[str, float]]],
    metrics: Sequence[str] = ("loss",),
    ylabels: Sequence[str] | None = None,
    title: str = "",
    log_scale: bool = False,
) -> Figure:
    """Train vs validation curves, one panel per metric (one above the other), one colour per
    model.

    ``histories`` maps a model's name to its per-epoch rows (``History.epochs``); solid lines are
    training, dashed are validation.
    """
    fig, axes = panels(len(metrics), (COLUMN_INCHES, 2.8), sharex=True)
    labels = [phrase(y) for y in ylabels or metrics]
    for ax, metric, ylabel in zip(axes, metrics, labels, strict=True):
        for split, style in (("train", "-"), ("val", "--")):  # the legend: a column each
            for k, (name, rows) in enumerate(histories.items()):
                label = text("train" if split == "train" else "validation", name=phrase(name))
                ax.plot([r["epoch"] for r in rows], [r[f"{split}_{metric}"] for r in rows],
                        color=f"C{k}", ls=style, label=label)  # fmt: skip
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(ylabel)
        if log_scale:
            ax.set_yscale("log")
            ax.yaxis.set_minor_formatter(_HalfDecades(ax.yaxis.get_minor_formatter()))
        ax.grid(alpha=0.3)
    axes[-1].set_xlabel(text("epoch"))
    legend_outside(axes[-1], columns=(2,))  # a model's two curves on one row
    if title:
        fig.suptitle(phrase(title), wrap=True)
    alt = text("training_curves.alt", title=_lead(title), shown=text("and").join(labels),
               scale=text("log_scale") if log_scale else "", names=_names(histories))  # fmt: skip
    return describe(fig, alt)


def _lead(title: str) -> str:
    """A figure's title, translated, as the start of its description ("" if none)."""
    return f"{phrase(title)}: " if title else ""


def _names(named: Mapping[str, object]) -> str:
    """The names of the models (or rows) of a figure, translated, for its description."""
    return ", ".join(phrase(name) for name in named)


def gap_curves(curves: Mapping[str, Sequence[float]], title: str = "") -> Figure:
    """Train − validation accuracy per epoch (e.g. the mean over seeds) of several models."""
    fig, (ax,) = panels(1, (COLUMN_INCHES, 3.2))
    for name, gaps in curves.items():
        ax.plot(range(1, len(gaps) + 1), [100 * g for g in gaps], marker="o", label=phrase(name))
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xlabel(text("epoch"))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(text("gap_curves.ylabel"))
    ax.grid(alpha=0.3)
    legend_outside(ax)
    if title:
        ax.set_title(phrase(title), wrap=True)
    return describe(fig, text("gap_curves.alt", title=_lead(title), names=_names(curves)))


def _show_image(ax: Axes, image: torch.Tensor) -> None:
    """One image (28, 28), float in [0, 1], dark on white, pixels as pixels (and a small PNG)."""
    ax.imshow(image.detach().cpu().numpy(), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([]), ax.set_yticks([])


def _image_grid(rows: int, n: int, names: float = 1.6) -> tuple[Figure, np.ndarray]:
    """A grid of ``rows`` × ``n`` image panels (axes (rows, n)) within the column, the rows'
    names (about ``names`` inches) on its left: at most an inch an image, less where ``n`` of
    them would not fit."""
    side = min(1.0, (COLUMN_INCHES - names) / n)
    tight = ConstrainedLayoutEngine(w_pad=0.01, h_pad=0.01, wspace=0.02, hspace=0.02)
    fig, axes = plt.subplots(rows, n, figsize=(names + n * side, rows * side * 1.12 + 0.4),
                             dpi=DPI, squeeze=False, layout=tight)  # fmt: skip
    return fig, axes


def reconstructions(originals: torch.Tensor, outputs: Mapping[str, torch.Tensor]) -> Figure:
    """Originals (uint8 (N,1,28,28)) in the first row, each model's reconstruction below."""
    rows = 1 + len(outputs)
    n = len(originals)
    fig, axes = _image_grid(rows, n)
    shown = [(text("original"), originals.float() / 255), *outputs.items()]
    for r, (name, imgs) in enumerate(shown):
        for j in range(n):
            _show_image(axes[r, j], imgs[j, 0])
        axes[r, 0].set_ylabel(phrase(name), rotation=0, ha="right", va="center", fontsize=9)
    fig.suptitle(text("reconstructions.title"), wrap=True)
    return describe(fig, text("reconstructions.alt", n=n, names=_names(outputs)))


def confusion_matrices(matrices: Mapping[str, Sequence[Sequence[float]]], fmt: str = "d") -> Figure:
    """Heatmaps one above the other (rows: true class, columns: predicted), e.g. the paper's and
    ours."""
    fig, axes = panels(len(matrices), (COLUMN_INCHES, 4.8))
    short = [n.split("/")[0] for n in CLASS_NAMES]
    for ax, (title, matrix) in zip(axes, matrices.items(), strict=True):
        m = np.asarray(matrix)
        sns.heatmap(
            m,
            annot=True,
            fmt=fmt,
            cmap="Blues",
            cbar=False,
            ax=ax,
            xticklabels=short,
            yticklabels=short,
            annot_kws={"fontsize": SMALLEST_PT},
        )
        acc = np.trace(m) / m.sum()
        accuracy = number(acc, 2, percent=True, lang=language())
        ax.set_title(text("confusion.title", title=phrase(title), accuracy=accuracy), wrap=True)
        ax.set_xlabel(text("confusion.predicted"))
        ax.set_ylabel(text("confusion.true"))
    return describe(fig, text("confusion.alt", names=_names(matrices)))


def signal_profiles(profiles: Mapping[str, pd.DataFrame]) -> Figure:
    """``signal_profile`` tables, one panel above the other: the activations' spread (forward
    signal) and the weights' gradient norm (backward signal) against depth, both on a log
    scale."""
    fig, axes = panels(2, (COLUMN_INCHES, 2.9))
    for name, df in profiles.items():
        for ax, column in zip(axes, ("activation_std", "grad_norm"), strict=True):
            ax.semilogy(df["depth"], df[column], marker=".", label=phrase(name))
    for ax, title in zip(axes, ("signal.forward", "signal.backward"), strict=True):
        ax.set_xlabel(text("depth"))
        ax.set_title(text(title), wrap=True)
        ax.grid(alpha=0.3)
    legend_outside(axes[1])
    axes[0].set_ylabel(_two_lines(text("signal.std")))
    axes[1].set_ylabel(_two_lines(text("signal.grad")))
    return describe(fig, text("signal.alt", names=_names(profiles)))


def gradient_norms(
    tracks: Mapping[str, pd.DataFrame], step: int | None = None, column: str = "grad_norm"
) -> Figure:
    """Per-layer ``column`` of ``track_gradients`` (the gradient norm, or ``"update_norm"``: the
    step taken) against depth, log scale, for several runs at ``step`` (default: each run's
    last recorded step), and each run's loss over the steps."""
    if column not in ("grad_norm", "update_norm"):
        raise ValueError(f"column must be 'grad_norm' or 'update_norm', got {column!r}")
    what = text(f"norms.{column}")
    fig, (ax_g, ax_l) = panels(2, (COLUMN_INCHES, 2.9))
    for name, df in tracks.items():
        at = df[df["step"] == (step if step is not None else df["step"].max())]
        ax_g.semilogy(at["depth"], at[column], marker="o", label=phrase(name))
        per_step = df.groupby("step")["loss"].first()
        ax_l.plot(per_step.index, per_step.values, label=phrase(name))
    ax_g.set_xlabel(text("depth"))
    ax_g.set_ylabel(_two_lines(text("norms.ylabel", what=what)))
    ax_g.set_title(text("norms.title", what=what[0].upper() + what[1:]), wrap=True)
    ax_l.set_xlabel(text("step"))
    ax_l.set_ylabel(text("norms.loss"))
    ax_l.set_title(text("norms.loss_title"), wrap=True)
    for ax in (ax_g, ax_l):
        ax.grid(alpha=0.3)
    legend_outside(ax_l)
    return describe(fig, text("norms.alt", what=what, names=_names(tracks)))


def _two_lines(label: str) -> str:
    """A long axis label with its parenthesis on a line of its own ("standard deviation\n(log
    scale)"), so that it fits beside a short panel."""
    head, paren, rest = label.partition(" (")
    return f"{head}\n({rest}" if paren and len(label) > 20 else label


def _as_array(x: np.ndarray | torch.Tensor) -> np.ndarray:
    """A numpy array of ``x`` (a tensor is detached and moved to the CPU first)."""
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def latent_scatter(
    points: np.ndarray | torch.Tensor,
    labels: np.ndarray | torch.Tensor,
    title: str = "",
    axis_names: tuple[str, str] | None = None,
) -> Figure:
    """2-D codes (``latent.pca_2d``, ``latent.tsne_2d``) as dots coloured by class, the legend
    (class names) outside the data. Drawn in a random order, so no class hides the others.
    ``axis_names`` labels the axes (PCA); without it the axes are bare (t-SNE: no units)."""
    xy, y = _as_array(points), _as_array(labels).astype(int)
    if xy.ndim != 2 or xy.shape[1] != 2 or y.shape != (len(xy),):
        raise ValueError(f"points must be (N, 2) with one label each, got {xy.shape}, {y.shape}")
    order = np.random.default_rng(0).permutation(len(xy))
    colors = plt.get_cmap("tab10")(np.arange(len(CLASS_NAMES)))
    fig, (ax,) = panels(1, (COLUMN_INCHES, 3.6))
    # opaque, unsmoothed dots: a few colours compress well (a third of the PNG's size)
    ax.scatter(xy[order, 0], xy[order, 1], c=colors[y[order]], s=4, linewidths=0, antialiased=False)
    for c, name in enumerate(CLASS_NAMES):  # empty scatters: the legend's entries
        ax.scatter([], [], color=colors[c], s=25, label=name)
    fig.legend(loc="outside right center", fontsize=SMALLEST_PT, frameon=False)
    if axis_names:
        ax.set_xlabel(axis_names[0])
        ax.set_ylabel(axis_names[1])
        ax.grid(alpha=0.3)
    else:
        ax.set_xticks([]), ax.set_yticks([])
    if title:
        ax.set_title(phrase(title), wrap=True)
    axes = (
        text("scatter.axes", x=axis_names[0], y=axis_names[1])
        if axis_names
        else text("scatter.bare")
    )
    return describe(
        fig, text("scatter.alt", title=_lead(title), n=count(len(xy), language()), axes=axes)
    )


def interpolation_strip(rows: Mapping[str, torch.Tensor], title: str = "") -> Figure:
    """Walks between two images side by side, one row each (e.g. ``{"decoded codes":
    latent.interpolate(...), "pixel blend": latent.pixel_blend(...)}``): images (steps, 1, 28,
    28), float in [0, 1] or uint8, the same number of steps in every row; t above the columns."""
    steps = {len(images) for images in rows.values()}
    if len(steps) != 1:
        raise ValueError(f"every row needs the same number of images, got {sorted(steps)}")
    n = steps.pop()
    fig, axes = _image_grid(len(rows), n)
    for r, (name, images) in enumerate(rows.items()):
        pixels = images.float() / 255 if images.dtype == torch.uint8 else images.float()
        for j in range(n):
            _show_image(axes[r, j], pixels[j, 0])
        axes[r, 0].set_ylabel(phrase(name), rotation=0, ha="right", va="center", fontsize=9)
    ts, step = np.linspace(0, 1, n), math.ceil(n / 5)  # room for five labels
    for j in [j for j in range(0, n, step) if n - 1 - j >= step] + [n - 1]:
        axes[0, j].set_title(f"t={number(ts[j], 2, lang=language())}", fontsize=SMALLEST_PT)
    if title:
        fig.suptitle(phrase(title), wrap=True)
    alt = text("strip.alt", title=_lead(title), rows=len(rows), n=n, names=_names(rows))
    return describe(fig, alt)


def convolved_images(image: torch.Tensor, outputs: Mapping[str, torch.Tensor]) -> Figure:
    """An image (H, W) and its convolution with one kernel at several settings: ``outputs``
    maps a setting's name (e.g. ``"S=2, P=1"``) to the output map (H', W'), titled with its
    size; red and blue are the two signs of the response."""
    fig, axes = panels(1 + len(outputs), (COLUMN_INCHES / 2, 2.4))
    axes[0].imshow(_as_array(image), cmap="gray_r")
    input_title = text("convolved.input", h=image.shape[0], w=image.shape[1])
    axes[0].set_title(input_title, fontsize=10, wrap=True)
    titles = [f"{name}: {out.shape[0]}x{out.shape[1]}" for name, out in outputs.items()]
    for ax, out, title in zip(axes[1:], outputs.values(), titles, strict=True):
        ax.imshow(_as_array(out), cmap="RdBu")
        ax.set_title(title, fontsize=10, wrap=True)
    for ax in axes:
        ax.set_xticks([]), ax.set_yticks([])
    fig.suptitle(text("convolved.title", n=len(outputs)), wrap=True)
    alt = text("convolved.alt", h=image.shape[0], w=image.shape[1], n=len(outputs),
               settings="; ".join(titles))  # fmt: skip
    return describe(fig, alt)


def receptive_field_squares(
    image: torch.Tensor, squares: Mapping[str, Sequence[tuple[str, int, int]]]
) -> Figure:
    """One panel per model: the image (H, W) with nested squares, the pixels that one unit of
    each layer sees; ``squares[model]`` lists ``(layer, first pixel, size)`` from the input
    outwards (``arithmetic.receptive_fields`` gives them)."""
    fig, axes = panels(len(squares), (COLUMN_INCHES / 2, 4.4))
    for ax, (name, layers) in zip(axes, squares.items(), strict=True):
        ax.imshow(_as_array(image), cmap="gray_r")
        for i, (layer, first, size) in enumerate(layers):
            corner = (first - 0.5, first - 0.5)  # pixel i covers [i - 0.5, i + 0.5]
            label = text("squares.layer", layer=layer, size=size)
            ax.add_patch(Rectangle(corner, size, size, fill=False, color=f"C{i}", label=label))
        ax.set_title(f"«{name}»", wrap=True)
        ax.set_xticks([]), ax.set_yticks([])
        ax.legend(fontsize=SMALLEST_PT, loc="upper center", bbox_to_anchor=(0.5, -0.02))
    fig.suptitle(text("squares.title"), wrap=True)
    names = text("and").join(f"«{name}»" for name in squares)
    return describe(fig, text("squares.alt", names=names))


def sweep_heatmaps(sweeps: Mapping[str, pd.DataFrame]) -> Figure:
    """One heatmap per model of a batch size × learning rate sweep (``experiments.sweep``): the
    best validation loss of each cell, written in it, darker for higher."""
    fig, axes = panels(len(sweeps), (COLUMN_INCHES, 2.6))
    for ax, (name, df) in zip(axes, sweeps.items(), strict=True):
        table = df.pivot_table(index="batch_size", columns="lr", values="best_val_loss")
        sns.heatmap(table, annot=True, fmt=".4f", cmap="viridis_r", ax=ax, cbar=False,
                    annot_kws={"fontsize": 9})  # fmt: skip
        ax.set_title(text("heatmaps.title", name=phrase(name)), wrap=True)
        ax.set_xlabel(text("learning_rate"))
        ax.set_ylabel(text("batch_size"))
    return describe(fig, text("heatmaps.alt", names=_names(sweeps)))


def learning_rate_curves(cells: pd.DataFrame, model: str, updates: int, seeds: int) -> Figure:
    """Best validation loss against the learning rate, one line per batch size, log scales:
    ``cells`` has columns ``batch_size``, ``lr``, ``mean`` and ``std`` (over ``seeds`` seeds),
    every run having made ``updates`` updates."""
    fig, (ax,) = panels(1, (COLUMN_INCHES, 3.2))
    for batch_size, rows in cells.groupby("batch_size"):
        ax.errorbar(rows.lr, rows["mean"], yerr=rows["std"], marker="o", capsize=3,
                    label=text("rates.batch", batch_size=batch_size))  # fmt: skip
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(text("learning_rate"))
    ax.set_ylabel(text("rates.ylabel"))
    ax.set_title(text("rates.title", model=phrase(model), updates=updates), wrap=True)
    legend_outside(ax)
    ax.grid(alpha=0.3)
    batches = ", ".join(str(b) for b in sorted(cells.batch_size.unique()))
    return describe(fig, text("rates.alt", seeds=seeds, batches=batches, updates=updates))
