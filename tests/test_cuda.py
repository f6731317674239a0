"""The CUDA paths: training, the record, reloading, evaluation and the GEMM rate on a GPU.

Skipped on a machine without one (CI's); run them where a GPU is lent (``pytest
tests/test_cuda.py``)."""

import json

import pytest
import torch

from fmnist_lib.data import Batches, splits_for
from fmnist_lib.evaluation import evaluate
from fmnist_lib.experiments.running import run_experiment
from fmnist_lib.experiments.runs import gemm_rate

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU here")


@pytest.fixture
def on_the_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FMNIST_DEVICE", "cuda")


def test_a_run_trains_on_the_gpu_records_it_and_reloads_the_same_numbers(tmp_path, on_the_gpu):
    trained = run_experiment("clf-consigna-10", budget="smoke", runs_dir=tmp_path)
    record = json.loads((trained.run_dir / "result.json").read_text())
    assert record["hardware"]["device"].startswith("cuda")
    assert record["hardware"]["device_name"] == torch.cuda.get_device_name()
    rates = record["hardware"]["gemm_gflops"]
    assert len(rates) == 2 and min(rates) > 1000  # a GPU's fp32 GEMM: over a TFLOP/s
    again = run_experiment("clf-consigna-10", budget="smoke", runs_dir=tmp_path)
    assert again.test == trained.test and again.history.epochs == trained.history.epochs


def test_evaluation_and_batches_follow_the_model_onto_the_gpu(tmp_path, on_the_gpu):
    run = run_experiment("ae-feedforward-512", budget="smoke", runs_dir=tmp_path)
    model = run.model.to("cuda")
    val = splits_for("smoke").val
    x, _ = next(iter(Batches(val, 64, device=torch.device("cuda"))))
    assert x.device.type == "cuda" and model(x).device.type == "cuda"
    on_gpu = evaluate(model, val, "reconstruction")["loss"]
    on_cpu = evaluate(model.to("cpu"), val, "reconstruction")["loss"]
    assert on_gpu == pytest.approx(on_cpu, rel=1e-4)  # the same weights, other kernels


def test_the_gemm_rate_waits_for_the_gpu(on_the_gpu):
    # GFLOP/s; timing only the launch (no synchronisation) would read as ~10,000,000
    assert 1000 < gemm_rate(4096) < 2_000_000
