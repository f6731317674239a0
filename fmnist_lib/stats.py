"""One rule for "is this difference real?": a 95% Welch confidence interval.

Every verdict of the course (report, notebooks, tests) comes from here. A difference between two
sets of runs (seeds) is called *real* when its confidence interval excludes zero. The interval
is Welch's: it does not assume the two sets spread equally, and its degrees of freedom come from
the Welch–Satterthwaite formula. The same machinery gives any contrast of group means, e.g. the
main effects and the interaction of a 2 × 2 design.

With two or three seeds per group the intervals are wide: that is the honest answer to "how sure
are we", not a defect of the rule. A group of one run has no spread: nothing can be said.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import t as student_t

LEVEL = 0.95


def _t_critical(level: float, df: float) -> float:
    """The two-sided critical value of Student's t: ``P(|T| <= t) = level`` for ``df``
    (> 0, not necessarily whole) degrees of freedom."""
    return float(student_t.ppf(0.5 + level / 2.0, df))


# --------------------------------------------------------------------------- the rule
def mean(xs: Sequence[float]) -> float:
    return math.fsum(xs) / len(xs)


def variance(xs: Sequence[float]) -> float:
    """The sample variance (n - 1 in the denominator); NaN for fewer than two values."""
    if len(xs) < 2:
        return math.nan
    m = mean(xs)
    return math.fsum((x - m) ** 2 for x in xs) / (len(xs) - 1)


@dataclass(frozen=True)
class Contrast:
    """A weighted sum of group means with its 95% Welch confidence interval.

    ``real`` is the course's verdict: the interval excludes zero. ``known`` is False when a
    group has fewer than two runs (no spread, no interval: nothing can be said).
    """

    estimate: float
    low: float
    high: float
    df: float
    standard_error: float
    level: float = LEVEL

    @property
    def known(self) -> bool:
        return not math.isnan(self.low)

    @property
    def real(self) -> bool:
        return self.known and (self.low > 0 or self.high < 0)


def contrast(
    groups: Sequence[Sequence[float]], weights: Sequence[float], level: float = LEVEL
) -> Contrast:
    """``sum(w_i * mean(group_i))`` with Welch's interval: variance ``sum(w_i² s_i² / n_i)``,
    degrees of freedom by Welch–Satterthwaite."""
    if len(groups) != len(weights) or any(len(g) == 0 for g in groups):
        raise ValueError("one weight per group, and no empty group")
    estimate = math.fsum(w * mean(g) for g, w in zip(groups, weights, strict=True))
    parts = [w * w * variance(g) / len(g) for g, w in zip(groups, weights, strict=True) if w]
    used = [g for g, w in zip(groups, weights, strict=True) if w]
    if any(math.isnan(p) for p in parts):
        return Contrast(estimate, math.nan, math.nan, math.nan, math.nan, level)
    var = math.fsum(parts)
    if var == 0.0:  # no spread at all (e.g. tied runs): no interval, nothing can be said
        return Contrast(estimate, math.nan, math.nan, math.nan, 0.0, level)
    denominator = math.fsum(p * p / (len(g) - 1) for p, g in zip(parts, used, strict=True))
    df = var * var / denominator if denominator > 0 else float(sum(len(g) - 1 for g in used))
    se = math.sqrt(var)
    half = _t_critical(level, df) * se
    return Contrast(estimate, estimate - half, estimate + half, df, se, level)


@dataclass(frozen=True)
class Comparison(Contrast):
    """``mean(a) - mean(b)`` with its interval, and the two groups' means and sizes."""

    mean_a: float = math.nan
    mean_b: float = math.nan
    n_a: int = 0
    n_b: int = 0


def compare(a: Sequence[float], b: Sequence[float], level: float = LEVEL) -> Comparison:
    """Is ``a``'s mean different from ``b``'s? The difference ``mean(a) - mean(b)``, its 95%
    Welch interval and degrees of freedom; ``real`` when the interval excludes zero."""
    c = contrast([a, b], [1.0, -1.0], level)
    return Comparison(c.estimate, c.low, c.high, c.df, c.standard_error, level,
                      mean(a), mean(b), len(a), len(b))  # fmt: skip


@dataclass(frozen=True)
class Design2x2:
    """A 2 × 2 design's main effects and interaction, each a ``Contrast``.

    Cells are indexed ``[row][column]``. ``rows_effect`` is (mean of row 1) − (mean of row 0),
    each row averaged over the columns; ``columns_effect`` likewise; ``interaction`` is the
    column effect in row 1 minus the column effect in row 0. ``column_effect_in_row[r]`` is the
    column effect within row r alone.
    """

    rows_effect: Contrast
    columns_effect: Contrast
    interaction: Contrast
    column_effect_in_row: tuple[Contrast, Contrast]


def design_2x2(cells: Sequence[Sequence[Sequence[float]]], level: float = LEVEL) -> Design2x2:
    """Main effects, interaction and simple effects of a 2 × 2 design (``cells[row][col]``)."""
    flat = [cells[0][0], cells[0][1], cells[1][0], cells[1][1]]
    return Design2x2(
        rows_effect=contrast(flat, [-0.5, -0.5, 0.5, 0.5], level),
        columns_effect=contrast(flat, [-0.5, 0.5, -0.5, 0.5], level),
        interaction=contrast(flat, [1.0, -1.0, -1.0, 1.0], level),
        column_effect_in_row=(
            contrast(flat, [-1.0, 1.0, 0.0, 0.0], level),
            contrast(flat, [0.0, 0.0, -1.0, 1.0], level),
        ),
    )


def prediction_interval(xs: Sequence[float], level: float = LEVEL) -> tuple[float, float]:
    """Where one more run would land with probability ``level``, judging from runs ``xs``:
    ``mean ± t · s · sqrt(1 + 1/n)`` (NaN for fewer than two runs)."""
    n = len(xs)
    if n < 2 or variance(xs) == 0.0:
        return math.nan, math.nan
    half = _t_critical(level, n - 1) * math.sqrt(variance(xs) * (1.0 + 1.0 / n))
    return mean(xs) - half, mean(xs) + half
