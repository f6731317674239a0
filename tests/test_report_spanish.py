"""The reproduction report in Spanish (REPORT.es.md): the English report unchanged, the same
numbers and verdicts in both, no English sentence left in the Spanish one, and every text of the
report in both languages with the same fields."""

import copy
import json
import re
from collections import Counter

import pytest

from fmnist_lib import numerals, stats, wording
from fmnist_lib.data import CLASS_NAMES
from fmnist_lib.errors import SettingsError
from fmnist_lib.experiments.registry import EXPERIMENTS
from fmnist_lib.numerals import interval_text
from fmnist_lib.reproduction import findings, report_words, verdicts
from fmnist_lib.reproduction.pipeline import REPORT_LANGUAGES, write_results
from fmnist_lib.reproduction.report import render_report, verdict_word
from fmnist_lib.reproduction.verdicts import VERDICTS
from fmnist_lib.settings import LANGUAGES, project_root

RESULTS = project_root() / "results" / "full"
FIGURE_LINE = re.compile(r"^!\[[^\]]*\]\(([^)]+)\)", flags=re.MULTILINE)


@pytest.fixture(scope="module")
def metrics() -> dict:
    return json.loads((RESULTS / "metrics.json").read_text())


@pytest.fixture(scope="module")
def figures() -> list[str]:
    return FIGURE_LINE.findall((RESULTS / "REPORT.md").read_text())


def variants(metrics: dict) -> dict[str, dict]:
    """The committed metrics, and versions of them that take the report's other branches."""
    smoke = copy.deepcopy(metrics)
    smoke["budget"] = "smoke"
    smoke["budget_settings"] = {"name": "smoke", "train_size": 1000, "max_epochs": 2}
    smoke["damaged"] = {"clf-consigna-10": {"0": "JSONDecodeError"}}
    one_seed = copy.deepcopy(metrics)
    for e in one_seed["experiments"].values():
        e["runs"] = e["runs"][:1]
    fewer = copy.deepcopy(metrics)
    for name in ("clf-raschka-10-paper-protocol", "clf-consigna-fe-10", "ae-raschka-64"):
        del fewer["experiments"][name]
    return {"committed": metrics, "smoke": smoke, "one seed": one_seed, "fewer": fewer}


# --------------------------------------------------------------------------- (a) English
def test_the_english_report_is_the_committed_one(metrics, figures):
    """Rendering in English is what it was before the report had a Spanish edition."""
    committed = (RESULTS / "REPORT.md").read_text()
    assert figures, "the report shows its figures"
    assert render_report(metrics, figures) == committed
    assert render_report(metrics, figures, language="en") == committed


def test_an_unknown_language_is_refused(metrics):
    with pytest.raises(SettingsError, match="no language 'fr'"):
        render_report(metrics, language="fr")


# --------------------------------------------------------------------------- (b) the numbers
#: A number: an optional sign (not a hyphen inside a name such as ae-raschka-64), digits with
#: thousands marked and decimals; digits inside a word (fp32, x86_64) are not numbers. English
#: writes 60,000 and 0.5; Spanish (fmnist_lib.numerals) 60 000 (a narrow space) and 0,5.
NUMBER = {
    "en": re.compile(r"(?<![\w.])[-+]?\d+(?:,\d{3})*(?:\.\d+)?"),
    "es": re.compile(r"(?<![\w,])[-+]?\d+(?:\u202f\d{3})*(?:,\d+)?"),
}
COMMIT = re.compile(r"\b[0-9a-f]{40}\b")
CODE_SPAN = re.compile(r"`[^`]*`")  # names and paths: written as code, alike
VERSION = re.compile(r"\b\d+(?:\.\d+){2,}\S*")  # torch 2.14.1+cpu: a name, not a number
AS_ENGLISH = {"en": str.maketrans("", "", ","), "es": str.maketrans({"\u202f": "", ",": "."})}


def numbers(text: str, lang: str = "en") -> Counter:
    """The numbers of a text as values written the English way (thousands unmarked), counted:
    the same in both editions of a report; a Spanish number written the English way is not one."""
    words = VERSION.sub("", COMMIT.sub("", CODE_SPAN.sub("", text)))
    found = NUMBER[lang].findall(words)
    return Counter(token.translate(AS_ENGLISH[lang]) for token in found)


@pytest.mark.parametrize("variant", ["committed", "smoke", "one seed", "fewer"])
def test_the_spanish_report_carries_exactly_the_english_numbers(metrics, figures, variant):
    """A translation cannot change a result: the same number tokens, as many times each."""
    m = variants(metrics)[variant]
    en, es = render_report(m, figures), render_report(m, figures, language="es")
    assert sum(numbers(en).values()) > 300
    ours, theirs = numbers(es, "es"), numbers(en)
    assert ours == theirs, (ours - theirs, theirs - ours)


