"""Each convolution of the Raschka autoencoder (n = 64) alone, forward and backward at batch 32,
in both memory formats (channels last, as ``fit`` runs it, and contiguous NCHW) and on both
backends (oneDNN, and PyTorch's own im2col kernels with oneDNN switched off).

Would choosing the format or the backend per layer pay? The four variants of a layer are timed
interleaved, round after round, each keeping its best round; the layer's multiply-adds (forward
and both gradients) give the library's variant's GFLOP/s (the last column). A layer is timed
alone, each pass also making its output gradient and adding into the weights' gradients, so
the sum is not the step's time: read the columns against each other. Last line: the sum of every
layer's best variant over the sum of the library's (below 1: the most that choosing per layer
could save).

    python benchmarks/layers.py [--reps 20] [--rounds 5]
"""

from __future__ import annotations

import argparse
import copy
import time
from collections.abc import Callable

import torch
from torch import nn

from fmnist_lib.arithmetic import multiply_adds
from fmnist_lib.experiments.machine import keep_freed_memory
from fmnist_lib.models import RaschkaAutoencoder

BATCH = 32
VARIANTS = {  # name: (memory format, oneDNN enabled)
    "NHWC oneDNN": (torch.channels_last, True),  # the library's
    "NCHW oneDNN": (torch.contiguous_format, True),
    "NHWC native": (torch.channels_last, False),
    "NCHW native": (torch.contiguous_format, False),
}


def conv_layers() -> list[tuple[nn.Module, tuple[int, ...], int]]:
    """The model's convolutions, each with its input shape (batch 32) and multiply-adds."""
    model, found = RaschkaAutoencoder(hidden_size=64), []

    def record(layer: nn.Module, inputs: tuple[torch.Tensor], output: torch.Tensor) -> None:
        shape = tuple(inputs[0].shape)
        found.append((layer, shape, BATCH * multiply_adds(layer, shape[1:], output.shape[1:])))

    convs = [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
    hooks = [layer.register_forward_hook(record) for layer in convs]
    with torch.no_grad():
        model(torch.rand(BATCH, 1, 28, 28))
    for hook in hooks:
        hook.remove()
    return found


def timer(layer: nn.Module, shape: tuple[int, ...], fmt: torch.memory_format, onednn: bool,
          reps: int) -> Callable[[], float]:  # fmt: skip
    """Seconds per forward + backward of ``layer`` on a random input (an input gradient too,
    except for the first layer, whose input is the image)."""
    layer = copy.deepcopy(layer).to(memory_format=fmt)  # each variant its own copy
    x = torch.rand(shape).contiguous(memory_format=fmt).requires_grad_(shape[1] > 1)

    def run() -> float:
        with torch.backends.mkldnn.flags(enabled=onednn):
            start = time.perf_counter()
            for _ in range(reps):
                y = layer(x)
                y.backward(torch.ones_like(y))
            return (time.perf_counter() - start) / reps

    return run


def flops(shape: tuple[int, ...], macs: int) -> float:
    """Forward and backward floating-point operations: 2 per multiply-add, 3 passes (2 for the
    first layer, which needs no input gradient)."""
    return 2.0 * (3 if shape[1] > 1 else 2) * macs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=20, help="passes per timing")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    keep_freed_memory()
    torch.manual_seed(0)
    print(
        f"{'layer':<34}" + "".join(f"{v:>13}" for v in VARIANTS) + f"{'GFLOP/s':>9}"
    )  # the library's
    library_sum = best_sum = 0.0
    for layer, shape, macs in conv_layers():
        timers = {v: timer(layer, shape, *VARIANTS[v], args.reps) for v in VARIANTS}
        best = dict.fromkeys(VARIANTS, float("inf"))
        for _ in range(args.rounds):
            for v, run in timers.items():
                best[v] = min(best[v], run())
        library_sum, best_sum = library_sum + best["NHWC oneDNN"], best_sum + min(best.values())
        name = f"{type(layer).__name__} {shape[1]}->{layer.out_channels} {tuple(shape[2:])}"
        rate = flops(shape, macs) / best["NHWC oneDNN"] / 1e9
        print(f"{name:<34}" + "".join(f"{1e3 * best[v]:>10.2f} ms" for v in VARIANTS)
              + f"{rate:>9.0f}")  # fmt: skip
    print("every layer's best variant over the library's (NHWC oneDNN), summed")
    print(f"{best_sum / library_sum:.3f}")


if __name__ == "__main__":
    main()
