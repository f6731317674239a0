"""Figures of the course: samples, training curves (the paper's Figures 5 and 7),
reconstructions (Figure 6) and confusion matrices. Each function returns a matplotlib Figure
that carries a description of what it shows (``describe``, ``alt_text``): in a notebook,
``figure_png`` shows it at twice the resolution with that description as its alt text. Titles,
labels and descriptions are in the notebook's language (``wording``: English, or Spanish in
``es/notebooks``).
"""

from __future__ import annotations

import io
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import Formatter, MaxNLocator
from PIL import Image

from .data import CLASS_NAMES, ImageSet
from .numerals import count, number
from .wording import language, phrase, text

DPI = 80  # modest, so that notebooks with figures stay small; notebooks draw at 2 x DPI
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


class _WrittenIn(Formatter):
    """A tick formatter that writes what another one writes in ``lang``: the decimal point of
    Python's numbers as a Spanish comma (``0.5`` → ``0,5``)."""

    def __init__(self, inner: Formatter, lang: str) -> None:
        self.inner, self.lang = inner, lang

    def set_axis(self, axis: Any) -> None:
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def set_locs(self, locs: Any) -> None:
        self.inner.set_locs(locs)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self._written(self.inner(x, pos))

    def get_offset(self) -> str:
        return self._written(self.inner.get_offset())

    def _written(self, label: object) -> str:  # a FixedFormatter may hold numbers (seaborn)
        return str(label).replace(".", ",") if self.lang == "es" else str(label)


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
    screens) with metadata that shows it at its ``DPI`` size, plus its description as ``alt``."""
    drawn = io.BytesIO()
    fig.savefig(drawn, format="png", dpi=2 * DPI, bbox_inches="tight")
    image = Image.open(io.BytesIO(drawn.getvalue())).convert("RGB")
    # 256 colours, no dithering: a third of the size, the same to the eye for plots
    small = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    small.save(buffer, format="png", optimize=True)
    metadata: dict[str, Any] = {"width": image.width // 2, "height": image.height // 2}
    if (alt := alt_text(fig)) is not None:
        metadata["alt"] = alt
    return buffer.getvalue(), metadata


def legend_outside(ax: Axes) -> None:
    """The axes' legend to the right of the data, so that it never covers a curve."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False)


