"""Figures of the course: samples, training curves (the paper's Figures 5 and 7),
reconstructions (Figure 6) and confusion matrices. Each function returns a matplotlib Figure
that carries a description of what it shows (``describe``, ``alt_text``): in a notebook,
``figure_png`` shows it at twice the resolution with that description as its alt text.
"""

from __future__ import annotations

import io
import os
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
from matplotlib.ticker import MaxNLocator
from PIL import Image

from .data import CLASS_NAMES, ImageSet
from .storage import atomic_write

DPI = 80  # modest, so that notebooks with figures stay small; notebooks draw at 2 x DPI
_ALT: weakref.WeakKeyDictionary[Figure, str] = weakref.WeakKeyDictionary()


def describe(fig: Figure, text: str) -> Figure:
    """Attach ``text``, what the figure shows (for readers who cannot see it), to ``fig``; in the
    book it becomes the image's alt text. Returns ``fig``."""
    if not text.strip():
        raise ValueError("a figure's description must say what it shows, got an empty text")
    _ALT[fig] = " ".join(text.split())
    return fig


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


def save_figure(fig: Figure, path: str | os.PathLike[str]) -> None:
    """Write ``fig`` as a PNG atomically (a reader never sees half a file), then close it."""
    atomic_write(path, png_bytes(fig))


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
    ax.set_title("Random training images, one row per class")
    fig.tight_layout()
    return describe(
        fig,
        f"A grid of Fashion-MNIST images, {per_class} random images per row, one "
        f"row per class, labelled from 0 {CLASS_NAMES[0]} to 9 {CLASS_NAMES[-1]}.",
    )


def class_histogram(counts: Mapping[str, Sequence[int]]) -> Figure:
    """Images per class for each split (e.g. ``{"train": [...], "val": [...], "test": [...]}``)."""
    fig, ax = plt.subplots(figsize=(8, 3), dpi=DPI)
    width = 0.8 / len(counts)
    x = np.arange(len(CLASS_NAMES))
    for k, (split, c) in enumerate(counts.items()):
        ax.bar(x + k * width, c, width, label=split)
    ax.set_xticks(x + 0.4 - width / 2, CLASS_NAMES, rotation=30, ha="right")
    ax.set_ylabel("images")
    ax.set_title("Class balance per split")
    legend_outside(ax)
    fig.tight_layout()
    splits = ", ".join(counts)
    per_split = "; ".join(f"{s}: {min(c):,} to {max(c):,} per class" for s, c in counts.items())
    return describe(
        fig,
        f"Bar chart of the number of images of each of the ten classes in the "
        f"splits {splits} ({per_split}).",
    )


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
    for ax, metric, ylabel in zip(axes[0], metrics, ylabels or metrics, strict=True):
        for k, (name, rows) in enumerate(histories.items()):
            epochs = [r["epoch"] for r in rows]
            color = f"C{k}"
            ax.plot(
                epochs, [r[f"train_{metric}"] for r in rows], color=color, label=f"{name} train"
            )
            ax.plot(
                epochs,
                [r[f"val_{metric}"] for r in rows],
                color=color,
                ls="--",
                label=f"{name} validation",
            )
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(ylabel)
        if log_scale:
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
    legend_outside(axes[0][-1])
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    shown = " and ".join(ylabels or metrics)
    scale = ", log scale" if log_scale else ""
    return describe(
        fig,
        f"{title + ': ' if title else ''}{shown} per epoch{scale}, training "
        f"(solid) and validation (dashed) for {', '.join(histories)}.",
    )


def gap_curves(curves: Mapping[str, Sequence[float]], title: str = "") -> Figure:
    """Train − validation accuracy per epoch (e.g. the mean over seeds) of several models."""
    fig, ax = plt.subplots(figsize=(6, 3.4), dpi=DPI)
    for name, gaps in curves.items():
        ax.plot(range(1, len(gaps) + 1), [100 * g for g in gaps], marker="o", label=name)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("train − validation accuracy (points)")
    ax.grid(alpha=0.3)
    legend_outside(ax)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return describe(
        fig,
        f"{title + ': ' if title else ''}training minus validation accuracy, in "
        f"points, per epoch for {', '.join(curves)}; a line at zero.",
    )


