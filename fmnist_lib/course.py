"""What every notebook does first: read the budget, seed, set modest figure defaults, and show
figures sharp and described (``plots.figure_png``)."""

from __future__ import annotations

import matplotlib
from matplotlib.figure import Figure

from .plots import DPI, figure_png
from .settings import BUDGETS, budget_from_env, default_device
from .training import seed_everything


def setup(seed: int = 0) -> str:
    """Read ``FMNIST_BUDGET`` (default ``full``), seed everything, set figure defaults; return the
    budget."""
    budget = budget_from_env()
    seed_everything(seed)
    matplotlib.rcParams.update({"figure.dpi": DPI, "savefig.dpi": DPI, "figure.figsize": (7, 3.5)})
    show_figures_with_descriptions()
    b = BUDGETS[budget]
    data = "all data" if b.train_size is None else f"{b.train_size} training images"
    epochs = "the paper's epochs" if b.max_epochs is None else f"at most {b.max_epochs} epochs"
    print(f"budget: {budget} ({data}, {epochs}); device: {default_device()}")
    return budget


def show_figures_with_descriptions() -> bool:
    """In an IPython kernel, display every matplotlib figure with ``plots.figure_png``: twice the
    pixels, shown at its size, with its description as alt text. Returns whether it could."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return False
    shell.run_line_magic("matplotlib", "inline")  # first: it registers its own PNG formatter
    shell.display_formatter.formatters["image/png"].for_type(Figure, figure_png)
    return True
