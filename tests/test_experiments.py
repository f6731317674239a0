import json

import pytest
import torch

from fmnist_lib import paper
from fmnist_lib.checks import RULES
from fmnist_lib.errors import SettingsError
from fmnist_lib.experiments.registry import EXPERIMENTS, OVERRIDABLE, dependencies
from fmnist_lib.experiments.running import run_experiment, sweep, sweep_cell
from fmnist_lib.models import ConsignaClassifier
from fmnist_lib.reproduction.pipeline import reproduce
from fmnist_lib.settings import BUDGETS, budget_from_env
from fmnist_lib.training import TrainConfig


def test_registry_structure():
    assert EXPERIMENTS["ae-raschka-128"].patience is not None  # chosen by early stopping
    assert EXPERIMENTS["clf-consigna-frozen-128"].freeze_encoder
    assert dependencies("clf-consigna-fe-128") == ["ae-consigna-128"]
    assert set(paper.TABLE_I) | set(paper.TABLE_II) <= set(EXPERIMENTS)


def test_paper_confusion_matrix_is_consistent():
    assert all(sum(row) == 1000 for row in paper.CONFUSION_MATRIX)
    assert paper.accuracy() == pytest.approx(0.9217)
    assert min(range(10), key=lambda i: paper.per_class_accuracy()[i]) == 6


def test_budget_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("FMNIST_BUDGET", "smoke")
    assert budget_from_env() == "smoke"
    monkeypatch.setenv("FMNIST_BUDGET", "huge")
    with pytest.raises(ValueError, match=r"FMNIST_BUDGET=.huge. is not a budget"):
        budget_from_env()


def test_unknown_experiment_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown experiment"):
        run_experiment("ae-resnet", budget="smoke", runs_dir=tmp_path)


@pytest.mark.slow
def test_run_trains_dependency_first_then_reuses_finished_runs(tmp_path, small_splits):
    result = run_experiment("clf-consigna-fe-128", budget="smoke", runs_dir=tmp_path)
    assert isinstance(result.model, ConsignaClassifier)
    assert (tmp_path / "smoke" / "ae-consigna-128" / "seed0" / "result.json").exists()
    assert "copied 6 tensors" in result.transfer
    assert len(result.history.epochs) == BUDGETS["smoke"].max_epochs
    assert 0 <= result.test["accuracy"] <= 1 and len(result.test["confusion_matrix"]) == 10
    finished = result.run_dir / "result.json"
    stamp = finished.stat().st_mtime_ns
    again = run_experiment("clf-consigna-fe-128", budget="smoke", runs_dir=tmp_path)
    assert finished.stat().st_mtime_ns == stamp  # reused, not retrained
    assert all(
        torch.equal(a, b)
        for a, b in zip(
            result.model.state_dict().values(), again.model.state_dict().values(), strict=True
        )
    )
    assert again.test == result.test
    rates = json.loads(finished.read_text())["hardware"]["gemm_gflops"]
    assert len(rates) == 2 and all(0 < r < 1e6 for r in rates)  # as it started and as it ended
    assert again.hardware["gemm_gflops"] == rates  # read back from the record, not re-measured


@pytest.mark.slow
def test_partial_transfer_experiment_reports_what_was_refused(tmp_path):
    result = run_experiment("clf-consigna-10-from-128", budget="smoke", runs_dir=tmp_path, epochs=1)
    assert (
        "refused: encoder.8: Linear(800 -> 128) cannot go into Linear(800 -> 10)" in result.transfer
    )


@pytest.mark.slow
def test_frozen_experiment_keeps_the_pretrained_encoder_also_when_reloaded(tmp_path):
    source = run_experiment("ae-consigna-128", budget="smoke", runs_dir=tmp_path)
    result = run_experiment("clf-consigna-frozen-128", budget="smoke", runs_dir=tmp_path, epochs=1)
    src = list(source.model.encoder.parameters())
    dst = list(result.model.encoder.parameters())
    assert all(torch.equal(a, b) for a, b in zip(src, dst, strict=True))
    reloaded = run_experiment(
        "clf-consigna-frozen-128", budget="smoke", runs_dir=tmp_path, epochs=1
    )
    assert (
        reloaded.summary()["trainable_parameters"]
        == result.summary()["trainable_parameters"]
        == 1290
    )


