"""Running the registered experiments: train, resume, or reload one run; sweeps; tables.

``run_experiment("ae-raschka-128")`` trains (or resumes, or simply reloads) one run and
returns its model, history and test metrics. ``fmnist_lib.reproduction.pipeline`` runs them all.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import torch
from torch import nn

from ..checkpoints import CheckpointMismatch
from ..checks import check
from ..data import ImageSet, Splits, splits_for
from ..errors import RunDamaged
from ..evaluation import final_metrics
from ..models import count_parameters, encoder_of, freeze, transfer_encoder
from ..numerals import mean_std, number
from ..settings import get_budget, progress_from_env, resolve_budget, resolve_precision
from ..training import EpochHook, History, TrainConfig, fit, loss_warnings, seed_everything
from ..wording import Words, language
from .machine import keep_freed_memory
from .published import BUDGET as PUBLISHED_BUDGET
from .published import download_run, published_run, write_run_files
from .registry import EXPERIMENTS, Experiment, get_experiment, heading, in_language
from .runs import (
    CHECKPOINT,
    RECORD,
    WEIGHTS,
    checkpoint_bytes,
    default_runs_dir,
    experiment_fingerprint,
    gemm_rate,
    hardware,
    load_weights,
    prepare_run_dir,
    published_runs_here,
    read_record,
    refuse_if_locked,
    run_dir_for,
    run_identity,
    run_lock,
    write_run,
)

__all__ = [
    "EXPERIMENTS",
    "RunResult",
    "results_table",
    "run_experiment",
    "splits_for",
    "summary_table",
    "sweep",
    "sweep_cell",
]


#: What a run says as it starts and ends, with progress on (a cell that trains several runs tells
#: which one is running); its bars carry the same name (``fit``'s ``label``).
RUN_WORDS = Words(
    {
        "run": {"en": "{name}{point}, seed {seed}", "es": "{name}{point}, semilla {seed}"},
        "epochs": {"en": "{n} epochs", "es": "{n} épocas"},
        "epoch": {"en": "1 epoch", "es": "1 época"},
        "training": {"en": "▶ {run}: training, at most {epochs}",
                     "es": "▶ {run}: entrenando, como mucho {epochs}"},
        "trained": {"en": "✓ {run}: trained, {epochs} in {seconds:.0f} s",
                    "es": "✓ {run}: entrenado, {epochs} en {seconds:.0f} s"},
        "reloaded": {"en": "✓ {run}: trained before, reloaded",
                     "es": "✓ {run}: ya entrenado, cargado"},
    },
    "fmnist_lib.experiments.running.RUN_WORDS",
)  # fmt: skip


def run_label(name: str, seed: int, overrides: dict[str, Any] | None = None) -> str:
    """A run's name in words: experiment, sweep point (its overrides) and seed, e.g.
    ``ae-feedforward-512 (lr=0.003, batch_size=500), seed 1``."""
    point = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                      for k, v in (overrides or {}).items())  # fmt: skip
    return RUN_WORDS("run", language(), name=name, point=f" ({point})" if point else "", seed=seed)


def _say(plan: _Plan, shown: bool, key: str, **fields: Any) -> None:
    """One line about the run (``RUN_WORDS[key]``), when progress is shown."""
    if not shown:
        return
    lang = language()
    if "epochs" in fields:
        n = fields["epochs"]
        fields["epochs"] = RUN_WORDS("epoch" if n == 1 else "epochs", lang, n=n)
    print(RUN_WORDS(key, lang, run=plan.label, **fields), flush=True)


def paper_protocol(splits: Splits) -> Splits:
    """The splits as the paper used them: training on the training *and* validation images, and
    the test set standing in for the validation set, so that whatever is read off the validation
    curves (epochs, early stopping) is read on the very images the final accuracy is measured on.
    Optimistic by construction; kept to measure by how much."""
    train = ImageSet(
        torch.cat([splits.train.images, splits.val.images]),
        torch.cat([splits.train.labels, splits.val.labels]),
    )
    return Splits(train, splits.test, splits.test)


@dataclass
class RunResult:
    """One finished run: its experiment, trained model, history and test metrics."""

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
    warnings: list[str] = field(default_factory=list)  # e.g. a loss that blew up, though finite
    precision: str = "fp32"  # the training's (``TrainConfig.precision``)

    def summary(self) -> dict[str, Any]:
        """The JSON record of this run (what ``metrics.json`` holds)."""
        return {
            "seed": self.seed,
            "test": self.test,
            "epochs_run": len(self.history.epochs),
            "best_epoch": self.history.best_epoch,
            "stopped_early": self.history.stopped_early,
            "history": self.history.epochs,
            "seconds": self.seconds,
            "parameters": count_parameters(self.model),
            "trainable_parameters": count_parameters(self.model, trainable_only=True),
            "transfer": self.transfer,
            "hardware": self.hardware or hardware(),
            "precision": self.precision,
        }


@dataclass(frozen=True)
class _Plan:
    """Everything that names and defines one run, before any training."""

    exp: Experiment
    budget: str
    seed: int
    run_dir: Path
    runs_dir: Path
    splits: Splits
    config: TrainConfig
    identity: dict[str, Any]
    fingerprint: str
    label: str  # ``run_label``: on the run's bars and lines


@dataclass(frozen=True)
class _Where:
    """A run's experiment, budget and folder: known before any data is loaded."""

    exp: Experiment
    budget: str
    seed: int
    runs_dir: Path
    run_dir: Path
    precision: str = "fp32"


