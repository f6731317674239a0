"""REPORT.md (and REPORT.es.md, its Spanish), rendered from ``metrics.json``'s content alone.

Every number in the report is computed here from ``metrics.json`` or taken from
``fmnist_lib.paper`` (what the paper reports); nothing is typed by hand, and nothing is read
from today's registry or budgets, so re-rendering an old ``metrics.json`` gives the same text.
The words are ``fmnist_lib.report_words``'s, in the language asked for: the same numbers and
verdicts in every language.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .. import paper, stats
from ..data import CLASS_NAMES
from ..stats import Contrast, Design2x2
from . import verdicts
from .report_words import TEXTS, recorded, say
from .verdicts import seed_values


# --------------------------------------------------------------------------- numbers in words
def mean_std(xs: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (NaN for fewer than two values)."""
    return stats.mean(xs), math.sqrt(stats.variance(xs))


def mean_std_text(
    xs: Sequence[float], scale: float = 1.0, digits: int = 4, unit: str = "", lang: str = "en"
) -> str:
    """``mean ± std unit (n=k)``, or ``not run`` when there is no value."""
    if not xs:
        return say("not_run", lang)
    m, s = mean_std([x * scale for x in xs])
    spread = f" ± {s:.{digits}f}" if not math.isnan(s) else ""
    return f"{m:.{digits}f}{spread}{unit} (n={len(xs)})"


def interval_text(
    c: Contrast | None,
    scale: float = 100.0,
    digits: int = 2,
    unit: str | None = None,
    lang: str = "en",
) -> str:
    """``+1.58 points, 95% CI [+0.95, +2.21] (Welch, df 3.1)``; no interval for one seed.
    ``unit`` defaults to `` points`` in ``lang``."""
    if c is None:
        return say("not_run", lang)
    unit = say("points", lang) if unit is None else unit
    head = f"{scale * c.estimate:+.{digits}f}{unit}"
    if not c.known:
        return say("one_seed", lang, head=head)
    low, high = f"{scale * c.low:+.{digits}f}", f"{scale * c.high:+.{digits}f}"
    return say("interval", lang, head=head, level=f"{c.level:.0%}", low=low, high=high,
               df=f"{c.df:.1f}")  # fmt: skip


def points_apart(x: float, lang: str = "en") -> str:
    """``0.69 percentage points below`` for x = -0.0069."""
    return say("below" if x < 0 else "above", lang, x=f"{100 * abs(x):.2f}")


def verdict_word(verdict: str, lang: str = "en") -> str:
    """A verdict code of ``fmnist_lib.verdicts`` in words."""
    return say(f"verdict.{verdict}", lang)


VERDICTS = (verdicts.CONFIRMED, verdicts.CONTRADICTED, verdicts.NOT_SHOWN, verdicts.ONE_SEED,
            verdicts.NOT_RUN)  # fmt: skip
#: The verdict words in English, by code.
VERDICT_WORDS = {v: verdict_word(v) for v in VERDICTS}


# --------------------------------------------------------------------------- the claims
def _claim_detail(claim: verdicts.Claim, lang: str) -> str:
    if lang == "en" or not claim.detail_key:
        return claim.detail
    return say(claim.detail_key, lang, **dict(claim.facts))


def _claim_evidence(metrics: Mapping[str, Any], claim: verdicts.Claim, lang: str = "en") -> str:
    key = claim.metric
    scale, digits, unit = (1.0, 5, "") if key == "mse" else (100.0, 2, "%")
    parts = []
    for a, b, c in claim.pairs:
        xa, xb = verdicts.seed_values(metrics, a, key), verdicts.seed_values(metrics, b, key)
        gap = interval_text(c, scale, digits, "" if key == "mse" else None, lang)
        parts.append(f"{a} {mean_std_text(xa, scale, digits, unit, lang)} − {b} "
                     f"{mean_std_text(xb, scale, digits, unit, lang)} = {gap}")  # fmt: skip
    return "; ".join([*([_claim_detail(claim, lang)] if claim.detail else []), *parts])


def claims_section(metrics: Mapping[str, Any], lang: str = "en") -> list[str]:
    """The paper's claims, each with our verdict and its evidence."""
    rows = [[recorded(c.text, lang), verdict_word(c.verdict, lang),
             _claim_evidence(metrics, c, lang)] for c in verdicts.claims(metrics)]  # fmt: skip
    header = [say(k, lang) for k in ("col.claim", "col.verdict", "col.evidence")]
    return ["", say("claims.title", lang), "", say("claims.rule", lang), "",
            _table(header, rows)]  # fmt: skip


