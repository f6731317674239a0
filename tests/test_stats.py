"""The course's one statistical rule, checked against hand formulas (closed-form t quantiles, a
printed table's value, Welch-Satterthwaite written out) and scipy's own Welch test."""

import math

import pytest
from scipy import stats as reference

from fmnist_lib import stats


def _t_two_degrees(p: float) -> float:
    """Student's t quantile for 2 degrees of freedom, in closed form: (2p - 1) / sqrt(2p(1 - p))."""
    return (2 * p - 1) / math.sqrt(2 * p * (1 - p))


def _t_one_degree(p: float) -> float:
    """Student's t quantile for 1 degree of freedom (Cauchy), in closed form: tan(pi (p - 1/2))."""
    return math.tan(math.pi * (p - 0.5))


@pytest.mark.parametrize("level", [0.95, 0.5, 0.99])
def test_two_runs_against_two_with_the_same_spread_have_two_degrees_of_freedom(level):
    """Each group's variance is 0.02: the Welch variance is 0.02/2 + 0.02/2 and Welch-Satterthwaite
    gives exactly 2 degrees of freedom, whose quantile has a closed form."""
    ours = stats.compare([1.0, 1.2], [0.5, 0.7], level)
    half = _t_two_degrees(0.5 + level / 2) * math.sqrt(0.02)
    assert ours.df == pytest.approx(2.0, rel=1e-12)
    assert ours.standard_error == pytest.approx(math.sqrt(0.02), rel=1e-12)
    assert (ours.low, ours.high) == pytest.approx((0.5 - half, 0.5 + half), rel=1e-12)
    assert ours.level == level and ours.real == (0.5 - half > 0)


def test_three_runs_against_three_use_the_tables_t_for_four_degrees_of_freedom():
    """Variances 1 and 1, three runs each: df = (2/3)^2 / (2 (1/3)^2 / 2) = 4, and t(0.975, 4) is
    the printed tables' 2.7764451052."""
    ours = stats.compare([1.0, 2.0, 3.0], [2.0, 3.0, 4.0])
    half = 2.776445105198 * math.sqrt(2 / 3)
    assert ours.df == pytest.approx(4.0, rel=1e-12)
    assert (ours.low, ours.high) == pytest.approx((-1 - half, -1 + half), rel=1e-10)


def test_welch_satterthwaite_degrees_of_freedom_by_hand():
    """Unequal sizes and spreads: the interval is estimate ± t(df) * se with
    se² = s_a²/n_a + s_b²/n_b and df = se⁴ / ((s_a²/n_a)²/(n_a-1) + (s_b²/n_b)²/(n_b-1))."""
    a, b = [3.1, 2.9, 3.4, 3.0, 3.3], [2.2, 2.8]
    part_a, part_b = reference.tvar(a) / len(a), reference.tvar(b) / len(b)
    df = (part_a + part_b) ** 2 / (part_a**2 / (len(a) - 1) + part_b**2 / (len(b) - 1))
    ours = stats.compare(a, b)
    half = reference.t.ppf(0.975, df) * math.sqrt(part_a + part_b)
    assert ours.df == pytest.approx(df, rel=1e-12) and 1 < df < 5
    assert (ours.low, ours.high) == pytest.approx((3.14 - 2.5 - half, 3.14 - 2.5 + half), rel=1e-10)


@pytest.mark.parametrize(
    "a, b",
    [
        ([0.8803, 0.8771, 0.8835], [0.8951, 0.8925, 0.8975, 0.8944]),
        ([1.0, 2.0], [1.5, 1.7, 1.6]),
        ([0.912, 0.914, 0.918], [0.913, 0.915, 0.916]),
        ([3.1, 2.9, 3.4, 3.0, 3.3], [2.2, 2.8]),
    ],
)
def test_compare_is_welchs_interval(a, b):
    ours = stats.compare(a, b)
    theirs = reference.ttest_ind(a, b, equal_var=False)
    interval = theirs.confidence_interval(0.95)
    assert ours.estimate == pytest.approx(sum(a) / len(a) - sum(b) / len(b), rel=1e-12)
    assert ours.df == pytest.approx(theirs.df, rel=1e-10)
    assert (ours.low, ours.high) == pytest.approx((interval.low, interval.high), rel=1e-9)
    assert ours.real == (interval.low > 0 or interval.high < 0)
    assert (ours.n_a, ours.n_b) == (len(a), len(b))


