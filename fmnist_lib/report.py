"""``results/<budget>/``: metrics.json, the figures, and REPORT.md generated from metrics.json.

Every number in the report is computed here from ``metrics.json`` or taken from
``fmnist_lib.paper``; nothing is typed by hand.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from . import paper
from .data import CLASS_NAMES
from .experiments import BUDGETS
from .storage import atomic_write

GOAL_SECONDS = 60 * 60  # the whole paper in at most 60 minutes on 2 cores


# --------------------------------------------------------------------------- numbers
def values(metrics: Mapping, name: str, key: str) -> list[float]:
    """A test metric of every seed of an experiment (empty if the experiment did not run)."""
    runs = metrics["experiments"].get(name, {}).get("runs", [])
    return [r["test"][key] for r in runs if key in r["test"]]


def mean_std(xs: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (NaN for fewer than two values)."""
    return float(np.mean(xs)), (float(np.std(xs, ddof=1)) if len(xs) > 1 else math.nan)


def fmt(xs: Sequence[float], scale: float = 1.0, digits: int = 4, unit: str = "") -> str:
    if not xs:
        return "not run"
    m, s = mean_std([x * scale for x in xs])
    spread = f" ± {s:.{digits}f}" if not math.isnan(s) else ""
    return f"{m:.{digits}f}{spread}{unit} (n={len(xs)})"


def compare(a: Sequence[float], b: Sequence[float], lower_is_better: bool) -> tuple[bool | None, str]:
    """Is ``a`` better than ``b``? And whether the gap exceeds the seeds' combined spread."""
    if not a or not b:
        return None, "not run"
    (ma, sa), (mb, sb) = mean_std(a), mean_std(b)
    better = ma < mb if lower_is_better else ma > mb
    spread = math.sqrt(np.nan_to_num(sa) ** 2 + np.nan_to_num(sb) ** 2)
    if len(a) < 2 or len(b) < 2:
        strength = "one seed, no error bar"
    elif abs(ma - mb) > 2 * spread:
        strength = "gap > 2× the seeds' spread"
    else:
        strength = "gap within 2× the seeds' spread: weak"
    return better, strength


def claims(metrics: Mapping) -> list[tuple[str, bool | None, str]]:
    """The paper's claims, each with our verdict and the numbers behind it."""
    mse = {n: values(metrics, n, "mse") for n in paper.TABLE_I}
    acc = lambda n: values(metrics, n, "accuracy")  # noqa: E731
    out = []

    ranked = sorted((n for n in mse if mse[n]), key=lambda n: np.mean(mse[n]))
    if len(ranked) == len(paper.TABLE_I):
        best_two = set(ranked[:2])
        out.append(("The two best autoencoders are feed-forward and Raschka (128)",
                    best_two == {"ae-feedforward-512", "ae-raschka-128"},
                    "ranking by test MSE: " + " < ".join(f"{n} {np.mean(mse[n]):.5f}" for n in ranked)))
    for a, b, text in [("ae-raschka-128", "ae-feedforward-512", "Raschka (128) reaches a lower error than feed-forward"),
                       ("ae-raschka-128", "ae-raschka-64", "Raschka (64) is (slightly) worse than Raschka (128)")]:
        ok, why = compare(mse[a], mse[b], lower_is_better=True)
        out.append((text, ok, f"test MSE {fmt(mse[a], digits=5)} vs {fmt(mse[b], digits=5)}; {why}"))
    for a, b, text in [
        ("clf-consigna-fe-128", "clf-consigna-10", "consigna FE is better than consigna (10)"),
        ("clf-consigna-fe-128", "clf-consigna-frozen-128", "fine-tuning beats a frozen pretrained encoder"),
        ("clf-consigna-10", "clf-consigna-10-from-128",
         "starting n=10 from the n=128 encoder is not beneficial (from scratch is at least as good)"),
        ("clf-raschka-10", "clf-consigna-10", "the Raschka classifier beats the consigna classifier"),
    ]:
        ok, why = compare(acc(a), acc(b), lower_is_better=False)
        out.append((text, ok, f"test accuracy {fmt(acc(a), 100, 2, '%')} vs {fmt(acc(b), 100, 2, '%')}; {why}"))
    per_class = [r["test"]["per_class_accuracy"]
                 for r in metrics["experiments"].get(paper.CONFUSION_EXPERIMENT, {}).get("runs", [])]
    if per_class:
        mean_pc = np.mean(per_class, axis=0)
        worst = int(np.argmin(mean_pc))
        out.append(("Shirt (class 6) is the Raschka classifier's worst class", worst == 6,
                    f"worst class: {worst} {CLASS_NAMES[worst]} at {mean_pc[worst]:.1%} (mean over seeds)"))
    return out


