"""REPORT.md, rendered from ``metrics.json``'s content alone.

Every number in the report is computed here from ``metrics.json`` or taken from
``fmnist_lib.paper`` (what the paper reports); nothing is typed by hand, and nothing is read
from today's registry or budgets, so re-rendering an old ``metrics.json`` gives the same text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from . import paper, stats, verdicts
from .data import CLASS_NAMES
from .stats import Contrast, Design2x2
from .verdicts import seed_values


# --------------------------------------------------------------------------- numbers in words
def mean_std(xs: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (NaN for fewer than two values)."""
    return stats.mean(xs), math.sqrt(stats.variance(xs))


def mean_std_text(xs: Sequence[float], scale: float = 1.0, digits: int = 4, unit: str = "") -> str:
    """``mean ± std unit (n=k)``, or ``not run`` when there is no value."""
    if not xs:
        return "not run"
    m, s = mean_std([x * scale for x in xs])
    spread = f" ± {s:.{digits}f}" if not math.isnan(s) else ""
    return f"{m:.{digits}f}{spread}{unit} (n={len(xs)})"


def interval_text(
    c: Contrast | None, scale: float = 100.0, digits: int = 2, unit: str = " points"
) -> str:
    """``+1.58 points, 95% CI [+0.95, +2.21] (Welch, df 3.1)``; no interval for one seed."""
    if c is None:
        return "not run"
    head = f"{scale * c.estimate:+.{digits}f}{unit}"
    if not c.known:
        return f"{head} (one seed: no interval)"
    return (f"{head}, {c.level:.0%} CI [{scale * c.low:+.{digits}f}, {scale * c.high:+.{digits}f}] "
            f"(Welch, df {c.df:.1f})")  # fmt: skip


def points_apart(x: float) -> str:
    """``0.69 percentage points below`` for x = -0.0069."""
    return f"{100 * abs(x):.2f} percentage points {'below' if x < 0 else 'above'}"


VERDICT_WORDS = {
    verdicts.CONFIRMED: "confirmed",
    verdicts.CONTRADICTED: "contradicted",
    verdicts.NOT_SHOWN: "not shown (the interval includes 0)",
    verdicts.ONE_SEED: "cannot tell (one seed)",
    verdicts.NOT_RUN: "not run",
}


# --------------------------------------------------------------------------- the claims
def _claim_evidence(metrics: Mapping[str, Any], claim: verdicts.Claim) -> str:
    key = claim.metric
    scale, digits, unit = (1.0, 5, "") if key == "mse" else (100.0, 2, "%")
    parts = []
    for a, b, c in claim.pairs:
        xa, xb = verdicts.seed_values(metrics, a, key), verdicts.seed_values(metrics, b, key)
        gap = interval_text(c, scale, digits, "" if key == "mse" else " points")
        parts.append(f"{a} {mean_std_text(xa, scale, digits, unit)} − {b} "
                     f"{mean_std_text(xb, scale, digits, unit)} = {gap}")  # fmt: skip
    return "; ".join([*([claim.detail] if claim.detail else []), *parts])


def claims_section(metrics: Mapping[str, Any]) -> list[str]:
    """The paper's claims, each with our verdict and its evidence."""
    rows = [[c.text, VERDICT_WORDS[c.verdict], _claim_evidence(metrics, c)]
            for c in verdicts.claims(metrics)]  # fmt: skip
    return ["", "## The paper's claims", "",
            "A claim that one model beats another is *confirmed* when the 95% confidence interval "
            "of the difference of their means over seeds (Welch's) excludes zero in the claimed "
            "direction; *not shown* when it includes zero.", "",
            _table(["claim", "verdict", "evidence (test metric, mean ± std over seeds)"],
                   rows)]  # fmt: skip


