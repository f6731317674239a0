"""The paper on this machine: its seven models (Tables I and II), one seed, full budget, trained
from scratch into a scratch runs folder, with each run's seconds and the dense fp32 GEMM rate
it recorded as it started and ended (``runs.gemm_rate``), normalised to 171 GFLOP/s
(``report.REFERENCE_GEMM``). About half an hour on 2 quiet cores; run it with nothing else on
the machine. Writes the table to ``--out`` (Markdown) as well as printing it.

    python benchmarks/paper_time.py [--runs-dir runs/paper-time] [--out benchmarks/paper_time.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import torch

from fmnist_lib import paper
from fmnist_lib.experiments import RunResult, run_experiment
from fmnist_lib.report import REFERENCE_GEMM, normalised_seconds
from fmnist_lib.storage import atomic_write


def row(result: RunResult) -> tuple[str, float | None]:
    """A Markdown row for a run, and its normalised seconds."""
    record = {"seconds": result.seconds, "hardware": result.hardware or {}}
    scaled = normalised_seconds(record)
    rates = (result.hardware or {}).get("gemm_gflops") or []
    epochs = len(result.history.epochs)
    cells = [result.experiment.name, str(epochs), f"{result.seconds:.0f}",
             f"{result.seconds / epochs:.1f}", " → ".join(f"{r:.0f}" for r in rates) or "-",
             f"{scaled:.0f}" if scaled is not None else "-"]  # fmt: skip
    return "| " + " | ".join(cells) + " |", scaled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs-dir", type=Path, default=Path("runs") / "paper-time")
    parser.add_argument("--out", type=Path, default=Path("benchmarks") / "paper_time.md")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--budget", default="full", help="full (smoke: check that it runs)")
    args = parser.parse_args()
    names = [*paper.TABLE_I, *paper.TABLE_II]
    start = time.perf_counter()
    results = [run_experiment(n, args.budget, args.seed, runs_dir=args.runs_dir, progress=False)
               for n in names]  # fmt: skip
    rows = [row(r) for r in results]
    total = sum(r.seconds for r in results)
    scaled = [s for _, s in rows if s is not None]
    lines = [
        f"# The paper's seven models on {torch.get_num_threads()} torch threads "
        f"({platform.machine()}, {os.cpu_count()} CPUs)",
        "",
        f"Seven models, seed {args.seed}, budget `{args.budget}`, trained from scratch by "
        f"`benchmarks/paper_time.py` on {time.strftime('%Y-%m-%d')} (torch {torch.__version__}); "
        f"the command took {(time.perf_counter() - start) / 60:.1f} min.",
        "",
        "| experiment | epochs | s | s per epoch | GEMM GFLOP/s (start → end) | "
        f"s at {REFERENCE_GEMM:.0f} GFLOP/s |",
        "|---|---|---|---|---|---|",
        *[line for line, _ in rows],
        "",
        f"Training: **{total / 60:.1f} min**; normalised to {REFERENCE_GEMM:.0f} GFLOP/s: "
        + (f"**{sum(scaled) / 60:.1f} min**." if len(scaled) == len(rows) else "not every run "
           "recorded its GEMM rate (finished runs from before it was recorded were reused)."),
    ]  # fmt: skip
    text = "\n".join(lines) + "\n"
    atomic_write(args.out, text.encode())
    print(text)


if __name__ == "__main__":
    main()
