"""Several runs at once on one machine: worker processes that share its cores.

``worker_processes`` is the one way the course runs work in worker processes, for
``reproduce --jobs`` (``train_runs``) and for the search's ``--jobs``: spawned workers, each with
its share of the cores, and one Ctrl-C policy (the work in progress stops at its checkpoint).

On a CPU, one run does not keep two cores busy: at the paper's batch sizes its layers are too
small, so a step with one thread takes 1.3 to 1.7 times as long as with two, not twice as long
(``benchmarks/two_at_a_time.py``). Two runs side by side, one thread each, therefore finish a
set of runs sooner than one run after the other with two threads. ``train_runs`` starts the
longest runs first (multiply-adds times epochs, and what waits on them) and a run only once the
run it starts from (an autoencoder, for its feature extractor) has finished; each worker trains
with ``machine.threads_per_job`` threads. A run's numbers then differ from a two-thread run's
as any run with another thread count does (float rounding, which training can amplify); exact
resume asks for the same thread count (``checkpoints``).
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, TypeVar

import torch

from ..arithmetic import trace_shapes
from ..errors import FmnistError, TrainingInterrupted
from ..experiments.machine import threads_per_job
from ..experiments.registry import dependencies, get_experiment
from ..experiments.running import run_experiment
from ..settings import get_budget

#: One run to train: (experiment name, seed).
Task = tuple[str, int]
T = TypeVar("T")
INTERRUPTED = ("interrupted; finished runs are kept and the others resume from their last "
               "checkpoint — run the same command again")  # fmt: skip
WORKER_DIED = ("a worker process died (out of memory?); finished runs are kept — run the same "
               "command again, with fewer jobs")  # fmt: skip


#: What a training step costs beyond its multiply-adds, in multiply-adds: on 2 CPU cores a
#: batch-32 step of the small «consigna» models takes ~5 ms, as long as ~120 M multiply-adds of
#: the large layers (fitted to the paper's runs; it only orders the runs).
STEP_OVERHEAD_MACS = 120e6
TRAIN_IMAGES = 50_000  # the held-out protocol's training split


def expected_cost(task: Task, budget: str) -> float:
    """A run's work, for ordering, in multiply-adds: its epoch cap times each epoch's forward
    multiply-adds plus ``STEP_OVERHEAD_MACS`` per step."""
    exp, b = get_experiment(task[0]), get_budget(budget)
    epochs = min(exp.epochs, b.max_epochs or exp.epochs)
    images = b.train_size or TRAIN_IMAGES
    macs = float(trace_shapes(exp.new_model(), lang="en")["multiply-adds"].sum())
    return epochs * (macs * images + STEP_OVERHEAD_MACS * -(-images // exp.batch_size))


def with_dependencies(tasks: Sequence[Task]) -> list[Task]:
    """``tasks`` without repeats, each preceded by the runs it starts from (same seed) that are
    not among them: a worker then trains each run once, in order, instead of inside another."""
    out: list[Task] = []
    for name, seed in tasks:
        for task in [*((d, seed) for d in dependencies(name)), (name, seed)]:
            if task not in out:
                out.append(task)
    return out


def longest_first(tasks: Sequence[Task], budget: str) -> list[Task]:
    """``tasks`` ordered by what waits on each: its own ``expected_cost`` plus the largest of the
    runs that start from it (an autoencoder that three classifiers need goes early)."""
    cost = {name: expected_cost((name, 0), budget) for name in {t[0] for t in tasks}}
    after = {t: max((cost[n] for n, s in tasks if s == t[1] and _source(n) == t[0]), default=0.0)
             for t in tasks}  # fmt: skip
    return sorted(tasks, key=lambda t: -(cost[t[0]] + after[t]))


def _source(name: str) -> str | None:
    return get_experiment(name).init_from


def startable(queue: Sequence[Task], running: Collection[Task], jobs: int) -> list[Task]:
    """The tasks to start now, in queue order: as many as there are free workers, each only
    once the run it starts from (same seed) is neither queued nor running."""
    waiting = {*queue, *running}
    ready = [t for t in queue if (_source(t[0]), t[1]) not in waiting]
    return ready[: max(jobs - len(running), 0)]


def _start_worker(threads: int) -> None:
    """A worker's start: its share of the cores; Ctrl-C is for the work it does, not for an
    idle worker (which would die with a traceback)."""
    torch.set_num_threads(threads)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _interruptible(work: Callable[..., T], *args: Any) -> T:
    """A worker's job: ``work(*args)``, which Ctrl-C interrupts (a run stops at its last
    checkpoint); the worker ignores Ctrl-C again once it is done."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return work(*args)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def worker_processes(jobs: int, interrupted: str) -> Iterator[Callable[..., Future[Any]]]:
    """``jobs`` worker processes for the block, which gets ``submit(work, *args)``: ``work``
    runs in one of them, and ``submit`` returns its future.

    Every worker is spawned (a fresh interpreter, as on macOS and Windows: nothing of this
    process's state is copied into it) and trains with its share of the cores
    (``machine.threads_per_job``). Ctrl-C interrupts the work in progress, not an idle worker;
    here it stops new starts, waits for the workers to stop (their runs at their last
    checkpoint), then raises ``TrainingInterrupted(interrupted)``. ``reproduce --jobs`` and the
    search's workers are both run this way.
    """
    pool = ProcessPoolExecutor(
        jobs,
        multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(threads_per_job(jobs),),
    )

    def submit(work: Callable[..., Any], *args: Any) -> Future[Any]:
        return pool.submit(_interruptible, work, *args)

    try:
        yield submit
    except KeyboardInterrupt:
        raise TrainingInterrupted(interrupted) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _train(task: Task, budget: str, runs_dir: str | None, precision: str) -> Task:
    """A worker's job: train (or resume, or reload) one run, quietly; a run that another
    process is training is refused (``RunLocked``), as ``reproduce`` refuses it."""
    run_experiment(task[0], budget, task[1], runs_dir, progress=False, precision=precision)
    return task