@pytest.mark.slow
def test_reproduce_writes_metrics_and_a_report(tmp_path):
    names = ["ae-feedforward-512", "clf-consigna-10"]
    metrics = reproduce(
        "smoke",
        seeds=2,
        runs_dir=tmp_path / "runs",
        results_dir=tmp_path / "results",
        names=names,
        progress=False,
    )
    out = tmp_path / "results" / "smoke"
    stored = json.loads((out / "metrics.json").read_text())
    assert stored == json.loads(json.dumps(metrics))
    runs = stored["experiments"]["clf-consigna-10"]["runs"]
    assert [r["seed"] for r in runs] == [0, 1]
    assert {"accuracy", "per_class_accuracy", "confusion_matrix"} <= set(runs[0]["test"])
    assert "mse" in stored["experiments"]["ae-feedforward-512"]["runs"][0]["test"]
    report = (out / "REPORT.md").read_text()
    assert (
        "Table I" in report
        and "Smoke budget" in report
        and "figure5_autoencoder_curves.png" in report
    )
    mean_acc = sum(r["test"]["accuracy"] for r in runs) / 2
    assert f"{100 * mean_acc:.2f}" in report  # numbers come from metrics.json
    assert (out / "figure5_autoencoder_curves.png").stat().st_size > 1000


def test_a_finished_run_from_another_configuration_is_refused(tmp_path):
    from fmnist_lib.checkpoints import CheckpointMismatch

    result = run_experiment("ae-feedforward-512", budget="smoke", runs_dir=tmp_path, epochs=1)
    record_file = result.run_dir / "result.json"
    record = json.loads(record_file.read_text())
    record["fingerprint"] = "written-by-an-older-version"
    record_file.write_text(json.dumps(record))
    with pytest.raises(CheckpointMismatch, match="Delete that folder"):
        run_experiment("ae-feedforward-512", budget="smoke", runs_dir=tmp_path, epochs=1)


@pytest.mark.slow
def test_report_from_finished_runs_trains_nothing(tmp_path):
    from fmnist_lib.reproduction.pipeline import report_finished

    with pytest.raises(ValueError, match="no finished run"):
        report_finished("smoke", runs_dir=tmp_path / "runs", results_dir=tmp_path / "results")
    run_experiment("ae-feedforward-512", budget="smoke", runs_dir=tmp_path / "runs")
    unfinished = tmp_path / "runs" / "smoke" / "clf-consigna-10" / "seed0"
    unfinished.mkdir(parents=True)  # a run in progress: no result.json yet
    metrics = report_finished("smoke", runs_dir=tmp_path / "runs", results_dir=tmp_path / "results")
    assert list(metrics["experiments"]) == ["ae-feedforward-512"] and not metrics["complete"]
    assert (
        metrics["missing"]["clf-consigna-10"] == "0 of 3"
        and metrics["missing"]["ae-feedforward-512"] == "1 of 3"
    )
    report = (tmp_path / "results" / "smoke" / "REPORT.md").read_text()
    assert "Partial results" in report and "`clf-consigna-10` 0 of 3" in report
    assert not (unfinished / "checkpoint.pt").exists()


