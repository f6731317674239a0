"""Failures that explain themselves: clean command-line errors, nothing half-written or orphaned,
one process per run, damaged files named, inputs checked before any work."""

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import torch

from fmnist_lib import data, storage
from fmnist_lib.errors import NoSpace, RunDamaged, RunLocked, SettingsError, TrainingInterrupted
from fmnist_lib.experiments import running as experiments
from fmnist_lib.experiments import runs
from fmnist_lib.experiments.running import run_experiment
from fmnist_lib.reproduction.cli import main
from fmnist_lib.reproduction.pipeline import report_finished
from fmnist_lib.training import History, TrainConfig, TrainingDiverged, fit, loss_warnings

RUN = ("ae-feedforward-512", "smoke")  # the fastest experiment: a second or two at smoke


def _no_training(*args, **kwargs):
    raise AssertionError("training started")


# --------------------------------------------------------------------------- the command line
@pytest.mark.parametrize(
    "argv, env, says",
    [
        (["train", "clf-consigna-10", "--budget", "smoke", "--epochs", "0"], {}, "--epochs"),
        (["train", "clf-consigna-10", "--seed", "-1"], {}, "--seed"),
        (["train", "clf-consigna-10", "--seed", str(2**32)], {}, "--seed"),
        (["train", "clf-consigna-10"], {"FMNIST_BUDGET": "bogus"}, "FMNIST_BUDGET='bogus'"),
        (["train", "clf-consigna-10"], {"FMNIST_DEVICE": "bogus"}, "FMNIST_DEVICE"),
        (["reproduce", "--seeds", "0"], {}, "--seeds"),
        (["train", "clf-consigna-10", "--precision", "fp16"], {}, "invalid choice: 'fp16'"),
        (["reproduce", "--precision", "fp16"], {}, "--precision: invalid choice"),
        (["search", RUN[0], "--trials", "1", "--precision", "fp16"], {}, "(choose from"),
        (["train", "clf-consigna-10"], {"FMNIST_PRECISION": "fp16"}, "FMNIST_PRECISION='fp16'"),
    ],
)
def test_bad_arguments_exit_2_with_one_line_before_any_work(argv, env, says, monkeypatch, capsys):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(experiments, "splits_for", _no_training)
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and says in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_a_missing_cuda_is_an_argument_error(monkeypatch, capsys):
    monkeypatch.setenv("FMNIST_DEVICE", "cuda")
    with pytest.raises(SystemExit) as exit_:
        main(["train", "clf-consigna-10", "--budget", "smoke"])
    assert exit_.value.code == 2 and "no 'cuda' device" in capsys.readouterr().err


@pytest.mark.slow
def test_the_command_refuses_epochs_0_in_one_line():
    for argv, env in [
        (["train", "clf-consigna-10", "--budget", "smoke", "--epochs", "0"], {}),
        (["train", "clf-consigna-10"], {"FMNIST_BUDGET": "bogus"}),
    ]:
        out = subprocess.run(
            [sys.executable, "-m", "fmnist_lib", *argv],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            timeout=120,
        )
        assert out.returncode == 2 and out.stdout == ""
        assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_a_library_error_is_one_line_and_exit_1(tmp_path, capsys):
    blocker = tmp_path / "runs"
    blocker.write_text("a file where the runs folder should be")
    code = main(["train", *RUN[:1], "--budget", "smoke", "--runs-dir", str(blocker)])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: ") and "a file stands in its way" in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_debug_shows_the_traceback(tmp_path, capsys):
    (tmp_path / "runs").write_text("in the way")
    code = main(
        ["--debug", "train", RUN[0], "--budget", "smoke", "--runs-dir", str(tmp_path / "runs")]
    )
    assert code == 1 and "Traceback" in capsys.readouterr().err