def test_real_means_the_interval_excludes_zero():
    assert stats.compare([0.90, 0.91, 0.92], [0.80, 0.81, 0.79]).real
    assert not stats.compare([0.90, 0.95, 0.85], [0.89, 0.93, 0.86]).real
    one_seed = stats.compare([0.90], [0.80, 0.81])
    assert not one_seed.known and not one_seed.real and math.isnan(one_seed.low)


def test_a_2x2_design_gives_effects_and_interaction_as_contrasts():
    cells = [[[1.0, 1.2, 1.1], [2.0, 2.1, 1.9]], [[3.0, 3.1, 2.9], [6.0, 6.2, 5.8]]]
    design = stats.design_2x2(cells)
    assert design.rows_effect.estimate == pytest.approx(((3 + 6) - (1.1 + 2)) / 2)
    assert design.columns_effect.estimate == pytest.approx(((2 + 6) - (1.1 + 3)) / 2)
    assert design.interaction.estimate == pytest.approx((6 - 3) - (2 - 1.1))
    low, high = design.column_effect_in_row
    assert low.estimate == pytest.approx(0.9) and high.estimate == pytest.approx(3.0)
    # a simple effect is the plain two-group comparison of its cells
    direct = reference.ttest_ind(cells[1][1], cells[1][0], equal_var=False).confidence_interval()
    assert (high.low, high.high) == pytest.approx((direct.low, direct.high), rel=1e-9)
    assert design.interaction.real and design.rows_effect.real


def test_the_interaction_is_welchs_contrast_of_four_groups_by_hand():
    """(c11 - c10) - (c01 - c00): variance sum(s_i²/n_i) (weights ±1), Welch-Satterthwaite df."""
    cells = [[[1.0, 1.3, 1.1], [2.0, 2.1]], [[3.0, 3.4, 2.9, 3.2], [6.0, 6.5, 5.8]]]
    flat = [cells[0][0], cells[0][1], cells[1][0], cells[1][1]]
    parts = [reference.tvar(g) / len(g) for g in flat]
    df = sum(parts) ** 2 / sum(p * p / (len(g) - 1) for p, g in zip(parts, flat, strict=True))
    means = [sum(g) / len(g) for g in flat]
    estimate = (means[3] - means[2]) - (means[1] - means[0])
    half = reference.t.ppf(0.975, df) * math.sqrt(sum(parts))
    ours = stats.design_2x2(cells).interaction
    assert (ours.estimate, ours.df) == pytest.approx((estimate, df), rel=1e-12)
    assert (ours.low, ours.high) == pytest.approx((estimate - half, estimate + half), rel=1e-10)


def test_the_prediction_interval_of_one_more_run():
    xs = [0.9126, 0.9139, 0.9179]
    n, m, s = len(xs), sum(xs) / len(xs), reference.tstd(xs)
    expected = reference.t.interval(0.95, n - 1, loc=m, scale=s * math.sqrt(1 + 1 / n))
    assert stats.prediction_interval(xs) == pytest.approx(expected, rel=1e-10)
    assert all(math.isnan(v) for v in stats.prediction_interval([0.9]))


def test_the_prediction_interval_of_two_runs_uses_one_degree_of_freedom():
    """Two runs 0.90 and 0.92: s = 0.02 / sqrt(2), and t(0.975, 1) = tan(0.475 pi)."""
    half = _t_one_degree(0.975) * (0.02 / math.sqrt(2)) * math.sqrt(1 + 1 / 2)
    assert stats.prediction_interval([0.90, 0.92]) == pytest.approx((0.91 - half, 0.91 + half))


def test_runs_that_do_not_spread_give_no_interval():
    tied = stats.compare([0.812, 0.812], [0.815, 0.815])
    assert not tied.known and not tied.real and tied.estimate == pytest.approx(-0.003)
    assert all(math.isnan(v) for v in stats.prediction_interval([0.9, 0.9, 0.9]))


