"""bf16 autocast against fp32 (``--precision bf16``): every paper model's training step, and how
far the Raschka autoencoder's numbers move (why it is not a free speed-up).

Speed: the library's own step (``train_one_epoch``, as ``fit`` runs it: Adam, channels-last
weights, freed memory kept for reuse) with ``precision="fp32"`` and ``"bf16"``, for each model of
the paper's Tables I and II at its paper batch size, timed interleaved, best of ``--rounds``, as a
ratio (fp32 time / bf16 time; above 1: bf16 is faster). It depends on the processor: with Intel's
AMX tile units bf16 convolutions and matrix products run on them; without (AVX-512 BF16 alone)
they can be slower than fp32. Beside it: the processor's AMX flags (``/proc/cpuinfo``), the load
average, and the dense GEMM rate in fp32 and in bf16, before and after (the machine drifts).
Numerics: the Raschka autoencoder trained ``--numerics-steps`` steps on the same batches three
ways, fp32, fp32 with another thread count (a difference of float rounding only) and bf16; the
relative distance of the final weights and losses from the first run. Last line: that model's
speed ratio.

    python benchmarks/bf16.py [--steps 10] [--rounds 3] [--models NAME ...] [--threads N]
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path

import torch
from roofline import prepared, sample_set  # benchmarks/ is on the path when a script runs
from torch import nn

from fmnist_lib.data import Batches
from fmnist_lib.evaluation import loss_function
from fmnist_lib.experiments.machine import keep_freed_memory
from fmnist_lib.experiments.registry import EXPERIMENTS, Experiment
from fmnist_lib.settings import default_device
from fmnist_lib.training import train_one_epoch

NUMERICS = "ae-raschka-64"  # the model whose weights are compared, and the last line's


def cpu_flags() -> set[str]:
    """The processor's feature flags (Linux), empty elsewhere."""
    info = Path("/proc/cpuinfo")
    lines = info.read_text().splitlines() if info.exists() else []
    return next((set(x.split(":")[1].split()) for x in lines if x.startswith("flags")), set())


def cpu_name() -> str:
    """The processor's model name (Linux), else what ``platform`` says."""
    info = Path("/proc/cpuinfo")
    lines = info.read_text().splitlines() if info.exists() else []
    names = [x.split(":", 1)[1].strip() for x in lines if x.startswith("model name")]
    return names[0] if names else platform.processor() or platform.machine()


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def gemm_rate(dtype: torch.dtype, device: torch.device, n: int = 1024, repeats: int = 5) -> float:
    """The dense matrix-multiply rate in ``dtype``, GFLOP/s: best of ``repeats`` n x n products
    (as ``experiments.runs.gemm_rate``, which is fp32's)."""
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    best = float("inf")
    for attempt in range(repeats + 1):  # the first is a warm-up
        sync(device)
        start = time.perf_counter()
        torch.mm(a, b)
        sync(device)
        if attempt:
            best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def steps(model: nn.Module, exp: Experiment, batches: list, precision: str,
          on_batch: Callable[..., None] | None = None) -> float:  # fmt: skip
    """The library's training steps on ``batches``; seconds per step."""
    optimizer = torch.optim.Adam(model.parameters(), lr=exp.lr)
    device = batches[0][0].device
    sync(device)
    start = time.perf_counter()
    train_one_epoch(model, batches, loss_function(exp.task), optimizer, task=exp.task,
                    on_batch=on_batch, precision=precision)  # fmt: skip
    sync(device)
    return (time.perf_counter() - start) / len(batches)


def step_times(exp: Experiment, n: int, rounds: int, device: torch.device) -> dict[str, float]:
    """fp32's and bf16's best seconds per step over ``rounds``, interleaved (the first of each
    round alternating), each from the same fresh model on the same batches after a warm-up."""
    start = prepared(exp).to(device)
    batches = list(Batches(sample_set(exp.batch_size * n), exp.batch_size, device=device))
    best = {"fp32": float("inf"), "bf16": float("inf")}
    for r in range(rounds):
        for precision in ("fp32", "bf16") if r % 2 == 0 else ("bf16", "fp32"):
            model = copy.deepcopy(start)
            steps(model, exp, batches[:2], precision)  # warm-up
            best[precision] = min(best[precision], steps(model, exp, batches, precision))
    return best


