"""The report's verdicts as data: every claim, check and open question of the paper, computed
from ``metrics.json``'s content with the one rule of ``fmnist_lib.stats``.

Each function returns a dataclass of numbers and a verdict code; ``fmnist_lib.report`` turns
them into prose, and the tests assert the numbers, not the sentences.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import paper
from ..stats import Comparison, Design2x2, compare, design_2x2, mean, prediction_interval

CONFIRMED, CONTRADICTED, NOT_SHOWN, ONE_SEED, NOT_RUN = (
    "confirmed",
    "contradicted",
    "not shown",
    "one seed",
    "not run",
)


def seed_values(metrics: Mapping[str, Any], name: str, key: str) -> list[float]:
    """A test metric of every seed of an experiment (empty if the experiment did not run)."""
    runs = metrics["experiments"].get(name, {}).get("runs", [])
    return [r["test"][key] for r in runs if key in r["test"]]


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


def _compare_runs(metrics: Mapping[str, Any], a: str, b: str, key: str) -> Comparison | None:
    xa, xb = seed_values(metrics, a, key), seed_values(metrics, b, key)
    return compare(xa, xb) if xa and xb else None


# --------------------------------------------------------------------------- the paper's claims
@dataclass(frozen=True)
class Claim:
    """One of the paper's claims: our verdict and the comparisons behind it (``a`` vs ``b``)."""

    text: str
    verdict: str
    metric: str  # "mse" or "accuracy"
    pairs: tuple[tuple[str, str, Comparison | None], ...] = ()
    detail: str = ""
    #: the detail again, as a text key of ``fmnist_lib.report_words`` and the (field, value)
    #: pairs that fill it: the report renders it from these in its other languages
    detail_key: str = ""
    facts: tuple[tuple[str, str], ...] = ()


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
BEST_TWO, OTHER_TWO = ("ae-feedforward-512", "ae-raschka-128"), ("ae-raschka-64", "ae-consigna-128")


def _combined(verdicts: Sequence[str]) -> str:
    """A claim made of several comparisons: confirmed only if each one is."""
    for v in (NOT_RUN, CONTRADICTED, ONE_SEED, NOT_SHOWN):
        if v in verdicts:
            return v
    return CONFIRMED


def ranking_claim(metrics: Mapping[str, Any]) -> Claim:
    """ "The two best autoencoders are feed-forward and Raschka (128)": each beats each other."""
    pairs = tuple((a, b, _compare_runs(metrics, a, b, "mse")) for a in BEST_TWO for b in OTHER_TWO)
    verdict = _combined([judge(c, lower_is_better=True) for _, _, c in pairs])
    means = {n: mean(xs) for n in paper.TABLE_I if (xs := seed_values(metrics, n, "mse"))}
    ranking = " < ".join(f"{n} {m:.5f}" for n, m in sorted(means.items(), key=lambda kv: kv[1]))
    return Claim("The two best autoencoders are feed-forward and Raschka (128)", verdict, "mse",
                 pairs, f"ranking by mean test MSE: {ranking}", "claim.ranking",
                 (("ranking", ranking),))  # fmt: skip


def not_beneficial_claim(metrics: Mapping[str, Any]) -> Claim:
    """ "Starting n=10 from the n=128 encoder is not beneficial": confirmed by a real loss of
    the pretrained start, contradicted by a real gain, not shown otherwise."""
    c = _compare_runs(metrics, "clf-consigna-10-from-128", "clf-consigna-10", "accuracy")
    gain = judge(c, lower_is_better=False)
    # a real gain contradicts the claim, a real loss confirms it; no real difference shows
    # neither (the interval includes 0): absence of evidence is not confirmation
    verdict = {CONFIRMED: CONTRADICTED, CONTRADICTED: CONFIRMED}.get(gain, gain)
    text = "starting n=10 from the n=128 encoder is not beneficial (no real gain over scratch)"
    return Claim(text, verdict, "accuracy", (("clf-consigna-10-from-128", "clf-consigna-10", c),))


