"""What every notebook does first: read the budget, seed, set modest figure defaults, show
figures sharp and described (``plots.figure_png``), say the budget in the notebook's language
(``settings.language_from_env``), write tables' numbers in that language, and teach the kernel
``%%solution`` (a solution Run All leaves)."""

from __future__ import annotations

from typing import Any

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from .numerals import count, table_written
from .plots import COLUMN_INCHES, DPI, figure_png
from .settings import (
    BUDGETS,
    budget_from_env,
    default_device,
    language_from_env,
    solutions_from_env,
)
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
    "solution_left": {
        "en": "A solution: not run, so that Run All neither gives the answer away nor trains. "
        "To run it, make this cell's first line %%solution run and run the cell.",
        "es": "Una solución: no se ejecuta, para que «ejecutar todo» no revele la respuesta ni "
        "entrene. Para ejecutarla, cambia la primera línea de la celda por %%solution run y "
        "ejecuta la celda.",
    },
}
COURSE_WORDS = Words(TEXTS, "fmnist_lib.course.TEXTS")


def setup(seed: int = 0) -> None:
    """Read ``FMNIST_BUDGET`` (default ``full``), seed everything, set figure defaults, print the
    budget in the notebook's language (a chapter's runs follow it: ``run_experiment(name)``)."""
    budget = budget_from_env()
    seed_everything(seed)
    # a figure of one's own, too, fits the book's column (plots.COLUMN_INCHES)
    size = (COLUMN_INCHES, 3.2)
    matplotlib.rcParams.update({"figure.dpi": DPI, "savefig.dpi": DPI, "figure.figsize": size})
    show_figures_with_descriptions()
    teach_solution_cells()
    write_table_numbers(language_from_env())
    print(budget_line(budget, str(default_device()), language_from_env()))


def ipython_shell() -> Any:
    """The IPython shell this code runs in, or None (plain Python, or no IPython installed)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def write_table_numbers(lang: str) -> bool:
    """In an IPython kernel, a pandas table that a cell shows writes its numbers in ``lang``
    (Spanish ``0,0005``, ``401 920``: ``numerals.table_written``), the same digits as pandas'
    own format, which English keeps. Returns whether it could."""
    shell = ipython_shell()
    if shell is None:
        return False
    formatters = shell.display_formatter.formatters
    for kind in (pd.DataFrame, pd.Series):
        for mime, html in (("text/html", True), ("text/plain", False)):
            if lang == "en":
                formatters[mime].type_printers.pop(kind, None)
            else:
                formatters[mime].for_type(kind, _table_printer(lang, html))
    return True


def _table_printer(lang: str, html: bool):
    """The printer of a pandas table for one IPython display format, its numbers in ``lang``."""

    def printer(table, *args):  # the plain format passes its pretty printer and cycle flag
        if html:
            drawn = table._repr_html_() if isinstance(table, pd.DataFrame) else None
            return None if drawn is None else table_written(drawn, lang)
        text = table_written(repr(table), lang, html=False)
        if args:  # IPython's plain-text printer writes through its pretty printer
            args[0].text(text)
            return None
        return text

    return printer


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
    shell = ipython_shell()
    if shell is None or not hasattr(shell, "kernel"):
        return False
    shell.run_line_magic("matplotlib", "inline")  # first: it registers its own PNG formatter
    shell.display_formatter.formatters["image/png"].for_type(Figure, figure_png)
    return True


def solution(line: str, cell: str) -> None:
    """The ``%%solution`` cell magic, an exercise's solution: Run All does not run it (it would
    give the answer away, and some solutions train for minutes) and says so in one line;
    ``%%solution run`` on the cell's first line, or ``FMNIST_SOLUTIONS=run`` (CI, the stored
    notebooks), runs the code. An error in the code is raised again, so that a check fails."""
    from IPython import get_ipython

    if line.strip() != "run" and not solutions_from_env():
        print(COURSE_WORDS("solution_left", language_from_env()))
        return
    get_ipython().run_cell(cell).raise_error()


def teach_solution_cells() -> bool:
    """Register ``%%solution`` in an IPython shell. Returns whether it could."""
    shell = ipython_shell()
    if shell is None:
        return False
    shell.register_magic_function(solution, "cell", "solution")
    return True
