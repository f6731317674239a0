"""The speed benchmarks still run (tiny samples; their numbers are read on a quiet machine)."""

import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from fmnist_lib.data import locate

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _run(script: str, *args: str) -> list[str]:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()


def test_the_roofline_ends_with_the_raschka_epoch_fraction_of_the_gemm_rate() -> None:
    lines = _run("roofline.py", "--steps", "2", "--profile-steps", "2", "--eval-images", "128")
    assert lines[0].startswith("dense fp32 GEMM:")
    assert any(line.startswith("ae-raschka-64 ") for line in lines)
    assert lines[-2] == "ae-raschka-64: whole-epoch fraction of the GEMM rate"
    assert 0 < float(lines[-1]) < 2


def test_every_speed_up_candidate_is_timed_against_the_library() -> None:
    lines = _run("speedups.py", "--steps", "2", "--rounds", "1")
    ratios = [line for line in lines if " x" in line and "ms/" in line]
    assert len(ratios) == 13 and all(line.rstrip().endswith("x1.000") for line in
                                     (ratios[0], ratios[9]))  # fmt: skip
    assert "library again, built last (the noise)" in ratios[8]


def test_the_paper_timing_normalises_every_run_by_its_gemm_rate(tmp_path: Path) -> None:
    out = tmp_path / "paper_time.md"
    _run("paper_time.py", "--budget", "smoke", "--jobs", "2", "--runs-dir", str(tmp_path / "runs"),
         "--out", str(out))  # fmt: skip
    text = out.read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ae-") or
            line.startswith("| clf-")]  # fmt: skip
    assert len(rows) == 7 and all(" → " in r for r in rows)  # both GEMM rates recorded
    assert "2 run(s) at a time" in text and "normalised to 171 GFLOP/s: **" in text


def test_the_prepared_gpu_check_runs_its_steps_here_on_the_cpu(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DEVICE": "cpu",
        "BUDGET": "smoke",
        "PYTHON": sys.executable,
        "OUT": str(tmp_path),
        "GPU_CHECK_DATA": str(locate(download=False).directory),
    }
    done = subprocess.run(["bash", str(ROOT / "tools" / "gpu_check.sh")], env=env,
                          capture_output=True, text=True, timeout=600, cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "nvidia-smi.txt",
        "paper_time.log",
        "paper_time_gpu.md",
        "test_cuda.log",
    ]
    tests = (tmp_path / "test_cuda.log").read_text()
    assert ("3 skipped" in tests) != torch.cuda.is_available()  # skipped here, run on a GPU
    table = (tmp_path / "paper_time_gpu.md").read_text()
    assert sum(line.startswith(("| ae-", "| clf-")) for line in table.splitlines()) == 7


def test_keeping_freed_memory_is_timed_in_fresh_processes() -> None:
    lines = _run("freed_memory.py", "--steps", "2", "--rounds", "1", "--models", "clf-consigna-10")
    assert lines[0].split()[0] == "model" and lines[1].startswith("clf-consigna-10 ")
    assert lines[-2] == "clf-consigna-10: step time without / with keep_freed_memory"
    assert 0 < float(lines[-1]) < math.inf  # a ratio; its size depends on the load


def test_two_runs_at_a_time_are_timed_against_one() -> None:
    lines = _run("two_at_a_time.py", "--steps", "2", "--rounds", "1", "--models",
                 "clf-consigna-10")  # fmt: skip
    assert lines[-2] == "clf-consigna-10: training throughput, two runs at a time over one"
    assert 0 < float(lines[-1]) < math.inf  # a ratio; its size depends on the load


def test_runs_trained_together_are_timed_against_one_at_a_time() -> None:
    lines = _run("train_together.py", "--steps", "2", "--rounds", "1", "--models",
                 "ae-consigna-128")  # fmt: skip
    assert lines[-2].startswith("ae-consigna-128: training throughput, three seeds together")
    assert 0 < float(lines[-1]) < math.inf  # a ratio; its size depends on the load


def test_thread_settings_are_timed_in_fresh_processes_against_the_default() -> None:
    lines = _run("thread_settings.py", "--steps", "2", "--rounds", "1", "--model",
                 "clf-consigna-10")  # fmt: skip
    assert lines[0].split()[0] == "default" and lines[0].rstrip().endswith("x1.000")
    assert sum("OMP_" in line or "GOMP_" in line for line in lines) == 4
    assert lines[-2] == "clf-consigna-10: the best setting's step time ratio (default / it)"
    assert 0 < float(lines[-1]) < math.inf  # a ratio; its size depends on the load


