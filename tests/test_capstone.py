"""The capstone (issue 26, item 5): a page in each edition, in both books after the last chapter,
linked to its twin; its code sketch names what the library has, is the same code in both
editions, and runs (at the smoke budget, in a scratch runs folder)."""

import ast
import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from fmnist_lib.experiments.registry import EXPERIMENTS, OVERRIDABLE
from fmnist_lib.numerals import mean_std_text

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"en": ROOT / "capstone.md", "es": ROOT / "es" / "proyecto.md"}
sys.path.insert(0, str(ROOT / "book_ext"))
from fmnist_book import TWIN_PAGES  # noqa: E402


def blocks(lang: str) -> list[str]:
    """The page's Python blocks: the sketch (section 3), then the worked example (section 6)."""
    found = re.findall(r"```python\n(.*?)```", PAGES[lang].read_text("utf-8"), flags=re.S)
    assert len(found) == 2, f"{PAGES[lang].name}: a code sketch and a worked example"
    return found


def sketch(lang: str) -> str:
    """The page's code sketch (section 3)."""
    return blocks(lang)[0]


def worked(lang: str) -> str:
    """The worked example's code (section 6)."""
    return blocks(lang)[1]


def printed(lang: str) -> str:
    """What the page says the worked example prints: the ``text`` block right after its code."""
    fenced = r"((?:(?!```).)*)```"  # a fenced block's text, up to its closing fence
    found = re.findall(
        rf"```python\n{fenced}\s*```text\n{fenced}", PAGES[lang].read_text("utf-8"), re.S
    )
    code_and_output = dict(found)
    assert worked(lang) in code_and_output, (
        f"{PAGES[lang].name}: the worked example's output, in a text block right after its code"
    )
    return code_and_output[worked(lang)]


def test_both_books_list_the_capstone_after_the_final_quiz_and_the_editions_are_twins():
    for toc, name in ((ROOT / "_toc.yml", "capstone"), (ROOT / "es" / "_toc.yml", "proyecto")):
        files = [c["file"] for c in yaml.safe_load(toc.read_text("utf-8"))["chapters"]]
        assert files[files.index(name) - 1] == "notebooks/quizzes/final_quiz.ipynb", toc
    assert TWIN_PAGES["capstone"] == "proyecto"
    for lang, page in PAGES.items():
        for link in re.findall(r"\]\(([^)#]+)\)", page.read_text("utf-8")):
            assert (page.parent / link).exists(), f"{lang}: a link to {link} that is not there"


@pytest.mark.parametrize("lang", sorted(PAGES))
@pytest.mark.parametrize("block", [0, 1], ids=["sketch", "worked"])
def test_the_code_names_what_the_library_has(lang, block):
    tree = ast.parse(blocks(lang)[block])
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


@pytest.mark.parametrize("block", [0, 1], ids=["sketch", "worked"])
def test_the_code_is_the_same_in_both_editions(block):
    """Comments and words differ (a label is in the page's language); the code does not (the
    Spanish asks the numerals for Spanish with ``lang``). The experiments' names are checked
    in each edition by the test above."""

    class Words(ast.NodeTransformer):
        def visit_JoinedStr(self, node):
            return ast.Constant("")

        def visit_Constant(self, node):
            return ast.Constant("") if isinstance(node.value, str) else node

    def code(lang):
        tree = Words().visit(ast.parse(blocks(lang)[block]))
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
    assert re.match(r"90% interval: [+-]\d+\.\d+ to [+-]\d+\.\d+$", lines[-1]), lines


#: The worked example's runs: the published 10-unit classifier and its 32-unit twin, seeds 0-2.
WORKED_RUNS = [
    ROOT / "results" / "reference-runs" / "full" / "clf-consigna-10" / f"seed{s}{point}"
    for s in (0, 1, 2)
    for point in ("", "-hidden_size32")
]


def test_seed_k_of_the_two_arms_starts_alike():
    """The design's pairing, checked: seed k builds the same convolutions in both arms (only
    the code's two dense layers differ), as the runner builds them (seed, then new_model)."""
    from fmnist_lib.experiments.registry import get_experiment
    from fmnist_lib.training import seed_everything

    ten = get_experiment("clf-consigna-10")
    arms = []
    for exp in (ten, ten.with_overrides({"hidden_size": 32})):
        seed_everything(1)
        arms.append(exp.new_model().state_dict())
    shared = [k for k in arms[0] if arms[0][k].shape == arms[1][k].shape]
    differ = [k for k in arms[0] if k not in shared]
    assert any("conv" in k or ".0." in k for k in shared) and differ, (shared, differ)
    for key in shared:
        if not key.startswith("head"):
            assert arms[0][key].equal(arms[1][key]), f"{key} differs at the same seed"


@pytest.mark.artifacts
@pytest.mark.parametrize("lang", sorted(PAGES))
def test_the_worked_example_prints_what_the_page_shows(lang):
    """The page's output block is what its code prints from the committed runs (it reloads
    them: a missing run fails here instead of training for minutes)."""
    missing = [str(d) for d in WORKED_RUNS if not (d / "result.json").exists()]
    assert not missing, f"runs missing (git add -f them after training): {missing}"
    env = {**os.environ, "FMNIST_PROGRESS": "0", "FMNIST_LANGUAGE": lang}
    env.pop("FMNIST_BUDGET", None)
    env.pop("FMNIST_RUNS", None)
    done = subprocess.run([sys.executable, "-c", worked(lang)], env=env, capture_output=True,
                          text=True, timeout=300, cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == printed(lang).strip()


def section_six(lang: str) -> str:
    """Section 6's prose, its code and output blocks left out."""
    page = PAGES[lang].read_text("utf-8")
    section = page[page.index("\n## 6.") :].split("\n## ")[1]
    return re.sub(r"```.*?```", "", section, flags=re.S)


@pytest.mark.artifacts
@pytest.mark.parametrize("lang", sorted(PAGES))
def test_the_worked_examples_prose_quotes_its_output(lang):
    """Every number with two decimals in section 6's prose is one its output prints, or the
    published 128-unit runs' mean and spread (quoted as an illustration, not a result)."""
    wide = [
        json.loads((d / "result.json").read_text())["test"]["accuracy"]
        for d in sorted(
            (ROOT / "results" / "reference-runs" / "full" / "clf-consigna-128").glob("seed?")
        )
    ]
    illustration = mean_std_text(wide, scale=100, digits=2, lang=lang)
    quoted = set(re.findall(r"\d+[.,]\d\d\b", section_six(lang)))
    shown = set(re.findall(r"\d+[.,]\d\d\b", printed(lang) + illustration))
    assert len(wide) == 3 and quoted, quoted
    assert quoted <= shown, f"quoted but not printed: {sorted(quoted - shown)}"
