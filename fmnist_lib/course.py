"""What every notebook does first: read the budget, seed, set modest figure defaults, show
figures sharp and described (``plots.figure_png``), and say the budget in the notebook's language
(``settings.language_from_env``)."""

from __future__ import annotations

import matplotlib
from matplotlib.figure import Figure

from .numerals import count
from .plots import DPI, figure_png
from .settings import BUDGETS, budget_from_env, default_device, language_from_env
from .training import seed_everything
from .wording import Texts, Words

#: The words of the budget line that ``setup`` prints.
TEXTS: Texts = {
    "budget": {
        "en": "budget: {budget} ({data}, {epochs}); device: {device}",
        "es": "presupuesto: {budget} ({data}, {epochs}); dispositivo: {device}",
    },
    "all_data": {"en": "all data", "es": "todos los datos"},
    "training_images": {"en": "{n} training images", "es": "{n} imágenes de entrenamiento"},
    "paper_epochs": {"en": "the paper's epochs", "es": "las épocas del artículo"},
    "at_most_epochs": {"en": "at most {n} epochs", "es": "{n} épocas como máximo"},
}
COURSE_WORDS = Words(TEXTS, "fmnist_lib.course.TEXTS")


def setup(seed: int = 0) -> None:
    """Read ``FMNIST_BUDGET`` (default ``full``), seed everything, set figure defaults, print the
    budget in the notebook's language (a chapter's runs follow it: ``run_experiment(name)``)."""
    budget = budget_from_env()
    seed_everything(seed)
    matplotlib.rcParams.update({"figure.dpi": DPI, "savefig.dpi": DPI, "figure.figsize": (7, 3.5)})
    show_figures_with_descriptions()
    print(budget_line(budget, str(default_device()), language_from_env()))


def budget_line(budget: str, device: str, lang: str = "en") -> str:
    """``budget: full (all data, the paper's epochs); device: cpu``, in ``lang``."""
    b, words = BUDGETS[budget], COURSE_WORDS
    data = (
        words("all_data", lang)
        if b.train_size is None
        else words("training_images", lang, n=count(b.train_size, lang))
    )
    epochs = (
        words("paper_epochs", lang)
        if b.max_epochs is None
        else words("at_most_epochs", lang, n=b.max_epochs)
    )
    return words("budget", lang, budget=budget, data=data, epochs=epochs, device=device)


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
