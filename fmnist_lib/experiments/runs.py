"""Where runs live and what a finished run leaves behind.

``<runs>/<budget>/<experiment>/seed<k>[-epochs<n>][-<key><value>...][-bf16]/`` holds a run's
``checkpoint.pt`` while it trains, then its ``model.pt`` (the weights) and ``result.json``
(the record: history, test metrics, time, hardware and the run's fingerprint).

Where ``<runs>`` is, decided here once for the CLI, ``make``, the notebooks and the lab:
``$FMNIST_RUNS`` when set; else, at the full budget, the published reference runs
(``results/reference-runs``), so that nothing that ships in the repository is retrained — or,
without a checkout (a pip-installed library, on Colab), the cache that published runs are
downloaded into (``fmnist_lib.experiments.published``); else ``runs/`` in the project.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import platform
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import numpy
import torch
import torchvision
from filelock import FileLock, Timeout
from torch import nn

from .. import __version__
from ..checkpoints import load_tensors
from ..errors import NoSpace, RunDamaged, RunLocked, SettingsError
from ..names import check_name, path_inside
from ..settings import check_precision, default_device, project_root, runs_dir_from_env
from ..storage import atomic_save, atomic_write, sweep_temporaries
from ..training import TrainConfig, run_fingerprint
from .published import RECORD, WEIGHTS, cached_runs_dir
from .records import check_record
from .registry import Experiment

CHECKPOINT = "checkpoint.pt"
LOCK = ".lock"


def reference_runs_dir() -> Path:
    """The published reference run: ``results/reference-runs/<budget>/<name>/seed<k>/`` holds
    each finished run's ``model.pt`` and ``result.json`` (not its checkpoints)."""
    return project_root() / "results" / "reference-runs"


def published_runs_here() -> bool:
    """Whether this is a checkout that holds the published reference runs (else, e.g. on Colab,
    the full budget's published runs are downloaded when asked for)."""
    return reference_runs_dir().is_dir()


def default_runs_dir(budget: str) -> Path:
    """``$FMNIST_RUNS``; else, at the full budget, the reference runs (without a checkout, the
    cache they are downloaded into); else ``runs/``."""
    from_env = runs_dir_from_env()
    if from_env is not None:
        return from_env
    if budget != "full":
        return project_root() / "runs"
    return reference_runs_dir() if published_runs_here() else cached_runs_dir()


def run_dir_for(
    name: str,
    budget: str,
    seed: int,
    epochs: int | None,
    runs_dir: str | os.PathLike[str],
    overrides: dict[str, Any] | None = None,
    precision: str = "fp32",
) -> Path:
    """``<runs>/<budget>/<name>/seed<k>[-epochs<n>][-<key><value>...][-bf16]``: one folder per
    run (a precision other than fp32 names its own)."""
    suffix = f"-epochs{epochs}" if epochs is not None else ""
    suffix += "".join(f"-{k}{v}" for k, v in sorted((overrides or {}).items()))
    suffix += "" if precision == "fp32" else f"-{check_precision(precision)}"
    check_name(budget, "the budget")
    check_name(name, "the experiment")
    return path_inside(runs_dir, budget, name, f"seed{seed}{suffix}", what="the run's folder")


def finished_seeds(runs_dir: Path, budget: str, name: str) -> list[int]:
    """The seeds of ``name`` with a finished default run (no epoch or setting overridden)."""
    folders = (p.parent.name for p in (runs_dir / budget / name).glob(f"seed*/{RECORD}"))
    return sorted(int(f[4:]) for f in folders if f[4:].isdigit())


def run_identity(
    exp: Experiment,
    budget: str,
    seed: int,
    sizes: dict[str, int],
    overrides: dict[str, Any] | None,
    source_fingerprint: str | None = None,
) -> dict[str, Any]:
    """What, besides the model's signature and the training settings, makes a run this run.
    A pretrained run of seed k starts from its dependency's run of seed k, whose fingerprint
    is part of this one (retraining the autoencoder differently makes its classifiers new runs);
    a frozen encoder is fixed in eval mode (its dropout off while the head trains)."""
    identity: dict[str, Any] = {
        "experiment": exp.name,
        "model_settings": exp.model_settings(),
        "budget": budget,
        "sizes": sizes,
        "protocol": exp.protocol,
        "init_from": exp.init_from,
        "allow_partial": exp.allow_partial,
        "freeze": "eval mode, no gradient" if exp.freeze_encoder else False,
        "overrides": overrides or {},
    }
    if exp.init_from:
        identity["init_seed"] = seed
        identity["init_fingerprint"] = source_fingerprint
    return identity


