"""The Spanish edition (es/): a twin of every chapter, paired, with the English code cells and no
translation left behind by a change to the English text."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.artifacts  # checks what is committed

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("translations", ROOT / "tools" / "translations.py")
translations = importlib.util.module_from_spec(spec)
spec.loader.exec_module(translations)
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("english", CHAPTERS, ids=lambda p: p.stem)
def test_the_spanish_twin_is_in_step_with_the_english_chapter(english):
    found = translations.problems(english)
    assert not found, "the Spanish twin is not in step (AUTHORING.md):\n" + "\n".join(found)


@pytest.mark.parametrize("english", CHAPTERS, ids=lambda p: p.stem)
def test_the_spanish_notebook_and_its_py_twin_agree(english):
    spanish = translations.spanish_path(english)
    converted = subprocess.run(
        [sys.executable, "-m", "jupytext", "--to", "py:percent", "--output", "-", str(spanish)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert converted == spanish.with_suffix(".py").read_text(), f"run: jupytext --sync {spanish}"


def test_the_spanish_book_lists_every_chapter():
    toc = (ROOT / "es" / "_toc.yml").read_text()
    assert all(f"notebooks/{p.name}" in toc for p in CHAPTERS)