@pytest.mark.slow
def test_the_papers_protocol_trains_on_validation_images_and_chooses_on_the_test_set(
    small_splits, tmp_path
):
    from fmnist_lib.experiments.registry import Experiment
    from fmnist_lib.experiments.running import paper_protocol

    splits = paper_protocol(small_splits)
    assert len(splits.train) == len(small_splits.train) + len(small_splits.val)
    assert splits.val is small_splits.test and splits.test is small_splits.test
    assert torch.equal(
        splits.train.labels.bincount(),
        small_splits.train.labels.bincount() + small_splits.val.labels.bincount(),
    )
    with pytest.raises(SettingsError, match="protocol must be"):
        Experiment(
            name="clf-x",
            title="x",
            model="RaschkaClassifier",
            hidden_size=10,
            dropout=0.8,
            epochs=1,
            batch_size=40,
            lr=7e-4,
            protocol="test-set",
        )
    result = run_experiment("clf-raschka-10-paper-protocol", "smoke", runs_dir=tmp_path, epochs=1)
    # the validation curve is the test set's: its last value is the test accuracy of the final model
    assert result.history.epochs[-1]["val_accuracy"] == pytest.approx(result.test["accuracy"])


def test_overrides_change_the_run_and_get_their_own_folder(tmp_path, small_splits):
    result = run_experiment(
        "ae-feedforward-512",
        "smoke",
        runs_dir=tmp_path,
        epochs=1,
        splits=small_splits,
        overrides={"lr": 2e-3, "hidden_size": 64},
    )
    assert result.experiment.lr == 2e-3 and result.experiment.hidden_size == 64
    assert result.run_dir.name == "seed0-epochs1-hidden_size64-lr0.002"
    assert result.model.encoder[1].out_features == 64


def test_unknown_overrides_are_refused_before_any_work(tmp_path):
    with pytest.raises(SettingsError, match=r"cannot override \['momentum'\]"):
        run_experiment(
            "ae-feedforward-512", "smoke", runs_dir=tmp_path, overrides={"momentum": 0.9}
        )
    with pytest.raises(SettingsError, match="cannot override"):
        sweep("ae-feedforward-512", {"lr": [1e-3], "momentum": [0.9]}, "smoke", runs_dir=tmp_path)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"hidden_size": 0}, "override hidden_size must be an int >= 1, got 0"),
        ({"dropout": 1}, r"override dropout must be a number in \[0, 1\) .*, got 1"),
        ({"batch_size": 2.5}, "override batch_size must be an int >= 1, got 2.5"),
        ({"lr": -1e-3}, "override lr must be a finite number > 0, got -0.001"),
        ({"patience": False}, "override patience must be None or an int >= 1, got False"),
        ({"softmax_output": "no"}, "override softmax_output must be True or False, got 'no'"),
    ],
)
def test_each_bad_override_is_refused_as_a_setting(overrides, message):
    with pytest.raises(SettingsError, match=f"^{message}$"):
        EXPERIMENTS["clf-consigna-10"].with_overrides(overrides)


def test_every_overridable_setting_has_a_check():
    assert set(OVERRIDABLE) <= set(RULES), "add the setting's rule to fmnist_lib/checks.py"


def test_a_setting_is_refused_alike_by_the_registry_the_trainer_and_the_model():
    """One rule per setting: the same bad dropout, batch size or learning rate gets the same
    words from an override, a TrainConfig and a model's constructor."""
    experiment = EXPERIMENTS["clf-consigna-10"]
    said = {}
    for key, bad, direct in [
        ("dropout", 1.0, lambda v: ConsignaClassifier(dropout=v)),
        ("hidden_size", 0, lambda v: ConsignaClassifier(hidden_size=v)),
        ("batch_size", 0, lambda v: TrainConfig("classification", 1, v, 1e-3)),
        ("lr", float("inf"), lambda v: TrainConfig("classification", 1, 32, v)),
        ("patience", -2, lambda v: TrainConfig("classification", 1, 32, 1e-3, patience=v)),
    ]:
        with pytest.raises(SettingsError) as override:
            experiment.with_overrides({key: bad})
        with pytest.raises(SettingsError) as elsewhere:
            direct(bad)
        said[key] = str(elsewhere.value)
        assert str(override.value) == f"override {said[key]}"
    assert said["lr"] == "lr must be a finite number > 0, got inf"