# --------------------------------------------------------------------------- Raschka's 92.17%
def _raschka_rows(metrics: Mapping[str, Any], lang: str = "en") -> list[list[Any]]:
    e = metrics["experiments"][paper.CONFUSION_EXPERIMENT]
    patience = e.get("settings", {}).get("patience")
    rows = []
    for r in e["runs"]:
        h, t = r["history"], verdicts.tested_epoch(r, patience)
        best = max(h, key=lambda x: x["val_accuracy"])
        best_text = say("raschka.best_epoch", lang, accuracy=f"{best['val_accuracy']:.2%}",
                        epoch=best["epoch"])  # fmt: skip
        rows.append([r["seed"], f"{r['test']['accuracy']:.2%}", r["epochs_run"], t["epoch"],
                     f"{t['val_accuracy']:.2%}", best_text,
                     f"{h[-1]['train_accuracy']:.2%}"])  # fmt: skip
    return rows


def _raschka_verdict(check: verdicts.RaschkaCheck, lang: str = "en") -> str:
    low, high = check.single_run
    runs = say("raschka.protocol_runs" if len(check.protocol) > 1 else "raschka.runs", lang)
    where = say("raschka.interval", lang, runs=runs, low=f"{low:.2%}", high=f"{high:.2%}")
    key = {"protocol": "raschka.explained", "one run": "raschka.one_run"}.get(
        check.verdict, "raschka.unexplained"
    )
    effect = interval_text(check.protocol_effect, lang=lang)
    return say(key, lang, where=where, paper=f"{check.paper:.2%}", effect=effect)


RASCHKA_COLUMNS = ("col.seed", "col.test_accuracy", "col.epochs_run_plain", "col.tested_epoch",
                   "col.val_tested", "col.best_val", "col.train_last")  # fmt: skip


def raschka_section(metrics: Mapping[str, Any], lang: str = "en") -> list[str]:
    """The Raschka classifier seed by seed against the paper's 92.17%, and where a gap can come
    from: the set the epochs were chosen from, the paper's protocol run by us, the spread."""
    check = verdicts.raschka_check(metrics)
    if check is None:
        return []
    pct = lambda xs: mean_std_text(xs, 100, 2, "%", lang)
    apart = points_apart(stats.mean(check.held_out) - check.paper, lang)
    out = ["", say("raschka.title", lang, paper=f"{check.paper:.2%}"), "",
           say("raschka.mean", lang, mean=pct(check.held_out), apart=apart), "",
           _table([say(k, lang) for k in RASCHKA_COLUMNS], _raschka_rows(metrics, lang)),
           "", say("raschka.where", lang), "",
           say("raschka.chosen", lang, tested_val=pct(check.tested_val))]  # fmt: skip
    if check.protocol:
        peaks = say("raschka.peaks", lang, peaks=pct(check.peaks)) if check.peaks else ""
        effect = interval_text(check.protocol_effect, lang=lang)
        out += [say("raschka.protocol", lang, protocol=pct(check.protocol), effect=effect,
                    peaks=peaks)]  # fmt: skip
    if check.verdict != "too few runs":
        out += ["", say("raschka.verdict", lang, verdict=_raschka_verdict(check, lang))]
    return out


# --------------------------------------------------------------------------- open questions
def _real(c: Contrast, lang: str = "en") -> str:
    if not c.known:
        return say("effect.unknown", lang)
    return say("effect.real" if c.real else "effect.not_shown", lang)


def size_or_start_section(metrics: Mapping[str, Any], lang: str = "en") -> list[str]:
    """Open question 1: is consigna FE better for its hidden size or its pretrained start?"""
    q = verdicts.size_or_start(metrics)
    if q is None:
        return []
    d = q.design
    effects = [(say("size.rows", lang), d.rows_effect),
               (say("size.columns", lang), d.columns_effect),
               *((say("size.start_at", lang, size=size), c)
                 for size, c in zip(verdicts.SIZES, d.column_effect_in_row, strict=True)),
               (say("size.interaction", lang), d.interaction)]  # fmt: skip
    cells = [[SIZE, *(mean_std_text(q.cells[i][j], 100, 2, "%", lang) for j in range(2))]
             for i, SIZE in enumerate(verdicts.SIZES)]  # fmt: skip
    answer = f"{size_or_start_answer(d, lang)} {epoch_confound(q.epochs, lang)}"
    return ["", say("size.title", lang), "", say("size.intro", lang), "",
            _table([say(k, lang) for k in ("col.hidden", "col.random_start",
                                           "col.pretrained_start")], cells), "",
            _table([say(k, lang) for k in ("col.effect", "col.test_accuracy", "col.verdict")],
                   [[n, interval_text(c, lang=lang), _real(c, lang)] for n, c in effects]), "",
            say("answer", lang, answer=answer)]  # fmt: skip


