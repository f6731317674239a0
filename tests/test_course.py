"""``fmnist_lib.course.setup`` says the budget in the notebook's language and teaches the kernel
``%%solution``, a solution cell that Run All leaves."""

import pytest
from IPython.core.interactiveshell import InteractiveShell

from fmnist_lib.course import budget_line, setup, teach_solution_cells, write_table_numbers
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


@pytest.fixture
def shell():
    """An IPython shell (the kernel's, without the kernel) that knows ``%%solution``."""
    shell = InteractiveShell.instance()
    assert teach_solution_cells()
    yield shell
    shell.user_ns.pop("found", None)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "make this cell's first line %%solution run"), ("es", "cambia la primera línea")],
)
def test_run_all_leaves_a_solution_and_says_how_to_run_it(shell, monkeypatch, capsys, lang, words):
    monkeypatch.delenv("FMNIST_SOLUTIONS", raising=False)
    monkeypatch.setenv("FMNIST_LANGUAGE", lang)
    result = shell.run_cell("%%solution\nfound = 6 * 7\nprint('forty-two')")
    out = capsys.readouterr().out
    assert result.success and "found" not in shell.user_ns and "forty-two" not in out
    assert words in out and len(out.strip().splitlines()) == 1


def test_a_solution_runs_when_its_first_line_says_run_or_ci_asks(shell, monkeypatch, capsys):
    monkeypatch.delenv("FMNIST_SOLUTIONS", raising=False)
    shell.run_cell("%%solution run\nfound = 6 * 7\nprint('the answer')")
    assert shell.user_ns["found"] == 42 and "the answer" in capsys.readouterr().out
    monkeypatch.setenv("FMNIST_SOLUTIONS", "run")
    shell.run_cell("%%solution\nfound = 6 * 8")
    assert shell.user_ns["found"] == 48


def test_an_error_in_a_solution_fails_the_cell(shell, monkeypatch):
    monkeypatch.setenv("FMNIST_SOLUTIONS", "run")
    result = shell.run_cell("%%solution\nfound = 1 / 0")
    assert isinstance(result.error_in_exec, ZeroDivisionError)


def test_a_shown_table_writes_its_numbers_in_the_notebooks_language(shell):
    import pandas as pd

    table = pd.DataFrame(
        {"lr": [0.0005, float("nan")], "parameters": [401920, 12], "layer": ["Dropout(p=0.1)", "x"]}
    )
    english = shell.display_formatter.format(table)[0]
    try:
        assert write_table_numbers("es")
        spanish = shell.display_formatter.format(table)[0]
        assert "<td>0,0005</td>" in spanish["text/html"]
        assert "<td>401\u202f920</td>" in spanish["text/html"]
        assert "<td>Dropout(p=0.1)</td>" in spanish["text/html"]  # a repr, not a number
        assert "0,0005" in spanish["text/plain"] and "NaN" in spanish["text/plain"]
        assert "0,0005" in shell.display_formatter.format(table["lr"])[0]["text/plain"]
        assert digits(spanish["text/html"]) == digits(english["text/html"])  # the same digits
    finally:
        write_table_numbers("en")
    assert shell.display_formatter.format(table)[0] == english  # pandas' own format again


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())
