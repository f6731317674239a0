"""The course's one statistical rule, checked against scipy (an independent implementation)."""

import math

import pytest
from scipy import stats as reference

from fmnist_lib import stats


@pytest.mark.parametrize("df", [1.0, 1.7, 2.0, 3.24, 7.5, 30.0, 500.0])
@pytest.mark.parametrize("p", [0.001, 0.025, 0.3, 0.5, 0.975, 0.9995])
def test_t_quantiles_and_cdf_match_scipy(p, df):
    assert stats.t_quantile(p, df) == pytest.approx(reference.t.ppf(p, df), rel=1e-9, abs=1e-9)
    assert stats.t_cdf(1.3, df) == pytest.approx(reference.t.cdf(1.3, df), rel=1e-12)


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


def test_the_prediction_interval_of_one_more_run():
    xs = [0.9126, 0.9139, 0.9179]
    n, m, s = len(xs), sum(xs) / len(xs), reference.tstd(xs)
    expected = reference.t.interval(0.95, n - 1, loc=m, scale=s * math.sqrt(1 + 1 / n))
    assert stats.prediction_interval(xs) == pytest.approx(expected, rel=1e-10)
    assert all(math.isnan(v) for v in stats.prediction_interval([0.9]))


def test_runs_that_do_not_spread_give_no_interval():
    tied = stats.compare([0.812, 0.812], [0.815, 0.815])
    assert not tied.known and not tied.real and tied.estimate == pytest.approx(-0.003)
    assert all(math.isnan(v) for v in stats.prediction_interval([0.9, 0.9, 0.9]))