def _short(c: Contrast, lang: str = "en") -> str:
    """``+1.95 points [+1.52, +2.39]``: an estimate and its interval inside running prose."""
    return say("short", lang, estimate=f"{100 * c.estimate:+.2f}", low=f"{100 * c.low:+.2f}",
               high=f"{100 * c.high:+.2f}")  # fmt: skip


def _direction(c: Contrast, what: str, lang: str = "en") -> str:
    if not c.real:
        return say("no_effect", lang, what=what, short=_short(c, lang))
    return say("raises" if c.estimate > 0 else "lowers", lang, what=what, short=_short(c, lang))


def size_or_start_answer(d: Design2x2, lang: str = "en") -> str:
    """The answer to open question 1 that the 2 × 2 design's intervals support, in words.

    Rows are the hidden sizes (10, 128), columns the start (random, pretrained). The start's
    effect is given per hidden size when the interaction is real (its average then describes
    neither size)."""
    size = _direction(d.rows_effect, say("size.size_effect", lang), lang)
    if d.interaction.real:
        per_size = [_direction(c, say("size.at", lang, n=n), lang) for n, c in zip((10, 128),
                    d.column_effect_in_row, strict=True)]  # fmt: skip
        start = say("size.depends", lang, short=_short(d.interaction, lang), at_10=per_size[0],
                    at_128=per_size[1])  # fmt: skip
    else:
        start = _direction(d.columns_effect, say("size.averaged", lang), lang)
        start = start[0].upper() + start[1:] + "."
    return f"{size}. {start}"


def epoch_confound(epochs: Sequence[int], lang: str = "en") -> str:
    """The 2 × 2 design's remaining confound: the rows' epoch budgets (the paper's)."""
    if epochs[0] == epochs[1]:
        return say("epochs.same", lang, epochs=epochs[0])
    more = "n = 10" if epochs[0] > epochs[1] else "n = 128"
    return say("epochs.confound", lang, small=epochs[0], large=epochs[1], more=more)


def pool_answer(q: verdicts.PoolCheck, lang: str = "en") -> str:
    """The answer to open question 2 that the intervals support, in words."""
    gap = q.gap
    if not gap.real:
        words = say("pool.unchanged", lang)
    else:
        words = say("pool.shrinks" if gap.estimate < 0 else "pool.grows", lang)
    test = _direction(q.test, say("pool.on_test", lang), lang)
    return say("pool.answer", lang, words=words, short=_short(gap, lang), test=test)


def pool_section(metrics: Mapping[str, Any], lang: str = "en") -> list[str]:
    """Open question 2: does max pooling reduce the Raschka classifier's train/validation gap?"""
    q = verdicts.pool_check(metrics)
    if q is None:
        return []
    rows = [[say("pool.gap_row", lang), interval_text(q.gap, lang=lang), _real(q.gap, lang)],
            [say("col.test_accuracy", lang), interval_text(q.test, lang=lang),
             _real(q.test, lang)]]  # fmt: skip
    header = [say(k, lang) for k in ("col.pooled", "col.difference", "col.verdict")]
    return ["", say("pool.title", lang), "", say("pool.intro", lang), "",
            _table(header, rows), "",
            say("answer", lang, answer=pool_answer(q, lang))]  # fmt: skip


