"""Run every experiment and publish ``results/<budget>/`` — ``metrics.json``
(every number, with the budget's settings), the figures and ``REPORT.md`` rendered from
``metrics.json`` alone, with ``REPORT.es.md`` beside it (the same report in Spanish).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from .. import paper, plots
from ..checkpoints import CheckpointMismatch
from ..data import Splits, splits_for
from ..errors import RunDamaged, RunLocked, SettingsError
from ..evaluation import reconstruct
from ..experiments.machine import threads_per_job
from ..experiments.registry import EXPERIMENTS, get_experiment
from ..experiments.running import RunResult, run_experiment
from ..experiments.runs import default_runs_dir, finished_seeds, git_commit, hardware, versions
from ..names import path_inside
from ..settings import get_budget, project_root
from ..storage import check_writable_folder, replace_directory
from ..wording import speaking
from .findings import findings
from .report import render
from .verdicts import PoolCheck
from .workers import train_runs

matplotlib.use("Agg", force=False)  # figures go to files; no display needed

#: The report's languages and the suffix of each one's file: REPORT.md, REPORT.es.md.
REPORT_LANGUAGES = {"en": "", "es": ".es"}
RESULTS_FOLDER_ADVICE = "choose another results folder (--results-dir)"


def seeds_required(name: str, seeds: int = 3, ae_seeds: int = 3) -> int:
    """How many seeds ``reproduce`` runs for ``name``: ``ae_seeds`` for autoencoders, else
    ``seeds``."""
    return ae_seeds if get_experiment(name).task == "reconstruction" else seeds


def missing_runs(
    results: Mapping[str, list[Any]], seeds: int = 3, ae_seeds: int = 3
) -> dict[str, str]:
    """Registered experiments with fewer finished seeds than ``reproduce`` runs:
    ``{name: "1 of 3"}``."""
    need = {n: seeds_required(n, seeds, ae_seeds) for n in EXPERIMENTS}
    have = {n: len(results.get(n, [])) for n in EXPERIMENTS}
    return {n: f"{have[n]} of {k}" for n, k in need.items() if have[n] < k}


#: What a run's data and epochs follow; not how the chapters scale their demonstrations.
RECORDED_BUDGET = ("name", "train_size", "val_subset", "test_size", "max_epochs")


def budget_record(budget: str) -> dict[str, Any]:
    """The budget as ``metrics.json`` records it (``RECORDED_BUDGET``)."""
    return {k: v for k, v in asdict(get_budget(budget)).items() if k in RECORDED_BUDGET}


def build_metrics(
    budget: str,
    splits: Splits,
    results: Mapping[str, list[RunResult]],
    wall_seconds: float,
    missing: dict[str, str],
    damaged: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """``metrics.json``'s content: provenance, the budget's settings and every finished run
    (and, when some could not be read, the damaged ones: left out, with the reason)."""
    experiments = {
        name: {
            "settings": asdict(runs[0].experiment),
            "task": runs[0].experiment.task,
            "runs": [r.summary() for r in runs],
        }
        for name, runs in results.items()
    }
    return {
        "budget": budget,
        "budget_settings": budget_record(budget),
        "sizes": splits.sizes(),
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        "git_commit": git_commit(),
        "versions": versions(),
        "hardware": hardware(),
        "wall_seconds": wall_seconds,
        "complete": not missing and not damaged,
        "missing": missing,
        **({"damaged": damaged} if damaged else {}),
        "experiments": experiments,
    }


def figures(
    pool: PoolCheck | None, results: Mapping[str, list[RunResult]], images: Any
) -> dict[str, Figure]:
    """The report's figures by file name: the paper's Figures 5-7, the confusion matrices and
    the pooling question's gap curves (``pool``: what ``metrics.json`` shows of it)."""

    def first_runs(names: Iterable[str]) -> dict[str, list[dict[str, float]]]:
        return {
            results[n][0].experiment.title: results[n][0].history.epochs
            for n in names
            if n in results
        }

    out: dict[str, Figure] = {}
    ae, clf = first_runs(paper.TABLE_I), first_runs(paper.TABLE_II)
    if ae:
        out["figure5_autoencoder_curves.png"] = plots.training_curves(
            ae,
            ("loss",),
            ("MSE",),
            "Autoencoders: train vs validation MSE (Figure 5)",
            log_scale=True,
        )
    if clf:
        out["figure7_classifier_curves.png"] = plots.training_curves(
            clf,
            ("loss", "accuracy"),
            ("cross-entropy", "accuracy"),
            "Classifiers: train vs validation (Figure 7)",
        )
    if ae:
        outputs = {
            results[n][0].experiment.title: reconstruct(results[n][0].model, images)
            for n in paper.TABLE_I
            if n in results
        }
        out["figure6_reconstructions.png"] = plots.reconstructions(images, outputs)
    if pool is not None:
        out["pooling_gap.png"] = plots.gap_curves(
            pool.gap_curves, "Train − validation accuracy, mean over seeds (open question 2)"
        )
    if paper.CONFUSION_EXPERIMENT in results:
        runs = results[paper.CONFUSION_EXPERIMENT]
        ours = np.sum([r.test["confusion_matrix"] for r in runs], axis=0)
        out["confusion_matrices.png"] = plots.confusion_matrices(
            {"paper": paper.CONFUSION_MATRIX, f"ours (sum of {len(runs)} seeds)": ours}
        )
    return out


