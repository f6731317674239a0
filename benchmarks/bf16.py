"""bf16 autocast against fp32 for the Raschka autoencoder's training step: the speed, and how far
the numbers move (why it is not a free speed-up).

Speed: the step timed interleaved, best of ``--rounds``, as a ratio (fp32 time / bf16 time;
above 1: bf16 is faster). It depends on the processor: with Intel's AMX tile units bf16
convolutions run on them; without (AVX-512 BF16 alone) they can be slower than fp32. Numerics:
the same model trained ``--steps`` steps on the same batches three ways, fp32 with all threads,
fp32 with one thread (a difference of float rounding only) and bf16; the relative distance of
the final weights and losses from the first run. Last line: the speed ratio.

    python benchmarks/bf16.py [--steps 30] [--rounds 5]
"""

from __future__ import annotations

import argparse
import copy
import time
from contextlib import nullcontext
from pathlib import Path

import torch
from roofline import sample_set  # benchmarks/ is on the path when a script runs
from torch import nn

from fmnist_lib.data import Batches
from fmnist_lib.evaluation import loss_function
from fmnist_lib.experiments.machine import keep_freed_memory
from fmnist_lib.models import RaschkaAutoencoder
from fmnist_lib.training import seed_everything

BATCH, LR = 32, 5e-4  # ae-raschka-64's paper settings


def cpu_flags() -> set[str]:
    """The processor's feature flags (Linux), empty elsewhere."""
    info = Path("/proc/cpuinfo")
    lines = info.read_text().splitlines() if info.exists() else []
    return next((set(x.split(":")[1].split()) for x in lines if x.startswith("flags")), set())


def train(model: nn.Module, batches: list[torch.Tensor], bf16: bool) -> list[float]:
    """Adam steps on ``batches`` (reconstruction), in bf16 autocast or fp32; the losses."""
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn, losses = loss_function("reconstruction"), []
    for x in batches:
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else nullcontext():
            output = model(x)
        loss = loss_fn(output.float(), x)
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
    return losses


def distance(a: nn.Module, b: nn.Module) -> float:
    """Relative L2 distance between two models' weights."""
    va = torch.cat([p.detach().flatten() for p in a.parameters()])
    vb = torch.cat([p.detach().flatten() for p in b.parameters()])
    return float((va - vb).norm() / va.norm())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    keep_freed_memory()
    flags = cpu_flags()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; AMX: "
          f"{'yes' if 'amx_bf16' in flags else 'no'}, AVX-512 BF16: "
          f"{'yes' if 'avx512_bf16' in flags else 'no'}")  # fmt: skip
    seed_everything(0)
    start = RaschkaAutoencoder().to(memory_format=torch.channels_last)
    batches = [x for x, _ in Batches(sample_set(BATCH * args.steps), BATCH)]
    best = {False: float("inf"), True: float("inf")}
    for r in range(args.rounds):
        for bf16 in (r % 2 == 1, r % 2 == 0):
            model = copy.deepcopy(start)
            train(model, batches[:2], bf16)  # warm-up
            begin = time.perf_counter()
            train(model, batches, bf16)
            best[bf16] = min(best[bf16], (time.perf_counter() - begin) / len(batches))
    runs = {}
    threads = torch.get_num_threads()
    for label, bf16, n in (("fp32", False, threads), ("fp32, 1 thread", False, 1),
                           ("bf16", True, threads)):  # fmt: skip
        torch.set_num_threads(n)
        model = copy.deepcopy(start)
        runs[label] = (model, train(model, batches, bf16))
    torch.set_num_threads(threads)
    reference, losses = runs["fp32"]
    for label, (model, run_losses) in runs.items():
        gap = abs(run_losses[-1] - losses[-1]) / losses[-1]
        print(f"{label:<16} last loss {run_losses[-1]:.6f} (relative gap {gap:.1e}), "
              f"weights {distance(reference, model):.1e} from fp32")  # fmt: skip
    ratio = best[False] / best[True]
    print(f"step: fp32 {1e3 * best[False]:.2f} ms, bf16 {1e3 * best[True]:.2f} ms")
    print("ae-raschka-64: step time fp32 / bf16 autocast")
    print(f"{ratio:.3f}")


if __name__ == "__main__":
    main()
