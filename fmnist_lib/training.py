"""One training engine for reconstruction (MSE) and classification (cross-entropy), with Adam.

``fit`` adds to the textbook loop only what a long run on a laptop needs: validated settings,
seeds, per-epoch history, early stopping, a NaN guard, progress bars and an atomic checkpoint
after every epoch from which a killed run resumes to the very same weights (on the CPU).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .data import Batches, ImageSet
from .evaluation import check_task, evaluate, loss_function, target_of
from .storage import atomic_save

CHECKPOINT_FORMAT = 1
OPTIMIZERS = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite."""


class CheckpointMismatch(RuntimeError):
    """A checkpoint was written by a different configuration or architecture."""


# --------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class TrainConfig:
    """Settings of one training run; validated on creation, before any work starts."""

    task: str
    epochs: int
    batch_size: int
    lr: float
    seed: int = 0
    patience: int | None = None     # early stopping: epochs without improvement of val loss
    min_delta: float = 0.0          # ... by more than this
    restore_best: bool = True       # with patience: end on the best epoch's weights (also at the epoch cap)
    eval_batch_size: int = 64       # large eval batches are memory-bound on CPU (benchmarks/profile_epoch.py)
    optimizer: str = "adam"         # "adam" (the paper's, everywhere) or "sgd" (plain, for the lessons)
    channels_last: bool = True      # NHWC weights: faster convolutions on CPU (benchmarks/profile_epoch.py)

    def __post_init__(self) -> None:
        check_task(self.task)
        def whole(v: Any, low: int) -> bool:
            return isinstance(v, int) and not isinstance(v, bool) and v >= low

        def number(v: Any) -> bool:
            return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)

        checks = [
            (whole(self.epochs, 1), f"epochs must be an int >= 1, got {self.epochs!r}"),
            (whole(self.batch_size, 1), f"batch_size must be an int >= 1, got {self.batch_size!r}"),
            (number(self.lr) and self.lr > 0, f"lr must be a finite number > 0, got {self.lr!r}"),
            (whole(self.seed, 0), f"seed must be an int >= 0, got {self.seed!r}"),
            (self.patience is None or whole(self.patience, 1),
             f"patience must be None or an int >= 1, got {self.patience!r}"),
            (number(self.min_delta) and self.min_delta >= 0, f"min_delta must be a finite number >= 0, got {self.min_delta!r}"),
            (whole(self.eval_batch_size, 1), f"eval_batch_size must be an int >= 1, got {self.eval_batch_size!r}"),
            (isinstance(self.restore_best, bool) and isinstance(self.channels_last, bool),
             "restore_best and channels_last must be True or False"),
            (self.optimizer in OPTIMIZERS, f"optimizer must be one of {sorted(OPTIMIZERS)}, got {self.optimizer!r}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)


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
    def from_dict(cls, d: dict[str, Any]) -> "History":
        return cls(epochs=list(d["epochs"]), best_epoch=d.get("best_epoch"), stopped_early=d.get("stopped_early", False))


# --------------------------------------------------------------------------- environment
def default_device() -> torch.device:
    """``$FMNIST_DEVICE`` if set (e.g. ``cpu``), else cuda if available, else Apple's mps, else the CPU.

    Exact resume (same final weights as an uninterrupted run) is guaranteed on the CPU only:
    GPU kernels are not all deterministic.
    """
    if os.environ.get("FMNIST_DEVICE"):
        return torch.device(os.environ["FMNIST_DEVICE"])
    if torch.cuda.is_available():
        return torch.device("cuda")
    if _has_mps():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int) -> None:
    """Seed Python's, numpy's and torch's generators (model init, dropout, shuffling)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def progress_default() -> bool:
    """Progress bars unless ``FMNIST_PROGRESS=0`` (CI sets it)."""
    return os.environ.get("FMNIST_PROGRESS", "1") != "0"


def config_hash(payload: dict[str, Any]) -> str:
    """A short stable hash of a JSON-serialisable configuration."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def run_fingerprint(model: nn.Module, config: "TrainConfig", identity: dict[str, Any] | None = None) -> str:
    """What makes two runs the same run: settings (but not the evaluation batch size, which
    cannot change the weights), architecture and the caller's identity (experiment, data sizes)."""
    settings = {k: v for k, v in dataclasses.asdict(config).items() if k != "eval_batch_size"}
    return config_hash({"config": settings, "architecture": repr(model), "identity": identity or {}})


# --------------------------------------------------------------------------- checkpoints
def load_checkpoint(path: Path) -> dict[str, Any]:
    """Load a checkpoint safely (tensors and plain containers only)."""
    return torch.load(path, map_location="cpu", weights_only=True)


def _rng_state(loader_gen: torch.Generator) -> dict[str, Any]:
    np_state = np.random.get_state()
    py_state = random.getstate()
    return {
        "torch": torch.get_rng_state(),
        "loader": loader_gen.get_state(),
        "numpy": [np_state[0], torch.from_numpy(np_state[1].astype(np.int64)), *map(float, np_state[2:])],
        "python": [py_state[0], list(py_state[1]), py_state[2]],
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "mps": [torch.mps.get_rng_state()] if _has_mps() else [],
    }


def _set_rng_state(state: dict[str, Any], loader_gen: torch.Generator) -> None:
    torch.set_rng_state(state["torch"])
    loader_gen.set_state(state["loader"])
    name, keys, pos, has_gauss, gauss = state["numpy"]
    np.random.set_state((name, keys.numpy().astype(np.uint32), int(pos), int(has_gauss), gauss))
    version, internal, gauss_next = state["python"]
    random.setstate((version, tuple(internal), gauss_next))
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    if state.get("mps") and _has_mps():
        torch.mps.set_rng_state(state["mps"][0])


def _has_mps() -> bool:
    return bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())


