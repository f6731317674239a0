"""Looking inside models and training: per-layer gradient norms (the instrument for the lessons on
vanishing and exploding gradients), dead ReLU units and where a reconstruction errs."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd
import torch
from torch import nn

from .data import Batches, ImageSet
from .evaluation import eval_mode, loss_function, model_device, target_of
from .training import OPTIMIZERS, seed_everything


def layer_gradient_norms(model: nn.Module) -> dict[str, float]:
    """L2 norm of the gradient of every weight matrix/kernel (biases left out), by layer name."""
    return {
        name.removesuffix(".weight"): p.grad.norm().item()
        for name, p in model.named_parameters()
        if name.endswith("weight") and p.grad is not None
    }


def track_gradients(
    model: nn.Module,
    data: ImageSet,
    task: str,
    steps: int = 200,
    lr: float = 1e-3,
    batch_size: int = 64,
    optimizer: str = "adam",
    every: int = 10,
    seed: int = 0,
) -> pd.DataFrame:
    """Train for ``steps`` mini-batches and record the loss and every layer's gradient norm.

    A deliberately small loop (no validation, no checkpoints): it exists to look at gradients.
    Returns one row per recorded step and layer: ``step, layer, depth, grad_norm, loss``.
    A non-finite loss ends the recording early (the last row shows it).
    """
    if steps < 1 or every < 1:
        raise ValueError("steps and every must be >= 1")
    seed_everything(seed)
    opt = OPTIMIZERS[optimizer](model.parameters(), lr=lr)
    loss_fn = loss_function(task)
    rows: list[dict] = []
    step = 0
    model.train()
    gen = torch.Generator().manual_seed(seed)
    while step < steps:
        for x, y in Batches(data, batch_size, shuffle=True, generator=gen):
            loss = loss_fn(model(x), target_of(task, x, y))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            step += 1
            finite = math.isfinite(loss.item())
            if step % every == 0 or step == 1 or not finite:
                for depth, (layer, norm) in enumerate(layer_gradient_norms(model).items(), start=1):
                    rows.append(
                        {
                            "step": step,
                            "layer": layer,
                            "depth": depth,
                            "grad_norm": norm,
                            "loss": loss.item(),
                        }
                    )
            if not finite or step >= steps:
                return pd.DataFrame(rows)
            opt.step()
    return pd.DataFrame(rows)


def dead_units(model: nn.Module, data: ImageSet, batch_size: int = 500) -> pd.DataFrame:
    """Units that are zero on *every* image of ``data``, after each ReLU of ``model``.

    A ReLU unit whose input stays negative outputs 0 and passes no gradient: once dead, it
    stays dead, and the layer works with fewer units than it has. One row per ReLU: its name,
    its units per image (channels × positions for a convolution) and how many are dead. Runs
    in eval mode without gradients (dropout off), and restores the model's mode.
    """
    alive: dict[str, torch.Tensor] = {}

    def watch(name: str) -> Callable[[nn.Module, Any, torch.Tensor], None]:
        def record(module: nn.Module, inputs: Any, output: torch.Tensor) -> None:
            nonzero = (output != 0).any(dim=0).flatten()
            alive[name] = alive[name] | nonzero if name in alive else nonzero

        return record

    hooks = [m.register_forward_hook(watch(n)) for n, m in model.named_modules()
             if isinstance(m, nn.ReLU)]  # fmt: skip
    try:
        with eval_mode(model):
            for x, _ in Batches(data, batch_size, device=model_device(model)):
                model(x)
    finally:
        for h in hooks:
            h.remove()
    rows = [{"layer": n, "units": len(a), "dead": int((~a).sum())} for n, a in alive.items()]
    return pd.DataFrame(rows, columns=["layer", "units", "dead"]).set_index("layer")


def error_map(model: nn.Module, data: ImageSet, batch_size: int = 500) -> torch.Tensor:
    """The reconstruction's squared error per pixel, averaged over ``data``: a (28, 28) map of
    where an autoencoder's error lives. Its mean is the test MSE."""
    total = torch.zeros(28, 28, dtype=torch.float64)
    with eval_mode(model):
        for x, _ in Batches(data, batch_size, device=model_device(model)):
            total += ((model(x) - x) ** 2).sum(dim=(0, 1)).double().cpu()
    return total / len(data)
