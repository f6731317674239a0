"""Runs of one model trained together: seeds (and settings) of one architecture as one stacked
model (``torch.func``: ``stack_module_state``, ``functional_call``, ``vmap``).

Each member is exactly the run ``training.fit`` would train alone: its own batch order (a
generator seeded with its seed), its own dropout masks, learning rate, epochs and early stopping,
and its own checkpoint, written in ``fit``'s format, with ``fit``'s fingerprint, after every one
of its epochs (so a member resumes alone or together, and a finished member is a finished run).

Dropout under ``vmap``: with ``randomness="different"`` every member draws its mask from the one
global generator, so no member would see the masks its run alone sees. Here no randomness happens
inside ``vmap`` at all (``randomness="error"`` guards it): each member's masks are drawn before
the step from its own generator, by the very call ``nn.Dropout`` makes (``bernoulli_(1 - p)``
on a tensor of the layer input's shape and layout, then ``/ (1 - p)``), in the order its layers
run, so they are the masks of its run alone, bit for bit. Adam is ``torch.optim.Adam``'s CPU
update (``_single_tensor_adam``), the same element-wise operations on the stacked tensors, with
each member's learning rate and step count; a member that stops (its epochs, early stopping, a
diverged loss) leaves the stack and the others go on.

What differs from a run alone is rounding only: a batched convolution (``vmap`` folds the members
into groups) adds in another order. The recorded seconds of a member's epoch are the shared
epoch's wall time divided by the members that trained it.
"""

from __future__ import annotations

import copy
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.func import functional_call, stack_module_state

from ..checkpoints import Checkpointer, model_signature
from ..data import NUM_CLASSES, ImageSet, to_float
from ..errors import SettingsError
from ..evaluation import accuracy, confusion_matrix, evaluate, loss_function, target_of
from ..training import (
    EarlyStopping,
    History,
    TrainConfig,
    TrainingDiverged,
    run_fingerprint,
    seed_everything,
    weights_copy,
)

#: torch.optim.Adam's defaults, which ``training.fit`` uses.
BETAS, EPS = (0.9, 0.999), 1e-8


class _GivenMask(nn.Module):
    """Stands for an ``nn.Dropout`` in the stacked model: multiplies by the mask it is given
    (or, probing, records the shape and layout of its input and passes it on)."""

    def __init__(self, slots: _Slots, index: int) -> None:
        super().__init__()
        self.slots, self.index = slots, index

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return x
        if self.slots.probing is not None:
            self.slots.probing[self.index] = (tuple(x.shape), x.stride())
            return x
        mask = self.slots.masks[self.index]
        return x if mask is None else x * mask


