"""Profile the Raschka autoencoder's epoch on this CPU: which settings waste time?

Measures, in one run, the training throughput (images/s, batch 32, Adam) under: the default
settings, 1 vs all threads, channels_last memory format, and torch.compile; and the validation
throughput at several evaluation batch sizes. Prints each ratio against the default.
"""

from __future__ import annotations

import argparse
import time

import torch
from torch import nn


def train_rate(
    model: nn.Module, images: torch.Tensor, steps: int, channels_last: bool = False
) -> float:
    """Images per second of ``steps`` training steps (after 3 warm-up steps)."""
    opt = torch.optim.Adam(model.parameters(), lr=5e-4)
    loss_fn = nn.MSELoss()
    model.train()

    def step(i: int) -> None:
        x = images[(i * 32) % (len(images) - 32) :][:32].float().div_(255)
        if channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        loss = loss_fn(model(x), x)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        loss.item()

    for i in range(3):
        step(i)
    start = time.perf_counter()
    for i in range(steps):
        step(i)
    return steps * 32 / (time.perf_counter() - start)


def eval_rate(model: nn.Module, images: torch.Tensor, batch_size: int) -> float:
    model.eval()
    start = time.perf_counter()
    with torch.no_grad():
        for i in range(0, len(images), batch_size):
            x = images[i : i + batch_size].float().div_(255)
            nn.functional.mse_loss(model(x), x).item()
    return len(images) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--compile", action="store_true", help="also try torch.compile (slow to warm up)"
    )
    args = parser.parse_args()

    from fmnist_lib.data import load_splits
    from fmnist_lib.models import RaschkaAutoencoder

    splits = load_splits(train_size=5000, val_subset=2000)
    images, val = splits.train.images, splits.val.images
    threads = torch.get_num_threads()

    def fresh() -> nn.Module:
        torch.manual_seed(0)
        return RaschkaAutoencoder()

    def one_thread() -> float:
        torch.set_num_threads(1)
        try:
            return train_rate(fresh(), images, args.steps)
        finally:
            torch.set_num_threads(threads)

    variants = {
        "default": lambda: train_rate(fresh(), images, args.steps),
        "1 thread": one_thread,
        "channels_last": lambda: train_rate(
            fresh().to(memory_format=torch.channels_last), images, args.steps, True
        ),
    }
    rows = {name: 0.0 for name in variants}
    for _ in range(
        args.repeats
    ):  # interleaved, best of: load on the machine hits every variant alike
        for name, run in variants.items():
            rows[name] = max(rows[name], run())
    if args.compile:
        compiled = torch.compile(fresh())
        start = time.perf_counter()
        train_rate(compiled, images, 1)
        print(f"torch.compile warm-up: {time.perf_counter() - start:.0f} s")
        rows["torch.compile"] = max(
            train_rate(compiled, images, args.steps) for _ in range(args.repeats)
        )
    base = rows["default"]
    print(
        f"Raschka AE training, batch 32, {threads} threads by default, {args.steps} steps, best of "
        f"{args.repeats}:"
    )
    for name, rate in rows.items():
        print(f"  {name:<16} {rate:7.0f} images/s   ratio {rate / base:.2f}")

    model = fresh()
    evals = {
        bs: max(eval_rate(model, val, bs) for _ in range(args.repeats))
        for bs in (32, 128, 256, 1000, 2000)
    }
    print("validation pass (no grad) by evaluation batch size:")
    for bs, rate in evals.items():
        print(f"  batch {bs:<5} {rate:7.0f} images/s   ratio vs 1000: {rate / evals[1000]:.2f}")


if __name__ == "__main__":
    main()