# --------------------------------------------------------------------------- the rule grown up
PAIRS = [
    ([0.8769, 0.8834, 0.8805], [0.8729, 0.8657, 0.8728]),
    ([1.0, 2.0, 3.5, 4.0], [1.5, 2.2, 3.0, 4.9]),
    ([0.72, 0.70, 0.75], [0.87, 0.88, 0.87]),
]


@pytest.mark.parametrize("a, b", PAIRS)
@pytest.mark.parametrize("level", [0.95, 0.99])
def test_the_paired_interval_is_scipys_ttest_rel(a, b, level):
    ours = stats.compare_paired(a, b, level)
    theirs = reference.ttest_rel(a, b)
    interval = theirs.confidence_interval(level)
    assert ours.method == stats.PAIRED and ours.df == len(a) - 1 == theirs.df
    assert ours.estimate == pytest.approx(sum(a) / len(a) - sum(b) / len(b), rel=1e-12)
    assert (ours.low, ours.high) == pytest.approx((interval.low, interval.high), rel=1e-9)
    assert stats.p_value(ours) == pytest.approx(theirs.pvalue, rel=1e-9)


def test_a_paired_contrast_of_four_cells_is_a_one_sample_t_on_the_per_seed_contrasts():
    cells = [[[87.69, 88.34, 88.05], [87.29, 86.57, 87.28]],
             [[89.78, 89.32, 89.42], [89.42, 89.25, 89.74]]]  # fmt: skip
    design = stats.design_2x2_paired(cells)
    per_seed = [c11 - c10 - c01 + c00 for c00, c01, c10, c11 in
                zip(cells[0][0], cells[0][1], cells[1][0], cells[1][1], strict=True)]  # fmt: skip
    theirs = reference.ttest_1samp(per_seed, 0.0)
    interval = theirs.confidence_interval()
    assert (design.interaction.low, design.interaction.high) == pytest.approx(
        (interval.low, interval.high), rel=1e-9)  # fmt: skip
    low_row = reference.ttest_rel(cells[0][1], cells[0][0]).confidence_interval()
    start_at_10 = design.column_effect_in_row[0]
    assert (start_at_10.low, start_at_10.high) == pytest.approx((low_row.low, low_row.high))
    assert len(stats.contrasts_of(design)) == 5
    with pytest.raises(ValueError):
        stats.compare_paired([1.0, 2.0], [1.0, 2.0, 3.0])  # not one run per seed in each


def test_the_p_value_of_a_welch_contrast_is_scipys():
    a, b = [3.1, 2.9, 3.4, 3.0, 3.3], [2.2, 2.8]
    theirs = reference.ttest_ind(a, b, equal_var=False)
    assert stats.p_value(stats.compare(a, b)) == pytest.approx(theirs.pvalue, rel=1e-9)
    assert math.isnan(stats.p_value(stats.compare([1.0], [2.0, 3.0])))


