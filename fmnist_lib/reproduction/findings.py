"""What ``metrics.json`` shows, read once: ``findings(metrics)`` turns its content into a tree of
frozen dataclasses of plain data — every sample of seeds, comparison, verdict and answer the
report states, its tables, its confusion matrix and its times — judged by the rules of
``fmnist_lib.reproduction.verdicts`` (and so of ``fmnist_lib.stats``).

This is the only module that reads ``metrics.json``'s runs for the report: ``report`` renders a
``Findings`` in any language without computing a number, and the pipeline draws the pooling
figure from the same object. Each section's function takes ``metrics.json``'s content and reads
only what that section needs (the tests give it partial content).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .. import paper
from ..data import CLASS_NAMES
from ..experiments.registry import seeds_pair
from ..stats import (
    Comparison,
    Design2x2,
    EffectSize,
    Equivalence,
    Family,
    compare,
    compare_paired,
    contrasts_of,
    design_2x2,
    design_2x2_paired,
    effect_size,
    equivalence,
    family,
    mean,
)
from . import verdicts
from .verdicts import PoolCheck

Metrics = Mapping[str, Any]
Run = Mapping[str, Any]


# --------------------------------------------------------------------------- samples
@dataclass(frozen=True)
class Sample:
    """One experiment's test metric over its seeds (none: the experiment did not run), and
    which seed gave each value."""

    name: str
    values: tuple[float, ...]
    seeds: tuple[int, ...] = ()


def runs_of(metrics: Metrics, name: str) -> list[Run]:
    """An experiment's finished runs (none if it did not run), by seed."""
    runs = metrics["experiments"].get(name, {}).get("runs", [])
    return sorted(runs, key=lambda r: r.get("seed", 0))


def sample(metrics: Metrics, name: str, key: str) -> Sample:
    """A test metric (``mse``, ``accuracy``) of every seed of an experiment."""
    runs = [r for r in runs_of(metrics, name) if key in r["test"]]
    return Sample(name, tuple(r["test"][key] for r in runs), tuple(r.get("seed", 0) for r in runs))


def settings_of(metrics: Metrics, name: str) -> Mapping[str, Any]:
    """An experiment's settings as ``metrics.json`` recorded them (empty if not recorded)."""
    return metrics["experiments"].get(name, {}).get("settings") or {}


def paired(metrics: Metrics, names: Sequence[str]) -> bool:
    """Whether seed k of every experiment ``names`` is one pair (or set) of a paired design, by
    their recorded settings (``registry.seeds_pair``)."""
    first = settings_of(metrics, names[0])
    return bool(first) and all(seeds_pair(first, settings_of(metrics, n)) for n in names[1:])


def aligned(samples: Sequence[Sample]) -> list[tuple[float, ...]]:
    """Each sample's values at the seeds every one of them has, in the same order."""
    common = sorted(set.intersection(*(set(s.seeds) for s in samples)))
    return [tuple(dict(zip(s.seeds, s.values, strict=True))[k] for k in common) for s in samples]


def compare_samples(a: Sample, b: Sample, pair_seeds: bool) -> Comparison:
    """``a − b`` by the one rule: seed by seed (on their common seeds) when ``pair_seeds``."""
    if pair_seeds:
        xa, xb = aligned([a, b])
        return compare_paired(xa, xb) if xa else compare(a.values, b.values)
    return compare(a.values, b.values)


def error(metric: str, value: float) -> float:
    """What a metric says is wrong: the MSE itself, or 1 − accuracy."""
    return value if metric == "mse" else 1.0 - value


# --------------------------------------------------------------------------- the paper's claims
@dataclass(frozen=True)
class Pair:
    """One comparison behind a claim: ``a`` (claimed better) against ``b`` (``comparison`` is
    a − b, paired by seed where the design pairs them; None when either did not run) and its
    size (``b``'s error over ``a``'s)."""

    a: Sample
    b: Sample
    comparison: Comparison | None
    size: EffectSize | None = None


@dataclass(frozen=True)
class Ranking:
    """The autoencoders by mean test MSE, lowest first."""

    means: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class WorstClass:
    """Shirt's recall against the next-worst class's (``closest``: the difference closest to 0
    of Shirt's against each of the ``others`` classes, the same runs compared seed by seed)."""

    closest: Pair
    next_worst: int
    others: int