# --------------------------------------------------------------------------- Raschka's 92.17%
def _raschka_rows(metrics: Mapping[str, Any]) -> list[list[Any]]:
    e = metrics["experiments"][paper.CONFUSION_EXPERIMENT]
    patience = e.get("settings", {}).get("patience")
    rows = []
    for r in e["runs"]:
        h, t = r["history"], verdicts.tested_epoch(r, patience)
        best = max(h, key=lambda x: x["val_accuracy"])
        rows.append([r["seed"], f"{r['test']['accuracy']:.2%}", r["epochs_run"], t["epoch"],
                     f"{t['val_accuracy']:.2%}",
                     f"{best['val_accuracy']:.2%} (epoch {best['epoch']})",
                     f"{h[-1]['train_accuracy']:.2%}"])  # fmt: skip
    return rows


def _raschka_verdict(check: verdicts.RaschkaCheck) -> str:
    low, high = check.single_run
    runs = "protocol-matched runs" if len(check.protocol) > 1 else "runs"
    where = (f"one more of our {runs} would land in [{low:.2%}, {high:.2%}] "
             "(95% prediction interval)")  # fmt: skip
    if check.verdict == "protocol":
        return (
            f"the paper's protocol raises our accuracy ({interval_text(check.protocol_effect)})"
            f" and {where}, which holds {check.paper:.2%}: the protocol explains the gap."
        )
    if check.verdict == "one run":
        return (f"{where}, which holds the paper's {check.paper:.2%}: its number is within what "
                "a single run gives; it reports one run, perhaps a favourable one, its epochs "
                "perhaps chosen on the test curve.")  # fmt: skip
    return (
        f"{where}, which does not hold the paper's {check.paper:.2%}: beyond run-to-run "
        "variation, and not explained by these measurements."
    )


def raschka_section(metrics: Mapping[str, Any]) -> list[str]:
    """The Raschka classifier seed by seed against the paper's 92.17%, and where a gap can come
    from: the set the epochs were chosen from, the paper's protocol run by us, the spread."""
    check = verdicts.raschka_check(metrics)
    if check is None:
        return []
    pct = lambda xs: mean_std_text(xs, 100, 2, "%")
    mean = stats.mean(check.held_out)
    out = ["", f"## Raschka classifier against the paper's {check.paper:.2%}", "",
           f"Mean test accuracy {pct(check.held_out)}: {points_apart(mean - check.paper)} the "
           "paper's single run.", "",
           _table(["seed", "test accuracy", "epochs run", "tested epoch",
                   "val accuracy (tested epoch)", "best val accuracy", "train accuracy (last)"],
                  _raschka_rows(metrics)),
           "", "Where a gap to the paper can come from, measured:", "",
           "- **The set the epochs were chosen from.** The paper names only training and "
           "validation sets, and its confusion matrix counts 1,000 images per class, as the "
           "official test set does (a stratified split would too, so this is an inference): its "
           "validation set was probably the test set. On our validation split the tested "
           f"weights score {pct(check.tested_val)}."]  # fmt: skip
    if check.protocol:
        peaks = (f" Reading each run's best point off its test curve instead would report "
                 f"{pct(check.peaks)}." if check.peaks else "")  # fmt: skip
        out += [
            f"- **The paper's protocol, run by us** (`clf-raschka-10-paper-protocol`: all "
            f"60,000 training images, the test set as validation set): {pct(check.protocol)};"
            f" against our held-out protocol: {interval_text(check.protocol_effect)}.{peaks}"
        ]
    if check.verdict != "too few runs":
        out += ["", "**Verdict**: " + _raschka_verdict(check)]
    return out


# --------------------------------------------------------------------------- open questions
def _real(c: Contrast) -> str:
    if not c.known:
        return "cannot tell"
    return "real (the interval excludes 0)" if c.real else "not shown (the interval includes 0)"


