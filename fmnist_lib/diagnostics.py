"""Looking inside models and training: per-layer gradient norms (the instrument for the lessons on
vanishing and exploding gradients), dead ReLU units and where a reconstruction errs."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd
import torch
from torch import nn

from .checks import check, check_choice
from .data import Batches, ImageSet
from .errors import SettingsError
from .evaluation import eval_mode, loss_function, model_device, target_of
from .training import OPTIMIZERS, seed_everything
from .wording import Texts, Words, language

#: The headings of ``dead_units``' table, in every language of the course.
TEXTS: Texts = {
    "layer": {"en": "layer", "es": "capa"},
    "units": {"en": "units", "es": "unidades"},
    "dead": {"en": "dead", "es": "muertas"},
}
DIAGNOSTICS_WORDS = Words(TEXTS, "fmnist_lib.diagnostics.TEXTS")

#: The activation modules whose output ``signal_profile`` measures.
ACTIVATIONS = (nn.ReLU, nn.LeakyReLU, nn.Tanh, nn.Sigmoid)


def layer_gradient_norms(model: nn.Module) -> dict[str, float]:
    """L2 norm of the gradient of every weight matrix/kernel (biases left out), by layer name."""
    return {
        name.removesuffix(".weight"): p.grad.norm().item()
        for name, p in model.named_parameters()
        if name.endswith("weight") and p.grad is not None
    }


def _weights(model: nn.Module) -> dict[str, torch.Tensor]:
    """Every trainable weight matrix/kernel (biases left out), by layer name."""
    return {
        name.removesuffix(".weight"): p
        for name, p in model.named_parameters()
        if name.endswith("weight") and p.requires_grad
    }


def _hessian_top(
    hvp: Callable[[list[torch.Tensor]], list[torch.Tensor]],
    start: list[torch.Tensor],
    iterations: int,
    shift: float,
) -> float:
    """Largest eigenvalue of ``H + shift * I`` minus ``shift``, by power iteration."""
    v, value = start, 0.0
    for _ in range(iterations):
        norm = torch.stack([(u * u).sum() for u in v]).sum().sqrt()
        v = [u / norm for u in v]
        hv = [h + shift * u for h, u in zip(hvp(v), v, strict=True)]
        value = torch.stack([(h * u).sum() for h, u in zip(hv, v, strict=True)]).sum().item()
        v = [h.detach() for h in hv]
    return value - shift


def sharpness(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    task: str,
    iterations: int = 20,
    seed: int = 0,
) -> float:
    """The largest eigenvalue of the Hessian of the loss on the batch ``(x, y)`` with respect to
    the trainable weights: the loss surface's steepest curvature at the current weights.

    Gradient descent on a quadratic with this curvature diverges when ``lr > 2 / sharpness``.
    Computed by power iteration on Hessian-vector products (backpropagating through the
    gradient), in eval mode (dropout off, so the surface is fixed); an estimate that
    ``iterations`` sharpen. The model's mode is restored.
    """
    params = [p for p in model.parameters() if p.requires_grad]
    was_training = model.training
    model.eval()
    try:
        loss = loss_function(task)(model(x), target_of(task, x, y))
        grads = torch.autograd.grad(loss, params, create_graph=True)

        def hvp(v: list[torch.Tensor]) -> list[torch.Tensor]:
            return list(torch.autograd.grad(grads, params, grad_outputs=v, retain_graph=True))

        gen = torch.Generator().manual_seed(seed)
        start = [torch.randn(p.shape, generator=gen).to(p) for p in params]
        top = _hessian_top(hvp, start, iterations, shift=0.0)
        if top < 0:  # the largest in size is negative: shift the spectrum to find the top one
            top = _hessian_top(hvp, start, iterations, shift=-top)
        return top
    finally:
        model.train(was_training)


def _layer_rows(model: nn.Module, step: int, loss: float) -> list[dict[str, Any]]:
    return [
        {"step": step, "layer": layer, "depth": depth, "grad_norm": norm, "loss": loss}
        for depth, (layer, norm) in enumerate(layer_gradient_norms(model).items(), start=1)
    ]


def _take_step(
    model: nn.Module, opt: torch.optim.Optimizer, clip: float | None, rows: list[dict[str, Any]]
) -> None:
    """Clip, step, and fill in each recorded layer's update and weight norms."""
    if clip is not None:
        nn.utils.clip_grad_norm_(model.parameters(), clip)
    weights = _weights(model)
    before = {name: w.detach().clone() for name, w in weights.items()} if rows else {}
    opt.step()
    for row in rows:
        w = weights[row["layer"]].detach()
        row["update_norm"] = (w - before[row["layer"]]).norm().item()
        row["weight_norm"] = w.norm().item()


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
    clip: float | None = None,
    sharpness_every: int | None = None,
) -> pd.DataFrame:
    """Train for ``steps`` mini-batches and record, every ``every`` steps (and at step 1), the
    loss and for each layer its gradient's norm, the size of the optimizer's update to its
    weights (``update_norm``: the step actually taken, after clipping) and its weights' norm.

    A deliberately small loop (no validation, no checkpoints): it exists to look at gradients.
    ``clip``: rescale the whole gradient to at most this norm before each step (gradient
    clipping). ``sharpness_every``: also measure ``sharpness`` (on the first 128 images of
    ``data``) every that many steps, in a ``sharpness`` column (costly: a few seconds each).
    Returns one row per recorded step and layer. A non-finite loss ends the recording early
    (the last rows show it, with no update).
    """
    if steps < 1 or every < 1 or (sharpness_every is not None and sharpness_every < 1):
        raise SettingsError("steps, every and sharpness_every must be >= 1")
    check("lr", lr)
    check_choice("optimizer", optimizer, OPTIMIZERS)
    seed_everything(seed)
    opt = OPTIMIZERS[optimizer](model.parameters(), lr=lr)
    loss_fn = loss_function(task)
    probe = next(iter(Batches(data, 128))) if sharpness_every else None
    rows: list[dict[str, Any]] = []
    step = 0
    gen = torch.Generator().manual_seed(seed)
    while step < steps:
        for x, y in Batches(data, batch_size, shuffle=True, generator=gen):
            step += 1
            model.train()
            loss = loss_fn(model(x), target_of(task, x, y))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            finite = math.isfinite(loss.item())
            recorded = _layer_rows(model, step, loss.item()) if (
                step % every == 0 or step == 1 or not finite) else []  # fmt: skip
            if recorded and probe is not None and sharpness_every and (
                    step % sharpness_every == 0 or step == 1):  # fmt: skip
                curvature = sharpness(model, *probe, task, iterations=10)
                for row in recorded:
                    row["sharpness"] = curvature
            rows += recorded
            if not finite:
                return pd.DataFrame(rows)
            _take_step(model, opt, clip, recorded)
            if step >= steps:
                return pd.DataFrame(rows)
    return pd.DataFrame(rows)


