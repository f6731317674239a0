"""The stored notebooks: paired, executed, error-free, with the course's first cell."""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.artifacts  # checks what is committed, not the code

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EDITIONS = NOTEBOOKS + sorted((ROOT / "es" / "notebooks").glob("*.ipynb"))
#: What exists for CI or for the linters, never for a student: no code cell holds it.
PLUMBING = re.compile(r"\bBUDGET\b|\bQUICK\b|\bSMALL\b|FMNIST_BUDGET|fmt: skip|noqa|if .*budget",
                      re.IGNORECASE)  # fmt: skip
SCRIPTS = sorted((ROOT / "notebooks").glob("*.py"))


def test_there_are_eight_chapters():
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05", "06", "07", "08"]


def test_every_notebook_has_its_twin_and_vice_versa():
    assert {p.stem for p in NOTEBOOKS} == {p.stem for p in SCRIPTS}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_twins_agree(notebook):
    converted = subprocess.run(
        [sys.executable, "-m", "jupytext", "--to", "py:percent", "--output", "-", str(notebook)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert converted == notebook.with_suffix(".py").read_text(), f"run: jupytext --sync {notebook}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_notebook_is_executed_without_errors(notebook):
    nb = json.loads(notebook.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    budget = nb["metadata"]["fmnist"]["budget"]
    assert budget == "full", (
        f"stored at the {budget!r} budget: the book publishes full-budget outputs; "
        "run `make notebooks BUDGET=full` (it reuses results/reference-runs)"
    )
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] is not None for c in code), "a code cell was never executed"
    counts = [c["execution_count"] for c in code]
    assert counts == sorted(counts), "cells were executed out of order"
    for c in code:
        for out in c["outputs"]:
            assert out["output_type"] != "error", (
                f"error output: {out.get('ename')}: {out.get('evalue')}"
            )
            if out["output_type"] == "stream":
                assert "Traceback" not in "".join(out["text"])
            if "image/png" in out.get("data", {}):  # fmnist_lib.plots.describe: the alt text
                alt = out.get("metadata", {}).get("image/png", {}).get("alt", "")
                assert len(alt.split()) >= 5, f"a figure without a description: {c['source'][:3]}"
    pngs = [str(o["data"]["image/png"]) for c in code for o in c["outputs"] if "image/png" in o.get(
        "data", {})]  # fmt: skip
    assert len(set(pngs)) == len(pngs), "a figure is shown twice (does a cell end with it?)"
    assert notebook.stat().st_size < 600_000, "figures too large: keep a modest dpi"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_follows_the_course_rules(notebook):
    nb = json.loads(notebook.read_text())
    cells = nb["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    first_code = "".join(next(c for c in cells if c["cell_type"] == "code")["source"])
    assert "google.colab" in first_code and "%pip install" in first_code
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert any("nbval-check-output" in c["metadata"].get("tags", []) for c in code), (
        "mark deterministic outputs for nbval with the cell tag nbval-check-output"
    )
    assert not any("NBVAL_" in s for s in sources), "nbval markers are tags, not comments"
    assert "hide-input" in code[0]["metadata"].get("tags", []), "the book hides the setup code"
    assert any("fmnist_lib" in s for s in sources)
    # no plumbing defined in notebooks: only the few functions whose writing is the lesson
    defined = re.findall(r"^def (\w+)", "\n".join(sources), flags=re.M)
    allowed = {"real", "rows_reached", "one_epoch"}
    assert set(defined) <= allowed, f"helpers belong in fmnist_lib: {defined}"


@pytest.mark.parametrize("notebook", EDITIONS, ids=lambda p: f"{p.parent.parent.name}-{p.stem}")
def test_no_plumbing_in_the_students_cells(notebook):
    """The setup cell is at most three lines (the install on Colab); the next code cell calls
    ``setup()``; no code cell branches on the budget or silences a linter."""
    code = ["".join(c["source"]) for c in json.loads(notebook.read_text())["cells"]
            if c["cell_type"] == "code"]  # fmt: skip
    assert len([line for line in code[0].splitlines() if line.strip()]) <= 3, code[0]
    assert "setup()" in code[1], "the chapter's first code cell calls setup()"
    found = [line for cell in code for line in cell.splitlines() if PLUMBING.search(line)]
    assert not found, f"plumbing in a student's cell: {found}"


#: The quizzes of both editions (their code cells: the setup and the questions).
QUIZZES = sorted((ROOT / "notebooks" / "quizzes").glob("*.ipynb")) + sorted(
    (ROOT / "es" / "notebooks" / "quizzes").glob("*.ipynb")
)
#: What the book's code column shows on a laptop (1366 px), in characters (issue 30).
COLUMN = 88


def test_ruff_formats_the_notebooks_to_the_books_column():
    """notebooks/ruff.toml and es/notebooks/ruff.toml: the rest of pyproject's settings, at 88."""
    for folder in (ROOT / "notebooks", ROOT / "es" / "notebooks"):
        config = tomllib.loads((folder / "ruff.toml").read_text(encoding="utf-8"))
        assert config["line-length"] == COLUMN, folder
        assert (folder / config["extend"]).resolve() == ROOT / "pyproject.toml", folder


@pytest.mark.parametrize(
    "notebook", EDITIONS + QUIZZES, ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_code_lines_fit_the_books_column(notebook):
    """Every line of every code cell, ``%%solution`` cells too (ruff skips cell magics)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    long = [
        f"cell {i}: {line[:50]}… ({len(line)})"
        for i, cell in enumerate(cells)
        if cell["cell_type"] == "code"
        for line in "".join(cell["source"]).splitlines()
        if len(line) > COLUMN
    ]
    assert not long, (
        f"code lines over {COLUMN} characters (split the string, move the comment): {long}"
    )


def _markdown(cells):
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_chapter_opens_with_objectives_and_closes_with_a_summary(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    first = "".join(cells[0]["source"])
    assert re.search(r"\*\*Objectives\.\*\*[^\n]*\n(\n?- .+\n?)+", first), (
        "the first cell needs an **Objectives.** paragraph with a bullet list (AUTHORING.md)"
    )
    headings = [h for m in _markdown(cells) for h in re.findall(r"^## (.+)$", m, flags=re.M)]
    assert headings[-1] == "Summary", f"the last section must be ## Summary, not {headings[-1]}"
    last_code = "".join(next(c for c in reversed(cells) if c["cell_type"] == "code")["source"])
    summary_at = max(i for i, m in enumerate(cells) if "## Summary" in "".join(m["source"]))
    assert any(c["cell_type"] == "code" for c in cells[summary_at:]) and last_code.strip(), (
        "the summary prints the chapter's key numbers from a code cell"
    )


def _exercise_blocks(cells):
    """The exercises section, ``## Exercises`` to ``## Summary``, cut into one block per
    exercise: the exercise's markdown cell (``N. ...``) and the cells after it, up to the next."""
    text = ["".join(c["source"]) for c in cells]
    head = next(i for i, t in enumerate(text) if re.search(r"^## Exercises$", t, flags=re.M))
    end = next(i for i, t in enumerate(text) if i > head and t.startswith("## Summary"))
    starts = [
        i
        for i in range(head + 1, end)
        if cells[i]["cell_type"] == "markdown" and re.match(r"\d+\. ", text[i])
    ]
    return {
        int(text[a].split(".")[0]): cells[a:b]
        for a, b in zip(starts, [*starts[1:], end], strict=True)
    }


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_exercise_has_its_hidden_solution_right_after_it(notebook):
    """Exercise N, then its self-check cells, then its solution (hidden in the lab, behind a
    toggle in the book, left by Run All), then exercise N + 1."""
    cells = json.loads(notebook.read_text())["cells"]
    blocks = _exercise_blocks(cells)
    numbers = list(blocks)
    assert numbers == list(range(1, len(numbers) + 1)) and numbers, "number the exercises 1, 2..."
    assert any("predict" in "".join(b[0]["source"]).lower() for b in blocks.values()), (
        "one exercise asks to predict before running"
    )
    chapter = int(notebook.stem[:2])
    for n, block in blocks.items():
        tags = [c["metadata"].get("tags", []) for c in block]
        first = next(i for i, t in enumerate(tags) if "solution" in t)
        assert all("solution" in t for t in tags[first:]), f"exercise {n}: the solution comes last"
        titles = re.findall(r"<summary>Solution (\d+)</summary>", "".join(block[first]["source"]))
        assert titles == [str(n)], f"exercise {n} is followed by solution {titles}"
        checks = re.findall(r'check_answer\("(\d+)\.(\d+)', "".join(
            "".join(c["source"]) for c in block if c["cell_type"] == "code"))  # fmt: skip
        assert all((int(ch), int(k)) == (chapter, n) for ch, k in checks), (n, checks)
        for c in block[first:]:
            assert c["metadata"].get("jupyter", {}).get("source_hidden"), "collapsed in the lab"
            if c["cell_type"] == "code":
                assert "hide-cell" in c["metadata"]["tags"], "and behind a toggle in the book"
                assert c["execution_count"] is not None, "solution code runs in CI and is stored"
                assert "".join(c["source"]).startswith("%%solution\n"), "Run All leaves it"