def test_the_spanish_report_has_the_english_verdicts(metrics, figures):
    """Each verdict appears in as many table cells in Spanish as in English (a claim's "not
    shown" and an effect's are one English text, two Spanish ones: their gender differs)."""
    en, es = render_report(metrics, figures), render_report(metrics, figures, language="es")
    effects = ("effect.real", "effect.not_shown", "effect.unknown")
    keys = [*(f"verdict.{v}" for v in VERDICTS), *effects]
    spanish: dict[str, set[str]] = {}
    for key in keys:
        spanish.setdefault(report_words.say(key), set()).add(report_words.say(key, "es"))
    for english, words in spanish.items():
        assert en.count(f"| {english} |") == sum(es.count(f"| {w} |") for w in words), english
    assert en.count(f"| {verdict_word(verdicts.CONFIRMED)} |") > 0


@pytest.mark.parametrize("lang", REPORT_LANGUAGES)
def test_the_papers_tables_lead_with_the_model_and_its_test_metric(metrics, figures, lang):
    """Tables I and II show the test metric (ours) right after the model, so that a phone or a
    laptop shows it before the settings that scroll; each row's first cells are the model's and
    its result over seeds."""
    text = render_report(metrics, figures, language=lang)
    say = lambda key: report_words.say(key, lang)
    for title, metric in (("table1.title", "col.mse_ours"), ("table2.title", "col.accuracy_ours")):
        lines = text.split(say(title) + "\n", 1)[1].splitlines()
        header, _, first_row = [line for line in lines if line.startswith("|")][:3]
        assert header.split(" | ")[:2] == ["| " + say("col.model"), say(metric)], header
        assert "±" in first_row.split(" | ")[1], first_row


def test_a_difference_reads_the_same_in_both_languages():
    c = stats.compare([0.90, 0.91, 0.92], [0.88, 0.885, 0.89])
    en, es = interval_text(c), interval_text(c, lang="es")
    assert en.startswith("+2.50 points, 95% CI [")
    assert es.startswith("+2,50 puntos, IC del 95\xa0% [")
    assert numbers(es, "es") == numbers(en) and es.endswith(
        en[en.index("(Welch") :].replace("df", "gl").replace(".", ",")
    )
    one = stats.compare([0.90], [0.88])
    assert interval_text(one, lang="es") == "+2,00 puntos (una sola semilla: sin intervalo)"


# --------------------------------------------------------------------------- (c) no English left
#: English words that the Spanish report must not show outside code, experiment names and file
#: names (model titles such as "feed-forward" and the dataset's class names stay as they are).
ENGLISH_WORDS = (
    "the", "and", "of", "with", "from", "is", "are", "by", "on", "at", "to", "its", "our",
    "confirmed", "contradicted", "shown", "cannot", "tell", "not", "seed", "seeds", "accuracy",
    "training", "train", "validation", "test", "epoch", "epochs", "run", "runs", "points",
    "interval", "paper", "report", "verdict", "answer", "question", "claim", "evidence",
    "model", "hidden", "pretrained", "random", "start", "size", "effect", "mean", "time",
    "figure", "images", "class", "ours", "what", "result", "group", "threads", "budget",
    "finished", "partial", "damaged", "data", "created", "versions", "which", "would",
    "beats", "better", "worse", "raises", "lowers", "reaches", "lower", "per",
)  # fmt: skip
CODE = re.compile(r"`[^`]*`")
EXPERIMENT = re.compile(r"(?<![\w-])(?:ae|clf)-[a-z0-9-]+")
FILE = re.compile(r"\([\w.-]+\.png\)")


def prose(text: str) -> str:
    """The report without code spans, experiment names and figure file names."""
    return FILE.sub("", EXPERIMENT.sub("", CODE.sub("", text)))


@pytest.mark.parametrize("variant", ["committed", "smoke", "one seed", "fewer"])
def test_no_english_is_left_in_the_spanish_report(metrics, figures, variant):
    m = variants(metrics)[variant]
    es = prose(render_report(m, figures, language="es"))
    found = {w for w in ENGLISH_WORDS if re.search(rf"\b{w}\b", es, flags=re.IGNORECASE)}
    assert not found, f"English words in the Spanish report: {sorted(found)}"
    en = prose(render_report(m, figures))
    assert {w for w in ENGLISH_WORDS if re.search(rf"\b{w}\b", en)} >= {"the", "accuracy"}


def test_the_checker_sees_english(metrics, figures):
    """The check above can fail: an English sentence outside code is found, inside it is not."""
    assert re.search(r"\bseeds\b", prose("mean over seeds `the seeds` clf-consigna-10"))
    assert not re.search(r"\bthe\b", prose("`the seeds` clf-raschka-10-paper-protocol"))


