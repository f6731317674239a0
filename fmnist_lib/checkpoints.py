"""What makes a run the same run (its fingerprint), and the checkpoint it resumes from.

A checkpoint holds the model, the optimizer, every random generator (Python, numpy, torch,
the batch order, CUDA/MPS) and the training loop's own state, written atomically after
every epoch; a killed run restored from it continues to the very same weights on the CPU.

Each checkpoint file carries the SHA-256 of its contents in a first line, checked when a run
resumes, and the one before it is kept beside it (``checkpoint.previous.pt``) until the run
ends. A damaged checkpoint (a flipped byte, a truncated file) is moved aside
(``checkpoint.pt.damaged``) with a warning, and the run resumes from the previous one, or else
starts over: it never trains on from damaged weights.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .errors import FmnistError, RunDamaged
from .settings import has_mps
from .storage import atomic_write

#: Version of what the fingerprint hashes; bump it when that changes (and migrate the records).
FINGERPRINT_FORMAT = 2
#: Version of the checkpoint's layout.
CHECKPOINT_FORMAT = 2
#: A checkpoint file's first line: this, the SHA-256 of the rest (``torch.save``'s bytes), "\n".
SEAL = b"fmnist-checkpoint sha256="
SEAL_LENGTH = len(SEAL) + 64 + 1
#: How every message about a damaged checkpoint ends.
START_OVER = "; delete it to start this run over"


class CheckpointMismatch(FmnistError, RuntimeError):
    """A checkpoint or finished run was written by a different configuration or architecture."""


# --------------------------------------------------------------------------- fingerprints
def model_signature(model: nn.Module) -> dict[str, Any]:
    """What defines an architecture without printing it: the class and every parameter's and
    buffer's name, shape and dtype (module printing may change between PyTorch releases)."""

    def tensors(named: Any) -> list[list[Any]]:
        return [[name, list(t.shape), str(t.dtype)] for name, t in named]

    return {
        "class": type(model).__name__,
        "parameters": tensors(model.named_parameters()),
        "buffers": tensors(model.named_buffers()),
    }


def short_hash(payload: dict[str, Any]) -> str:
    """A short stable hash of a JSON-serialisable payload."""
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def fingerprint(model: nn.Module, settings: dict[str, Any], identity: dict[str, Any]) -> str:
    """The fingerprint of a run: format version, model signature, training settings and the
    caller's identity (experiment, model settings, data sizes, protocol...)."""
    return short_hash(
        {
            "format": FINGERPRINT_FORMAT,
            "model": model_signature(model),
            "settings": settings,
            "identity": identity,
        }
    )


# --------------------------------------------------------------------------- random state
def rng_state(batch_order: torch.Generator) -> dict[str, Any]:
    """Every random generator a training run draws from, as tensors and plain containers."""
    np_state: tuple[Any, ...] = tuple(np.random.get_state())
    py_state = random.getstate()
    return {
        "torch": torch.get_rng_state(),
        "loader": batch_order.get_state(),
        "numpy": [
            np_state[0],
            torch.from_numpy(np_state[1].astype(np.int64)),
            *map(float, np_state[2:]),
        ],
        "python": [py_state[0], list(py_state[1]), py_state[2]],
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "mps": [torch.mps.get_rng_state()] if has_mps() else [],
    }


def set_rng_state(state: dict[str, Any], batch_order: torch.Generator) -> None:
    """Restore what ``rng_state`` saved."""
    torch.set_rng_state(state["torch"])
    batch_order.set_state(state["loader"])
    name, keys, pos, has_gauss, gauss = state["numpy"]
    np.random.set_state((name, keys.numpy().astype(np.uint32), int(pos), int(has_gauss), gauss))
    version, internal, gauss_next = state["python"]
    random.setstate((version, tuple(internal), gauss_next))
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    if state.get("mps") and has_mps():
        torch.mps.set_rng_state(state["mps"][0])


