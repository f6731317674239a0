"""The course's numbers in text: one place that writes a number, a sample's mean ± standard
deviation and a difference with its interval, for the chapters, the figures, the reproduction
report and the search summary.

Every function takes the language (``lang``, English by default). Today every language writes
numbers alike (a decimal point, a comma between thousands), as the committed ``REPORT.es.md``
does; giving Spanish its decimal comma changes ``number``, ``significant`` and ``count``, and
nothing else.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .settings import check_language
from .stats import Contrast, mean, variance
from .wording import Texts, Words

#: The words around numbers: a missing sample, an interval, a gap to a reference.
TEXTS: Texts = {
    "not_run": {"en": "not run", "es": "sin corridas"},
    "points": {"en": " points", "es": " puntos"},
    "one_seed": {
        "en": "{head} (one seed: no interval)",
        "es": "{head} (una sola semilla: sin intervalo)",
    },
    "interval": {
        "en": "{head}, {level} CI [{low}, {high}] (Welch, df {df})",
        "es": "{head}, IC del {level} [{low}, {high}] (Welch, gl {df})",
    },
    "short": {"en": "{estimate} points [{low}, {high}]", "es": "{estimate} puntos [{low}, {high}]"},
    "below": {"en": "{x} percentage points below", "es": "{x} puntos porcentuales por debajo de"},
    "above": {"en": "{x} percentage points above", "es": "{x} puntos porcentuales por encima de"},
}
NUMBER_WORDS = Words(TEXTS, "fmnist_lib.numerals.TEXTS")


def number(
    x: float, digits: int = 2, *, sign: bool = False, percent: bool = False, lang: str = "en"
) -> str:
    """``x`` with ``digits`` decimals, written in ``lang``: with ``+`` before a positive number
    when ``sign``; times 100 and followed by ``%`` when ``percent``
    (``number(0.9217, percent=True)`` is ``92.17%``)."""
    check_language(lang)
    return format(x, f"{'+' if sign else ''}.{digits}{'%' if percent else 'f'}")


def significant(x: float, digits: int = 4, lang: str = "en") -> str:
    """``x`` to ``digits`` significant digits (``0.001234``, ``1.5e-05``), written in ``lang``."""
    check_language(lang)
    return format(x, f".{digits}g")


def count(n: int, lang: str = "en") -> str:
    """A whole number with its thousands marked (``60,000``), written in ``lang``."""
    check_language(lang)
    return format(n, ",")


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
    """``+1.58 points, 95% CI [+0.95, +2.21] (Welch, df 3.1)``; no interval for one seed.
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
                        df=number(c.df, 1, lang=lang))  # fmt: skip


def short_interval(c: Contrast, lang: str = "en") -> str:
    """``+1.95 points [+1.52, +2.39]``: a difference of accuracies and its interval inside
    running prose."""
    estimate, low, high = (number(100 * x, 2, sign=True, lang=lang)
                           for x in (c.estimate, c.low, c.high))  # fmt: skip
    return NUMBER_WORDS("short", lang, estimate=estimate, low=low, high=high)


def points_apart(x: float, lang: str = "en") -> str:
    """``0.69 percentage points below`` for x = -0.0069."""
    return NUMBER_WORDS("below" if x < 0 else "above", lang, x=number(100 * abs(x), 2, lang=lang))