RASCHKA_THRESHOLD = 0.915  # below this mean test accuracy, the gap to the paper's 92.17% needs explaining


def _tested_epoch(run: Mapping, patience: int | None) -> Mapping:
    """The history entry of the weights that were tested: the best epoch with early stopping
    (patience), else the last one (a fixed epoch count, as the paper's classifiers)."""
    h = run["history"]
    if patience is not None and run.get("best_epoch") is not None:
        return next((e for e in h if e["epoch"] == run["best_epoch"]), h[-1])
    return h[-1]


def raschka_check(metrics: Mapping) -> list[str]:
    """The Raschka classifier seed by seed against the paper's 92.17%, and where a gap comes from:
    the accuracy on the set the epochs were chosen from, the paper's protocol run by us
    (``clf-raschka-10-paper-protocol``), the best point of a test curve, and the spread over seeds."""
    exps = metrics["experiments"]
    e = exps.get(paper.CONFUSION_EXPERIMENT, {})
    runs = e.get("runs", [])
    if not runs:
        return []
    patience = e.get("settings", {}).get("patience")
    rows, tested_val = [], []
    for r in runs:
        h, t = r["history"], _tested_epoch(r, patience)
        best = max(h, key=lambda x: x["val_accuracy"])
        tested_val.append(t["val_accuracy"])
        rows.append([r["seed"], f"{r['test']['accuracy']:.2%}", r["epochs_run"], t["epoch"], f"{t['val_accuracy']:.2%}",
                     f"{best['val_accuracy']:.2%} (epoch {best['epoch']})", f"{h[-1]['train_accuracy']:.2%}"])
    accs = values(metrics, paper.CONFUSION_EXPERIMENT, "accuracy")
    mean, target = float(np.mean(accs)), paper.accuracy()
    pp = lambda x: f"{100 * abs(x):.2f} percentage points {'below' if x < 0 else 'above'}"  # noqa: E731
    verdict = (f"at or above {RASCHKA_THRESHOLD:.1%}" if mean >= RASCHKA_THRESHOLD
               else f"**below {RASCHKA_THRESHOLD:.1%}**")
    tested = ("the weights of the best epoch (early stopping)" if patience is not None
              else "the last epoch's weights (a fixed epoch count, the paper's)")
    out = ["", f"## Raschka classifier against the paper's {target:.2%}", "",
           f"Mean test accuracy {fmt(accs, 100, 2, '%')}: {verdict}, {pp(mean - target)} the paper. "
           f"The test uses {tested}.", "",
           _table(["seed", "test accuracy", "epochs run", "tested epoch", "val accuracy (tested epoch)",
                   "best val accuracy", "train accuracy (last)"], rows),
           "", "Where a gap to the paper can come from, measured:", "",
           f"- **The set the epochs were chosen from.** The paper names only training and validation sets, and its "
           f"confusion matrix counts 1,000 images per class: the official test set, which therefore was its "
           f"validation set too, the curves it chose its epochs from. Our epochs are the paper's; on our validation "
           f"split the same weights score {fmt(tested_val, 100, 2, '%')}, "
           f"{pp(float(np.mean(tested_val)) - target)} the paper."]
    p_runs = exps.get("clf-raschka-10-paper-protocol", {}).get("runs", [])
    protocol = [r["test"]["accuracy"] for r in p_runs]
    if protocol:
        pm = float(np.mean(protocol))
        peaks = [max(x["val_accuracy"] for x in r["history"]) for r in p_runs if r.get("history")]
        out += [f"- **The paper's protocol, run by us** (`clf-raschka-10-paper-protocol`: all 60,000 training images, "
                f"the test set as validation set): {fmt(protocol, 100, 2, '%')}, {pp(pm - mean)} our held-out "
                f"protocol and {pp(pm - target)} the paper."
                + (f" Reading each run's best point off its test curve instead, as a choice of epochs made on those "
                   f"curves can, would report {fmt(peaks, 100, 2, '%')}." if peaks else "")]
    if len(accs) > 1:
        out += [f"- **Seeds.** Our {len(accs)} seeds spread by {100 * float(np.std(accs, ddof=1)):.2f} percentage points "
                f"(sample std; range {100 * min(accs):.2f}–{100 * max(accs):.2f}%); the paper reports a single run."]
    if len(protocol) > 1:
        spread = 2 * float(np.std(protocol, ddof=1))
        effect = pm - mean
        peak = float(np.mean(peaks)) if peaks else pm
        z = (target - pm) / (spread / 2) if spread > 0 else float("inf")
        best_run = max(accs + protocol)
        if effect > spread / 2 and abs(pm - target) <= spread:
            why = (f"the paper's protocol raises our accuracy by {100 * effect:.2f} points, to within twice the seeds' "
                   f"spread ({100 * spread:.2f} points) of {target:.2%}: the gap comes from the protocol, not from the "
                   "model or its training.")
        elif z <= 3:
            why = (f"the paper's protocol moves our mean by {100 * effect:+.2f} points"
                   + (", less than the seeds' spread: it is not the explanation. " if abs(effect) <= spread / 2 else ". ")
                   + f"Our best single run scored {best_run:.2%}, and the best point of a test curve averages "
                   f"{peak:.2%}; the paper's {target:.2%} lies {z:.1f} single-run standard deviations above our "
                   f"protocol-matched mean ({pm:.2%}). Read it as one favourable run, its epochs perhaps chosen on "
                   f"the test curve; for this model, quote the held-out {mean:.2%}.")
        else:
            why = (f"the paper's {target:.2%} lies {z:.1f} single-run standard deviations above our protocol-matched "
                   f"mean ({pm:.2%}): beyond run-to-run variation, and not explained by these measurements.")
        out += ["", "**Verdict**: " + why]
    return out