def feedforward_section(metrics: Mapping[str, Any], lang: str = "en") -> list[str]:
    """The paper's conclusion that conv nets beat the feed-forward one, on classification."""
    checks = verdicts.feedforward_check(metrics)
    if checks is None:
        return []
    ff = verdicts.seed_values(metrics, verdicts.FEEDFORWARD, "accuracy")
    pct = lambda xs: mean_std_text(xs, 100, 2, "%", lang)
    rows = [[n, pct(verdicts.seed_values(metrics, n, "accuracy")), interval_text(c, lang=lang),
             verdict_word(verdicts.judge(c, lower_is_better=False), lang)]
            for n, c in checks.items()]  # fmt: skip
    header = [say(k, lang) for k in ("col.conv", "col.test_accuracy", "col.minus_ff",
                                     "col.beats_ff")]  # fmt: skip
    return ["", say("ff.title", lang), "", say("ff.intro", lang, ff=pct(ff)), "",
            _table(header, rows)]  # fmt: skip


def open_questions(metrics: Mapping[str, Any], lang: str = "en") -> list[str]:
    """The questions the paper leaves open that our extra experiments answer."""
    return (size_or_start_section(metrics, lang) + pool_section(metrics, lang)
            + feedforward_section(metrics, lang))  # fmt: skip


# --------------------------------------------------------------------------- time
REFERENCE_GEMM = 171.0  # GFLOP/s: times are also given as if the machine multiplied at this rate


def normalised_seconds(run: Mapping[str, Any]) -> float | None:
    """A run's training seconds scaled to a CPU whose dense fp32 GEMM runs at
    ``REFERENCE_GEMM``, from the rates the run recorded as it started and ended. None for a run
    recorded without them, and for one trained on a GPU: a GPU's GEMM rate (tens of TFLOP/s)
    says nothing of how long its steps would take on a CPU."""
    hardware = run.get("hardware") or {}
    rates = hardware.get("gemm_gflops")
    if not rates or not str(hardware.get("device", "cpu")).startswith("cpu"):
        return None
    return float(run["seconds"]) * stats.mean(rates) / REFERENCE_GEMM


def _time_rows(exps: Mapping[str, Any], lang: str = "en") -> list[list[Any]]:
    rows = []
    for name, e in exps.items():
        secs = [r["seconds"] for r in e["runs"]]
        epochs = sum(r["epochs_run"] for r in e["runs"])
        recorded = {(r.get("hardware") or {}).get("torch_threads") for r in e["runs"]}
        threads = ", ".join(str(t) for t in sorted(t for t in recorded if t is not None)) or "?"
        scaled = [(n, r["epochs_run"]) for r in e["runs"] if (n := normalised_seconds(r))]
        per_epoch = (f"{sum(n for n, _ in scaled) / max(sum(k for _, k in scaled), 1):.1f}"
                     if scaled else "-")  # fmt: skip
        group = e["settings"]["group"]
        group = say(f"group.{group}", lang) if f"group.{group}" in TEXTS else group
        rows.append([name, group, len(secs), epochs, threads,
                     f"{sum(secs) / max(epochs, 1):.1f}", per_epoch, f"{stats.mean(secs):.0f}",
                     f"{sum(secs):.0f}"])  # fmt: skip
    return rows


def _paper_normalised(exps: Mapping[str, Any], names: Sequence[str], lang: str = "en") -> str:
    """The paper's one-seed training time at ``REFERENCE_GEMM``, or why it is not given."""
    scaled = [normalised_seconds(exps[n]["runs"][0]) for n in names]
    known = [s for s in scaled if s is not None]
    reference = f"{REFERENCE_GEMM:.0f}"
    if len(known) < len(names):
        return say("time.unnormalised", lang, reference=reference, known=len(known),
                   n=len(names))  # fmt: skip
    return say("time.normalised", lang, reference=reference, minutes=f"{sum(known) / 60:.1f}")


TIME_COLUMNS = ("col.experiment", "col.group", "col.runs", "col.epochs_all", "col.threads",
                "col.per_epoch", "col.per_epoch_at", "col.per_run", "col.total")  # fmt: skip


