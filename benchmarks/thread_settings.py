"""OpenMP's thread settings for the Raschka autoencoder's training step: how torch's worker
threads wait between operators (spin or sleep) and whether they stay on one core.

A step is a few hundred short operators, each split between the threads; between two of them
the threads either spin (``OMP_WAIT_POLICY=ACTIVE``, libgomp's ``GOMP_SPINCOUNT``) or go to
sleep and are woken (``PASSIVE``). These variables are read when the OpenMP runtime starts, so
every measurement is a fresh child process (``freed_memory.py``'s, with freed memory kept as
``fit`` keeps it), the variants in a rotating order round after round; each keeps its best
round. Last line: the best variant's ratio (default time / its time; above 1 is faster).

    python benchmarks/thread_settings.py [--steps 40] [--rounds 3] [--model ae-raschka-64]
"""

from __future__ import annotations

import argparse
import os
import subprocess

from freed_memory import HERE, child_command, child_result  # benchmarks/ is on the path

VARIANTS: dict[str, dict[str, str]] = {
    "default (torch's libgomp settings)": {},
    "OMP_WAIT_POLICY=ACTIVE": {"OMP_WAIT_POLICY": "ACTIVE"},
    "OMP_WAIT_POLICY=PASSIVE": {"OMP_WAIT_POLICY": "PASSIVE"},
    "GOMP_SPINCOUNT=infinite": {"GOMP_SPINCOUNT": "infinite"},
    "OMP_PROC_BIND=true": {"OMP_PROC_BIND": "true"},
}
SETTINGS = {key for env in VARIANTS.values() for key in env}


def step_ms(model: str, steps: int, env: dict[str, str]) -> float:
    """``model``'s step time (ms, best of a child's passes) in a fresh process with ``env``."""
    base = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    done = subprocess.run(child_command(model, True, steps), capture_output=True, text=True,
                          cwd=HERE, env={**base, **env})  # fmt: skip
    return child_result(done.stdout, done.stderr, done.returncode)["ms"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=40, help="training steps per timing")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model", default="ae-raschka-64")
    args = parser.parse_args()
    names = list(VARIANTS)
    best = dict.fromkeys(names, float("inf"))
    for r in range(args.rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            best[name] = min(best[name], step_ms(args.model, args.steps, VARIANTS[name]))
    default = best[names[0]]
    for name in names:
        print(f"  {name:<38}{best[name]:>8.2f} ms/step  x{default / best[name]:.3f}")
    print(f"{args.model}: the best setting's step time ratio (default / it)")
    print(f"{default / min(best[n] for n in names[1:]):.3f}")


if __name__ == "__main__":
    main()