def experiment_fingerprint(exp: Experiment, config: TrainConfig, identity: dict[str, Any]) -> str:
    """The fingerprint a finished run of ``exp`` must carry to be reused."""
    return run_fingerprint(exp.new_model(), config, identity)


# --------------------------------------------------------------------------- records
def read_record(run_dir: Path, task: str | None = None) -> dict[str, Any] | None:
    """A finished run's record (of ``task``, when given), checked against the record's schema
    (``records``), or None when the run has not finished."""
    path = run_dir / RECORD
    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RunDamaged(
            f"{path} cannot be read ({type(exc).__name__}); delete the folder {run_dir} to "
            "train this run again"
        ) from None
    return check_record(record, path, task)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_weights(run_dir: Path, model: nn.Module, sha256: str) -> nn.Module:
    """``model`` with a finished run's weights (tensors only: no code is unpickled), checked
    against the SHA-256 its record holds (a record without one is damaged: ``records``)."""
    path = run_dir / WEIGHTS
    if file_sha256(path) != sha256:
        raise RunDamaged(
            f"{path} is not the file its record {run_dir / RECORD} was written with (its SHA-256 "
            "differs: replaced or edited); restore it, or delete the folder to retrain"
        )
    state = load_tensors(path, "weights file")
    try:
        model.load_state_dict(state)
    except (RuntimeError, TypeError, AttributeError) as exc:
        raise RunDamaged(
            f"{path} does not hold this model's weights ({type(exc).__name__}); delete the "
            "folder to retrain"
        ) from None
    return model


def write_run(run_dir: Path, model: nn.Module, record: dict[str, Any]) -> dict[str, Any]:
    """Write the weights, then the record with the weights' SHA-256: a run counts as finished
    only once both exist. Returns the record as written."""
    atomic_save(model.state_dict(), run_dir / WEIGHTS)
    record = record | {"model_sha256": file_sha256(run_dir / WEIGHTS)}
    atomic_write(run_dir / RECORD, json.dumps(record, indent=1))
    return record


# --------------------------------------------------------------------------- one process a run
def _record_holder(fd: int) -> None:
    """Write who holds the lock (PID, host, since when) into the lock file, through the lock's own
    descriptor, after a newline: on Windows the lock covers the file's first byte, which no other
    process can read, so readers start after it."""
    record = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()})
    data = ("\n" + record).encode()
    os.lseek(fd, 0, os.SEEK_SET)
    written = 0
    while written < len(data):
        written += os.write(fd, data[written:])
    os.ftruncate(fd, len(data))


def lock_holder(lock: Path) -> dict[str, Any]:
    """What the process that holds ``lock`` recorded (``pid``, ``host``, ``since``); empty when it
    cannot be read (not written yet, or by a version that wrote none)."""
    try:
        with open(lock, "rb") as fh:
            fh.seek(1)
            holder = json.loads(fh.read())
    except (OSError, ValueError):
        return {}
    return holder if isinstance(holder, dict) else {}


@contextmanager
def file_lock(
    path: Path,
    refuse: Callable[[dict[str, Any]], Exception] | None = None,
    poll_seconds: float = 1.0,
) -> Iterator[None]:
    """Hold the lock of the file ``path`` while the block runs: one process at a time.

    The lock is the operating system's (the ``filelock`` package: ``flock`` on Unix,
    ``LockFileEx`` on Windows), so it is released when its holder exits, however it exits: no
    stale lock survives a crash. The file records the holder (``lock_holder``). When another
    process holds it: ``refuse(holder)`` is raised at once, or, without ``refuse``, this waits for
    it (trying every ``poll_seconds``).
    """
    lock = FileLock(path, on_acquired=_record_holder)
    if refuse is None:
        lock.acquire(poll_interval=poll_seconds)
    else:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise refuse(lock_holder(path)) from None
    try:
        yield
    finally:
        lock.release()