def size_or_start_section(metrics: Mapping[str, Any]) -> list[str]:
    """Open question 1: is consigna FE better for its hidden size or its pretrained start?"""
    q = verdicts.size_or_start(metrics)
    if q is None:
        return []
    d = q.design
    effects = [("hidden size (128 − 10), averaged over the start", d.rows_effect),
               ("pretrained start (pretrained − random), averaged over the size", d.columns_effect),
               ("pretrained start at n = 10", d.column_effect_in_row[0]),
               ("pretrained start at n = 128", d.column_effect_in_row[1]),
               ("interaction (start effect at 128 − at 10)", d.interaction)]  # fmt: skip
    cells = [[SIZE, *(mean_std_text(q.cells[i][j], 100, 2, "%") for j in range(2))]
             for i, SIZE in enumerate(verdicts.SIZES)]  # fmt: skip
    return ["", "## Open question: is consigna FE better for its hidden size or its pretrained "
            "start?", "",
            "consigna FE (n = 128, fine-tuned from the autoencoder) beat consigna (n = 10, random "
            "start), but it differs in both. Two more experiments complete a 2 × 2 design (test "
            "accuracy; each pretrained seed starts from the autoencoder trained with that seed):",
            "", _table(["hidden", "random start", "pretrained start"], cells), "",
            _table(["effect", "test accuracy", "verdict"],
                   [[n, interval_text(c), _real(c)] for n, c in effects]), "",
            f"**Answer**: {size_or_start_answer(d)} {epoch_confound(q.epochs)}"]  # fmt: skip


def _short(c: Contrast) -> str:
    """``+1.95 points [+1.52, +2.39]``: an estimate and its interval inside running prose."""
    return f"{100 * c.estimate:+.2f} points [{100 * c.low:+.2f}, {100 * c.high:+.2f}]"


def _direction(c: Contrast, what: str) -> str:
    if not c.real:
        return f"{what} has no effect shown ({_short(c)})"
    verb = "raises" if c.estimate > 0 else "lowers"
    return f"{what} {verb} test accuracy ({_short(c)})"


def size_or_start_answer(d: Design2x2) -> str:
    """The answer to open question 1 that the 2 × 2 design's intervals support, in words.

    Rows are the hidden sizes (10, 128), columns the start (random, pretrained). The start's
    effect is given per hidden size when the interaction is real (its average then describes
    neither size)."""
    size = _direction(d.rows_effect, "Averaged over the start, n = 128 rather than 10")
    if d.interaction.real:
        per_size = [_direction(c, f"at n = {n} it") for n, c in zip((10, 128),
                    d.column_effect_in_row, strict=True)]  # fmt: skip
        start = ("The pretrained start's effect depends on the hidden size (interaction "
                 f"{_short(d.interaction)}): {per_size[0]}; {per_size[1]}.")  # fmt: skip
    else:
        start = _direction(d.columns_effect, "Averaged over both sizes, the pretrained start")
        start = start[0].upper() + start[1:] + "."
    return f"{size}. {start}"


def epoch_confound(epochs: Sequence[int]) -> str:
    """The 2 × 2 design's remaining confound: the rows' epoch budgets (the paper's)."""
    if epochs[0] == epochs[1]:
        return f"Both hidden sizes trained {epochs[0]} epochs."
    more = "n = 10" if epochs[0] > epochs[1] else "n = 128"
    return (f"A confound remains: as in the paper, the n = 10 classifiers train {epochs[0]} "
            f"epochs and the n = 128 ones {epochs[1]}, so the hidden-size effect is also an "
            f"epoch-count effect; the extra epochs went to {more}.")  # fmt: skip


def pool_answer(q: verdicts.PoolCheck) -> str:
    """The answer to open question 2 that the intervals support, in words."""
    gap = q.gap
    if not gap.real:
        words = "does not change measurably"
    else:
        words = "shrinks" if gap.estimate < 0 else "grows"
    test = _direction(q.test, "on the test set, pooling")
    return f"With max pooling the last-epoch gap {words} ({_short(gap)}); {test}."