def _effect(plus: Sequence[Sequence[float]], minus: Sequence[Sequence[float]]) -> tuple[float, float]:
    """Mean of the ``plus`` cells' means minus mean of the ``minus`` cells', and its standard error."""
    cells = [*plus, *minus]
    effect = float(np.mean([np.mean(c) for c in plus]) - np.mean([np.mean(c) for c in minus]))
    var = sum(np.var(c, ddof=1) / len(c) for c in cells) / (len(cells) / 2) ** 2
    return effect, math.sqrt(var)


def size_or_start(metrics: Mapping) -> list[str]:
    """The report's open question: is consigna FE better for its hidden size or its pretrained start?"""
    design = {("n = 10", "random"): "clf-consigna-10", ("n = 128", "random"): "clf-consigna-128",
              ("n = 10", "pretrained"): "clf-consigna-fe-10", ("n = 128", "pretrained"): "clf-consigna-fe-128"}
    cells = {k: values(metrics, n, "accuracy") for k, n in design.items()}
    if not all(len(v) >= 2 for v in cells.values()):
        return []
    sizes, starts = ("n = 10", "n = 128"), ("random", "pretrained")
    effects = {  # name: (label, effect, standard error)
        "hidden size": ("128 − 10", *_effect([cells[("n = 128", s)] for s in starts], [cells[("n = 10", s)] for s in starts])),
        "pretrained start": ("pretrained − random",
                             *_effect([cells[(h, "pretrained")] for h in sizes], [cells[(h, "random")] for h in sizes])),
    }
    real = {k: e for k, (_, e, se) in effects.items() if abs(e) > 2 * se}
    gains = [k for k, e in real.items() if e > 0]
    answer = (f"**Answer**: the {' and the '.join(gains)} explain{'s' if len(gains) == 1 else ''} the gain."
              if gains else "**Answer**: neither effect stands out of the seeds' noise.")
    answer += "".join(f" The {k} *lowers* accuracy ({100 * e:+.2f} points), beyond the noise."
                      for k, e in real.items() if e < 0)
    return ["", "## Open question: is consigna FE better for its hidden size or its pretrained start?", "",
            "consigna FE (n = 128, fine-tuned from the autoencoder) beat consigna (n = 10, random start), but "
            "it differs in both. The two missing cells complete a 2 × 2 design (test accuracy):", "",
            _table(["hidden", "random start", "pretrained start"],
                   [[h, *(fmt(cells[(h, s)], 100, 2, "%") for s in starts)] for h in sizes]),
            "", "Each effect is averaged over the other factor; its standard error comes from the seeds' spread.", "",
            _table(["effect", "test accuracy", "standard error", "verdict"],
                   [[f"{k} ({label})", f"{100 * e:+.2f} points", f"{100 * se:.2f}",
                     "real (> 2 standard errors)" if k in real else "within the seeds' noise"]
                    for k, (label, e, se) in effects.items()]),
            "", answer]


