"""The course's numbers in text: one place that writes a number, a sample's mean ± standard
deviation and a difference with its interval, for the chapters, the figures, the reproduction
report and the search summary, and the numbers a chapter's code prints (``numeral``).

Every function takes the language (``lang``, English by default). English writes ``0.8``,
``70,000`` and ``95%``. Spanish writes numbers as the RAE and ASALE's *Ortografía* (2010) asks, in
Spain and in Argentina alike: a decimal comma (``0,8``), thousands set apart by a narrow space
only from five digits on (``70 000``, but ``7000``), and a space before the percent sign
(``95 %``). The decimal and percent symbols are Babel's (CLDR's ``es``); the thousands space is
the Ortografía's choice, where CLDR's ``es`` writes a point. A number is rounded once, by
Python, and only then written in the language: both editions show the same digits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from babel import Locale
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from .settings import check_language
from .stats import Contrast, mean, variance
from .wording import Texts, Words, language

#: The words around numbers: a missing sample, an interval, a gap to a reference.
TEXTS: Texts = {
    "not_run": {"en": "not run", "es": "sin corridas"},
    "points": {"en": " points", "es": " puntos"},
    "one_seed": {
        "en": "{head} (one seed: no interval)",
        "es": "{head} (una sola semilla: sin intervalo)",
    },
    "interval": {
        "en": "{head}, {level} CI [{low}, {high}] ({method}, df {df})",
        "es": "{head}, IC del {level} [{low}; {high}] ({method}, gl {df})",
    },
    # how the interval was made (``stats.WELCH``, ``stats.PAIRED``)
    "Welch": {"en": "Welch", "es": "Welch"},
    "paired": {"en": "paired by seed", "es": "pareado por semilla"},
    # Spanish separates an interval's ends with a semicolon: with decimal commas, [-1,66, -0,26]
    # reads as three numbers
    "short": {"en": "{estimate} points [{low}, {high}]", "es": "{estimate} puntos [{low}; {high}]"},
    "below": {"en": "{x} percentage points below", "es": "{x} puntos porcentuales por debajo de"},
    "above": {"en": "{x} percentage points above", "es": "{x} puntos porcentuales por encima de"},
}
NUMBER_WORDS = Words(TEXTS, "fmnist_lib.numerals.TEXTS")
LOCALES = {"en": "en", "es": "es"}  # Babel's locale of each language of the course
THOUSANDS = {"es": "\u202f"}  # a narrow no-break space (the Ortografía), not CLDR's point
PLAIN = re.compile(r"([+-]?)(\d+)(?:\.(\d+))?")


def _write(text: str, lang: str) -> str:
    """A number Python wrote (``-1234.50``, ``70,000`` without its commas) in ``lang``."""
    found = PLAIN.fullmatch(text)
    if lang == "en" or found is None:
        return text
    sign, whole, fraction = found.groups()
    locale = LOCALES[lang]
    if len(whole) > 4:  # the Ortografía groups from five digits on
        grouped = format_decimal(int(whole), locale=locale)
        whole = grouped.replace(get_group_symbol(locale), THOUSANDS.get(lang, ","))
    decimals = get_decimal_symbol(locale) + fraction if fraction else ""
    return sign + whole + decimals


def numbers_written(text: str, lang: str) -> str:
    """Every plain number inside ``text`` (a figure's tick label: ``0.25``, ``10000``) written
    in ``lang`` as ``number`` writes it; the rest of the text as it is."""
    return text if lang == "en" else PLAIN.sub(lambda m: _write(m.group(), lang), text)


#: A table cell (HTML) that holds a plain number and nothing else, and a number standing alone
#: between spaces in a table printed as text (pandas' ``to_string``).
NUMBER_CELL = re.compile(r"(<t[dh][^>]*>)\s*([+-]?\d+(?:\.\d+)?)\s*(</t[dh]>)")
NUMBER_ALONE = re.compile(r"(?<!\S)[+-]?\d+(?:\.\d+)?(?!\S)")


def table_written(table: str, lang: str, html: bool = True) -> str:
    """A table as pandas draws it (``html``) or prints it, with the numbers that fill a cell
    written in ``lang`` as ``number`` writes them, digit for digit (Spanish ``0,0005``,
    ``401 920``); words, names and reprs in a cell (``Dropout(p=0.1)``) as they are."""
    if check_language(lang) == "en":
        return table
    if html:
        return NUMBER_CELL.sub(lambda m: m[1] + _write(m[2], lang) + m[3], table)
    return NUMBER_ALONE.sub(lambda m: _write(m[0], lang), table)


#: A format spec: its fill and alignment, sign and flags, zero padding, width, and the rest
#: (grouping, precision, type).
SPEC = re.compile(r"(?:(.)?([<>=^]))?([-+ ]?z?#?)(0?)(\d*)(.*)", re.S)


def formatted(x: Any, spec: str = "", lang: str = "en") -> str:
    """``format(x, spec)`` written in ``lang`` as ``number`` writes it, padded to the spec's
    width: ``formatted(25450, ",", "es")`` is ``25 450``, ``formatted(0.612, ".1%", "es")``
    ``61,2 %``, ``formatted(1.5e-05, ".1e", "es")`` ``1,5e-05``."""
    found = SPEC.fullmatch(spec)
    if check_language(lang) == "en" or found is None:
        return format(x, spec)
    fill, align, flags, zero, width, rest = found.groups()
    if zero:  # Python pads with zeros, then the number is written
        rest, width = zero + width + rest, ""
    text = format(x, flags + rest).replace(",", "")
    mantissa, e, exponent = text.removesuffix("%").partition("e")
    text = _write(mantissa, lang) + e + exponent + (_percent_sign(lang) if "%" in text else "")
    return format(text, f"{fill or ''}{align or '>'}{width}") if width else text


@dataclass(frozen=True)
class Written:
    """A number that a format spec writes in the notebook's language (``wording.language``)."""

    x: Any

    def __format__(self, spec: str) -> str:
        return formatted(self.x, spec, language())

    def __str__(self) -> str:
        return format(self, "")


def numeral(x: Any) -> Written:
    """``x`` for an f-string of a chapter, written in the notebook's language with the cell's
    format spec: ``f"{numeral(0.6123):.3f}"`` prints ``0.612`` in an English notebook and
    ``0,612`` in a Spanish one, ``f"{numeral(25450):,}"`` ``25,450`` and ``25 450``."""
    return Written(x)


def _percent_sign(lang: str) -> str:
    """``%`` as the language writes it after a number (Spanish: a no-break space first)."""
    suffix = Locale.parse(LOCALES[lang]).percent_formats[None].suffix[0]
    return suffix or "%"


def number(
    x: float, digits: int = 2, *, sign: bool = False, percent: bool = False, lang: str = "en"
) -> str:
    """``x`` with ``digits`` decimals, written in ``lang``: with ``+`` before a positive number
    when ``sign``; times 100 and followed by ``%`` when ``percent``
    (``number(0.9217, percent=True)`` is ``92.17%``)."""
    check_language(lang)
    text = format(x * 100 if percent else x, f"{'+' if sign else ''}.{digits}f")
    if lang == "en":
        return text + ("%" if percent else "")
    return _write(text, lang) + (_percent_sign(lang) if percent else "")


def significant(x: float, digits: int = 4, lang: str = "en") -> str:
    """``x`` to ``digits`` significant digits (``0.001234``, ``1.5e-05``), written in ``lang``."""
    check_language(lang)
    mantissa, e, exponent = format(x, f".{digits}g").partition("e")
    return _write(mantissa, lang) + e + exponent


def count(n: int, lang: str = "en") -> str:
    """A whole number with its thousands marked (``60,000``), written in ``lang``."""
    check_language(lang)
    return format(n, ",") if lang == "en" else _write(str(n), lang)


def setting(x: float, lang: str = "en") -> str:
    """A setting's value as Python writes it (``0.0005``, ``1e-05``, ``0.8``), in ``lang``."""
    check_language(lang)
    mantissa, e, exponent = str(x).partition("e")
    return _write(mantissa, lang) + e + exponent


def mean_std(xs: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (NaN for fewer than two values)."""
    return mean(xs), math.sqrt(variance(xs))


def mean_std_text(
    xs: Sequence[float], scale: float = 1.0, digits: int = 4, unit: str = "", lang: str = "en"
) -> str:
    """``mean ± std unit (n=k)`` of the values times ``scale``, or ``not run`` when there is
    no value."""
    if not xs:
        return NUMBER_WORDS("not_run", lang)
    unit = _percent_sign(lang) if unit == "%" else unit
    m, s = mean_std([x * scale for x in xs])
    spread = f" ± {number(s, digits, lang=lang)}" if not math.isnan(s) else ""
    return f"{number(m, digits, lang=lang)}{spread}{unit} (n={len(xs)})"


def interval_text(
    c: Contrast | None,
    scale: float = 100.0,
    digits: int = 2,
    unit: str | None = None,
    lang: str = "en",
) -> str:
    """``+1.58 points, 95% CI [+0.95, +2.21] (Welch, df 3.1)`` (or ``(paired by seed, df 2)``);
    no interval for one seed.
    ``unit`` defaults to `` points`` in ``lang``."""
    if c is None:
        return NUMBER_WORDS("not_run", lang)
    unit = NUMBER_WORDS("points", lang) if unit is None else unit
    head = number(scale * c.estimate, digits, sign=True, lang=lang) + unit
    if not c.known:
        return NUMBER_WORDS("one_seed", lang, head=head)
    low, high = (number(scale * x, digits, sign=True, lang=lang) for x in (c.low, c.high))
    return NUMBER_WORDS("interval", lang, head=head, low=low, high=high,
                        level=number(c.level, 0, percent=True, lang=lang),
                        df=number(c.df, 1, lang=lang),
                        method=NUMBER_WORDS(c.method, lang))  # fmt: skip


def short_interval(c: Contrast, lang: str = "en") -> str:
    """``+1.95 points [+1.52, +2.39]``: a difference of accuracies and its interval inside
    running prose."""
    estimate, low, high = (number(100 * x, 2, sign=True, lang=lang)
                           for x in (c.estimate, c.low, c.high))  # fmt: skip
    return NUMBER_WORDS("short", lang, estimate=estimate, low=low, high=high)


def points_apart(x: float, lang: str = "en") -> str:
    """``0.69 percentage points below`` for x = -0.0069."""
    return NUMBER_WORDS("below" if x < 0 else "above", lang, x=number(100 * abs(x), 2, lang=lang))