def _where(
    name: str,
    budget: str | None,
    seed: int,
    runs_dir: str | os.PathLike[str] | None,
    epochs: int | None,
    overrides: dict[str, Any] | None,
    precision: str | None = "fp32",
) -> _Where:
    exp = get_experiment(name).with_overrides(overrides)
    budget, precision = resolve_budget(budget), resolve_precision(precision)
    if epochs is not None:
        check("epochs", epochs)
    root = Path(runs_dir) if runs_dir is not None else default_runs_dir(budget)
    folder = run_dir_for(name, budget, seed, epochs, root, overrides, precision)
    return _Where(exp, budget, seed, root, folder, precision)


def _fetch_published(where: _Where, epochs: int | None, overrides: dict[str, Any] | None) -> None:
    """Without a checkout's reference runs (on Colab), a full-budget run that this release
    publishes is downloaded into its folder, verified, instead of trained (``published``)."""
    if where.budget != PUBLISHED_BUDGET or epochs is not None or overrides:
        return
    if where.precision != "fp32":  # the published runs are fp32's
        return
    if (where.run_dir / RECORD).exists() or published_runs_here():
        return
    entry = published_run(where.exp.name, where.seed)
    if entry is None:
        return
    size = sum(int(f["bytes"]) for f in entry.values())
    print(f"downloading the published run {where.exp.name} seed {where.seed} "
          f"({size / 1e6:.1f} MB) into {where.run_dir}", flush=True)  # fmt: skip
    files = download_run(where.exp.name, where.seed, entry)
    prepare_run_dir(where.run_dir, size)
    write_run_files(where.run_dir, files)


def _plan(
    where: _Where, epochs: int | None, splits: Splits | None, overrides: dict[str, Any] | None
) -> _Plan:
    exp, budget = where.exp, where.budget
    splits = splits if splits is not None else splits_for(budget)
    source = None
    if exp.init_from:  # the pretrained start is part of the run: its fingerprint too
        source = _plan(_where(exp.init_from, budget, where.seed, where.runs_dir, None, None,
                              where.precision), None, splits, None).fingerprint  # fmt: skip
    if exp.protocol == "paper":
        splits = paper_protocol(splits)
    n_epochs = epochs or min(exp.epochs, get_budget(budget).max_epochs or exp.epochs)
    config = TrainConfig(task=exp.task, epochs=n_epochs, batch_size=exp.batch_size, lr=exp.lr,
                         seed=where.seed, patience=exp.patience,
                         precision=where.precision)  # fmt: skip
    identity = run_identity(exp, budget, where.seed, splits.sizes(), overrides, source)
    fingerprint = experiment_fingerprint(exp, config, identity)
    return _Plan(exp, budget, where.seed, where.run_dir, where.runs_dir, splits, config, identity,
                 fingerprint, run_label(exp.name, where.seed, overrides))  # fmt: skip


