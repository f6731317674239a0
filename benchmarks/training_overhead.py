"""``fit`` against ``train_one_epoch`` alone, on the same data (Raschka autoencoder, batch 32).

Both run one training epoch (Adam, MSE, the loss read every batch as the paper reports it) and
one validation pass with the same evaluation batch and memory layout, so only what ``fit`` adds
differs: the NaN guard, train accuracy bookkeeping, history, early stopping and an atomic
checkpoint. Measured interleaved (drift in machine speed hits both), best of ``--repeats``.
Last line: fit's throughput as a fraction of the bare epoch's.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch

from fmnist_lib.data import Batches, ImageSet, load_splits
from fmnist_lib.evaluation import evaluate, loss_function
from fmnist_lib.models import RaschkaAutoencoder
from fmnist_lib.training import TrainConfig, fit, seed_everything, train_one_epoch


def bare_epoch(train: ImageSet, val: ImageSet, config: TrainConfig) -> float:
    """Seconds for ``train_one_epoch`` plus one validation pass, nothing else."""
    seed_everything(0)
    model = RaschkaAutoencoder().to(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    order = torch.Generator().manual_seed(0)
    batches = Batches(train, config.batch_size, shuffle=True, generator=order)
    start = time.perf_counter()
    train_one_epoch(model, batches, loss_function(config.task), optimizer, task=config.task)
    evaluate(model, val, config.task, config.eval_batch_size)
    return time.perf_counter() - start


def fit_epoch(train: ImageSet, val: ImageSet, config: TrainConfig, checkpoint: Path) -> float:
    """Seconds for ``fit`` to run the same epoch, checkpoint included."""
    seed_everything(0)
    model = RaschkaAutoencoder()
    start = time.perf_counter()
    fit(model, train, val, config, checkpoint=checkpoint, device="cpu", progress=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train-size", type=int, default=10_000, help="training images")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    splits = load_splits(train_size=args.train_size, val_subset=2000)
    config = TrainConfig("reconstruction", epochs=1, batch_size=32, lr=5e-4)
    bare, ours = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeats):
            bare.append(bare_epoch(splits.train, splits.val, config))
            ours.append(fit_epoch(splits.train, splits.val, config, Path(tmp) / f"c{r}.pt"))
    n, b, o = len(splits.train), min(bare), min(ours)
    print(f"{n} training + {len(splits.val)} validation images, Raschka AE, batch 32, "
          f"torch threads {torch.get_num_threads()}, best of {args.repeats}")  # fmt: skip
    print(f"train_one_epoch + evaluate:  {b:7.2f} s  ({n / b:7.0f} images/s)")
    print(f"fit (checkpoint, history):   {o:7.2f} s  ({n / o:7.0f} images/s)")
    print(f"ratio {b / o:.3f}")


if __name__ == "__main__":
    main()
