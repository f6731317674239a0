"""Page faults per training step, and the step's time, with and without
``machine.keep_freed_memory`` (glibc's ``malloc`` keeping freed blocks instead of handing them
back to the kernel), for every paper model at its paper batch size.

The setting is per process and cannot be undone, so each measurement is a fresh child process
(``--child``), the two variants alternating round after round; each keeps its best round. A
fresh process is the worst case: a long-lived one (``fit`` after loading the data) has often
raised glibc's own thresholds already, so the gain inside ``fit`` is smaller (see README.md).
Last line: the Raschka autoencoder's ratio (time without / time with; above 1 is faster).

    python benchmarks/freed_memory.py [--steps 40] [--rounds 3] [--models ae-raschka-64 ...]
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

from fmnist_lib.experiments.registry import EXPERIMENTS

HERE = Path(__file__).resolve().parent
PROFILED = "ae-raschka-64"


def child(name: str, keep: bool, steps: int, threads: int = 0, start_at: float = 0.0) -> None:
    """Measure ``name``'s step in this process (with ``threads`` torch threads if given, timing
    from the moment ``start_at`` after the warm-up) and print it as JSON: ms (best of 3 passes),
    mean_ms (all 3), faults per step."""
    import torch
    from roofline import prepared, sample_set  # benchmarks/ is on the path when a script runs

    from fmnist_lib.data import Batches
    from fmnist_lib.evaluation import loss_function
    from fmnist_lib.experiments.machine import keep_freed_memory
    from fmnist_lib.training import train_one_epoch

    if keep:
        keep_freed_memory()
    if threads:
        torch.set_num_threads(threads)
    exp = EXPERIMENTS[name]
    model = prepared(exp)
    optimizer, loss_fn = torch.optim.Adam(model.parameters(), lr=exp.lr), loss_function(exp.task)
    batches = list(Batches(sample_set(exp.batch_size * steps), exp.batch_size))
    train_one_epoch(model, batches[:3], loss_fn, optimizer, task=exp.task)  # warm-up
    time.sleep(max(0.0, start_at - time.time()))  # a pair starts its timing together
    best, faults, begin = math.inf, math.inf, time.perf_counter()
    for _ in range(3):
        before, start = resource.getrusage(resource.RUSAGE_SELF).ru_minflt, time.perf_counter()
        train_one_epoch(model, batches, loss_fn, optimizer, task=exp.task)
        best = min(best, (time.perf_counter() - start) / steps)
        faults = min(faults, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    mean = (time.perf_counter() - begin) / (3 * steps)
    print(json.dumps({"ms": 1e3 * best, "mean_ms": 1e3 * mean, "faults": faults / steps}))


def child_command(
    name: str, keep: bool, steps: int, threads: int = 0, start_at: float = 0.0
) -> list[str]:
    """The command line of a child process that measures ``name``'s step."""
    flags = {"--keep": int(keep), "--steps": steps, "--threads": threads, "--start-at": start_at}
    words = [str(v) for flag_value in flags.items() for v in flag_value]
    return [sys.executable, __file__, "--child", name, *words]


def child_result(stdout: str, stderr: str, returncode: int) -> dict[str, float]:
    """A child's JSON line, or its error."""
    if returncode:
        raise SystemExit(f"a child process failed:\n{stderr[-2000:]}")
    return dict(json.loads(stdout.strip().splitlines()[-1]))


def measured(name: str, keep: bool, steps: int) -> dict[str, float]:
    done = subprocess.run(
        child_command(name, keep, steps), capture_output=True, text=True, cwd=HERE
    )
    return child_result(done.stdout, done.stderr, done.returncode)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=40, help="training steps per timing")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--models", nargs="*", default=None, help="default: the paper's models")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, bool(args.keep), args.steps, args.threads, args.start_at)
        return
    names = args.models or [e.name for e in EXPERIMENTS.values() if e.group == "paper"]
    print(f"{'model':<22}{'faults/step':>12}{'(kept)':>8}{'ms/step':>9}{'(kept)':>8}{'ratio':>7}")
    ratio = {}
    for name in names:
        best: dict[bool, dict[str, float]] = {}
        for r in range(args.rounds):
            for keep in (r % 2 == 1, r % 2 == 0):  # alternate which variant goes first
                m = measured(name, keep, args.steps)
                if keep not in best or m["ms"] < best[keep]["ms"]:
                    best[keep] = m
        ratio[name] = best[False]["ms"] / best[True]["ms"]
        print(
            f"{name:<22}{best[False]['faults']:>12.0f}{best[True]['faults']:>8.0f}"
            f"{best[False]['ms']:>9.2f}{best[True]['ms']:>8.2f}{ratio[name]:>7.2f}"
        )
    last = PROFILED if PROFILED in ratio else names[-1]
    print(f"{last}: step time without / with keep_freed_memory")
    print(f"{ratio[last]:.3f}")


if __name__ == "__main__":
    main()
