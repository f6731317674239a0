"""Runs of one model trained together against one at a time: the training throughput of three
seeds of each paper model at its paper batch size, in one process with torch's threads.

One at a time: each seed's model takes ``--steps`` steps of ``training.train_one_epoch`` (the
step ``fit`` takes, NHWC weights, ``torch.optim.Adam``), one seed after the other. Together: the
three seeds as one stacked model (``fmnist_lib.experiments.together``: ``vmap`` over the members,
each with its own batches, dropout masks and Adam update) take ``--steps`` steps. Rounds
alternate the two; each keeps its best round. The ratio is images per second together over one
at a time (above 1: together is faster). The machine's GEMM rate is measured beside each round
and the load average printed (the machine is shared: read the ratios against it). Last line:
the «consigna» autoencoder's ratio.

    nice -n 10 python benchmarks/train_together.py [--steps 20] [--rounds 2] [--models ...]
"""

from __future__ import annotations

import argparse
import itertools
import os
import time

import torch

from fmnist_lib.data import Batches, ImageSet
from fmnist_lib.evaluation import loss_function
from fmnist_lib.experiments.registry import EXPERIMENTS, Experiment
from fmnist_lib.experiments.runs import gemm_rate
from fmnist_lib.experiments.together import _batches, _member, _Stack
from fmnist_lib.training import TrainConfig, seed_everything, train_one_epoch

SEEDS = (0, 1, 2)
LAST = "ae-consigna-128"


def _images(n: int) -> ImageSet:
    g = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (n, 1, 28, 28), dtype=torch.uint8, generator=g)
    return ImageSet(images, torch.randint(0, 10, (n,), generator=g))


def _configs(exp: Experiment) -> list[TrainConfig]:
    return [TrainConfig(task=exp.task, epochs=1, batch_size=exp.batch_size, lr=exp.lr, seed=s)
            for s in SEEDS]  # fmt: skip


def _models(exp: Experiment) -> list[torch.nn.Module]:
    models = []
    for seed in SEEDS:
        seed_everything(seed)
        models.append(exp.new_model())
    return models


def alone_s(exp: Experiment, train: ImageSet, steps: int) -> float:
    """Seconds for ``steps`` steps of each seed, one seed after the other."""
    total = 0.0
    for model, config in zip(_models(exp), _configs(exp), strict=True):
        model.to(memory_format=torch.channels_last)
        optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
        order = torch.Generator().manual_seed(config.seed)
        batches = Batches(train, config.batch_size, shuffle=True, generator=order)
        loss_fn = loss_function(config.task)
        train_one_epoch(model, itertools.islice(batches, 2), loss_fn, optimizer,
                        task=config.task)  # warm-up  # fmt: skip
        start = time.perf_counter()
        train_one_epoch(model, itertools.islice(batches, steps), loss_fn, optimizer,
                        task=config.task)  # fmt: skip
        total += time.perf_counter() - start
    return total


def together_s(exp: Experiment, train: ImageSet, steps: int) -> float:
    """Seconds for ``steps`` steps of the three seeds stacked."""
    members = [_member(m, c, None, None, torch.device("cpu"))
               for m, c in zip(_models(exp), _configs(exp), strict=True)]  # fmt: skip
    stack = _Stack(members)
    batches = _batches(stack, train)
    start = 0.0
    for step, (x, y) in enumerate(itertools.islice(batches, steps + 2)):
        if step == 2:  # after the warm-up
            start = time.perf_counter()
        losses, _ = stack.forward(x, y)
        losses.sum().backward()
        stack.update()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=20, help="training steps per timing")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--models", nargs="*", default=None, help="default: the paper's models")
    args = parser.parse_args()
    names = args.models or [e.name for e in EXPERIMENTS.values() if e.group == "paper"]
    print(f"torch threads {torch.get_num_threads()}; load average {os.getloadavg()[0]:.2f}")
    print(f"{'model':<22}{'alone s':>9}{'together s':>12}{'ratio':>7}{'GEMM GFLOP/s':>14}")
    ratio = {}
    for name in names:
        exp = EXPERIMENTS[name]
        train = _images(exp.batch_size * (args.steps + 2))
        alone, together, gemm = float("inf"), float("inf"), []
        for _ in range(args.rounds):
            gemm.append(gemm_rate())
            alone = min(alone, alone_s(exp, train, args.steps))
            together = min(together, together_s(exp, train, args.steps))
        ratio[name] = alone / together
        rates = "/".join(f"{g:.0f}" for g in gemm)
        print(f"{name:<22}{alone:>9.2f}{together:>12.2f}{ratio[name]:>7.2f}{rates:>14}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    last = LAST if LAST in ratio else names[-1]
    print(f"{last}: training throughput, three seeds together over one at a time")
    print(f"{ratio[last]:.3f}")


if __name__ == "__main__":
    main()
