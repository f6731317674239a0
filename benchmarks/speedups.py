"""Candidate speed-ups of the Raschka autoencoder's training step and validation pass, each as a
ratio against the library's current code, measured in the same run.

Every candidate keeps the model and the numerics (up to float rounding). The variants are timed
interleaved, round after round (a drift in the machine's speed hits all of them), and each
keeps its best round. A ratio above 1 is faster than the library's code. The results, with the
decisions taken, are in benchmarks/README.md ("Speed-ups tried").

    python benchmarks/speedups.py [--steps 30] [--rounds 5]
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F
from roofline import sample_set  # benchmarks/ is on the path when a script runs
from torch import nn

from fmnist_lib.data import Batches
from fmnist_lib.evaluation import evaluate, loss_function, target_of
from fmnist_lib.models import RaschkaAutoencoder
from fmnist_lib.settings import keep_freed_memory
from fmnist_lib.training import seed_everything, train_one_epoch

BATCH, LR = 32, 5e-4  # ae-raschka-64's paper settings
Variant = Callable[[], float]  # runs the measured work once, returns its seconds


class _AdjointDeconv(torch.autograd.Function):
    """A stride-2 transposed convolution computed as what it is, the adjoint of a convolution:
    forward with oneDNN's convolution backward-data (1.6-1.9x faster than its deconvolution
    primitive for these shapes, bit-identical), backward with a forward convolution (input
    gradient) and the convolution's weight gradient."""

    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding, out_hw):  # type: ignore[override]
        shape = (x.shape[0], weight.shape[1], *out_hw)
        y = torch.ops.aten.convolution_backward(
            x, x.new_empty(1).expand(shape), weight, None, stride, padding, (1, 1), False,
            (0, 0), 1, (True, False, False))[0]  # fmt: skip
        y.permute(0, 2, 3, 1).add_(bias)  # channels last: the bias is the innermost axis
        ctx.save_for_backward(x, weight)
        ctx.stride, ctx.padding = stride, padding
        return y

    @staticmethod
    def backward(ctx, gy):  # type: ignore[override]
        x, weight = ctx.saved_tensors
        gx = F.conv2d(gy, weight, None, ctx.stride, ctx.padding)
        gw = torch.ops.aten.convolution_backward(
            x, gy, weight, None, ctx.stride, ctx.padding, (1, 1), False, (0, 0), 1,
            (False, True, False))[1]  # fmt: skip
        return gx, gw, gy.sum((0, 2, 3)), None, None, None


class AdjointConvTranspose2d(nn.ConvTranspose2d):
    """``nn.ConvTranspose2d`` with ``_AdjointDeconv`` for its stride-2 layers."""

    def forward(self, x: torch.Tensor, output_size: list[int] | None = None) -> torch.Tensor:
        if self.stride == (1, 1) or self.output_padding != (0, 0):
            return super().forward(x, output_size)
        k, s, p = self.kernel_size, self.stride, self.padding
        out_hw = tuple((x.shape[i + 2] - 1) * s[i] - 2 * p[i] + k[i] for i in (0, 1))
        return _AdjointDeconv.apply(x, self.weight, self.bias, s, p, out_hw)


def model(inplace: bool = False, identity_dropout: bool = False, adjoint: bool = False
          ) -> nn.Module:  # fmt: skip
    """The Raschka autoencoder (n = 64), channels last, as ``fit`` prepares it; optionally with
    in-place LeakyReLU, ``Dropout(0)`` replaced by ``Identity`` (the same function), or its
    transposed convolutions computed by ``AdjointConvTranspose2d`` (the same weights)."""
    seed_everything(0)
    m = RaschkaAutoencoder(hidden_size=64)
    for parent in m.modules():
        for name, child in parent.named_children():
            if inplace and isinstance(child, nn.LeakyReLU):
                setattr(parent, name, nn.LeakyReLU(child.negative_slope, inplace=True))
            if identity_dropout and isinstance(child, nn.Dropout) and child.p == 0:
                setattr(parent, name, nn.Identity())
            if adjoint and type(child) is nn.ConvTranspose2d:
                twin = AdjointConvTranspose2d(
                    child.in_channels, child.out_channels, child.kernel_size, child.stride,
                    child.padding)  # fmt: skip
                twin.load_state_dict(child.state_dict())
                setattr(parent, name, twin)
    return m.to(memory_format=torch.channels_last)