def png_bytes(fig: Figure) -> bytes:
    """``fig`` as a PNG file's bytes; the figure is closed."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


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
    fig, ax = plt.subplots(figsize=(per_class * 0.6 + 1.6, len(CLASS_NAMES) * 0.6), dpi=DPI)
    ax.imshow(canvas, cmap="gray_r", interpolation="nearest")
    ax.set_yticks(
        [14 + 30 * c for c in range(len(CLASS_NAMES))],
        [f"{c} {n}" for c, n in enumerate(CLASS_NAMES)],
    )
    ax.set_xticks([])
    ax.set_title(text("sample_grid.title"))
    fig.tight_layout()
    alt = text("sample_grid.alt", per_class=per_class, first=CLASS_NAMES[0], last=CLASS_NAMES[-1])
    return describe(fig, alt)


def class_histogram(counts: Mapping[str, Sequence[int]]) -> Figure:
    """Images per class for each split (e.g. ``{"train": [...], "val": [...], "test": [...]}``)."""
    fig, ax = plt.subplots(figsize=(8, 3), dpi=DPI)
    width = 0.8 / len(counts)
    x = np.arange(len(CLASS_NAMES))
    for k, (split, c) in enumerate(counts.items()):
        ax.bar(x + k * width, c, width, label=phrase(split))
    ax.set_xticks(x + 0.4 - width / 2, CLASS_NAMES, rotation=30, ha="right")
    ax.set_ylabel(text("images"))
    ax.set_title(text("class_histogram.title"))
    legend_outside(ax)
    fig.tight_layout()
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
    """Train vs validation curves, one column per metric, one colour per model.

    ``histories`` maps a model's name to its per-epoch rows (``History.epochs``); solid lines are
    training, dashed are validation.
    """
    fig, axes = plt.subplots(
        1, len(metrics), figsize=(5.5 * len(metrics), 3.6), dpi=DPI, squeeze=False
    )
    labels = [phrase(y) for y in ylabels or metrics]
    for ax, metric, ylabel in zip(axes[0], metrics, labels, strict=True):
        for k, (name, rows) in enumerate(histories.items()):
            epochs = [r["epoch"] for r in rows]
            color = f"C{k}"
            train, val = (text(w, name=phrase(name)) for w in ("train", "validation"))
            ax.plot(epochs, [r[f"train_{metric}"] for r in rows], color=color, label=train)
            ax.plot(epochs, [r[f"val_{metric}"] for r in rows], color=color, ls="--", label=val)
        ax.set_xlabel(text("epoch"))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(ylabel)
        if log_scale:
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
    legend_outside(axes[0][-1])
    if title:
        fig.suptitle(phrase(title))
    fig.tight_layout()
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
    fig, ax = plt.subplots(figsize=(6, 3.4), dpi=DPI)
    for name, gaps in curves.items():
        ax.plot(range(1, len(gaps) + 1), [100 * g for g in gaps], marker="o", label=phrase(name))
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xlabel(text("epoch"))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(text("gap_curves.ylabel"))
    ax.grid(alpha=0.3)
    legend_outside(ax)
    if title:
        ax.set_title(phrase(title))
    fig.tight_layout()
    return describe(fig, text("gap_curves.alt", title=_lead(title), names=_names(curves)))


def _show_image(ax: Axes, image: torch.Tensor) -> None:
    """One image (28, 28), float in [0, 1], dark on white, pixels as pixels (and a small PNG)."""
    ax.imshow(image.detach().cpu().numpy(), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([]), ax.set_yticks([])


def reconstructions(originals: torch.Tensor, outputs: Mapping[str, torch.Tensor]) -> Figure:
    """Originals (uint8 (N,1,28,28)) in the first row, each model's reconstruction below."""
    rows = 1 + len(outputs)
    n = len(originals)
    fig, axes = plt.subplots(rows, n, figsize=(n * 1.0, rows * 1.15), dpi=DPI, squeeze=False)
    panels = [(text("original"), originals.float() / 255), *outputs.items()]
    for r, (name, imgs) in enumerate(panels):
        for j in range(n):
            _show_image(axes[r, j], imgs[j, 0])
        axes[r, 0].set_ylabel(phrase(name), rotation=0, ha="right", va="center", fontsize=9)
    fig.suptitle(text("reconstructions.title"))
    fig.tight_layout()
    return describe(fig, text("reconstructions.alt", n=n, names=_names(outputs)))


def confusion_matrices(matrices: Mapping[str, Sequence[Sequence[float]]], fmt: str = "d") -> Figure:
    """Side-by-side heatmaps (rows: true class, columns: predicted), e.g. the paper's and ours."""
    fig, axes = plt.subplots(
        1, len(matrices), figsize=(6.2 * len(matrices), 5.4), dpi=DPI, squeeze=False
    )
    short = [n.split("/")[0] for n in CLASS_NAMES]
    for ax, (title, matrix) in zip(axes[0], matrices.items(), strict=True):
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
            annot_kws={"fontsize": 7},
        )
        acc = np.trace(m) / m.sum()
        accuracy = number(acc, 2, percent=True, lang=language())
        ax.set_title(text("confusion.title", title=phrase(title), accuracy=accuracy))
        ax.set_xlabel(text("confusion.predicted"))
        ax.set_ylabel(text("confusion.true"))
    fig.tight_layout()
    return describe(fig, text("confusion.alt", names=_names(matrices)))


