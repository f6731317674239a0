"""What metrics.json shows is computed once (``findings``) and only rendered elsewhere: the
committed report's verdicts are the findings' verdicts, and no rendering module judges."""

import ast
import json
import re

import pytest

from fmnist_lib.reproduction import findings, verdicts
from fmnist_lib.reproduction.report import render, render_report, verdict_word
from fmnist_lib.settings import project_root

ROOT = project_root()
RESULTS = ROOT / "results" / "full"
REPRODUCTION = ROOT / "fmnist_lib" / "reproduction"


@pytest.fixture(scope="module")
def metrics() -> dict:
    return json.loads((RESULTS / "metrics.json").read_text())


@pytest.fixture(scope="module")
def found(metrics) -> findings.Findings:
    return findings.findings(metrics)


def _table_rows(report: str, title: str) -> list[list[str]]:
    """The cells of the rows of the first table after the heading ``title``."""
    section = report.split(f"\n{title}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")][1:]  # no header
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows]


# --------------------------------------------------------------------------- the same verdicts
#: The committed report's verdicts (results/full): a change to the rules or to the reading of
#: metrics.json that turns one of them is caught here, not only as a changed sentence.
COMMITTED_CLAIMS = ("confirmed", "confirmed", "direction only", "confirmed", "confirmed",
                    "confirmed", "not decided", "confirmed")  # fmt: skip
COMMITTED_AGAINST_FEEDFORWARD = ("contradicted", "not shown", "confirmed")


def test_the_committed_report_shows_the_findings_verdicts(found):
    report = (RESULTS / "REPORT.md").read_text()
    claims = _table_rows(report, "## The paper's claims")
    assert [[row[0], row[3]] for row in claims] == [
        [c.text, verdict_word(c.verdict)] for c in found.claims
    ]
    assert tuple(c.verdict for c in found.claims) == COMMITTED_CLAIMS
    ff = _table_rows(report, "## Conclusion check: do the convolutional classifiers beat a "
                     "feed-forward one?")  # fmt: skip
    rows = found.feedforward.convolutional
    assert [[r[0], r[3]] for r in ff] == [[a.sample.name, verdict_word(a.verdict)] for a in rows]
    assert tuple(a.verdict for a in rows) == COMMITTED_AGAINST_FEEDFORWARD
    assert found.raschka.verdict == "one run"
    assert "its number is within what a single run gives" in report
    assert found.pooling is not None and not found.pooling.gap.real
    # the 2 x 2 design, paired by seed and read as one family of five (Holm): only the size
    q = found.size_or_start
    assert q.paired and q.family.count == 5 and q.family.real == (True, False, False, False, False)
    assert q.unpaired.interaction.real  # what the unpaired, uncorrected reading said


def test_rendering_the_findings_is_rendering_the_metrics(metrics, found):
    for lang in ("en", "es"):
        assert render(found, ["a.png"], lang) == render_report(metrics, ["a.png"], lang)


def test_findings_are_frozen(found):
    with pytest.raises(AttributeError):
        found.claims = ()  # type: ignore[misc]


# --------------------------------------------------------------------------- no one else judges
#: What computes a number or a verdict: ``stats``' rule and ``verdicts``' rules.
JUDGING = {
    "compare", "contrast", "design_2x2", "prediction_interval", "mean", "variance", "judge",
    "combined", "not_beneficial", "worst_class", "single_run_verdict", "compare_pooling",
    "compare_paired", "paired_contrast", "design_2x2_paired", "p_value", "holm", "family",
    "equivalence", "effect_size", "size_words", "sized", "idle_dropout", "seeds_pair",
}  # fmt: skip
#: What reads metrics.json's sections (besides ``findings.findings`` itself).
READING = {name for name in dir(findings) if name.endswith(("_check", "_claim", "claims"))} | {
    "sample", "pair", "size_or_start", "tables", "confusion", "provenance", "times", "runs_of",
}  # fmt: skip


def _called(tree: ast.AST) -> set[str]:
    """The names of the functions called in ``tree`` (``f(...)``, ``module.f(...)``)."""
    calls = [n.func for n in ast.walk(tree) if isinstance(n, ast.Call)]
    return {f.id if isinstance(f, ast.Name) else f.attr for f in calls
            if isinstance(f, ast.Name | ast.Attribute)}  # fmt: skip


def _function(tree: ast.Module, name: str) -> ast.FunctionDef:
    return next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name)


def judging_calls(source: str, function: str | None = None) -> set[str]:
    """The judging or metrics-reading functions that ``source`` (or one of its functions)
    calls."""
    tree = ast.parse(source)
    return _called(tree if function is None else _function(tree, function)) & (JUDGING | READING)