@pytest.mark.slow
def test_sweep_tabulates_validation_results_and_reuses_runs(tmp_path):
    grid = {"lr": [1e-3, 3e-3], "batch_size": [500]}
    table = sweep("ae-feedforward-512", grid, "smoke", runs_dir=tmp_path, progress=False)
    assert list(table.columns) == [
        "lr",
        "batch_size",
        "seed",
        "val_loss",
        "best_val_loss",
        "epochs",
        "updates",
        "seconds",
    ]
    assert table["lr"].tolist() == [1e-3, 3e-3] and (table["epochs"] == 2).all()
    assert (table["best_val_loss"] <= table["val_loss"]).all()
    records = sorted((tmp_path / "smoke" / "ae-feedforward-512").glob("*/result.json"))
    assert len(records) == 2
    stamps = [r.stat().st_mtime_ns for r in records]
    again = sweep("ae-feedforward-512", grid, "smoke", runs_dir=tmp_path, progress=False)
    assert again["val_loss"].tolist() == table["val_loss"].tolist()
    assert [r.stat().st_mtime_ns for r in records] == stamps  # reused, not retrained


@pytest.mark.slow
def test_a_sweep_at_equal_updates_scales_the_epochs_with_the_batch(tmp_path):
    # smoke: 1,000 training images, so batch 100 makes 10 steps per epoch and batch 500 makes 2
    grid = {"batch_size": [100, 500]}
    table = sweep("ae-feedforward-512", grid, "smoke", runs_dir=tmp_path, progress=False,
                  seeds=(0, 1), updates=20)  # fmt: skip
    assert table[["batch_size", "seed"]].values.tolist() == [[100, 0], [100, 1], [500, 0], [500, 1]]
    assert table["epochs"].tolist() == [2, 2, 10, 10]
    assert (table["updates"] == 20).all()
    assert table.loc[0, "val_loss"] != table.loc[1, "val_loss"]  # the seeds are different runs
    assert sweep_cell(table, batch_size=500) == table["best_val_loss"].tolist()[2:]
    with pytest.raises(KeyError, match="no run of the sweep"):
        sweep_cell(table, batch_size=250)
    with pytest.raises(SettingsError, match="updates must be"):
        sweep("ae-feedforward-512", grid, "smoke", runs_dir=tmp_path, updates=0)


@pytest.mark.slow
def test_results_table_leads_with_the_model_and_its_test_metric_over_seeds(tmp_path):
    import statistics

    from fmnist_lib.experiments.running import results_table
    from fmnist_lib.wording import speaking

    names = ["ae-feedforward-512", "clf-consigna-10"]
    table = results_table(names, seeds=(0, 1), budget="smoke", runs_dir=tmp_path, progress=False)
    assert table.index.name == "model"
    assert list(table.index) == ["feed-forward (512)", "consigna (10)"]
    assert list(table.columns) == ["test MSE (mean ± sd)", "seeds", "test accuracy, % (mean ± sd)"]
    mse = [run_experiment("ae-feedforward-512", "smoke", s, tmp_path).test["mse"] for s in (0, 1)]
    assert mse[0] != mse[1]  # two seeds, two runs: a spread to write
    expected = f"{statistics.mean(mse):.5f} ± {statistics.stdev(mse):.5f}"
    assert table.loc["feed-forward (512)", "test MSE (mean ± sd)"] == expected
    assert table.loc["consigna (10)", "seeds"] == 2
    accuracy = table.loc["consigna (10)", "test accuracy, % (mean ± sd)"]
    assert accuracy.count(".") == 2 and " ± " in accuracy  # percent points, two decimals
    with speaking("es"):
        spanish = results_table(names[1:], seeds=(0,), budget="smoke", runs_dir=tmp_path)
    assert spanish.index.name == "modelo"
    assert list(spanish.columns) == ["exactitud de prueba, % (media ± d. e.)", "semillas"]
    one = spanish.iloc[0, 0]
    assert "," in one and "." not in one and "±" not in one  # one seed: no spread to write


