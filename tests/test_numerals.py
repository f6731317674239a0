"""The course's numbers in text (``fmnist_lib.numerals``) and its one lookup of words
(``wording.Words``): English by default, every language of the course asked for by name, an
unknown one refused."""

import pytest

from fmnist_lib import numerals, stats, wording
from fmnist_lib.errors import SettingsError
from fmnist_lib.numerals import (
    count,
    interval_text,
    mean_std_text,
    number,
    points_apart,
    short_interval,
    significant,
)
from fmnist_lib.reproduction import report_words
from fmnist_lib.settings import LANGUAGES


def test_english_writes_numbers_as_python_does():
    assert number(0.921666, 2, percent=True) == "92.17%"
    assert number(-0.0010333, 5, sign=True) == "-0.00103" and number(1.5, 1, sign=True) == "+1.5"
    assert number(171.0, 0) == "171" and significant(0.00123456, 4) == "0.001235"
    assert count(60000) == "60,000" and count(7000) == "7,000" and count(7) == "7"
    assert number(0.5) == "0.50" and significant(1.5e-05) == "1.5e-05"


def test_spanish_writes_them_as_the_ortografia_asks():
    """A decimal comma, a narrow space between thousands from five digits on, a space before %;
    the same digits as the English (rounded once, by Python)."""
    assert number(0.921666, 2, percent=True, lang="es") == "92,17\xa0%"
    assert number(-0.0010333, 5, sign=True, lang="es") == "-0,00103"
    assert number(1.5, 1, sign=True, lang="es") == "+1,5" and number(171.0, 0, lang="es") == "171"
    assert number(12345.678, 1, lang="es") == "12\u202f345,7"
    assert (
        significant(0.00123456, 4, "es") == "0,001235"
        and significant(1.5e-05, 4, "es") == "1,5e-05"
    )
    assert count(60000, "es") == "60\u202f000" and count(7000, "es") == "7000"
    assert count(1234567, "es") == "1\u202f234\u202f567"
    assert number(float("nan"), 2, lang="es") == "nan"
    for x in (2.675, 0.125, 1e-3, 123456.789):  # rounding edges: the digits agree
        assert number(x, 2, lang="es").replace(",", ".").replace("\u202f", "") == number(x, 2)


def test_a_sample_and_a_difference_in_both_languages():
    assert mean_std_text([0.9, 0.91, 0.92], 100, 2, "%") == "91.00 ± 1.00% (n=3)"
    assert mean_std_text([0.9], 100, 2, "%", lang="es") == "90,00\xa0% (n=1)"
    assert mean_std_text([], lang="es") == "sin corridas" and mean_std_text([]) == "not run"
    c = stats.compare([0.90, 0.91, 0.92], [0.88, 0.885, 0.89])
    low, high, df = f"{100 * c.low:+.2f}", f"{100 * c.high:+.2f}", f"{c.df:.1f}"
    assert interval_text(c) == f"+2.50 points, 95% CI [{low}, {high}] (Welch, df {df})"
    es_low, es_high, es_df = (x.replace(".", ",") for x in (low, high, df))
    assert interval_text(c, lang="es") == (
        f"+2,50 puntos, IC del 95\xa0% [{es_low}; {es_high}] (Welch, gl {es_df})"
    )
    assert interval_text(c, scale=1, digits=5, unit="").startswith("+0.02500, 95% CI [")
    assert interval_text(None, lang="es") == "sin corridas"
    assert short_interval(c) == f"+2.50 points [{low}, {high}]"
    assert short_interval(c, "es") == f"+2,50 puntos [{es_low}; {es_high}]"  # a semicolon
    assert points_apart(-0.0069) == "0.69 percentage points below"
    assert points_apart(0.0069, "es") == "0,69 puntos porcentuales por encima de"


@pytest.mark.parametrize(
    "write",
    [lambda: number(1.0, lang="fr"), lambda: significant(1.0, lang="fr"),
     lambda: count(1, lang="fr"), lambda: mean_std_text([1.0], lang="fr"),
     lambda: interval_text(None, lang="fr"), lambda: wording.text("epoch", "fr"),
     lambda: report_words.say("title", "fr", budget="x"), lambda: report_words.recorded("x", "fr"),
     lambda: wording.phrase("seed", "fr")],
)  # fmt: skip
def test_an_unknown_language_is_refused_by_the_one_check(write):
    with pytest.raises(SettingsError, match="no language 'fr'"):
        write()


def test_every_table_is_looked_up_the_same_way():
    tables = (wording.FIGURE_WORDS, numerals.NUMBER_WORDS, report_words.say)
    assert all(isinstance(t, wording.Words) for t in tables)
    for table in tables:
        for key, texts in table.texts.items():
            assert set(texts) == set(LANGUAGES), key
            assert wording.fields(texts["es"]) == wording.fields(texts["en"]), key
    with pytest.raises(KeyError, match=r"no text 'nothing' in fmnist_lib\.numerals\.TEXTS"):
        numerals.NUMBER_WORDS("nothing")
    assert "not_run" in numerals.NUMBER_WORDS and "not_run" not in report_words.say
    assert wording.translated("seed", "es", {"seed": "semilla"}) == "semilla"
    assert wording.translated("seed", "en", {"seed": "semilla"}) == "seed"
    assert wording.translated("an older note", "es", {}) == "an older note"


def test_the_numbers_inside_a_label_are_written_in_its_language():
    from fmnist_lib.numerals import numbers_written

    assert numbers_written("0.25", "es") == "0,25"
    assert numbers_written("−0.5 and 10000", "es") == "−0,5 and 10\u202f000"
    assert numbers_written("$\\mathdefault{10^{-2}}$", "es") == "$\\mathdefault{10^{-2}}$"
    assert numbers_written("0.25", "en") == "0.25"


def test_a_chapters_format_spec_writes_the_notebooks_language():
    """``numeral`` keeps the cell's format spec (both editions run the same code) and writes
    what it gives as ``number`` and ``count`` do: in English exactly Python's text."""
    from fmnist_lib.numerals import formatted, numeral

    cases = [(0.6123, ".3f"), (25450, ","), (4608, ","), (0.612, ".1%"), (-0.00097, "+.5f"),
             (1.5e-05, ".1e"), (97344, ">9,"), (7.62, ".3g"), (3, ">3")]  # fmt: skip
    assert [f"{numeral(x):{spec}}" for x, spec in cases] == [format(x, s) for x, s in cases]
    with wording.speaking("es"):
        shown = [f"{numeral(x):{spec}}" for x, spec in cases]
    assert shown == ["0,612", "25\u202f450", "4608", "61,2\u00a0%", "-0,00097", "1,5e-05",
                     "   97\u202f344", "7,62", "  3"]  # fmt: skip
    assert shown[1] == count(25450, "es") and shown[0] == number(0.6123, 3, lang="es")
    assert formatted(float("nan"), ".2f", "es") == "nan" and str(numeral(0.5)) == "0.5"
    with pytest.raises(SettingsError):
        formatted(1, "", "fr")