def worst_class_claim(metrics: Mapping[str, Any]) -> Claim:
    """ "Shirt (class 6) is the Raschka classifier's worst class", in every seed."""
    runs = metrics["experiments"].get(paper.CONFUSION_EXPERIMENT, {}).get("runs", [])
    text = "Shirt (class 6) is the Raschka classifier's worst class"
    if not runs:
        return Claim(text, NOT_RUN, "accuracy")
    worst = [min(range(10), key=lambda k: r["test"]["per_class_accuracy"][k]) for r in runs]
    recall = [mean([r["test"]["per_class_accuracy"][k] for r in runs]) for k in range(10)]
    verdict = CONFIRMED if all(w == 6 for w in worst) else CONTRADICTED
    facts = (("worst", str(worst)), ("recall", f"{recall[6]:.1%}"))
    detail = "worst class per seed: {worst}; class 6 recall {recall} (mean over seeds)"
    detail = detail.format(**dict(facts))
    return Claim(text, verdict, "accuracy", (), detail, "claim.worst_class", facts)


def claims(metrics: Mapping[str, Any]) -> list[Claim]:
    """The paper's claims, each with our verdict and the comparisons behind it."""
    out = [ranking_claim(metrics)]
    for a, b, text in MSE_CLAIMS:
        c = _compare_runs(metrics, a, b, "mse")
        out.append(Claim(text, judge(c, lower_is_better=True), "mse", ((a, b, c),)))
    for a, b, text in ACCURACY_CLAIMS:
        c = _compare_runs(metrics, a, b, "accuracy")
        out.append(Claim(text, judge(c, lower_is_better=False), "accuracy", ((a, b, c),)))
    return [*out, not_beneficial_claim(metrics), worst_class_claim(metrics)]


# --------------------------------------------------------------------------- the paper's 92.17%
@dataclass(frozen=True)
class RaschkaCheck:
    """Our Raschka classifier against the paper's single run, and what may explain a gap.

    ``single_run`` is the 95% prediction interval of one more run under the paper's protocol
    (or ours, when that was not run); ``verdict``: "protocol" (the protocol explains the gap),
    "one run" (the paper's number is within what one run can give), "unexplained", or
    "too few runs".
    """

    paper: float
    held_out: list[float]
    tested_val: list[float]
    protocol: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)
    protocol_effect: Comparison | None = None
    single_run: tuple[float, float] = (math.nan, math.nan)
    verdict: str = "too few runs"


def tested_epoch(run: Mapping[str, Any], patience: int | None) -> Mapping[str, Any]:
    """The history entry of the weights that were tested: the best epoch with early stopping
    (patience), else the last one (a fixed epoch count, as the paper's classifiers)."""
    h = run["history"]
    if patience is not None and run.get("best_epoch") is not None:
        return next((e for e in h if e["epoch"] == run["best_epoch"]), h[-1])
    return h[-1]


def raschka_check(metrics: Mapping[str, Any]) -> RaschkaCheck | None:
    """The Raschka classifier against the paper's 92.17% (None when it did not run)."""
    e = metrics["experiments"].get(paper.CONFUSION_EXPERIMENT, {})
    runs = e.get("runs", [])
    if not runs:
        return None
    patience = e.get("settings", {}).get("patience")
    held_out = seed_values(metrics, paper.CONFUSION_EXPERIMENT, "accuracy")
    tested_val = [tested_epoch(r, patience)["val_accuracy"] for r in runs]
    p_runs = metrics["experiments"].get("clf-raschka-10-paper-protocol", {}).get("runs", [])
    protocol = [r["test"]["accuracy"] for r in p_runs]
    peaks = [max(x["val_accuracy"] for x in r["history"]) for r in p_runs if r.get("history")]
    effect = compare(protocol, held_out) if protocol else None
    runs_for_paper = protocol if len(protocol) > 1 else held_out
    if len(runs_for_paper) < 2:
        return RaschkaCheck(paper.accuracy(), held_out, tested_val, protocol, peaks, effect)
    low, high = prediction_interval(runs_for_paper)
    within = low <= paper.accuracy() <= high
    if effect is not None and effect.real and effect.estimate > 0 and within:
        verdict = "protocol"
    else:
        verdict = "one run" if within else "unexplained"
    return RaschkaCheck(paper.accuracy(), held_out, tested_val, protocol, peaks, effect,
                        (low, high), verdict)  # fmt: skip