def pool_section(metrics: Mapping[str, Any]) -> list[str]:
    """Open question 2: does max pooling reduce the Raschka classifier's train/validation gap?"""
    q = verdicts.pool_check(metrics)
    if q is None:
        return []
    return ["", "## Open question: would pooling reduce the Raschka classifier's overfitting?", "",
            "The paper suggests that max pooling would reduce the Raschka classifier's growing "
            "gap between training and validation accuracy. `clf-raschka-10-pool` replaces each "
            "stride-2 convolution by a stride-1 convolution and a 2 × 2 max pooling: the same "
            "weights' shapes, the same feature-map sizes, the same training settings; only how "
            "the maps shrink differs (the pooled convolutions compute four times as much, and "
            "each pooled unit sees a wider patch of the image). The training accuracy is the "
            "running accuracy of each epoch with dropout on, in both models alike.", "",
            _table(["pooled − strided", "difference", "verdict"],
                   [["train − validation accuracy, last epoch", interval_text(q.gap), _real(q.gap)],
                    ["test accuracy", interval_text(q.test), _real(q.test)]]), "",
            f"**Answer**: {pool_answer(q)}"]  # fmt: skip


def feedforward_section(metrics: Mapping[str, Any]) -> list[str]:
    """The paper's conclusion that conv nets beat the feed-forward one, on classification."""
    checks = verdicts.feedforward_check(metrics)
    if checks is None:
        return []
    ff = verdicts.seed_values(metrics, verdicts.FEEDFORWARD, "accuracy")
    rows = [[n, mean_std_text(verdicts.seed_values(metrics, n, "accuracy"), 100, 2, "%"),
             interval_text(c), VERDICT_WORDS[verdicts.judge(c, lower_is_better=False)]]
            for n, c in checks.items()]  # fmt: skip
    return ["", "## Conclusion check: do the convolutional classifiers beat a feed-forward one?",
            "",
            "The paper concludes that the convolutional nets beat the feed-forward one on both "
            "tasks, but it trained no feed-forward classifier. `clf-feedforward-512` (784-512-10, "
            f"the feed-forward autoencoder's encoder shape): {mean_std_text(ff, 100, 2, '%')}.", "",
            _table(["convolutional classifier", "test accuracy", "minus feed-forward",
                    "beats feed-forward"], rows)]  # fmt: skip


def open_questions(metrics: Mapping[str, Any]) -> list[str]:
    """The questions the paper leaves open that our extra experiments answer."""
    return size_or_start_section(metrics) + pool_section(metrics) + feedforward_section(metrics)


# --------------------------------------------------------------------------- time
REFERENCE_GEMM = 171.0  # GFLOP/s: times are also given as if the machine multiplied at this rate


def normalised_seconds(run: Mapping[str, Any]) -> float | None:
    """A run's training seconds scaled to a machine whose dense fp32 GEMM runs at
    ``REFERENCE_GEMM``, from the rates the run recorded as it started and ended (None for a run
    recorded without them)."""
    rates = (run.get("hardware") or {}).get("gemm_gflops")
    if not rates:
        return None
    return float(run["seconds"]) * stats.mean(rates) / REFERENCE_GEMM


def _time_rows(exps: Mapping[str, Any]) -> list[list[Any]]:
    rows = []
    for name, e in exps.items():
        secs = [r["seconds"] for r in e["runs"]]
        epochs = sum(r["epochs_run"] for r in e["runs"])
        recorded = {(r.get("hardware") or {}).get("torch_threads") for r in e["runs"]}
        threads = ", ".join(str(t) for t in sorted(t for t in recorded if t is not None)) or "?"
        scaled = [(n, r["epochs_run"]) for r in e["runs"] if (n := normalised_seconds(r))]
        per_epoch = (f"{sum(n for n, _ in scaled) / max(sum(k for _, k in scaled), 1):.1f}"
                     if scaled else "-")  # fmt: skip
        rows.append([name, e["settings"]["group"], len(secs), epochs, threads,
                     f"{sum(secs) / max(epochs, 1):.1f}", per_epoch, f"{stats.mean(secs):.0f}",
                     f"{sum(secs):.0f}"])  # fmt: skip
    return rows