@dataclass(frozen=True)
class Claim:
    """One of the paper's claims (``text``, in English as the paper words it): our verdict
    code, the metric compared, the comparisons behind it and, for some, a detail."""

    text: str
    verdict: str
    metric: str  # "mse" or "accuracy"
    pairs: tuple[Pair, ...] = ()
    detail: Ranking | WorstClass | None = None
    size: EffectSize | None = None  # the claim's size: its closest comparison's
    equivalence: Equivalence | None = None  # a "no effect" claim's two one-sided tests
    idle_dropout: tuple[tuple[str, float], ...] = ()  # (experiment, dropout) that never acts


def pair(metrics: Metrics, a: str, b: str, key: str) -> Pair:
    """``a`` against ``b`` on test ``key``, by the one rule (paired by seed where the design
    pairs them), with its size."""
    return samples_pair(sample(metrics, a, key), sample(metrics, b, key), paired(metrics, [a, b]),
                        key)  # fmt: skip


def samples_pair(a: Sample, b: Sample, pair_seeds: bool, metric: str) -> Pair:
    """``a`` (claimed better) against ``b`` on ``metric``, with its size."""
    if not a.values or not b.values:
        return Pair(a, b, None)
    c = compare_samples(a, b, pair_seeds)
    size = effect_size(error(metric, mean(a.values)), error(metric, mean(b.values)), c.estimate)
    return Pair(a, b, c, size)


def closest(pairs: Sequence[Pair]) -> EffectSize | None:
    """The size of a claim made of several comparisons: its closest one's (smallest ratio)."""
    sizes = [p.size for p in pairs if p.size is not None]
    return min(sizes, key=lambda s: s.ratio) if sizes else None


def pair_claim(metrics: Metrics, a: str, b: str, text: str, metric: str) -> Claim:
    """ "``a`` is better than ``b``": its verdict, size, and the words' size checked."""
    p = pair(metrics, a, b, metric)
    verdict = verdicts.judge(p.comparison, lower_is_better=metric == "mse")
    verdict = verdicts.sized(verdict, p.size, verdicts.CLAIMED_SIZE.get(text))
    idle = tuple((n, float(settings_of(metrics, n)["dropout"])) for n in (a, b)
                 if verdicts.idle_dropout(settings_of(metrics, n)))  # fmt: skip
    return Claim(text, verdict, metric, (p,), size=p.size, idle_dropout=idle)


def ranking_claim(metrics: Metrics) -> Claim:
    """ "The two best autoencoders are feed-forward and Raschka (128)": each beats each other."""
    pairs = tuple(pair(metrics, a, b, "mse") for a in verdicts.BEST_TWO for b in verdicts.OTHER_TWO)
    verdict = verdicts.combined([verdicts.judge(p.comparison, lower_is_better=True) for p in pairs])
    samples = [sample(metrics, n, "mse") for n in paper.TABLE_I]
    means = {s.name: mean(s.values) for s in samples if s.values}
    ranking = Ranking(tuple(sorted(means.items(), key=lambda kv: kv[1])))
    return Claim(verdicts.RANKING_CLAIM, verdict, "mse", pairs, ranking, closest(pairs))


def not_beneficial_claim(metrics: Metrics) -> Claim:
    """ "Starting n=10 from the n=128 encoder is not beneficial": its gain over scratch
    (pretrained − scratch) judged by two one-sided tests within ``verdicts.NO_GAIN_MARGIN``
    (``verdicts.not_beneficial``)."""
    p = pair(metrics, verdicts.PRETRAINED, verdicts.SCRATCH, "accuracy")
    test = None if p.comparison is None else equivalence(p.comparison, verdicts.NO_GAIN_MARGIN)
    return Claim(verdicts.NOT_BENEFICIAL_CLAIM, verdicts.not_beneficial(test), "accuracy", (p,),
                 size=p.size, equivalence=test)  # fmt: skip


