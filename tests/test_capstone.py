"""The capstone (issue 26, item 5): a page in each edition, in both books after the last chapter,
linked to its twin; its code sketch names what the library has, is the same code in both
editions, and runs (at the smoke budget, in a scratch runs folder)."""

import ast
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from fmnist_lib.experiments.registry import EXPERIMENTS, OVERRIDABLE

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"en": ROOT / "capstone.md", "es": ROOT / "es" / "proyecto.md"}
sys.path.insert(0, str(ROOT / "book_ext"))
from fmnist_book import TWIN_PAGES  # noqa: E402


def sketch(lang: str) -> str:
    """The page's one Python block."""
    blocks = re.findall(r"```python\n(.*?)```", PAGES[lang].read_text("utf-8"), flags=re.S)
    assert len(blocks) == 1, f"{PAGES[lang].name}: one code sketch"
    return blocks[0]


def test_both_books_list_the_capstone_after_the_final_quiz_and_the_editions_are_twins():
    for toc, name in ((ROOT / "_toc.yml", "capstone"), (ROOT / "es" / "_toc.yml", "proyecto")):
        files = [c["file"] for c in yaml.safe_load(toc.read_text("utf-8"))["chapters"]]
        assert files[files.index(name) - 1] == "notebooks/quizzes/final_quiz.ipynb", toc
    assert TWIN_PAGES["capstone"] == "proyecto"
    for lang, page in PAGES.items():
        for link in re.findall(r"\]\(([^)#]+)\)", page.read_text("utf-8")):
            assert (page.parent / link).exists(), f"{lang}: a link to {link} that is not there"


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_the_sketch_names_what_the_library_has(lang):
    tree = ast.parse(sketch(lang))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            module = importlib.import_module(node.module)
            missing = [a.name for a in node.names if not hasattr(module, a.name)]
            assert not missing, f"{node.module} has no {missing}"
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "run_experiment":
            name = node.args[0]
            assert isinstance(name, ast.Constant) and name.value in EXPERIMENTS
            for keyword in node.keywords:
                if keyword.arg == "overrides":
                    keys = [k.value for k in keyword.value.keys]  # type: ignore[attr-defined]
                    assert set(keys) <= set(OVERRIDABLE), keys


def test_the_sketch_is_the_same_code_in_both_editions():
    """Comments differ; the code does not (the Spanish asks ``interval_text`` for Spanish)."""

    def code(lang):
        tree = ast.parse(sketch(lang))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                node.keywords = [k for k in node.keywords if k.arg != "lang"]
        return ast.dump(tree)

    assert code("en") == code("es")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en"])
def test_the_sketch_runs_at_the_smoke_budget(lang, tmp_path):
    source = sketch(lang).replace('"quick"', '"smoke"')
    env = {**os.environ, "FMNIST_RUNS": str(tmp_path), "FMNIST_PROGRESS": "0"}
    done = subprocess.run([sys.executable, "-c", source], env=env, capture_output=True,
                          text=True, timeout=900, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    assert re.match(r"[+-]\d+\.\d+ points, 95% CI \[", lines[-2]), lines
    assert lines[-1] in ("equal", "different", "undecided")