def _paper_normalised(exps: Mapping[str, Any], names: Sequence[str]) -> str:
    """The paper's one-seed training time at ``REFERENCE_GEMM``, or why it is not given."""
    scaled = [normalised_seconds(exps[n]["runs"][0]) for n in names]
    known = [s for s in scaled if s is not None]
    if len(known) < len(names):
        return (f"- Normalised to a GEMM rate of {REFERENCE_GEMM:.0f} GFLOP/s: only "
                f"{len(known)} of these {len(names)} runs recorded the machine's GEMM rate "
                "(runs trained before it was recorded), so no total is given.")  # fmt: skip
    return (f"- The same runs normalised to a dense fp32 GEMM rate of {REFERENCE_GEMM:.0f} "
            f"GFLOP/s (each run's seconds × its recorded rate / {REFERENCE_GEMM:.0f}): "
            f"**{sum(known) / 60:.1f} min**.")  # fmt: skip


def time_table(metrics: Mapping[str, Any]) -> list[str]:
    """Training time per experiment, and the paper's (Tables I and II, one seed each)."""
    exps, hw = metrics["experiments"], metrics["hardware"]
    names = [*paper.TABLE_I, *paper.TABLE_II]
    have = [n for n in names if exps.get(n, {}).get("runs")]
    one_seed = sum(exps[n]["runs"][0]["seconds"] for n in have)
    total = sum(sum(r["seconds"] for r in e["runs"]) for e in exps.values())
    scope = (
        "the whole paper"
        if len(have) == len(names)
        else f"{len(have)} of its {len(names)} experiments"
    )
    header = ["experiment", "group", "runs", "epochs (all runs)", "torch threads", "s per epoch",
              f"s per epoch at {REFERENCE_GEMM:.0f} GFLOP/s", "s per run", "s total"]  # fmt: skip
    return ["", "## Time", "",
            "Seconds of training (the sum of the epochs' times, validation included) as recorded "
            "by each run. A machine's speed drifts (shared machines vary by ×2), so a run also "
            "records its dense fp32 GEMM rate (`torch.mm`) as it starts and ends; "
            f"\"at {REFERENCE_GEMM:.0f} GFLOP/s\" scales its time to that rate.", "",
            _table(header, _time_rows(exps)), "",
            f"- The paper (Tables I and II, one seed each; {scope}): **{one_seed / 60:.1f} min** "
            "of "
            f"training on this hardware ({hw['device']}, {hw['cpu_count']} CPUs).",
            _paper_normalised(exps, have),
            "- Every run of every experiment (seeds, variants, open questions): "
            f"{total / 60:.1f} min.",
            f"- This report's command took {metrics['wall_seconds'] / 60:.1f} min (finished runs "
            "are reused, not retrained)."]  # fmt: skip


# --------------------------------------------------------------------------- markdown
def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _epochs(metrics: Mapping[str, Any], name: str) -> str:
    runs = metrics["experiments"].get(name, {}).get("runs", [])
    return ", ".join(str(r["epochs_run"]) for r in runs) or "-"


