"""The hyperparameter search: its spaces, pruning through the engine's epoch hook, resuming a
killed search, several workers on one study (SQLite here, a real PostgreSQL server below)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

import optuna
import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution
from optuna.trial import TrialState

from fmnist_lib.errors import SettingsError, TrainingInterrupted
from fmnist_lib.experiments import registry
from fmnist_lib.experiments.machine import threads_per_job
from fmnist_lib.experiments.running import run_experiment
from fmnist_lib.reproduction import search

NAME = "ae-feedforward-512"  # about a second a trial at the smoke budget


def test_every_declared_space_is_a_valid_search_space():
    for name in registry.SEARCH_SPACES:
        space = search.distributions(name)
        assert space["lr"] == FloatDistribution(1e-4, 1e-2, log=True)
        for key, dist in space.items():
            assert key in registry.OVERRIDABLE
            values = dist.choices if isinstance(dist, CategoricalDistribution) else (dist.low,)
            for value in values:  # every value is an override the experiment accepts
                registry.get_experiment(name).with_overrides({key: value})
    with pytest.raises(SettingsError, match="no search space is declared"):
        search.distributions("clf-raschka-10-paper-protocol")


def _study(tmp_path, pruner=None):
    study = optuna.create_study(storage=f"sqlite:///{tmp_path / 's.db'}", pruner=pruner)
    return study, search.Job(NAME, "smoke", "", "s", 2, tmp_path / "runs", 0)


def test_the_pruner_stops_the_run_through_the_epoch_hook(tmp_path, small_splits):
    study, job = _study(tmp_path, optuna.pruners.ThresholdPruner(upper=0.0))  # prunes any loss
    trial = study.ask(search.distributions(NAME))
    search.run_trial(study, trial, job, small_splits)
    assert study.trials[0].state == TrialState.PRUNED
    assert list(study.trials[0].intermediate_values) == [1]  # stopped after the first epoch
    folder = next((job.runs_dir / "smoke" / NAME).iterdir())
    assert sorted(p.name for p in folder.iterdir()) == [".lock", "checkpoint.pt"]


@pytest.mark.slow
def test_a_trial_left_running_by_a_killed_worker_resumes_from_its_checkpoint(
    tmp_path, small_splits
):
    study, job = _study(tmp_path)
    trial = study.ask(search.distributions(NAME))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    trial.set_user_attr("worker", {"pid": int(dead.stdout), "host": socket.gethostname()})

    def killed(row):
        raise KeyboardInterrupt  # the worker dies after the first epoch's checkpoint

    with pytest.raises(Exception, match="interrupted"):
        run_experiment(NAME, "smoke", 0, job.runs_dir, splits=small_splits,
                       overrides=dict(trial.params), on_epoch=killed)  # fmt: skip
    assert search.retry_abandoned(study) == [0]
    retry = study.ask(search.distributions(NAME))
    assert retry.params == trial.params and retry.user_attrs["retry_of"] == 0
    search.run_trial(study, retry, job, small_splits)
    states = [t.state for t in study.trials]
    assert states[0] == TrialState.FAIL and states[1] in search.FINISHED
    folders = list((job.runs_dir / "smoke" / NAME).iterdir())
    assert len(folders) == 1  # the same run, resumed: not trained twice


def test_a_study_made_for_other_ranges_is_refused(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 's.db'}"
    search.open_study(NAME, "smoke", url, "study")
    wider = (registry.Param("lr", "log-uniform", 1e-5, 1e-1),)
    monkeypatch.setitem(registry.SEARCH_SPACES, NAME, wider)
    with pytest.raises(SettingsError, match="created for other ranges"):
        search.open_study(NAME, "smoke", url, "study")


def test_an_unreachable_storage_says_which_and_how_to_start_one(tmp_path, capsys):
    from fmnist_lib.reproduction.cli import main

    code = main(["search", NAME, "--budget", "smoke", "--trials", "1", "--runs-dir", str(tmp_path),
                 "--storage", "postgresql://nobody@127.0.0.1:9/none"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and "cannot open the study storage 127.0.0.1:9/none" in err
    assert "start PostgreSQL" in err and "Traceback" not in err and not any(tmp_path.iterdir())


def _finished(url: str, study: str) -> list[optuna.trial.FrozenTrial]:
    return optuna.load_study(study_name=study, storage=search.storage_url(url)).get_trials(
        states=search.FINISHED
    )


@pytest.mark.slow
def test_the_command_fills_the_study_and_adds_trials_when_asked(tmp_path):
    cmd = [sys.executable, "-m", "fmnist_lib", "search", NAME, "--budget", "smoke", "--jobs", "2",
           "--runs-dir", str(tmp_path / "runs"),
           "--results-dir", str(tmp_path / "results")]  # fmt: skip
    env = {**os.environ, "FMNIST_PROGRESS": "0"}
    first = subprocess.run([*cmd, "--trials", "6"], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    url = f"sqlite:///{tmp_path / 'runs' / 'smoke' / NAME / 'search.sqlite3'}"
    assert len(_finished(url, f"{NAME}-smoke")) == 6
    again = subprocess.run([*cmd, "--trials", "8"], env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    numbers = [t.number for t in _finished(url, f"{NAME}-smoke")]
    assert len(numbers) == 8 and len(set(numbers)) == 8
    report = tmp_path / "results" / "searches" / "smoke" / f"{NAME}-smoke"
    assert {"SEARCH.md", "trials.json", "optimization_history.png"} <= {
        p.name for p in report.iterdir()
    }


def test_each_worker_says_its_failure_in_one_line_and_the_search_counts_them(
    tmp_path, monkeypatch, capsys
):
    """What each worker process does with a failure (``_worker``: one line, an exit code) and
    what the search makes of their codes; the processes are ``workers.worker_processes``',
    replaced here by calls in this process."""
    outcomes = {0: None, 1: SettingsError("the disk is full"), 2: KeyboardInterrupt()}

    def work(job, worker):
        if outcomes[worker] is not None:
            raise outcomes[worker]

    @contextmanager
    def in_this_process(jobs, interrupted):
        def submit(fn, *args):
            done = Future()
            done.set_result(fn(*args))
            return done

        yield submit

    monkeypatch.setattr(search, "work", work)
    monkeypatch.setattr(search, "worker_processes", in_this_process)
    job = _study(tmp_path)[1]
    assert [search._worker(job, k) for k in range(3)] == [0, 1, 130]
    assert capsys.readouterr().err == "error: search worker 1: the disk is full\n"
    with pytest.raises(SettingsError, match=r"^1 of 2 search workers failed \(their errors above"):
        search._start_workers(job, 2)
    with pytest.raises(TrainingInterrupted, match="finished trials are kept"):
        search._start_workers(job, 3)
    died, interrupted = Future(), Future()
    died.set_exception(BrokenProcessPool())
    interrupted.set_exception(KeyboardInterrupt())
    assert search._exit_code(died, 4) == 1 and search._exit_code(interrupted, 5) == 130
    assert "search worker 4: its process died" in capsys.readouterr().err


# --------------------------------------------------------------------------- PostgreSQL
def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


@pytest.fixture
def postgres():
    """A throwaway PostgreSQL server on a local port, run as the ``postgres`` user (in a
    folder of its own under /tmp: pytest's temporary folders are private to root)."""
    bin_dir = _pg_bin()
    if bin_dir is None or os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("needs Debian's postgresql and root (CI installs it: .ci/run)")
    home = Path(tempfile.mkdtemp(prefix="fmnist-pg-"))
    home.chmod(0o777)
    data, port = home / "data", _free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*as_postgres, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U",
                    "postgres"], check=True, capture_output=True)  # fmt: skip
    subprocess.run([*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l",
                    str(home / "log"), "-o", f"-p {port} -k {home} -c listen_addresses=127.0.0.1",
                    "start"], check=True, capture_output=True)  # fmt: skip
    try:
        subprocess.run([*as_postgres, str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port),
                        "fmnist"], check=True, capture_output=True)  # fmt: skip
        yield f"postgresql://postgres@127.0.0.1:{port}/fmnist"
    finally:
        subprocess.run([*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast",
                        "-w", "stop"], capture_output=True)  # fmt: skip
        shutil.rmtree(home, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_two_workers_share_one_study_on_postgresql(postgres, tmp_path):
    start = time.perf_counter()
    study = search.search(NAME, 5, "smoke", storage=postgres, study_name="shared", jobs=2,
                          runs_dir=tmp_path)  # fmt: skip
    finished = _finished(postgres, "shared")
    assert len(finished) == 5 and len({t.number for t in finished}) == 5
    assert len({tuple(sorted(t.params.items())) for t in finished}) == 5  # no trial ran twice
    workers = {t.user_attrs["worker"]["pid"] for t in study.trials}
    assert len(workers) == 2  # both processes took trials
    for t in finished:
        if t.state == TrialState.COMPLETE:
            folder = Path(t.user_attrs["run_dir"])
            assert {"model.pt", "result.json", "checkpoint.pt"} <= {
                p.name for p in folder.iterdir()
            }
            record = json.loads((folder / "result.json").read_text())
            assert record["hardware"]["torch_threads"] == threads_per_job(2)  # cores shared
    assert time.perf_counter() - start < 600
