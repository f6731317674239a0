"""One-line errors where the README promises one: exit 1 (or 2, for arguments), ``error: ...``
saying what to do, the traceback only with ``--debug``. Each case below once gave a traceback,
a wrong exit code, several lines or advice that did not fit."""

import errno
import os
import subprocess

import pytest

from fmnist_lib import storage
from fmnist_lib.errors import NoSpace, SettingsError
from fmnist_lib.experiments import running as experiments
from fmnist_lib.reproduction import pipeline, search
from fmnist_lib.reproduction.cli import main

NAME = "ae-feedforward-512"


def _no_work(*args, **kwargs):
    raise AssertionError("work started")


def _one_line(code: int, err: str, expected_code: int = 1) -> None:
    assert code == expected_code, err
    assert err.count("\n") == 1 and "Traceback" not in err, err


def _exit_code(argv) -> int:
    try:
        return main(argv)
    except SystemExit as exit_:
        return int(exit_.code)


@pytest.fixture
def read_only(tmp_path):
    """A folder nobody may write into: a real one (a read-only tmpfs as root, who may write
    into any folder whatever its permissions; else a folder without write permission)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", str(folder)],
                             capture_output=True, check=False)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip("as root, a read-only folder needs a read-only mount, and mount failed")
    yield folder
    subprocess.run(["umount", str(folder)], check=False)


@pytest.fixture
def no_work(monkeypatch):
    monkeypatch.setattr(search, "_start_workers", _no_work)
    monkeypatch.setattr(pipeline, "splits_for", _no_work)
    monkeypatch.setattr(experiments, "splits_for", _no_work)


# --------------------------------------------------------------------------- folders
def test_search_with_a_file_as_runs_folder(tmp_path, no_work, capsys):
    (tmp_path / "file").write_text("x")
    argv = ["search", NAME, "--budget", "smoke", "--trials", "1"]
    code = main([*argv, "--runs-dir", str(tmp_path / "file")])
    err = capsys.readouterr().err
    _one_line(code, err)
    assert "a file stands in its way; choose another runs folder" in err


def test_search_with_a_read_only_runs_folder(read_only, no_work, capsys):
    argv = ["search", NAME, "--budget", "smoke", "--trials", "1"]
    code = main([*argv, "--runs-dir", str(read_only / "runs")])
    err = capsys.readouterr().err
    _one_line(code, err)
    assert "choose another runs folder" in err


@pytest.mark.parametrize("command", ["report", "reproduce"])
def test_a_file_as_results_folder_is_refused_before_any_work(command, tmp_path, no_work, capsys):
    (tmp_path / "file").write_text("x")
    code = main([command, "--budget", "smoke", "--results-dir", str(tmp_path / "file")])
    err = capsys.readouterr().err
    _one_line(code, err)
    assert "a file stands in its way; choose another results folder (--results-dir)" in err


def test_a_read_only_results_folder_is_refused_before_any_work(read_only, no_work, capsys):
    code = main(["report", "--budget", "smoke", "--results-dir", str(read_only)])
    err = capsys.readouterr().err
    _one_line(code, err)
    assert "cannot write in the folder" in err and "choose another results folder" in err


def test_a_lock_that_is_a_directory(tmp_path, no_work, capsys):
    (tmp_path / "smoke" / NAME / "seed0-epochs1" / ".lock").mkdir(parents=True)
    argv = ["train", NAME, "--budget", "smoke", "--epochs", "1", "--runs-dir", str(tmp_path)]
    code = main(argv)
    err = capsys.readouterr().err
    _one_line(code, err)
    assert ".lock" in err and "check that path" in err
    assert main(["--debug", *argv]) == 1 and "Traceback" in capsys.readouterr().err


def test_the_folder_check_names_read_only_and_full(tmp_path, monkeypatch):
    for code, says in [(errno.EROFS, "read-only file system"), (errno.EACCES, "read-only"),
                       (errno.ENOSPC, "no space left")]:  # fmt: skip

        def refuse(path, *args, code=code, **kwargs):
            raise OSError(code, os.strerror(code), str(path))

        monkeypatch.setattr(storage, "open", refuse, raising=False)
        with pytest.raises((SettingsError, NoSpace), match=says) as info:
            storage.check_writable_folder(tmp_path, "choose another")
        assert str(info.value).endswith("choose another")


# --------------------------------------------------------------------------- data
def test_data_errors_are_one_line_and_debug_shows_them_all(tmp_path, capsys):
    assert main(["data", "--root", str(tmp_path), "--offline"]) == 1
    err = capsys.readouterr().err
    _one_line(1, err)
    assert err.startswith(f"error: Fashion-MNIST in {tmp_path}") and "How to fix" in err
    assert "with --debug" in err
    assert main(["--debug", "data", "--root", str(tmp_path), "--offline"]) == 1
    assert capsys.readouterr().err.count("train-images-idx3-ubyte: missing") == 1


# --------------------------------------------------------------------------- the storage
@pytest.mark.parametrize(
    "storage_url, says, never",
    [
        ("notaurl", "not a storage address Optuna can open", "PostgreSQL"),
        ("nosuchdb://host/db", "not a storage address Optuna can open", "PostgreSQL"),
        ("sqlite:////nonexistent/folder/x.db", "its folder exists and is writable", "PostgreSQL"),
        ("postgresql://nobody@127.0.0.1:1/db", "start PostgreSQL there", "sqlite"),
    ],
)
def test_the_advice_for_a_bad_storage_fits_the_address(storage_url, says, never, tmp_path,
                                                        no_work, capsys):  # fmt: skip
    argv = ["search", NAME, "--budget", "smoke", "--trials", "1", "--runs-dir", str(tmp_path)]
    code = main([*argv, "--storage", storage_url])
    err = capsys.readouterr().err
    _one_line(code, err)
    assert says in err and never not in err


def test_the_password_is_never_shown():
    error = search._unreachable("postgresql://me:secret@host/db", RuntimeError("password failed"))
    assert isinstance(error, SettingsError) and "secret" not in str(error)
    assert "check the user and password" in str(error)


# --------------------------------------------------------------------------- bounds and names
@pytest.mark.parametrize(
    "argv, says",
    [
        (["train", NAME, "--epochs", "1" + "0" * 30], "--epochs: must be from 1 to"),
        (["train", NAME, "--epochs", "1e30"], "--epochs: '1e30' is not a whole number"),
        (["search", NAME, "--trials", "100000000"], "--trials: must be from 1 to"),
        (["search", NAME, "--trials", "1", "--jobs", "100000"], "--jobs: must be from 1 to"),
        (["reproduce", "--jobs", "100000"], "--jobs: must be from 1 to"),
        (["reproduce", "--seeds", "100000"], "--seeds: must be from 1 to"),
        (["reproduce", "--only", "nosuch"], "'nosuch' is not an experiment"),
        (["search", NAME, "--trials", "1", "--study", "s" * 300], "too long"),
    ],
)
def test_arguments_out_of_bounds_exit_2_in_one_line(argv, says, no_work, capsys):
    code = _exit_code(argv)
    err = capsys.readouterr().err
    _one_line(code, err, expected_code=2)
    assert says in err