# --------------------------------------------------------------------------- (d) the texts
def test_every_report_text_has_both_languages_with_the_same_fields():
    for key, texts in {**report_words.TEXTS, **numerals.TEXTS}.items():
        assert set(texts) == set(LANGUAGES), key
        assert wording.fields(texts["es"]) == wording.fields(texts["en"]), key


def test_every_recorded_text_has_its_spanish_with_the_same_numbers(metrics):
    """The claims and the experiments' notes (recorded in English) are translated, and no
    translation changes a number of them."""
    claims = [c.text for c in findings.claims(metrics)]
    notes = [e.note for e in EXPERIMENTS.values() if e.note]
    missing = [t for t in [*claims, *notes] if t not in report_words.RECORDED_ES]
    assert not missing, f"add their Spanish to report_words.RECORDED_ES: {missing}"
    for english, spanish in report_words.RECORDED_ES.items():
        assert numbers(spanish, "es") == numbers(english), english
    assert report_words.recorded("an older note", "es") == "an older note"


def test_a_claims_detail_is_data_that_each_language_renders(metrics, figures):
    """``findings`` gives a claim's detail as numbers (the ranking, the worst class per seed),
    and the report writes them in each language: the ranking in order of mean test MSE."""
    ranking = findings.ranking_claim(metrics).detail
    assert isinstance(ranking, findings.Ranking) and len(ranking.means) == 4
    assert [m for _, m in ranking.means] == sorted(m for _, m in ranking.means)
    listed = " < ".join(f"{n} {m:.5f}" for n, m in ranking.means)
    en, es = render_report(metrics, figures), render_report(metrics, figures, language="es")
    assert f"ranking by mean test MSE: {listed}" in en
    assert f"orden según el MSE medio de prueba: {listed.replace('.', ',')}" in es
    worst = findings.worst_class_claim(metrics).detail
    assert isinstance(worst, findings.WorstClass)
    next_worst = f"{worst.next_worst} {CLASS_NAMES[worst.next_worst]}"
    assert f"{next_worst} es la siguiente peor clase" in es
    assert f"{next_worst} is the next-worst class" in en
    gap = worst.closest.comparison
    spanish_gap = f"{100 * gap.estimate:+.2f} puntos, IC del 95\xa0% [{100 * gap.low:+.2f}"
    assert spanish_gap.replace(".", ",") in es
    # the test, the size and the verdict of every claim, in each language's words
    assert "pareada por semilla" in es and "paired by seed" in en
    assert "dirección confirmada, pero no el tamaño afirmado" in es


# --------------------------------------------------------------------------- pipeline
def test_the_results_folder_gets_both_reports_with_the_same_figures(metrics, tmp_path):
    out = tmp_path / "full"
    write_results(metrics, {}, out, images=None)
    drawn = sorted(p.name for p in out.glob("*.png"))
    english = [f for f in drawn if not f.endswith(".es.png")]
    spanish = [f for f in drawn if f.endswith(".es.png")]
    assert english and set(REPORT_LANGUAGES) == {"en", "es"}
    assert spanish == sorted(f.replace(".png", ".es.png") for f in english)  # drawn in Spanish
    en, es = (out / "REPORT.md").read_text(), (out / "REPORT.es.md").read_text()
    assert sorted(FIGURE_LINE.findall(en)) == english
    assert sorted(FIGURE_LINE.findall(es)) == spanish
    assert es == render_report(metrics, FIGURE_LINE.findall(es), language="es")


@pytest.mark.artifacts
def test_the_committed_spanish_report_is_generated_not_edited(metrics, figures):
    spanish = RESULTS / "REPORT.es.md"
    if not spanish.exists():
        pytest.skip("results/full/REPORT.es.md not generated yet: python -m fmnist_lib report")
    drawn = [f.replace(".png", ".es.png") for f in figures]  # the same figures, in Spanish
    assert spanish.read_text() == render_report(metrics, drawn, language="es")


def test_a_count_is_said_with_its_noun_in_the_number_it_takes():
    from fmnist_lib.reproduction.report import counted

    assert [counted(n, "seed") for n in (1, 3)] == ["one seed", "3 seeds"]
    assert [counted(n, "seed", "es") for n in (1, 3)] == ["una semilla", "3 semillas"]
    assert counted(0, "known", total=7).startswith("none of these 7 runs")
    assert counted(0, "known", "es", total=7).startswith("ninguna de estas 7 corridas registró")
    assert "registraron" in counted(2, "known", "es", total=7)
    assert counted(12000, "experiment", "es") == "12\u202f000 experimentos"  # RAE spacing