def write_results(
    metrics: Mapping[str, Any], results: Mapping[str, list[RunResult]], out_dir: Path, images: Any
) -> None:
    """Make ``out_dir`` hold metrics.json, REPORT.md with its figures (PNG) and the Spanish
    REPORT.es.md with the same figures drawn in Spanish (``name.es.png``), all replaced at once:
    a kill while publishing leaves the old set or the new one, never files that disagree."""
    files: dict[str, bytes] = {}
    reports: dict[str, bytes] = {}
    found = findings(metrics)
    for lang, suffix in REPORT_LANGUAGES.items():
        with speaking(lang):
            drawn = {name.replace(".png", f"{suffix}.png"): plots.png_bytes(fig)
                     for name, fig in figures(found.pooling, results, images).items()}  # fmt: skip
        files |= drawn
        reports[f"REPORT{suffix}.md"] = render(found, list(drawn), lang).encode()
    replace_directory(out_dir, {"metrics.json": json.dumps(metrics, indent=1).encode(), **files,
                                **reports})  # fmt: skip


def publish(
    budget: str,
    splits: Splits,
    results: Mapping[str, list[RunResult]],
    results_dir: str | os.PathLike[str] | None,
    wall_seconds: float,
    missing: dict[str, str],
    damaged: dict[str, dict[str, str]] | None = None,
    precision: str = "fp32",
) -> dict[str, Any]:
    """Build ``metrics.json``'s content from finished runs and write it with the report and
    figures under ``<results_dir>/<budget>/`` (runs of another precision than fp32:
    ``<budget>-<precision>/``, e.g. ``full-bf16``, beside fp32's, not over them)."""
    metrics = build_metrics(budget, splits, results, wall_seconds, missing, damaged)
    out_dir = path_inside(results_root(results_dir), results_folder(budget, precision),
                          what="the budget")  # fmt: skip
    first_of_class = [int((splits.val.labels == c).nonzero()[0]) for c in range(10)]
    write_results(metrics, results, out_dir, images=splits.val.images[first_of_class])
    return metrics


def results_folder(budget: str, precision: str = "fp32") -> str:
    """The folder of a budget's results under ``results/``: ``full``; ``full-bf16`` for bf16's."""
    return budget if precision == "fp32" else f"{budget}-{precision}"


def results_root(results_dir: str | os.PathLike[str] | None) -> Path:
    """``results_dir``, else the project's ``results/``."""
    return Path(results_dir) if results_dir is not None else project_root() / "results"


def check_results_folder(results_dir: str | os.PathLike[str] | None) -> None:
    """Before any work: the results folder can be written (not a file, not read-only)."""
    check_writable_folder(results_root(results_dir), RESULTS_FOLDER_ADVICE)


