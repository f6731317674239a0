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


def test_the_paper_timing_normalises_every_run_by_its_gemm_rate(tmp_path: Path) -> None:
    out = tmp_path / "paper_time.md"
    _run("paper_time.py", "--budget", "smoke", "--runs-dir", str(tmp_path / "runs"),
         "--out", str(out))  # fmt: skip
    text = out.read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ae-") or
            line.startswith("| clf-")]  # fmt: skip
    assert len(rows) == 7 and all(" → " in r for r in rows)  # both GEMM rates recorded
    assert "normalised to 171 GFLOP/s: **" in text
