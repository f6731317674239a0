import json

import pytest
import torch

from fmnist_lib import paper
from fmnist_lib.experiments import run_experiment, sweep
from fmnist_lib.models import ConsignaClassifier
from fmnist_lib.pipeline import reproduce
from fmnist_lib.registry import EXPERIMENTS, dependencies
from fmnist_lib.report import claims, compare
from fmnist_lib.settings import BUDGETS, budget_from_env


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


def test_partial_transfer_experiment_reports_what_was_refused(tmp_path):
    result = run_experiment("clf-consigna-10-from-128", budget="smoke", runs_dir=tmp_path, epochs=1)
    assert (
        "refused: encoder.8: Linear(800 -> 128) cannot go into Linear(800 -> 10)" in result.transfer
    )


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


def _fake_metrics(mse: dict, acc: dict) -> dict:
    experiments = {
        n: {
            "task": "reconstruction",
            "runs": [{"test": {"mse": v}, "seconds": 1.0, "epochs_run": 1} for v in vs],
        }
        for n, vs in mse.items()
    }
    experiments |= {
        n: {
            "task": "classification",
            "runs": [{"test": {"accuracy": v}, "seconds": 1.0, "epochs_run": 1} for v in vs],
        }
        for n, vs in acc.items()
    }
    return {"experiments": experiments}


def test_claims_can_come_out_either_way():
    mse = {
        "ae-consigna-128": [0.02],
        "ae-feedforward-512": [0.010],
        "ae-raschka-64": [0.012],
        "ae-raschka-128": [0.008],
    }
    verdicts = {c: ok for c, ok, _ in claims(_fake_metrics(mse, {}))}
    assert verdicts["Raschka (128) reaches a lower error than feed-forward"] is True
    mse["ae-raschka-128"] = [0.013]
    verdicts = {c: ok for c, ok, _ in claims(_fake_metrics(mse, {}))}
    assert verdicts["Raschka (128) reaches a lower error than feed-forward"] is False
    assert verdicts["The two best autoencoders are feed-forward and Raschka (128)"] is False


def test_compare_reports_weak_gaps():
    assert compare([0.90, 0.91, 0.92], [0.80, 0.81, 0.79], lower_is_better=False) == (
        True,
        "gap > 2× the seeds' spread",
    )
    ok, why = compare([0.90, 0.95, 0.85], [0.89, 0.93, 0.86], lower_is_better=False)
    assert ok and "weak" in why
    assert compare([], [0.9], lower_is_better=False) == (None, "not run")


def test_a_finished_run_from_another_configuration_is_refused(tmp_path):
    from fmnist_lib.checkpoints import CheckpointMismatch

    result = run_experiment("ae-feedforward-512", budget="smoke", runs_dir=tmp_path, epochs=1)
    record_file = result.run_dir / "result.json"
    record = json.loads(record_file.read_text())
    record["fingerprint"] = "written-by-an-older-version"
    record_file.write_text(json.dumps(record))
    with pytest.raises(CheckpointMismatch, match="Delete that folder"):
        run_experiment("ae-feedforward-512", budget="smoke", runs_dir=tmp_path, epochs=1)


def test_report_from_finished_runs_trains_nothing(tmp_path):
    from fmnist_lib.pipeline import report_finished

    with pytest.raises(ValueError, match="no finished run"):
        report_finished("smoke", runs_dir=tmp_path / "runs", results_dir=tmp_path / "results")
    run_experiment("ae-feedforward-512", budget="smoke", runs_dir=tmp_path / "runs")
    unfinished = tmp_path / "runs" / "smoke" / "clf-consigna-10" / "seed0"
    unfinished.mkdir(parents=True)  # a run in progress: no result.json yet
    metrics = report_finished("smoke", runs_dir=tmp_path / "runs", results_dir=tmp_path / "results")
    assert list(metrics["experiments"]) == ["ae-feedforward-512"] and not metrics["complete"]
    assert (
        metrics["missing"]["clf-consigna-10"] == "0 of 3"
        and "ae-feedforward-512" not in metrics["missing"]
    )
    report = (tmp_path / "results" / "smoke" / "REPORT.md").read_text()
    assert "Partial results" in report and "`clf-consigna-10` 0 of 3" in report
    assert not (unfinished / "checkpoint.pt").exists()