def time_table(metrics: Mapping[str, Any], lang: str = "en") -> list[str]:
    """Training time per experiment, and the paper's (Tables I and II, one seed each)."""
    exps, hw = metrics["experiments"], metrics["hardware"]
    names = [*paper.TABLE_I, *paper.TABLE_II]
    have = [n for n in names if exps.get(n, {}).get("runs")]
    one_seed = sum(exps[n]["runs"][0]["seconds"] for n in have)
    total = sum(sum(r["seconds"] for r in e["runs"]) for e in exps.values())
    scope = (
        say("time.whole", lang)
        if len(have) == len(names)
        else say("time.some", lang, have=len(have), n=len(names))
    )
    reference = f"{REFERENCE_GEMM:.0f}"
    header = [say(k, lang, reference=reference) for k in TIME_COLUMNS]
    return ["", say("time.title", lang), "", say("time.intro", lang, reference=reference), "",
            _table(header, _time_rows(exps, lang)), "",
            say("time.paper", lang, scope=scope, minutes=f"{one_seed / 60:.1f}",
                device=hw["device"], cpus=hw["cpu_count"]),
            _paper_normalised(exps, have, lang),
            say("time.every", lang, minutes=f"{total / 60:.1f}"),
            say("time.command", lang, minutes=f"{metrics['wall_seconds'] / 60:.1f}")]  # fmt: skip


# --------------------------------------------------------------------------- markdown
def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _epochs(metrics: Mapping[str, Any], name: str) -> str:
    runs = metrics["experiments"].get(name, {}).get("runs", [])
    return ", ".join(str(r["epochs_run"]) for r in runs) or "-"


def _banners(metrics: Mapping[str, Any], lang: str = "en") -> list[str]:
    """The partial-results, damaged-runs and budget banners."""
    parts: list[str] = []
    if not metrics.get("complete", True):
        missing = metrics.get("missing") or {}
        parts += ["", say("partial", lang, n=len(metrics["experiments"]),
                          budget=metrics["budget"])]  # fmt: skip
        if missing:
            seeds = ", ".join(f"`{n}` {_seeds_of(k, lang)}" for n, k in missing.items())
            parts += [">", say("missing", lang, seeds=seeds)]
    damaged = metrics.get("damaged") or {}
    if damaged:
        listed = "; ".join(
            say("damaged_run", lang, name=n, seed=seed, why=why)
            for n, seeds in damaged.items()
            for seed, why in seeds.items()
        )
        parts += ["", say("damaged", lang, listed=listed)]
    if metrics["budget"] != "full":
        b = metrics["budget_settings"]
        # "Smoke budget" in English, "Presupuesto `smoke`" in Spanish
        name = b["name"].capitalize() if lang == "en" else f"`{b['name']}`"
        parts += ["", say("budget", lang, name=name, train_size=b["train_size"],
                          max_epochs=b["max_epochs"])]  # fmt: skip
    return parts


def _seeds_of(recorded_count: str, lang: str) -> str:
    """``metrics.json``'s "2 of 3" (finished of required seeds) in ``lang``."""
    have, of, need = recorded_count.partition(" of ")
    return say("seeds_of", lang, have=have, need=need) if of else recorded_count


def _header(metrics: Mapping[str, Any], lang: str = "en") -> list[str]:
    """Title, provenance, and the partial-results and budget banners."""
    hw, sizes = metrics["hardware"], metrics["sizes"]
    versions = ", ".join(f"{k} {val}" for k, val in metrics["versions"].items())
    return [
        say("title", lang, budget=metrics["budget"]),
        "",
        say("generated", lang),
        "",
        say("data", lang, train=sizes["train"], val=sizes["val"], test=sizes["test"]),
        say("commit", lang, commit=metrics.get("git_commit"), created=metrics["created"]),
        say(
            "hardware",
            lang,
            device=hw["device"],
            name=hw["device_name"],
            cpus=hw["cpu_count"],
            threads=hw["torch_threads"],
        ),
        say("versions", lang, versions=versions),
        *_banners(metrics, lang),
    ]


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


TABLE_I_COLUMNS = ("col.model", "col.hidden", "col.epochs_paper", "col.epochs_run_seed",
                   "col.batch", "col.lr", "col.dropout", "col.mse_ours")  # fmt: skip
TABLE_II_COLUMNS = ("col.model", "col.hidden", "col.epochs_paper", "col.epochs_run", "col.batch",
                    "col.lr", "col.dropout", "col.accuracy_paper", "col.accuracy_ours")  # fmt: skip