def _show_image(ax: Axes, image: torch.Tensor) -> None:
    """One image (28, 28), float in [0, 1], dark on white, pixels as pixels (and a small PNG)."""
    ax.imshow(image.detach().cpu().numpy(), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([]), ax.set_yticks([])


def reconstructions(originals: torch.Tensor, outputs: Mapping[str, torch.Tensor]) -> Figure:
    """Originals (uint8 (N,1,28,28)) in the first row, each model's reconstruction below."""
    rows = 1 + len(outputs)
    n = len(originals)
    fig, axes = plt.subplots(rows, n, figsize=(n * 1.0, rows * 1.15), dpi=DPI, squeeze=False)
    panels = [("original", originals.float() / 255), *outputs.items()]
    for r, (name, imgs) in enumerate(panels):
        for j in range(n):
            _show_image(axes[r, j], imgs[j, 0])
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
    fig.suptitle("Validation images and their reconstructions")
    fig.tight_layout()
    return describe(
        fig,
        f"{n} validation images in the top row and, in one row each below, "
        f"their reconstructions by {', '.join(outputs)}.",
    )


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
        ax.set_title(f"{title}: accuracy {acc:.2%}")
        ax.set_xlabel("predicted class")
        ax.set_ylabel("true class")
    fig.tight_layout()
    return describe(
        fig,
        f"Confusion matrices side by side ({', '.join(matrices)}): rows are the "
        "true classes, columns the predicted classes, each cell the count of test "
        "images, darker for larger counts.",
    )


def signal_profiles(profiles: Mapping[str, pd.DataFrame]) -> Figure:
    """``signal_profile`` tables side by side: the activations' spread (forward signal) and the
    weights' gradient norm (backward signal) against depth, both on a log scale."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), dpi=DPI)
    for name, df in profiles.items():
        for ax, column in zip(axes, ("activation_std", "grad_norm"), strict=True):
            ax.semilogy(df["depth"], df[column], marker=".", label=name)
    titles = ("Forward: spread of each layer's activations", "Backward: gradient of each layer")
    for ax, title in zip(axes, titles, strict=True):
        ax.set_xlabel("layer (1 = next to the input)")
        ax.set_title(title)
        ax.grid(alpha=0.3)
    legend_outside(axes[1])
    axes[0].set_ylabel("standard deviation (log scale)")
    axes[1].set_ylabel("gradient norm (log scale)")
    fig.tight_layout()
    return describe(
        fig,
        "Two panels against layer depth, log scale: left, the standard "
        "deviation of each layer's activations; right, the norm of each layer's "
        f"weight gradient; one line per initialisation ({', '.join(profiles)}).",
    )


def gradient_norms(
    tracks: Mapping[str, pd.DataFrame], step: int | None = None, column: str = "grad_norm"
) -> Figure:
    """Per-layer ``column`` of ``track_gradients`` (the gradient norm, or ``"update_norm"``: the
    step taken) against depth, log scale, for several runs at ``step`` (default: each run's
    last recorded step), and each run's loss over the steps."""
    what = {"grad_norm": "gradient", "update_norm": "update"}.get(column, column)
    fig, (ax_g, ax_l) = plt.subplots(1, 2, figsize=(11, 3.6), dpi=DPI)
    for name, df in tracks.items():
        at = df[df["step"] == (step if step is not None else df["step"].max())]
        ax_g.semilogy(at["depth"], at[column], marker="o", label=name)
        per_step = df.groupby("step")["loss"].first()
        ax_l.plot(per_step.index, per_step.values, label=name)
    ax_g.set_xlabel("layer (1 = next to the input)")
    ax_g.set_ylabel(f"{what} norm (log scale)")
    ax_g.set_title(f"{what.capitalize()} of each layer")
    ax_l.set_xlabel("step")
    ax_l.set_ylabel("training loss")
    ax_l.set_title("Loss during training")
    for ax in (ax_g, ax_l):
        ax.grid(alpha=0.3)
    legend_outside(ax_l)
    fig.tight_layout()
    return describe(
        fig,
        f"Two panels: left, the {what} norm of each layer against its depth, "
        "log scale; right, the training loss over the steps; one line per network "
        f"({', '.join(tracks)}).",
    )


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
        ax.set_title(title)
    fig.tight_layout()
    axes = f"axes {axis_names[0]} and {axis_names[1]}" if axis_names else "axes without units"
    return describe(
        fig,
        f"{title + ': ' if title else ''}scatter plot of {len(xy):,} codes in "
        f"two dimensions ({axes}), each dot coloured by its class, legend of the ten "
        "classes on the right.",
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
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
    for j, t in enumerate(np.linspace(0, 1, n)):
        axes[0, j].set_title(f"t={t:.2f}", fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return describe(
        fig,
        f"{title + ': ' if title else ''}{len(rows)} rows of {n} images going "
        f"from the first image (t = 0) to the second (t = 1): {', '.join(rows)}.",
    )