def _header(metrics: Mapping[str, Any]) -> list[str]:
    """Title, provenance, and the partial-results and budget banners."""
    hw, sizes = metrics["hardware"], metrics["sizes"]
    parts = [
        f"# Reproduction report — budget `{metrics['budget']}`",
        "",
        "Generated by `python -m fmnist_lib reproduce` from `metrics.json`; every number below is "
        "computed from it (ours) or from `fmnist_lib/paper.py` (the paper's).",
        "",
        f"- data: {sizes['train']} train / {sizes['val']} validation (carved from the official "
        f"training set) / {sizes['test']} test images",
        f"- commit `{metrics.get('git_commit')}`, created {metrics['created']}",
        f"- hardware: {hw['device']} ({hw['device_name']}), {hw['cpu_count']} CPUs, "
        f"{hw['torch_threads']} torch threads",
        "- versions: " + ", ".join(f"{k} {val}" for k, val in metrics["versions"].items()),
    ]
    if not metrics.get("complete", True):
        missing = metrics.get("missing") or {}
        parts += [
            "",
            f"> **Partial results**: {len(metrics['experiments'])} experiment(s) with "
            f"finished runs so far. `make reproduce BUDGET={metrics['budget']}` continues the "
            "run: finished runs are reused, interrupted ones resume from their last checkpoint "
            "(kept on the machine that ran them, not in git).",
        ]
        if missing:
            seeds = ", ".join(f"`{n}` {k}" for n, k in missing.items())
            parts += [">", f"> Seeds finished / required: {seeds}."]
    damaged = metrics.get("damaged") or {}
    if damaged:
        listed = "; ".join(f"`{n}` seed {seed}: {why}" for n, seeds in damaged.items()
                           for seed, why in seeds.items())  # fmt: skip
        parts += ["", f"> **Damaged runs, left out of this report**: {listed}"]
    if metrics["budget"] != "full":
        b = metrics["budget_settings"]
        parts += [
            "",
            f"> **{b['name'].capitalize()} budget**: {b['train_size']} training images "
            f"and at most {b['max_epochs']} epochs. These numbers test the code paths; they "
            "are not comparable with the paper's.",
        ]
    return parts


def _settings_cells(metrics: Mapping[str, Any], name: str) -> list[Any]:
    """hidden, epochs (the registry's: the paper's for its tables), epochs run, batch, lr,
    dropout of an experiment, as ``metrics.json`` recorded them."""
    s = metrics["experiments"].get(name, {}).get("settings")
    if not s or "hidden_size" not in s:
        return ["-", "-", "-", "-", "-", "-"]
    return [
        s["hidden_size"],
        s["epochs"],
        _epochs(metrics, name),
        s["batch_size"],
        s["lr"],
        s["dropout"],
    ]


def _paper_tables(metrics: Mapping[str, Any]) -> list[str]:
    """Tables I and II: the paper's rows with our results."""
    rows = [
        [
            label,
            *_settings_cells(metrics, name),
            mean_std_text(seed_values(metrics, name, "mse"), digits=5),
        ]
        for name, label in paper.TABLE_I.items()
    ]
    parts = [
        "",
        "## Table I — autoencoders",
        "",
        "The paper gives no MSE numbers (only curves); ours is the test MSE per pixel, "
        "mean ± std over seeds.",
        "",
        _table(
            [
                "model",
                "hidden",
                "epochs (paper)",
                "epochs run (ours, per seed)",
                "batch",
                "lr",
                "dropout",
                "test MSE (ours)",
            ],
            rows,
        ),
    ]
    rows = []
    for name, label in paper.TABLE_II.items():
        reported = name == paper.CONFUSION_EXPERIMENT
        paper_acc = f"{paper.accuracy():.2%}" if reported else "not reported"
        ours = mean_std_text(seed_values(metrics, name, "accuracy"), 100, 2, "%")
        rows.append([label, *_settings_cells(metrics, name), paper_acc, ours])
    header = ["model", "hidden", "epochs (paper)", "epochs run (ours)", "batch", "lr", "dropout",
              "test accuracy (paper)", "test accuracy (ours)"]  # fmt: skip
    return [*parts, "", "## Table II — classifiers", "", _table(header, rows)]