def training(steps: int, adam: dict[str, bool] | None = None, **kinds: bool) -> Variant:
    """``steps`` training steps of ``train_one_epoch`` with the given Adam options and model."""
    m = model(**kinds)
    optimizer = torch.optim.Adam(m.parameters(), lr=LR, **(adam or {}))
    batches = list(Batches(sample_set(BATCH * steps), BATCH))
    loss_fn = loss_function("reconstruction")
    train_one_epoch(m, batches[:3], loss_fn, optimizer, task="reconstruction")  # warm-up

    def run() -> float:
        start = time.perf_counter()
        train_one_epoch(m, batches, loss_fn, optimizer, task="reconstruction")
        return time.perf_counter() - start

    return run


def validation(images: int, batch: int, inference: bool) -> Variant:
    """A validation pass over ``images``: the library's ``evaluate`` (``no_grad``), or the same
    loop under ``torch.inference_mode`` (no version counters, no autograd records)."""
    m, data = model(), sample_set(images, seed=1)
    loss_fn = loss_function("reconstruction")

    def with_inference_mode() -> None:
        m.eval()
        total = 0.0
        with torch.inference_mode():
            for x, y in Batches(data, batch):
                total += loss_fn(m(x), target_of("reconstruction", x, y)).item() * len(x)

    def run() -> float:
        start = time.perf_counter()
        with_inference_mode() if inference else evaluate(m, data, "reconstruction", batch)
        return time.perf_counter() - start

    run()  # warm-up
    return run


def best_of(variants: dict[str, Variant], rounds: int) -> dict[str, float]:
    """Each variant's best time over ``rounds`` interleaved rounds, in a new random order each
    round (so that no variant always follows the same one)."""
    best = dict.fromkeys(variants, math.inf)
    order = list(variants)
    shuffler = random.Random(0)
    for _ in range(rounds):
        shuffler.shuffle(order)
        for name in order:
            best[name] = min(best[name], variants[name]())
    return best


def report(title: str, times: dict[str, float], unit: float, unit_name: str) -> None:
    """The times, and each one's speed as a ratio against the first (the library's)."""
    base = next(iter(times.values()))
    print(f"\n{title}")
    for name, t in times.items():
        print(f"  {name:<44}{t / unit * 1e3:>8.2f} ms/{unit_name}  x{base / t:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    keep_freed_memory()  # as fit does (its own ratio: freed_memory.py)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    steps = {
        "library (Adam default, LeakyReLU, Dropout(0))": training(args.steps),
        "Adam(foreach=True)": training(args.steps, {"foreach": True}),
        "Adam(fused=True)": training(args.steps, {"fused": True}),
        "LeakyReLU(inplace=True)": training(args.steps, inplace=True),
        "Dropout(0) -> Identity": training(args.steps, identity_dropout=True),
        "stride-2 ConvTranspose2d as adjoint conv": training(args.steps, adjoint=True),
    }
    report("training step, batch 32", best_of(steps, args.rounds), args.steps, "step")
    evals = {
        "library evaluate (no_grad), batch 64": validation(2000, 64, inference=False),
        "inference_mode, batch 64": validation(2000, 64, inference=True),
        "no_grad, batch 256": validation(2000, 256, inference=False),
        "no_grad, batch 1000": validation(2000, 1000, inference=False),
    }
    report("validation pass", best_of(evals, args.rounds), 2000, "image")


if __name__ == "__main__":
    main()