# --------------------------------------------------------------------------- files on disk
def test_a_failed_atomic_write_leaves_no_temporary_and_names_a_full_disk(tmp_path, monkeypatch):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", full)
    with pytest.raises(NoSpace, match=f"no space left on device while writing {target}"):
        storage.atomic_write(target, b"new")
    assert target.read_bytes() == b"old" and sorted(tmp_path.iterdir()) == [target]

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(storage.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        storage.atomic_save({"x": torch.zeros(3)}, target)
    assert sorted(tmp_path.iterdir()) == [target]


def test_temporary_names_carry_more_than_the_pid(tmp_path):
    a, b = storage._temporary(tmp_path / "x"), storage._temporary(tmp_path / "x")
    assert a != b and str(os.getpid()) in a.name and storage.is_temporary(a)


def test_a_run_sweeps_stale_temporaries_of_its_own_folder(tmp_path, small_splits):
    folder = tmp_path / "smoke" / RUN[0] / "seed0-epochs1"
    folder.mkdir(parents=True)
    stale = [folder / ".checkpoint.pt.4242.tmp", folder / ".model.pt.1-otherhost-ab12cd34.tmp"]
    for p in stale:
        p.write_bytes(b"half a file")
    run_experiment(*RUN, runs_dir=tmp_path, epochs=1, splits=small_splits)
    assert not any(p.exists() for p in stale)
    names = sorted(p.name for p in folder.iterdir())
    assert names == [".lock", "checkpoint.pt", "model.pt", "result.json"]


def test_replace_directory_leaves_the_old_set_when_interrupted(tmp_path, monkeypatch):
    target = tmp_path / "results"
    storage.replace_directory(target, {"a.txt": b"1", "b.txt": b"1"})
    real, calls = storage.atomic_write, []

    def dies_on_second(path, content):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(path, content)

    monkeypatch.setattr(storage, "atomic_write", dies_on_second)
    with pytest.raises(KeyboardInterrupt):
        storage.replace_directory(target, {"a.txt": b"2", "b.txt": b"2"})
    assert [p.name for p in tmp_path.iterdir()] == ["results"]
    assert {p.name: p.read_bytes() for p in target.iterdir()} == {"a.txt": b"1", "b.txt": b"1"}


@pytest.fixture
def finished(tmp_path, small_splits):
    result = run_experiment(*RUN, runs_dir=tmp_path, epochs=1, splits=small_splits)
    return result, small_splits


def test_a_checkpoint_of_random_bytes_is_named_without_torch_advice(finished, capsys):
    """Named, moved aside, and the run starts over (there is no earlier checkpoint)."""
    result, splits = finished
    (result.run_dir / "result.json").unlink()
    (result.run_dir / "checkpoint.pt").write_bytes(os.urandom(5000))
    with pytest.warns(UserWarning) as caught:
        again = run_experiment(*RUN, runs_dir=result.run_dir.parents[2], epochs=1, splits=splits)
    message = str(caught[0].message)
    assert str(result.run_dir / "checkpoint.pt") in message and "starts over" in message
    assert "weights_only" not in message
    assert (result.run_dir / "checkpoint.pt.damaged").exists()
    assert again.history.epochs[0]["val_loss"] == result.history.epochs[0]["val_loss"]


def test_damaged_records_and_swapped_weights_are_refused(finished):
    result, splits = finished
    root = result.run_dir.parents[2]
    weights = (result.run_dir / "model.pt").read_bytes()
    state = torch.load(result.run_dir / "model.pt", weights_only=True)
    torch.save({k: v + 1 for k, v in state.items()}, result.run_dir / "model.pt")
    with pytest.raises(RunDamaged, match="SHA-256 differs"):
        run_experiment(*RUN, runs_dir=root, epochs=1, splits=splits)
    (result.run_dir / "model.pt").write_bytes(weights)
    record = (result.run_dir / "result.json").read_text()
    (result.run_dir / "result.json").write_text(record[: len(record) // 2])
    with pytest.raises(RunDamaged, match=r"result\.json cannot be read"):
        run_experiment(*RUN, runs_dir=root, epochs=1, splits=splits)


def test_lost_weights_are_rebuilt_from_the_final_checkpoint(finished, monkeypatch):
    result, splits = finished
    root = result.run_dir.parents[2]
    (result.run_dir / "model.pt").unlink()
    again = run_experiment(*RUN, runs_dir=root, epochs=1, splits=splits)
    assert again.test == result.test and again.history.epochs == result.history.epochs
    pairs = zip(again.model.state_dict().values(), result.model.state_dict().values(), strict=True)
    assert all(torch.equal(a, b) for a, b in pairs)
    (result.run_dir / "model.pt").unlink()
    (result.run_dir / "checkpoint.pt").unlink()
    with pytest.raises(RunDamaged, match="no checkpoint to rebuild it from"):
        run_experiment(*RUN, runs_dir=root, epochs=1, splits=splits)


@pytest.mark.slow
def test_a_damaged_run_is_listed_and_the_report_written_from_the_rest(tmp_path):
    runs_dir = tmp_path / "runs"
    run_experiment("ae-feedforward-512", "smoke", runs_dir=runs_dir)
    broken = run_experiment("clf-consigna-10", "smoke", runs_dir=runs_dir)
    (broken.run_dir / "result.json").write_text("{not json")
    metrics = report_finished("smoke", runs_dir=runs_dir, results_dir=tmp_path / "results")
    assert list(metrics["experiments"]) == ["ae-feedforward-512"]
    assert "result.json cannot be read" in metrics["damaged"]["clf-consigna-10"]["0"]
    report = (tmp_path / "results" / "smoke" / "REPORT.md").read_text()
    assert (
        "Damaged runs, left out of this report" in report and "`clf-consigna-10` seed 0" in report
    )


# --------------------------------------------------------------------------- one process a run
@pytest.mark.slow
def test_a_held_lock_refuses_at_once_and_a_dead_holders_is_free(tmp_path, monkeypatch):
    folder = runs.run_dir_for(RUN[0], RUN[1], 0, None, tmp_path)
    folder.mkdir(parents=True)
    monkeypatch.setattr(experiments, "splits_for", _no_training)
    with (
        runs.run_lock(folder),
        pytest.raises(RunLocked, match=f"process {os.getpid()} on .* \\(lock file"),
    ):
        run_experiment(*RUN, runs_dir=tmp_path)
    holder = (
        "import os, sys, pathlib; from fmnist_lib.experiments import runs; "
        "runs.run_lock(pathlib.Path(sys.argv[1])).__enter__(); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", holder, str(folder)], check=True)  # took it, then died
    with runs.run_lock(folder):
        assert json.loads((folder / ".lock").read_text())["pid"] == os.getpid()


def test_wait_waits_for_the_holder(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    held, release = threading.Event(), threading.Event()

    def hold():
        with runs.run_lock(folder):
            held.set()
            release.wait(5)

    threading.Thread(target=hold).start()
    held.wait(5)
    threading.Timer(0.5, release.set).start()
    start = time.perf_counter()
    with pytest.raises(RunLocked), runs.run_lock(folder):
        pass
    with runs.run_lock(folder, wait=True, poll_seconds=0.05):
        assert time.perf_counter() - start >= 0.4


#: Holds the run lock of the folder argv[1] until its stdin closes (or it is killed).
HOLDER = """
import sys, pathlib
from fmnist_lib.experiments import runs
with runs.run_lock(pathlib.Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()
"""


def _holding(folder: Path) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder)], text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
    assert holder.stdout.readline() == "held\n", "the holder could not take the lock"
    return holder


@pytest.mark.slow
def test_another_process_holding_the_lock_is_named_and_waited_for(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    holder = _holding(folder)
    try:
        says = (
            f"{folder} is being trained by process {holder.pid} on {socket.gethostname()} "
            f"(lock file {folder / '.lock'}); wait for it to finish, or run again with --wait"
        )
        with pytest.raises(RunLocked) as refused:
            runs.refuse_if_locked(folder)
        assert str(refused.value) == says
        with pytest.raises(RunLocked) as refused, runs.run_lock(folder):
            pass
        assert str(refused.value) == says
        threading.Timer(0.5, holder.stdin.close).start()  # the holder lets go in half a second
        start = time.perf_counter()
        with runs.file_lock(folder / ".lock", poll_seconds=0.05):  # the search's way: it waits
            waited = time.perf_counter() - start
            assert runs.lock_holder(folder / ".lock")["pid"] == os.getpid()
        assert waited >= 0.4 and holder.wait(timeout=30) == 0
    finally:
        holder.kill()


@pytest.mark.slow
def test_a_killed_holder_leaves_the_lock_free_and_nothing_behind(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    holder = _holding(folder)
    with pytest.raises(RunLocked, match=f"process {holder.pid} "):
        runs.refuse_if_locked(folder)
    holder.kill()  # SIGKILL: no handler of its own runs
    assert holder.wait(timeout=30) == -signal.SIGKILL
    runs.refuse_if_locked(folder)
    with runs.run_lock(folder):
        assert runs.lock_holder(folder / ".lock")["pid"] == os.getpid()
    assert [p.name for p in folder.iterdir()] == [".lock"]


@pytest.mark.slow
def test_the_locks_need_no_fcntl():
    """The lock is the filelock package's, so Windows (which has no fcntl) can import and use
    the machinery; this checks the import where fcntl cannot be imported."""
    code = ('import sys; sys.modules["fcntl"] = None\n'
            "import fmnist_lib.experiments.runs, fmnist_lib.reproduction.search")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_a_second_concurrent_train_refuses_naming_the_lock(tmp_path):
    cmd = [
        sys.executable,
        "-m",
        "fmnist_lib",
        "train",
        "clf-raschka-10",
        "--budget",
        "smoke",
        "--epochs",
        "6",
        "--runs-dir",
        str(tmp_path),
    ]
    env = {**os.environ, "FMNIST_PROGRESS": "0"}
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lock = tmp_path / "smoke" / "clf-raschka-10" / "seed0-epochs6" / ".lock"
    deadline = time.time() + 120
    while not lock.exists() and first.poll() is None and time.time() < deadline:
        time.sleep(0.01)
    second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    still_training = first.poll() is None
    first.wait(timeout=300)
    assert still_training, "the first run ended before the second was refused: use more epochs"
    assert second.returncode == 1 and f"lock file {lock}" in second.stderr
    assert "Traceback" not in second.stderr and first.returncode == 0


# --------------------------------------------------------------------------- the runs folder
def test_an_unusable_runs_folder_is_found_before_training(tmp_path, monkeypatch):
    monkeypatch.setattr(experiments, "fit", _no_training)
    (tmp_path / "file").write_text("x")
    with pytest.raises(SettingsError, match="a file stands in its way"):
        run_experiment(*RUN, runs_dir=tmp_path / "file")
    monkeypatch.setattr(runs.shutil, "disk_usage", lambda p: runs.shutil._ntuple_diskusage(1, 1, 0))
    with pytest.raises(NoSpace, match="no space left on device for"):
        run_experiment(*RUN, runs_dir=tmp_path / "ok")


def _mount_tmpfs(folder: Path, size: str, options: str = "") -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    opts = f"size={size}" + (f",{options}" if options else "")
    return (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(folder)], capture_output=True
        ).returncode
        == 0
    )


@pytest.fixture
def tmpfs(tmp_path):
    mounted = []

    def make(name: str, size: str, options: str = "") -> Path:
        folder = tmp_path / name
        if os.geteuid() != 0 or not _mount_tmpfs(folder, size, options):
            pytest.skip("needs root and permission to mount a tmpfs")
        mounted.append(folder)
        return folder

    yield make
    for folder in mounted:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.mark.slow
def test_a_full_disk_names_the_file_keeps_the_checkpoint_and_recovers(tmpfs, tmp_path):
    """A tmpfs with room for one checkpoint but not for the second's temporary copy."""
    cmd = [
        sys.executable,
        "-m",
        "fmnist_lib",
        "train",
        RUN[0],
        "--budget",
        "smoke",
        "--epochs",
        "2",
    ]
    env = {**os.environ, "FMNIST_PROGRESS": "0"}
    probe = subprocess.run(
        [*cmd, "--epochs", "1", "--runs-dir", str(tmp_path / "probe")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    size = next((tmp_path / "probe").rglob("checkpoint.pt")).stat().st_size
    small = tmpfs("small", f"{int(size * 1.5) // 1024}k")
    out = subprocess.run([*cmd, "--runs-dir", str(small)], env=env, capture_output=True, text=True)
    folder = small / "smoke" / RUN[0] / "seed0-epochs2"
    assert probe.returncode == 0 and out.returncode == 1, out.stderr
    assert f"no space left on device while writing {folder / 'checkpoint.pt'}" in out.stderr
    assert "the checkpoint of epoch 1 is intact" in out.stderr and "Traceback" not in out.stderr
    assert sorted(p.name for p in folder.iterdir()) == [".lock", "checkpoint.pt"]  # no temporary
    subprocess.run(["mount", "-o", f"remount,size={4 * size // 1024}k", str(small)], check=True)
    again = subprocess.run(
        [*cmd, "--runs-dir", str(small)], env=env, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    assert json.loads((folder / "result.json").read_text())["epochs_run"] == 2


@pytest.mark.slow
def test_a_read_only_runs_folder_is_refused_before_training(tmpfs, monkeypatch):
    read_only = tmpfs("ro", "1m", "ro")
    monkeypatch.setattr(experiments, "fit", _no_training)
    with pytest.raises(SettingsError, match=r"Read-only file system|read-only"):
        run_experiment(*RUN, runs_dir=read_only)


# --------------------------------------------------------------------------- inputs
@pytest.mark.parametrize(
    "overrides, says",
    [
        ({"softmax_output": "/../../x"}, "softmax_output must be True or False"),
        ({"hidden_size": "12"}, "hidden_size must be an int >= 1"),
        ({"lr": float("nan")}, "lr must be a finite number > 0"),
        ({"dropout": 1.0}, r"dropout must be a number in \[0, 1\)"),
        ({"patience": 0}, "patience must be None or an int >= 1"),
    ],
)
def test_overrides_are_checked_by_type(overrides, says, tmp_path):
    with pytest.raises(SettingsError, match=says):
        run_experiment(*RUN, runs_dir=tmp_path, overrides=overrides)
    assert not any(tmp_path.iterdir())


def test_no_folder_name_can_leave_the_runs_folder(tmp_path):
    for bad in [("../x", "smoke"), ("ok", "../../etc"), ("a/b", "smoke"), ("..", "smoke")]:
        with pytest.raises(SettingsError, match="cannot be a folder name"):
            runs.run_dir_for(bad[0], bad[1], 0, None, tmp_path)


@pytest.fixture
def data_copy(tmp_path):
    for name, path in data.locate().files.items():
        (tmp_path / name).write_bytes(data.verified_bytes(path))
    return tmp_path


def test_data_errors_say_what_is_there(data_copy, monkeypatch):
    (data_copy / "train-labels-idx1-ubyte").unlink()
    (data_copy / "train-labels-idx1-ubyte").mkdir()
    (data_copy / "t10k-labels-idx1-ubyte").unlink()
    (data_copy / "t10k-labels-idx1-ubyte").symlink_to(data_copy / "t10k-labels-idx1-ubyte")
    with open(data_copy / "t10k-images-idx3-ubyte", "r+b") as fh:
        fh.truncate(10**10)  # a sparse 10 GB file: refused by its size, never read
    with pytest.raises(data.DataError) as info:
        data.locate(data_copy, download=False)
    message = str(info.value)
    assert "train-labels-idx1-ubyte is a directory" in message
    assert "t10k-labels-idx1-ubyte is a symlink loop" in message
    assert "10000000000 bytes, more than the 7840016 expected" in message


def test_an_unreadable_file_is_named_and_a_default_location_skipped(data_copy, monkeypatch):
    real_open = open

    def no_permission(path, *args, **kwargs):
        if str(path).startswith(str(data_copy)):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(data, "open", no_permission, raising=False)
    with pytest.raises(data.DataError, match="cannot be read \\(Permission denied\\)"):
        data.locate(data_copy, download=False)
    monkeypatch.setattr(data, "cache_dir", lambda: data_copy)
    monkeypatch.delenv("FMNIST_DATA", raising=False)
    with pytest.warns(UserWarning, match="skipping it"):
        assert data.locate(download=False).origin == "Debian package"


def test_advice_fits_where_the_data_was_looked_for(tmp_path, monkeypatch):
    monkeypatch.setenv("FMNIST_DATA", str(tmp_path))
    with pytest.raises(data.DataError) as info:
        data.locate(download=False)
    assert "unset it" in str(info.value) and "apt-get" not in str(info.value)


# --------------------------------------------------------------------------- training
@pytest.mark.slow
def test_an_exploded_but_finite_loss_is_warned_about(finished, monkeypatch, capsys):
    history = History(
        [
            {"epoch": 1, "train_loss": 2.3, "val_loss": 2.3},
            {"epoch": 2, "train_loss": 1e18, "val_loss": 3e17},
        ]
    )
    assert "the loss reached 1e+18 at epoch 2" in loss_warnings(history)[0]
    assert loss_warnings(History([{"epoch": 1, "train_loss": 2.3, "val_loss": 2.2}])) == []
    result, _ = finished
    monkeypatch.setattr(experiments, "loss_warnings", lambda h: ["the loss blew up"])
    root = result.run_dir.parents[2]
    assert (
        main(["train", RUN[0], "--budget", "smoke", "--epochs", "2", "--runs-dir", str(root)]) == 0
    )
    assert "warning: the loss blew up" in capsys.readouterr().err
    record = json.loads((root / "smoke" / RUN[0] / "seed0-epochs2" / "result.json").read_text())
    assert record["warnings"] == ["the loss blew up"]
    assert run_experiment(*RUN, runs_dir=root, epochs=2).warnings == ["the loss blew up"]


def test_after_divergence_the_model_holds_the_last_good_weights(small_splits):
    from test_training import ExplodesAt

    torch.manual_seed(0)
    model = ExplodesAt(at_call=10 + 3)  # 10 batches an epoch: NaN in epoch 2
    reference = ExplodesAt(at_call=10**9)
    reference.load_state_dict(model.state_dict())
    with pytest.raises(TrainingDiverged):
        fit(
            model,
            small_splits.train,
            small_splits.val,
            TrainConfig("reconstruction", 5, 100, 1e-3),
            device="cpu",
        )
    fit(
        reference,
        small_splits.train,
        small_splits.val,
        TrainConfig("reconstruction", 1, 100, 1e-3),
        device="cpu",
    )
    pairs = zip(model.state_dict().values(), reference.state_dict().values(), strict=True)
    assert all(torch.equal(a, b) for a, b in pairs)


def test_an_interrupt_says_what_is_safe(small_splits, tmp_path, monkeypatch):
    from fmnist_lib import training

    real = training.train_one_epoch
    calls = []

    def interrupt_in_epoch_2(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(training, "train_one_epoch", interrupt_in_epoch_2)
    with pytest.raises(
        TrainingInterrupted,
        match=r"interrupted at epoch 2, .*; the checkpoint of "
        "epoch 1 is intact — run the same command",
    ):
        fit(
            torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10)),
            small_splits.train,
            small_splits.val,
            TrainConfig("classification", 3, 100, 1e-3),
            checkpoint=tmp_path / "c.pt",
            device="cpu",
        )


def test_a_resume_with_another_thread_count_warns(small_splits, tmp_path):
    def model():
        torch.manual_seed(0)
        return torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10))

    def train():
        config = TrainConfig("classification", 2, 100, 1e-3)
        fit(model(), small_splits.train, small_splits.val, config, checkpoint=tmp_path / "c.pt",
            device="cpu")  # fmt: skip

    threads = torch.get_num_threads()
    train()
    torch.set_num_threads(threads + 1)
    try:
        with pytest.warns(UserWarning, match="torch threads"):
            train()  # the same run again: it resumes from the finished checkpoint
    finally:
        torch.set_num_threads(threads)


def test_a_publish_killed_between_its_renames_is_recovered(tmp_path):
    target = tmp_path / "results"
    retired = tmp_path / ".results.dead0001.old"  # the old set, moved aside; the new never came
    retired.mkdir()
    (retired / "a.txt").write_bytes(b"1")
    (tmp_path / ".results.dead0002.new").mkdir()
    storage.replace_directory(target, {"a.txt": b"2"})
    assert [p.name for p in tmp_path.iterdir()] == ["results"]
    assert (target / "a.txt").read_bytes() == b"2"