def train_runs(
    tasks: Sequence[Task],
    budget: str,
    runs_dir: str | None = None,
    jobs: int = 2,
    on_done: Callable[[Task], None] | None = None,
    precision: str = "fp32",
) -> None:
    """Train ``tasks`` (and the runs they start from) in ``jobs`` worker processes
    (``worker_processes``), in the order of ``longest_first``, each run after the run it starts
    from; ``on_done(task)`` here after each. A failed run is reported at once and stops new
    starts; the runs in progress finish (on Ctrl-C they stop at their last checkpoint); then its
    error is raised."""
    queue, error = longest_first(with_dependencies(tasks), budget), None
    running: dict[Future[Task], Task] = {}
    with worker_processes(jobs, INTERRUPTED) as submit:

        def start_next() -> None:
            for task in startable(queue, running.values(), jobs) if error is None else []:
                queue.remove(task)
                running[submit(_train, task, budget, runs_dir, precision)] = task

        while running or (queue and error is None):
            start_next()
            if not running:
                raise RuntimeError(f"no run can start: {queue} wait on each other")
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            finished = []
            for future in done:
                task, exc = running.pop(future), future.exception()
                if exc is None:
                    finished.append(task)
                else:
                    error = error or _failed(task, exc)
            start_next()  # the next runs start before the finished ones are published
            for task in finished:
                try:
                    if on_done is not None:
                        on_done(task)
                except Exception as exc:  # e.g. no space to publish: the runs go on, then it
                    error = error or _failed(task, exc)
    if isinstance(error, BrokenProcessPool):
        raise FmnistError(WORKER_DIED) from None
    if error is not None:
        raise error


def _failed(task: Task, exc: BaseException) -> BaseException:
    """A run's error, said at once with the run it belongs to (the runs in progress go on)."""
    print(f"error: {task[0]} seed {task[1]}: {exc}", file=sys.stderr, flush=True)
    return exc
