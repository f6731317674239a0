"""The power simulation of the course's rule (``stats.welch_intervals``,
``stats.power_by_simulation``), checked against ``compare`` row by row and against the exact
power of a known case (Student's noncentral t)."""

import math

import numpy as np
import pytest
from scipy import stats as reference

from fmnist_lib import stats


def test_the_vectorised_intervals_are_compares_row_by_row():
    rng = np.random.default_rng(1)
    a, b = rng.normal(1.0, 0.5, size=(5, 3)), rng.normal(0.0, 2.0, size=(5, 4))
    difference, low, high = stats.welch_intervals(a, b)
    for i in range(5):
        c = stats.compare(list(a[i]), list(b[i]))
        assert (difference[i], low[i], high[i]) == pytest.approx((c.estimate, c.low, c.high))


def test_one_side_without_spread_has_the_power_of_a_noncentral_t():
    """With ``sd_b = 0`` side b's mean is exactly 0 and Welch's statistic is Student's one-sample
    t with ``n_a - 1`` degrees of freedom, noncentral by ``difference / (sd_a / sqrt(n_a))``: its
    power is known exactly."""
    difference, sd_a, n_a, repetitions = 1.0, 1.0, 4, 20_000
    simulated = stats.power_by_simulation(difference, sd_a, 0.0, n_a=n_a, repetitions=repetitions)
    df, shift = n_a - 1, difference / (sd_a / math.sqrt(n_a))
    critical = reference.t.ppf(0.975, df)
    exact = reference.nct.sf(critical, df, shift) + reference.nct.cdf(-critical, df, shift)
    assert simulated == pytest.approx(exact, abs=4 * math.sqrt(exact * (1 - exact) / repetitions))


def test_no_difference_gives_few_false_alarms_and_a_large_one_is_always_seen():
    false_alarms = stats.power_by_simulation(0.0, 1.0, 1.0, repetitions=20_000)
    assert 0.01 < false_alarms <= 0.06  # Welch's 95% interval: about 5%, slightly fewer at n = 3
    assert stats.power_by_simulation(20.0, 1.0, 1.0) > 0.99
    assert stats.power_by_simulation(0.5, 1.0, 1.0) < stats.power_by_simulation(2.0, 1.0, 1.0)


def test_no_spread_at_all_is_refused():
    with pytest.raises(ValueError):
        stats.power_by_simulation(1.0, 0.0, 0.0)
    with pytest.raises(ValueError):
        stats.welch_intervals(np.zeros((3, 1)), np.zeros((3, 3)))