def feedforward_check(metrics: Mapping) -> list[str]:
    """The paper's conclusion that conv nets beat the feed-forward one, checked on classification."""
    acc = lambda n: values(metrics, n, "accuracy")  # noqa: E731
    ff = acc("clf-feedforward-512")
    if len(ff) < 2:
        return []
    rows = []
    for name in ("clf-consigna-10", "clf-consigna-fe-128", "clf-raschka-10"):
        if acc(name):
            ok, why = compare(acc(name), ff, lower_is_better=False)
            rows.append([name, fmt(acc(name), 100, 2, "%"), "yes" if ok else "no", why])
    return ["", "## Conclusion check: do the convolutional classifiers beat a feed-forward one?", "",
            "The paper concludes that the convolutional nets beat the feed-forward one on both tasks, but it "
            "trained no feed-forward classifier. "
            f"`clf-feedforward-512` (784-512-10, the feed-forward autoencoder's encoder shape): {fmt(ff, 100, 2, '%')}.", "",
            _table(["convolutional classifier", "test accuracy", "beats feed-forward?", "strength"], rows)]


def open_questions(metrics: Mapping) -> list[str]:
    """The questions the paper leaves open that our extra experiments answer."""
    return size_or_start(metrics) + feedforward_check(metrics)


def time_table(metrics: Mapping) -> list[str]:
    """Training time per experiment, and the paper (Tables I and II, one seed each) against the goal."""
    exps, hw = metrics["experiments"], metrics["hardware"]
    rows, total = [], 0.0
    for name, e in exps.items():
        secs = [r["seconds"] for r in e["runs"]]
        epochs = sum(r["epochs_run"] for r in e["runs"])
        threads = sorted({(r.get("hardware") or {}).get("torch_threads") for r in e["runs"]} - {None})
        total += sum(secs)
        rows.append([name, e["settings"]["group"], len(secs), epochs, ", ".join(map(str, threads)) or "?",
                     f"{sum(secs) / max(epochs, 1):.1f}", f"{np.mean(secs):.0f}", f"{sum(secs):.0f}"])
    out = ["", "## Time", "",
           "Seconds of training (the sum of the epochs' times, validation included) as recorded by each run.", "",
           _table(["experiment", "group", "runs", "epochs (all runs)", "torch threads", "s per epoch", "s per run",
                   "s total"], rows)]
    paper_names = [*paper.TABLE_I, *paper.TABLE_II]
    have = [n for n in paper_names if exps.get(n, {}).get("runs")]
    paper_one_seed = sum(exps[n]["runs"][0]["seconds"] for n in have)
    scope = "the whole paper" if len(have) == len(paper_names) else f"{len(have)} of the paper's {len(paper_names)} experiments"
    met = "met" if paper_one_seed <= GOAL_SECONDS and len(have) == len(paper_names) else "not met"
    out += ["", f"- The paper (Tables I and II, one seed each; {scope}): **{paper_one_seed / 60:.1f} min** of training "
                f"against the goal of {GOAL_SECONDS // 60} min on 2 cores: {met} on this hardware ({hw['device']}, "
                f"{hw['cpu_count']} CPUs).",
            f"- Every run of every experiment (seeds, variants, open questions): {total / 60:.1f} min.",
            f"- This report's command took {metrics['wall_seconds'] / 60:.1f} min (finished runs are reused, not retrained)."]
    single = [n for n, e in exps.items()
              if any((r.get("hardware") or {}).get("torch_threads", hw["cpu_count"]) < hw["cpu_count"] for r in e["runs"])]
    if single:
        out += [f"- Runs with fewer torch threads than CPUs ({', '.join(single)}) shared the machine with another "
                "run; their times overstate what they need alone."]
    return out