def class_recalls(metrics: Metrics, name: str) -> list[Sample]:
    """Each class's test recall over an experiment's seeds, one ``Sample`` per class."""
    runs = runs_of(metrics, name)
    seeds = tuple(r.get("seed", 0) for r in runs)
    recalls = [r["test"]["per_class_accuracy"] for r in runs]
    return [
        Sample(f"{name} {k} {CLASS_NAMES[k]}", tuple(rc[k] for rc in recalls), seeds)
        for k in range(10)
    ]


def worst_class_claim(metrics: Metrics) -> Claim:
    """ "Shirt (class 6) is the Raschka classifier's worst class": Shirt's recall minus each
    other class's, seed by seed (the same runs); each must be real and negative. Shown: the
    class closest to Shirt, and the size (Shirt's error rate over that class's)."""
    recalls = class_recalls(metrics, paper.CONFUSION_EXPERIMENT)
    shirt = recalls[verdicts.SHIRT]
    if not shirt.values:
        return Claim(verdicts.WORST_CLASS_CLAIM, verdicts.NOT_RUN, "accuracy")
    others = [k for k in range(10) if k != verdicts.SHIRT]
    minus = {k: compare_samples(shirt, recalls[k], pair_seeds=True) for k in others}
    nearest = max(others, key=lambda k: minus[k].estimate)
    size = effect_size(error("accuracy", mean(recalls[nearest].values)),
                       error("accuracy", mean(shirt.values)), minus[nearest].estimate)  # fmt: skip
    shown = Pair(shirt, recalls[nearest], minus[nearest], size)
    verdict = verdicts.worst_class(list(minus.values()))
    return Claim(verdicts.WORST_CLASS_CLAIM, verdict, "accuracy", (),
                 WorstClass(shown, nearest, len(others)), size)  # fmt: skip


def claims(metrics: Metrics) -> tuple[Claim, ...]:
    """The paper's claims, each with our verdict, its size and the comparisons behind it."""
    out = [ranking_claim(metrics)]
    out += [pair_claim(metrics, a, b, text, "mse") for a, b, text in verdicts.MSE_CLAIMS]
    out += [pair_claim(metrics, a, b, text, "accuracy") for a, b, text in verdicts.ACCURACY_CLAIMS]
    return (*out, not_beneficial_claim(metrics), worst_class_claim(metrics))


# --------------------------------------------------------------------------- the paper's 92.17%
@dataclass(frozen=True)
class RaschkaSeed:
    """One seed of the Raschka classifier: its test accuracy, the epoch whose weights were
    tested, its best validation epoch and its last training accuracy."""

    seed: int
    test_accuracy: float
    epochs_run: int
    tested_epoch: int
    tested_val_accuracy: float
    best_val_accuracy: float
    best_epoch: int
    last_train_accuracy: float


@dataclass(frozen=True)
class RaschkaCheck:
    """Our Raschka classifier against the paper's single run, and what may explain a gap.

    ``single_run`` is the 95% prediction interval of one more run under the paper's protocol
    (or ours, when that was not run); ``verdict``: "protocol" (the protocol explains the gap),
    "one run" (the paper's number is within what one run can give), "unexplained", or
    "too few runs".
    """

    paper: float
    seeds: tuple[RaschkaSeed, ...]
    held_out: tuple[float, ...]
    gap_to_paper: float  # mean held-out test accuracy − the paper's
    tested_val: tuple[float, ...]
    protocol: tuple[float, ...] = ()
    peaks: tuple[float, ...] = ()
    protocol_effect: Comparison | None = None
    single_run: tuple[float, float] = (math.nan, math.nan)
    verdict: str = "too few runs"


def tested_epoch(run: Run, patience: int | None) -> Mapping[str, Any]:
    """The history entry of the weights that were tested: the best epoch with early stopping
    (patience), else the last one (a fixed epoch count, as the paper's classifiers)."""
    h = run["history"]
    if patience is not None and run.get("best_epoch") is not None:
        return next((e for e in h if e["epoch"] == run["best_epoch"]), h[-1])
    return h[-1]


def raschka_seed(run: Run, patience: int | None) -> RaschkaSeed:
    """One seed's row of the Raschka check."""
    h, tested = run["history"], tested_epoch(run, patience)
    best = max(h, key=lambda x: x["val_accuracy"])
    return RaschkaSeed(run["seed"], run["test"]["accuracy"], run["epochs_run"], tested["epoch"],
                       tested["val_accuracy"], best["val_accuracy"], best["epoch"],
                       h[-1]["train_accuracy"])  # fmt: skip