def distance(a: nn.Module, b: nn.Module) -> float:
    """Relative L2 distance between two models' weights."""
    va = torch.cat([p.detach().flatten() for p in a.parameters()])
    vb = torch.cat([p.detach().flatten() for p in b.parameters()])
    return float((va - vb).norm() / va.norm())


def recorder(losses: list[float]) -> Callable[..., None]:
    """A ``train_one_epoch`` batch hook that appends each batch's loss to ``losses``."""
    return lambda batch, output, labels, loss: losses.append(loss)


def numerics(exp: Experiment, n: int, device: torch.device) -> None:
    """``n`` steps fp32, fp32 with one thread and bf16 from the same weights on the same
    batches: the last loss and the weights' distance from fp32's."""
    start = prepared(exp).to(device)
    batches = list(Batches(sample_set(exp.batch_size * n), exp.batch_size, device=device))
    runs, threads = {}, torch.get_num_threads()
    other = 1 if threads > 1 else 2  # another thread count: float rounding's own difference
    for label, precision, k in (("fp32", "fp32", threads),
                                (f"fp32, {other} thread{'s' * (other > 1)}", "fp32", other),
                                ("bf16", "bf16", threads)):  # fmt: skip
        torch.set_num_threads(k)
        model, losses = copy.deepcopy(start), []
        steps(model, exp, batches, precision, on_batch=recorder(losses))
        runs[label] = (model, losses)
    torch.set_num_threads(threads)
    reference, fp32_losses = runs["fp32"]
    for label, (model, losses) in runs.items():
        gap = abs(losses[-1] - fp32_losses[-1]) / fp32_losses[-1]
        print(f"{label:<16} last loss {losses[-1]:.6f} (relative gap {gap:.1e}), "
              f"weights {distance(reference, model):.1e} from fp32")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=10, help="training steps timed per model")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--numerics-steps", type=int, default=30)
    parser.add_argument("--models", nargs="*", default=None, help="default: the paper's models")
    parser.add_argument("--threads", type=int, default=None, help="default: torch's")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    keep_freed_memory()
    device, flags = default_device(), cpu_flags()
    amx = sorted(f for f in flags if f.startswith("amx"))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {device}; "
          f"{cpu_name()}; AMX: {' '.join(amx) if amx else 'no'}, AVX-512 BF16: "
          f"{'yes' if 'avx512_bf16' in flags else 'no'}")  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.2f}; GEMM fp32 "
          f"{gemm_rate(torch.float32, device):.1f} GFLOP/s, bf16 "
          f"{gemm_rate(torch.bfloat16, device):.1f} GFLOP/s")  # fmt: skip
    names = args.models or [e.name for e in EXPERIMENTS.values() if e.group == "paper"]
    print(f"{'model':<22}{'batch':>6}{'fp32 ms':>10}{'bf16 ms':>10}  fp32 / bf16")
    ratios = {}
    for name in names:
        exp = EXPERIMENTS[name]
        best = step_times(exp, args.steps, args.rounds, device)
        ratios[name] = best["fp32"] / best["bf16"]
        print(f"{name:<22}{exp.batch_size:>6}{1e3 * best['fp32']:>10.2f}"
              f"{1e3 * best['bf16']:>10.2f}  x{ratios[name]:.2f}", flush=True)  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.2f}; GEMM fp32 "
          f"{gemm_rate(torch.float32, device):.1f} GFLOP/s, bf16 "
          f"{gemm_rate(torch.bfloat16, device):.1f} GFLOP/s (after)")  # fmt: skip
    numerics(EXPERIMENTS[NUMERICS], args.numerics_steps, device)
    if NUMERICS in ratios:
        print(f"{NUMERICS}: step time fp32 / bf16 autocast")
        print(f"{ratios[NUMERICS]:.3f}")


if __name__ == "__main__":
    main()
