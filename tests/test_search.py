"""The hyperparameter search: its spaces, pruning through the engine's epoch hook, resuming a
killed search, several workers on one study (SQLite here, a real PostgreSQL server below)."""

import collections
import contextlib
import json
import os
import shutil
import socket
import sqlite3
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
from fmnist_lib.settings import heartbeat_from_env

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
    assert retry.params == trial.params and _retried_number(study, retry) == 0
    search.run_trial(study, retry, job, small_splits)
    states = [t.state for t in study.trials]
    assert states[0] == TrialState.FAIL and states[1] in search.FINISHED
    folders = list((job.runs_dir / "smoke" / NAME).iterdir())
    assert len(folders) == 1  # the same run, resumed: not trained twice


def _retried_number(study, trial) -> int | None:
    """The number of the trial that ``trial`` retries (the retry callback's record), if any."""
    return study.trials[trial.number].system_attrs.get("failed_trial")


def _ask_and_tell(study, count: int) -> list[dict]:
    """``count`` trials drawn by ``study`` and told a loss that depends on their settings."""
    drawn = []
    for _ in range(count):
        trial = study.ask(search.distributions(NAME))
        study.tell(trial, trial.params["lr"] * 100 + trial.params["hidden_size"] / 1000)
        drawn.append(trial.params)
    return drawn


def test_workers_with_the_same_seed_draw_distinct_settings_and_one_worker_repeats(tmp_path):
    """The sampler's randomness comes from the seed and the trial's number, not the worker:
    two workers (machines, processes) with ``--seed 0`` on one study draw distinct settings,
    through TPE's random start and after it; one worker alone draws the same settings again."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    machine_a = search.open_study(NAME, "smoke", url, "shared", seed=0)
    machine_b = search.open_study(NAME, "smoke", url, "shared", seed=0)
    drawn = [p for _ in range(4) for s in (machine_a, machine_b) for p in _ask_and_tell(s, 1)]
    assert len({tuple(sorted(p.items())) for p in drawn}) == 8
    alone = [_ask_and_tell(search.open_study(NAME, "smoke", url, f"alone-{k}", seed=0), 6)
             for k in range(2)]  # fmt: skip
    assert alone[0] == alone[1]
    assert alone[0] != _ask_and_tell(search.open_study(NAME, "smoke", url, "seed-1", seed=1), 6)
    assert search.trial_seed(0, 1) != search.trial_seed(0, 2) != search.trial_seed(1, 1)


def test_a_trial_that_repeats_a_complete_one_is_answered_without_training(
    tmp_path, monkeypatch, small_splits
):
    study = search.open_study(NAME, "smoke", f"sqlite:///{tmp_path / 's.db'}", "s")
    job = search.Job(NAME, "smoke", "", "s", 2, tmp_path / "runs", 0)
    first = study.ask(search.distributions(NAME))
    first.report(0.5, 1)
    first.set_user_attr("run_dir", "/elsewhere/run")
    study.tell(first, 0.25)

    def trained(*args, **kwargs):
        raise AssertionError("trained again")

    monkeypatch.setattr(search, "run_experiment", trained)
    study.enqueue_trial(first.params)
    repeat = study.ask(search.distributions(NAME))
    search.run_trial(study, repeat, job, small_splits)
    answered = study.trials[1]
    assert answered.state == TrialState.COMPLETE and answered.value == 0.25
    assert answered.intermediate_values == {1: 0.5}
    assert answered.user_attrs == {"run_dir": "/elsewhere/run", "same_as": 0}


def test_a_worker_whose_trial_was_taken_for_abandoned_leaves_it_to_its_retry(
    tmp_path, monkeypatch, small_splits
):
    """Another worker failed this trial (its heartbeat was late) while it trained: the next
    report finds it finished; the worker returns quietly, the failed state and its retry stand."""
    study = search.open_study(NAME, "smoke", f"sqlite:///{tmp_path / 's.db'}", "s")
    job = search.Job(NAME, "smoke", "", "s", 2, tmp_path / "runs", 0)
    trial = study.ask(search.distributions(NAME))

    def trains(*args, on_epoch, **kwargs):
        search.fail_and_requeue(study, trial._trial_id)  # what the other worker does
        on_epoch({"val_loss": 0.5, "epoch": 1})
        raise AssertionError("a finished trial was reported to")

    monkeypatch.setattr(search, "run_experiment", trains)
    search.run_trial(study, trial, job, small_splits)  # no exception
    states = [t.state for t in study.get_trials(deepcopy=False)]
    assert states == [TrialState.FAIL, TrialState.WAITING]  # failed, and queued again


def test_a_silent_trial_of_another_machine_is_failed_retried_and_not_counted(tmp_path):
    """A trial running on another machine is left alone while its heartbeat beats; once it is
    older than the grace period, it is failed and queued again with its settings, and only
    the retry counts toward the trials asked for."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    study = search.open_study(NAME, "smoke", url, "s")
    job = search.Job(NAME, "smoke", url, "s", 1, tmp_path / "runs", 0)
    elsewhere = search._ask(study, job)
    assert elsewhere is not None
    elsewhere.set_user_attr("worker", {"pid": os.getpid(), "host": "another-machine"})
    assert search.retry_abandoned(study) == [] and search._next_trial(study, job) is None
    with sqlite3.connect(tmp_path / "s.db") as db:  # its last heartbeat, an hour ago
        db.execute("UPDATE trial_heartbeats SET heartbeat = datetime('now', '-1 hour')")
    retry = search._next_trial(study, job)  # retries it, then takes the retry
    assert retry is not None and retry.params == elsewhere.params
    assert (
        _retried_number(study, retry) == 0
        and retry.user_attrs["worker"]["host"] == socket.gethostname()
    )
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.RUNNING]
    assert search._next_trial(study, job) is None  # the failed trial does not count


