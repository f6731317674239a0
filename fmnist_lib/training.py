"""One training engine for reconstruction (MSE) and classification (cross-entropy), with Adam.

The pieces, each usable on its own:

- ``train_one_epoch``: the textbook loop (zero_grad, forward, loss, backward, step), nothing else;
- ``evaluate`` (in ``fmnist_lib.evaluation``): the validation pass;
- ``EarlyStopping``: patience on the validation loss, and the best epoch's weights;
- ``Checkpointer`` (in ``fmnist_lib.checkpoints``): save after every epoch, resume exactly.

``fit`` composes them and adds only what a long run on a laptop needs: validated settings,
seeds, per-epoch history, a NaN guard and progress bars.
"""

from __future__ import annotations

import dataclasses
import math
import os
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .checkpoints import Checkpointer, fingerprint
from .checks import check, check_choice
from .data import NUM_CLASSES, Batches, ImageSet
from .errors import FmnistError, NoSpace, SettingsError, TrainingInterrupted
from .evaluation import accuracy, check_task, confusion_matrix, evaluate, loss_function, target_of
from .progress import progress_bar
from .settings import PRECISIONS, default_device, progress_from_env
from .wording import Texts, Words, language

OPTIMIZERS: dict[str, Callable[..., torch.optim.Optimizer]] = {
    "adam": torch.optim.Adam,
    "sgd": torch.optim.SGD,
}


class TrainingDiverged(FmnistError, RuntimeError):
    """The loss became NaN or infinite (the model keeps the last good epoch's weights)."""


#: The words on the training bars (in the course's language: a Spanish chapter's are Spanish).
BAR_WORDS = Words(
    {
        "epochs": {"en": "epochs", "es": "épocas"},
        "epoch": {"en": "epoch {n}", "es": "época {n}"},
    },
    "fmnist_lib.training.BAR_WORDS",
)


def bar_label(run: str, key: str, **fields: object) -> str:
    """A bar's description: what it counts, after the run it belongs to (when it is named), e.g.
    ``ae-raschka-128, seed 1 · epoch 2``."""
    words = BAR_WORDS(key, language(), **fields)
    return f"{run} · {words}" if run else words


#: What a diverged run says, in every language of the course (the notebook's, ``wording.language``).
DIVERGED_TEXTS: Texts = {
    "diverged": {
        "en": "the loss became {value} at epoch {epoch}, {where}. Likely cause: a learning rate "
        "({lr}) too large for the loss surface's curvature; lower it, use Adam or clip the "
        "gradients (in a deep network, check the initialisation too). {kept}",
        "es": "la pérdida se volvió {value} en la época {epoch}, {where}. Causa probable: una tasa "
        "de aprendizaje ({lr}) demasiado grande para la curvatura de la superficie de pérdida; "
        "bájala, usa Adam o recorta los gradientes (en una red profunda, revisa también la "
        "inicialización). {kept}",
    },
    "batch": {"en": "batch {batch}/{batches}", "es": "lote {batch}/{batches}"},
    "validation": {
        "en": "on the validation set after the last batch",
        "es": "en el conjunto de validación tras el último lote",
    },
    "kept": {
        "en": "The last good checkpoint (epoch {epoch}) is kept at {path}.",
        "es": "El último punto de control bueno (época {epoch}) se conserva en {path}.",
    },
    "none_kept": {
        "en": "No epoch had finished, so there is no checkpoint to go back to.",
        "es": "Ninguna época había terminado: no hay punto de control al que volver.",
    },
}
DIVERGED_WORDS = Words(DIVERGED_TEXTS, "fmnist_lib.training.DIVERGED_TEXTS")
_diverged_text = DIVERGED_WORDS.here  # a text in the notebook's language


#: A mean loss above this, though finite, means the weights blew up (MSE of pixels in [0, 1] is
#: at most 1; cross-entropy at chance is 2.3).
EXPLODED_LOSS = 1e4