def _other_experiments(metrics: Mapping[str, Any]) -> list[str]:
    """Every experiment outside the paper's tables, with its result."""
    exps = metrics["experiments"]
    others = [n for n in exps if n not in paper.TABLE_I and n not in paper.TABLE_II]
    if not others:
        return []
    rows = []
    for name in others:
        e = exps[name]
        key = "mse" if e["task"] == "reconstruction" else "accuracy"
        xs = seed_values(metrics, name, key)
        shown = mean_std_text(xs, digits=5) if key == "mse" else mean_std_text(xs, 100, 2, "%")
        rows.append([name, e["settings"]["note"] or e["settings"]["title"], f"test {key}: {shown}"])
    return [
        "",
        "## Variants and open questions",
        "",
        _table(["experiment", "what", "result"], rows),
    ]


def _confusion_section(metrics: Mapping[str, Any]) -> list[str]:
    """The paper's confusion matrix beside ours (per 1000 images of each class), and recall."""
    runs = metrics["experiments"].get(paper.CONFUSION_EXPERIMENT, {}).get("runs", [])
    if not runs:
        return []
    ours = np.mean([r["test"]["confusion_matrix"] for r in runs], axis=0)
    scale = 1000 / ours.sum(axis=1, keepdims=True)  # per 1000 images of each class, as the paper
    ours_per_1000 = np.rint(ours * scale).astype(int).tolist()
    header = ["true \\ pred"] + [str(i) for i in range(10)]
    names = [f"{i} {CLASS_NAMES[i]}" for i in range(10)]
    recall = np.mean([r["test"]["per_class_accuracy"] for r in runs], axis=0)
    paper_recall = paper.per_class_accuracy()
    return [
        "",
        "## Confusion matrix — Raschka classifier",
        "",
        f"Paper: accuracy {paper.accuracy():.2%}. Ours: mean over {len(runs)} seed(s), per "
        "1000 test images of each class (rows: true class, columns: predicted).",
        "",
        "Paper:",
        "",
        _table(header, [[n, *row] for n, row in zip(names, paper.CONFUSION_MATRIX, strict=True)]),
        "",
        "Ours:",
        "",
        _table(header, [[n, *row] for n, row in zip(names, ours_per_1000, strict=True)]),
        "",
        "Per-class accuracy (each class's recall: the share of its test images predicted as "
        "that class):",
        "",
        _table(
            ["class", "paper", "ours"],
            [[names[i], f"{paper_recall[i]:.1%}", f"{recall[i]:.1%}"] for i in range(10)],
        ),
    ]


#: What each of the report's figures shows (its alt text, for readers who cannot see it).
FIGURE_ALT = {
    "figure5_autoencoder_curves.png": "Training and validation loss per epoch of the four "
    "autoencoders (the report's Figure 5)",
    "figure7_classifier_curves.png": "Training and validation accuracy per epoch of the "
    "classifiers (the report's Figure 7)",
    "figure6_reconstructions.png": "Ten validation images, one per class, and each "
    "autoencoder's reconstruction of them (the report's Figure 6)",
    "confusion_matrices.png": "The report's confusion matrix of the Raschka classifier beside "
    "ours: test images of each class (rows) by predicted class (columns)",
    "pooling_gap.png": "Training minus validation accuracy per epoch of the Raschka classifier, "
    "strided and with max pooling, each the mean of its seeds",
}


def render_report(metrics: Mapping[str, Any], figures: Sequence[str] = ()) -> str:
    """REPORT.md's text, from ``metrics.json``'s content."""
    parts = [
        *_header(metrics),
        *_paper_tables(metrics),
        *_other_experiments(metrics),
        *_confusion_section(metrics),
        *claims_section(metrics),
        *raschka_section(metrics),
        *open_questions(metrics),
        *time_table(metrics),
    ]
    if figures:
        parts += ["", "## Figures", ""] + [f"![{FIGURE_ALT.get(f, f)}]({f})" for f in figures]
    return "\n".join(parts) + "\n"
