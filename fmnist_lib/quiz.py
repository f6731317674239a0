"""The chapters' wrap-up quizzes, kept as data: questions on the concepts, each answer with the
feedback that says why, in English and in Spanish (``quizzes/<language>/<NN>.json``).

``show(3)`` displays chapter 3's quiz with ``jupyterquiz``, whose JavaScript runs in JupyterLab,
on Colab and on the book's pages. The files follow jupyterquiz's format (``question``, ``type``,
``answers`` of ``answer``, ``correct``, ``feedback``) plus ``quotes``: the numbers a question takes
from its chapter's printed output, as the output prints them (``tests/test_quizzes.py`` finds
each one in the stored chapter, so that a quiz cannot quote a number the chapter no longer
prints).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from jupyterquiz import display_quiz

from .errors import SettingsError
from .settings import check_language

QUIZZES = Path(__file__).with_name("quizzes")
#: The seed of the quiz's page element's name: a stored quiz notebook is the same on every run.
ELEMENT_SEED = "fmnist-quiz"
#: Colours that everyone can read (WCAG AA contrast, which the book's browser check asks of every
#: page): jupyterquiz's green, under a chosen answer's white text and as its explanation's colour
#: on the white page, is too light.
COLORS = {"--jq-correct-color": "#007a10", "--jq-incorrect-color": "#c80202"}


def path(chapter: int, lang: str = "en") -> Path:
    """The file of chapter ``chapter``'s quiz in ``lang``."""
    return QUIZZES / check_language(lang) / f"{chapter:02d}.json"


def chapters() -> list[int]:
    """The chapters that have a quiz (those of the English edition)."""
    return sorted(int(p.stem) for p in (QUIZZES / "en").glob("[0-9][0-9].json"))


def load(chapter: int, lang: str = "en") -> list[dict[str, Any]]:
    """Chapter ``chapter``'s questions in ``lang``; a one-line error for a chapter without one."""
    file = path(chapter, lang)
    if not file.is_file():
        raise SettingsError(f"no quiz for chapter {chapter}; the quizzes are {chapters()}")
    questions: list[dict[str, Any]] = json.loads(file.read_text(encoding="utf-8"))
    return questions


def show(chapter: int, lang: str = "en") -> None:
    """Displays chapter ``chapter``'s quiz in ``lang`` (the answers in a new order each time)."""
    questions = load(chapter, lang)
    state = random.getstate()  # jupyterquiz names its element with `random`: the same name each
    random.seed(f"{ELEMENT_SEED}-{chapter}-{lang}")  # run, the student's own draws untouched
    try:
        display_quiz(questions, shuffle_answers=True, max_width=720, colors=COLORS)
    finally:
        random.setstate(state)
