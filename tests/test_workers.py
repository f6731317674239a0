"""Several runs at once: the order, the dependencies, the threads each worker gets, and the
report ``reproduce --jobs 2`` writes; and the allocator setting every run uses."""

import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from fmnist_lib.errors import SettingsError, TrainingInterrupted
from fmnist_lib.experiments import machine
from fmnist_lib.experiments.machine import threads_per_job
from fmnist_lib.reproduction.pipeline import reproduce
from fmnist_lib.reproduction.workers import (
    longest_first,
    startable,
    with_dependencies,
    worker_processes,
)


def test_the_longest_runs_start_first() -> None:
    tasks = [("ae-feedforward-512", 0), ("clf-consigna-10", 0), ("ae-raschka-64", 0),
             ("ae-raschka-128", 0), ("ae-consigna-128", 0)]  # fmt: skip
    order = [name for name, _ in longest_first(tasks, "full")]
    assert order[:2] == ["ae-raschka-64", "ae-raschka-128"]  # 17 and 14 epochs of the largest
    # 20 epochs of 1,563 small steps before 60 epochs of 50 large ones (200 s and 140 s here)
    assert order.index("ae-consigna-128") < order.index("ae-feedforward-512")


def test_an_autoencoder_that_classifiers_wait_on_goes_before_runs_as_long_as_it() -> None:
    alone = longest_first([("ae-consigna-128", 0), ("clf-consigna-10", 0)], "full")
    assert alone[0] == ("clf-consigna-10", 0)  # 35 epochs of the encoder against 20 of both
    waited_on = longest_first(
        [("ae-consigna-128", 0), ("clf-consigna-10", 0), ("clf-consigna-fe-128", 0)], "full"
    )
    assert waited_on[0] == ("ae-consigna-128", 0)


def test_each_run_is_scheduled_once_after_the_runs_it_starts_from() -> None:
    tasks = [("clf-consigna-fe-128", 1), ("clf-consigna-fe-128", 1), ("ae-consigna-128", 0)]
    assert with_dependencies(tasks) == [
        ("ae-consigna-128", 1), ("clf-consigna-fe-128", 1), ("ae-consigna-128", 0)]  # fmt: skip


def test_a_run_starts_when_a_worker_is_free_and_its_source_has_finished() -> None:
    fe, ae = ("clf-consigna-fe-128", 1), ("ae-consigna-128", 1)
    other = ("clf-consigna-10", 0)
    assert startable([ae, fe, other], [], jobs=2) == [ae, other]  # fe waits for ae
    assert startable([fe, other], [ae], jobs=2) == [other]  # ae is still training
    assert startable([fe, other], [], jobs=2) == [fe, other]
    assert startable([fe, other], [("ae-consigna-128", 0)], jobs=2) == [fe]  # one free worker
    assert startable([fe, other], [ae, other], jobs=2) == []


