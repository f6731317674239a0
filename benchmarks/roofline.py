"""How close each paper model's training comes to this machine's limit (a roofline, measured).

In one run, with the same threads: the dense fp32 GEMM rate (``runs.gemm_rate``: square
``torch.mm`` of 2048 x 2048, best of several; a run records the same rate at 1024), then, for
every model of the paper's Tables I and II at its paper batch size, the library's own training
step (``train_one_epoch`` on sample batches, as ``fit`` runs it: Adam, the loss read every
batch, channels-last weights, freed memory kept for reuse) and evaluation pass (``evaluate``).
FLOPs come from the layer shapes (``fmnist_lib.arithmetic.trace_shapes``): 2 per multiply-add
forward, a training step 3 times a forward pass (the backward pass computes two gradients per
layer).

A whole epoch is estimated from the measured samples: ``ceil(50,000 / batch)`` steps plus a
validation pass over 10,000 images (the held-out protocol). Then an operator-level profile
(``torch.profiler``) of the Raschka autoencoder's step. The last line is that autoencoder's
whole-epoch fraction of the GEMM rate, a bare number. These machines vary from minute to minute:
read every rate against the GEMM rate measured in the same run.

    python benchmarks/roofline.py [--steps 40] [--profile-steps 20] [--eval-images 2000]
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass

import torch
from torch import nn

from fmnist_lib.arithmetic import trace_shapes
from fmnist_lib.data import Batches, ImageSet
from fmnist_lib.evaluation import evaluate, loss_function
from fmnist_lib.experiments.machine import keep_freed_memory
from fmnist_lib.experiments.registry import EXPERIMENTS, Experiment
from fmnist_lib.experiments.runs import gemm_rate
from fmnist_lib.training import seed_everything, train_one_epoch

TRAIN_IMAGES, VAL_IMAGES = 50_000, 10_000  # the held-out protocol's splits
EVAL_BATCH = 64  # TrainConfig.eval_batch_size
PROFILED = "ae-raschka-64"


def forward_macs(model: nn.Module) -> int:
    """Multiply-adds of one image's forward pass, from the layer shapes."""
    return int(trace_shapes(model, lang="en")["multiply-adds"].sum())


def sample_set(n: int, seed: int = 0) -> ImageSet:
    """``n`` random images and labels (the rates do not depend on the pixels)."""
    g = torch.Generator().manual_seed(seed)
    images = torch.randint(0, 256, (n, 1, 28, 28), dtype=torch.uint8, generator=g)
    return ImageSet(images, torch.randint(0, 10, (n,), generator=g))


def prepared(exp: Experiment) -> nn.Module:
    """The experiment's model, freshly initialised, as ``fit`` prepares it (channels last)."""
    seed_everything(0)
    return exp.new_model().to(memory_format=torch.channels_last)


def step_seconds(exp: Experiment, steps: int) -> float:
    """Seconds per training step: the median of 3 timings of ``steps`` steps (after warm-up)."""
    model = prepared(exp)
    optimizer = torch.optim.Adam(model.parameters(), lr=exp.lr)
    data = sample_set(exp.batch_size * steps)
    loss_fn = loss_function(exp.task)
    batches = list(Batches(data, exp.batch_size))
    train_one_epoch(model, batches[:3], loss_fn, optimizer, task=exp.task)  # warm-up
    times = []
    for _ in range(3):
        start = time.perf_counter()
        train_one_epoch(model, batches, loss_fn, optimizer, task=exp.task)
        times.append((time.perf_counter() - start) / len(batches))
    return sorted(times)[1]


def eval_seconds_per_image(exp: Experiment, images: int = 2_000) -> float:
    """Seconds per image of ``evaluate`` (the validation pass), best of 3."""
    model, data = prepared(exp), sample_set(images, seed=1)
    evaluate(model, sample_set(EVAL_BATCH * 2), exp.task, EVAL_BATCH)  # warm-up
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        evaluate(model, data, exp.task, EVAL_BATCH)
        best = min(best, time.perf_counter() - start)
    return best / images