# --------------------------------------------------------------------------- markdown
def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _epochs(metrics: Mapping, name: str) -> str:
    runs = metrics["experiments"].get(name, {}).get("runs", [])
    return ", ".join(str(r["epochs_run"]) for r in runs) or "-"


def render_report(metrics: Mapping, figures: Sequence[str] = ()) -> str:
    """REPORT.md's text, from ``metrics.json``'s content."""
    exps = metrics["experiments"]
    v = metrics["versions"]
    hw = metrics["hardware"]
    parts = [
        f"# Reproduction report — budget `{metrics['budget']}`",
        "",
        "Generated by `python -m fmnist_lib reproduce` from `metrics.json`; every number below is computed "
        "from it (ours) or from `fmnist_lib/paper.py` (the paper's).",
        "",
        f"- data: {metrics['sizes']['train']} train / {metrics['sizes']['val']} validation (carved from the "
        f"official training set) / {metrics['sizes']['test']} test images",
        f"- commit `{metrics.get('git_commit')}`, created {metrics['created']}",
        f"- hardware: {hw['device']} ({hw['device_name']}), {hw['cpu_count']} CPUs, {hw['torch_threads']} torch threads",
        f"- versions: " + ", ".join(f"{k} {val}" for k, val in v.items()),
    ]
    if not metrics.get("complete", True):
        missing = metrics.get("missing") or {}
        parts += ["", f"> **Partial results**: {len(exps)} experiment(s) with finished runs so far. "
                      f"`make reproduce BUDGET={metrics['budget']}` continues the run: finished runs are reused, "
                      "interrupted ones resume from their last checkpoint (kept on the machine that ran them, not in git)."]
        if missing:
            parts += [">", "> Seeds finished / required: " + ", ".join(f"`{n}` {k}" for n, k in missing.items()) + "."]
    if metrics["budget"] != "full":
        b = BUDGETS[metrics["budget"]]
        parts += ["", f"> **{b.name.capitalize()} budget**: {b.train_size} training images and at most {b.max_epochs} "
                      "epochs. These numbers test the code paths; they are not comparable with the paper's."]

    parts += ["", "## Table I — autoencoders", "",
              "The paper gives no MSE numbers (only curves); ours is the test MSE per pixel, mean ± std over seeds.", ""]
    rows = []
    for name in paper.TABLE_I:
        p = paper.SETTINGS[name]
        rows.append([p["model"], p["hidden"], p["epochs"], _epochs(metrics, name), p["batch"], p["lr"], p["dropout"],
                     fmt(values(metrics, name, "mse"), digits=5)])
    parts.append(_table(["model", "hidden", "epochs (paper)", "epochs run (ours, per seed)", "batch", "lr",
                         "dropout", "test MSE (ours)"], rows))

    parts += ["", "## Table II — classifiers", ""]
    rows = []
    for name in paper.TABLE_II:
        p = paper.SETTINGS[name]
        paper_acc = f"{paper.accuracy():.2%}" if name == paper.CONFUSION_EXPERIMENT else "not reported"
        rows.append([p["model"], p["hidden"], p["epochs"], _epochs(metrics, name), p["batch"], p["lr"], p["dropout"],
                     paper_acc, fmt(values(metrics, name, "accuracy"), 100, 2, "%")])
    parts.append(_table(["model", "hidden", "epochs (paper)", "epochs run (ours)", "batch", "lr", "dropout",
                         "test accuracy (paper)", "test accuracy (ours)"], rows))

    others = [n for n in exps if n not in paper.TABLE_I and n not in paper.TABLE_II]
    if others:
        parts += ["", "## Variants and open questions", ""]
        rows = []
        for name in others:
            e = exps[name]
            key = "mse" if e["task"] == "reconstruction" else "accuracy"
            shown = fmt(values(metrics, name, key), digits=5) if key == "mse" else fmt(values(metrics, name, key), 100, 2, "%")
            rows.append([name, e["settings"]["note"] or e["settings"]["title"], f"test {key}: {shown}"])
        parts.append(_table(["experiment", "what", "result"], rows))

    cm_runs = exps.get(paper.CONFUSION_EXPERIMENT, {}).get("runs", [])
    if cm_runs:
        ours = np.mean([r["test"]["confusion_matrix"] for r in cm_runs], axis=0)
        scale = 1000 / ours.sum(axis=1, keepdims=True)  # per 1000 images of each class, like the paper
        ours_per_1000 = np.rint(ours * scale).astype(int)
        parts += ["", "## Confusion matrix — Raschka classifier", "",
                  f"Paper: accuracy {paper.accuracy():.2%}. Ours: mean over {len(cm_runs)} seed(s), per 1000 test "
                  "images of each class (rows: true class, columns: predicted).", ""]
        header = ["true \\ pred"] + [str(i) for i in range(10)]
        parts += ["Paper:", "", _table(header, [[f"{i} {CLASS_NAMES[i]}", *row] for i, row in enumerate(paper.CONFUSION_MATRIX)]),
                  "", "Ours:", "", _table(header, [[f"{i} {CLASS_NAMES[i]}", *row] for i, row in enumerate(ours_per_1000.tolist())])]
        pc = np.mean([r["test"]["per_class_accuracy"] for r in cm_runs], axis=0)
        parts += ["", "Per-class accuracy:", "",
                  _table(["class", "paper", "ours"],
                         [[f"{i} {CLASS_NAMES[i]}", f"{paper.per_class_accuracy()[i]:.1%}", f"{pc[i]:.1%}"] for i in range(10)])]

    parts += ["", "## The paper's claims", ""]
    verdict = {True: "confirmed", False: "not confirmed", None: "not run"}
    parts.append(_table(["claim", "verdict", "evidence"], [[c, verdict[ok], why] for c, ok, why in claims(metrics)]))

    parts += raschka_check(metrics)
    parts += open_questions(metrics)
    parts += time_table(metrics)
    if figures:
        parts += ["", "## Figures", ""] + [f"![{f}]({f})" for f in figures]
    return "\n".join(parts) + "\n"