@pytest.mark.slow
def test_summary_table_has_one_row_per_run_with_its_test_metric(tmp_path, small_splits):
    from fmnist_lib.experiments.running import summary_table
    from fmnist_lib.wording import speaking

    results = {
        n: run_experiment(n, "smoke", runs_dir=tmp_path, epochs=1, splits=small_splits)
        for n in ["ae-feedforward-512", "clf-consigna-10"]
    }
    table = summary_table(results)
    assert list(table.index) == ["ae-feedforward-512", "clf-consigna-10"]
    assert list(table.columns[:2]) == ["model", "test MSE"]  # what matters first
    classifier_first = summary_table({"c": results["clf-consigna-10"]}).columns[:2]
    assert list(classifier_first) == ["model", "test accuracy"]
    assert table.loc["ae-feedforward-512", "test MSE"] == results["ae-feedforward-512"].test["mse"]
    clf = results["clf-consigna-10"]
    assert table.loc["clf-consigna-10", "test accuracy"] == clf.test["accuracy"]
    assert table.loc["clf-consigna-10", "val accuracy"] == clf.history.epochs[-1]["val_accuracy"]
    assert table.loc["clf-consigna-10", "trainable"] == sum(
        p.numel() for p in clf.model.parameters()
    )
    with speaking("es"):
        spanish = summary_table(results)
    assert spanish.index.name == "experimento"
    assert spanish.loc["clf-consigna-10", "exactitud de prueba"] == clf.test["accuracy"]
    assert (
        spanish.loc["ae-feedforward-512", "MSE de prueba"]
        == table.loc["ae-feedforward-512", "test MSE"]
    )


def test_the_library_decides_where_runs_live(monkeypatch, tmp_path):
    from fmnist_lib.experiments.runs import default_runs_dir, reference_runs_dir
    from fmnist_lib.settings import project_root

    monkeypatch.delenv("FMNIST_RUNS", raising=False)
    assert default_runs_dir("full") == reference_runs_dir()
    assert default_runs_dir("smoke") == default_runs_dir("quick") == project_root() / "runs"
    monkeypatch.setenv("FMNIST_RUNS", str(tmp_path))
    assert default_runs_dir("full") == default_runs_dir("smoke") == tmp_path
    monkeypatch.setenv("FMNIST_RUNS", "")
    assert default_runs_dir("smoke") == project_root() / "runs"


def test_task_comes_from_the_model_class():
    assert {e.task for e in EXPERIMENTS.values() if e.model.endswith("Autoencoder")} == {
        "reconstruction"
    }
    assert {e.task for e in EXPERIMENTS.values() if e.model.endswith("Classifier")} == {
        "classification"
    }
    with pytest.raises(SettingsError, match="unknown model"):
        EXPERIMENTS["clf-consigna-10"].with_overrides({}).__class__(
            name="x",
            title="x",
            model="ResNet",
            hidden_size=1,
            dropout=0.0,
            epochs=1,
            batch_size=1,
            lr=1.0,
        )


def test_cli_list_prints_every_experiment(capsys):
    from fmnist_lib.reproduction.cli import main

    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(EXPERIMENTS)
    assert "<- ae-consigna-128" in next(
        line for line in lines if line.startswith("clf-consigna-fe-128")
    )