def _raschka_metrics(accuracies: list[float]) -> dict:
    runs = [
        {
            "seed": k,
            "test": {"accuracy": a},
            "epochs_run": 2,
            "best_epoch": 2,
            "seconds": 1.0,
            "history": [
                {"epoch": 1, "train_accuracy": 0.8, "val_accuracy": 0.79},
                {"epoch": 2, "train_accuracy": a + 0.02, "val_accuracy": a},
            ],
        }
        for k, a in enumerate(accuracies)
    ]
    return {"experiments": {paper.CONFUSION_EXPERIMENT: {"task": "classification", "runs": runs}}}


def _with_protocol(metrics: dict, accuracies: list[float], peak: float | None = None) -> dict:
    runs = [
        {
            "seed": k,
            "test": {"accuracy": a},
            "history": [{"epoch": 1, "val_accuracy": peak or a}, {"epoch": 2, "val_accuracy": a}],
        }
        for k, a in enumerate(accuracies)
    ]
    metrics["experiments"]["clf-raschka-10-paper-protocol"] = {
        "task": "classification",
        "runs": runs,
    }
    return metrics


def test_raschka_check_flags_a_mean_below_the_threshold():
    from fmnist_lib.report import raschka_check

    low = "\n".join(raschka_check(_raschka_metrics([0.905, 0.912, 0.910])))
    assert "**below 91.5%**" in low and "1.27 percentage points below the paper" in low
    high = "\n".join(raschka_check(_raschka_metrics([0.918, 0.921, 0.922])))
    assert "at or above 91.5%" in high and "below 91.5%" not in high
    assert raschka_check({"experiments": {}}) == []
    explained = "\n".join(
        raschka_check(_with_protocol(_raschka_metrics([0.91, 0.912]), [0.920, 0.923]))
    )
    assert "the gap comes from the protocol" in explained
    variation = "\n".join(
        raschka_check(_with_protocol(_raschka_metrics([0.913, 0.918]), [0.912, 0.920], peak=0.921))
    )
    assert "it is not the explanation" in variation and "one favourable run" in variation
    assert (
        "best point of a test curve averages 92.10%" in variation
        and "quote the held-out 91.55%" in variation
    )
    beyond = "\n".join(
        raschka_check(_with_protocol(_raschka_metrics([0.90, 0.902]), [0.895, 0.896]))
    )
    assert "beyond run-to-run variation" in beyond


def test_time_table_judges_the_goal_on_the_whole_paper_only():
    from fmnist_lib.report import GOAL_SECONDS, time_table

    def metrics(names, seconds):
        runs = lambda: [{"seconds": seconds, "epochs_run": 1, "hardware": {"torch_threads": 2}}]
        return {
            "hardware": {"device": "cpu", "cpu_count": 2},
            "wall_seconds": 1.0,
            "experiments": {n: {"settings": {"group": "paper"}, "runs": runs()} for n in names},
        }

    everything = [*paper.TABLE_I, *paper.TABLE_II]
    fast = GOAL_SECONDS / len(everything) - 1
    assert ": met on" in "\n".join(time_table(metrics(everything, fast)))
    assert ": not met on" in "\n".join(time_table(metrics(everything, 2 * fast)))
    partial = "\n".join(time_table(metrics(everything[:-1], fast)))
    assert (
        ": not met on" in partial
        and f"{len(everything) - 1} of the paper's {len(everything)}" in partial
    )


def test_the_papers_protocol_trains_on_validation_images_and_chooses_on_the_test_set(
    small_splits, tmp_path
):
    from fmnist_lib.experiments import paper_protocol
    from fmnist_lib.registry import Experiment

    splits = paper_protocol(small_splits)
    assert len(splits.train) == len(small_splits.train) + len(small_splits.val)
    assert splits.val is small_splits.test and splits.test is small_splits.test
    assert torch.equal(
        splits.train.labels.bincount(),
        small_splits.train.labels.bincount() + small_splits.val.labels.bincount(),
    )
    with pytest.raises(ValueError, match="protocol must be"):
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


