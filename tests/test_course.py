"""``fmnist_lib.course.setup`` says the budget in the notebook's language."""

import pytest

from fmnist_lib.course import budget_line, setup
from fmnist_lib.settings import BUDGETS


@pytest.mark.parametrize("budget", sorted(BUDGETS))
def test_the_budget_line_is_in_each_language_with_the_same_numbers(budget):
    english, spanish = (budget_line(budget, "cpu", lang) for lang in ("en", "es"))
    assert english.startswith(f"budget: {budget} (") and english.endswith("device: cpu")
    assert spanish.startswith(f"presupuesto: {budget} (") and spanish.endswith("dispositivo: cpu")
    digits = lambda text: "".join(c for c in text if c.isdigit())
    assert digits(english) == digits(spanish)


def test_setup_prints_in_the_language_of_the_notebook(monkeypatch, capsys):
    monkeypatch.setenv("FMNIST_BUDGET", "quick")
    monkeypatch.setenv("FMNIST_LANGUAGE", "es")
    setup()
    assert (
        "(10\u202f000 imágenes de entrenamiento, 5 épocas como máximo)" in capsys.readouterr().out
    )
    monkeypatch.setenv("FMNIST_LANGUAGE", "en")
    setup()
    assert "(10,000 training images, at most 5 epochs)" in capsys.readouterr().out
