"""Choosing hyperparameters properly: an Optuna search (TPE) with pruning.

Every trial is an ordinary run of ``run_experiment`` with its hyperparameters as overrides:
the same folders, checkpoints and fingerprints, so a finished trial is never trained twice and
an interrupted one resumes from its checkpoint. After every epoch the run reports its
validation loss to the trial (``fit``'s ``on_epoch`` hook), and the pruner may stop it. The
objective is the validation loss of the weights the run ends with; the test set is never seen
during the search.

The study lives in a database: by default a SQLite file in the runs folder (it survives a kill;
running the command again continues the same study), or any URL Optuna accepts, e.g.
``postgresql://user@host/db``, which lets processes on many machines share one study. On one
machine, ``jobs`` worker processes share it; a lock file keeps them from starting more trials
than asked for, and trials left running by a killed worker are retried from their checkpoint.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import traceback
import warnings
from concurrent.futures import Future, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
from matplotlib.figure import Figure
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
)
from optuna.trial import Trial, TrialState
from optuna.visualization import matplotlib as vm
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from ..data import splits_for
from ..errors import FmnistError, SettingsError, TrainingInterrupted
from ..experiments.registry import Param, get_experiment, search_space
from ..experiments.running import RunResult, run_experiment
from ..experiments.runs import default_runs_dir, file_lock
from ..names import check_name
from ..numerals import interval_text, mean_std_text, number, significant
from ..plots import DPI, describe, png_bytes
from ..stats import Comparison, compare
from ..storage import check_writable_folder, replace_directory
from ..training import TrainingDiverged
from ..wording import phrase, text
from .report import VERDICT_WORDS
from .verdicts import judge
from .workers import worker_processes

FINISHED = (TrialState.COMPLETE, TrialState.PRUNED)
INTERRUPTED = ("interrupted; finished trials are kept and interrupted ones are retried from their "
               "last checkpoint — run the same command again")  # fmt: skip
RUNS_FOLDER_ADVICE = "choose another runs folder (--runs-dir or FMNIST_RUNS)"


# --------------------------------------------------------------------------- the space
def distribution(p: Param) -> BaseDistribution:
    """The Optuna distribution of one declared hyperparameter range."""
    if p.kind == "choice":
        return CategoricalDistribution(list(p.choices))
    if p.low is None or p.high is None:
        raise SettingsError(f"the range of {p.name} needs low and high")
    return FloatDistribution(float(p.low), float(p.high), log=p.kind == "log-uniform")


def distributions(name: str) -> dict[str, BaseDistribution]:
    """The search space of experiment ``name`` (declared in ``fmnist_lib.registry``)."""
    return {p.name: distribution(p) for p in search_space(name)}


def _space_signature(name: str, budget: str) -> str:
    space = [[p.name, p.kind, p.low, p.high, list(p.choices)] for p in search_space(name)]
    return json.dumps({"experiment": name, "budget": budget, "space": space}, sort_keys=True)


# --------------------------------------------------------------------------- the study
def default_storage(name: str, budget: str, runs_dir: Path) -> str:
    """A SQLite file beside the experiment's runs: ``<runs>/<budget>/<name>/search.sqlite3``."""
    path = runs_dir / budget / name / "search.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _unreachable(url: str, exc: Exception) -> SettingsError:
    where = url.split("@")[-1]  # never the password
    return SettingsError(
        f"cannot open the study storage {where} ({type(exc).__name__}); {storage_advice(url, exc)}"
    )


def storage_advice(url: str, exc: Exception) -> str:
    """What to do about a study storage that could not be opened, fitting its address and what
    went wrong: not an address at all, a SQLite file, or a PostgreSQL server."""
    said = str(exc).lower()
    if isinstance(exc, ArgumentError):  # unparseable, or a database SQLAlchemy does not know
        return ("that is not a storage address Optuna can open: give e.g. "
                "postgresql://user@host/db or sqlite:///path/to/file.db, or leave --storage "
                "out")  # fmt: skip
    if url.startswith("sqlite"):
        return "check that its folder exists and is writable, or leave --storage out"
    if not url.startswith(("postgresql", "postgres")):
        return "check the address, or leave --storage out to use a SQLite file"
    if "password" in said or "authentication" in said:
        return "check the user and password in the address (or in ~/.pgpass)"
    if "database" in said and "does not exist" in said:
        return "create that database (e.g. `createdb NAME` on the server) or name one that exists"
    return ("start PostgreSQL there (e.g. `pg_ctlcluster 15 main start`) and create the "
            "database, or leave --storage out to use a SQLite file")  # fmt: skip