def test_open_questions_separate_hidden_size_from_pretrained_start():
    from fmnist_lib.report import open_questions

    def design(fe_10, consigna_128):
        return _fake_metrics(
            {},
            {
                "clf-consigna-10": [0.880, 0.883, 0.878],
                "clf-consigna-fe-128": [0.896, 0.898, 0.894],
                "clf-consigna-fe-10": fe_10,
                "clf-consigna-128": consigna_128,
            },
        )

    size = "\n".join(
        open_questions(design(fe_10=[0.881, 0.879, 0.882], consigna_128=[0.897, 0.895, 0.899]))
    )
    assert "the hidden size explains the gain" in size
    # ((88.07 + 89.60) - (88.03 + 89.70)) / 2 = -0.03, from the cell means
    assert "| pretrained start (pretrained − random) | -0.03 points |" in size
    start = "\n".join(
        open_questions(design(fe_10=[0.897, 0.895, 0.899], consigna_128=[0.881, 0.879, 0.882]))
    )
    assert "the pretrained start explains the gain" in start and "*lowers*" not in start
    hurts = "\n".join(
        open_questions(design(fe_10=[0.871, 0.869, 0.872], consigna_128=[0.897, 0.895, 0.899]))
    )
    assert "the hidden size explains the gain. The pretrained start *lowers* accuracy" in hurts
    assert (
        "## Open question" in start and "Conclusion check" not in start
    )  # no feed-forward runs: no section
    assert open_questions(_fake_metrics({}, {"clf-consigna-10": [0.88, 0.89]})) == []


def test_conclusion_check_compares_each_conv_classifier_with_the_feed_forward_one():
    from fmnist_lib.report import open_questions

    text = "\n".join(
        open_questions(
            _fake_metrics(
                {},
                {
                    "clf-feedforward-512": [0.889, 0.890, 0.891],
                    "clf-consigna-10": [0.880, 0.881, 0.882],
                    "clf-raschka-10": [0.914, 0.915, 0.916],
                },
            )
        )
    )
    assert "| clf-consigna-10 | 88.10 ± 0.10% (n=3) | no |" in text
    assert "| clf-raschka-10 | 91.50 ± 0.10% (n=3) | yes | gap > 2× the seeds' spread |" in text


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
    with pytest.raises(ValueError, match=r"cannot override \['momentum'\]"):
        run_experiment(
            "ae-feedforward-512", "smoke", runs_dir=tmp_path, overrides={"momentum": 0.9}
        )
    with pytest.raises(ValueError, match="cannot override"):
        sweep("ae-feedforward-512", {"lr": [1e-3], "momentum": [0.9]}, "smoke", runs_dir=tmp_path)
    assert not any(tmp_path.iterdir())


def test_sweep_tabulates_validation_results_and_reuses_runs(tmp_path):
    grid = {"lr": [1e-3, 3e-3], "batch_size": [500]}
    table = sweep("ae-feedforward-512", grid, "smoke", runs_dir=tmp_path, progress=False)
    assert list(table.columns) == [
        "lr",
        "batch_size",
        "val_loss",
        "best_val_loss",
        "epochs",
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


def test_summary_table_has_one_row_per_run_with_its_test_metric(tmp_path, small_splits):
    from fmnist_lib.experiments import summary_table

    results = {
        n: run_experiment(n, "smoke", runs_dir=tmp_path, epochs=1, splits=small_splits)
        for n in ["ae-feedforward-512", "clf-consigna-10"]
    }
    table = summary_table(results)
    assert list(table.index) == ["ae-feedforward-512", "clf-consigna-10"]
    assert table.loc["ae-feedforward-512", "test MSE"] == results["ae-feedforward-512"].test["mse"]
    clf = results["clf-consigna-10"]
    assert table.loc["clf-consigna-10", "test accuracy"] == clf.test["accuracy"]
    assert table.loc["clf-consigna-10", "val accuracy"] == clf.history.epochs[-1]["val_accuracy"]
    assert table.loc["clf-consigna-10", "trainable"] == sum(
        p.numel() for p in clf.model.parameters()
    )


def test_the_library_decides_where_runs_live(monkeypatch, tmp_path):
    from fmnist_lib.runs import default_runs_dir, reference_runs_dir
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
    with pytest.raises(ValueError, match="unknown model"):
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
    from fmnist_lib.__main__ import main

    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(EXPERIMENTS)
    assert "<- ae-consigna-128" in next(
        line for line in lines if line.startswith("clf-consigna-fe-128")
    )


def test_cli_report_writes_the_report_from_finished_runs(tmp_path, capsys):
    from fmnist_lib.__main__ import main

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
    from fmnist_lib.registry import SETTINGS_COLUMNS, settings_table

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
