"""``fit`` against a bare PyTorch loop on the same tensors (Raschka autoencoder, batch 32), one
run. Both do one training epoch (Adam, MSE, the loss read every batch as the paper reports it)
and one validation pass. Last line: fit's throughput as a fraction of the bare loop's (goal >= 0.90)."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch
from torch import nn


def bare_epoch(model: nn.Module, train, val, batch_size: int, lr: float) -> float:
    """The textbook loop: shuffle, slice, forward, loss, backward, step; then validate.
    Same layout and evaluation batch as ``fit`` (channels_last, 64), so only the overhead differs."""
    model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    gen = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    model.train()
    order = torch.randperm(len(train.images), generator=gen)
    images = train.images[order]
    total = 0.0
    for i in range(0, len(images), batch_size):
        x = images[i:i + batch_size].float().div_(255)
        loss = loss_fn(model(x), x)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        total += loss.item()
    model.eval()
    with torch.no_grad():
        for i in range(0, len(val.images), 64):
            x = val.images[i:i + 64].float().div_(255)
            loss_fn(model(x), x).item()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train-size", type=int, default=10_000, help="training images per epoch")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    from fmnist_lib.data import load_splits
    from fmnist_lib.models import RaschkaAutoencoder
    from fmnist_lib.training import TrainConfig, fit, seed_everything

    splits = load_splits(train_size=args.train_size, val_subset=2000)
    cfg = TrainConfig("reconstruction", epochs=1, batch_size=32, lr=5e-4)
    bare, ours = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeats):  # interleaved, so that drift in machine speed hits both
            seed_everything(0)
            bare.append(bare_epoch(RaschkaAutoencoder(), splits.train, splits.val, 32, 5e-4))
            seed_everything(0)
            start = time.perf_counter()
            fit(RaschkaAutoencoder(), splits.train, splits.val, cfg, checkpoint=Path(tmp) / f"c{r}.pt",
                device="cpu", progress=True)
            ours.append(time.perf_counter() - start)
    n = len(splits.train)
    b, o = min(bare), min(ours)
    print(f"{n} training + {len(splits.val)} validation images, Raschka AE, batch 32, "
          f"torch threads {torch.get_num_threads()}, best of {args.repeats}")
    print(f"bare loop:                      {b:7.2f} s  ({n / b:7.0f} images/s)")
    print(f"fit (checkpoint, history, bar): {o:7.2f} s  ({n / o:7.0f} images/s)")
    print(f"ratio {b / o:.3f}")


if __name__ == "__main__":
    main()
