"""Where runs live and what a finished run leaves behind.

``<runs>/<budget>/<experiment>/seed<k>[-epochs<n>][-<key><value>...]/`` holds a run's
``checkpoint.pt`` while it trains, then its ``model.pt`` (the weights) and ``result.json``
(the record: history, test metrics, time, hardware and the run's fingerprint).

Where ``<runs>`` is, decided here once for the CLI, ``make``, the notebooks and the lab:
``$FMNIST_RUNS`` when set; else, at the full budget, the published reference runs
(``results/reference-runs``), so that nothing that ships in the repository is retrained;
else ``runs/`` in the project.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import numpy
import torch
import torchvision
from torch import nn

from . import __version__
from .registry import Experiment
from .settings import default_device, project_root, runs_dir_from_env
from .storage import atomic_save, atomic_write
from .training import TrainConfig, run_fingerprint

RECORD = "result.json"
WEIGHTS = "model.pt"
CHECKPOINT = "checkpoint.pt"


def reference_runs_dir() -> Path:
    """The published reference run: ``results/reference-runs/<budget>/<name>/seed<k>/`` holds
    each finished run's ``model.pt`` and ``result.json`` (not its checkpoints)."""
    return project_root() / "results" / "reference-runs"


def default_runs_dir(budget: str) -> Path:
    """``$FMNIST_RUNS``; else the reference runs at the full budget; else ``runs/``."""
    from_env = runs_dir_from_env()
    if from_env is not None:
        return from_env
    return reference_runs_dir() if budget == "full" else project_root() / "runs"


def run_dir_for(
    name: str,
    budget: str,
    seed: int,
    epochs: int | None,
    runs_dir: str | os.PathLike[str],
    overrides: dict[str, Any] | None = None,
) -> Path:
    """``<runs>/<budget>/<name>/seed<k>[-epochs<n>][-<key><value>...]``: one folder per run."""
    suffix = f"-epochs{epochs}" if epochs is not None else ""
    suffix += "".join(f"-{k}{v}" for k, v in sorted((overrides or {}).items()))
    return Path(runs_dir) / budget / name / f"seed{seed}{suffix}"


def finished_seeds(runs_dir: Path, budget: str, name: str) -> list[int]:
    """The seeds of ``name`` with a finished default run (no epoch or setting overridden)."""
    folders = (p.parent.name for p in (runs_dir / budget / name).glob(f"seed*/{RECORD}"))
    return sorted(int(f[4:]) for f in folders if f[4:].isdigit())


def run_identity(
    exp: Experiment, budget: str, sizes: dict[str, int], overrides: dict[str, Any] | None
) -> dict[str, Any]:
    """What, besides the model's signature and the training settings, makes a run this run."""
    return {
        "experiment": exp.name,
        "model_settings": exp.model_settings(),
        "budget": budget,
        "sizes": sizes,
        "protocol": exp.protocol,
        "init_from": exp.init_from,
        "allow_partial": exp.allow_partial,
        "freeze": exp.freeze_encoder,
        "overrides": overrides or {},
    }


def experiment_fingerprint(exp: Experiment, config: TrainConfig, identity: dict[str, Any]) -> str:
    """The fingerprint a finished run of ``exp`` must carry to be reused."""
    return run_fingerprint(exp.new_model(), config, identity)


# --------------------------------------------------------------------------- records
def read_record(run_dir: Path) -> dict[str, Any] | None:
    """A finished run's record, or None when the run has not finished."""
    path = run_dir / RECORD
    if not path.exists():
        return None
    record: dict[str, Any] = json.loads(path.read_text())
    return record


def load_weights(run_dir: Path, model: nn.Module) -> nn.Module:
    """``model`` with a finished run's weights (tensors only: no code is unpickled)."""
    state = torch.load(run_dir / WEIGHTS, map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    return model


def write_run(run_dir: Path, model: nn.Module, record: dict[str, Any]) -> None:
    """Write the weights, then the record: a run counts as finished only once both exist."""
    atomic_save(model.state_dict(), run_dir / WEIGHTS)
    atomic_write(run_dir / RECORD, json.dumps(record, indent=1))


# --------------------------------------------------------------------------- provenance
def hardware() -> dict[str, Any]:
    """Where a run trains: device, its name, CPUs, torch threads, platform."""
    device = default_device()
    name = platform.processor() or platform.machine()
    return {
        "device": str(device),
        "device_name": torch.cuda.get_device_name() if device.type == "cuda" else name,
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "platform": platform.platform(),
    }


def versions() -> dict[str, str]:
    """The versions that produced a result."""
    return {
        "fmnist_lib": __version__,
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "numpy": numpy.__version__,
        "python": platform.python_version(),
    }


def git_commit() -> str | None:
    """The checkout's commit, or None outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=project_root(),
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None
