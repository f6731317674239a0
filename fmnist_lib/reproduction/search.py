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
than asked for at once, and a check after each start (``_ask``) keeps machines from it.

A worker that dies (killed, out of memory, its machine gone) leaves its trial running; one
mechanism brings it back (``retry_abandoned``): every worker writes its trial's heartbeat to the
study (``FMNIST_HEARTBEAT`` seconds apart), and a trial silent for ``GRACE_BEATS`` heartbeats,
on any machine, or at once one whose worker was a process of this machine that is gone, is
failed and queued again with the same settings (Optuna's retry callback). Its run resumes from
its checkpoint where the runs folder is the dead worker's, and starts again elsewhere. Trials
failed that way do not count: the study ends with exactly the trials asked for, complete or
pruned; workers wait while other workers' trials make up the rest, since one may come back.
Settings that a complete trial already holds are answered from it, not trained again.
"""

from __future__ import annotations

import copy
import json
import os
import socket
import sys
import threading
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import optuna
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
)
from optuna.exceptions import ExperimentalWarning
from optuna.samplers import BaseSampler, TPESampler
from optuna.trial import FrozenTrial, Trial, TrialState
from optuna.visualization import matplotlib as vm
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from ..data import splits_for
from ..errors import FmnistError, SettingsError, TrainingInterrupted
from ..experiments.registry import Param, get_experiment, search_space
from ..experiments.running import RunResult, run_experiment
from ..experiments.runs import default_runs_dir, file_lock
from ..names import check_name
from ..numerals import interval_text, mean_std_text, number, significant
from ..plots import COLUMN_INCHES, DPI, describe, png_bytes
from ..settings import heartbeat_from_env, resolve_budget, resolve_precision
from ..stats import Comparison, compare
from ..storage import check_writable_folder, replace_directory
from ..training import TrainingDiverged
from ..wording import phrase, text
from .report import VERDICT_WORDS
from .verdicts import judge
from .workers import worker_processes

FINISHED = (TrialState.COMPLETE, TrialState.PRUNED)
#: What updating a finished trial raises: ``UpdateFinishedTrialError`` (a RuntimeError) in
#: recent Optuna, a plain RuntimeError in Optuna 4.0 (``_is_finished`` tells the two apart there).
UPDATE_FINISHED = getattr(optuna.exceptions, "UpdateFinishedTrialError", RuntimeError)
INTERRUPTED = ("interrupted; finished trials are kept and interrupted ones are retried from their "
               "last checkpoint — run the same command again")  # fmt: skip
RUNS_FOLDER_ADVICE = "choose another runs folder (--runs-dir or FMNIST_RUNS)"
GRACE_BEATS = 4  # a trial whose heartbeat is this many intervals old is abandoned
MAX_RETRIES = 3  # a trial abandoned more often than that (it kills its worker?) is dropped
WAIT_SECONDS = 5  # at most, between two looks at a study that others' trials may complete
with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)  # the old name, kept for Optuna < 4.9
    _Retry = getattr(optuna.storages, "RetryHeartbeatStaleTrialCallback",
                     optuna.storages.RetryFailedTrialCallback)  # fmt: skip
    warnings.simplefilter("ignore", ExperimentalWarning)
    #: Queues a failed trial's settings again, recording its number (``retried_trial_number``).
    RETRY = _Retry(max_retry=MAX_RETRIES)


# --------------------------------------------------------------------------- the space
def distribution(p: Param) -> BaseDistribution:
    """The Optuna distribution of one declared hyperparameter range."""
    if p.kind == "choice":
        return CategoricalDistribution(list(p.choices))
    if p.low is None or p.high is None:
        raise SettingsError(f"the range of {p.name} needs low and high")
    return FloatDistribution(float(p.low), float(p.high), log=p.kind == "log-uniform")


def distributions(name: str) -> dict[str, BaseDistribution]:
    """The search space of experiment ``name`` (declared in ``fmnist_lib.experiments.registry``)."""
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
    """Create or load the study; refuse one made for another experiment, budget or ranges.
    Its trials' heartbeats are ``FMNIST_HEARTBEAT`` seconds apart; ``seed`` seeds its sampler
    (``TrialSeededSampler``)."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        url = storage_url(storage)
        rdb = _rdb_storage(url, _engine_kwargs(storage))
        study = optuna.create_study(
            study_name=study_name, storage=rdb, direction="minimize", load_if_exists=True,
            sampler=TrialSeededSampler(seed),
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


def _rdb_storage(url: str, engine_kwargs: dict[str, Any]) -> optuna.storages.RDBStorage:
    """The study's database, with heartbeats: a trial silent for ``GRACE_BEATS`` of them is
    failed and its settings queued again (``RETRY``) by the next worker that looks."""
    beat = heartbeat_from_env()
    named = ("heartbeat_stale_trial_callback"
             if hasattr(optuna.storages, "RetryHeartbeatStaleTrialCallback")
             else "failed_trial_callback")  # fmt: skip
    callback: dict[str, Any] = {named: RETRY}  # its name before Optuna 4.9, and after
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        return optuna.storages.RDBStorage(url, engine_kwargs=engine_kwargs,
                                          heartbeat_interval=beat, grace_period=GRACE_BEATS * beat,
                                          **callback)  # fmt: skip


def trial_seed(seed: int, number: int) -> int:
    """The sampler's seed for trial ``number`` of a search run with ``seed``."""
    return int(np.random.SeedSequence([seed, number]).generate_state(1)[0])


class TrialSeededSampler(BaseSampler):
    """TPE (its first 4 trials random) whose randomness for each trial comes from the search's
    seed and the trial's number in the study (``trial_seed``), not from the worker.

    Numbers are the study's own, one per trial, so no two trials draw from the same random
    stream: workers and machines started with the same ``--seed`` do not repeat each other.
    Reproducible: a search with one worker (``--jobs 1``, one machine) and a given seed draws the
    same settings every time (its trials finish in order, their values equal as far as training
    is). Not reproducible: with several workers or machines, which trials have finished when
    another is drawn depends on timing; a search that was interrupted has failed trials, so its
    later numbers differ from an uninterrupted one's.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._tpe = self._for_trial(0)

    def _for_trial(self, number: int) -> TPESampler:
        return TPESampler(seed=trial_seed(self.seed, number), n_startup_trials=4)

    def before_trial(self, study: optuna.Study, trial: FrozenTrial) -> None:
        self._tpe = self._for_trial(trial.number)
        self._tpe.before_trial(study, trial)

    def infer_relative_search_space(
        self, study: optuna.Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        return self._tpe.infer_relative_search_space(study, trial)

    def sample_relative(
        self, study: optuna.Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return self._tpe.sample_relative(study, trial, search_space)

    def sample_independent(
        self, study: optuna.Study, trial: FrozenTrial, param_name: str, dist: BaseDistribution
    ) -> Any:
        return self._tpe.sample_independent(study, trial, param_name, dist)

    def after_trial(
        self,
        study: optuna.Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        self._tpe.after_trial(study, trial, state, values)


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
    precision: str = "fp32"  # the trials' runs' (``run_experiment``)


def run_trial(study: optuna.Study, trial: Trial, job: Job, splits: Any) -> None:
    """Train the trial's run, reporting every epoch's validation loss, its heartbeat beating;
    tell the study. Settings that a complete trial holds are answered from it (``answer_from``).

    A trial that the others took for abandoned meanwhile (its heartbeat late) is finished in
    the study already: its next report raises ``UPDATE_FINISHED``, and this worker
    leaves it to its retry and goes on to the next trial."""
    if (same := complete_with(study, trial.params)) is not None:
        answer_from(study, trial, same)
        return

    def report(row: dict[str, float]) -> None:
        trial.report(row["val_loss"], int(row["epoch"]))
        if trial.should_prune():
            raise optuna.TrialPruned()

    try:
        with _heartbeat(study, trial):
            result = run_experiment(job.name, job.budget, job.seed, job.runs_dir, progress=False,
                                    splits=splits, overrides=dict(trial.params),
                                    on_epoch=report, precision=job.precision)  # fmt: skip
        trial.set_user_attr("run_dir", str(result.run_dir))
    except optuna.TrialPruned:
        study.tell(trial, state=TrialState.PRUNED, skip_if_finished=True)
        return
    except TrainingDiverged:
        study.tell(trial, state=TrialState.FAIL, skip_if_finished=True)
        return
    except UPDATE_FINISHED:
        if _is_finished(study, trial._trial_id):  # taken for abandoned (heartbeat late): its retry
            return  # stands
        fail_and_requeue(study, trial._trial_id)
        raise
    except BaseException:  # interrupted or failed: the trial is retried later, from its checkpoint
        fail_and_requeue(study, trial._trial_id)
        raise
    study.tell(trial, objective_value(result), skip_if_finished=True)


def _is_finished(study: optuna.Study, trial_id: int) -> bool:
    """Whether the trial is finished in the study (by this worker or another)."""
    storage: Any = study._storage
    return bool(storage.get_trial(trial_id).state.is_finished())


def complete_with(study: optuna.Study, params: dict[str, Any]) -> FrozenTrial | None:
    """A complete trial of the study with exactly the settings ``params``, if there is one."""
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    return next((t for t in complete if t.params == params), None)


def answer_from(study: optuna.Study, trial: Trial, done: FrozenTrial) -> None:
    """Tell ``trial`` what ``done``, a complete trial with the same settings, found: its value,
    epochs' losses and run folder, and ``same_as`` its number. Nothing is trained."""
    for epoch, loss in done.intermediate_values.items():
        trial.report(loss, epoch)
    for key, value in done.user_attrs.items():
        if key != "worker":
            trial.set_user_attr(key, value)
    trial.set_user_attr("same_as", done.number)
    study.tell(trial, done.value, skip_if_finished=True)


def fail_and_requeue(study: optuna.Study, trial_id: int) -> bool:
    """Fail the running trial ``trial_id`` and queue its settings again (``RETRY``), without its
    worker's name (the retry's worker is whoever takes it). False, and nothing done, when the
    trial has finished meanwhile (another worker failed it first)."""
    storage: Any = study._storage
    try:
        if not storage.set_trial_state_values(trial_id, state=TrialState.FAIL):
            return False
    except UPDATE_FINISHED:
        if _is_finished(study, trial_id):
            return False
        raise
    failed = copy.deepcopy(storage.get_trial(trial_id))
    failed.user_attrs.pop("worker", None)
    RETRY(study, failed)
    return True


def _heartbeat_interval(study: optuna.Study) -> int | None:
    storage: Any = study._storage
    getter = getattr(storage, "get_heartbeat_interval", None)
    return getter() if getter is not None else None


@contextmanager
def _heartbeat(study: optuna.Study, trial: Trial) -> Iterator[None]:
    """While the block runs, a thread writes the trial's heartbeat to the study every
    heartbeat interval (none when the storage has none): a dead worker's trial falls silent."""
    interval, storage = _heartbeat_interval(study), study._storage
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(interval):
            with suppress(SQLAlchemyError):  # the database out of reach a moment: the next one
                storage.record_heartbeat(trial._trial_id)  # type: ignore[attr-defined]

    thread = threading.Thread(target=beat, name="search-heartbeat", daemon=True)
    if interval is not None:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        if interval is not None:
            thread.join()


# --------------------------------------------------------------------------- workers
def _alive(pid: int) -> bool:
    """Whether process ``pid`` of this machine exists. On Windows ``os.kill(pid, 0)`` would
    send CTRL_C_EVENT rather than probe: there only the heartbeat tells (always alive here)."""
    if os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _abandoned(study: optuna.Study) -> list[FrozenTrial]:
    """Running trials whose worker is gone: their heartbeat older than the grace period (on any
    machine), or their worker a process of this machine that no longer exists (at once)."""
    storage: Any = study._storage
    stale = set(storage._get_stale_trial_ids(study._study_id)) if _heartbeat_interval(study) else ()
    host, gone = socket.gethostname(), []
    for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        worker = t.user_attrs.get("worker") or {}
        dead_here = worker.get("host") == host and not _alive(int(worker.get("pid", 0)))
        if t._trial_id in stale or dead_here:
            gone.append(t)
    return gone


def retry_abandoned(study: optuna.Study) -> list[int]:
    """Trials left running by a dead worker (``_abandoned``): failed, and their settings queued
    again (``RETRY``); their run resumes from its checkpoint if its folder is this one's.
    Returns their numbers (a trial another worker failed first is not among them)."""
    return [t.number for t in _abandoned(study) if fail_and_requeue(study, t._trial_id)]


def _next_trial(study: optuna.Study, job: Job) -> Trial | None:
    """A new trial (a queued retry first), or None when finished and running trials make up
    ``job.trials`` (abandoned ones are retried first)."""
    retry_abandoned(study)
    counts = Counter(t.state for t in study.get_trials(deepcopy=False))
    if sum(counts[s] for s in (*FINISHED, TrialState.RUNNING)) >= job.trials:
        return None
    return _ask(study, job)


def _ask(study: optuna.Study, job: Job) -> Trial | None:
    """Start a trial, its heartbeat recorded; None if trials numbered before it (finished,
    running or queued; another machine may have started one meanwhile) make up ``job.trials``:
    it is then failed at once, marked ``surplus``."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Heartbeat of storage")  # we beat it ourselves
        trial = study.ask(distributions(job.name))
    trial.set_user_attr("worker", {"pid": os.getpid(), "host": socket.gethostname()})
    if _heartbeat_interval(study):
        study._storage.record_heartbeat(trial._trial_id)  # type: ignore[attr-defined]
    counted = (*FINISHED, TrialState.RUNNING, TrialState.WAITING)
    ahead = [t for t in study.get_trials(deepcopy=False, states=counted) if t.number < trial.number]
    if len(ahead) < job.trials:
        return trial
    trial.set_user_attr("surplus", True)
    study.tell(trial, state=TrialState.FAIL)
    return None


def _finished(study: optuna.Study) -> int:
    return len(study.get_trials(deepcopy=False, states=FINISHED))


def work(job: Job, worker: int = 0) -> None:
    """A worker: start trials until the study holds ``job.trials`` finished ones; while others'
    trials make up the rest, wait (one may be abandoned, and retried here)."""
    warnings.filterwarnings("ignore", category=ExperimentalWarning)
    study = open_study(job.name, job.budget, job.storage, job.study_name, job.seed)
    splits = splits_for(job.budget)
    lock = job.runs_dir / job.budget / job.name / f".search-{job.study_name}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    pause = min(WAIT_SECONDS, _heartbeat_interval(study) or WAIT_SECONDS)
    started = 0
    while started < 3 * job.trials:  # failed (diverged) trials are replaced, a bounded number
        with file_lock(lock, poll_seconds=0.05):  # one worker here at a time decides to start one
            trial = _next_trial(study, job)
        if trial is not None:
            started += 1
            run_trial(study, trial, job, splits)
        elif _finished(study) >= job.trials:
            return
        else:
            time.sleep(pause)


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
    budget: str | None = None,
    storage: str | None = None,
    study_name: str | None = None,
    jobs: int = 1,
    seed: int = 0,
    runs_dir: str | os.PathLike[str] | None = None,
    precision: str | None = None,
) -> optuna.Study:
    """Run the search until the study holds ``trials`` finished (complete or pruned) trials;
    return the study. Everything is checked before any training. ``budget`` defaults to
    ``$FMNIST_BUDGET`` or ``full``, and ``precision`` to ``$FMNIST_PRECISION`` or ``fp32``, as
    for ``run_experiment`` (a bf16 search is its own study: ``NAME-BUDGET-bf16``)."""
    budget, precision = resolve_budget(budget), resolve_precision(precision)
    get_experiment(name)
    distributions(name)
    if trials < 1 or jobs < 1:
        raise SettingsError("trials and jobs must be >= 1")
    if study_name is not None:  # it names lock files and the summary's folder
        check_name(study_name, "the study name")
    root = Path(runs_dir) if runs_dir is not None else default_runs_dir(budget)
    check_writable_folder(root, RUNS_FOLDER_ADVICE)
    url = storage or default_storage(name, budget, root)
    default_name = f"{name}-{budget}" + ("" if precision == "fp32" else f"-{precision}")
    job = Job(name, budget, url, study_name or default_name, trials, root, seed, precision)
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
    budget: str | None = None,
    runs_dir: str | os.PathLike[str] | None = None,
    seeds: int = 3,
    precision: str | None = None,
) -> SearchSummary:
    """Retrain the best settings and the registered ones with ``seeds`` seeds; compare them on
    the test set with the course's rule (this is the only time the test set is used).
    ``budget`` and ``precision`` default as for ``run_experiment``."""
    budget, precision = resolve_budget(budget), resolve_precision(precision)
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if not complete:
        raise SettingsError(f"the study {study.study_name!r} has no complete trial yet")
    best = study.best_trial
    metric = "mse" if get_experiment(name).task == "reconstruction" else "accuracy"
    splits = splits_for(budget)
    root = Path(runs_dir) if runs_dir is not None else default_runs_dir(budget)

    def tested(overrides: dict[str, Any] | None) -> list[float]:
        runs = [run_experiment(name, budget, s, root, progress=False, splits=splits,
                               overrides=overrides, precision=precision)
                for s in range(seeds)]  # fmt: skip
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
    figure = first.figure  # get_figure(root=True) needs matplotlib 3.10; 3.7.3 is supported
    assert isinstance(figure, Figure)
    return figure


def figures(study: optuna.Study) -> dict[str, Figure]:
    """Optimisation history, parameter importances and slices, as matplotlib figures."""
    out: dict[str, Figure] = {}
    with warnings.catch_warnings(), matplotlib.rc_context():  # optuna sets its style globally
        warnings.simplefilter("ignore")
        out["optimization_history.png"] = _figure_of(vm.plot_optimization_history(study))
        with suppress(RuntimeError, ValueError, ZeroDivisionError):  # too few trials for it
            out["param_importances.png"] = _figure_of(vm.plot_param_importances(study))
        out["slice.png"] = _figure_of(vm.plot_slice(study))
    for name, fig in out.items():
        fig.set_dpi(DPI)
        fig.set_size_inches(COLUMN_INCHES, 3.6)  # the book's column (plots.COLUMN_INCHES)
        fig.set_layout_engine("constrained")
        for ax in fig.axes:  # a narrow panel's log axis: its two ends labelled, nothing between
            if ax.get_xscale() == "log":
                ends = ax.get_xlim()
                ax.xaxis.set_minor_locator(NullLocator())
                ax.set_xticks(ends, labels=[f"{x:.1g}" for x in ends])
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
