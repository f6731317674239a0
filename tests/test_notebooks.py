"""The stored notebooks: paired, executed, error-free, with the course's first cell."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.artifacts  # checks what is committed, not the code

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SCRIPTS = sorted((ROOT / "notebooks").glob("*.py"))


def test_there_are_seven_chapters():
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05", "06", "07"]


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
    assert notebook.stat().st_size < 600_000, "figures too large: keep a modest dpi"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_follows_the_course_rules(notebook):
    nb = json.loads(notebook.read_text())
    cells = nb["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    first_code = "".join(next(c for c in cells if c["cell_type"] == "code")["source"])
    assert '"google.colab" in sys.modules' in first_code and "setup()" in first_code
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    assert any(s.startswith("# NBVAL_CHECK_OUTPUT") for s in sources), (
        "mark deterministic outputs for nbval"
    )
    assert any("fmnist_lib" in s for s in sources)
    # no plumbing defined in notebooks: only the few functions whose writing is the lesson
    defined = re.findall(r"^def (\w+)", "\n".join(sources), flags=re.M)
    assert set(defined) <= {"real", "rows_reached"}, f"helpers belong in fmnist_lib: {defined}"