def test_the_cores_are_shared_among_the_jobs() -> None:
    cores = torch.get_num_threads()
    assert threads_per_job(1) == cores
    assert threads_per_job(2) == max(1, cores // 2)
    assert threads_per_job(10 * cores) == 1
    with pytest.raises(SettingsError, match="jobs must be >= 1"):
        threads_per_job(0)


def _wait_to_be_interrupted(started: str) -> None:
    """A worker's job that says it has started (its process's PID in the file ``started``),
    then waits."""
    Path(started).write_text(str(os.getpid()))
    time.sleep(120)


@pytest.mark.slow
def test_workers_get_their_share_of_the_cores_and_ctrl_c_stops_their_work_not_them(tmp_path):
    """The one way work runs in worker processes (``reproduce --jobs`` and the search)."""
    started = tmp_path / "started"
    with worker_processes(2, "stopped") as submit:
        assert submit(torch.get_num_threads).result(timeout=120) == threads_per_job(2)
        idle = submit(os.getpid).result(timeout=120)
        os.kill(idle, signal.SIGINT)  # an idle worker ignores it
        job = submit(_wait_to_be_interrupted, str(started))
        deadline = time.time() + 120
        while not started.exists() and time.time() < deadline:
            time.sleep(0.01)
        os.kill(int(started.read_text()), signal.SIGINT)  # a working one: its work stops
        assert isinstance(job.exception(timeout=60), KeyboardInterrupt)
        time.sleep(1)  # a worker that died of either Ctrl-C would have broken the pool by now
        assert submit(os.getpid).result(timeout=60) > 0
    with pytest.raises(TrainingInterrupted, match=r"^stopped$"), worker_processes(2, "stopped"):
        raise KeyboardInterrupt  # Ctrl-C here: the message the caller chose


@pytest.mark.slow
def test_reproduce_in_two_workers_trains_each_run_once_with_its_share_of_the_cores(tmp_path):
    names = ["clf-consigna-fe-128", "ae-consigna-128", "clf-consigna-10"]
    metrics = reproduce("smoke", seeds=1, ae_seeds=1, runs_dir=tmp_path / "runs",
                        results_dir=tmp_path / "results", names=names, jobs=2)  # fmt: skip
    assert sorted(metrics["experiments"]) == sorted(names)
    records = {n: json.loads((tmp_path / "runs" / "smoke" / n / "seed0" / "result.json")
                             .read_text()) for n in names}  # fmt: skip
    assert all(r["hardware"]["torch_threads"] == threads_per_job(2) for r in records.values())
    runs = {n: [r["seed"] for r in e["runs"]] for n, e in metrics["experiments"].items()}
    assert runs == {n: [0] for n in names}  # each run once, reloaded here after its worker
    assert "Smoke budget" in (tmp_path / "results" / "smoke" / "REPORT.md").read_text()


def _page_faults_per_step(policy: str) -> float:
    """Minor page faults per training-like step in a fresh process, in the quietest of six
    10-step windows after a warm-up: the steady state (now and then the heap still grows by a
    block in some window, a one-off fault per page that a later step reuses).

    ``policy`` is ``keep`` (``keep_freed_memory``) or ``give back`` (a fixed 128 KiB mmap
    threshold: every large block is handed back when freed, so the count is not left to glibc's
    self-adjusting default, which lands anywhere from hundreds to thousands of faults a step).
    """
    code = f"""
import ctypes, resource, torch
from fmnist_lib.experiments.machine import _M_MMAP_THRESHOLD, keep_freed_memory
ctypes.CDLL(None).prctl(41, 1, 0, 0, 0)  # PR_SET_THP_DISABLE: 4 KiB pages, counted one by one
if {policy == "keep"}:
    assert keep_freed_memory()
else:
    assert ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, 128 * 1024)
conv = torch.nn.Conv2d(32, 64, 3, padding=1)
def step():
    conv(torch.rand(32, 32, 28, 28)).square().mean().backward()
for _ in range(10):  # the heap grows to what a step needs
    step()
per_step = []
for _ in range(6):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(10):
        step()
    per_step.append((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 10)
print(min(per_step))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return float(done.stdout)


@pytest.mark.slow
@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc only")
def test_freed_memory_is_kept_for_reuse_so_training_steps_do_not_fault_pages() -> None:
    # a step allocates ~60 MB (oneDNN's scratch buffers too): ~15,000 fresh pages if all go back
    assert _page_faults_per_step("give back") > 1000  # the control: faults are counted
    assert _page_faults_per_step("keep") < 5


def test_keeping_freed_memory_is_asked_once_and_only_of_glibc(monkeypatch) -> None:
    monkeypatch.setattr(machine, "_kept_freed_memory", None)
    monkeypatch.setattr(machine.platform, "libc_ver", lambda: ("", ""))
    assert machine.keep_freed_memory() is False  # not glibc (macOS, musl): nothing asked
    monkeypatch.setattr(machine.platform, "libc_ver", lambda: ("glibc", "2.41"))
    assert machine.keep_freed_memory() is False  # decided once per process


def test_the_run_order_is_the_same_in_a_spanish_notebook(monkeypatch) -> None:
    """The cost reads the layer table's English column whatever the notebook's language."""
    from fmnist_lib.reproduction.workers import expected_cost

    english = expected_cost(("ae-consigna-128", 0), "full")
    monkeypatch.setenv("FMNIST_LANGUAGE", "es")
    assert expected_cost(("ae-consigna-128", 0), "full") == english > 0
