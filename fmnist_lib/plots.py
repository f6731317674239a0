"""Figures of the course: samples, training curves (the paper's Figures 5 and 7),
reconstructions (Figure 6) and confusion matrices. Each function returns a matplotlib Figure."""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.figure import Figure

from .data import CLASS_NAMES, ImageSet

DPI = 80  # modest, so that notebooks with figures stay small


def sample_grid(data: ImageSet, per_class: int = 8, seed: int = 0) -> Figure:
    """A labelled grid: one row per class, ``per_class`` random images of it."""
    rng = np.random.default_rng(seed)
    fig, axes = plt.subplots(len(CLASS_NAMES), per_class, figsize=(per_class * 0.9, len(CLASS_NAMES) * 0.95), dpi=DPI)
    labels = data.labels.numpy()
    for c, name in enumerate(CLASS_NAMES):
        picks = rng.choice(np.flatnonzero(labels == c), size=per_class, replace=False)
        for j, i in enumerate(picks):
            ax = axes[c, j]
            ax.imshow(data.images[i, 0].numpy(), cmap="gray_r")
            ax.set_xticks([]), ax.set_yticks([])
        axes[c, 0].set_ylabel(f"{c} {name}", rotation=0, ha="right", va="center", fontsize=9)
    fig.suptitle("Fashion-MNIST: random training images, one row per class")
    fig.tight_layout()
    return fig


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
    ax.legend()
    fig.tight_layout()
    return fig


def training_curves(histories: Mapping[str, Sequence[Mapping[str, float]]],
                    metrics: Sequence[str] = ("loss",), ylabels: Sequence[str] | None = None,
                    title: str = "", log_scale: bool = False) -> Figure:
    """Train vs validation curves, one column per metric, one colour per model.

    ``histories`` maps a model's name to its per-epoch rows (``History.epochs``); solid lines are
    training, dashed are validation.
    """
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.5 * len(metrics), 3.6), dpi=DPI, squeeze=False)
    for ax, metric, ylabel in zip(axes[0], metrics, ylabels or metrics):
        for k, (name, rows) in enumerate(histories.items()):
            epochs = [r["epoch"] for r in rows]
            color = f"C{k}"
            ax.plot(epochs, [r[f"train_{metric}"] for r in rows], color=color, label=f"{name} train")
            ax.plot(epochs, [r[f"val_{metric}"] for r in rows], color=color, ls="--", label=f"{name} validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        if log_scale:
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def reconstructions(originals: torch.Tensor, outputs: Mapping[str, torch.Tensor]) -> Figure:
    """Originals (uint8 (N,1,28,28)) in the first row, each model's reconstruction below."""
    rows = 1 + len(outputs)
    n = len(originals)
    fig, axes = plt.subplots(rows, n, figsize=(n * 1.0, rows * 1.15), dpi=DPI, squeeze=False)
    panels = [("original", originals.float() / 255)] + list(outputs.items())
    for r, (name, imgs) in enumerate(panels):
        for j in range(n):
            ax = axes[r, j]
            ax.imshow(imgs[j, 0].detach().cpu().numpy(), cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([]), ax.set_yticks([])
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
    fig.suptitle("Validation images and their reconstructions")
    fig.tight_layout()
    return fig


def confusion_matrices(matrices: Mapping[str, Sequence[Sequence[float]]], fmt: str = "d") -> Figure:
    """Side-by-side heatmaps (rows: true class, columns: predicted), e.g. the paper's and ours."""
    import seaborn as sns

    fig, axes = plt.subplots(1, len(matrices), figsize=(6.2 * len(matrices), 5.4), dpi=DPI, squeeze=False)
    short = [n.split("/")[0] for n in CLASS_NAMES]
    for ax, (title, m) in zip(axes[0], matrices.items()):
        m = np.asarray(m)
        sns.heatmap(m, annot=True, fmt=fmt, cmap="Blues", cbar=False, ax=ax, xticklabels=short, yticklabels=short,
                    annot_kws={"fontsize": 7})
        acc = np.trace(m) / m.sum()
        ax.set_title(f"{title}: accuracy {acc:.2%}")
        ax.set_xlabel("predicted class")
        ax.set_ylabel("true class")
    fig.tight_layout()
    return fig
