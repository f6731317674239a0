"""Training's precision (issue 29, item 4): ``fp32`` by default, ``bf16`` (the forward passes
under bfloat16 autocast) when asked. A bf16 run is another run: its own folder, its own
fingerprint, its precision in its record; runs recorded before the setting are fp32's and keep
their folders and fingerprints (``test_reference_runs`` reloads the published ones)."""

import json

import pytest
import torch

from fmnist_lib import training
from fmnist_lib.data import ImageSet
from fmnist_lib.errors import SettingsError
from fmnist_lib.experiments import running as experiments
from fmnist_lib.experiments.records import check_record
from fmnist_lib.experiments.running import run_experiment
from fmnist_lib.experiments.together import fit_together
from fmnist_lib.models import ConsignaClassifier
from fmnist_lib.reproduction import pipeline, search
from fmnist_lib.reproduction.cli import main
from fmnist_lib.training import TrainConfig, fit, run_fingerprint

NAME = "ae-feedforward-512"  # the quickest paper model at the smoke budget


def _no_work(*args, **kwargs):
    raise AssertionError("work started")


def test_a_bf16_run_records_it_and_lives_apart_from_fp32(tmp_path, small_splits, monkeypatch):
    fp32 = run_experiment(NAME, "smoke", runs_dir=tmp_path, epochs=1, splits=small_splits)
    bf16 = run_experiment(NAME, "smoke", runs_dir=tmp_path, epochs=1, splits=small_splits,
                          precision="bf16")  # fmt: skip
    assert (fp32.precision, bf16.precision) == ("fp32", "bf16")
    assert (fp32.run_dir.name, bf16.run_dir.name) == ("seed0-epochs1", "seed0-epochs1-bf16")
    records = [json.loads((r.run_dir / "result.json").read_text()) for r in (fp32, bf16)]
    assert [r["precision"] for r in records] == ["fp32", "bf16"]
    assert records[0]["fingerprint"] != records[1]["fingerprint"]
    assert records[0]["test"] != records[1]["test"]  # bfloat16's rounding moved the weights
    monkeypatch.setattr(experiments, "fit", _no_work)  # both are reloaded, as what they are
    monkeypatch.setenv("FMNIST_PRECISION", "bf16")
    again = run_experiment(NAME, "smoke", runs_dir=tmp_path, epochs=1, splits=small_splits)
    assert (again.precision, again.run_dir, again.test) == ("bf16", bf16.run_dir, bf16.test)
    monkeypatch.delenv("FMNIST_PRECISION")
    assert run_experiment(NAME, "smoke", runs_dir=tmp_path, epochs=1,
                          splits=small_splits).test == fp32.test  # fmt: skip


def test_a_record_from_before_the_setting_reloads_as_fp32(tmp_path, small_splits, monkeypatch):
    first = run_experiment(NAME, "smoke", runs_dir=tmp_path, epochs=1, splits=small_splits)
    path = first.run_dir / "result.json"
    record = json.loads(path.read_text())
    del record["precision"]  # as every record written before it (the published runs')
    path.write_text(json.dumps(record))
    monkeypatch.setattr(experiments, "fit", _no_work)
    again = run_experiment(NAME, "smoke", runs_dir=tmp_path, epochs=1, splits=small_splits)
    assert again.precision == "fp32" and again.test == first.test
    assert again.summary()["precision"] == "fp32"


def test_report_reads_the_fp32_runs_whatever_the_environment(tmp_path, monkeypatch):
    run = run_experiment(NAME, "smoke", runs_dir=tmp_path / "runs")
    monkeypatch.setenv("FMNIST_PRECISION", "bf16")
    monkeypatch.setattr(experiments, "fit", _no_work)  # the report trains nothing
    metrics = pipeline.report_finished("smoke", tmp_path / "runs", tmp_path / "results")
    assert metrics["experiments"][NAME]["runs"][0]["test"] == run.test


def test_fp32_leaves_the_fingerprint_as_it_was_and_bf16_changes_it():
    model = ConsignaClassifier()
    config = TrainConfig(task="classification", epochs=1, batch_size=32, lr=1e-3)
    assert config.precision == "fp32" and "precision" not in config.weight_settings()
    bf16 = TrainConfig(task="classification", epochs=1, batch_size=32, lr=1e-3,
                       precision="bf16")  # fmt: skip
    assert run_fingerprint(model, bf16) != run_fingerprint(model, config)


