"""The published reference run and the report made from it.

``results/reference-runs/full/`` holds each finished full-budget run (weights + record);
``results/full/`` holds metrics.json and REPORT.md built from them. These tests fail when the
two disagree, when REPORT.md was edited by hand, or when a change to an architecture or to a
published experiment's settings makes the committed models unusable (students' notebooks and
``make reproduce`` would then retrain, or refuse).
"""

import json
import re

import pytest

from fmnist_lib.evaluation import final_metrics
from fmnist_lib.experiments import running as experiments
from fmnist_lib.experiments.running import run_experiment
from fmnist_lib.experiments.runs import reference_runs_dir
from fmnist_lib.reproduction.report import render_report
from fmnist_lib.settings import project_root

pytestmark = pytest.mark.artifacts  # checks what is committed, not the code

RESULTS = project_root() / "results" / "full"
RUNS = reference_runs_dir()


@pytest.fixture(scope="module")
def metrics() -> dict:
    return json.loads((RESULTS / "metrics.json").read_text())


def reported_runs(metrics: dict) -> list[tuple[str, dict]]:
    return [(name, run) for name, e in metrics["experiments"].items() for run in e["runs"]]


def test_every_reported_run_is_published_with_the_same_numbers(metrics):
    runs = reported_runs(metrics)
    assert runs, "results/full/metrics.json lists no run"
    for name, run in runs:
        folder = RUNS / "full" / name / f"seed{run['seed']}"
        assert (folder / "model.pt").is_file(), (
            f"{folder}/model.pt is missing: commit the finished run"
        )
        record = json.loads((folder / "result.json").read_text())
        assert record["test"] == run["test"], (
            f"{name} seed {run['seed']}: metrics.json disagrees with its run"
        )
        assert (record["epochs_run"], record["seconds"]) == (run["epochs_run"], run["seconds"])


def test_report_is_generated_from_metrics_not_edited(metrics):
    report = (RESULTS / "REPORT.md").read_text()
    figures = re.findall(r"^!\[[^\]]*\]\(([^)]+)\)", report, flags=re.MULTILINE)
    assert figures, "the report shows its figures"
    assert all((RESULTS / f).is_file() for f in figures)
    assert report == render_report(metrics, figures)


def test_published_models_load_under_the_current_code(metrics, full_splits, monkeypatch):
    """Reloading checks each run's fingerprint (architecture, settings, data sizes) and trains
    nothing."""

    def no_training(*args, **kwargs):
        raise AssertionError("a published run was about to be retrained")

    monkeypatch.setattr(experiments, "fit", no_training)
    for name, run in reported_runs(metrics):
        result = run_experiment(name, "full", run["seed"], RUNS, splits=full_splits)
        assert result.test == run["test"]


@pytest.mark.parametrize("name", ["clf-consigna-10", "ae-consigna-128"])
def test_a_published_model_reproduces_its_test_metrics(name, metrics, full_splits):
    runs = metrics["experiments"].get(name, {}).get("runs")
    assert runs, f"{name} is not in results/full/metrics.json"
    result = run_experiment(name, "full", runs[0]["seed"], RUNS, splits=full_splits)
    again = final_metrics(result.model, full_splits.test, result.experiment.task)
    if "accuracy" in again:
        assert again["confusion_matrix"] == runs[0]["test"]["confusion_matrix"]
    else:
        assert again["mse"] == pytest.approx(runs[0]["test"]["mse"], rel=1e-5)