class _UnfoldedConv(nn.Module):
    """Stands for an ``nn.Conv2d`` with one input channel in the stacked model: the same
    convolution as a matrix product of the weights with the image's patches (``unfold``).
    Batched over the members, a one-channel convolution's weight gradient is oneDNN's slowest
    grouped case (profiled: ten times the rest of the step); as a product it is one ``bmm``."""

    def __init__(self, conv: nn.Conv2d) -> None:
        super().__init__()
        self.weight, self.bias = conv.weight, conv.bias
        assert not isinstance(conv.padding, str)  # _one_channel_convolutions checked it
        self.kernel = (int(conv.kernel_size[0]), int(conv.kernel_size[1]))
        self.stride = (int(conv.stride[0]), int(conv.stride[1]))
        self.padding = (int(conv.padding[0]), int(conv.padding[1]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        (kh, kw), (sh, sw), (ph, pw) = self.kernel, self.stride, self.padding
        out_h = (x.shape[-2] + 2 * ph - kh) // sh + 1
        out_w = (x.shape[-1] + 2 * pw - kw) // sw + 1
        patches = nn.functional.unfold(x, self.kernel, padding=self.padding, stride=self.stride)
        out = self.weight.flatten(1) @ patches
        if self.bias is not None:
            out = out + self.bias[:, None]
        return out.unflatten(-1, (out_h, out_w))


def _with_given_masks(template: nn.Module, slots: _Slots) -> nn.Module:
    """A copy of ``template`` in train mode whose dropouts take the masks given in ``slots``."""
    model = copy.deepcopy(template)
    model.train()  # a frozen encoder's dropout stays off (models.freeze)
    for index, (name, dropout) in enumerate(_dropouts(model)):
        parent, _, child = name.rpartition(".")
        stand_in = _GivenMask(slots, index)
        stand_in.training = dropout.training
        setattr(model.get_submodule(parent), child, stand_in)
    return model


def _one_channel_convolutions(model: nn.Module) -> None:
    """Put an ``_UnfoldedConv`` in place of each plain one-input-channel ``Conv2d``."""
    for name, module in list(model.named_modules()):
        if (isinstance(module, nn.Conv2d) and module.in_channels == 1 and module.groups == 1
                and module.dilation == (1, 1) and module.padding_mode == "zeros"
                and not isinstance(module.padding, str)):  # fmt: skip
            parent, _, child = name.rpartition(".")
            setattr(model.get_submodule(parent), child, _UnfoldedConv(module))


@dataclass
class _Slots:
    """Where the stacked model's dropout stand-ins find their masks (set before each call)."""

    masks: list[torch.Tensor | None] = field(default_factory=list)
    probing: dict[int, tuple[tuple[int, ...], tuple[int, ...]]] | None = None


@dataclass
class Member:
    """One run of the stack: its own model (what is evaluated, checkpointed and kept), settings,
    generators, early stopping, history and (once it fails) its error."""

    model: nn.Module
    config: TrainConfig
    checkpointer: Checkpointer
    optimizer: torch.optim.Optimizer
    batch_order: torch.Generator
    dropout: torch.Generator
    stopping: EarlyStopping
    history: History = field(default_factory=History)
    error: Exception | None = None
    order: torch.Tensor | None = None  # this epoch's permutation of the training images
    matrix: torch.Tensor | None = None  # this epoch's training confusion matrix
    losses: list[float] = field(default_factory=list)  # this epoch's batch losses

    @property
    def done(self) -> bool:
        if self.error is not None or self.history.stopped_early:
            return True
        return len(self.history.epochs) >= self.config.epochs

    def save(self) -> None:
        """The member's checkpoint, exactly as ``fit`` writes it: its dropout generator stands
        for torch's global one, which its run alone draws its masks from; Python's and numpy's,
        which training never draws from, are as ``seed_everything`` left them."""
        loop_state = {"epoch": len(self.history.epochs), "history": self.history.to_dict(),
                      "early_stopping": self.stopping.state_dict()}  # fmt: skip
        outside = torch.get_rng_state(), random.getstate(), np.random.get_state()
        seed_everything(self.config.seed)
        torch.set_rng_state(self.dropout.get_state())
        try:
            self.checkpointer.save(self.model, self.optimizer, self.batch_order, loop_state)
        finally:
            torch.set_rng_state(outside[0])
            random.setstate(outside[1])
            np.random.set_state(outside[2])


def _dropouts(model: nn.Module) -> list[tuple[str, nn.Dropout]]:
    return [(n, m) for n, m in model.named_modules() if isinstance(m, nn.Dropout)]


def _check_alike(models: list[nn.Module], configs: list[TrainConfig]) -> None:
    """Members must share the architecture, what is trained, the task and the batch size."""
    if not models or len(models) != len(configs):
        raise SettingsError("give one TrainConfig per model, and at least one model")
    first, config = models[0], configs[0]
    for model, other in zip(models, configs, strict=True):
        same_grad = [p.requires_grad for p in model.parameters()] == [
            p.requires_grad for p in first.parameters()
        ]
        if model_signature(model) != model_signature(first) or not same_grad:
            raise SettingsError("runs trained together must share one architecture")
        if (other.task, other.batch_size, other.optimizer) != (
            config.task, config.batch_size, config.optimizer
        ):  # fmt: skip
            raise SettingsError("runs trained together must share the task and the batch size")
    if config.optimizer != "adam":
        raise SettingsError("runs are trained together with Adam only")
    if any(c.precision != "fp32" for c in configs):
        raise SettingsError("runs are trained together in fp32 only; train bf16 runs one at a time")


def _member(model: nn.Module, config: TrainConfig, checkpoint: Path | None,
            identity: dict[str, Any] | None, device: torch.device) -> Member:  # fmt: skip
    """A member as ``fit`` prepares its run, resumed from its checkpoint when there is one."""
    checkpointer = Checkpointer(checkpoint, run_fingerprint(model, config, identity))
    model.to(device)
    if config.channels_last:
        model.to(memory_format=torch.channels_last)
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise SettingsError("the model has no trainable parameters (is everything frozen?)")
    optimizer = torch.optim.Adam(params, lr=config.lr)
    keep_best = config.patience is not None and config.restore_best
    stopping = EarlyStopping(config.patience, config.min_delta, keep_best_weights=keep_best)
    batch_order = torch.Generator().manual_seed(config.seed)
    member = Member(model, config, checkpointer, optimizer, batch_order,
                    torch.Generator().manual_seed(config.seed), stopping)  # fmt: skip
    outside = torch.get_rng_state()
    state = checkpointer.restore(model, optimizer, batch_order)
    if state is not None:
        member.dropout.set_state(torch.get_rng_state())
        member.history = History.from_dict(state["history"])
        stopping.load_state_dict(state["early_stopping"])
    torch.set_rng_state(outside)
    return member


def _moment(member: Member, param: nn.Parameter, key: str) -> torch.Tensor:
    state = member.optimizer.state.get(param)
    return state[key].detach() if state else torch.zeros_like(param)


def _step_count(member: Member) -> float:
    states = [member.optimizer.state.get(p) for p in member.optimizer.param_groups[0]["params"]]
    return float(states[0]["step"]) if states and states[0] else 0.0


class _Stack:
    """The members still training, as one stacked model with stacked Adam moments."""

    def __init__(self, members: list[Member]) -> None:
        self.members = members
        template = members[0].model
        self.task = members[0].config.task
        self.loss_fn = loss_function(self.task)
        self.slots = _Slots()
        self.layers = len(_dropouts(template))
        # the probe reads each dropout's input layout as the model alone lays it out; the base,
        # what the members run through, may compute a convolution another way
        self.probe = _with_given_masks(template, self.slots)
        self.base = _with_given_masks(template, self.slots)
        _one_channel_convolutions(self.base)
        self.rates = [[m.p for _, m in _dropouts(member.model)] for member in members]
        self.layouts: dict[int, dict[int, tuple[tuple[int, ...], tuple[int, ...]]]] = {}
        self.params, self.buffers = stack_module_state([m.model for m in members])
        named = [dict(m.model.named_parameters()) for m in members]
        self.trained = [n for n, p in named[0].items() if p.requires_grad]
        pairs = list(zip(members, named, strict=True))
        self.avg = {n: torch.stack([_moment(m, d[n], "exp_avg") for m, d in pairs])
                    for n in self.trained}  # fmt: skip
        self.avg_sq = {n: torch.stack([_moment(m, d[n], "exp_avg_sq") for m, d in pairs])
                       for n in self.trained}  # fmt: skip
        self.steps = [_step_count(m) for m in members]

    def _layout(self, batch: int) -> dict[int, tuple[tuple[int, ...], tuple[int, ...]]]:
        """Each active dropout's input shape and strides for a batch of ``batch`` images, in the
        order the layers run (read once per batch size by running the model on zeros)."""
        if batch not in self.layouts:
            self.slots.probing = {}
            try:
                with torch.no_grad():
                    self.probe(torch.zeros(batch, 1, 28, 28, device=self.device))
                self.layouts[batch] = self.slots.probing
            finally:
                self.slots.probing = None
        return self.layouts[batch]

    @property
    def device(self) -> torch.device:
        return next(iter(self.params.values())).device

    def masks(self, batch: int) -> dict[int, torch.Tensor]:
        """Each member's dropout masks for its next batch, drawn from its own generator as
        ``nn.Dropout`` draws them (``bernoulli_(1 - p)``, then ``/ (1 - p)``); a layer whose
        rate is 0 draws nothing (as ``nn.Dropout``) and multiplies by ones."""
        layout = self._layout(batch)
        drawn: dict[int, list[torch.Tensor]] = {index: [] for index in layout}
        for member, rates in zip(self.members, self.rates, strict=True):
            for index, (shape, stride) in layout.items():
                mask = torch.ones(shape, device=self.device)
                if rates[index] > 0:
                    keep = 1 - rates[index]
                    mask = torch.empty_strided(shape, stride, device=self.device)
                    mask.bernoulli_(keep, generator=member.dropout).div_(keep)
                drawn[index].append(mask)
        return {i: torch.stack(masks) for i, masks in drawn.items()
                if any(r[i] > 0 for r in self.rates)}  # fmt: skip

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Every member's loss on its batch (stacked ``x``, ``y``), and its outputs."""

        Tensors = dict[Any, torch.Tensor]

        def one(params: Tensors, buffers: Tensors, x: torch.Tensor, y: torch.Tensor,
                masks: Tensors) -> Any:  # fmt: skip
            self.slots.masks = [masks.get(i) for i in range(self.layers)]
            output = functional_call(self.base, (params, buffers), (x,))
            return self.loss_fn(output, target_of(self.task, x, y)), output

        masks = self.masks(x.shape[1])
        batched = torch.vmap(one, randomness="error")
        losses, outputs = batched(self.params, self.buffers, x, y, masks)
        return losses, outputs

    def update(self) -> None:
        """One Adam step of every member: ``torch.optim.Adam``'s element-wise operations on the
        stacked tensors, with each member's learning rate and bias corrections."""
        beta1, beta2 = BETAS
        self.steps = [s + 1 for s in self.steps]
        sizes = [-m.config.lr / (1 - beta1**s) for m, s in zip(self.members, self.steps,
                                                               strict=True)]  # fmt: skip
        corrections = [(1 - beta2**s) ** 0.5 for s in self.steps]
        with torch.no_grad():
            for name in self.trained:
                param, grad = self.params[name], self.params[name].grad
                assert grad is not None
                shape = (-1,) + (1,) * (param.dim() - 1)
                size = torch.tensor(sizes, dtype=param.dtype, device=param.device).view(shape)
                correction = torch.tensor(corrections, dtype=param.dtype, device=param.device)
                avg, avg_sq = self.avg[name], self.avg_sq[name]
                avg.lerp_(grad, 1 - beta1)
                avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                denom = (avg_sq.sqrt() / correction.view(shape)).add_(EPS)
                param.add_(size * avg / denom)  # addcdiv's order: value * t1 / t2, then added
                param.grad = None

    def drop(self, gone: list[int]) -> None:
        """Members ``gone`` (their indices in the stack) leave it; the others go on."""
        keep = [i for i in range(len(self.members)) if i not in gone]
        rows = torch.tensor(keep, device=self.device)
        for name, param in self.params.items():
            kept = param.detach()[rows].requires_grad_(param.requires_grad)
            if param.grad is not None:
                kept.grad = param.grad[rows]
            self.params[name] = kept
        self.buffers = {n: b[rows] for n, b in self.buffers.items()}
        self.avg = {n: t[rows] for n, t in self.avg.items()}
        self.avg_sq = {n: t[rows] for n, t in self.avg_sq.items()}
        self.members = [self.members[i] for i in keep]
        self.rates = [self.rates[i] for i in keep]
        self.steps = [self.steps[i] for i in keep]

    def unstack(self) -> None:
        """Each member's model and optimizer take its weights and Adam state from the stack."""
        with torch.no_grad():
            for i, member in enumerate(self.members):
                for name, param in member.model.named_parameters():
                    param.copy_(self.params[name][i])
                for name, buffer in member.model.named_buffers():
                    buffer.copy_(self.buffers[name][i])
                named = dict(member.model.named_parameters())
                for name in self.trained:
                    param = named[name]
                    member.optimizer.state[param] = {
                        "step": torch.tensor(self.steps[i], dtype=torch.float32),
                        "exp_avg": torch.zeros_like(param).copy_(self.avg[name][i]),
                        "exp_avg_sq": torch.zeros_like(param).copy_(self.avg_sq[name][i]),
                    }


def _batches(stack: _Stack, train: ImageSet) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Each member's next batch, stacked: each draws its epoch's order from its own generator,
    as ``data.Batches`` does, so its batches are those of its run alone."""
    for member in stack.members:
        member.order = torch.randperm(len(train), generator=member.batch_order)
    size = stack.members[0].config.batch_size
    for start in range(0, len(train), size):
        index = torch.stack([m.order[start : start + size] for m in stack.members])  # type: ignore[index]
        yield to_float(train.images[index]).to(stack.device), train.labels[index].to(stack.device)


def _diverged(member: Member, value: float, where: str) -> TrainingDiverged:
    epoch = len(member.history.epochs) + 1
    return TrainingDiverged(
        f"the loss became {value} at epoch {epoch}, {where} (trained together with other runs; "
        f"they went on). Likely cause: a learning rate ({member.config.lr}) too large; the last "
        "good checkpoint is kept"
    )


def _train_epoch(stack: _Stack, train: ImageSet) -> None:
    """One epoch of every member in the stack; a member whose loss stops being finite leaves
    it (its model keeps the weights it started the epoch with) and the others go on."""
    for member in stack.members:
        member.losses = []
        member.matrix = torch.zeros(NUM_CLASSES, NUM_CLASSES, dtype=torch.long)
    n_batches = -(-len(train) // stack.members[0].config.batch_size)
    for batch, (x, y) in enumerate(_batches(stack, train), start=1):
        losses, outputs = stack.forward(x, y)
        values = losses.tolist()
        gone = [i for i, v in enumerate(values) if not math.isfinite(v)]
        for i, member in enumerate(stack.members):
            if i in gone:
                member.error = _diverged(member, values[i], f"batch {batch}/{n_batches}")
                continue
            member.losses.append(values[i])
            if stack.task == "classification":
                assert member.matrix is not None
                member.matrix.add_(confusion_matrix(y[i], outputs[i].argmax(1)).cpu())
        kept = [i for i in range(len(values)) if i not in gone]
        losses[kept].sum().backward()
        if gone:
            stack.drop(gone)
            if not stack.members:
                return
        stack.update()


def _close_epoch(members: list[Member], val: ImageSet, start: float) -> None:
    """Validate each member, add its history row, update its early stopping, save its
    checkpoint: what ``fit`` does after each epoch."""
    rows = []
    for member in members:
        config, epoch = member.config, len(member.history.epochs) + 1
        row: dict[str, float] = {"epoch": epoch,
                                 "train_loss": sum(member.losses) / len(member.losses)}  # fmt: skip
        if config.task == "classification":
            assert member.matrix is not None
            row["train_accuracy"] = accuracy(member.matrix)
        metrics = evaluate(member.model, val, config.task, config.eval_batch_size)
        if not math.isfinite(metrics["loss"]):
            member.error = _diverged(member, metrics["loss"], "on the validation set")
            continue
        row["val_loss"] = metrics["loss"]
        if "accuracy" in metrics:
            row["val_accuracy"] = metrics["accuracy"]
        rows.append((member, row))
    seconds = time.perf_counter() - start  # the shared epoch, validations included
    for member, row in rows:
        row["seconds"] = seconds / len(members)
        member.history.epochs.append(row)
        member.stopping.update(int(row["epoch"]), row["val_loss"], member.model)
        member.history.best_epoch = member.stopping.best_epoch
        member.history.stopped_early = member.stopping.should_stop and not (
            len(member.history.epochs) >= member.config.epochs
        )
        member.save()


def _one_epoch_together(members: list[Member], train: ImageSet, val: ImageSet) -> None:
    """Stack the members, train one epoch, hand each its weights back, close its epoch."""
    start = time.perf_counter()
    good = [weights_copy(m.model) for m in members]
    stack = _Stack(members)
    _train_epoch(stack, train)
    if stack.members:
        stack.unstack()
    for member, weights in zip(members, good, strict=True):
        if member.error is not None:  # diverged: back to the weights it started the epoch with
            member.model.load_state_dict(weights)
    trained = [m for m in members if m.error is None]
    _close_epoch(trained, val, start)
    for member, weights in zip(members, good, strict=True):
        if member.error is not None and member in trained:  # diverged on validation
            member.model.load_state_dict(weights)


def fit_together(
    models: list[nn.Module],
    train: ImageSet,
    val: ImageSet,
    configs: list[TrainConfig],
    *,
    checkpoints: list[Path | None] | None = None,
    identities: list[dict[str, Any] | None] | None = None,
    device: str | torch.device | None = None,
    on_epoch: Callable[[list[Member]], None] | None = None,
) -> list[History | Exception]:
    """Train ``models`` together, each as ``training.fit(model, train, val, config,
    checkpoint=..., identity=...)`` would alone (see the module's docstring): the same batches,
    dropout masks, Adam updates (up to rounding), epochs, early stopping, history and
    checkpoints. The models must share one architecture, task and batch size (their learning
    rates, dropout rates, epochs and patience may differ) and be initialised by the caller.

    Returns each member's history, or the error that stopped it (``TrainingDiverged``): one
    member's failure does not stop the others. ``on_epoch(members)`` is called after each
    shared epoch (e.g. by a test, to look at them).
    """
    _check_alike(models, configs)
    if len(train) == 0 or len(val) == 0:
        raise SettingsError("train and val must not be empty")
    where = torch.device(device) if device is not None else next(models[0].parameters()).device
    paths = checkpoints or [None] * len(models)
    names = identities or [None] * len(models)
    was_training = [m.training for m in models]
    members = [_member(m, c, p, i, where) for m, c, p, i in
               zip(models, configs, paths, names, strict=True)]  # fmt: skip
    try:
        while pending := [m for m in members if not m.done]:
            _one_epoch_together(pending, train, val)
            if on_epoch is not None:
                on_epoch(members)
    finally:
        for model, mode in zip(models, was_training, strict=True):
            model.train(mode)
    for member in members:
        if member.error is None and member.stopping.best_weights is not None:
            member.model.load_state_dict(member.stopping.best_weights)
        if member.error is None:
            member.checkpointer.discard_previous()
    return [m.error or m.history for m in members]
