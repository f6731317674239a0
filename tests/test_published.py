"""Published reference runs, downloaded where the repository is absent (Colab): from a local HTTP
server laid out like the repository, so these tests run offline."""

import functools
import hashlib
import http.server
import json
import shutil
import socket
import subprocess
import sys
import threading
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from fmnist_lib.errors import DownloadCorrupt, DownloadFailed, SettingsError
from fmnist_lib.experiments import published, runs
from fmnist_lib.experiments import running as experiments
from fmnist_lib.experiments.published import RECORD, WEIGHTS, build_manifest, read_manifest
from fmnist_lib.experiments.release import RELEASE
from fmnist_lib.experiments.running import run_experiment
from fmnist_lib.experiments.runs import default_runs_dir, reference_runs_dir
from fmnist_lib.reproduction.cli import main

ROOT = Path(__file__).resolve().parent.parent
NAME, SEED = "clf-consigna-10", 0  # a real published run, small (about 60 KB)
RUN = f"results/reference-runs/full/{NAME}/seed{SEED}"


class _Recording(http.server.SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        super().do_GET()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def served(tmp_path, monkeypatch):
    """The repository's files at the release, served on 127.0.0.1; a library without checkout
    (no results/reference-runs) whose cache is empty. Yields ``site`` (the served folder),
    ``requests`` (the paths the server was asked for) and ``cache``."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / RUN, site / RUN)
    manifest = tmp_path / "reference_runs.json"
    published.write_manifest(site / "results" / "reference-runs", manifest)
    monkeypatch.setattr(published, "MANIFEST", manifest)
    monkeypatch.setattr(runs, "project_root", lambda: tmp_path / "colab")
    handler = functools.partial(_Recording, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    monkeypatch.setenv("FMNIST_REFERENCE_URL", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("FMNIST_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("FMNIST_RUNS", raising=False)
    yield SimpleNamespace(site=site, requests=server.requests, cache=tmp_path / "cache")
    server.shutdown()
    server.server_close()


@pytest.fixture
def no_training(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("about to train")

    monkeypatch.setattr(experiments, "fit", refuse)


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_published_run_is_downloaded_verified_and_reloaded(served, full_splits, no_training):
    result = run_experiment(NAME, "full", SEED, splits=full_splits)
    run_dir = served.cache / RELEASE / "reference-runs" / "full" / NAME / f"seed{SEED}"
    assert result.run_dir == run_dir
    assert files_in(served.cache) == [run_dir / WEIGHTS, run_dir / RECORD]  # no temporary left
    for file in (WEIGHTS, RECORD):
        assert (run_dir / file).read_bytes() == (served.site / RUN / file).read_bytes()
    assert result.test == json.loads((served.site / RUN / RECORD).read_text())["test"]
    assert served.requests == [f"/{RUN}/{WEIGHTS}", f"/{RUN}/{RECORD}"]


def test_the_second_time_the_cache_is_used(served, full_splits, no_training):
    first = run_experiment(NAME, "full", SEED, splits=full_splits)
    served.requests.clear()
    again = run_experiment(NAME, "full", SEED, splits=full_splits)
    assert served.requests == []
    assert again.test == first.test and again.run_dir == first.run_dir


@pytest.mark.parametrize("file", [WEIGHTS, RECORD])
def test_a_corrupted_file_is_refused_and_nothing_is_kept(served, full_splits, no_training, file):
    path = served.site / RUN / file
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0xFF
    path.write_bytes(bytes(content))
    with pytest.raises(DownloadCorrupt, match=r"SHA-256 differs.*run again") as caught:
        run_experiment(NAME, "full", SEED, splits=full_splits)
    assert "\n" not in str(caught.value)
    assert files_in(served.cache) == []


def test_a_file_missing_on_the_server_is_a_one_line_error(served, full_splits, no_training):
    (served.site / RUN / RECORD).unlink()
    expected = rf"HTTP 404.*{RELEASE}.*FMNIST_BUDGET=smoke"
    with pytest.raises(DownloadFailed, match=expected) as caught:
        run_experiment(NAME, "full", SEED, splits=full_splits)
    assert "\n" not in str(caught.value)
    assert files_in(served.cache) == []


def test_offline_is_a_one_line_error(served, full_splits, no_training, monkeypatch):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("FMNIST_REFERENCE_URL", f"http://127.0.0.1:{port}")
    with pytest.raises(DownloadFailed, match="connect to the internet") as caught:
        run_experiment(NAME, "full", SEED, splits=full_splits)
    assert "\n" not in str(caught.value)
    assert files_in(served.cache) == []


@pytest.mark.parametrize(
    "how", [{"seed": 7}, {"seed": SEED, "epochs": 1}, {"seed": SEED, "overrides": {"lr": 0.01}}]
)
def test_runs_the_release_does_not_publish_are_trained(served, full_splits, no_training, how):
    with pytest.raises(AssertionError, match="about to train"):
        run_experiment(NAME, "full", splits=full_splits, **how)
    assert served.requests == []


def test_a_checkout_with_the_reference_runs_downloads_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("FMNIST_RUNS", raising=False)
    monkeypatch.setenv("FMNIST_CACHE", str(tmp_path / "cache"))
    assert runs.published_runs_here() and default_runs_dir("full") == reference_runs_dir()
    monkeypatch.setattr(runs, "project_root", lambda: tmp_path / "colab")
    assert default_runs_dir("full") == tmp_path / "cache" / RELEASE / "reference-runs"
    assert default_runs_dir("smoke") == tmp_path / "colab" / "runs"
    monkeypatch.setenv("FMNIST_RUNS", str(tmp_path / "mine"))
    assert default_runs_dir("full") == tmp_path / "mine"


def test_a_failed_write_leaves_no_half_run(tmp_path, monkeypatch):
    real = published.atomic_write

    def fail_on_the_record(path, data):
        if Path(path).name == RECORD:
            raise OSError("disk unplugged")
        real(path, data)

    monkeypatch.setattr(published, "atomic_write", fail_on_the_record)
    with pytest.raises(OSError, match="unplugged"):
        published.write_run_files(tmp_path, {WEIGHTS: b"weights", RECORD: b"{}"})
    assert files_in(tmp_path) == []


def _finished(folder: Path, files=(WEIGHTS, RECORD)) -> None:
    folder.mkdir(parents=True)
    for file in files:
        (folder / file).write_bytes(file.encode())


def test_the_manifest_lists_only_finished_default_runs(tmp_path):
    _finished(tmp_path / "full" / "a" / "seed0")
    _finished(tmp_path / "full" / "a" / "seed1", files=(WEIGHTS, "checkpoint.pt"))  # training
    _finished(tmp_path / "full" / "a" / "seed2", files=(RECORD,))  # weights lost
    _finished(tmp_path / "full" / "a" / "seed0-lr0.1")  # an override: not a published run
    _finished(tmp_path / "quick" / "a" / "seed0")
    manifest = build_manifest(tmp_path)
    assert manifest["release"] == RELEASE
    assert manifest["runs"] == {
        "full/a/seed0": {
            f: {"bytes": len(f), "sha256": hashlib.sha256(f.encode()).hexdigest()}
            for f in (WEIGHTS, RECORD)
        }
    }


def test_the_manifest_command_writes_it_or_says_why_not(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(published, "MANIFEST", tmp_path / "manifest.json")
    monkeypatch.setattr("fmnist_lib.reproduction.cli.reference_runs_dir", lambda: tmp_path / "none")
    assert main(["manifest"]) == 1
    assert "no finished run" in capsys.readouterr().err
    assert not (tmp_path / "manifest.json").exists()
    _finished(tmp_path / "refs" / "full" / "a" / "seed0")
    monkeypatch.setattr("fmnist_lib.reproduction.cli.reference_runs_dir", lambda: tmp_path / "refs")
    assert main(["manifest"]) == 0
    assert list(read_manifest(tmp_path / "manifest.json")["runs"]) == ["full/a/seed0"]


@pytest.mark.artifacts
def test_the_committed_manifest_lists_the_committed_reference_runs():
    shipped, now = read_manifest(), build_manifest(reference_runs_dir())
    changed = sorted(k for k in shipped["runs"].keys() & now["runs"].keys()
                     if shipped["runs"][k] != now["runs"][k])  # fmt: skip
    assert shipped == now, (
        "fmnist_lib/experiments/reference_runs.json is stale (new: "
        f"{sorted(now['runs'].keys() - shipped['runs'].keys())}, gone: "
        f"{sorted(shipped['runs'].keys() - now['runs'].keys())}, changed: {changed}, release "
        f"{shipped['release']} -> {now['release']}): run `python -m fmnist_lib manifest` and "
        "commit it with the runs"
    )


def test_the_manifest_ships_with_the_package():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    data = setuptools.get("package-data", {}).get("fmnist_lib.experiments", [])
    assert "reference_runs.json" in data, (
        "add reference_runs.json to [tool.setuptools.package-data] fmnist_lib.experiments in "
        "pyproject.toml, "
        "else a pip-installed library (Colab) cannot download the published runs"
    )


def test_the_address_must_be_http(monkeypatch):
    monkeypatch.setenv("FMNIST_REFERENCE_URL", "ftp://example.org/x")
    with pytest.raises(SettingsError, match="FMNIST_REFERENCE_URL"):
        published.files_url()
    monkeypatch.setenv("FMNIST_REFERENCE_URL", "http://127.0.0.1:8000/")
    assert published.file_url("a", 2, WEIGHTS) == (
        "http://127.0.0.1:8000/results/reference-runs/full/a/seed2/model.pt"
    )


@pytest.mark.slow  # a fresh interpreter imports torch
def test_nothing_is_downloaded_at_import():
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise AssertionError('network used at import')\n"
        "socket.socket.connect = socket.create_connection = refuse\n"
        "import fmnist_lib.reproduction.cli, fmnist_lib.experiments.running\n"
        "import fmnist_lib.experiments.published\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