# --------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class TrainConfig:
    """Settings of one training run; validated on creation, before any work starts."""

    task: str
    epochs: int
    batch_size: int
    lr: float
    seed: int = 0
    patience: int | None = None  # early stopping: epochs without improvement of val loss
    min_delta: float = 0.0  # ... by more than this
    restore_best: bool = True  # with patience: end on the best epoch's weights (also at the cap)
    eval_batch_size: int = 64  # large eval batches are memory-bound on CPU (profile_epoch.py)
    optimizer: str = "adam"  # "adam" (the paper's, everywhere) or "sgd" (plain, for the lessons)
    channels_last: bool = True  # NHWC weights: faster convolutions on CPU (profile_epoch.py)
    precision: str = "fp32"  # or "bf16": the forward in bfloat16 (``autocast``; benchmarks/bf16.py)

    def __post_init__(self) -> None:
        check_task(self.task)
        for name in ("epochs", "batch_size", "lr", "seed", "patience", "min_delta",
                     "eval_batch_size", "restore_best", "channels_last"):  # fmt: skip
            check(name, getattr(self, name))
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        check_choice("precision", self.precision, PRECISIONS)

    def weight_settings(self) -> dict[str, Any]:
        """The settings that can change the trained weights (all but the evaluation batch size;
        the precision only when it is not ``fp32``, so runs from before it keep their
        fingerprints)."""
        left_out = {"eval_batch_size"} | ({"precision"} if self.precision == "fp32" else set())
        return {k: v for k, v in dataclasses.asdict(self).items() if k not in left_out}