def _reload(plan: _Plan, record: dict[str, Any], shown: bool) -> RunResult:
    """A finished run, from its folder: nothing is trained."""
    if record.get("fingerprint") != plan.fingerprint:
        raise CheckpointMismatch(
            f"the finished run in {plan.run_dir} was trained with a different configuration or "
            "architecture. Delete that folder to retrain, or use another runs directory "
            "(--runs-dir / FMNIST_RUNS)."
        )
    model = load_weights(plan.run_dir, plan.exp.new_model(), record["model_sha256"])
    if plan.exp.freeze_encoder:
        freeze(encoder_of(model))
    model.eval()
    _say(plan, shown, "reloaded")
    history = History(record["history"], record["best_epoch"], record["stopped_early"])
    return RunResult(plan.exp, plan.seed, plan.budget, model, history, record["test"],
                     record["seconds"], plan.run_dir, record["transfer"], record["hardware"],
                     record.get("warnings", []), record.get("precision", "fp32"))  # fmt: skip


def _pretrained(plan: _Plan, model: nn.Module, progress: bool, wait: bool) -> str:
    """Copy the dependency's encoder into ``model`` (training the dependency first if needed)."""
    exp = plan.exp
    if not exp.init_from:
        return ""
    source = run_experiment(exp.init_from, plan.budget, plan.seed, plan.runs_dir,
                            progress=progress, splits=plan.splits, wait=wait,
                            precision=plan.config.precision)  # fmt: skip
    report = transfer_encoder(source.model, model, allow_partial=exp.allow_partial)
    if exp.freeze_encoder:
        freeze(encoder_of(model))
    return str(report)


def _train(plan: _Plan, progress: bool, wait: bool, on_epoch: EpochHook | None = None) -> RunResult:
    """Train a run (its pretrained dependency first), resuming from its checkpoint if any;
    holding the run's lock, so that a second process refuses (or waits) instead."""
    exp = plan.exp
    keep_freed_memory()  # this machine's allocator tuning, before the first step
    seed_everything(plan.seed)
    model = exp.new_model()
    prepare_run_dir(plan.run_dir, checkpoint_bytes(model))
    transfer = _pretrained(plan, model, progress, wait)
    with run_lock(plan.run_dir, wait=wait):
        record = read_record(plan.run_dir, exp.task)
        if record is not None and (plan.run_dir / WEIGHTS).exists():  # finished while we waited
            return _reload(plan, record, progress)
        gemm_at_start = gemm_rate()  # the machine's speed, to read the times against
        _say(plan, progress, "training", epochs=plan.config.epochs)
        history = fit(model, plan.splits.train, plan.splits.val, plan.config,
                      checkpoint=plan.run_dir / CHECKPOINT, identity=plan.identity,
                      progress=progress, on_epoch=on_epoch, label=plan.label)  # fmt: skip
        machine = hardware([gemm_at_start, gemm_rate()])
        model.cpu().eval()
        test = final_metrics(model, plan.splits.test, exp.task)
        seconds = sum(e["seconds"] for e in history.epochs)
        result = RunResult(exp, plan.seed, plan.budget, model, history, test, seconds,
                           plan.run_dir, transfer, machine, loss_warnings(history),
                           plan.config.precision)  # fmt: skip
        extra = {"fingerprint": plan.fingerprint, "warnings": result.warnings}
        write_run(plan.run_dir, model, result.summary() | extra)
    _say(plan, progress, "trained", epochs=len(history.epochs), seconds=seconds)
    return result


