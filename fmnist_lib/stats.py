"""One rule for "is this difference real?": a 95% confidence interval of the difference.

Every verdict of the course (report, notebooks, tests) comes from here. A difference between two
sets of runs (seeds) is called *real* when its confidence interval excludes zero. The interval
is Welch's when the two sets are independent: it does not assume they spread equally, and its
degrees of freedom come from the Welch–Satterthwaite formula. The same machinery gives any
contrast of group means, e.g. the main effects and the interaction of a 2 × 2 design.

The rule grown up, for the report's claims (each in its own function below):

- **Paired designs analysed as paired.** When seed k of one experiment and seed k of another
  share their random start (the same batches, weights drawn alike), the difference is taken seed
  by seed and its interval is Student's on those differences (n − 1 degrees of freedom):
  ``compare_paired``, ``paired_contrast``, ``design_2x2_paired``.
- **Several contrasts read together**: Holm's step-down correction over the family, whose count
  is stated (``family``); a claim that needs *each* of its comparisons to hold needs no
  correction (each must pass on its own).
- **"No effect" claims** are judged by an equivalence margin stated in advance, with two
  one-sided tests (``equivalence``): shown equal within the margin, shown different, or not
  decided. An interval that includes 0 is absence of evidence, not evidence of absence.
- **Every verdict carries its size**: the difference and the ratio of the errors, and the words
  follow the size (``effect_size``: "slightly" only below ``SLIGHT``).

With two or three seeds per group the intervals are wide: that is the honest answer to "how sure
are we", not a defect of the rule. A group of one run has no spread: nothing can be said.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import t as student_t

LEVEL = 0.95
#: How an interval was made: Welch's (independent groups) or paired (per-seed differences).
WELCH, PAIRED = "Welch", "paired"


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
    method: str = WELCH  # how the interval was made: WELCH (independent groups) or PAIRED

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
    return _comparison(c, a, b)


def _comparison(c: Contrast, a: Sequence[float], b: Sequence[float]) -> Comparison:
    """The contrast ``a - b`` with the two groups' means and sizes."""
    return Comparison(c.estimate, c.low, c.high, c.df, c.standard_error, c.level, c.method,
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


# --------------------------------------------------------------------------- paired designs
def paired_contrast(
    groups: Sequence[Sequence[float]], weights: Sequence[float], level: float = LEVEL
) -> Contrast:
    """``sum(w_i * mean(group_i))`` when the groups are paired by seed (``groups[i][k]`` is seed
    k's run of group i): the contrast is taken seed by seed, ``d_k = sum(w_i * groups[i][k])``,
    and its interval is Student's on the ``d_k``: ``mean(d) ± t(n − 1) · sd(d) / sqrt(n)``."""
    if len(groups) != len(weights) or len({len(g) for g in groups}) != 1 or len(groups[0]) == 0:
        raise ValueError("one weight per group, and every group the same seeds (one run each)")
    per_seed = [math.fsum(w * x for w, x in zip(weights, xs, strict=True))
                for xs in zip(*groups, strict=True)]  # fmt: skip
    estimate, n = mean(per_seed), len(per_seed)
    if n < 2 or variance(per_seed) == 0.0:  # one seed, or no spread: nothing can be said
        return Contrast(estimate, math.nan, math.nan, math.nan, math.nan, level, PAIRED)
    se = math.sqrt(variance(per_seed) / n)
    half = _t_critical(level, n - 1) * se
    return Contrast(estimate, estimate - half, estimate + half, n - 1, se, level, PAIRED)


def compare_paired(a: Sequence[float], b: Sequence[float], level: float = LEVEL) -> Comparison:
    """``mean(a) - mean(b)`` when ``a[k]`` and ``b[k]`` are seed k's runs of a paired design:
    the interval of the per-seed differences (``scipy.stats.ttest_rel``'s)."""
    return _comparison(paired_contrast([a, b], [1.0, -1.0], level), a, b)


#: The weights of a 2 × 2 design's contrasts over its cells ``[00, 01, 10, 11]``.
DESIGN_WEIGHTS = {
    "rows": (-0.5, -0.5, 0.5, 0.5),
    "columns": (-0.5, 0.5, -0.5, 0.5),
    "interaction": (1.0, -1.0, -1.0, 1.0),
    "columns in row 0": (-1.0, 1.0, 0.0, 0.0),
    "columns in row 1": (0.0, 0.0, -1.0, 1.0),
}


def design_2x2_paired(
    cells: Sequence[Sequence[Sequence[float]]], level: float = LEVEL
) -> Design2x2:
    """``design_2x2`` when the four cells are paired by seed (``cells[r][c][k]``: seed k)."""
    flat = [cells[0][0], cells[0][1], cells[1][0], cells[1][1]]
    effect = {name: paired_contrast(flat, w, level) for name, w in DESIGN_WEIGHTS.items()}
    return Design2x2(effect["rows"], effect["columns"], effect["interaction"],
                     (effect["columns in row 0"], effect["columns in row 1"]))  # fmt: skip


def contrasts_of(design: Design2x2) -> tuple[Contrast, ...]:
    """A 2 × 2 design's five contrasts, in the report's order: rows, columns, the column effect
    in row 0 and in row 1, interaction."""
    return (design.rows_effect, design.columns_effect, *design.column_effect_in_row,
            design.interaction)  # fmt: skip


# --------------------------------------------------------------------------- families
def p_value(c: Contrast) -> float:
    """The two-sided p-value of "the contrast is 0", from the same t as its interval (NaN when
    nothing can be said). ``p < 1 - level`` exactly when the interval excludes 0."""
    if not c.known:
        return math.nan
    return float(2.0 * student_t.sf(abs(c.estimate) / c.standard_error, c.df))


def holm(p_values: Sequence[float]) -> tuple[float, ...]:
    """Holm's step-down adjusted p-values: sorted ascending, the i-th smallest of m is multiplied
    by (m − i) (i from 0), then made non-decreasing, capped at 1. A contrast is real for the
    family at level α when its adjusted p is below 1 − α. NaN stays NaN, and counts in m."""
    m = len(p_values)
    order = sorted((i for i in range(m) if not math.isnan(p_values[i])), key=lambda i: p_values[i])
    adjusted, running = [math.nan] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return tuple(adjusted)


@dataclass(frozen=True)
class Family:
    """Contrasts read together, with Holm's correction: each one's p-value, its adjusted
    p-value and whether it is real for the family (``adjusted < 1 - level``)."""

    contrasts: tuple[Contrast, ...]
    p_values: tuple[float, ...]
    adjusted: tuple[float, ...]
    level: float = LEVEL

    @property
    def count(self) -> int:
        return len(self.contrasts)

    @property
    def real(self) -> tuple[bool, ...]:
        return tuple(p < 1.0 - self.level for p in self.adjusted)  # NaN: never real


def family(contrasts: Sequence[Contrast], level: float = LEVEL) -> Family:
    """``contrasts`` read together: Holm's correction, the family-wise error held at
    ``1 - level`` (the chance that any contrast called real is not)."""
    p = tuple(p_value(c) for c in contrasts)
    return Family(tuple(contrasts), p, holm(p), level)


# --------------------------------------------------------------------------- "no effect"
EQUAL, DIFFERENT, UNDECIDED = "equal", "different", "undecided"


@dataclass(frozen=True)
class Equivalence:
    """A "no effect" claim judged by an equivalence margin stated in advance: two one-sided
    tests (TOST) of "the difference is at most −margin" and "at least +margin".

    ``outcome``: ``EQUAL`` when both are rejected (the (1 − 2α) interval ``low, high`` lies
    inside ±margin), ``DIFFERENT`` when not and the contrast's own interval excludes 0,
    ``UNDECIDED`` otherwise (or when nothing can be said). A difference that is real but within
    the margin is ``EQUAL``: smaller than what was declared to matter."""

    contrast: Contrast
    margin: float
    p_lower: float  # H0: difference <= -margin
    p_upper: float  # H0: difference >= +margin
    low: float
    high: float
    outcome: str


def equivalence(c: Contrast, margin: float, alpha: float = 1.0 - LEVEL) -> Equivalence:
    """TOST for ``c`` (a Welch or a paired contrast) within ``±margin`` at level ``alpha``."""
    if margin <= 0:
        raise ValueError("the equivalence margin must be positive")
    if not c.known:
        return Equivalence(c, margin, math.nan, math.nan, math.nan, math.nan, UNDECIDED)
    p_lower = float(student_t.sf((c.estimate + margin) / c.standard_error, c.df))
    p_upper = float(student_t.cdf((c.estimate - margin) / c.standard_error, c.df))
    half = _t_critical(1.0 - 2.0 * alpha, c.df) * c.standard_error
    shown = DIFFERENT if c.real else UNDECIDED
    outcome = EQUAL if max(p_lower, p_upper) < alpha else shown
    return Equivalence(c, margin, p_lower, p_upper, c.estimate - half, c.estimate + half, outcome)


# --------------------------------------------------------------------------- sizes in words
#: "slightly" worse: under 10% more error than the better; "much" worse: 1.5 times or more.
SLIGHT, LARGE = 1.10, 1.50
SLIGHTLY, CLEARLY, MUCH = "slightly", "clearly", "much"


@dataclass(frozen=True)
class EffectSize:
    """How large a difference is: ``difference`` (better − worse, in the metric's unit) and
    ``ratio`` (the worse one's error over the better one's, >= 1 when the order is right), with
    the word that fits it: ``SLIGHTLY`` below ``SLIGHT``, ``MUCH`` from ``LARGE``, else
    ``CLEARLY``."""

    difference: float
    ratio: float
    words: str


def size_words(ratio: float) -> str:
    """The words for an error ratio (the worse over the better)."""
    if ratio < SLIGHT:
        return SLIGHTLY
    return MUCH if ratio >= LARGE else CLEARLY


def effect_size(better_error: float, worse_error: float, difference: float) -> EffectSize:
    """The size of a difference between two mean errors (MSE, or 1 − accuracy): their ratio,
    worse over better, and its words."""
    ratio = worse_error / better_error if better_error > 0 else math.inf
    apart = max(ratio, 1.0 / ratio) if 0 < ratio < math.inf else math.inf  # either way round
    return EffectSize(difference, ratio, size_words(apart))


# --------------------------------------------------------------------------- power
def welch_intervals(
    a: np.ndarray, b: np.ndarray, level: float = LEVEL
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Welch's interval for many experiments at once: row ``i`` of ``a`` (experiments × runs)
    against row ``i`` of ``b``, each row as ``compare`` would read it (at least two runs a side).
    Returns the differences of the means and the intervals' low and high ends, one per row."""
    n_a, n_b = a.shape[1], b.shape[1]
    if n_a < 2 or n_b < 2:
        raise ValueError("Welch's interval needs at least two runs on each side")
    part_a = a.var(axis=1, ddof=1) / n_a  # the squared standard error of each mean
    part_b = b.var(axis=1, ddof=1) / n_b
    squared_error = part_a + part_b
    df = squared_error**2 / (part_a**2 / (n_a - 1) + part_b**2 / (n_b - 1))
    half = student_t.ppf(0.5 + level / 2.0, df) * np.sqrt(squared_error)
    difference = a.mean(axis=1) - b.mean(axis=1)
    return difference, difference - half, difference + half


def power_by_simulation(
    difference: float,
    sd_a: float,
    sd_b: float,
    n_a: int = 3,
    n_b: int = 3,
    repetitions: int = 4000,
    level: float = LEVEL,
    seed: int = 0,
) -> float:
    """How often Welch's interval excludes zero (the *power* of the rule) when the true
    difference of the means is ``difference`` and each run's result is drawn from a normal
    distribution of standard deviation ``sd_a`` (side a) or ``sd_b`` (side b): the share of
    ``repetitions`` simulated experiments, each of ``n_a`` and ``n_b`` runs, whose interval
    excludes zero. At ``difference=0`` it is the rate of false alarms (about ``1 - level``)."""
    if sd_a < 0 or sd_b < 0 or sd_a + sd_b == 0:
        raise ValueError("the spreads must be non-negative and not both zero")
    rng = np.random.default_rng(seed)
    a = rng.normal(difference, sd_a, size=(repetitions, n_a))
    b = rng.normal(0.0, sd_b, size=(repetitions, n_b))
    _, low, high = welch_intervals(a, b, level)
    return float(np.mean((low > 0) | (high < 0)))
