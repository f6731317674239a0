"""Every figure of the course drawn on small synthetic inputs shaped like the chapters' and the
report's (their names, sizes and numbers of models): ``FIGURES`` maps a figure's name to a
function that draws it. Used by tests/test_figures.py."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import matplotlib.pyplot as plt
import numpy as np
import optuna
import pandas as pd
import torch
from matplotlib.figure import Figure

from fmnist_lib import diagrams, overfitting, plots
from fmnist_lib.data import ImageSet
from fmnist_lib.reproduction import search

RNG = np.random.default_rng(0)
AUTOENCODERS = ("consigna (128)", "feed-forward (512)", "Raschka (64)", "Raschka (128)")
CLASSIFIERS = ("consigna (10)", "Raschka (10)", "consigna FE (128)")


def _images(n: int) -> torch.Tensor:
    return torch.from_numpy(RNG.integers(0, 256, size=(n, 1, 28, 28), dtype=np.uint8))


def _history(metrics: tuple[str, ...], epochs: int = 12) -> list[dict[str, float]]:
    return [
        {
            "epoch": e,
            **{f"{s}_{m}": RNG.uniform(0.2, 1.0) / e for m in metrics for s in ("train", "val")},
        }
        for e in range(1, epochs + 1)
    ]


def _confusion() -> np.ndarray:
    return RNG.integers(0, 40, size=(10, 10)) + np.diag(RNG.integers(2500, 3000, size=10))


def _profile(depth: int = 30) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "depth": range(1, depth + 1),
            "activation_std": RNG.uniform(1e-3, 1, depth),
            "grad_norm": RNG.uniform(1e-6, 1, depth),
        }
    )


def _track(steps: int = 200, depth: int = 9) -> pd.DataFrame:
    rows = [
        {
            "step": s,
            "depth": d,
            "grad_norm": RNG.uniform(1e-6, 1),
            "update_norm": 1e-3,
            "loss": 2.3 / (1 + s / 50),
        }
        for s in range(0, steps, 10)
        for d in range(1, depth + 1)
    ]
    return pd.DataFrame(rows)


def _sweep() -> pd.DataFrame:
    cells = [(b, lr) for b in (32, 256, 1000) for lr in (5e-4, 1e-3, 3e-3)]
    return pd.DataFrame(
        [{"batch_size": b, "lr": lr, "best_val_loss": RNG.uniform(0.01, 0.03)} for b, lr in cells]
    )


def _rates() -> pd.DataFrame:
    rates = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
    return pd.DataFrame(
        [
            {"batch_size": b, "lr": lr, "mean": RNG.uniform(0.3, 1), "std": 0.05}
            for b in (16, 64, 256)
            for lr in rates
        ]
    )


def _seed_runs(seeds: int = 3, epochs: int = 30) -> list[pd.Series]:
    index = pd.RangeIndex(1, epochs + 1, name="epoch")
    return [pd.Series(RNG.uniform(0.2, 1, epochs), index=index) for _ in range(seeds)]


@cache
def _study() -> optuna.Study:
    """A small study of three settings, as ``fmnist_lib.reproduction.search`` runs them."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        study_name="ae-consigna-128", sampler=optuna.samplers.TPESampler(seed=0)
    )
    study.optimize(
        lambda t: (
            t.suggest_float("lr", 1e-4, 1e-1, log=True) * t.suggest_int("batch_size", 16, 256)
            + t.suggest_float("weight_decay", 0, 1e-3)
        ),
        n_trials=12,
    )
    return study


def _search_figure(name: str) -> Figure:
    figures = search.figures(_study())
    for other, fig in figures.items():
        if other != name:
            plt.close(fig)
    return figures[name]


SQUARES = {
    "consigna": [("0", 13, 3), ("3", 12, 4), ("4", 10, 8), ("7", 8, 10)],
    "Raschka": [("0", 13, 3), ("3", 12, 5), ("6", 8, 9), ("9", 4, 17)],
}