def raschka_check(metrics: Metrics) -> RaschkaCheck | None:
    """The Raschka classifier against the paper's 92.17% (None when it did not run)."""
    runs = runs_of(metrics, paper.CONFUSION_EXPERIMENT)
    if not runs:
        return None
    experiment = metrics["experiments"][paper.CONFUSION_EXPERIMENT]
    patience = experiment.get("settings", {}).get("patience")
    held_out = sample(metrics, paper.CONFUSION_EXPERIMENT, "accuracy").values
    tested_val = tuple(tested_epoch(r, patience)["val_accuracy"] for r in runs)
    p_runs = runs_of(metrics, "clf-raschka-10-paper-protocol")
    protocol = tuple(r["test"]["accuracy"] for r in p_runs)
    peaks = tuple(max(x["val_accuracy"] for x in r["history"]) for r in p_runs if r.get("history"))
    effect = compare(protocol, held_out) if protocol else None
    seeds = tuple(raschka_seed(r, patience) for r in runs)
    found = RaschkaCheck(paper.accuracy(), seeds, held_out, mean(held_out) - paper.accuracy(),
                         tested_val, protocol, peaks, effect)  # fmt: skip
    judged = verdicts.single_run_verdict(paper.accuracy(), held_out, protocol, effect)
    if judged is None:
        return found
    single_run, verdict = judged
    return replace(found, single_run=single_run, verdict=verdict)


# --------------------------------------------------------------------------- open questions
@dataclass(frozen=True)
class SizeOrStart:
    """Is consigna FE better for its hidden size or its pretrained start? The cells' test
    accuracies and the design's effects (rows: hidden size; columns: start).

    ``design`` is analysed seed by seed when the four cells' seeds pair (``paired``), and its
    five contrasts are read together (``family``: Holm's correction); ``unpaired`` is the same
    design by Welch's intervals, for comparison; ``validation`` (and its family) the same
    weights on the validation set."""

    cells: tuple[tuple[tuple[float, ...], tuple[float, ...]], ...]
    design: Design2x2
    epochs: tuple[int, ...]  # the epochs each row trained (the paper's: a confound)
    paired: bool
    family: Family
    unpaired: Design2x2
    validation: Design2x2
    validation_family: Family


def _cells(samples: Sequence[Sequence[Sample]], pair_seeds: bool) -> list[list[tuple[float, ...]]]:
    """The 2 × 2 cells' values, at the seeds all four share when they pair."""
    flat = [s for row in samples for s in row]
    values = aligned(flat) if pair_seeds else [s.values for s in flat]
    return [values[0:2], values[2:4]]


def _design(
    cells: Sequence[Sequence[Sequence[float]]], paired_seeds: bool
) -> tuple[Design2x2, Family]:
    """The design's effects, paired by seed or not, and its five contrasts read together."""
    d = design_2x2_paired(cells) if paired_seeds else design_2x2(cells)
    return d, family(contrasts_of(d))


def validation_sample(metrics: Metrics, name: str) -> Sample:
    """The validation accuracy of the weights that were tested, over an experiment's seeds."""
    patience = settings_of(metrics, name).get("patience")
    runs = runs_of(metrics, name)
    return Sample(name, tuple(tested_epoch(r, patience)["val_accuracy"] for r in runs),
                  tuple(r.get("seed", 0) for r in runs))  # fmt: skip


def size_or_start(metrics: Metrics) -> SizeOrStart | None:
    """Open question 1, when every cell has at least two seeds."""
    samples = [[sample(metrics, n, "accuracy") for n in row] for row in verdicts.DESIGN]
    if not all(len(s.values) >= 2 for row in samples for s in row):
        return None
    pair_seeds = paired(metrics, [n for row in verdicts.DESIGN for n in row])
    cells = _cells(samples, pair_seeds)
    design, fam = _design(cells, pair_seeds)
    val = [[validation_sample(metrics, n) for n in row] for row in verdicts.DESIGN]
    val_design, val_family = _design(_cells(val, pair_seeds), pair_seeds)
    epochs = tuple(max(r["epochs_run"] for n in row for r in runs_of(metrics, n))
                   for row in verdicts.DESIGN)  # fmt: skip
    unpaired = design_2x2([[s.values for s in row] for row in samples])
    return SizeOrStart(tuple((row[0], row[1]) for row in cells), design, epochs, pair_seeds, fam,
                       unpaired, val_design, val_family)  # fmt: skip