def _paper_tables(metrics: Mapping[str, Any], lang: str = "en") -> list[str]:
    """Tables I and II: the paper's rows with our results."""
    rows = [
        [
            label,
            *_settings_cells(metrics, name),
            mean_std_text(seed_values(metrics, name, "mse"), digits=5, lang=lang),
        ]
        for name, label in paper.TABLE_I.items()
    ]
    parts = ["", say("table1.title", lang), "", say("table1.intro", lang), "",
             _table([say(k, lang) for k in TABLE_I_COLUMNS], rows)]  # fmt: skip
    rows = []
    for name, label in paper.TABLE_II.items():
        reported = name == paper.CONFUSION_EXPERIMENT
        paper_acc = f"{paper.accuracy():.2%}" if reported else say("not_reported", lang)
        ours = mean_std_text(seed_values(metrics, name, "accuracy"), 100, 2, "%", lang)
        rows.append([label, *_settings_cells(metrics, name), paper_acc, ours])
    header = [say(k, lang) for k in TABLE_II_COLUMNS]
    return [*parts, "", say("table2.title", lang), "", _table(header, rows)]


def _other_experiments(metrics: Mapping[str, Any], lang: str = "en") -> list[str]:
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
        shown = (mean_std_text(xs, digits=5, lang=lang) if key == "mse"
                 else mean_std_text(xs, 100, 2, "%", lang))  # fmt: skip
        what = recorded(e["settings"]["note"] or e["settings"]["title"], lang)
        rows.append([name, what, say(f"result.{key}", lang, shown=shown)])
    header = [say(k, lang) for k in ("col.experiment", "col.what", "col.result")]
    return ["", say("others.title", lang), "", _table(header, rows)]


def _confusion_section(metrics: Mapping[str, Any], lang: str = "en") -> list[str]:
    """The paper's confusion matrix beside ours (per 1000 images of each class), and recall."""
    runs = metrics["experiments"].get(paper.CONFUSION_EXPERIMENT, {}).get("runs", [])
    if not runs:
        return []
    ours = np.mean([r["test"]["confusion_matrix"] for r in runs], axis=0)
    scale = 1000 / ours.sum(axis=1, keepdims=True)  # per 1000 images of each class, as the paper
    ours_per_1000 = np.rint(ours * scale).astype(int).tolist()
    header = [say("confusion.corner", lang)] + [str(i) for i in range(10)]
    names = [f"{i} {CLASS_NAMES[i]}" for i in range(10)]
    recall = np.mean([r["test"]["per_class_accuracy"] for r in runs], axis=0)
    paper_recall = paper.per_class_accuracy()
    return [
        "",
        say("confusion.title", lang),
        "",
        say("confusion.intro", lang, accuracy=f"{paper.accuracy():.2%}", n=len(runs)),
        "",
        say("confusion.paper", lang),
        "",
        _table(header, [[n, *row] for n, row in zip(names, paper.CONFUSION_MATRIX, strict=True)]),
        "",
        say("confusion.ours", lang),
        "",
        _table(header, [[n, *row] for n, row in zip(names, ours_per_1000, strict=True)]),
        "",
        say("recall.intro", lang),
        "",
        _table(
            [say(k, lang) for k in ("col.class", "col.paper", "col.ours")],
            [[names[i], f"{paper_recall[i]:.1%}", f"{recall[i]:.1%}"] for i in range(10)],
        ),
    ]


FIGURES = ("figure5_autoencoder_curves.png", "figure7_classifier_curves.png",
           "figure6_reconstructions.png", "confusion_matrices.png", "pooling_gap.png")  # fmt: skip
#: What each of the report's figures shows (its alt text, for readers who cannot see it).
FIGURE_ALT = {f: say(f) for f in FIGURES}


def _figure_alt(figure: str, lang: str) -> str:
    """A report figure's alt text; ``name.es.png`` is the Spanish drawing of ``name.png``."""
    name = figure.replace(".es.png", ".png")
    return say(name, lang) if name in FIGURES else figure


def render_report(
    metrics: Mapping[str, Any], figures: Sequence[str] = (), language: str = "en"
) -> str:
    """REPORT.md's text, from ``metrics.json``'s content, in ``language`` ("en", or "es" for
    REPORT.es.md): the same numbers and verdicts, in that language's words."""
    lang = language
    parts = [
        *_header(metrics, lang),
        *_paper_tables(metrics, lang),
        *_other_experiments(metrics, lang),
        *_confusion_section(metrics, lang),
        *claims_section(metrics, lang),
        *raschka_section(metrics, lang),
        *open_questions(metrics, lang),
        *time_table(metrics, lang),
    ]
    if figures:
        parts += ["", say("figures.title", lang), ""]
        parts += [f"![{_figure_alt(f, lang)}]({f})" for f in figures]
    return "\n".join(parts) + "\n"