@dataclass
class History:
    """Per-epoch metrics, JSON-serialisable: ``train_loss`` is the mean of the per-batch losses
    (as the paper reports it); ``val_loss`` the mean over validation samples."""

    epochs: list[dict[str, float]] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False

    def column(self, key: str) -> list[float]:
        return [e[key] for e in self.epochs]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self) | {"epochs_run": len(self.epochs)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> History:
        return cls(list(d["epochs"]), d.get("best_epoch"), d.get("stopped_early", False))


def weights_copy(model: nn.Module) -> dict[str, torch.Tensor]:
    """A detached CPU copy of the model's weights."""
    return {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}


@dataclass
class EarlyStopping:
    """Tracks the best validation loss; says when ``patience`` epochs brought no improvement
    larger than ``min_delta``; keeps the best epoch's weights when ``keep_best_weights``."""

    patience: int | None = None
    min_delta: float = 0.0
    keep_best_weights: bool = False
    best_loss: float = math.inf
    best_epoch: int | None = None
    bad_epochs: int = 0
    best_weights: dict[str, torch.Tensor] | None = None

    def update(self, epoch: int, val_loss: float, model: nn.Module) -> None:
        """Record epoch ``epoch``'s validation loss (call after validating)."""
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_epoch, self.bad_epochs = val_loss, epoch, 0
            if self.keep_best_weights:
                self.best_weights = weights_copy(model)
        else:
            self.bad_epochs += 1

    @property
    def should_stop(self) -> bool:
        return self.patience is not None and self.bad_epochs >= self.patience

    def state_dict(self) -> dict[str, Any]:
        return {
            "best_loss": self.best_loss,
            "best_epoch": self.best_epoch,
            "bad_epochs": self.bad_epochs,
            "best_weights": self.best_weights or {},
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best_loss, self.best_epoch = state["best_loss"], state["best_epoch"]
        self.bad_epochs, self.best_weights = state["bad_epochs"], state["best_weights"] or None


# --------------------------------------------------------------------------- seeds, fingerprint
def seed_everything(seed: int) -> None:
    """Seed Python's, numpy's and torch's generators (model init, dropout, shuffling)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def run_fingerprint(
    model: nn.Module, config: TrainConfig, identity: dict[str, Any] | None = None
) -> str:
    """What makes two runs the same run: the model's signature (class, parameter shapes), the
    settings that change the weights and the caller's identity (experiment, data sizes...)."""
    return fingerprint(model, config.weight_settings(), identity or {})


# --------------------------------------------------------------------------- the loop
BatchHook = Callable[[int, torch.Tensor, torch.Tensor, float], None]
#: Called with each epoch's history row once its checkpoint is saved; may raise to stop.
EpochHook = Callable[[dict[str, float]], None]


def autocast(precision: str, device: torch.device) -> torch.autocast:
    """Where the forward pass computes: in float32 (``fp32``: this does nothing), or in bfloat16
    (``bf16``: PyTorch's autocast runs convolutions and matrix products in bfloat16 and keeps
    the loss in float32; the weights and their gradients stay float32)."""
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=precision == "bf16")


def train_one_epoch(
    model: nn.Module,
    batches: Iterable[tuple[torch.Tensor, torch.Tensor]],
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    *,
    task: str = "classification",
    on_batch: BatchHook | None = None,
    precision: str = "fp32",
) -> float:
    """One pass over ``batches``: zero_grad, forward, loss, backward, step. Returns the mean of
    the per-batch losses.

    ``task="reconstruction"`` makes the target the input image itself. ``on_batch(batch,
    output, labels, loss)`` is called after each loss is computed and before its step; it may
    raise to stop the epoch with the weights untouched by that batch. ``precision="bf16"``
    computes the forward pass in bfloat16 (``autocast``).
    """
    model.train()
    total, count = 0.0, 0
    for x, y in batches:
        optimizer.zero_grad(set_to_none=True)
        with autocast(precision, x.device):
            output = model(x)
            loss = loss_fn(output, target_of(task, x, y))
        value = loss.item()
        if on_batch is not None:
            on_batch(count + 1, output, y, value)
        loss.backward()
        optimizer.step()
        total += value
        count += 1
    return total / count


# --------------------------------------------------------------------------- the engine
@dataclass
class _Run:
    """What ``fit`` holds while it trains: the pieces it composes."""

    model: nn.Module
    config: TrainConfig
    loader: Batches
    optimizer: torch.optim.Optimizer
    loss_fn: nn.Module
    checkpointer: Checkpointer
    stopping: EarlyStopping
    history: History
    progress: bool
    on_epoch: EpochHook | None = None
    label: str = ""  # the run's name on its bars (``fit``'s ``label``)
    saved_epoch: int = 0  # the epoch the checkpoint on disk holds
    position: tuple[int, int, int] = (0, 0, 0)  # epoch, batch (0: validation), batches

    def kept(self) -> str:
        """What is safe on disk, in words."""
        if self.checkpointer.path is None:
            return "nothing was saved (no checkpoint file)"
        if self.saved_epoch == 0:
            return "no epoch had finished, so there is no checkpoint yet"
        return f"the checkpoint of epoch {self.saved_epoch} is intact"

    def interrupted(self) -> TrainingInterrupted:
        epoch, batch, batches = self.position
        where = f"batch {batch}/{batches}" if batch else "validation"
        return TrainingInterrupted(
            f"interrupted at epoch {epoch}, {where}; {self.kept()} — run the same command to resume"
        )

    def diverged(self, value: float, where: str, epoch: int) -> TrainingDiverged:
        path = self.checkpointer.path
        kept = ""
        if path is not None and epoch > 1:
            kept = _diverged_text("kept", epoch=epoch - 1, path=path)
        elif path is not None:
            kept = _diverged_text("none_kept")
        return TrainingDiverged(
            _diverged_text(
                "diverged", value=value, epoch=epoch, where=where, lr=self.config.lr, kept=kept
            )
        )

    def save(self) -> None:
        epoch = len(self.history.epochs)
        loop_state = {
            "epoch": epoch,
            "history": self.history.to_dict(),
            "early_stopping": self.stopping.state_dict(),
        }
        try:
            self.checkpointer.save(self.model, self.optimizer, self.loader.generator, loop_state)
        except NoSpace as exc:
            raise NoSpace(f"{exc}; {self.kept()}") from None
        self.saved_epoch = epoch

    def resume(self) -> None:
        state = self.checkpointer.restore(self.model, self.optimizer, self.loader.generator)
        if state is None:
            torch.manual_seed(self.config.seed)  # the dropout stream; model init is the caller's
            return
        self.history = History.from_dict(state["history"])
        self.stopping.load_state_dict(state["early_stopping"])
        self.saved_epoch = len(self.history.epochs)

    def next_epoch(self, val: ImageSet) -> dict[str, float]:
        """One epoch; if it diverges, the model goes back to the weights it started it with."""
        good = weights_copy(self.model)
        try:
            return _one_epoch(self, val)
        except TrainingDiverged:
            self.model.load_state_dict(good)
            raise

    @property
    def done(self) -> bool:
        return self.history.stopped_early or len(self.history.epochs) >= self.config.epochs

    def train_until_done(self, val: ImageSet) -> None:
        """Epochs until the cap or early stopping, a checkpoint after each; then the best
        epoch's weights when early stopping keeps them."""
        bar = progress_bar(total=self.config.epochs, desc=bar_label(self.label, "epochs"),
                           enabled=self.progress and not self.done,
                           initial=len(self.history.epochs))  # fmt: skip
        try:
            while not self.done:
                row = self.next_epoch(val)
                self.history.epochs.append(row)
                self.stopping.update(int(row["epoch"]), row["val_loss"], self.model)
                self.history.best_epoch = self.stopping.best_epoch
                # early: patience ran out before the cap (at the cap the run ends anyway)
                self.history.stopped_early = self.stopping.should_stop and not (
                    len(self.history.epochs) >= self.config.epochs
                )
                bar.update(1)
                bar.set_postfix(train=f"{row['train_loss']:.4f}", val=f"{row['val_loss']:.4f}")
                self.save()
                if self.on_epoch is not None:
                    self.on_epoch(row)
        except KeyboardInterrupt:
            raise self.interrupted() from None
        finally:
            bar.close()
        if self.stopping.best_weights is not None:  # early stopping, or the cap after the best
            self.model.load_state_dict(self.stopping.best_weights)


def _one_epoch(run: _Run, val: ImageSet) -> dict[str, float]:
    """Train one epoch and validate: the history row of that epoch."""
    epoch, task, n_batches = len(run.history.epochs) + 1, run.config.task, len(run.loader)
    start = time.perf_counter()
    run.position = (epoch, 1, n_batches)
    matrix = torch.zeros(NUM_CLASSES, NUM_CLASSES, dtype=torch.long, device=run.loader.device)
    bar = progress_bar(
        total=n_batches,
        desc=bar_label(run.label, "epoch", n=epoch),
        enabled=run.progress,
        mininterval=0.5,
    )
    running = 0.0

    def watch(batch: int, output: torch.Tensor, labels: torch.Tensor, loss: float) -> None:
        nonlocal running
        run.position = (epoch, batch, n_batches)
        if not math.isfinite(loss):
            raise run.diverged(loss, _diverged_text("batch", batch=batch, batches=n_batches), epoch)
        if task == "classification":
            matrix.add_(confusion_matrix(labels, output.argmax(1)))
        running += loss
        bar.update(1)
        if batch % 50 == 0:
            bar.set_postfix(loss=f"{running / batch:.4f}", refresh=False)

    try:
        train_loss = train_one_epoch(
            run.model, run.loader, run.loss_fn, run.optimizer,
            task=task, on_batch=watch, precision=run.config.precision,
        )  # fmt: skip
    finally:
        bar.close()
    row = {"epoch": epoch, "train_loss": train_loss}
    if task == "classification":
        row["train_accuracy"] = accuracy(matrix)
    run.position = (epoch, 0, n_batches)
    val_metrics = evaluate(run.model, val, task, run.config.eval_batch_size)
    if not math.isfinite(val_metrics["loss"]):  # the last steps broke the weights: keep them out
        raise run.diverged(val_metrics["loss"], _diverged_text("validation"), epoch)
    row["val_loss"] = val_metrics["loss"]
    if "accuracy" in val_metrics:
        row["val_accuracy"] = val_metrics["accuracy"]
    row["seconds"] = time.perf_counter() - start
    return row


def loss_warnings(history: History) -> list[str]:
    """Warnings for a run whose loss stayed finite but blew up (training went on regardless)."""
    if not history.epochs:
        return []
    worst, epoch = max((max(e["train_loss"], e["val_loss"]), e["epoch"]) for e in history.epochs)
    if worst <= EXPLODED_LOSS:
        return []
    return [
        f"the loss reached {worst:.3g} at epoch {int(epoch)}: finite, so training went on, but "
        "the weights blew up. Lower the learning rate (or the initial weights' scale)."
    ]


def _prepare(
    model: nn.Module, train: ImageSet, config: TrainConfig, device: torch.device
) -> tuple[torch.optim.Optimizer, Batches]:
    """Move the model, make the optimizer over its trainable parameters, and the batches."""
    model.to(device)
    if config.channels_last:
        model.to(memory_format=torch.channels_last)  # only 4-D weights change layout
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise SettingsError("the model has no trainable parameters (is everything frozen?)")
    optimizer = OPTIMIZERS[config.optimizer](params, lr=config.lr)
    batch_order = torch.Generator().manual_seed(config.seed)
    loader = Batches(train, config.batch_size, shuffle=True, generator=batch_order, device=device)
    return optimizer, loader


def fit(
    model: nn.Module,
    train: ImageSet,
    val: ImageSet,
    config: TrainConfig,
    *,
    checkpoint: str | os.PathLike[str] | None = None,
    identity: dict[str, Any] | None = None,
    device: str | torch.device | None = None,
    progress: bool | None = None,
    on_epoch: EpochHook | None = None,
    label: str = "",
) -> History:
    """Train ``model`` with Adam (or plain SGD) on ``train``, validating on ``val`` after every
    epoch.

    ``checkpoint``: a file written atomically after every epoch. If it exists, training resumes
    from it, provided it was written for the same config, architecture and ``identity`` (e.g.
    experiment name and data sizes); otherwise ``CheckpointMismatch`` is raised. Returns the
    history. The model ends with the last epoch's weights; with ``patience`` (and
    ``restore_best``) it ends with the best validation epoch's, whether early stopping fired or
    the cap was reached. ``on_epoch(row)`` is called after each epoch's checkpoint (e.g. to
    report to a hyperparameter search, which may stop the run by raising). ``label`` names the
    run on its progress bars (``run_experiment`` gives the experiment, seed and sweep point).
    With ``config.precision="bf16"`` the training steps' forward passes run in bfloat16
    (``autocast``); validation stays in float32.
    """
    if not isinstance(config, TrainConfig):
        raise TypeError("config must be a TrainConfig")
    if len(train) == 0 or len(val) == 0:
        raise SettingsError("train and val must not be empty")
    path = Path(checkpoint) if checkpoint is not None else None
    checkpointer = Checkpointer(path, run_fingerprint(model, config, identity))
    was_training = model.training
    optimizer, loader = _prepare(model, train, config, torch.device(device or default_device()))
    keep_best = config.patience is not None and config.restore_best
    run = _Run(model, config, loader, optimizer, loss_function(config.task), checkpointer,
               EarlyStopping(config.patience, config.min_delta, keep_best_weights=keep_best),
               History(), progress_from_env() if progress is None else progress,
               on_epoch, label)  # fmt: skip
    try:
        run.resume()
        run.train_until_done(val)
    finally:
        model.train(was_training)
    checkpointer.discard_previous()  # the run has ended: its last checkpoint is enough
    return run.history