def run_experiment(
    name: str,
    budget: str | None = None,
    seed: int = 0,
    runs_dir: str | os.PathLike[str] | None = None,
    epochs: int | None = None,
    progress: bool | None = None,
    splits: Splits | None = None,
    overrides: dict[str, Any] | None = None,
    wait: bool = False,
    on_epoch: EpochHook | None = None,
    precision: str | None = None,
) -> RunResult:
    """Train experiment ``name`` (dependencies first), or resume it, or reload a finished run.

    ``budget`` defaults to ``$FMNIST_BUDGET`` or ``full``; ``runs_dir`` to
    ``runs.default_runs_dir(budget)`` (at the full budget, the published reference
    runs; without a checkout, a published run is downloaded: ``published``);
    ``epochs`` overrides the epoch count (beyond the budget's cap); ``overrides`` changes
    hyperparameters (see ``OVERRIDABLE``), e.g. ``{"lr": 1e-2, "batch_size": 256}`` for a sweep.
    Each distinct run lives in its own folder. The model's initial weights come from ``seed``.
    ``splits`` may pass ``splits_for(budget)`` already loaded (the run folder is named by the
    budget, so other splits do not belong there). A run that another process is training is
    refused (``RunLocked``), or awaited with ``wait``. ``on_epoch`` is passed to ``fit`` (a
    finished run that is reloaded trains no epoch, so it never calls it). With ``progress``
    (default: ``$FMNIST_PROGRESS``, on unless ``0``) the run prints a line as it starts training
    and as it ends (or is reloaded), and its bars name it: experiment, sweep point and seed.
    ``precision`` (default: ``$FMNIST_PRECISION`` or ``fp32``): ``bf16`` trains the forward
    passes in bfloat16 (``training.autocast``); such a run has its own folder (``-bf16``) and
    fingerprint, and records its precision (records from before it hold none: fp32).
    """
    progress = progress_from_env() if progress is None else progress
    where = _where(name, budget, seed, runs_dir, epochs, overrides, precision)
    _fetch_published(where, epochs, overrides)
    if not wait and not (where.run_dir / RECORD).exists():
        refuse_if_locked(where.run_dir)  # at once, before loading any data
    plan = _plan(where, epochs, splits, overrides)
    record = read_record(plan.run_dir, plan.exp.task)
    if record is None:
        return _train(plan, progress, wait, on_epoch)
    if (plan.run_dir / WEIGHTS).exists():
        return _reload(plan, record, progress)
    if (plan.run_dir / CHECKPOINT).exists():  # finished, weights lost: rebuilt from the checkpoint
        return _train(plan, progress, wait)
    raise RunDamaged(
        f"{plan.run_dir / WEIGHTS} is missing and there is no checkpoint to rebuild it from; "
        f"delete the folder {plan.run_dir} to train this run again"
    )


# --------------------------------------------------------------------------- tables
def summary_table(results: dict[str, RunResult]) -> pd.DataFrame:
    """One row per run: what matters first (the model and its test metric, then its last
    validation and training metrics), then its epochs, settings, size and time; its headings
    and the model's title in the notebook's language (``registry.heading``)."""
    rows = []
    for name, r in results.items():
        e, last = r.experiment, r.history.epochs[-1]
        row: dict[str, Any] = {"experiment": name, "model": e.title}
        if e.task == "reconstruction":
            row["test MSE"] = r.test["mse"]
        else:
            row |= {"test accuracy": r.test["accuracy"], "val accuracy": last["val_accuracy"]}
        row |= {
            "val loss": last["val_loss"],
            "train loss": last["train_loss"],
            "epochs run": len(r.history.epochs),
            "best epoch": r.history.best_epoch,
            "hidden": e.hidden_size,
            "batch": e.batch_size,
            "lr": e.lr,
            "dropout": e.dropout,
            "parameters": count_parameters(r.model),
            "trainable": count_parameters(r.model, trainable_only=True),
            "seconds": round(r.seconds, 1),
        }
        rows.append({heading(head): in_language(value) for head, value in row.items()})
    return pd.DataFrame(rows).set_index(heading("experiment"))


#: The test metric that ``results_table`` shows per task: its heading, the record's key, the
#: scale it is shown at and its decimals.
TEST_METRICS = {
    "reconstruction": ("test MSE (mean ± sd)", "mse", 1, 5),
    "classification": ("test accuracy, % (mean ± sd)", "accuracy", 100, 2),
}


