"""Candidate speed-ups of the Raschka autoencoder's training step and validation pass, each as a
ratio against the library's current code, measured in the same run.

Every candidate keeps the model and the numerics (up to float rounding). The variants are timed
interleaved, round after round (a drift in the machine's speed hits all of them), and each
keeps its best round. A ratio above 1 is faster than the library's code. The last training row
is the library's code again, a second copy built after the others: its ratio is the run's noise,
the yardstick for the others (identical code has read up to 1.1 faster than the first copy).
The results, with the decisions taken, are in benchmarks/README.md ("Speed-ups tried").

    python benchmarks/speedups.py [--steps 30] [--rounds 9] [--compile]
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections.abc import Callable
from typing import Any, cast

import torch
import torch.nn.functional as F
from roofline import sample_set  # benchmarks/ is on the path when a script runs
from torch import nn

from fmnist_lib.data import Batches
from fmnist_lib.evaluation import evaluate, loss_function, target_of
from fmnist_lib.experiments.machine import keep_freed_memory
from fmnist_lib.models import RaschkaAutoencoder
from fmnist_lib.training import seed_everything, train_one_epoch

BATCH, LR = 32, 5e-4  # ae-raschka-64's paper settings
Variant = Callable[[], float]  # runs the measured work once, returns its seconds


def _keep_for_backward(
    ctx: Any, x: torch.Tensor, weight: torch.Tensor, stride: Any, padding: Any
) -> None:
    """What both hand-written transposed convolutions below need for their backward pass."""
    ctx.save_for_backward(x, weight)
    ctx.stride, ctx.padding = stride, padding


class _AdjointDeconv(torch.autograd.Function):
    """A stride-2 transposed convolution computed as what it is, the adjoint of a convolution:
    forward with oneDNN's convolution backward-data (1.6-1.9x faster than its deconvolution
    primitive for these shapes, the same outputs), backward with a forward convolution (input
    gradient) and the convolution's weight gradient."""

    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding, out_hw):  # type: ignore[override]
        shape = (x.shape[0], weight.shape[1], *out_hw)
        y = torch.ops.aten.convolution_backward(
            x, x.new_empty(1).expand(shape), weight, None, stride, padding, (1, 1), False,
            (0, 0), 1, (True, False, False))[0]  # fmt: skip
        y.permute(0, 2, 3, 1).add_(bias)  # channels last: the bias is the innermost axis
        _keep_for_backward(ctx, x, weight, stride, padding)
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


def _taps(parity: int, padding: int) -> tuple[list[int], int]:
    """For a stride-2, kernel-3 transposed convolution: the kernel taps that reach the outputs
    of one parity along an axis (in correlation order) and the input offset of the first."""
    ks = [k for k in range(3) if (k - parity - padding) % 2 == 0]
    return ks[::-1], (parity + padding - ks[-1]) // 2


class SubpixelConvTranspose2d(nn.ConvTranspose2d):
    """``nn.ConvTranspose2d`` whose stride-2, kernel-3 layers run as four stride-1 convolutions,
    one per output parity (rows, columns), with 2x2, 2x1, 1x2 and 1x1 slices of the kernel:
    no multiplication by the zeros a transposed convolution inserts. Same function up to float
    rounding."""

    def forward(self, x: torch.Tensor, output_size: list[int] | None = None) -> torch.Tensor:
        plain = self.groups == 1 and self.dilation == (1, 1) and self.output_padding == (0, 0)
        square = self.padding[0] == self.padding[1]
        if self.stride != (2, 2) or self.kernel_size != (3, 3) or not (plain and square):
            return super().forward(x, output_size)
        p, (n, _, h, w) = self.padding[0], x.shape
        out_h, out_w = 2 * h - 2 * p + 1, 2 * w - 2 * p + 1
        out = torch.empty(n, self.out_channels, out_h, out_w, dtype=x.dtype, device=x.device,
                          memory_format=torch.channels_last)  # fmt: skip
        for rh in (0, 1):
            kh, dh = _taps(rh, p)
            nh = len(range(rh, out_h, 2))
            for rw in (0, 1):
                kw, dw = _taps(rw, p)
                nw = len(range(rw, out_w, 2))
                kernel = self.weight[:, :, kh][:, :, :, kw].transpose(0, 1)
                pads = (-dw, dw + nw + len(kw) - 1 - w, -dh, dh + nh + len(kh) - 1 - h)
                out[:, :, rh::2, rw::2] = F.conv2d(F.pad(x, pads), kernel, self.bias)
        return out