def test_the_report_renders_and_never_judges():
    report = (REPRODUCTION / "report.py").read_text()
    assert judging_calls(report) == set()
    tree = ast.parse(report)
    takes_metrics = {f.name for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)
                     and "metrics" in [a.arg for a in f.args.args]}  # fmt: skip
    assert takes_metrics == {"render_report"}  # which hands it to findings, and only that
    assert _called(_function(tree, "render_report")) == {"render", "findings"}


def test_the_pipeline_and_the_search_summary_render_what_was_judged():
    pipeline = (REPRODUCTION / "pipeline.py").read_text()
    assert judging_calls(pipeline) == set()
    assert "found = findings(metrics)" in pipeline
    search = (REPRODUCTION / "search.py").read_text()
    assert judging_calls(search, "_summary_text") == set()


def test_a_verdict_is_judged_only_where_metrics_are_read():
    """Only ``findings`` and the search's ``summarize`` (where its comparison is made) apply a
    verdict rule of ``verdicts``."""
    rules = {"judge", "combined", "not_beneficial", "worst_class", "single_run_verdict", "sized",
             "idle_dropout"}  # fmt: skip
    package = ROOT / "fmnist_lib"
    judging = {p.relative_to(package).as_posix() for p in package.rglob("*.py")
               if _called(ast.parse(p.read_text())) & rules}  # fmt: skip
    # (``verdicts`` itself builds its rules from one another: worst_class from judge, combined)
    assert judging == {"reproduction/findings.py", "reproduction/search.py",
                       "reproduction/verdicts.py"}  # fmt: skip


def test_the_checker_sees_a_verdict_computed_while_rendering():
    """The checks above can fail: a judge call planted in the report's source is found."""
    source = (REPRODUCTION / "report.py").read_text()
    planted = source.replace(
        "verdict_word(row.verdict, lang)",
        "verdict_word(verdicts.judge(row.comparison, lower_is_better=False), lang)",
    )
    assert planted != source and judging_calls(planted) == {"judge"}
    planted = re.sub(r"^def _real\(", "def _real(metrics, ", source, flags=re.M)
    assert "_real" in {f.name for f in ast.walk(ast.parse(planted))
                       if isinstance(f, ast.FunctionDef)
                       and "metrics" in [a.arg for a in f.args.args]}  # fmt: skip


# --------------------------------------------------------------------------- partial content
def test_a_section_that_did_not_run_is_none():
    empty = {"experiments": {}, "hardware": {"device": "cpu", "cpu_count": 2}, "wall_seconds": 1}
    assert findings.raschka_check(empty) is None and findings.confusion(empty) is None
    assert findings.size_or_start(empty) is None and findings.pool_check(empty) is None
    assert findings.feedforward_check(empty) is None
    assert [c.verdict for c in findings.claims(empty)] == [verdicts.NOT_RUN] * 8
    assert findings.times(empty).paper_run == 0


def test_the_search_verdict_is_judged_where_the_comparison_is_made():
    source = (REPRODUCTION / "search.py").read_text()
    summarize = _function(ast.parse(source), "summarize")
    assert {"compare", "judge"} <= _called(summarize)


# --------------------------------------------------------------------------- only stats judges
#: What makes an interval, a quantile or a p-value: none of it may be done by the machinery
#: itself, only through ``fmnist_lib.stats`` (the one rule).
STATISTICS_MODULES = ("scipy", "statsmodels", "statistics")
STATISTICS_CALLS = {"ppf", "isf", "sf", "cdf", "interval", "confidence_interval", "sqrt", "std",
                    "var", "tvar", "tstd", "sem"}  # fmt: skip
STATS_RESULTS = {"Contrast", "Comparison", "Design2x2", "Family", "Equivalence", "EffectSize"}


def statistics_done_by_hand(source: str) -> set[str]:
    """What ``source`` does that only ``stats`` may: import a statistics library, call a
    quantile, tail, interval or spread function, or build one of ``stats``' results itself."""
    tree = ast.parse(source)
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    found = {m for m in imported if m.split(".")[0] in STATISTICS_MODULES}
    return found | (_called(tree) & (STATISTICS_CALLS | STATS_RESULTS))


def test_no_claim_is_judged_outside_stats():
    """Every interval, p-value and test of the reproduction comes from ``fmnist_lib.stats``: no
    module of the machinery computes one itself."""
    sources = sorted(REPRODUCTION.glob("*.py"))
    assert len(sources) > 5
    for path in sources:
        assert statistics_done_by_hand(path.read_text()) == set(), path.name


def test_the_checker_sees_statistics_done_by_hand():
    source = (REPRODUCTION / "findings.py").read_text()
    planted = "from scipy.stats import t\n" + source.replace(
        "return Pair(a, b, c, size)",
        "return Pair(a, b, Comparison(c.estimate, 0.0, t.ppf(0.975, 2), 2, 1.0), size)",
    )
    assert planted != source
    assert statistics_done_by_hand(planted) == {"scipy.stats", "ppf", "Comparison"}