def reproduce(
    budget: str = "full",
    seeds: int = 3,
    ae_seeds: int = 3,
    runs_dir: str | os.PathLike[str] | None = None,
    results_dir: str | os.PathLike[str] | None = None,
    names: Iterable[str] | None = None,
    progress: bool | None = None,
    jobs: int = 1,
    precision: str = "fp32",
) -> dict[str, Any]:
    """Run every experiment (classifiers with ``seeds`` seeds, autoencoders with ``ae_seeds``),
    then write ``metrics.json``, ``REPORT.md`` (and ``REPORT.es.md``) and the figures under
    ``results/<budget>/`` — after every experiment, so that a long run leaves usable partial
    results. ``jobs`` > 1 trains that many runs at once, in worker processes that share the
    machine's cores (``workers.train_runs``), without progress bars, and publishes after every
    run. ``precision`` is the runs' (``run_experiment``; bf16's results go to ``<budget>-bf16/``).
    """
    if seeds < 1 or ae_seeds < 1 or jobs < 1:
        raise SettingsError("seeds, ae_seeds and jobs must be >= 1")
    names = list(names) if names is not None else list(EXPERIMENTS)
    for n in names:
        get_experiment(n)
    check_results_folder(results_dir)
    splits = splits_for(budget)
    start = time.perf_counter()
    results: dict[str, list[RunResult]] = {}
    metrics: dict[str, Any] = {}

    def finished(name: str, runs: list[RunResult]) -> None:
        nonlocal metrics
        results[name] = sorted(runs, key=lambda r: r.seed)
        missing = {n: m for n, m in missing_runs(results, seeds, ae_seeds).items() if n in names}
        metrics = publish(budget, splits, results, results_dir, time.perf_counter() - start,
                          missing, precision=precision)  # fmt: skip

    if jobs > 1:
        tasks = [(n, s) for n in names for s in range(seeds_required(n, seeds, ae_seeds))]
        print(f"[reproduce] {len(tasks)} runs, budget {budget}, {jobs} at a time "
              f"({threads_per_job(jobs)} thread(s) each), longest first", flush=True)  # fmt: skip

        def done(task: tuple[str, int]) -> None:
            name, seed = task
            print(f"[reproduce] finished {name} seed {seed} "
                  f"({time.perf_counter() - start:.0f} s)", flush=True)  # fmt: skip
            if name in names:  # not a dependency trained for them
                runs = {r.seed: r for r in results.get(name, [])}
                runs[seed] = run_experiment(name, budget, seed, runs_dir, splits=splits,
                                            precision=precision)  # reload  # fmt: skip
                finished(name, list(runs.values()))

        train_runs(tasks, budget, None if runs_dir is None else str(runs_dir), jobs, done,
                   precision)  # fmt: skip
        return metrics
    for name in names:
        k = seeds_required(name, seeds, ae_seeds)
        print(f"[reproduce] {name}: {k} seed(s), budget {budget}", flush=True)
        finished(name, [run_experiment(name, budget, s, runs_dir, progress=progress, splits=splits,
                                       precision=precision) for s in range(k)])  # fmt: skip
    return metrics


def _finished_runs(
    root: Path, budget: str, splits: Splits
) -> tuple[dict[str, list[RunResult]], dict[str, dict[str, str]]]:
    """Every finished run under ``root``, and the damaged ones (left out, with the reason)."""
    results: dict[str, list[RunResult]] = {}
    damaged: dict[str, dict[str, str]] = {}
    for name in EXPERIMENTS:
        for seed in finished_seeds(root, budget, name):
            try:
                # the folders ``finished_seeds`` lists are fp32's, whatever $FMNIST_PRECISION says
                run = run_experiment(name, budget, seed, root, splits=splits, precision="fp32")
            except (RunDamaged, CheckpointMismatch) as exc:
                damaged.setdefault(name, {})[str(seed)] = str(exc)
                continue
            except RunLocked:  # being rebuilt by another process right now: not finished
                continue
            results.setdefault(name, []).append(run)
    return results, damaged


def report_finished(
    budget: str = "full",
    runs_dir: str | os.PathLike[str] | None = None,
    results_dir: str | os.PathLike[str] | None = None,
    seeds: int = 3,
    ae_seeds: int = 3,
) -> dict[str, Any]:
    """Write ``results/<budget>/`` from the runs that have finished so far, training nothing
    (e.g. while ``reproduce`` is still running elsewhere, or after it was stopped). The report
    is marked complete when every experiment has the seeds ``reproduce`` would run; a damaged
    run is listed as such and left out, and the report is written from the rest."""
    root = Path(runs_dir) if runs_dir is not None else default_runs_dir(budget)
    check_results_folder(results_dir)
    splits = splits_for(budget)
    start = time.perf_counter()
    results, damaged = _finished_runs(root, budget, splits)
    if not results:
        raise SettingsError(f"no finished run of budget {budget!r} under {root}")
    missing = missing_runs(results, seeds, ae_seeds)
    wall = time.perf_counter() - start
    return publish(budget, splits, results, results_dir, wall, missing, damaged)