class _NativeDeconv(torch.autograd.Function):
    """A transposed convolution forward and backward with oneDNN switched off (PyTorch's own
    im2col kernels), for the one layer where those were faster alone."""

    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding):  # type: ignore[override]
        with torch.backends.mkldnn.flags(enabled=False):
            y = F.conv_transpose2d(x, weight, bias, stride, padding)
        _keep_for_backward(ctx, x, weight, stride, padding)
        return y

    @staticmethod
    def backward(ctx, gy):  # type: ignore[override]
        x, weight = ctx.saved_tensors
        with torch.backends.mkldnn.flags(enabled=False):
            gx, gw, gb = torch.ops.aten.convolution_backward(
                gy, x, weight, [weight.shape[1]], ctx.stride, ctx.padding, (1, 1), True,
                (0, 0), 1, (True, True, True))  # fmt: skip
        return gx, gw, gb, None, None


class NativeConvTranspose2d(nn.ConvTranspose2d):
    """``nn.ConvTranspose2d`` without oneDNN for the 64 -> 32 stride-2 layer (13 -> 27), the one
    that ran 1.26x faster alone that way (fwd + bwd, channels last, batch 32)."""

    def forward(self, x: torch.Tensor, output_size: list[int] | None = None) -> torch.Tensor:
        plain = self.groups == 1 and self.dilation == (1, 1) and self.bias is not None
        if self.stride != (2, 2) or self.padding != (0, 0) or self.output_padding != (0, 0):
            plain = False
        if not plain:
            return super().forward(x, output_size)
        return _NativeDeconv.apply(x, self.weight, self.bias, self.stride, self.padding)


def model(inplace: bool = False, identity_dropout: bool = False,
          deconv: type[nn.ConvTranspose2d] | None = None) -> nn.Module:  # fmt: skip
    """The Raschka autoencoder (n = 64), channels last, as ``fit`` prepares it; optionally with
    in-place LeakyReLU, ``Dropout(0)`` replaced by ``Identity`` (the same function), or its
    transposed convolutions computed by ``deconv`` (one of the classes above, same weights)."""
    seed_everything(0)
    m = RaschkaAutoencoder(hidden_size=64)
    for parent in m.modules():
        for name, child in parent.named_children():
            if inplace and isinstance(child, nn.LeakyReLU):
                setattr(parent, name, nn.LeakyReLU(child.negative_slope, inplace=True))
            if identity_dropout and isinstance(child, nn.Dropout) and child.p == 0:
                setattr(parent, name, nn.Identity())
            if deconv and type(child) is nn.ConvTranspose2d:
                twin = deconv(child.in_channels, child.out_channels, child.kernel_size,
                              child.stride, child.padding)  # fmt: skip
                twin.load_state_dict(child.state_dict())
                setattr(parent, name, twin)
    return m.to(memory_format=torch.channels_last)


def training(
    steps: int, adam: dict[str, bool] | None = None, compiled: bool = False, **kinds: Any
) -> Variant:
    """``steps`` training steps of ``train_one_epoch`` with the given Adam options and model,
    the model run by ``torch.compile`` if ``compiled`` (compiled in the warm-up)."""
    m = model(**kinds)
    optimizer = torch.optim.Adam(m.parameters(), lr=LR, **(adam or {}))
    batches = list(Batches(sample_set(BATCH * steps), BATCH))
    loss_fn = loss_function("reconstruction")
    if compiled:
        m = cast(nn.Module, torch.compile(m))
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
        print(f"  {name:<48}{t / unit * 1e3:>8.2f} ms/{unit_name}  x{base / t:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--compile", action="store_true", help="also torch.compile (~30 s more)")
    args = parser.parse_args()
    keep_freed_memory()  # as fit does (its own ratio: freed_memory.py)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    steps = {
        "library (Adam default, LeakyReLU, Dropout(0))": training(args.steps),
        "Adam(foreach=True)": training(args.steps, {"foreach": True}),
        "Adam(fused=True)": training(args.steps, {"fused": True}),
        "LeakyReLU(inplace=True)": training(args.steps, inplace=True),
        "Dropout(0) -> Identity": training(args.steps, identity_dropout=True),
        "stride-2 ConvTranspose2d as adjoint conv": training(
            args.steps, deconv=AdjointConvTranspose2d
        ),
        "stride-2 ConvTranspose2d as 4 sub-pixel convs": training(
            args.steps, deconv=SubpixelConvTranspose2d
        ),
        "64->32 ConvTranspose2d without oneDNN": training(args.steps, deconv=NativeConvTranspose2d),
    }
    if args.compile:
        steps["torch.compile(model)"] = training(args.steps, compiled=True)
    steps["library again, built last (the noise)"] = training(args.steps)
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