def _gaps(runs: Sequence[Run]) -> list[list[float]]:
    return [[e["train_accuracy"] - e["val_accuracy"] for e in r["history"]] for r in runs]


def pool_check(metrics: Metrics) -> PoolCheck | None:
    """Open question 2: ``clf-raschka-10-pool`` against ``clf-raschka-10`` (pooled minus
    strided, seed by seed where the design pairs them), when each has at least two seeds."""
    pooled, strided = runs_of(metrics, verdicts.POOLED), runs_of(metrics, verdicts.STRIDED)
    if len(pooled) < 2 or len(strided) < 2:
        return None
    pair_seeds = paired(metrics, [verdicts.POOLED, verdicts.STRIDED]) and [
        r.get("seed") for r in pooled] == [r.get("seed") for r in strided]  # fmt: skip
    pooled_test, strided_test = (
        [r["test"]["accuracy"] for r in runs] for runs in (pooled, strided)
    )
    return verdicts.compare_pooling(_gaps(pooled), _gaps(strided), pooled_test, strided_test,
                                    paired=pair_seeds)  # fmt: skip


@dataclass(frozen=True)
class AgainstFeedForward:
    """One convolutional classifier against the feed-forward one: its test accuracies, the
    difference (conv − feed-forward) and the verdict on "it beats the feed-forward one"."""

    sample: Sample
    comparison: Comparison
    verdict: str


@dataclass(frozen=True)
class FeedForwardCheck:
    """The paper's conclusion that convolutional nets beat a feed-forward one, on
    classification: every convolutional classifier that ran, against the feed-forward one."""

    feedforward: Sample
    convolutional: tuple[AgainstFeedForward, ...]


def feedforward_check(metrics: Metrics) -> FeedForwardCheck | None:
    """Each convolutional classifier against the feed-forward one (None with fewer than two
    feed-forward seeds)."""
    ff = sample(metrics, verdicts.FEEDFORWARD, "accuracy")
    if len(ff.values) < 2:
        return None
    rows = []
    for conv in (sample(metrics, n, "accuracy") for n in verdicts.CONVOLUTIONAL):
        if conv.values:
            c = compare(conv.values, ff.values)
            rows.append(AgainstFeedForward(conv, c, verdicts.judge(c, lower_is_better=False)))
    return FeedForwardCheck(ff, tuple(rows))


# --------------------------------------------------------------------------- tables
@dataclass(frozen=True)
class Settings:
    """An experiment's settings as ``metrics.json`` recorded them from the registry (the
    epochs are the registry's: the paper's for its tables)."""

    hidden_size: int
    epochs: int
    batch_size: int
    lr: float
    dropout: float


@dataclass(frozen=True)
class Experiment:
    """One row of the report's tables: an experiment's settings (None if not recorded), the
    epochs each seed ran, its test metric and, where the paper reports one, the paper's."""

    label: str  # the paper's name for the row, else the experiment's name
    what: str  # the experiment's note (else its title), in English as recorded
    settings: Settings | None
    epochs_run: tuple[int, ...]
    metric: str  # "mse" or "accuracy"
    result: Sample
    paper_result: float | None = None


def experiment(metrics: Metrics, name: str, label: str, metric: str) -> Experiment:
    """An experiment's row, on test ``metric``."""
    s = metrics["experiments"].get(name, {}).get("settings") or {}
    settings = (Settings(s["hidden_size"], s["epochs"], s["batch_size"], s["lr"], s["dropout"])
                if "hidden_size" in s else None)  # fmt: skip
    reported = paper.accuracy() if name == paper.CONFUSION_EXPERIMENT else None
    return Experiment(label, s.get("note") or s.get("title", ""), settings,
                      tuple(r["epochs_run"] for r in runs_of(metrics, name)), metric,
                      sample(metrics, name, metric), reported)  # fmt: skip


