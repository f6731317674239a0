"""The Spanish edition's prose writes its numbers the Spanish way (issue 27): decimal comma,
a narrow space in thousands from five digits on, a space before ``%``; in formulas ``{,}`` and
``\\,``. ``tools/spanish_numbers.py`` rewrites a number only where the English shows which
number it is, and leaves code, links and numbers it cannot read alone."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "spanish_numbers", ROOT / "tools" / "spanish_numbers.py"
)
assert spec and spec.loader
spanish_numbers = importlib.util.module_from_spec(spec)
spec.loader.exec_module(spanish_numbers)

NARROW, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("spanish", "english", "expected"),
    [
        ("las 70,000 imágenes", "the 70,000 images", f"las 70{NARROW}000 imágenes"),
        ("sortea 1,000 de 6,000", "draws 1,000 of 6,000", "sortea 1000 de 6000"),
        ("sobre 1.000 imágenes", "on 1,000 images", "sobre 1000 imágenes"),  # a point for thousands
        ("(0.9 y 0.999)", "(0.9 and 0.999)", "(0,9 y 0,999)"),  # 0.999 is a decimal in English
        ("el 95% de las veces", "95% of the time", f"el 95{NBSP}% de las veces"),
        (
            "deja un 2.5% en cada cola",
            "leaves 2.5% in each tail",
            f"deja un 2,5{NBSP}% en cada cola",
        ),
        ("con $p = 0.8$ activo", "with $p = 0.8$ on", "con $p = 0{,}8$ activo"),
        ("$n = 10{,}000$", "$n = 10{,}000$", "$n = 10\\,000$"),
        ("$t_{0.975,\\,\\nu}$", "$t_{0.975,\\,\\nu}$", "$t_{0{,}975;\\,\\nu}$"),
        ("$= 3{,}136$", "$= 3{,}136$", "$= 3136$"),
        ("`dropout=0.8` y 0.8", "`dropout=0.8` and 0.8", "`dropout=0.8` y 0,8"),  # code kept
        (
            "[v](https://x.org/a/0.8/b) 0.8",
            "[v](https://x.org/a/0.8/b) 0.8",
            "[v](https://x.org/a/0.8/b) 0,8",
        ),
        ("torch 2.14.1", "torch 2.14.1", "torch 2.14.1"),  # a version: three parts, not a number
        ("unos 0.3 puntos", "about 3 points", "unos 0.3 puntos"),  # the English does not show it
    ],
)
def test_numbers_rewritten_where_the_english_shows_them(spanish, english, expected):
    assert spanish_numbers.spanish_text(spanish, english) == expected


@pytest.mark.parametrize("text", ["las 70,000 y 0.5 y 95% y $10{,}000$ y $t_{0.975,\\,k}$"])
def test_rewriting_twice_changes_nothing(text):
    once = spanish_numbers.spanish_text(text, text)
    assert once != text
    assert spanish_numbers.spanish_text(once, text) == once


def test_the_spanish_edition_writes_its_numbers_the_spanish_way():
    """Every Spanish chapter's text cells and every Spanish page: nothing left to rewrite."""
    found = spanish_numbers.changes(fix=False)
    assert not found, (
        f"numbers written the English way (python tools/spanish_numbers.py fix): {found}"
    )


def test_english_numbers_are_found_in_the_pages_checked():
    """The check reads real text: the English pages hold English numbers to compare against."""
    for english in spanish_numbers.PAGES.values():
        assert (ROOT / english).exists(), english
    assert "70,000" in spanish_numbers.english_numbers((ROOT / "intro.md").read_text("utf-8"))
