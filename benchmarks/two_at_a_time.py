"""Two runs at a time, one torch thread each, against one run with every thread: the training
throughput of each paper model at its paper batch size (what ``reproduce --jobs 2`` relies on).

For each model, in fresh child processes (``freed_memory.py --child``, with freed memory kept
as ``fit`` keeps it): the step with all of torch's threads, alone; then two processes at once
with ``threads / 2`` threads each, which start timing together after their warm-up. A child's
time is the mean of its passes; alternating round after round, each keeps its best round.
The ratio is steps per second of the pair over steps per second of the single run (above 1:
two at a time finish sooner). Last line: the Raschka autoencoder's ratio.

    python benchmarks/two_at_a_time.py [--steps 40] [--rounds 3] [--models ae-raschka-64 ...]
"""

from __future__ import annotations

import argparse
import subprocess
import time

import torch
from freed_memory import HERE, PROFILED, child_command, child_result  # benchmarks/ on the path

from fmnist_lib.experiments.registry import EXPERIMENTS

STARTUP_S = 8.0  # a child's import, model and warm-up fit in this; then a pair times together


def step_ms(name: str, steps: int, threads: int, processes: int) -> list[float]:
    """``processes`` children at once, ``threads`` each, their timing started together; each
    child's mean step time over its passes, ms."""
    start_at = time.time() + STARTUP_S if processes > 1 else 0.0
    command = child_command(name, True, steps, threads, start_at)
    children = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, cwd=HERE) for _ in range(processes)]  # fmt: skip
    results = [(*c.communicate(), c.returncode) for c in children]
    return [child_result(out, err, code)["mean_ms"] for out, err, code in results]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=40, help="training steps per timing")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--models", nargs="*", default=None, help="default: the paper's models")
    args = parser.parse_args()
    threads = torch.get_num_threads()
    names = args.models or [e.name for e in EXPERIMENTS.values() if e.group == "paper"]
    if threads < 2:
        print("one torch thread here: nothing to share between two runs")
        return
    print(f"{'model':<22}{f'ms/step ({threads} thr)':>18}{f'ms/step (2 x {threads // 2} thr)':>22}"
          f"{'ratio':>7}")  # fmt: skip
    ratio = {}
    for name in names:
        alone, pair = float("inf"), float("inf")
        for _ in range(args.rounds):
            alone = min(alone, step_ms(name, args.steps, threads, 1)[0])
            pair = min(pair, max(step_ms(name, args.steps, threads // 2, 2)))  # the slower one
        ratio[name] = 2 * alone / pair
        print(f"{name:<22}{alone:>18.2f}{pair:>22.2f}{ratio[name]:>7.2f}")
    last = PROFILED if PROFILED in ratio else names[-1]
    print(f"{last}: training throughput, two runs at a time over one")
    print(f"{ratio[last]:.3f}")


if __name__ == "__main__":
    main()