def open_study(
    name: str, budget: str, storage: str, study_name: str, seed: int = 0
) -> optuna.Study:
    """Create or load the study; refuse one made for another experiment, budget or ranges."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        url = storage_url(storage)
        rdb = optuna.storages.RDBStorage(url, engine_kwargs=_engine_kwargs(storage))
        study = optuna.create_study(
            study_name=study_name, storage=rdb, direction="minimize", load_if_exists=True,
            sampler=optuna.samplers.TPESampler(seed=seed, n_startup_trials=4),
            pruner=optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=1),
        )  # fmt: skip
    except ImportError as exc:
        raise SettingsError(f"{storage.split(':')[0]} storage needs a driver: {exc}") from None
    except (SQLAlchemyError, OSError) as exc:  # the database could not be reached or opened
        raise _unreachable(storage, exc) from None
    signature = _space_signature(name, budget)
    stored = study.user_attrs.get("space")
    if stored is None:
        study.set_user_attr("space", signature)
    elif stored != signature:
        raise SettingsError(
            f"the study {study_name!r} was created for other ranges, experiment or budget; "
            "use another --study name, or restore its ranges"
        )
    return study


def storage_url(storage: str) -> str:
    """SQLAlchemy's URL for ``storage``: ``postgresql://`` goes through psycopg (version 3)."""
    if storage.startswith("postgresql://") or storage.startswith("postgres://"):
        return "postgresql+psycopg://" + storage.split("://", 1)[1]
    return storage


def _engine_kwargs(storage: str) -> dict[str, Any]:
    if storage.startswith("sqlite"):
        return {"connect_args": {"timeout": 120}}  # several workers wait for the file's lock
    return {"pool_pre_ping": True}


# --------------------------------------------------------------------------- one trial
def objective_value(result: RunResult) -> float:
    """The validation loss of the weights the run ended with (its best epoch's when early
    stopping restored them, else its last)."""
    epochs = result.history.epochs
    best = result.history.best_epoch
    if result.experiment.patience is not None and best is not None:
        return next(e["val_loss"] for e in epochs if e["epoch"] == best)
    return epochs[-1]["val_loss"]


@dataclass(frozen=True)
class Job:
    """What a worker needs to run trials."""

    name: str
    budget: str
    storage: str
    study_name: str
    trials: int
    runs_dir: Path
    seed: int


def run_trial(study: optuna.Study, trial: Trial, job: Job, splits: Any) -> None:
    """Train the trial's run, reporting every epoch's validation loss; tell the study."""

    def report(row: dict[str, float]) -> None:
        trial.report(row["val_loss"], int(row["epoch"]))
        if trial.should_prune():
            raise optuna.TrialPruned()

    try:
        overrides = dict(trial.params)
        result = run_experiment(job.name, job.budget, job.seed, job.runs_dir, progress=False,
                                splits=splits, overrides=overrides, on_epoch=report)  # fmt: skip
    except optuna.TrialPruned:
        study.tell(trial, state=TrialState.PRUNED)
        return
    except TrainingDiverged:
        study.tell(trial, state=TrialState.FAIL)
        return
    except BaseException:  # interrupted or failed: the trial is retried later, from its checkpoint
        study.tell(trial, state=TrialState.FAIL)
        study.enqueue_trial(dict(trial.params), user_attrs={"retry_of": trial.number})
        raise
    trial.set_user_attr("run_dir", str(result.run_dir))
    study.tell(trial, objective_value(result))


# --------------------------------------------------------------------------- workers
def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def retry_abandoned(study: optuna.Study) -> list[int]:
    """Trials left running by a dead worker of this machine: failed, and their parameters
    queued again (their run resumes from its checkpoint). Returns their numbers."""
    host, retried = socket.gethostname(), []
    for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        worker = t.user_attrs.get("worker") or {}
        if worker.get("host") == host and not _alive(int(worker.get("pid", 0))):
            study.tell(t.number, state=TrialState.FAIL)
            study.enqueue_trial(t.params, user_attrs={"retry_of": t.number})
            retried.append(t.number)
    return retried


def _next_trial(study: optuna.Study, job: Job) -> Trial | None:
    """A new trial, or None when the study holds (or is running) ``job.trials`` trials."""
    retry_abandoned(study)
    started = study.get_trials(deepcopy=False, states=(*FINISHED, TrialState.RUNNING))
    if len(started) >= job.trials:
        return None
    trial = study.ask(distributions(job.name))
    trial.set_user_attr("worker", {"pid": os.getpid(), "host": socket.gethostname()})
    return trial