def signal_profile(
    model: nn.Module, data: ImageSet, task: str, batch_size: int = 256
) -> pd.DataFrame:
    """How a signal travels through ``model`` at its current weights, on the first
    ``batch_size`` images of ``data``: for each ``Linear``/``Conv2d`` layer, in order, the spread
    (standard deviation) of the output of the activation that follows it in the forward pass
    (NaN where none follows, as at the head), and the norm of its weights' gradient after one
    backward pass. Nothing is updated; run at initialisation it shows whether the initial
    weights make the signal shrink, hold or grow with depth.
    """
    rows: list[dict[str, Any]] = []

    def spread(module: nn.Module, inputs: Any, output: torch.Tensor) -> None:
        rows[-1]["activation_std"] = output.detach().float().std().item()

    def enter(name: str) -> Callable[[nn.Module, Any], None]:
        return lambda module, inputs: rows.append({"layer": name, "activation_std": math.nan})

    hooks = []
    for name, module in model.named_modules():
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            hooks.append(module.register_forward_pre_hook(enter(name)))
        elif isinstance(module, ACTIVATIONS):
            hooks.append(module.register_forward_hook(spread))
    x, y = next(iter(Batches(data, batch_size, device=model_device(model))))
    model.zero_grad(set_to_none=True)
    try:
        loss_function(task)(model(x), target_of(task, x, y)).backward()
    finally:
        for h in hooks:
            h.remove()
    table = pd.DataFrame(rows).drop_duplicates("layer").reset_index(drop=True)
    table.insert(1, "depth", range(1, len(table) + 1))
    table["grad_norm"] = [dict(model.named_modules())[n].weight.grad.norm().item()
                          for n in table["layer"]]  # fmt: skip
    model.zero_grad(set_to_none=True)
    return table.set_index("layer")


def dead_units(
    model: nn.Module, data: ImageSet, batch_size: int = 500, lang: str | None = None
) -> pd.DataFrame:
    """Units that are positive on *no* image of ``data``, after each ReLU or LeakyReLU.

    A ReLU unit whose input stays negative outputs 0 and passes no gradient: once dead, it
    stays dead, and the layer works with fewer units than it has. A LeakyReLU unit in the same
    state still passes its input times the small slope, and a small gradient, so it can recover:
    counted here the same way, it is "dead" only in that sense. One row per activation: its name,
    its units per image (channels × positions for a convolution) and how many are dead, its
    headings in ``lang`` (default: the notebook's, ``wording.language``: ``"dead"`` is
    ``"muertas"`` in a Spanish notebook). Runs in eval mode without gradients (dropout off), and
    restores the model's mode.
    """
    alive: dict[str, torch.Tensor] = {}

    def watch(name: str) -> Callable[[nn.Module, Any, torch.Tensor], None]:
        def record(module: nn.Module, inputs: Any, output: torch.Tensor) -> None:
            nonzero = (output > 0).any(dim=0).flatten()
            alive[name] = alive[name] | nonzero if name in alive else nonzero

        return record

    hooks = [m.register_forward_hook(watch(n)) for n, m in model.named_modules()
             if isinstance(m, (nn.ReLU, nn.LeakyReLU))]  # fmt: skip
    try:
        with eval_mode(model):
            for x, _ in Batches(data, batch_size, device=model_device(model)):
                model(x)
    finally:
        for h in hooks:
            h.remove()
    layer, units, dead = (DIAGNOSTICS_WORDS(h, lang or language()) for h in TEXTS)
    rows = [{layer: n, units: len(a), dead: int((~a).sum())} for n, a in alive.items()]
    return pd.DataFrame(rows, columns=[layer, units, dead]).set_index(layer)


def error_map(model: nn.Module, data: ImageSet, batch_size: int = 500) -> torch.Tensor:
    """The reconstruction's squared error per pixel, averaged over ``data``: a (28, 28) map of
    where an autoencoder's error lives. Its mean is the test MSE."""
    total = torch.zeros(28, 28, dtype=torch.float64)
    with eval_mode(model):
        for x, _ in Batches(data, batch_size, device=model_device(model)):
            total += ((model(x) - x) ** 2).sum(dim=(0, 1)).double().cpu()
    return total / len(data)
