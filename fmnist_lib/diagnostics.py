"""Looking inside training: per-layer gradient norms, the instrument for the lessons on
vanishing and exploding gradients."""

from __future__ import annotations

import math

import pandas as pd
import torch
from torch import nn

from .data import Batches, ImageSet
from .evaluation import loss_function, target_of
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
