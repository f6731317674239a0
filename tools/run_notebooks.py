"""Execute the course notebooks at a budget and store them with their outputs.

Reads each ``NN_*.py`` (the percent-format twin) of notebooks/ or es/notebooks/ and of their
quizzes/ folders (each chapter's wrap-up quiz, ``quizzes/NN_quiz.py``, and the final one over the
course, ``quizzes/final_quiz.py``), runs it top to bottom in a fresh ``python3`` kernel with
``FMNIST_BUDGET`` set and ``FMNIST_LANGUAGE`` the language of its folder (``es`` under
es/notebooks/, else ``en``: the words on its figures), keeps the widget state (so the book can
show the widgets), records the budget in the notebook's metadata, and writes the pair (.ipynb +
.py).

    python tools/run_notebooks.py --budget smoke [notebooks/03_autoencoders.py ...]
    python tools/run_notebooks.py --budget smoke --edition both    # every chapter and quiz, both
    python tools/run_notebooks.py --stored-form --edition both     # no run: the lab's saved form

A Spanish notebook prints what its English twin prints but draws its figures in Spanish. After a
change to a chapter, execute the English, carry its code and outputs across, then execute the
Spanish twin (tools/translations.py says which Spanish figures are still drawn in English):

    python tools/run_notebooks.py --budget full notebooks/03_autoencoders.py
    python tools/translations.py sync 03
    python tools/run_notebooks.py --budget full es/notebooks/03_autoencoders.py
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import time
from pathlib import Path
from typing import Any

import jupytext
from nbclient import NotebookClient

from fmnist_lib.settings import NOTEBOOK_LANGUAGE as LANGUAGE_KEY

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"en": ROOT / "notebooks", "es": ROOT / "es" / "notebooks"}
SPANISH_FOLDER = ("es", "notebooks")  # as fmnist_lib.settings.language_from_env reads a folder
QUIZZES = "quizzes"  # each edition's quiz notebooks, in a folder beside its chapters


def language(script: Path) -> str:
    """The language of a notebook's figures: ``es`` for one in an es/notebooks folder (or in its
    quizzes/ folder)."""
    folder = script.resolve().parent
    if folder.name == QUIZZES:
        folder = folder.parent
    return "es" if folder.parts[-2:] == SPANISH_FOLDER else "en"


def _lab_server_config() -> Any:
    """lab-settings/jupyter_server_config.py, the one place that knows which widget state a
    saved chapter keeps (the lab's save and this tool must agree)."""
    spec = importlib.util.spec_from_file_location(
        "lab_server_config", ROOT / "lab-settings" / "jupyter_server_config.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LAB = _lab_server_config()


def in_stored_form(nb: Any, lang: str) -> Any:
    """``nb`` as JupyterLab would save it, so that opening and saving a chapter changes nothing:
    a code cell whose outputs are hidden is also ``collapsed`` (the lab writes both), and the
    stored widget state holds only the widgets an output shows. A chapter of another language
    than English says so in its metadata (``LANGUAGE_KEY``): on Colab, which gives the kernel no
    notebook path, ``fmnist_lib.settings`` reads it there."""
    if lang == "en":
        nb.metadata.pop(LANGUAGE_KEY, None)
    else:
        nb.metadata[LANGUAGE_KEY] = lang
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("jupyter", {}).get("outputs_hidden"):
            cell.metadata["collapsed"] = True
    LAB.shown_widget_state(nb)
    return nb


def restore_form(script: Path) -> None:
    """Rewrite a stored chapter (.ipynb, and its .py twin) in the stored form, running nothing."""
    notebook = script.with_suffix(".ipynb")
    jupytext.write(in_stored_form(jupytext.read(notebook), language(script)), notebook)
    jupytext.write(jupytext.read(notebook), script, fmt="py:percent")


def chapters(edition: str) -> list[Path]:
    """The notebooks NN_*.py of an edition (``en``, ``es``, or ``both``: English first)."""
    languages = ["en", "es"] if edition == "both" else [edition]
    return [p for lang in languages for p in sorted(FOLDERS[lang].glob("[0-9][0-9]_*.py"))]


def quizzes(edition: str) -> list[Path]:
    """The quiz notebooks of an edition (``en``, ``es`` or ``both``): the chapters'
    quizzes/NN_quiz.py, then quizzes/final_quiz.py."""
    languages = ["en", "es"] if edition == "both" else [edition]
    return [
        p
        for lang in languages
        for pattern in ("[0-9][0-9]_quiz.py", "final_quiz.py")
        for p in sorted((FOLDERS[lang] / QUIZZES).glob(pattern))
    ]


def execute(script: Path, budget: str, timeout: int) -> float:
    """Run one notebook; write ``.ipynb`` and ``.py``; return the seconds it took."""
    nb = jupytext.read(script)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    os.environ["FMNIST_LANGUAGE"] = language(script)  # the kernel inherits it
    start = time.perf_counter()
    NotebookClient(
        nb,
        kernel_name="python3",
        timeout=timeout,
        store_widget_state=True,
        resources={"metadata": {"path": str(script.parent)}},
    ).execute()
    seconds = time.perf_counter() - start
    nb.metadata["fmnist"] = {
        "budget": budget,
        "executed": time.strftime("%Y-%m-%d"),
        "seconds": round(seconds),
    }
    jupytext.write(in_stored_form(nb, language(script)), script.with_suffix(".ipynb"))
    jupytext.write(nb, script, fmt="py:percent")
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--budget", choices=["full", "quick", "smoke"])
    parser.add_argument(
        "--stored-form",
        action="store_true",
        help="run nothing: rewrite the stored notebooks in the form the lab saves",
    )
    parser.add_argument("--timeout", type=int, default=4 * 3600, help="seconds per cell")
    parser.add_argument(
        "--edition",
        choices=["en", "es", "both"],
        default="en",
        help="whose chapters to run when no notebook is named (default: en)",
    )
    parser.add_argument("notebooks", nargs="*", type=Path, help="NN_*.py, English or Spanish")
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.notebooks if p.suffix != ".py" or not p.is_file()]
    if missing:
        parser.error(f"not a notebook's .py twin: {', '.join(missing)}")
    scripts = [p.resolve() for p in args.notebooks] or [
        *chapters(args.edition),
        *quizzes(args.edition),
    ]
    if args.stored_form:
        for script in scripts:
            restore_form(script)
        return
    if args.budget is None:
        parser.error("--budget is required to execute notebooks")
    os.environ["FMNIST_BUDGET"] = args.budget  # the kernel inherits it
    # the stored outputs hold results only: no bars, no "training..." lines of the runs (even under
    # `make notebooks`, whose Makefile turns progress on)
    os.environ["FMNIST_PROGRESS"] = "0"
    os.environ["FMNIST_SOLUTIONS"] = "run"  # every solution runs and its output is stored
    if os.environ.get("FMNIST_RUNS"):  # the kernels run in a notebooks folder: make it absolute
        os.environ["FMNIST_RUNS"] = str(Path(os.environ["FMNIST_RUNS"]).resolve())
    for script in scripts:
        name = script.relative_to(ROOT) if script.is_relative_to(ROOT) else script
        print(f"{name}: {execute(script, args.budget, args.timeout):.0f} s", flush=True)


if __name__ == "__main__":
    main()