def test_the_heartbeat_is_a_setting(monkeypatch):
    monkeypatch.setenv("FMNIST_HEARTBEAT", "7")
    assert heartbeat_from_env() == 7
    monkeypatch.setenv("FMNIST_HEARTBEAT", "0")
    with pytest.raises(SettingsError, match=r"^FMNIST_HEARTBEAT='0' is not a whole number"):
        heartbeat_from_env()
    monkeypatch.delenv("FMNIST_HEARTBEAT")
    assert heartbeat_from_env() == 30


def test_a_trial_started_beyond_the_trials_asked_for_is_given_up(tmp_path):
    """Machines decide to start trials each under its own lock: one that finds, once started,
    enough trials numbered before its own fails it at once (marked surplus)."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    study = search.open_study(NAME, "smoke", url, "s")
    job = search.Job(NAME, "smoke", url, "s", 1, tmp_path / "runs", 0)
    assert search._ask(study, job) is not None
    assert search._ask(study, job) is None  # another machine's view: it raced the first one
    assert study.trials[1].state == TrialState.FAIL and study.trials[1].user_attrs["surplus"]


def test_a_study_made_for_other_ranges_is_refused(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 's.db'}"
    search.open_study(NAME, "smoke", url, "study")
    wider = (registry.Param("lr", "log-uniform", 1e-5, 1e-1),)
    monkeypatch.setitem(registry.SEARCH_SPACES, NAME, wider)
    with pytest.raises(SettingsError, match="created for other ranges"):
        search.open_study(NAME, "smoke", url, "study")


def test_the_search_runs_at_the_chapters_budget_when_none_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("FMNIST_BUDGET", "smoke")
    study = search.search(NAME, 1, runs_dir=tmp_path)
    assert study.study_name == f"{NAME}-smoke"
    assert (tmp_path / "smoke" / NAME / "search.sqlite3").exists()


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


def _as_machine(host: str, cmd: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """``cmd`` in a UTS namespace of its own whose host name is ``host``: another machine, as
    far as the search can tell (it tells machines apart by host name)."""
    namespaced = ["unshare", "--uts", "sh", "-c", 'hostname "$0" && exec "$@"', host, *cmd]
    return subprocess.Popen(namespaced, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip


def _running_trial_of(url: str, study: str, pid: int, seconds: float) -> int | None:
    """The number of a trial that process ``pid`` is running, waited for up to ``seconds``."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with contextlib.suppress(KeyError):  # the study is not created yet
            loaded = optuna.load_study(study_name=study, storage=search.storage_url(url))
            for t in loaded.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
                if t.user_attrs.get("worker", {}).get("pid") == pid:
                    return t.number
        time.sleep(0.05)
    return None


@pytest.mark.slow
def test_two_machines_share_a_study_and_one_is_killed_mid_trial(postgres, tmp_path):
    """Two ``search`` commands on "two machines" (own host names, own runs folders) share a
    PostgreSQL study; one is killed (SIGKILL) while it runs a trial. The other ends the study
    with exactly the trials asked, all with distinct settings, none left running: the killed
    trial goes stale (no heartbeat) and is retried, from scratch, by the survivor."""
    if subprocess.run(["unshare", "--uts", "true"], capture_output=True).returncode != 0:
        pytest.skip("needs unshare --uts (root) to give each process a host name")
    start, asked = time.perf_counter(), 6
    env = {**os.environ, "FMNIST_PROGRESS": "0", "FMNIST_HEARTBEAT": "1"}

    def command(machine: str) -> list[str]:
        return [sys.executable, "-m", "fmnist_lib", "search", NAME, "--budget", "smoke",
                "--trials", str(asked), "--storage", postgres, "--study", "two-machines",
                "--runs-dir", str(tmp_path / machine / "runs"),
                "--results-dir", str(tmp_path / machine / "results")]  # fmt: skip

    killed = _as_machine("machine-a", command("a"), env)
    survivor = _as_machine("machine-b", command("b"), env)
    # the namespaced shell execs python: the same process id
    number = _running_trial_of(postgres, "two-machines", killed.pid, 120)
    killed.kill()
    killed.communicate()
    _out, err = survivor.communicate(timeout=300)
    trials = optuna.load_study(study_name="two-machines",
                               storage=search.storage_url(postgres)).trials  # fmt: skip
    states = collections.Counter(t.state.name for t in trials)
    print(f"killed trial {number}; states {dict(states)}")
    assert number is not None, "machine-a never ran a trial"
    assert survivor.returncode == 0, err
    finished = [t for t in trials if t.state in search.FINISHED]
    assert len(finished) == asked, dict(states)
    assert states["RUNNING"] == 0 and states["WAITING"] == 0, dict(states)
    assert len({tuple(sorted(t.params.items())) for t in finished}) == asked  # none trained twice
    assert trials[number].params in [t.params for t in finished]  # the killed trial, retried
    assert time.perf_counter() - start < 400