def _locked(run_dir: Path, holder: dict[str, Any]) -> RunLocked:
    return RunLocked(
        f"{run_dir} is being trained by process {holder.get('pid', '?')} on "
        f"{holder.get('host', '?')} (lock file {run_dir / LOCK}); wait for it to finish, or run "
        "again with --wait"
    )


def refuse_if_locked(run_dir: Path) -> None:
    """``RunLocked`` at once if another process holds ``run_dir``'s lock (a cheap early check,
    before any data is loaded; the lock taken by ``run_lock`` is what counts)."""
    lock = run_dir / LOCK
    if not lock.exists():
        return
    probe = FileLock(lock)  # taken and released at once when no process holds it
    try:
        probe.acquire(timeout=0)
    except Timeout:
        raise _locked(run_dir, lock_holder(lock)) from None
    probe.release()


@contextmanager
def run_lock(run_dir: Path, wait: bool = False, poll_seconds: float = 1.0) -> Iterator[None]:
    """Hold ``run_dir``'s lock (``file_lock`` on ``run_dir/.lock``) while the block runs: one
    process trains a run at a time. Another process that holds it is named in the refusal
    (``RunLocked``), or waited for when ``wait``. Temporaries of killed writes are swept once the
    lock is held.
    """
    refuse = None if wait else partial(_locked, run_dir)
    with file_lock(run_dir / LOCK, refuse, poll_seconds):
        sweep_temporaries(run_dir)
        yield


def checkpoint_bytes(model: nn.Module) -> int:
    """About what one checkpoint of ``model`` takes: the weights and Adam's two moments."""
    return 3 * sum(t.numel() * t.element_size() for t in model.state_dict().values())


def prepare_run_dir(run_dir: Path, needed_bytes: int) -> None:
    """Make ``run_dir`` and check, before any training, that it can hold the run's files: a
    file in the way, a read-only folder or a full disk is an error that says so."""
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise SettingsError(
            f"cannot make the run folder {run_dir}: a file stands in its way; choose another "
            "runs folder (--runs-dir or FMNIST_RUNS)"
        ) from None
    except OSError as exc:
        raise _unwritable(run_dir, exc) from None
    if not os.access(run_dir, os.W_OK | os.X_OK):
        raise SettingsError(
            f"the run folder {run_dir} is read-only; choose another runs folder "
            "(--runs-dir or FMNIST_RUNS)"
        )
    free = shutil.disk_usage(run_dir).free
    if free < needed_bytes:
        raise NoSpace(
            f"no space left on device for {run_dir}: {free / 1e6:.1f} MB free, a checkpoint "
            f"needs about {needed_bytes / 1e6:.1f} MB; free some space or choose another runs "
            "folder"
        )


def _unwritable(run_dir: Path, exc: OSError) -> SettingsError | NoSpace:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return NoSpace(f"no space left on device while making {run_dir}")
    return SettingsError(
        f"cannot write the run folder {run_dir} ({exc.strerror}); choose another runs folder "
        "(--runs-dir or FMNIST_RUNS)"
    )


# --------------------------------------------------------------------------- provenance
def hardware(gemm_gflops: list[float] | None = None) -> dict[str, Any]:
    """Where a run trains: device, its name, CPUs, torch threads, platform; and, when given, the
    machine's GEMM rate measured as the run started and as it ended (``gemm_rate``)."""
    device = default_device()
    name = platform.processor() or platform.machine()
    found: dict[str, Any] = {
        "device": str(device),
        "device_name": torch.cuda.get_device_name() if device.type == "cuda" else name,
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "platform": platform.platform(),
    }
    if gemm_gflops is not None:
        found["gemm_gflops"] = [round(g, 1) for g in gemm_gflops]
    return found


def gemm_rate(n: int = 1024, repeats: int = 5) -> float:
    """The machine's dense fp32 matrix-multiply rate now, GFLOP/s: the best of ``repeats``
    ``torch.mm`` of two n x n matrices on the default device, with torch's threads (~0.05 s on
    2 CPU cores). A run's times are read against it: these machines' speed drifts."""
    device = default_device()
    a, b = torch.randn(n, n, device=device), torch.randn(n, n, device=device)
    best = float("inf")
    for attempt in range(repeats + 1):  # the first is a warm-up
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        torch.mm(a, b)
        if device.type == "cuda":
            torch.cuda.synchronize()
        if attempt:
            best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


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