def _state_copy(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}


# --------------------------------------------------------------------------- the engine
def fit(
    model: nn.Module,
    train: ImageSet,
    val: ImageSet,
    config: TrainConfig,
    *,
    checkpoint: str | os.PathLike | None = None,
    identity: dict[str, Any] | None = None,
    device: str | torch.device | None = None,
    progress: bool | None = None,
) -> History:
    """Train ``model`` with Adam (or plain SGD) on ``train``, validating on ``val`` after every epoch.

    ``checkpoint``: a file written atomically after every epoch. If it exists, training resumes
    from it, provided it was written for the same config, architecture and ``identity`` (e.g.
    experiment name and data sizes); otherwise ``CheckpointMismatch`` is raised. Returns the
    history. The model ends with the last epoch's weights; with ``patience`` (and ``restore_best``)
    it ends with the best validation epoch's, whether early stopping fired or the cap was reached.
    """
    if not isinstance(config, TrainConfig):
        raise TypeError("config must be a TrainConfig")
    if len(train) == 0 or len(val) == 0:
        raise ValueError("train and val must not be empty")
    device = torch.device(device) if device is not None else default_device()
    progress = progress_default() if progress is None else progress
    ckpt_path = Path(checkpoint) if checkpoint is not None else None
    fingerprint = run_fingerprint(model, config, identity)

    was_training = model.training
    model.to(device)
    if config.channels_last:
        model.to(memory_format=torch.channels_last)  # only 4-D weights change layout
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("the model has no trainable parameters (is everything frozen?)")
    optimizer = OPTIMIZERS[config.optimizer](params, lr=config.lr)
    loss_fn = loss_function(config.task)
    loader_gen = torch.Generator().manual_seed(config.seed)
    loader = Batches(train, config.batch_size, shuffle=True, generator=loader_gen, device=device)
    history = History()
    best = {"loss": float("inf"), "epoch": None, "bad_epochs": 0, "state": None}

    if ckpt_path is not None and ckpt_path.exists():
        state = load_checkpoint(ckpt_path)
        if state.get("format") != CHECKPOINT_FORMAT or state.get("fingerprint") != fingerprint:
            raise CheckpointMismatch(
                f"{ckpt_path} was written by a different configuration or architecture "
                f"(its fingerprint {state.get('fingerprint')} != {fingerprint}). Delete it to start "
                "over, or use another runs directory / checkpoint path.")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        _set_rng_state(state["rng"], loader_gen)
        history = History.from_dict(json.loads(state["history"]))
        best = {**state["best"], "state": state["best"]["state"] or None}
    else:
        torch.manual_seed(config.seed)  # the dropout stream; model init is the caller's seed

    def save() -> None:
        if ckpt_path is not None:
            atomic_save({
                "format": CHECKPOINT_FORMAT, "fingerprint": fingerprint, "epoch": len(history.epochs),
                "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "rng": _rng_state(loader_gen), "history": json.dumps(history.to_dict()),
                "best": {**best, "state": best["state"] or {}},
            }, ckpt_path)

    from tqdm.auto import tqdm

    def diverged(value: float, where: str, epoch: int) -> TrainingDiverged:
        kept = (f"The last good checkpoint (epoch {epoch - 1}) is kept at {ckpt_path}." if epoch > 1 else
                "No epoch had finished, so there is no checkpoint to go back to.") if ckpt_path is not None else ""
        return TrainingDiverged(
            f"the loss became {value} at epoch {epoch}, {where}. Likely causes: the learning rate "
            f"({config.lr}) is too high or the gradients exploded; lower the learning rate or the depth, "
            f"or use ReLU/LeakyReLU. {kept}")

    done = history.stopped_early or len(history.epochs) >= config.epochs
    epoch_bar = tqdm(total=config.epochs, initial=len(history.epochs), desc="epochs", disable=not progress or done,
                     leave=False)
    try:
        while not done:
            epoch = len(history.epochs) + 1
            start = time.perf_counter()
            model.train()
            total, correct, seen = 0.0, 0, 0
            bar = tqdm(loader, desc=f"epoch {epoch}", disable=not progress, leave=False, mininterval=0.5)
            for batch, (x, y) in enumerate(bar, start=1):
                out = model(x)
                loss = loss_fn(out, target_of(config.task, x, y))
                value = loss.item()
                if not math.isfinite(value):
                    raise diverged(value, f"batch {batch}/{len(loader)}", epoch)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                total += value
                if config.task == "classification":
                    correct += (out.argmax(1) == y).sum().item()
                    seen += len(y)
                if batch % 50 == 0:
                    bar.set_postfix(loss=f"{total / batch:.4f}", refresh=False)
            row = {"epoch": epoch, "train_loss": total / len(loader)}
            if config.task == "classification":
                row["train_accuracy"] = correct / seen
            val_metrics = evaluate(model, val, config.task, config.eval_batch_size)
            if not math.isfinite(val_metrics["loss"]):  # the last steps broke the weights: do not save them
                raise diverged(val_metrics["loss"], "on the validation set after the last batch", epoch)
            row["val_loss"] = val_metrics["loss"]
            if "accuracy" in val_metrics:
                row["val_accuracy"] = val_metrics["accuracy"]
            row["seconds"] = time.perf_counter() - start
            history.epochs.append(row)

            if row["val_loss"] < best["loss"] - config.min_delta:
                best.update(loss=row["val_loss"], epoch=epoch, bad_epochs=0,
                            state=_state_copy(model) if config.patience is not None and config.restore_best else None)
            else:
                best["bad_epochs"] += 1
            history.best_epoch = best["epoch"]
            if config.patience is not None and best["bad_epochs"] >= config.patience:
                history.stopped_early = True
            done = history.stopped_early or epoch >= config.epochs
            epoch_bar.update(1)
            epoch_bar.set_postfix(train=f"{row['train_loss']:.4f}", val=f"{row['val_loss']:.4f}")
            save()
        epoch_bar.close()
        if best["state"] is not None:  # early stopping, or the cap reached after the best epoch
            model.load_state_dict(best["state"])
    finally:
        model.train(was_training)
    return history
