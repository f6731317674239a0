"""A chapter never branches on the budget: it asks ``settings`` for a demonstration's budget,
steps and grid, and CI's smoke budget shrinks them."""

import pytest

from fmnist_lib.errors import SettingsError
from fmnist_lib.settings import demonstration_budget, scaled, thinned


@pytest.mark.parametrize(("budget", "demo"), [("full", "quick"), ("quick", "quick"),
                                              ("smoke", "smoke")])  # fmt: skip
def test_a_demonstration_runs_at_quick_except_in_the_smoke_check(budget, demo):
    assert demonstration_budget(budget) == demo


def test_the_chapter_budget_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("FMNIST_BUDGET", "smoke")
    assert demonstration_budget() == "smoke"
    assert scaled(60) == 6 and thinned([1, 2, 3]) == [1, 3]
    monkeypatch.setenv("FMNIST_BUDGET", "full")
    assert scaled(60) == 60 and thinned([1, 2, 3]) == [1, 2, 3]
    monkeypatch.setenv("FMNIST_BUDGET", "huge")
    with pytest.raises(SettingsError, match="FMNIST_BUDGET"):
        scaled(60)


def test_smoke_shrinks_to_a_tenth_but_keeps_a_floor():
    assert [scaled(n, budget="smoke") for n in (300, 60, 12, 3)] == [30, 6, 2, 2]
    assert scaled(3, least=3, budget="smoke") == 3
    assert scaled(1, budget="smoke") == 1  # never more than asked
    assert thinned([25, 100], budget="smoke") == [25, 100]
