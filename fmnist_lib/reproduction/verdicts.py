"""The paper's claims and open questions, and the rules that judge them by the one rule of
``fmnist_lib.stats``: what each claim compares, and how numbers become a verdict code.

These functions take numbers (seed values, comparisons), never ``metrics.json``:
``fmnist_lib.reproduction.findings`` reads it once and applies them, and the report renders
what it found. The chapters judge their own comparisons with the same ``judge`` and
``compare_pooling``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..stats import (
    DIFFERENT,
    EQUAL,
    SLIGHTLY,
    Comparison,
    EffectSize,
    Equivalence,
    compare,
    compare_paired,
    mean,
    prediction_interval,
)

CONFIRMED, CONTRADICTED, NOT_SHOWN, ONE_SEED, NOT_RUN = (
    "confirmed",
    "contradicted",
    "not shown",
    "one seed",
    "not run",
)
#: The direction confirmed, not the size the claim words ("slightly" for a large gap); and a
#: "no effect" claim neither shown equal within its margin nor shown different.
DIRECTION_ONLY, NOT_DECIDED = "direction only", "not decided"
#: Every verdict code on a claim.
VERDICTS = (CONFIRMED, CONTRADICTED, NOT_SHOWN, ONE_SEED, NOT_RUN, DIRECTION_ONLY, NOT_DECIDED)


def judge(c: Comparison | None, lower_is_better: bool) -> str:
    """The verdict on "a is better than b" from ``compare(a, b)``."""
    if c is None:
        return NOT_RUN
    if not c.known:
        return ONE_SEED
    if not c.real:
        return NOT_SHOWN
    better = c.estimate < 0 if lower_is_better else c.estimate > 0
    return CONFIRMED if better else CONTRADICTED


def combined(verdicts: Sequence[str]) -> str:
    """A claim made of several comparisons: confirmed only if each one is. (It needs no
    correction for the count: each comparison must hold on its own, at 95%.)"""
    for v in (NOT_RUN, CONTRADICTED, ONE_SEED, NOT_SHOWN):
        if v in verdicts:
            return v
    return CONFIRMED


# --------------------------------------------------------------------------- the paper's claims
#: (better, worse, the claim) on test MSE, then on test accuracy.
MSE_CLAIMS = (
    ("ae-raschka-128", "ae-feedforward-512",
     "Raschka (128) reaches a lower error than feed-forward"),
    ("ae-raschka-128", "ae-raschka-64", "Raschka (64) is (slightly) worse than Raschka (128)"),
)  # fmt: skip
ACCURACY_CLAIMS = (
    ("clf-consigna-fe-128", "clf-consigna-10", "consigna FE is better than consigna (10)"),
    ("clf-consigna-fe-128", "clf-consigna-frozen-128",
     "fine-tuning beats a frozen pretrained encoder"),
    ("clf-raschka-10", "clf-consigna-10", "the Raschka classifier beats the consigna classifier"),
)  # fmt: skip
#: The size a claim words, by its text: "slightly" only when the worse has under
#: ``stats.SLIGHT`` times the better's error.
CLAIMED_SIZE = {"Raschka (64) is (slightly) worse than Raschka (128)": SLIGHTLY}


def sized(verdict: str, size: EffectSize | None, claimed: str | None) -> str:
    """A confirmed direction whose size is not the one the claim words is ``DIRECTION_ONLY``."""
    if verdict != CONFIRMED or size is None or claimed is None or size.words == claimed:
        return verdict
    return DIRECTION_ONLY


#: "The two best autoencoders are feed-forward and Raschka (128)": each of the best two beats
#: each of the other two.
RANKING_CLAIM = "The two best autoencoders are feed-forward and Raschka (128)"
BEST_TWO, OTHER_TWO = ("ae-feedforward-512", "ae-raschka-128"), ("ae-raschka-64", "ae-consigna-128")
#: Starting n = 10 from the n = 128 encoder (``PRETRAINED``) against scratch (``SCRATCH``).
NOT_BENEFICIAL_CLAIM = (
    "starting n=10 from the n=128 encoder is not beneficial (no real gain over scratch)"
)
PRETRAINED, SCRATCH = "clf-consigna-10-from-128", "clf-consigna-10"
#: The "no real gain" claim's equivalence margin, stated before the test was run on the runs:
#: a gain under 1 percentage point of test accuracy is not worth a pretraining step (about three
#: times a classifier's run-to-run standard deviation here, 0.3 points). The earlier report's
#: Welch interval of this difference ([-0.77, +0.97] points) was known when it was set.
NO_GAIN_MARGIN = 0.01
WORST_CLASS_CLAIM = "Shirt (class 6) is the Raschka classifier's worst class"
SHIRT = 6


def not_beneficial(test: Equivalence | None) -> str:
    """The verdict on "the pretrained start is not beneficial (no real gain)" from the two
    one-sided tests of its gain within ``NO_GAIN_MARGIN``: shown equal within the margin, or a
    real loss, confirms it; a real gain beyond the margin contradicts it; otherwise it is not
    decided (an interval that includes 0 is absence of evidence, not evidence of absence)."""
    if test is None:
        return NOT_RUN
    if not test.contrast.known:
        return ONE_SEED
    if test.outcome == EQUAL:
        return CONFIRMED
    if test.outcome == DIFFERENT:
        return CONFIRMED if test.contrast.estimate < 0 else CONTRADICTED
    return NOT_DECIDED


def worst_class(shirt_minus_others: Sequence[Comparison]) -> str:
    """The verdict on "Shirt is the worst class" from Shirt's recall minus each other class's
    (seed by seed): confirmed only if each difference is real and negative."""
    if not shirt_minus_others:
        return NOT_RUN
    return combined([judge(c, lower_is_better=True) for c in shirt_minus_others])


def idle_dropout(settings: Mapping[str, Any]) -> bool:
    """Whether an experiment's dropout never acts: a classifier's only dropout sits in its
    encoder (its head is one ``Linear``), so freezing the encoder (eval mode, always) turns it
    off, and the classifier trains with no regularisation whatever its ``dropout`` says."""
    return bool(settings.get("freeze_encoder")) and float(settings.get("dropout", 0.0)) > 0


# --------------------------------------------------------------------------- the paper's 92.17%
def single_run_verdict(
    paper: float, held_out: Sequence[float], protocol: Sequence[float], effect: Comparison | None
) -> tuple[tuple[float, float], str] | None:
    """What explains the gap between our Raschka classifier and the paper's single run: the 95%
    prediction interval of one more run under the paper's protocol (or ours, when that was not
    run more than once), and "protocol" (the protocol explains the gap), "one run" (the paper's
    number is within what one run can give) or "unexplained". None with fewer than two runs."""
    runs_for_paper = protocol if len(protocol) > 1 else held_out
    if len(runs_for_paper) < 2:
        return None
    low, high = prediction_interval(runs_for_paper)
    within = low <= paper <= high
    if effect is not None and effect.real and effect.estimate > 0 and within:
        return (low, high), "protocol"
    return (low, high), "one run" if within else "unexplained"


# --------------------------------------------------------------------------- open questions
#: Open question 1's 2 × 2 design: rows are the hidden size (10, 128), columns the start.
SIZES, STARTS = ("n = 10", "n = 128"), ("random", "pretrained")
DESIGN = (("clf-consigna-10", "clf-consigna-fe-10"), ("clf-consigna-128", "clf-consigna-fe-128"))
#: Open question 2: the Raschka classifier with max pooling against the strided one.
POOLED, STRIDED = "clf-raschka-10-pool", "clf-raschka-10"


@dataclass(frozen=True)
class PoolCheck:
    """Open question 2: does max pooling shrink the Raschka classifier's train/validation gap?
    ``gap``: last-epoch train − validation accuracy per seed; ``gap_curves``: the mean gap per
    epoch of each model."""

    test: Comparison
    gap: Comparison
    gap_curves: dict[str, list[float]]


def compare_pooling(
    pooled_gaps: Sequence[Sequence[float]],
    strided_gaps: Sequence[Sequence[float]],
    pooled_test: Sequence[float],
    strided_test: Sequence[float],
    paired: bool = False,
) -> PoolCheck:
    """Pooled minus strided: each seed's train − validation accuracy per epoch (its last epoch is
    compared) and each seed's test accuracy; seed by seed when ``paired`` (the k-th run of each
    is seed k of a paired design)."""
    curves = {name: [mean(col) for col in zip(*g, strict=False)]  # to the shortest run
              for name, g in ((STRIDED, strided_gaps), (POOLED, pooled_gaps))}  # fmt: skip
    rule = compare_paired if paired else compare
    gap = rule([g[-1] for g in pooled_gaps], [g[-1] for g in strided_gaps])
    return PoolCheck(rule(pooled_test, strided_test), gap, curves)


#: The conclusion check: each convolutional classifier against the feed-forward one.
FEEDFORWARD = "clf-feedforward-512"
CONVOLUTIONAL = ("clf-consigna-10", "clf-consigna-fe-128", "clf-raschka-10")