@dataclass(frozen=True)
class Tables:
    """The paper's Tables I (autoencoders) and II (classifiers) with our results, and every
    other experiment (variants, open questions), each on its task's test metric."""

    autoencoders: tuple[Experiment, ...]
    classifiers: tuple[Experiment, ...]
    others: tuple[Experiment, ...]


def tables(metrics: Metrics) -> Tables:
    """Every experiment's row."""
    exps = metrics["experiments"]
    others = [n for n in exps if n not in paper.TABLE_I and n not in paper.TABLE_II]
    return Tables(
        tuple(experiment(metrics, n, label, "mse") for n, label in paper.TABLE_I.items()),
        tuple(experiment(metrics, n, label, "accuracy") for n, label in paper.TABLE_II.items()),
        tuple(experiment(metrics, n, n, "mse" if exps[n]["task"] == "reconstruction"
                         else "accuracy") for n in others),
    )  # fmt: skip


@dataclass(frozen=True)
class Confusion:
    """The paper's confusion matrix and ours (the mean of ``runs`` seeds, per 1000 images of
    each class, as the paper's), and each class's recall."""

    runs: int
    paper_accuracy: float
    paper_matrix: tuple[tuple[int, ...], ...]
    ours_per_1000: tuple[tuple[int, ...], ...]
    paper_recall: tuple[float, ...]
    recall: tuple[float, ...]


def confusion(metrics: Metrics) -> Confusion | None:
    """The Raschka classifier's confusion matrix (None when it did not run)."""
    runs = runs_of(metrics, paper.CONFUSION_EXPERIMENT)
    if not runs:
        return None
    ours = np.mean([r["test"]["confusion_matrix"] for r in runs], axis=0)
    scale = 1000 / ours.sum(axis=1, keepdims=True)  # per 1000 images of each class, as the paper
    per_1000 = np.rint(ours * scale).astype(int).tolist()
    recall = np.mean([r["test"]["per_class_accuracy"] for r in runs], axis=0).tolist()
    return Confusion(len(runs), paper.accuracy(), tuple(map(tuple, paper.CONFUSION_MATRIX)),
                     tuple(map(tuple, per_1000)), tuple(paper.per_class_accuracy()),
                     tuple(recall))  # fmt: skip


# --------------------------------------------------------------------------- where and how
@dataclass(frozen=True)
class Machine:
    """The machine the report's command ran on."""

    device: str
    name: str
    cpus: int
    threads: int


@dataclass(frozen=True)
class Provenance:
    """Where the numbers come from: the budget and its data, the commit, the machine, the
    versions; and what is missing: seeds not finished (``"2 of 3"``), damaged runs (left out,
    with the reason), and the budget's settings when it is not the paper's (full)."""

    budget: str
    sizes: Mapping[str, int]
    commit: str | None
    created: str
    machine: Machine
    versions: Mapping[str, str]
    complete: bool
    experiments: int  # experiments with finished runs
    missing: Mapping[str, str]
    damaged: Mapping[str, Mapping[str, str]]
    budget_settings: Mapping[str, Any] | None


def provenance(metrics: Metrics) -> Provenance:
    """The report's header, from ``metrics.json``'s provenance."""
    hw = metrics["hardware"]
    machine = Machine(hw["device"], hw["device_name"], hw["cpu_count"], hw["torch_threads"])
    budget = metrics["budget"]
    return Provenance(budget, metrics["sizes"], metrics.get("git_commit"), metrics["created"],
                      machine, metrics["versions"], metrics.get("complete", True),
                      len(metrics["experiments"]), metrics.get("missing") or {},
                      metrics.get("damaged") or {},
                      None if budget == "full" else metrics["budget_settings"])  # fmt: skip


# --------------------------------------------------------------------------- time
REFERENCE_GEMM = 171.0  # GFLOP/s: times are also given as if the machine multiplied at this rate