@dataclass
class Row:
    """One model's measured rates against the machine's GEMM rate."""

    name: str
    batch: int
    mmac: float  # forward multiply-adds per image, millions
    step_ms: float
    epoch_s: float
    step_fraction: float
    epoch_fraction: float
    step_gflops: float


def measure(exp: Experiment, steps: int, peak: float, eval_images: int = 2_000) -> Row:
    """The step, the validation pass and the estimated epoch of ``exp`` against ``peak``."""
    macs = forward_macs(exp.new_model())
    step = step_seconds(exp, steps)
    per_image = eval_seconds_per_image(exp, eval_images)
    n_steps = math.ceil(TRAIN_IMAGES / exp.batch_size)
    epoch = n_steps * step + VAL_IMAGES * per_image
    step_gflops = 6 * macs * exp.batch_size / step / 1e9
    epoch_flop = 6 * macs * TRAIN_IMAGES + 2 * macs * VAL_IMAGES
    return Row(exp.name, exp.batch_size, macs / 1e6, 1e3 * step, epoch,
               step_gflops / peak, epoch_flop / epoch / 1e9 / peak, step_gflops)  # fmt: skip


def profile_step(exp: Experiment, steps: int) -> str:
    """The operators that take the time of ``steps`` training steps, by self CPU time."""
    from torch.profiler import ProfilerActivity, profile

    model = prepared(exp)
    optimizer = torch.optim.Adam(model.parameters(), lr=exp.lr)
    batches = list(Batches(sample_set(exp.batch_size * steps, seed=2), exp.batch_size))
    loss_fn = loss_function(exp.task)
    train_one_epoch(model, batches[:3], loss_fn, optimizer, task=exp.task)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        train_one_epoch(model, batches, loss_fn, optimizer, task=exp.task)
    return prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=15)


def table(rows: list[Row], peak: float) -> str:
    """The rows as a fixed-width table."""
    lines = [
        f"dense fp32 GEMM: {peak:.1f} GFLOP/s ({torch.get_num_threads()} threads)",
        f"{'model':<26}{'batch':>6}{'MMAC/img':>10}{'step ms':>9}{'epoch s':>9}"
        f"{'GFLOP/s':>9}{'step/peak':>10}{'epoch/peak':>11}",
    ]
    for r in rows:
        lines.append(
            f"{r.name:<26}{r.batch:>6}{r.mmac:>10.2f}{r.step_ms:>9.2f}{r.epoch_s:>9.1f}"
            f"{r.step_gflops:>9.1f}{r.step_fraction:>10.2f}{r.epoch_fraction:>11.2f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=40, help="training steps timed per model")
    parser.add_argument("--profile-steps", type=int, default=20)
    parser.add_argument("--eval-images", type=int, default=2_000, help="per validation timing")
    args = parser.parse_args()
    keep_freed_memory()  # as fit does (its own ratio: freed_memory.py)
    paper = [e for e in EXPERIMENTS.values() if e.group == "paper"]
    peak = gemm_rate(2048)
    rows = [measure(e, args.steps, peak, args.eval_images) for e in paper]
    peak_after = gemm_rate(2048)
    print(table(rows, peak))
    print(f"GEMM rate again at the end: {peak_after:.1f} GFLOP/s ({peak_after / peak:.2f} of the "
          "first: a large change means the machine's speed drifted during the run)")  # fmt: skip
    print(f"\nprofile of {PROFILED}'s training step ({args.profile_steps} steps):")
    print(profile_step(EXPERIMENTS[PROFILED], args.profile_steps))
    raschka = next(r for r in rows if r.name == PROFILED)
    print(f"{PROFILED}: whole-epoch fraction of the GEMM rate")
    print(f"{raschka.epoch_fraction:.3f}")


if __name__ == "__main__":
    main()
