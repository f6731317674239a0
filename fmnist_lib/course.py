"""What every notebook does first: read the budget, seed, and set modest figure defaults."""

from __future__ import annotations

import matplotlib

from .plots import DPI
from .settings import BUDGETS, budget_from_env, default_device
from .training import seed_everything


def setup(seed: int = 0) -> str:
    """Read ``FMNIST_BUDGET`` (default ``full``), seed everything, set figure defaults; return the
    budget."""
    budget = budget_from_env()
    seed_everything(seed)
    matplotlib.rcParams.update({"figure.dpi": DPI, "savefig.dpi": DPI, "figure.figsize": (7, 3.5)})
    b = BUDGETS[budget]
    data = "all data" if b.train_size is None else f"{b.train_size} training images"
    epochs = "the paper's epochs" if b.max_epochs is None else f"at most {b.max_epochs} epochs"
    print(f"budget: {budget} ({data}, {epochs}); device: {default_device()}")
    return budget
