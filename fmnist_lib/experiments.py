"""The paper's experiments as a registry, run under a budget, resumable and reusable.

``run_experiment("ae-raschka-128")`` trains (or resumes, or simply reloads) one run and
returns its model, history and test metrics. ``reproduce()`` runs them all and writes
``results/<budget>/metrics.json`` and ``REPORT.md``.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Iterable

import torch
from torch import nn

from . import paper
from .data import ImageSet, Splits, load_splits, project_root
from .evaluation import final_metrics
from .models import build_model, count_parameters, freeze, transfer_encoder
from .storage import atomic_save, atomic_write
from .training import (CheckpointMismatch, History, TrainConfig, default_device, fit, run_fingerprint,
                       seed_everything)

#: The seed of a pretrained encoder used by classifiers (all classifier seeds share it, so that
#: their spread measures the classifier's training, not the pretraining).
DEPENDENCY_SEED = 0


@dataclass(frozen=True)
class Experiment:
    name: str
    title: str
    model: str
    hidden_size: int
    dropout: float
    epochs: int
    batch_size: int
    lr: float
    patience: int | None = None
    init_from: str | None = None        # experiment whose encoder initialises this model
    allow_partial: bool = False         # copy only the compatible encoder layers
    freeze_encoder: bool = False        # train the head only (feature extraction)
    group: str = "paper"                # "paper" (Tables I/II), "variant" (tried in the paper), "question",
    #                                     "investigation" (why do our numbers differ from the paper's?)
    note: str = ""
    softmax_output: bool = False        # classifiers: a Softmax output layer (the paper's worse variant)
    protocol: str = "held-out"          # "held-out": epochs chosen on a validation split of the training
    #                                     images; "paper": train on all of them, validate on the test set

    def __post_init__(self) -> None:
        if self.protocol not in ("held-out", "paper"):
            raise ValueError(f"protocol must be 'held-out' or 'paper', got {self.protocol!r}")

    @property
    def task(self) -> str:
        return "reconstruction" if self.name.startswith("ae-") else "classification"


EXPERIMENTS: dict[str, Experiment] = {e.name: e for e in [
    Experiment("ae-feedforward-512", "feed-forward (512)", "FeedForwardAutoencoder", 512, 0.1, 60, 1000, 1e-3),
    Experiment("ae-consigna-128", "consigna (128)", "ConsignaAutoencoder", 128, 0.0, 20, 32, 1e-3),
    Experiment("ae-raschka-64", "Raschka (64)", "RaschkaAutoencoder", 64, 0.0, 17, 32, 5e-4, patience=3,
               note="the paper chose 17 epochs by early stopping; we cap at 17 with patience 3"),
    Experiment("ae-raschka-128", "Raschka (128)", "RaschkaAutoencoder", 128, 0.0, 14, 32, 5e-4, patience=3,
               note="the paper chose 14 epochs by early stopping; we cap at 14 with patience 3"),
    Experiment("clf-consigna-10", "consigna (10)", "ConsignaClassifier", 10, 0.8, 35, 32, 5e-4),
    Experiment("clf-raschka-10", "Raschka (10)", "RaschkaClassifier", 10, 0.8, 15, 40, 7e-4),
    Experiment("clf-consigna-fe-128", "consigna FE (128)", "ConsignaClassifier", 128, 0.8, 26, 32, 5e-4,
               init_from="ae-consigna-128", note="fine-tuning from the consigna autoencoder's encoder"),
    Experiment("clf-consigna-frozen-128", "consigna frozen (128)", "ConsignaClassifier", 128, 0.8, 26, 32, 5e-4,
               init_from="ae-consigna-128", freeze_encoder=True, group="variant",
               note="feature extraction proper: the pretrained encoder is frozen, only the head learns"),
    Experiment("clf-consigna-10-from-128", "consigna (10) from 128", "ConsignaClassifier", 10, 0.8, 35, 32, 5e-4,
               init_from="ae-consigna-128", allow_partial=True, group="variant",
               note="the n=128 encoder's conv layers copied; Linear(800->128) cannot go into Linear(800->10)"),
    Experiment("clf-feedforward-512", "feed-forward (512)", "FeedForwardClassifier", 512, 0.1, 35, 1000, 1e-3,
               group="question", note="conclusion check: do the conv nets beat a feed-forward classifier?"),
    Experiment("clf-consigna-128", "consigna (128) from scratch", "ConsignaClassifier", 128, 0.8, 26, 32, 5e-4,
               group="question", note="open question 1: FE's hidden size without its pretrained start"),
    Experiment("ae-consigna-10", "consigna (10)", "ConsignaAutoencoder", 10, 0.0, 20, 32, 1e-3, group="question",
               note="open question 1: an n=10 autoencoder to pretrain the n=10 classifier"),
    Experiment("clf-consigna-fe-10", "consigna FE (10)", "ConsignaClassifier", 10, 0.8, 35, 32, 5e-4,
               init_from="ae-consigna-10", group="question",
               note="open question 1: is FE better for its hidden size or for its pretrained start?"),
    Experiment("clf-raschka-10-paper-protocol", "Raschka (10), the paper's protocol", "RaschkaClassifier", 10, 0.8,
               15, 40, 7e-4, protocol="paper", group="investigation",
               note="the paper's protocol: all 60,000 training images, the test set as validation set"),
]}


@dataclass(frozen=True)
class Budget:
    name: str
    train_size: int | None   # None: all 50,000 training images
    val_subset: int | None   # None: all 10,000 validation images
    test_size: int | None    # None: all 10,000 test images
    max_epochs: int | None   # None: each experiment's own


BUDGETS = {
    "full": Budget("full", None, None, None, None),
    "quick": Budget("quick", 10_000, 2000, None, 5),   # sweeps and demos at a fraction of the cost
    "smoke": Budget("smoke", 1000, 500, 1000, 2),
}
#: Hyperparameters that ``run_experiment(..., overrides=...)`` may change.
OVERRIDABLE = ("hidden_size", "dropout", "epochs", "batch_size", "lr", "patience", "softmax_output")


def budget_from_env(default: str = "full") -> str:
    """The budget named by ``FMNIST_BUDGET`` (``full``, ``quick`` or ``smoke``), else ``default``."""
    name = os.environ.get("FMNIST_BUDGET", default)
    return get_budget(name).name


def resolve_budget(budget: str | None) -> str:
    """``budget`` validated, or ``$FMNIST_BUDGET`` / ``full`` when None."""
    return budget_from_env() if budget is None else get_budget(budget).name


def get_budget(name: str) -> Budget:
    if name not in BUDGETS:
        raise ValueError(f"unknown budget {name!r}; choose one of {sorted(BUDGETS)}")
    return BUDGETS[name]


def get_experiment(name: str) -> Experiment:
    if name not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {name!r}; choose one of: {', '.join(EXPERIMENTS)}")
    return EXPERIMENTS[name]


def dependencies(name: str) -> list[str]:
    """The experiments ``name`` needs first, deepest first."""
    exp = get_experiment(name)
    return [*dependencies(exp.init_from), exp.init_from] if exp.init_from else []


def splits_for(budget: str) -> Splits:
    b = get_budget(budget)
    return load_splits(train_size=b.train_size, val_subset=b.val_subset, test_size=b.test_size)


def paper_protocol(splits: Splits) -> Splits:
    """The splits as the paper used them: training on the training *and* validation images, and
    the test set standing in for the validation set, so that whatever is read off the validation
    curves (epochs, early stopping) is read on the very images the final accuracy is measured on.
    Optimistic by construction; kept to measure by how much."""
    train = ImageSet(torch.cat([splits.train.images, splits.val.images]),
                     torch.cat([splits.train.labels, splits.val.labels]))
    return Splits(train, splits.test, splits.test)


def default_runs_dir() -> Path:
    """``$FMNIST_RUNS`` (when set and not empty), else ``runs/`` in the project."""
    return Path(os.environ.get("FMNIST_RUNS") or project_root() / "runs")


def reference_runs_dir() -> Path:
    """The committed reference run: ``results/reference-runs/<budget>/<name>/seed<k>/`` holds each
    finished run's ``model.pt`` and ``result.json`` (not its checkpoints). Pass it as ``runs_dir``
    (or ``FMNIST_RUNS``) to reuse the published models instead of retraining them, or to resume
    the reference run where it stopped."""
    return project_root() / "results" / "reference-runs"


def seeds_required(name: str, seeds: int = 3, ae_seeds: int = 1) -> int:
    """How many seeds ``reproduce`` runs for ``name``: ``ae_seeds`` for autoencoders, else ``seeds``."""
    return ae_seeds if get_experiment(name).task == "reconstruction" else seeds


def hardware() -> dict[str, Any]:
    device = default_device()
    return {
        "device": str(device),
        "device_name": torch.cuda.get_device_name() if device.type == "cuda" else platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "platform": platform.platform(),
    }


def versions() -> dict[str, str]:
    import numpy
    import torchvision

    from . import __version__
    return {"fmnist_lib": __version__, "torch": torch.__version__, "torchvision": torchvision.__version__,
            "numpy": numpy.__version__, "python": platform.python_version()}


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project_root(), capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


@dataclass
class RunResult:
    experiment: Experiment
    seed: int
    budget: str
    model: nn.Module
    history: History
    test: dict[str, Any]
    seconds: float
    run_dir: Path
    transfer: str = ""
    hardware: dict[str, Any] | None = None  # where it was trained (recorded at training time)

    def summary(self) -> dict[str, Any]:
        """The JSON record of this run (what ``metrics.json`` holds)."""
        return {
            "seed": self.seed, "test": self.test, "epochs_run": len(self.history.epochs),
            "best_epoch": self.history.best_epoch, "stopped_early": self.history.stopped_early,
            "history": self.history.epochs, "seconds": self.seconds,
            "parameters": count_parameters(self.model),
            "trainable_parameters": count_parameters(self.model, trainable_only=True),
            "transfer": self.transfer, "hardware": self.hardware or hardware(),
        }


def run_dir_for(name: str, budget: str, seed: int, epochs: int | None, runs_dir: Path,
                overrides: dict[str, Any] | None = None) -> Path:
    """``runs/<budget>/<name>/seed<k>[-epochs<n>][-<key><value>...]``: one folder per distinct run."""
    suffix = f"-epochs{epochs}" if epochs is not None else ""
    suffix += "".join(f"-{k}{v}" for k, v in sorted((overrides or {}).items()))
    return Path(runs_dir) / budget / name / f"seed{seed}{suffix}"


def build(exp: Experiment) -> nn.Module:
    kwargs = {"softmax_output": True} if exp.softmax_output else {}
    return build_model(exp.model, hidden_size=exp.hidden_size, dropout=exp.dropout, **kwargs)


def with_overrides(exp: Experiment, overrides: dict[str, Any] | None) -> Experiment:
    """The experiment with some hyperparameters changed (validated names)."""
    unknown = set(overrides or {}) - set(OVERRIDABLE)
    if unknown:
        raise ValueError(f"cannot override {sorted(unknown)}; overridable: {', '.join(OVERRIDABLE)}")
    return replace(exp, **(overrides or {}))


def run_experiment(
    name: str,
    budget: str | None = None,
    seed: int = 0,
    runs_dir: str | os.PathLike | None = None,
    epochs: int | None = None,
    progress: bool | None = None,
    splits: Splits | None = None,
    overrides: dict[str, Any] | None = None,
) -> RunResult:
    """Train experiment ``name`` (dependencies first), or resume it, or reload a finished run.

    ``budget`` defaults to ``$FMNIST_BUDGET`` or ``full``; ``epochs`` overrides the epoch count
    (beyond the budget's cap); ``overrides`` changes hyperparameters (see ``OVERRIDABLE``), e.g.
    ``{"lr": 1e-2, "batch_size": 256}`` for a sweep. Each distinct run lives in its own folder.
    The model's initial weights come from ``seed``. ``splits`` may pass ``splits_for(budget)``
    already loaded (the run folder is named by the budget, so other splits do not belong there).
    """
    exp = with_overrides(get_experiment(name), overrides)
    budget = resolve_budget(budget)
    if epochs is not None and (not isinstance(epochs, int) or epochs < 1):
        raise ValueError(f"epochs must be an int >= 1, got {epochs!r}")
    runs_dir = Path(runs_dir) if runs_dir is not None else default_runs_dir()
    run_dir = run_dir_for(name, budget, seed, epochs, runs_dir, overrides)
    splits = splits if splits is not None else splits_for(budget)
    if exp.protocol == "paper":
        splits = paper_protocol(splits)
    n_epochs = epochs or min(exp.epochs, get_budget(budget).max_epochs or exp.epochs)
    config = TrainConfig(task=exp.task, epochs=n_epochs, batch_size=exp.batch_size, lr=exp.lr, seed=seed,
                         patience=exp.patience)

    identity = {"experiment": name, "budget": budget, "sizes": splits.sizes(), "init_from": exp.init_from,
                "freeze": exp.freeze_encoder, "overrides": overrides or {}}
    if exp.protocol != "held-out":  # (only then: the reference runs' fingerprints stay valid)
        identity["protocol"] = exp.protocol
    fingerprint = run_fingerprint(build(exp), config, identity)
    result_file = run_dir / "result.json"
    if result_file.exists():
        record = json.loads(result_file.read_text())
        if record.get("fingerprint") != fingerprint:
            raise CheckpointMismatch(
                f"the finished run in {run_dir} was trained with a different configuration or architecture. "
                "Delete that folder to retrain, or use another runs directory (--runs-dir / FMNIST_RUNS).")
        model = build(exp)
        model.load_state_dict(torch.load(run_dir / "model.pt", map_location="cpu", weights_only=True))
        if exp.freeze_encoder:
            freeze(model.encoder)
        model.eval()
        history = History(epochs=record["history"], best_epoch=record["best_epoch"], stopped_early=record["stopped_early"])
        return RunResult(exp, seed, budget, model, history, record["test"], record["seconds"], run_dir,
                         record["transfer"], record["hardware"])

    seed_everything(seed)
    model = build(exp)
    transfer = ""
    if exp.init_from:
        source = run_experiment(exp.init_from, budget, DEPENDENCY_SEED, runs_dir, progress=progress, splits=splits)
        transfer = str(transfer_encoder(source.model, model, allow_partial=exp.allow_partial))
        if exp.freeze_encoder:
            freeze(model.encoder)
    history = fit(model, splits.train, splits.val, config, checkpoint=run_dir / "checkpoint.pt",
                  identity=identity, progress=progress)
    model.cpu().eval()
    test = final_metrics(model, splits.test, exp.task)
    seconds = sum(e["seconds"] for e in history.epochs)
    result = RunResult(exp, seed, budget, model, history, test, seconds, run_dir, transfer, hardware())
    atomic_save(model.state_dict(), run_dir / "model.pt")
    atomic_write(result_file, json.dumps(result.summary() | {"fingerprint": fingerprint}, indent=1))
    return result


def summary_table(results: dict[str, RunResult]):
    """One row per run: settings, epochs, last train/validation metrics, test metric, size, time."""
    import pandas as pd

    rows = []
    for name, r in results.items():
        e, last = r.experiment, r.history.epochs[-1]
        row = {"experiment": name, "model": e.title, "hidden": e.hidden_size, "batch": e.batch_size, "lr": e.lr,
               "dropout": e.dropout, "epochs run": len(r.history.epochs), "best epoch": r.history.best_epoch,
               "train loss": last["train_loss"], "val loss": last["val_loss"]}
        if e.task == "reconstruction":
            row["test MSE"] = r.test["mse"]
        else:
            row |= {"val accuracy": last["val_accuracy"], "test accuracy": r.test["accuracy"]}
        rows.append(row | {"parameters": count_parameters(r.model),
                           "trainable": count_parameters(r.model, trainable_only=True), "seconds": round(r.seconds, 1)})
    return pd.DataFrame(rows).set_index("experiment")


def sweep(name: str, grid: dict[str, list], budget: str | None = None, seed: int = 0,
          runs_dir: str | os.PathLike | None = None, progress: bool | None = None):
    """Train ``name`` for every combination of ``grid`` (e.g. ``{"lr": [...], "batch_size": [...]}``)
    and tabulate the *validation* results — never the test set, which is for the final model only.

    Returns a DataFrame: the grid's columns, then ``val_loss`` (last epoch), ``best_val_loss``,
    ``val_accuracy`` (classifiers), ``epochs`` and ``seconds``. Finished runs are reused.
    """
    import itertools

    import pandas as pd

    budget = resolve_budget(budget)
    splits = splits_for(budget)
    keys = list(grid)
    rows = []
    for combo in itertools.product(*(grid[k] for k in keys)):
        overrides = dict(zip(keys, combo))
        r = run_experiment(name, budget, seed, runs_dir, progress=progress, splits=splits, overrides=overrides)
        last = r.history.epochs[-1]
        row = {**overrides, "val_loss": last["val_loss"], "best_val_loss": min(r.history.column("val_loss"))}
        if "val_accuracy" in last:
            row["val_accuracy"] = last["val_accuracy"]
        rows.append(row | {"epochs": len(r.history.epochs), "seconds": r.seconds})
    return pd.DataFrame(rows)


def missing_runs(results: dict[str, list], seeds: int = 3, ae_seeds: int = 1) -> dict[str, str]:
    """Registered experiments with fewer finished seeds than ``reproduce`` runs: ``{name: "1 of 3"}``."""
    need = {n: seeds_required(n, seeds, ae_seeds) for n in EXPERIMENTS}
    return {n: f"{len(results.get(n, []))} of {k}" for n, k in need.items() if len(results.get(n, [])) < k}


def _publish(budget: str, splits: Splits, results: dict[str, list[RunResult]], results_dir, start: float,
             complete: bool, missing: dict[str, str] | None = None) -> dict[str, Any]:
    """Build ``metrics.json``'s content from finished runs and write it with the report and figures."""
    from .report import write_results

    experiments = {name: {"settings": asdict(runs[0].experiment), "task": runs[0].experiment.task,
                          "paper": paper.SETTINGS.get(name), "runs": [r.summary() for r in runs]}
                   for name, runs in results.items()}
    metrics = {
        "budget": budget, "sizes": splits.sizes(), "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        "git_commit": git_commit(), "versions": versions(), "hardware": hardware(),
        "wall_seconds": time.perf_counter() - start, "complete": complete, "missing": missing or {},
        "experiments": experiments,
    }
    out = (Path(results_dir) if results_dir is not None else project_root() / "results") / budget
    first_of_class = [int((splits.val.labels == c).nonzero()[0]) for c in range(10)]
    write_results(metrics, results, out, images=splits.val.images[first_of_class])
    return metrics


def reproduce(
    budget: str = "full",
    seeds: int = 3,
    ae_seeds: int = 1,
    runs_dir: str | os.PathLike | None = None,
    results_dir: str | os.PathLike | None = None,
    names: Iterable[str] | None = None,
    progress: bool | None = None,
) -> dict[str, Any]:
    """Run every experiment (classifiers with ``seeds`` seeds, autoencoders with ``ae_seeds``),
    then write ``metrics.json``, ``REPORT.md`` and the figures under ``results/<budget>/`` —
    after every experiment, so that a long run leaves usable partial results."""
    if seeds < 1 or ae_seeds < 1:
        raise ValueError("seeds and ae_seeds must be >= 1")
    names = list(names) if names is not None else list(EXPERIMENTS)
    for n in names:
        get_experiment(n)
    splits = splits_for(budget)
    start = time.perf_counter()
    results: dict[str, list[RunResult]] = {}
    metrics: dict[str, Any] = {}
    for name in names:
        k = seeds_required(name, seeds, ae_seeds)
        print(f"[reproduce] {name}: {k} seed(s), budget {budget}", flush=True)
        results[name] = [run_experiment(name, budget, s, runs_dir, progress=progress, splits=splits) for s in range(k)]
        metrics = _publish(budget, splits, results, results_dir, start, complete=len(results) == len(names),
                           missing={n: m for n, m in missing_runs(results, seeds, ae_seeds).items() if n in names})
    return metrics


def report_finished(budget: str = "full", runs_dir: str | os.PathLike | None = None,
                    results_dir: str | os.PathLike | None = None, seeds: int = 3,
                    ae_seeds: int = 1) -> dict[str, Any]:
    """Write ``results/<budget>/`` from the runs that have finished so far, training nothing
    (e.g. while ``reproduce`` is still running elsewhere, or after it was stopped). The report
    is marked complete when every experiment has the seeds ``reproduce`` would run."""
    runs_dir = Path(runs_dir) if runs_dir is not None else default_runs_dir()
    splits = splits_for(budget)
    start = time.perf_counter()
    results: dict[str, list[RunResult]] = {}
    for name in EXPERIMENTS:
        finished = sorted(int(p.parent.name[4:]) for p in (runs_dir / budget / name).glob("seed*/result.json")
                          if p.parent.name[4:].isdigit())
        if finished:
            results[name] = [run_experiment(name, budget, s, runs_dir, splits=splits) for s in finished]
    if not results:
        raise ValueError(f"no finished run of budget {budget!r} under {runs_dir}")
    missing = missing_runs(results, seeds, ae_seeds)
    return _publish(budget, splits, results, results_dir, start, complete=not missing, missing=missing)