def signal_profiles(profiles: Mapping[str, pd.DataFrame]) -> Figure:
    """``signal_profile`` tables side by side: the activations' spread (forward signal) and the
    weights' gradient norm (backward signal) against depth, both on a log scale."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), dpi=DPI)
    for name, df in profiles.items():
        for ax, column in zip(axes, ("activation_std", "grad_norm"), strict=True):
            ax.semilogy(df["depth"], df[column], marker=".", label=phrase(name))
    for ax, title in zip(axes, ("signal.forward", "signal.backward"), strict=True):
        ax.set_xlabel(text("depth"))
        ax.set_title(text(title))
        ax.grid(alpha=0.3)
    legend_outside(axes[1])
    axes[0].set_ylabel(text("signal.std"))
    axes[1].set_ylabel(text("signal.grad"))
    fig.tight_layout()
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
    fig, (ax_g, ax_l) = plt.subplots(1, 2, figsize=(11, 3.6), dpi=DPI)
    for name, df in tracks.items():
        at = df[df["step"] == (step if step is not None else df["step"].max())]
        ax_g.semilogy(at["depth"], at[column], marker="o", label=phrase(name))
        per_step = df.groupby("step")["loss"].first()
        ax_l.plot(per_step.index, per_step.values, label=phrase(name))
    ax_g.set_xlabel(text("depth"))
    ax_g.set_ylabel(text("norms.ylabel", what=what))
    ax_g.set_title(text("norms.title", what=what[0].upper() + what[1:]))
    ax_l.set_xlabel(text("step"))
    ax_l.set_ylabel(text("norms.loss"))
    ax_l.set_title(text("norms.loss_title"))
    for ax in (ax_g, ax_l):
        ax.grid(alpha=0.3)
    legend_outside(ax_l)
    fig.tight_layout()
    return describe(fig, text("norms.alt", what=what, names=_names(tracks)))


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
    fig, ax = plt.subplots(figsize=(5.6, 3.9), dpi=DPI)
    # opaque, unsmoothed dots: a few colours compress well (a third of the PNG's size)
    ax.scatter(xy[order, 0], xy[order, 1], c=colors[y[order]], s=4, linewidths=0, antialiased=False)
    for c, name in enumerate(CLASS_NAMES):  # empty scatters: the legend's entries
        ax.scatter([], [], color=colors[c], s=25, label=name)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)
    if axis_names:
        ax.set_xlabel(axis_names[0])
        ax.set_ylabel(axis_names[1])
        ax.grid(alpha=0.3)
    else:
        ax.set_xticks([]), ax.set_yticks([])
    if title:
        ax.set_title(phrase(title))
    fig.tight_layout()
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
    fig, axes = plt.subplots(
        len(rows), n, figsize=(n * 0.9 + 1.2, len(rows) * 1.0 + 0.4), dpi=DPI, squeeze=False
    )
    for r, (name, images) in enumerate(rows.items()):
        pixels = images.float() / 255 if images.dtype == torch.uint8 else images.float()
        for j in range(n):
            _show_image(axes[r, j], pixels[j, 0])
        axes[r, 0].set_ylabel(phrase(name), rotation=0, ha="right", va="center", fontsize=9)
    for j, t in enumerate(np.linspace(0, 1, n)):
        axes[0, j].set_title(f"t={number(t, 2, lang=language())}", fontsize=8)
    if title:
        fig.suptitle(phrase(title))
    fig.tight_layout()
    alt = text("strip.alt", title=_lead(title), rows=len(rows), n=n, names=_names(rows))
    return describe(fig, alt)


def convolved_images(image: torch.Tensor, outputs: Mapping[str, torch.Tensor]) -> Figure:
    """An image (H, W) beside its convolution with one kernel at several settings: ``outputs``
    maps a setting's name (e.g. ``"S=2, P=1"``) to the output map (H', W'), titled with its
    size; red and blue are the two signs of the response."""
    fig, axes = plt.subplots(1, 1 + len(outputs), figsize=(2.5 * (1 + len(outputs)), 2.8), dpi=DPI)
    axes[0].imshow(_as_array(image), cmap="gray_r")
    axes[0].set_title(text("convolved.input", h=image.shape[0], w=image.shape[1]))
    titles = [f"{name}: {out.shape[0]}x{out.shape[1]}" for name, out in outputs.items()]
    for ax, out, title in zip(axes[1:], outputs.values(), titles, strict=True):
        ax.imshow(_as_array(out), cmap="RdBu")
        ax.set_title(title)
    for ax in axes:
        ax.set_xticks([]), ax.set_yticks([])
    fig.suptitle(text("convolved.title", n=len(outputs)))
    fig.tight_layout()
    alt = text("convolved.alt", h=image.shape[0], w=image.shape[1], n=len(outputs),
               settings="; ".join(titles))  # fmt: skip
    return describe(fig, alt)


def receptive_field_squares(
    image: torch.Tensor, squares: Mapping[str, Sequence[tuple[str, int, int]]]
) -> Figure:
    """One panel per model: the image (H, W) with nested squares, the pixels that one unit of
    each layer sees; ``squares[model]`` lists ``(layer, first pixel, size)`` from the input
    outwards (``arithmetic.receptive_fields`` gives them)."""
    fig, axes = plt.subplots(1, len(squares), figsize=(3.25 * len(squares), 3.4), dpi=DPI,
                             squeeze=False)  # fmt: skip
    for ax, (name, layers) in zip(axes[0], squares.items(), strict=True):
        ax.imshow(_as_array(image), cmap="gray_r")
        for i, (layer, first, size) in enumerate(layers):
            corner = (first - 0.5, first - 0.5)  # pixel i covers [i - 0.5, i + 0.5]
            label = text("squares.layer", layer=layer, size=size)
            ax.add_patch(Rectangle(corner, size, size, fill=False, color=f"C{i}", label=label))
        ax.set_title(f"«{name}»")
        ax.set_xticks([]), ax.set_yticks([])
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.suptitle(text("squares.title"))
    fig.tight_layout()
    names = text("and").join(f"«{name}»" for name in squares)
    return describe(fig, text("squares.alt", names=names))


def sweep_heatmaps(sweeps: Mapping[str, pd.DataFrame]) -> Figure:
    """One heatmap per model of a batch size × learning rate sweep (``experiments.sweep``): the
    best validation loss of each cell, written in it, darker for higher."""
    fig, axes = plt.subplots(1, len(sweeps), figsize=(5 * len(sweeps), 3.4), dpi=DPI,
                             squeeze=False)  # fmt: skip
    for ax, (name, df) in zip(axes[0], sweeps.items(), strict=True):
        table = df.pivot_table(index="batch_size", columns="lr", values="best_val_loss")
        sns.heatmap(table, annot=True, fmt=".4f", cmap="viridis_r", ax=ax, cbar=False)
        ax.set_title(text("heatmaps.title", name=phrase(name)))
        ax.set_xlabel(text("learning_rate"))
        ax.set_ylabel(text("batch_size"))
    fig.tight_layout()
    return describe(fig, text("heatmaps.alt", names=_names(sweeps)))


def learning_rate_curves(cells: pd.DataFrame, model: str, updates: int, seeds: int) -> Figure:
    """Best validation loss against the learning rate, one line per batch size, log scales:
    ``cells`` has columns ``batch_size``, ``lr``, ``mean`` and ``std`` (over ``seeds`` seeds),
    every run having made ``updates`` updates."""
    fig, ax = plt.subplots(figsize=(6.5, 3.6), dpi=DPI)
    for batch_size, rows in cells.groupby("batch_size"):
        ax.errorbar(rows.lr, rows["mean"], yerr=rows["std"], marker="o", capsize=3,
                    label=text("rates.batch", batch_size=batch_size))  # fmt: skip
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(text("learning_rate"))
    ax.set_ylabel(text("rates.ylabel"))
    ax.set_title(text("rates.title", model=phrase(model), updates=updates))
    legend_outside(ax)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    batches = ", ".join(str(b) for b in sorted(cells.batch_size.unique()))
    return describe(fig, text("rates.alt", seeds=seeds, batches=batches, updates=updates))
