"""The speed benchmarks still run (tiny samples; their numbers are read on a quiet machine)."""

import subprocess
import sys
from pathlib import Path

import pytest

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
    assert len(ratios) == 10 and all(line.rstrip().endswith("x1.000") for line in
                                     (ratios[0], ratios[6]))  # fmt: skip