def results_table(
    names: Sequence[str],
    seeds: Sequence[int] = (0, 1, 2),
    budget: str | None = None,
    progress: bool | None = None,
    runs_dir: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """One row per experiment, led by its model: its test metric over ``seeds`` as mean ± sd
    (each run trained, or reloaded, by ``run_experiment``), and the number of seeds; narrow
    enough for a phone. ``summary_table`` gives one run's details. Headings, titles and numbers
    in the notebook's language."""
    rows: dict[str, dict[str, Any]] = {}
    for name in names:
        runs = [run_experiment(name, budget, s, runs_dir, progress=progress) for s in seeds]
        e = runs[0].experiment
        head, key, scale, digits = TEST_METRICS[e.task]
        m, sd = mean_std([r.test[key] * scale for r in runs])
        spread = "" if math.isnan(sd) else f" ± {number(sd, digits, lang=language())}"
        rows[in_language(e.title)] = {
            heading(head): number(m, digits, lang=language()) + spread,
            heading("seeds"): len(runs),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = heading("model")
    return table


def _epochs_for(updates: int | None, train_size: int, batch_size: int) -> int | None:
    """The epochs that make about ``updates`` optimizer steps at this batch size (at least 1)."""
    if updates is None:
        return None
    return max(1, round(updates / math.ceil(train_size / batch_size)))


def sweep(
    name: str,
    grid: dict[str, list[Any]],
    budget: str | None = None,
    seed: int = 0,
    runs_dir: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
    seeds: Sequence[int] | None = None,
    updates: int | None = None,
) -> pd.DataFrame:
    """Train ``name`` for every combination of ``grid`` (e.g. ``{"lr": [...], "batch_size":
    [...]}``) and tabulate the *validation* results — never the test set, which is for the final
    model only.

    ``seeds`` repeats every combination with each seed (default: ``seed`` only). ``updates``
    gives every run the same number of optimizer steps instead of the same epochs: each run's
    epochs become ``updates`` divided by its batches per epoch, rounded (so a batch 10 times
    larger trains 10 times more epochs); early stopping may still end a run sooner.

    Returns a DataFrame: the grid's columns, ``seed``, then ``val_loss`` (last epoch),
    ``best_val_loss``, ``val_accuracy`` (classifiers), ``epochs``, ``updates`` (optimizer steps
    taken) and ``seconds``. Finished runs are reused.
    """
    budget = resolve_budget(budget)
    if updates is not None:
        check("updates", updates)
    keys = list(grid)
    combos = [dict(zip(keys, c, strict=True)) for c in itertools.product(*grid.values())]
    exps = [get_experiment(name).with_overrides(o) for o in combos]  # all checked before training
    splits = splits_for(budget)
    rows = []
    for (overrides, exp), run_seed in itertools.product(
        zip(combos, exps, strict=True), seeds or (seed,)
    ):
        epochs = _epochs_for(updates, len(splits.train), exp.batch_size)
        r = run_experiment(name, budget, run_seed, runs_dir, epochs=epochs, progress=progress,
                           splits=splits, overrides=overrides)  # fmt: skip
        last = r.history.epochs[-1]
        row = {**overrides, "seed": run_seed, "val_loss": last["val_loss"],
               "best_val_loss": min(r.history.column("val_loss"))}  # fmt: skip
        if "val_accuracy" in last:
            row["val_accuracy"] = last["val_accuracy"]
        steps = len(r.history.epochs) * math.ceil(len(splits.train) / exp.batch_size)
        rows.append(row | {"epochs": len(r.history.epochs), "updates": steps,
                           "seconds": r.seconds})  # fmt: skip
    return pd.DataFrame(rows)


def sweep_cell(table: pd.DataFrame, column: str = "best_val_loss", **cell: Any) -> list[float]:
    """One cell of a ``sweep`` table: ``column`` of every seed whose settings match ``cell``,
    e.g. ``sweep_cell(table, batch_size=100, lr=1e-3)``. A ``KeyError`` if none matches."""
    rows = table
    for key, value in cell.items():
        rows = rows[rows[key] == value]
    if rows.empty:
        raise KeyError(f"no run of the sweep has {cell}")
    return [float(v) for v in rows[column]]