def _holm_by_definition(p: list[float]) -> list[float]:
    """Holm (1979): the i-th smallest of m p-values (i from 1) is compared with α / (m - i + 1),
    stopping at the first that fails; as adjusted p-values, max over j <= i of (m - j + 1) p_(j),
    capped at 1."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    adjusted = [0.0] * m
    for rank, i in enumerate(order, start=1):
        adjusted[i] = min(1.0, max((m - j + 1) * p[order[j - 1]] for j in range(1, rank + 1)))
    return adjusted


@pytest.mark.parametrize("p", [
    [0.0018, 0.1372, 0.1389, 0.8695, 0.1911],
    [0.01, 0.04, 0.03, 0.005],
    [0.5, 0.2, 0.9],
    [0.001, 0.001, 0.04],
])  # fmt: skip
def test_holm_is_its_definition(p):
    assert stats.holm(p) == pytest.approx(_holm_by_definition(p), rel=1e-12)


def test_holm_rejects_step_down_and_stops_at_the_first_failure():
    """α = 0.05 over 4: 0.005 < 0.05/4, 0.01 < 0.05/3, 0.03 > 0.05/2 stops; 0.04 is not
    rejected though it is below 0.05/1."""
    contrasts = [
        stats.compare([x, x + 0.1, x + 0.2], [0.0, 0.1, 0.2]) for x in (1.0, 0.5, 0.3, 2.0)
    ]
    family = stats.family(contrasts)
    assert family.count == 4 and family.adjusted == stats.holm(family.p_values)
    p = [0.005, 0.01, 0.03, 0.04]
    assert [a < 0.05 for a in stats.holm(p)] == [True, True, False, False]
    assert math.isnan(stats.holm([0.01, math.nan])[1]) and stats.holm([0.01, math.nan])[0] == 0.02


def _tost_by_scipy(a, b, margin, paired):
    """Two one-sided t tests by scipy: a + margin > b, and a - margin < b."""
    test = (lambda x, y, alt: reference.ttest_rel(x, y, alternative=alt)) if paired else (
        lambda x, y, alt: reference.ttest_ind(x, y, equal_var=False, alternative=alt))  # fmt: skip
    lower = test([x + margin for x in a], b, "greater").pvalue
    upper = test([x - margin for x in a], b, "less").pvalue
    return lower, upper


@pytest.mark.parametrize("paired", [False, True])
@pytest.mark.parametrize("a, b, margin", [
    ([0.8813, 0.8772, 0.8854], [0.8769, 0.8834, 0.8805], 0.01),
    ([0.881, 0.879, 0.882], [0.880, 0.883, 0.878], 0.01),
    ([0.895, 0.897, 0.894], [0.880, 0.883, 0.878], 0.005),
])  # fmt: skip
def test_tost_is_two_one_sided_scipy_tests(a, b, margin, paired):
    c = stats.compare_paired(a, b) if paired else stats.compare(a, b)
    ours = stats.equivalence(c, margin)
    lower, upper = _tost_by_scipy(a, b, margin, paired)
    assert (ours.p_lower, ours.p_upper) == pytest.approx((lower, upper), rel=1e-9)
    equal = max(lower, upper) < 0.05
    assert (ours.outcome == stats.EQUAL) == equal
    inside = -margin < ours.low and ours.high < margin  # the 90% interval within the margin
    assert inside == equal
    if not equal:
        assert ours.outcome == (stats.DIFFERENT if c.real else stats.UNDECIDED)


def test_tost_has_three_outcomes():
    equal = stats.equivalence(stats.compare([0.881, 0.879, 0.882], [0.880, 0.883, 0.878]), 0.01)
    different = stats.equivalence(stats.compare([0.90, 0.91, 0.92], [0.80, 0.81, 0.79]), 0.01)
    undecided = stats.equivalence(stats.compare([0.87, 0.895, 0.882], [0.88, 0.883, 0.878]), 0.01)
    outcomes = [e.outcome for e in (equal, different, undecided)]
    assert outcomes == [stats.EQUAL, stats.DIFFERENT, stats.UNDECIDED]
    one_seed = stats.equivalence(stats.compare([0.9], [0.8, 0.81]), 0.01)
    assert one_seed.outcome == stats.UNDECIDED
    with pytest.raises(ValueError):
        stats.equivalence(stats.compare([1.0, 2.0], [1.0, 3.0]), 0.0)


@pytest.mark.parametrize("better, worse, words", [
    (0.00298, 0.00453, stats.MUCH),  # Raschka (128) against (64): 1.52x the error
    (0.1053, 0.1197, stats.CLEARLY),
    (0.1187, 0.1197, stats.SLIGHTLY),
    (0.1197, 0.1187, stats.SLIGHTLY),  # the other way round: a ratio under 1, the same words
])  # fmt: skip
def test_the_words_follow_the_size(better, worse, words):
    size = stats.effect_size(better, worse, better - worse)
    assert size.ratio == pytest.approx(worse / better) and size.words == words
    assert size.difference == pytest.approx(better - worse)
    assert stats.size_words(stats.SLIGHT - 1e-9) == stats.SLIGHTLY
    assert stats.size_words(stats.SLIGHT) == stats.size_words(stats.LARGE - 1e-9) == stats.CLEARLY
