"""Every name that becomes a path is checked by one rule (``fmnist_lib.names``) before any work:
experiments, studies, runs, override values, and the folders the user names. A study named
``../../../victim`` once replaced the folder ``victim`` three levels above the results folder
with the search's output."""

import pytest

from fmnist_lib import names
from fmnist_lib.errors import SettingsError
from fmnist_lib.experiments import running as experiments
from fmnist_lib.experiments import runs
from fmnist_lib.reproduction import cli, search
from fmnist_lib.reproduction.cli import main

NAME = "ae-feedforward-512"
#: What a name must never be: it leaves its folder, splits in two, or is more than a name.
BAD_NAMES = {
    "dot-dot": "../../../victim",
    "absolute": "/tmp/victim",
    "separator": "a/b",
    "backslash": "a\\b",
    "nul": "a\0b",
    "300 characters": "a" * 300,
    "only dots": "..",
    "empty": "",
}
#: What a folder the user names must never be (it may be absolute, or hold ..).
BAD_FOLDERS = {"nul": "runs\0x", "300 characters": "x/" + "a" * 300, "empty": ""}


def _no_work(*args, **kwargs):
    raise AssertionError("work started")


@pytest.fixture
def no_work(monkeypatch):
    """Whatever the command would start (data, training, a search, a report) fails the test."""
    for module, name in [(experiments, "splits_for"), (search, "search"), (cli, "reproduce"),
                         (cli, "report_finished"), (cli, "run_experiment")]:  # fmt: skip
        monkeypatch.setattr(module, name, _no_work)


def _refused(argv, capsys) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


@pytest.mark.parametrize("bad", BAD_NAMES.values(), ids=BAD_NAMES)
def test_the_rule_refuses_what_is_not_a_name(bad):
    with pytest.raises(SettingsError, match="folder name") as info:
        names.check_name(bad, "the study name")
    assert "\n" not in str(info.value) and len(str(info.value)) < 250


@pytest.mark.parametrize("bad", BAD_NAMES.values(), ids=BAD_NAMES)
@pytest.mark.parametrize(
    "argv",
    [
        ["search", NAME, "--budget", "smoke", "--trials", "1", "--study"],
        ["reproduce", "--budget", "smoke", "--only"],
        ["train"],
    ],
    ids=["search --study", "reproduce --only", "train NAME"],
)
def test_every_name_option_refuses_a_bad_name_before_any_work(argv, bad, no_work, capsys):
    _refused([*argv, bad], capsys)


@pytest.mark.parametrize("bad", BAD_FOLDERS.values(), ids=BAD_FOLDERS)
@pytest.mark.parametrize(
    "argv",
    [
        ["search", NAME, "--budget", "smoke", "--trials", "1", "--runs-dir"],
        ["search", NAME, "--budget", "smoke", "--trials", "1", "--results-dir"],
        ["train", NAME, "--budget", "smoke", "--runs-dir"],
        ["reproduce", "--budget", "smoke", "--runs-dir"],
        ["reproduce", "--budget", "smoke", "--results-dir"],
        ["report", "--budget", "smoke", "--runs-dir"],
        ["report", "--budget", "smoke", "--results-dir"],
    ],
    ids=lambda argv: f"{argv[0]} {argv[-1]}",
)
def test_every_folder_option_refuses_what_no_system_holds(argv, bad, no_work, capsys):
    _refused([*argv, bad], capsys)


def test_a_folder_may_be_anywhere(tmp_path):
    """Absolute, or with ``..``: the user's folder is the user's choice."""
    assert names.check_folder(str(tmp_path / "a" / ".." / "b"), "--runs-dir").name == "b"


def test_a_study_cannot_leave_its_folders_through_the_library(tmp_path, monkeypatch):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("kept")
    monkeypatch.setattr(search, "_start_workers", _no_work)
    monkeypatch.setattr(search, "open_study", _no_work)
    for bad in BAD_NAMES.values():
        with pytest.raises(SettingsError):
            search.search(NAME, 1, "smoke", study_name=bad, runs_dir=tmp_path / "a" / "runs")
    assert (victim / "precious.txt").read_text() == "kept"
    assert list(tmp_path.iterdir()) == [victim]  # not even the runs folder was made


@pytest.mark.parametrize("bad", BAD_NAMES.values(), ids=BAD_NAMES)
def test_override_values_and_experiments_cannot_leave_the_runs_folder(bad, tmp_path):
    with pytest.raises(SettingsError, match="folder name"):
        runs.run_dir_for(bad, "smoke", 0, None, tmp_path)
    if bad.strip("."):  # "seed0-lr.." and "seed0-lr" are harmless names: the type checks refuse
        with pytest.raises(SettingsError, match="folder name"):
            runs.run_dir_for(NAME, "smoke", 0, None, tmp_path, {"lr": bad})


def test_a_path_built_from_names_stays_inside(tmp_path):
    assert names.path_inside(tmp_path, "a", "b.c", what="x") == tmp_path / "a" / "b.c"
    with pytest.raises(SettingsError):
        names.path_inside(tmp_path, "a", "..", what="x")