def write_results(metrics: Mapping, results: Mapping, out_dir: Path, images=None) -> None:
    """Write metrics.json, the figures (PNG) and REPORT.md into ``out_dir``."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from . import plots
    from .evaluation import reconstruct

    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(out_dir / "metrics.json", json.dumps(metrics, indent=1))
    figures = []

    def save(fig, name: str) -> None:
        fig.savefig(out_dir / name, dpi=plots.DPI, bbox_inches="tight")
        plt.close(fig)
        figures.append(name)

    def first_runs(names):
        return {results[n][0].experiment.title: results[n][0].history.epochs for n in names if n in results}

    ae = first_runs(paper.TABLE_I)
    if ae:
        save(plots.training_curves(ae, ("loss",), ("MSE",), "Autoencoders: train vs validation MSE (Figure 5)",
                                   log_scale=True), "figure5_autoencoder_curves.png")
    clf = first_runs(paper.TABLE_II)
    if clf:
        save(plots.training_curves(clf, ("loss", "accuracy"), ("cross-entropy", "accuracy"),
                                   "Classifiers: train vs validation (Figure 7)"), "figure7_classifier_curves.png")
    if images is not None and ae:
        outs = {results[n][0].experiment.title: reconstruct(results[n][0].model, images)
                for n in paper.TABLE_I if n in results}
        save(plots.reconstructions(images, outs), "figure6_reconstructions.png")
    if paper.CONFUSION_EXPERIMENT in results:
        ours = np.sum([r.test["confusion_matrix"] for r in results[paper.CONFUSION_EXPERIMENT]], axis=0)
        save(plots.confusion_matrices({"paper": paper.CONFUSION_MATRIX,
                                       f"ours (sum of {len(results[paper.CONFUSION_EXPERIMENT])} seeds)": ours}),
             "confusion_matrices.png")
    atomic_write(out_dir / "REPORT.md", render_report(metrics, figures))