def normalised_seconds(run: Run) -> float | None:
    """A run's training seconds scaled to a CPU whose dense fp32 GEMM runs at
    ``REFERENCE_GEMM``, from the rates the run recorded as it started and ended. None for a run
    recorded without them, and for one trained on a GPU: a GPU's GEMM rate (tens of TFLOP/s)
    says nothing of how long its steps would take on a CPU."""
    hardware = run.get("hardware") or {}
    rates = hardware.get("gemm_gflops")
    if not rates or not str(hardware.get("device", "cpu")).startswith("cpu"):
        return None
    return float(run["seconds"]) * mean(rates) / REFERENCE_GEMM


@dataclass(frozen=True)
class TimeRow:
    """One experiment's training time: all its runs together, and per epoch, as recorded and
    normalised to ``REFERENCE_GEMM`` (None when no run recorded a CPU's GEMM rate)."""

    name: str
    group: str
    runs: int
    epochs: int
    threads: tuple[int, ...]  # the torch threads its runs recorded
    seconds_per_epoch: float
    normalised_per_epoch: float | None
    seconds_per_run: float
    seconds: float


def time_row(name: str, runs: Sequence[Run], group: str) -> TimeRow:
    """An experiment's row of the time table."""
    secs = [r["seconds"] for r in runs]
    epochs = sum(r["epochs_run"] for r in runs)
    recorded = {(r.get("hardware") or {}).get("torch_threads") for r in runs}
    scaled = [(n, r["epochs_run"]) for r in runs if (n := normalised_seconds(r))]
    per_epoch = (sum(n for n, _ in scaled) / max(sum(k for _, k in scaled), 1)
                 if scaled else None)  # fmt: skip
    return TimeRow(name, group, len(secs), epochs,
                   tuple(sorted(t for t in recorded if t is not None)),
                   sum(secs) / max(epochs, 1), per_epoch, mean(secs), sum(secs))  # fmt: skip


@dataclass(frozen=True)
class Times:
    """The time table, and the paper's experiments (Tables I and II) at one seed each:
    ``paper_run`` of the ``paper_experiments`` ran, taking ``paper_seconds``;
    ``paper_normalised`` is their time at ``REFERENCE_GEMM`` (None unless each of them
    recorded a CPU's GEMM rate; ``paper_normalised_runs`` did)."""

    rows: tuple[TimeRow, ...]
    paper_experiments: int
    paper_run: int
    paper_seconds: float
    paper_normalised_runs: int
    paper_normalised: float | None
    seconds: float  # every run of every experiment
    wall_seconds: float  # the report's command
    device: str
    cpus: int


def times(metrics: Metrics) -> Times:
    """Training time per experiment, and the paper's (Tables I and II, one seed each)."""
    exps, hw = metrics["experiments"], metrics["hardware"]
    names = [*paper.TABLE_I, *paper.TABLE_II]
    have = [n for n in names if exps.get(n, {}).get("runs")]
    rows = tuple(time_row(n, e["runs"], e["settings"]["group"]) for n, e in exps.items())
    first_runs = [exps[n]["runs"][0] for n in have]
    known = [s for r in first_runs if (s := normalised_seconds(r)) is not None]
    return Times(rows, len(names), len(have), sum(r["seconds"] for r in first_runs), len(known),
                 sum(known) if len(known) == len(have) else None,
                 sum(row.seconds for row in rows), metrics["wall_seconds"], hw["device"],
                 hw["cpu_count"])  # fmt: skip


# --------------------------------------------------------------------------- all of it
@dataclass(frozen=True)
class Findings:
    """Everything the report states, in the order it states it: where the numbers come from,
    the tables, the confusion matrix, the paper's claims, its 92.17%, the open questions, the
    conclusion check and the time. A section is None when its experiments did not run."""

    provenance: Provenance
    tables: Tables
    confusion: Confusion | None
    claims: tuple[Claim, ...]
    raschka: RaschkaCheck | None
    size_or_start: SizeOrStart | None
    pooling: PoolCheck | None
    feedforward: FeedForwardCheck | None
    times: Times


def findings(metrics: Metrics) -> Findings:
    """What ``metrics.json``'s content shows, every verdict judged, read once."""
    return Findings(provenance(metrics), tables(metrics), confusion(metrics), claims(metrics),
                    raschka_check(metrics), size_or_start(metrics), pool_check(metrics),
                    feedforward_check(metrics), times(metrics))  # fmt: skip