def work(job: Job, worker: int = 0) -> None:
    """A worker: start trials until the study holds ``job.trials`` finished ones."""
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    study = open_study(job.name, job.budget, job.storage, job.study_name, job.seed + worker)
    splits = splits_for(job.budget)
    lock = job.runs_dir / job.budget / job.name / f".search-{job.study_name}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(3 * job.trials):  # failed (diverged) trials are replaced, a bounded number
        with file_lock(lock, poll_seconds=0.05):  # one worker here at a time decides to start one
            trial = _next_trial(study, job)
        if trial is None:
            return
        run_trial(study, trial, job, splits)


def _worker(job: Job, worker: int) -> int:
    """A worker process's work (``workers.worker_processes``): its expected failures as one line
    and an exit code (1; 130 when interrupted), no traceback."""
    try:
        work(job, worker)
    except (KeyboardInterrupt, TrainingInterrupted):
        return 130
    except FmnistError as exc:
        print(f"error: search worker {worker}: {exc}", file=sys.stderr, flush=True)
        return 1
    return 0


def _exit_code(outcome: Future[int], worker: int) -> int:
    """A worker's exit code; what it could not say itself (its process died, or an unexpected
    error with its traceback) is said here."""
    exc = outcome.exception()
    if exc is None:
        return outcome.result()
    if isinstance(exc, KeyboardInterrupt):  # Ctrl-C as its work ended: interrupted, too
        return 130
    if isinstance(exc, BrokenProcessPool):
        print(f"error: search worker {worker}: its process died (out of memory?)", file=sys.stderr)
    else:
        traceback.print_exception(exc)
    return 1


def _start_workers(job: Job, jobs: int) -> None:
    if jobs == 1:
        work(job)
        return
    with worker_processes(jobs, INTERRUPTED) as submit:
        outcomes = [submit(_worker, job, k) for k in range(jobs)]
        wait(outcomes)
    codes = [_exit_code(outcome, k) for k, outcome in enumerate(outcomes)]
    if 130 in codes:
        raise TrainingInterrupted(INTERRUPTED)
    failed = [code for code in codes if code]
    if failed:
        raise SettingsError(f"{len(failed)} of {jobs} search workers failed (their errors above)")


def search(
    name: str,
    trials: int,
    budget: str,
    storage: str | None = None,
    study_name: str | None = None,
    jobs: int = 1,
    seed: int = 0,
    runs_dir: str | os.PathLike[str] | None = None,
) -> optuna.Study:
    """Run the search until the study holds ``trials`` finished (complete or pruned) trials;
    return the study. Everything is checked before any training."""
    get_experiment(name)
    distributions(name)
    if trials < 1 or jobs < 1:
        raise SettingsError("trials and jobs must be >= 1")
    if study_name is not None:  # it names lock files and the summary's folder
        check_name(study_name, "the study name")
    root = Path(runs_dir) if runs_dir is not None else default_runs_dir(budget)
    check_writable_folder(root, RUNS_FOLDER_ADVICE)
    url = storage or default_storage(name, budget, root)
    job = Job(name, budget, url, study_name or f"{name}-{budget}", trials, root, seed)
    open_study(name, budget, url, job.study_name, seed)  # refuse a bad storage or study at once
    _start_workers(job, jobs)
    return open_study(name, budget, url, job.study_name, seed)


# --------------------------------------------------------------------------- after the search
@dataclass(frozen=True)
class SearchSummary:
    """The search's outcome: the best trial's settings retrained with ``seeds`` seeds and tested
    once, against the registered (paper's) settings with the same seeds."""

    study_name: str
    trials: int
    complete: int
    pruned: int
    best_params: dict[str, Any]
    best_value: float
    metric: str  # "mse" or "accuracy"
    searched: list[float]
    registered: list[float]
    comparison: Comparison  # searched − registered
    verdict: str  # on "the searched settings are better", by ``verdicts.judge``


