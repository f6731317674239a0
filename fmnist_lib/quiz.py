"""The course's quizzes, kept as data: questions on the concepts, each answer with the feedback
that says why, in English and in Spanish (``quizzes/<language>/<NN>.json`` for each chapter's
wrap-up, ``final.json`` for the one over the whole course).

``show(3)`` displays chapter 3's quiz, ``show("final")`` the final one, with ``jupyterquiz``,
whose JavaScript runs in JupyterLab, on Colab and on the book's pages. The files follow
jupyterquiz's format (``question``, ``type``, ``answers`` of ``answer``, ``correct``,
``feedback``) plus ``quotes``: the numbers a question takes from a chapter's printed output, as
the output prints them (``tests/test_quizzes.py`` finds each one in the stored chapters, so that
a quiz cannot quote a number the chapters no longer print).
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


#: The name of the quiz over the whole course (``show(FINAL)``), beside the chapters' numbers.
FINAL = "final"


def path(quiz: int | str, lang: str = "en") -> Path:
    """The file of a quiz in ``lang``: chapter ``quiz``'s, or the final one (``FINAL``)."""
    name = FINAL if quiz == FINAL else f"{quiz:02d}"
    return QUIZZES / check_language(lang) / f"{name}.json"


def chapters() -> list[int]:
    """The chapters that have a quiz (those of the English edition); the final quiz is apart."""
    return sorted(int(p.stem) for p in (QUIZZES / "en").glob("[0-9][0-9].json"))


def load(quiz: int | str, lang: str = "en") -> list[dict[str, Any]]:
    """The questions of chapter ``quiz``'s quiz, or of the final one (``FINAL``), in ``lang``; a
    one-line error for a quiz that is not there."""
    file = path(quiz, lang) if quiz == FINAL or isinstance(quiz, int) else None
    if file is None or not file.is_file():
        unknown = f"for chapter {quiz}" if isinstance(quiz, int) else repr(quiz)
        raise SettingsError(f"no quiz {unknown}; the quizzes are {chapters()} and {FINAL!r}")
    questions: list[dict[str, Any]] = json.loads(file.read_text(encoding="utf-8"))
    return questions


def show(quiz: int | str, lang: str = "en") -> None:
    """Displays chapter ``quiz``'s quiz, or the final one (``show("final")``), in ``lang`` (the
    answers in a new order each time)."""
    questions = load(quiz, lang)
    state = random.getstate()  # jupyterquiz names its element with `random`: the same name each
    random.seed(f"{ELEMENT_SEED}-{quiz}-{lang}")  # run, the student's own draws untouched
    try:
        display_quiz(questions, shuffle_answers=True, max_width=720, colors=COLORS)
    finally:
        random.setstate(state)