@pytest.mark.slow
def test_cli_report_writes_the_report_from_finished_runs(tmp_path, capsys):
    from fmnist_lib.reproduction.cli import main

    run_experiment("ae-feedforward-512", "smoke", runs_dir=tmp_path / "runs")
    code = main(
        [
            "report",
            "--budget",
            "smoke",
            "--runs-dir",
            str(tmp_path / "runs"),
            "--results-dir",
            str(tmp_path / "results"),
        ]
    )
    assert code == 0
    assert "from 1 finished run(s) of 1 experiment(s)" in capsys.readouterr().out
    stored = json.loads((tmp_path / "results" / "smoke" / "metrics.json").read_text())
    assert stored["budget_settings"] == {
        "name": "smoke",
        "train_size": 1000,
        "val_subset": 500,
        "test_size": 1000,
        "max_epochs": 2,
    }
    assert (
        "Smoke budget**: 1000 training images"
        in (tmp_path / "results" / "smoke" / "REPORT.md").read_text()
    )


def test_settings_table_reads_attributes_or_functions_of_experiments():
    from fmnist_lib.experiments.registry import SETTINGS_COLUMNS, settings_table

    table = settings_table(
        paper.TABLE_II, {**SETTINGS_COLUMNS, "start": lambda e: e.init_from or "random"}
    )
    assert list(table.index) == list(paper.TABLE_II)
    assert (
        table.loc["clf-raschka-10", "batch"] == 40
        and table.loc["clf-raschka-10", "start"] == "random"
    )
    assert table.loc["clf-consigna-fe-128", "start"] == "ae-consigna-128"
    assert list(settings_table(["ae-raschka-64"]).columns) == list(SETTINGS_COLUMNS)


def test_the_tables_speak_the_notebooks_language():
    """A Spanish notebook's settings table: Spanish headings (those a notebook passes kept as
    passed), the experiments' notes and titles in Spanish; the English table unchanged."""
    from fmnist_lib.experiments.registry import NOTES_ES, heading, settings_table
    from fmnist_lib.wording import speaking

    names = ["clf-consigna-frozen-128", "clf-consigna-128"]
    columns = {"model": "title", "qué": lambda e: e.note}
    english = settings_table(names, columns)
    with speaking("es"):
        spanish = settings_table(names, columns)
        assert [heading(h) for h in ("val accuracy", "test MSE", "trainable")] == [
            "exactitud de validación", "MSE de prueba", "entrenables"
        ]  # fmt: skip
    assert english.index.name == "experiment" and spanish.index.name == "experimento"
    assert list(english.columns) == ["model", "qué"] and list(spanish.columns) == ["modelo", "qué"]
    assert list(english["model"]) == ["consigna frozen (128)", "consigna (128) from scratch"]
    assert list(spanish["modelo"]) == ["consigna (128) congelado", "consigna (128) desde cero"]
    assert list(spanish["qué"]) == [NOTES_ES[note] for note in english["qué"]]
    assert heading("val accuracy") == "val accuracy"  # outside a Spanish notebook


@pytest.mark.slow
def test_each_classifier_seed_starts_from_its_own_pretraining_seed(tmp_path, small_splits):
    result = run_experiment(
        "clf-consigna-fe-128", "smoke", seed=1, runs_dir=tmp_path, epochs=1, splits=small_splits
    )
    source = run_experiment(
        "ae-consigna-128", "smoke", seed=1, runs_dir=tmp_path, splits=small_splits
    )
    assert (tmp_path / "smoke" / "ae-consigna-128" / "seed1" / "result.json").exists()
    assert not (tmp_path / "smoke" / "ae-consigna-128" / "seed0").exists()
    assert "copied 6 tensors" in result.transfer and source.seed == 1


def test_a_pretrained_runs_fingerprint_covers_its_autoencoder(small_splits, tmp_path, monkeypatch):
    from dataclasses import replace

    from fmnist_lib.experiments import registry
    from fmnist_lib.experiments.running import _plan, _where

    def fingerprint():
        where = _where("clf-consigna-fe-128", "smoke", 0, tmp_path, None, None)
        return _plan(where, None, small_splits, None).fingerprint

    before = fingerprint()
    slower = replace(registry.EXPERIMENTS["ae-consigna-128"], lr=1e-4)
    monkeypatch.setitem(registry.EXPERIMENTS, "ae-consigna-128", slower)
    assert fingerprint() != before