def test_a_record_with_an_unknown_precision_is_damaged(tmp_path, small_splits):
    run = run_experiment(NAME, "smoke", runs_dir=tmp_path, epochs=1, splits=small_splits)
    record = json.loads((run.run_dir / "result.json").read_text()) | {"precision": "fp16"}
    with pytest.raises(Exception, match="precision"):
        check_record(record, run.run_dir / "result.json", "reconstruction")


def _forward_dtypes(precision: str, small_splits) -> set[torch.dtype]:
    """The dtypes of the output layer's outputs during ``fit``'s training steps (a hook)."""
    model = ConsignaClassifier()
    seen: set[torch.dtype] = set()
    model.output.register_forward_hook(lambda module, inputs, out: seen.add(out.dtype))
    train = ImageSet(small_splits.train.images[:64], small_splits.train.labels[:64])
    config = TrainConfig(task="classification", epochs=1, batch_size=32, lr=1e-3,
                         precision=precision)  # fmt: skip
    fit(model, train, train, config, device="cpu", progress=False)
    return seen


def test_bf16_runs_the_training_forward_in_bfloat16_and_validates_in_fp32(small_splits):
    assert _forward_dtypes("bf16", small_splits) == {torch.bfloat16, torch.float32}
    assert _forward_dtypes("fp32", small_splits) == {torch.float32}


def test_the_hooked_forward_passes_are_training_steps_then_validation(small_splits, monkeypatch):
    """What the test above counts on: validation sees float32, the steps bfloat16 alone."""
    monkeypatch.setattr(training, "evaluate", lambda *a, **k: {"loss": 1.0})
    assert _forward_dtypes("bf16", small_splits) == {torch.bfloat16}


def test_a_bad_precision_is_refused_before_any_work():
    with pytest.raises(SettingsError, match=r"precision must be one of \['fp32', 'bf16'\]"):
        TrainConfig(task="classification", epochs=1, batch_size=32, lr=1e-3, precision="fp16")
    with pytest.raises(SettingsError, match="no precision 'fp16'"):
        run_experiment(NAME, "smoke", precision="fp16")


def test_the_cli_trains_in_bf16(tmp_path, capsys):
    argv = ["train", NAME, "--budget", "smoke", "--epochs", "1", "--runs-dir", str(tmp_path),
            "--precision", "bf16"]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "(smoke, bf16)" in out and "seed0-epochs1-bf16" in out
    record = json.loads((tmp_path / "smoke" / NAME / "seed0-epochs1-bf16" / "result.json")
                        .read_text())  # fmt: skip
    assert record["precision"] == "bf16"


def test_a_bf16_search_is_its_own_study(tmp_path, monkeypatch):
    jobs = []
    monkeypatch.setattr(search, "_start_workers", lambda job, n: jobs.append(job))
    search.search(NAME, 1, "smoke", runs_dir=tmp_path, precision="bf16")
    search.search(NAME, 1, "smoke", runs_dir=tmp_path)
    assert [(j.study_name, j.precision) for j in jobs] == [
        (f"{NAME}-smoke-bf16", "bf16"),
        (f"{NAME}-smoke", "fp32"),
    ]


def test_runs_are_trained_together_in_fp32_only():
    config = TrainConfig(task="classification", epochs=1, batch_size=32, lr=1e-3,
                         precision="bf16")  # fmt: skip
    images, labels = torch.zeros(4, 1, 28, 28, dtype=torch.uint8), torch.zeros(4, dtype=torch.long)
    with pytest.raises(SettingsError, match="fp32 only"):
        fit_together([ConsignaClassifier()], ImageSet(images, labels), ImageSet(images, labels),
                     [config])  # fmt: skip


def test_reproduce_in_bf16_writes_its_results_beside_fp32s(tmp_path):
    metrics = pipeline.reproduce("smoke", ae_seeds=1, runs_dir=tmp_path / "runs",
                                 results_dir=tmp_path / "results", names=[NAME], progress=False,
                                 precision="bf16")  # fmt: skip
    assert [r["precision"] for r in metrics["experiments"][NAME]["runs"]] == ["bf16"]
    assert (tmp_path / "results" / "smoke-bf16" / "REPORT.md").exists()
    assert not (tmp_path / "results" / "smoke").exists()
    assert (tmp_path / "runs" / "smoke" / NAME / "seed0-bf16" / "result.json").exists()
