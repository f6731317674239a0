"""The paper's claims and open questions, and the rules that judge them by the one rule of
``fmnist_lib.stats``: what each claim compares, and how numbers become a verdict code.

These functions take numbers (seed values, comparisons), never ``metrics.json``:
``fmnist_lib.reproduction.findings`` reads it once and applies them, and the report renders
what it found. The chapters judge their own comparisons with the same ``judge`` and
``compare_pooling``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..stats import Comparison, compare, mean, prediction_interval

CONFIRMED, CONTRADICTED, NOT_SHOWN, ONE_SEED, NOT_RUN = (
    "confirmed",
    "contradicted",
    "not shown",
    "one seed",
    "not run",
)
#: Every verdict code on a claim.
VERDICTS = (CONFIRMED, CONTRADICTED, NOT_SHOWN, ONE_SEED, NOT_RUN)


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
    """A claim made of several comparisons: confirmed only if each one is."""
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
#: "The two best autoencoders are feed-forward and Raschka (128)": each of the best two beats
#: each of the other two.
RANKING_CLAIM = "The two best autoencoders are feed-forward and Raschka (128)"
BEST_TWO, OTHER_TWO = ("ae-feedforward-512", "ae-raschka-128"), ("ae-raschka-64", "ae-consigna-128")
#: Starting n = 10 from the n = 128 encoder (``PRETRAINED``) against scratch (``SCRATCH``).
NOT_BENEFICIAL_CLAIM = (
    "starting n=10 from the n=128 encoder is not beneficial (no real gain over scratch)"
)
PRETRAINED, SCRATCH = "clf-consigna-10-from-128", "clf-consigna-10"
WORST_CLASS_CLAIM = "Shirt (class 6) is the Raschka classifier's worst class"
SHIRT = 6


def not_beneficial(gain: str) -> str:
    """The verdict on "the pretrained start is not beneficial" from the verdict on "it gains":
    a real gain contradicts the claim, a real loss confirms it; no real difference shows
    neither (the interval includes 0): absence of evidence is not confirmation."""
    return {CONFIRMED: CONTRADICTED, CONTRADICTED: CONFIRMED}.get(gain, gain)


def worst_class(worst_per_seed: Sequence[int]) -> str:
    """The verdict on "Shirt is the worst class" from each seed's worst class: confirmed only
    if it is Shirt in every seed."""
    if not worst_per_seed:
        return NOT_RUN
    return CONFIRMED if all(w == SHIRT for w in worst_per_seed) else CONTRADICTED


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
) -> PoolCheck:
    """Pooled minus strided: each seed's train − validation accuracy per epoch (its last epoch is
    compared) and each seed's test accuracy."""
    curves = {name: [mean(col) for col in zip(*g, strict=False)]  # to the shortest run
              for name, g in ((STRIDED, strided_gaps), (POOLED, pooled_gaps))}  # fmt: skip
    gap = compare([g[-1] for g in pooled_gaps], [g[-1] for g in strided_gaps])
    return PoolCheck(compare(pooled_test, strided_test), gap, curves)


#: The conclusion check: each convolutional classifier against the feed-forward one.
FEEDFORWARD = "clf-feedforward-512"
CONVOLUTIONAL = ("clf-consigna-10", "clf-consigna-fe-128", "clf-raschka-10")