# --------------------------------------------------------------------------- open questions
#: Open question 1's 2 × 2 design: rows are the hidden size (10, 128), columns the start.
SIZES, STARTS = ("n = 10", "n = 128"), ("random", "pretrained")
DESIGN = (("clf-consigna-10", "clf-consigna-fe-10"), ("clf-consigna-128", "clf-consigna-fe-128"))


@dataclass(frozen=True)
class SizeOrStart:
    """Is consigna FE better for its hidden size or its pretrained start? The cells' test
    accuracies and the design's effects (rows: hidden size; columns: start)."""

    cells: tuple[tuple[list[float], list[float]], tuple[list[float], list[float]]]
    design: Design2x2
    epochs: tuple[int, ...]  # the epochs each row trained (the paper's: a confound)


def size_or_start(metrics: Mapping[str, Any]) -> SizeOrStart | None:
    """Open question 1, when every cell has at least two seeds."""
    values = [[seed_values(metrics, n, "accuracy") for n in row] for row in DESIGN]
    if not all(len(v) >= 2 for row in values for v in row):
        return None
    cells = ((values[0][0], values[0][1]), (values[1][0], values[1][1]))
    exps = metrics["experiments"]
    epochs = tuple(max(r["epochs_run"] for n in row for r in exps[n]["runs"]) for row in DESIGN)
    return SizeOrStart(cells, design_2x2(values), epochs)


@dataclass(frozen=True)
class PoolCheck:
    """Open question 2: does max pooling shrink the Raschka classifier's train/validation gap?
    ``gap``: last-epoch train − validation accuracy per seed; ``gap_curves``: the mean gap per
    epoch of each model."""

    test: Comparison
    gap: Comparison
    gap_curves: dict[str, list[float]]


def _gaps(runs: Sequence[Mapping[str, Any]]) -> list[list[float]]:
    return [[e["train_accuracy"] - e["val_accuracy"] for e in r["history"]] for r in runs]


def compare_pooling(
    pooled_gaps: Sequence[Sequence[float]],
    strided_gaps: Sequence[Sequence[float]],
    pooled_test: Sequence[float],
    strided_test: Sequence[float],
) -> PoolCheck:
    """Pooled minus strided: each seed's train − validation accuracy per epoch (its last epoch is
    compared) and each seed's test accuracy."""
    curves = {name: [mean(col) for col in zip(*g, strict=False)]  # to the shortest run
              for name, g in (("clf-raschka-10", strided_gaps),
                              ("clf-raschka-10-pool", pooled_gaps))}  # fmt: skip
    gap = compare([g[-1] for g in pooled_gaps], [g[-1] for g in strided_gaps])
    return PoolCheck(compare(pooled_test, strided_test), gap, curves)


def pool_check(metrics: Mapping[str, Any]) -> PoolCheck | None:
    """``clf-raschka-10-pool`` against ``clf-raschka-10`` (pooled minus strided)."""
    exps = metrics["experiments"]
    pooled = exps.get("clf-raschka-10-pool", {}).get("runs", [])
    strided = exps.get(paper.CONFUSION_EXPERIMENT, {}).get("runs", [])
    if len(pooled) < 2 or len(strided) < 2:
        return None
    tests = ([r["test"]["accuracy"] for r in runs] for runs in (pooled, strided))
    return compare_pooling(_gaps(pooled), _gaps(strided), *tests)


FEEDFORWARD = "clf-feedforward-512"
CONVOLUTIONAL = ("clf-consigna-10", "clf-consigna-fe-128", "clf-raschka-10")


def feedforward_check(metrics: Mapping[str, Any]) -> dict[str, Comparison] | None:
    """Each convolutional classifier against the feed-forward one (conv minus feed-forward)."""
    ff = seed_values(metrics, FEEDFORWARD, "accuracy")
    if len(ff) < 2:
        return None
    return {
        n: compare(xs, ff) for n in CONVOLUTIONAL if (xs := seed_values(metrics, n, "accuracy"))
    }
