"""Over-fitting on purpose, and its remedies measured against it (the lessons of chapter 7).

A model trained long on few images learns those images: its training loss keeps falling while
its validation loss, after a minimum, rises again (the U-shaped curve). ``training_curves``
trains for many epochs and records both curves after every epoch, with the three remedies that
act during training as its settings: dropout (in the model), weight decay (``AdamW``'s
``weight_decay``) and data augmentation (``shift_and_flip``). The fourth, early stopping, is read
off the curve: ``lowest_point``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import torch
from matplotlib.figure import Figure
from torch import nn

from .checks import check
from .data import Batches, ImageSet
from .errors import SettingsError
from .evaluation import evaluate, loss_function
from .plots import COLUMN_INCHES, describe, legend_outside, panels
from .progress import progress_bar
from .training import bar_label
from .wording import phrase, text


def shift_and_flip(
    images: torch.Tensor, generator: torch.Generator, max_shift: int = 2
) -> torch.Tensor:
    """Each image of a batch ``(B, 1, 28, 28)`` moved by up to ``max_shift`` pixels up or down
    and left or right (zeros, the background, fill what enters) and, one in two, mirrored left to
    right: a T-shirt seen a little off-centre, or mirrored, is still a T-shirt."""
    if max_shift < 0:
        raise SettingsError(f"max_shift must be >= 0, got {max_shift}")
    count, _, height, width = images.shape
    padded = nn.functional.pad(images, (max_shift,) * 4)
    shifts = torch.randint(0, 2 * max_shift + 1, (2, count), generator=generator)
    rows = shifts[0, :, None] + torch.arange(height)  # (B, 28): the padded rows each image keeps
    cols = shifts[1, :, None] + torch.arange(width)
    mirrored = torch.rand(count, generator=generator) < 0.5
    cols = torch.where(mirrored[:, None], cols.flip(1), cols)
    which = torch.arange(count)[:, None, None]
    return padded[which, 0, rows[:, :, None], cols[:, None, :]].unsqueeze(1)


def _one_epoch(
    model: nn.Module,
    batches: Batches,
    optimizer: torch.optim.Optimizer,
    augment: torch.Generator | None,
) -> float:
    """One pass of the textbook loop; the mean of its batch losses."""
    loss_fn = loss_function("classification")
    model.train()
    total, count = 0.0, 0
    for x, y in batches:
        inputs = shift_and_flip(x, augment) if augment is not None else x
        loss = loss_fn(model(inputs), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        total, count = total + loss.item() * len(y), count + len(y)
    return total / count


def _scores(model: nn.Module, data: ImageSet, split: str) -> dict[str, float]:
    scores = evaluate(model, data, "classification", batch_size=1000)
    return {f"{split}_loss": scores["loss"], f"{split}_accuracy": scores["accuracy"]}


def training_curves(
    model: nn.Module,
    train: ImageSet,
    val: ImageSet,
    epochs: int,
    *,
    batch_size: int = 100,
    lr: float = 1e-3,
    weight_decay: float = 0.0,
    augment: bool = False,
    seed: int = 0,
    test: ImageSet | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Train ``model`` (a classifier) with AdamW for ``epochs`` epochs and return one row per
    epoch: ``epoch``, ``train_loss`` (the mean over the epoch's batches, with dropout and
    augmentation on), ``val_loss`` and ``val_accuracy`` (after the epoch, in eval mode).

    ``weight_decay``: AdamW's decoupled weight decay (each step shrinks every weight by
    ``lr * weight_decay`` of itself; 0 is plain Adam). ``augment``: train on ``shift_and_flip``
    of each batch. ``test``: also ``test_loss`` and ``test_accuracy`` at every epoch where the
    validation loss reaches a new low (the weights early stopping would keep) and at the last
    epoch; NaN at the others (to read the test score at an epoch chosen on the validation set,
    without scoring the test set a hundred times). ``seed`` fixes the batch order and
    the augmentation's draws (seed the model's initial weights yourself, before building it).
    No checkpoints, no early stopping: the point is to see the whole curve.
    """
    for name, value in (("epochs", epochs), ("batch_size", batch_size), ("lr", lr)):
        check(name, value)
    if weight_decay < 0:
        raise SettingsError(f"weight_decay must be >= 0, got {weight_decay}")
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    batches = Batches(
        train, batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed)
    )
    draws = torch.Generator().manual_seed(seed + 1) if augment else None
    rows: list[dict[str, Any]] = []
    lowest = math.inf
    with progress_bar(total=epochs, desc=bar_label("", "epochs"), enabled=progress) as bar:
        for epoch in range(1, epochs + 1):
            row: dict[str, Any] = {
                "epoch": epoch,
                "train_loss": _one_epoch(model, batches, optimizer, draws),
            }
            row |= _scores(model, val, "val")
            if test is not None and (row["val_loss"] < lowest or epoch == epochs):
                row |= _scores(model, test, "test")
            lowest = min(lowest, row["val_loss"])
            rows.append(row)
            bar.update()
    return pd.DataFrame(rows)


def lowest_point(curves: pd.DataFrame) -> dict[str, float]:
    """Early stopping read off a curve: the row of the epoch with the lowest validation loss (the
    weights early stopping with ample patience keeps), as a dict of its columns."""
    if curves.empty:
        raise SettingsError("no epochs: nothing to read")
    best = curves.loc[curves.val_loss.idxmin()]
    return {k: int(v) if k == "epoch" else float(v) for k, v in best.items()}


def seed_curves(
    curves: Mapping[str, Sequence[pd.Series]], ylabel: str, title: str = "", log: bool = False
) -> Figure:
    """Several seeds' curves of each setting (a ``pd.Series`` per seed, indexed by epoch or
    step): one thin line per seed and, where a setting's seeds share their index, a band from
    the lowest to the highest of them with their mean as a thick line."""
    fig, (ax,) = panels(1, (COLUMN_INCHES, 3.2))
    for (name, runs), colour in zip(curves.items(), plt.rcParams["axes.prop_cycle"], strict=False):
        table = pd.concat(list(runs), axis=1)
        for _, run in table.items():
            ax.plot(run.index, run.to_numpy(), color=colour["color"], lw=0.7, alpha=0.6)
        if not table.isna().to_numpy().any():
            ax.fill_between(
                table.index,
                table.min(axis=1),
                table.max(axis=1),
                color=colour["color"],
                alpha=0.2,
                lw=0,
            )
            ax.plot(table.index, table.mean(axis=1), color=colour["color"], lw=2)
        ax.plot([], [], color=colour["color"], lw=2, label=f"{phrase(name)} ({len(runs)})")
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(text("epoch") if curves and _by_epoch(curves) else text("step"))
    ax.set_ylabel(phrase(ylabel))
    ax.grid(alpha=0.3)
    legend_outside(ax)
    if title:
        ax.set_title(phrase(title), wrap=True)
    names = ", ".join(phrase(n) for n in curves)
    return describe(fig, text("seed_curves.alt", what=phrase(ylabel), names=names))


def _by_epoch(curves: Mapping[str, Sequence[pd.Series]]) -> bool:
    first = next(iter(curves.values()))
    return bool(first) and first[0].index.name == "epoch"
