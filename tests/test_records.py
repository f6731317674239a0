"""Records are checked, not trusted: a run's ``result.json``, ``metrics.json`` and the published
manifest are read through one schema each (``fmnist_lib.experiments.records``); what fails is
named as damaged, with what to delete."""

import json
from pathlib import Path

import pytest

from fmnist_lib.errors import DownloadFailed, RunDamaged
from fmnist_lib.experiments import published, records, runs
from fmnist_lib.experiments.running import run_experiment
from fmnist_lib.reproduction.cli import main
from fmnist_lib.reproduction.pipeline import report_finished

ROOT = Path(__file__).resolve().parent.parent
RUN = ("ae-feedforward-512", "smoke")  # the fastest experiment
#: Ways a finished run's record was found broken: each once gave a traceback or a silent pass.
DAMAGE = {
    "empty history": {"history": []},
    "empty test": {"test": {}},
    "history not a list": {"history": "garbage"},
    "no weights checksum": {"model_sha256": None},
    "epoch out of order": {"history": [{"epoch": 2, "train_loss": 0.1, "val_loss": 0.1}]},
    "negative loss": {"test": {"mse": -1.0}},
}


def _damage(run_dir: Path, change: dict) -> None:
    record = json.loads((run_dir / "result.json").read_text())
    for key, value in change.items():
        if value is None:
            del record[key]
        else:
            record[key] = value
    (run_dir / "result.json").write_text(json.dumps(record))


@pytest.fixture
def finished(tmp_path, small_splits):
    result = run_experiment(*RUN, runs_dir=tmp_path, epochs=1, splits=small_splits)
    return result, small_splits


@pytest.mark.parametrize("change", DAMAGE.values(), ids=DAMAGE)
def test_a_damaged_record_is_named_with_what_to_delete(change, finished):
    result, splits = finished
    _damage(result.run_dir, change)
    with pytest.raises(RunDamaged) as info:
        run_experiment(*RUN, runs_dir=result.run_dir.parents[2], epochs=1, splits=splits)
    message = str(info.value)
    assert f"{result.run_dir / 'result.json'} is damaged (" in message
    assert f"delete the folder {result.run_dir}" in message and "\n" not in message


@pytest.mark.parametrize("change", DAMAGE.values(), ids=DAMAGE)
def test_train_says_so_in_one_line(change, finished, capsys):
    result, _ = finished
    _damage(result.run_dir, change)
    argv = ["train", RUN[0], "--budget", "smoke", "--epochs", "1"]
    code = main([*argv, "--runs-dir", str(result.run_dir.parents[2])])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: ") and "is damaged" in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.slow
def test_report_lists_a_damaged_record_and_writes_from_the_rest(tmp_path):
    runs_dir = tmp_path / "runs"
    run_experiment(*RUN, seed=0, runs_dir=runs_dir)
    broken = run_experiment(*RUN, seed=1, runs_dir=runs_dir)
    _damage(broken.run_dir, {"history": []})
    metrics = report_finished("smoke", runs_dir=runs_dir, results_dir=tmp_path / "results")
    assert [r["seed"] for r in metrics["experiments"][RUN[0]]["runs"]] == [0]
    assert "history: [] " in metrics["damaged"][RUN[0]]["1"]
    report = (tmp_path / "results" / "smoke" / "REPORT.md").read_text()
    assert f"`{RUN[0]}` seed 1" in report
    records.read_metrics(tmp_path / "results" / "smoke" / "metrics.json")  # as written: valid


def test_a_damaged_metrics_json_is_named(tmp_path):
    path = tmp_path / "smoke" / "metrics.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"budget": "smoke", "experiments": {}}))
    with pytest.raises(RunDamaged, match=r"metrics\.json is damaged .*report --budget smoke"):
        records.read_metrics(path)
    path.write_text("{not json")
    with pytest.raises(RunDamaged, match="cannot be read"):
        records.read_metrics(path)


@pytest.mark.artifacts
def test_the_committed_records_and_metrics_pass_their_schemas():
    found = sorted((ROOT / "results" / "reference-runs").rglob("result.json"))
    assert found
    for path in found:
        assert records.run_problem(json.loads(path.read_text())) is None, path
    metrics = records.read_metrics(ROOT / "results" / "full" / "metrics.json")
    assert metrics["budget"] == "full"
    assert published.read_manifest()["runs"]


# --------------------------------------------------------------------------- the manifest
def _manifest_with(tmp_path, monkeypatch, change) -> Path:
    manifest = json.loads(published.MANIFEST.read_text())
    key = "full/clf-consigna-10/seed0"
    change(manifest["runs"][key])
    path = tmp_path / "reference_runs.json"
    path.write_text(json.dumps(manifest))
    monkeypatch.setattr(published, "MANIFEST", path)
    return path


MANIFEST_DAMAGE = {
    "bytes not a number": lambda entry: entry["model.pt"].update(bytes="abc"),
    "no sha256": lambda entry: entry["result.json"].pop("sha256"),
    "no weights": lambda entry: entry.pop("model.pt"),
}


@pytest.mark.parametrize("change", MANIFEST_DAMAGE.values(), ids=MANIFEST_DAMAGE)
def test_a_malformed_manifest_entry_says_reinstall(change, tmp_path, monkeypatch):
    path = _manifest_with(tmp_path, monkeypatch, change)
    with pytest.raises(DownloadFailed, match="reinstall the library") as info:
        published.published_run("clf-consigna-10", 0)
    assert str(path) in str(info.value) and "is damaged (runs/full/clf-consigna-10/seed0" in str(
        info.value
    )


@pytest.mark.parametrize("change", MANIFEST_DAMAGE.values(), ids=MANIFEST_DAMAGE)
def test_a_malformed_manifest_is_one_line_on_colab(change, tmp_path, monkeypatch, capsys):
    """Without a checkout (Colab), a full-budget run is looked up in the manifest."""
    _manifest_with(tmp_path, monkeypatch, change)
    monkeypatch.setattr(runs, "project_root", lambda: tmp_path / "colab")
    monkeypatch.setenv("FMNIST_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("FMNIST_RUNS", raising=False)
    code = main(["train", "clf-consigna-10", "--budget", "full"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: the list of published runs")
    assert err.count("\n") == 1 and "Traceback" not in err
