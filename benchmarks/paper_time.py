"""The paper on this machine: its seven models (Tables I and II), one seed, full budget, trained
from scratch into a scratch runs folder, ``--jobs`` at a time (``workers.train_runs``), with
each run's seconds and the dense fp32 GEMM rate it recorded as it started and ended
(``runs.gemm_rate``). On a CPU the training's wall time is normalised to 171 GFLOP/s
(``findings.REFERENCE_GEMM``) with the machine's GEMM rate measured before and after it. About
half an hour on 2 quiet cores; run it with nothing else on the machine. Writes the table to
``--out`` (Markdown) as well as printing it.

    python benchmarks/paper_time.py [--jobs 2] [--runs-dir runs/paper-time] [--out FILE.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import torch

from fmnist_lib import paper
from fmnist_lib.experiments.machine import threads_per_job
from fmnist_lib.experiments.running import RunResult, run_experiment
from fmnist_lib.experiments.runs import gemm_rate
from fmnist_lib.reproduction.findings import REFERENCE_GEMM, normalised_seconds
from fmnist_lib.reproduction.workers import train_runs
from fmnist_lib.settings import default_device
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


def where() -> str:
    """The machine in a few words: the GPU's name, or the processor and its CPU count."""
    device = default_device()
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name()}, {os.cpu_count()} CPUs beside it"
    return f"{platform.machine()}, {os.cpu_count()} CPUs, on {device.type}"


def speed(wall: float, rates: list[float]) -> str:
    """The GEMM rates measured before and after, and on a CPU the wall time normalised to
    ``REFERENCE_GEMM`` (a GPU's rate is no measure of a CPU's: no normalised time there)."""
    measured = f"{rates[0]:.0f} GFLOP/s before, {rates[1]:.0f} after"
    if default_device().type != "cpu":
        return f"The {default_device().type} GEMM rate: {measured} (not normalised: not a CPU)."
    scaled = wall * statistics.mean(rates) / REFERENCE_GEMM
    return (f"The machine's GEMM rate with {torch.get_num_threads()} threads: {measured}; the "
            f"training time normalised to {REFERENCE_GEMM:.0f} GFLOP/s: **{scaled / 60:.1f} "
            "min**.")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs-dir", type=Path, default=Path("runs") / "paper-time")
    parser.add_argument("--out", type=Path, default=Path("benchmarks") / "paper_time.md")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--budget", default="full", help="full (smoke: check that it runs)")
    parser.add_argument("--jobs", type=int, default=1, help="runs trained at once (workers)")
    args = parser.parse_args()
    names = [*paper.TABLE_I, *paper.TABLE_II]
    threads = threads_per_job(args.jobs)
    rates = [gemm_rate()]
    start = time.perf_counter()
    if args.jobs == 1:
        for n in names:
            run_experiment(n, args.budget, args.seed, runs_dir=args.runs_dir, progress=False)
    else:
        train_runs([(n, args.seed) for n in names], args.budget, str(args.runs_dir), args.jobs)
    wall = time.perf_counter() - start
    rates.append(gemm_rate())
    results = [run_experiment(n, args.budget, args.seed, runs_dir=args.runs_dir) for n in names]
    rows = [row(r) for r in results]
    total = sum(r.seconds for r in results)
    lines = [
        f"# The paper's seven models, {args.jobs} at a time, {threads} torch thread(s) each "
        f"({where()})",
        "",
        f"Seven models, seed {args.seed}, budget `{args.budget}`, trained from scratch by "
        f"`benchmarks/paper_time.py --jobs {args.jobs}` on {time.strftime('%Y-%m-%d')} (torch "
        f"{torch.__version__}): {args.jobs} run(s) at a time, {threads} thread(s) each, longest "
        "first. Each row: the run's own seconds, the GEMM rate it measured (with its threads, "
        "beside any other run) and its seconds scaled by that rate.",
        "",
        "| experiment | epochs | s | s per epoch | GEMM GFLOP/s (start → end) | "
        f"s at {REFERENCE_GEMM:.0f} GFLOP/s |",
        "|---|---|---|---|---|---|",
        *[line for line, _ in rows],
        "",
        f"Training took **{wall / 60:.1f} min** from the first run's start to the last run's end "
        f"(the runs' own times add up to {total / 60:.1f} min). {speed(wall, rates)}",
    ]  # fmt: skip
    text = "\n".join(lines) + "\n"
    atomic_write(args.out, text.encode())
    print(text)


if __name__ == "__main__":
    main()
