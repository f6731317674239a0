"""Evaluation: losses, confusion matrices, accuracy, per-class recall and reconstructions.

Every function runs the model in eval mode (dropout off) without gradients and puts the
model back in the mode it was in. Accuracy is always read off a confusion matrix
(``accuracy``), so the training loop, the validation pass and the final test agree by
construction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch import nn

from .checks import check_choice
from .data import NUM_CLASSES, Batches, ImageSet, to_float

TASKS = ("reconstruction", "classification")


def check_task(task: str) -> str:
    return str(check_choice("task", task, TASKS))


def loss_function(task: str) -> nn.Module:
    """MSE for reconstruction, cross-entropy on raw logits for classification."""
    return nn.MSELoss() if check_task(task) == "reconstruction" else nn.CrossEntropyLoss()


def model_device(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


@contextmanager
def eval_mode(model: nn.Module) -> Iterator[nn.Module]:
    """Eval mode and no gradients inside the block; the previous mode is restored after."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield model
    finally:
        model.train(was_training)


def target_of(task: str, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """What the model should output: the image itself, or the label."""
    return x if task == "reconstruction" else y


def confusion_matrix(
    labels: torch.Tensor, predictions: torch.Tensor, num_classes: int = NUM_CLASSES
) -> torch.Tensor:
    """Counts (true class, predicted class): rows are true classes, as in the paper."""
    if labels.shape != predictions.shape:
        raise ValueError("labels and predictions must have the same shape")
    flat = labels.long() * num_classes + predictions.long()
    return torch.bincount(flat, minlength=num_classes**2).reshape(num_classes, num_classes)


def accuracy(matrix: torch.Tensor) -> float:
    """The fraction of correct predictions: the trace of a confusion matrix over its total."""
    return int(matrix.diag().sum().item()) / int(matrix.sum().item())


def per_class_accuracy(matrix: torch.Tensor) -> list[float]:
    """Recall of each class: the diagonal over the row sums."""
    recall = matrix.diag().double() / matrix.sum(1).clamp(min=1).double()
    return [float(r) for r in recall.tolist()]


def evaluate(model: nn.Module, data: ImageSet, task: str, batch_size: int = 64) -> dict[str, float]:
    """Mean loss per sample (per pixel for MSE) and, for classification, accuracy."""
    check_task(task)
    loss_fn = loss_function(task)
    total, n = 0.0, 0
    matrix = torch.zeros(NUM_CLASSES, NUM_CLASSES, dtype=torch.long)
    with eval_mode(model):
        for x, y in Batches(data, batch_size, device=model_device(model)):
            out = model(x)
            total += loss_fn(out, target_of(task, x, y)).item() * len(x)
            if task == "classification":
                matrix += confusion_matrix(y, out.argmax(1)).cpu()
            n += len(x)
    result = {"loss": total / n}
    if task == "classification":
        result["accuracy"] = accuracy(matrix)
    return result


def predict(model: nn.Module, data: ImageSet, batch_size: int = 64) -> torch.Tensor:
    """Predicted class (argmax of the logits) for every image, on the CPU."""
    with eval_mode(model):
        return torch.cat(
            [
                model(x).argmax(1).cpu()
                for x, _ in Batches(data, batch_size, device=model_device(model))
            ]
        )


def mse_by_class(model: nn.Module, data: ImageSet, batch_size: int = 500) -> list[float]:
    """An autoencoder's reconstruction MSE per pixel for each class of ``data`` (index = label;
    nan for a class with no image), in eval mode."""
    total = torch.zeros(NUM_CLASSES, dtype=torch.float64)
    count = torch.zeros(NUM_CLASSES, dtype=torch.float64)
    with eval_mode(model):
        for x, y in Batches(data, batch_size, device=model_device(model)):
            per_image = ((model(x) - x) ** 2).mean(dim=(1, 2, 3)).double().cpu()
            total.index_add_(0, y.cpu(), per_image)
            count.index_add_(0, y.cpu(), torch.ones_like(per_image))
    return (total / count).tolist()


def reconstruct(model: nn.Module, images: torch.Tensor) -> torch.Tensor:
    """Reconstructions (float in [0, 1], CPU) of uint8 images (N, 1, 28, 28)."""
    with eval_mode(model):
        return model(to_float(images).to(model_device(model))).cpu()


def final_metrics(model: nn.Module, test: ImageSet, task: str) -> dict[str, Any]:
    """The metrics the report uses: test MSE per pixel, or accuracy, per-class recall and
    the confusion matrix."""
    if check_task(task) == "reconstruction":
        return {"mse": evaluate(model, test, task)["loss"]}
    matrix = confusion_matrix(test.labels, predict(model, test))
    return {
        "accuracy": accuracy(matrix),
        "per_class_accuracy": per_class_accuracy(matrix),
        "confusion_matrix": matrix.tolist(),
    }