def test_every_convolution_is_timed_in_both_formats_and_on_both_backends() -> None:
    lines = _run("layers.py", "--reps", "1", "--rounds", "1")
    assert lines[0].split() == ["layer", "NHWC", "oneDNN", "NCHW", "oneDNN", "NHWC", "native",
                                "NCHW", "native", "GFLOP/s"]  # fmt: skip
    rows = [line for line in lines if line.startswith(("Conv2d", "ConvTranspose2d"))]
    assert len(rows) == 8  # four convolutions, four transposed ones: each once
    ms = [[float(v) for v in re.findall(r"([\d.]+) ms", row)] for row in rows]
    assert all(len(m) == 4 for m in ms)
    assert lines[-2].startswith("every layer's best variant over the library's")
    saving = sum(min(m) for m in ms) / sum(m[0] for m in ms)  # the library's is the first column
    assert float(lines[-1]) == pytest.approx(saving, abs=0.01)


def test_the_transposed_convolution_rewrites_compute_the_same_function() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from speedups import AdjointConvTranspose2d, NativeConvTranspose2d, SubpixelConvTranspose2d

    for padding, size in [(0, 13), (1, 7)]:  # the Raschka decoder's two stride-2 layers
        torch.manual_seed(0)
        plain = torch.nn.ConvTranspose2d(16, 8, 3, stride=2, padding=padding)
        x = torch.randn(4, 16, size, size).contiguous(memory_format=torch.channels_last)
        expected = plain(x.requires_grad_())
        grads = torch.autograd.grad(expected.square().sum(), [x, *plain.parameters()])
        for kind in (AdjointConvTranspose2d, SubpixelConvTranspose2d, NativeConvTranspose2d):
            twin = kind(16, 8, 3, stride=2, padding=padding)
            twin.load_state_dict(plain.state_dict())
            y = twin(x)
            assert y.shape == expected.shape and torch.allclose(y, expected, atol=1e-5)
            twin_grads = torch.autograd.grad(y.square().sum(), [x, *twin.parameters()])
            for g, e in zip(twin_grads, grads, strict=True):
                assert torch.allclose(g, e, rtol=1e-4, atol=1e-4), kind.__name__


def test_bf16_is_timed_on_every_paper_model_and_its_distance_from_fp32_measured() -> None:
    from fmnist_lib.experiments.registry import EXPERIMENTS

    lines = _run("bf16.py", "--steps", "2", "--rounds", "1", "--numerics-steps", "3")
    assert lines[0].startswith("torch ") and "AMX:" in lines[0]
    assert lines[1].startswith("load average") and "GEMM fp32" in lines[1] and "bf16" in lines[1]
    paper = {e.name for e in EXPERIMENTS.values() if e.group == "paper"}
    rows = {line.split()[0]: line for line in lines if line.split()[0] in paper}
    assert set(rows) == paper and all(float(r.rsplit(" x", 1)[1]) > 0 for r in rows.values())
    gaps = {line.split()[0]: line for line in lines if "from fp32" in line}
    assert set(gaps) == {"fp32", "fp32,", "bf16"}
    assert "weights 0.0e+00 from fp32" in gaps["fp32"]  # the reference against itself
    assert lines[-2] == "ae-raschka-64: step time fp32 / bf16 autocast" and float(lines[-1]) > 0


def test_chapter_times_runs_a_chapter_in_a_fresh_clone_and_without_a_checkout() -> None:
    lines = _run("chapter_times.py", "--chapters", "06", "--budget", "smoke")
    assert lines[0].startswith("GEMM GFLOP/s before each setting: clone ")
    assert lines[1].split()[:4] == ["chapter", "clone", "min", "trained"]
    row = lines[2].split()
    assert row[0] == "06" and len(row) == 7 and all(float(x) >= 0 for x in row[1:])
    assert lines[-2] == "the longest chapter's minutes (colab setting): chapter 06"
    assert float(lines[-1]) == pytest.approx(float(row[4]), abs=0.051)  # .2f against .1f