def summarize(
    study: optuna.Study,
    name: str,
    budget: str,
    runs_dir: str | os.PathLike[str] | None = None,
    seeds: int = 3,
) -> SearchSummary:
    """Retrain the best settings and the registered ones with ``seeds`` seeds; compare them on
    the test set with the course's rule (this is the only time the test set is used)."""
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if not complete:
        raise SettingsError(f"the study {study.study_name!r} has no complete trial yet")
    best = study.best_trial
    metric = "mse" if get_experiment(name).task == "reconstruction" else "accuracy"
    splits = splits_for(budget)
    root = Path(runs_dir) if runs_dir is not None else default_runs_dir(budget)
    runs_dir = Path(runs_dir) if runs_dir is not None else default_runs_dir(budget)

    def tested(overrides: dict[str, Any] | None) -> list[float]:
        runs = [run_experiment(name, budget, s, root, progress=False, splits=splits,
                               overrides=overrides) for s in range(seeds)]  # fmt: skip
        return [r.test[metric] for r in runs]

    searched, registered = tested(dict(best.params)), tested(None)
    pruned = len(study.get_trials(deepcopy=False, states=(TrialState.PRUNED,)))
    comparison = compare(searched, registered)
    verdict = judge(comparison, lower_is_better=metric == "mse")
    return SearchSummary(study.study_name, len(complete) + pruned, len(complete), pruned,
                         dict(best.params), float(best.value or 0.0), metric, searched,
                         registered, comparison, verdict)  # fmt: skip


def _figure_of(axes: Any) -> Figure:
    """The figure an Optuna plot drew on (it returns one Axes or an array of them)."""
    first = axes.flat[0] if hasattr(axes, "flat") else axes
    figure = first.get_figure(root=True)
    assert isinstance(figure, Figure)
    return figure


def figures(study: optuna.Study) -> dict[str, Figure]:
    """Optimisation history, parameter importances and slices, as matplotlib figures."""
    out: dict[str, Figure] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out["optimization_history.png"] = _figure_of(vm.plot_optimization_history(study))
        with suppress(RuntimeError, ValueError, ZeroDivisionError):  # too few trials for it
            out["param_importances.png"] = _figure_of(vm.plot_param_importances(study))
        out["slice.png"] = _figure_of(vm.plot_slice(study))
    for name, fig in out.items():
        fig.set_dpi(DPI)
        _in_language(fig)
        describe(fig, text("study.alt", study=study.study_name, what=text(f"study.{name}")))
    return out


def _in_language(fig: Figure) -> None:
    """optuna's titles, axis labels and legend entries in the notebook's language."""
    labels = [*fig.texts]
    for ax in fig.axes:
        for loc in ("center", "left", "right"):  # optuna puts some titles on the left
            if title := ax.get_title(loc):
                ax.set_title(phrase(title), loc=loc)
        labels += [ax.xaxis.label, ax.yaxis.label]
        if (legend := ax.get_legend()) is not None:
            labels += legend.get_texts()
    for label in labels:
        label.set_text(phrase(label.get_text()))


def _summary_text(s: SearchSummary, name: str, budget: str, figures: list[str]) -> str:
    lower = s.metric == "mse"
    scale, unit = (1.0, "") if lower else (100.0, "%")
    digits = 5 if lower else 2
    params = ", ".join(f"{k} = {significant(v, 4)}" if isinstance(v, float) else f"{k} = {v}"
                       for k, v in sorted(s.best_params.items()))  # fmt: skip
    lines = [f"# Hyperparameter search — `{name}`, budget `{budget}`", "",
             f"Study `{s.study_name}`: {s.trials} finished trials ({s.complete} complete, "
             f"{s.pruned} pruned by the median rule on the validation loss).", "",
             f"- Best trial (lowest validation loss, {number(s.best_value, 5)}): {params}.",
             f"- Test {'MSE' if lower else 'accuracy'}, retrained with {len(s.searched)} seeds: "
             "searched settings "
             f"{mean_std_text(s.searched, scale, digits, unit)}, registered (the paper's) settings "
             f"{mean_std_text(s.registered, scale, digits, unit)}.",
             f"- Searched − registered: "
             f"{interval_text(s.comparison, scale, digits, '' if lower else ' points')}: "
             f"the searched settings are better: {VERDICT_WORDS[s.verdict]}.", ""]  # fmt: skip
    return "\n".join(lines + [f"![{f}]({f})" for f in figures]) + "\n"


def write_summary(study: optuna.Study, summary: SearchSummary, name: str, budget: str,
                  out_dir: Path) -> None:  # fmt: skip
    """``out_dir`` holds SEARCH.md, the trials (trials.json) and the study's figures."""
    images = {n: png_bytes(f) for n, f in figures(study).items()}
    trials = [{"number": t.number, "state": t.state.name, "params": t.params, "value": t.value,
               "run_dir": t.user_attrs.get("run_dir")} for t in study.trials]  # fmt: skip
    replace_directory(out_dir, {"SEARCH.md": _summary_text(summary, name, budget,
                                                           list(images)).encode(),
                                "trials.json": json.dumps(trials, indent=1).encode(),
                                **images})  # fmt: skip