FIGURES: dict[str, Callable[[], Figure]] = {
    "sample_grid": lambda: plots.sample_grid(
        ImageSet(_images(200), torch.arange(200) % 10), per_class=10
    ),
    "class_histogram": lambda: plots.class_histogram(
        {"train": [5400] * 10, "validation": [600] * 10, "test": [1000] * 10}
    ),
    "training_curves (one metric)": lambda: plots.training_curves(
        {n: _history(("loss",)) for n in AUTOENCODERS[:2]},
        ("loss",),
        ("MSE",),
        "Autoencoders: train vs validation MSE (Figure 5)",
        log_scale=True,
    ),
    "training_curves (report, four models)": lambda: plots.training_curves(
        {n: _history(("loss",)) for n in AUTOENCODERS},
        ("loss",),
        ("MSE",),
        "Autoencoders: train vs validation MSE (Figure 5)",
        log_scale=True,
    ),
    "training_curves (two metrics)": lambda: plots.training_curves(
        {n: _history(("loss", "accuracy")) for n in CLASSIFIERS},
        ("loss", "accuracy"),
        ("cross-entropy", "accuracy"),
        "Classifiers: train vs validation (Figure 7)",
    ),
    "gap_curves": lambda: plots.gap_curves(
        {n: list(RNG.uniform(0, 0.1, 20)) for n in ("consigna (10)", "consigna, pooling (10)")},
        "Train − validation accuracy, mean over seeds (open question 2)",
    ),
    "reconstructions": lambda: plots.reconstructions(
        _images(10), {n: torch.rand(10, 1, 28, 28) for n in AUTOENCODERS}
    ),
    "confusion_matrices": lambda: plots.confusion_matrices(
        {"paper": _confusion(), "ours (sum of 3 seeds)": _confusion()}
    ),
    "signal_profiles": lambda: plots.signal_profiles(
        {
            n: _profile()
            for n in (
                "tanh, LeCun × 0.5",
                "tanh, LeCun",
                "tanh, LeCun × 2.5",
                "ReLU, Glorot",
                "ReLU, He",
            )
        }
    ),
    "gradient_norms": lambda: plots.gradient_norms(
        {n: _track() for n in ("sigmoid", "relu", "leaky_relu")}
    ),
    "latent_scatter": lambda: plots.latent_scatter(
        torch.randn(500, 2),
        torch.arange(500) % 10,
        "Raschka (128): PCA of the codes",
        axis_names=("first principal component", "second principal component"),
    ),
    "interpolation_strip": lambda: plots.interpolation_strip(
        {"decoded codes": torch.rand(10, 1, 28, 28), "pixel blend": _images(10)},
        "Raschka (128): from a sneaker to an ankle boot",
    ),
    "convolved_images": lambda: plots.convolved_images(
        torch.rand(28, 28),
        {
            "S=1, P=0": torch.randn(26, 26),
            "S=1, P=1": torch.randn(28, 28),
            "S=2, P=1": torch.randn(14, 14),
        },
    ),
    "receptive_field_squares": lambda: plots.receptive_field_squares(torch.rand(28, 28), SQUARES),
    "sweep_heatmaps": lambda: plots.sweep_heatmaps(
        {"feed-forward (512)": _sweep(), "consigna (128)": _sweep()}
    ),
    "learning_rate_curves": lambda: plots.learning_rate_curves(
        _rates(), "feed-forward (512)", updates=2000, seeds=3
    ),
    "convolution_diagram": lambda: diagrams.convolution_diagram(torch.arange(25).reshape(5, 5) % 4),
    "transposed_convolution_diagram": lambda: diagrams.transposed_convolution_diagram(
        torch.tensor([[1, 2], [3, 4]])
    ),
    "seed_curves": lambda: overfitting.seed_curves(
        {"SGD at η = 0.5": _seed_runs(), "SGD at η = 0.05": _seed_runs()},
        "validation loss",
        "three seeds each",
        log=True,
    ),
    **{
        f"search: {name}": (lambda name=name: _search_figure(name))
        for name in ("optimization_history.png", "param_importances.png", "slice.png")
    },
}