# --------------------------------------------------------------------------- checkpoints
def load_tensors(path: str | Path, what: str, content: bytes | None = None) -> Any:
    """``torch.load`` of tensors and plain containers only (no code is unpickled) from ``path``
    (or from ``content``, the bytes read from it); a file that cannot be read so is
    ``RunDamaged``, naming it and saying what to do."""
    try:
        source = io.BytesIO(content) if content is not None else path
        return torch.load(source, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise
    except Exception as exc:  # whatever the reason, the file cannot be used
        raise RunDamaged(
            f"{path} is damaged or is not a {what} ({type(exc).__name__}){START_OVER}"
        ) from None


def sealed(state: dict[str, Any]) -> bytes:
    """A checkpoint file's bytes: the seal line with the SHA-256 of ``torch.save(state)``'s
    bytes, then those bytes."""
    buffer = io.BytesIO()
    torch.save(state, buffer)
    payload = buffer.getvalue()
    return SEAL + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def unsealed(content: bytes, path: str | Path) -> bytes:
    """The ``torch.save`` bytes inside a checkpoint file's ``content``, once their SHA-256 is
    the one its seal line records; ``RunDamaged`` otherwise. A file without a seal line, written
    before checkpoints carried one, is handed back whole (unchecked)."""
    if not content.startswith(SEAL):
        return content
    digest, payload = content[len(SEAL) : SEAL_LENGTH - 1], content[SEAL_LENGTH:]
    if content[SEAL_LENGTH - 1 : SEAL_LENGTH] != b"\n" or (
        hashlib.sha256(payload).hexdigest().encode() != digest
    ):
        raise RunDamaged(
            f"{path} is damaged (its SHA-256 is not the one it was written with){START_OVER}"
        )
    return payload


def load_checkpoint(path: str | Path) -> dict[str, Any]:
    """Load a checkpoint safely (tensors and plain containers only), its SHA-256 checked first;
    ``RunDamaged`` when it cannot be used."""
    try:
        content = Path(path).read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise RunDamaged(f"{path} cannot be read ({exc.strerror}){START_OVER}") from None
    state = load_tensors(path, "checkpoint", unsealed(content, path))
    if not isinstance(state, dict) or "fingerprint" not in state:
        raise RunDamaged(f"{path} is not a checkpoint of this course{START_OVER}")
    return state


def set_aside(path: Path) -> Path:
    """Move a damaged file out of the way (``<name>.damaged``, replacing an older one), kept for
    a look; return where it went."""
    aside = path.with_name(f"{path.name}.damaged")
    os.replace(path, aside)
    return aside


@dataclass
class Checkpointer:
    """Saves and restores one run's state at ``path`` (nothing at all when ``path`` is None).

    ``loop_state`` is the training loop's own JSON-like state (history, early stopping); the
    checkpointer stores it as given and hands it back on restore.
    """

    path: Path | None
    fingerprint: str

    @property
    def previous(self) -> Path | None:
        """Where the checkpoint before the last one is kept: ``<stem>.previous<suffix>``."""
        if self.path is None:
            return None
        return self.path.with_name(f"{self.path.stem}.previous{self.path.suffix}")

    def save(
        self,
        model: nn.Module,
        optimizer: torch.optim.Optimizer,
        batch_order: torch.Generator,
        loop_state: dict[str, Any],
    ) -> None:
        if self.path is None:
            return
        state = {
            "format": CHECKPOINT_FORMAT,
            "fingerprint": self.fingerprint,
            "torch_threads": torch.get_num_threads(),
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "rng": rng_state(batch_order),
            **loop_state,
        }
        assert self.previous is not None
        self.previous.unlink(missing_ok=True)  # at most two checkpoints on disk at any time
        atomic_write(self.path, sealed(state), keep_previous=self.previous)

    def discard_previous(self) -> None:
        """Remove the kept previous checkpoint (the run has ended: its last one is enough)."""
        if self.previous is not None:
            self.previous.unlink(missing_ok=True)

    def _first_good(self) -> dict[str, Any] | None:
        """The state of the newest checkpoint that is intact: the last one, else the previous;
        a damaged one is moved aside with a warning that says which way the run goes on."""
        assert self.path is not None and self.previous is not None
        damaged: list[str] = []
        for candidate in (self.path, self.previous):
            if not candidate.exists():
                continue
            try:
                state = load_checkpoint(candidate)
            except RunDamaged as exc:
                why = str(exc).removesuffix(START_OVER)
                damaged.append(f"{why}; moved aside to {set_aside(candidate).name}")
                continue
            if candidate != self.path and not damaged:  # killed between a set-aside and a save
                damaged.append(f"{self.path} is missing")
            if damaged:
                _warn_damaged(damaged, f"resuming from {candidate} (epoch {state.get('epoch')})")
            return state
        if damaged:
            _warn_damaged(damaged, "no intact checkpoint is left, so this run starts over")
        return None

    def restore(
        self, model: nn.Module, optimizer: torch.optim.Optimizer, batch_order: torch.Generator
    ) -> dict[str, Any] | None:
        """Load the checkpoint into ``model``, ``optimizer`` and the generators; return the loop's
        state, or None when there is no checkpoint to resume from."""
        if self.path is None:
            return None
        state = self._first_good()
        if state is None:
            return None
        if state.get("format") != CHECKPOINT_FORMAT or state.get("fingerprint") != self.fingerprint:
            kept = [p.name for p in (self.path, self.previous) if p is not None and p.exists()]
            raise CheckpointMismatch(
                f"{self.path} was written by a different configuration or architecture "
                f"(its fingerprint {state.get('fingerprint')} != {self.fingerprint}). Delete "
                f"{' and '.join(kept)} in {self.path.parent} to start over, or use another runs "
                "directory / checkpoint path."
            )
        threads = state.get("torch_threads")
        if threads is not None and threads != torch.get_num_threads():
            warnings.warn(
                f"resuming {self.path} with {torch.get_num_threads()} torch threads; it was "
                f"written with {threads}. Resuming gives the very same weights as an "
                "uninterrupted run only with the same thread count (set torch.set_num_threads).",
                stacklevel=2,
            )
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        set_rng_state(state["rng"], batch_order)
        return state


def _warn_damaged(damaged: list[str], then: str) -> None:
    warnings.warn(f"{'; '.join(damaged)}; {then}", stacklevel=3)
