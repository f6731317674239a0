"""REPORT.md (and REPORT.es.md, its Spanish), rendered from what ``metrics.json`` shows.

``findings.findings`` reads ``metrics.json`` once and judges every claim; this module only
renders that ``Findings`` in a language: the words are ``report_words``'s, the numbers are
written by ``fmnist_lib.numerals``, and no section computes a number or a verdict. Every number
in the report comes from ``metrics.json`` or from ``fmnist_lib.paper`` (what the paper
reports); nothing is typed by hand, and nothing is read from today's registry or budgets, so
re-rendering an old ``metrics.json`` gives the same text, with the same numbers and verdicts in
every language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..data import CLASS_NAMES
from ..numerals import (
    NUMBER_WORDS,
    count,
    interval_text,
    mean_std_text,
    number,
    points_apart,
    setting,
    short_interval,
)
from ..stats import (
    LARGE,
    LEVEL,
    PAIRED,
    SLIGHT,
    Contrast,
    Design2x2,
    EffectSize,
    Equivalence,
    Family,
    contrasts_of,
)
from . import verdicts
from .findings import (
    REFERENCE_GEMM,
    Claim,
    Confusion,
    Experiment,
    FeedForwardCheck,
    Findings,
    Pair,
    Provenance,
    Ranking,
    RaschkaCheck,
    RaschkaSeed,
    SizeOrStart,
    Tables,
    TimeRow,
    Times,
    WorstClass,
    findings,
)
from .report_words import TEXTS, recorded, say
from .verdicts import PoolCheck


# --------------------------------------------------------------------------- numbers in words
def percent(x: float, digits: int = 2, lang: str = "en") -> str:
    """``92.17%`` for 0.9217."""
    return number(x, digits, percent=True, lang=lang)


def percents(xs: Sequence[float], lang: str = "en") -> str:
    """Accuracies over seeds: ``91.48 ± 0.28% (n=3)``."""
    return mean_std_text(xs, 100, 2, "%", lang)


def verdict_word(verdict: str, lang: str = "en") -> str:
    """A verdict code of ``verdicts`` in words."""
    return say(f"verdict.{verdict}", lang)


#: The verdict words in English, by code.
VERDICT_WORDS = {v: verdict_word(v) for v in verdicts.VERDICTS}


# --------------------------------------------------------------------------- the claims
def _pair_text(p: Pair, metric: str, lang: str = "en") -> str:
    """``a mean ± std − b mean ± std = difference, interval``."""
    scale, digits, unit = (1.0, 5, "") if metric == "mse" else (100.0, 2, "%")
    gap = interval_text(p.comparison, scale, digits, "" if metric == "mse" else None, lang)
    a, b = (mean_std_text(x.values, scale, digits, unit, lang) for x in (p.a, p.b))
    return f"{p.a.name} {a} − {p.b.name} {b} = {gap}"


def _claim_detail(detail: Ranking | WorstClass, lang: str) -> str:
    if isinstance(detail, Ranking):
        ranking = " < ".join(f"{n} {number(m, 5, lang=lang)}" for n, m in detail.means)
        return say("claim.ranking", lang, ranking=ranking)
    other = f"{detail.next_worst} {CLASS_NAMES[detail.next_worst]}"
    return say("claim.worst_class", lang, gap=_pair_text(detail.closest, "accuracy", lang),
               other=other, n=detail.others)  # fmt: skip


def _tost_text(e: Equivalence, lang: str = "en") -> str:
    """The two one-sided tests of a "no effect" claim, in words."""
    low, high = (number(100 * x, 2, sign=True, lang=lang) for x in (e.low, e.high))
    return say("claim.tost", lang, margin=number(100 * e.margin, 2, lang=lang),
               p_lower=number(e.p_lower, 3, lang=lang), p_upper=number(e.p_upper, 3, lang=lang),
               low=low, high=high, outcome=say(f"tost.{e.outcome}", lang))  # fmt: skip


def _claim_evidence(claim: Claim, lang: str = "en") -> str:
    parts = [] if claim.detail is None else [_claim_detail(claim.detail, lang)]
    parts += [_pair_text(p, claim.metric, lang) for p in claim.pairs]
    if claim.equivalence is not None and claim.equivalence.contrast.known:
        parts.append(_tost_text(claim.equivalence, lang))
    return "; ".join(parts)


def _claim_test(claim: Claim, lang: str = "en") -> str:
    """How a claim was tested: paired or Welch, how many comparisons must hold, TOST."""
    shown = [p.comparison for p in claim.pairs if p.comparison is not None]
    if isinstance(claim.detail, WorstClass) and claim.detail.closest.comparison is not None:
        shown.append(claim.detail.closest.comparison)
    methods = {c.method for c in shown}
    test = say("test.both" if len(methods) > 1 else
               "test.paired" if methods == {PAIRED} else "test.welch", lang)  # fmt: skip
    count = len(claim.pairs) if len(claim.pairs) > 1 else 0
    if isinstance(claim.detail, WorstClass):
        count = claim.detail.others
    if count:
        test = say("test.each", lang, test=test, n=count)
    if claim.equivalence is not None:
        test = say("test.tost", lang, test=test,
                   margin=number(100 * claim.equivalence.margin, 2, lang=lang))  # fmt: skip
    return test


def size_text(size: EffectSize | None, metric: str, lang: str = "en") -> str:
    """``-0.00155; 1.52× the error: large``: a difference, the ratio of the errors, its word."""
    if size is None:
        return "-"
    difference = (number(size.difference, 5, sign=True, lang=lang) if metric == "mse"
                  else number(100 * size.difference, 2, sign=True, lang=lang)
                  + NUMBER_WORDS("points", lang))  # fmt: skip
    ratio = number(size.ratio, 2, lang=lang)
    words = say(f"size.{size.words}", lang)
    return say(f"size.{metric}", lang, difference=difference, ratio=ratio, words=words)


def claims_section(claims: Sequence[Claim], lang: str = "en") -> list[str]:
    """The paper's claims, each with its test, its size, our verdict and its evidence; the rule,
    and the confounds the compared experiments carry."""
    rows = [[recorded(c.text, lang), _claim_test(c, lang), size_text(c.size, c.metric, lang),
             verdict_word(c.verdict, lang), _claim_evidence(c, lang)] for c in claims]  # fmt: skip
    header = [say(k, lang) for k in ("col.claim", "col.test", "col.size", "col.verdict",
                                     "col.evidence")]  # fmt: skip
    margins = {c.equivalence.margin for c in claims if c.equivalence is not None}
    rule = [say("claims.rule", lang)]
    rule += [say("claims.equivalence", lang, margin=number(100 * m, 2, lang=lang))
             for m in sorted(margins)]  # fmt: skip
    rule += [say("claims.size", lang, slight=number(SLIGHT, 2, lang=lang),
                 large=number(LARGE, 2, lang=lang), count=len(claims))]  # fmt: skip
    idle = dict(pair for c in claims for pair in c.idle_dropout)
    notes = [say("claims.idle_dropout", lang, name=n, dropout=setting(d, lang))
             for n, d in idle.items()]  # fmt: skip
    return ["", say("claims.title", lang), "", " ".join(rule), "", _table(header, rows),
            *(x for note in notes for x in ("", note))]  # fmt: skip


# --------------------------------------------------------------------------- Raschka's 92.17%
def _raschka_row(s: RaschkaSeed, lang: str = "en") -> list[Any]:
    best = say("raschka.best_epoch", lang, accuracy=percent(s.best_val_accuracy, lang=lang),
               epoch=s.best_epoch)  # fmt: skip
    return [s.seed, percent(s.test_accuracy, lang=lang), s.epochs_run, s.tested_epoch,
            percent(s.tested_val_accuracy, lang=lang), best,
            percent(s.last_train_accuracy, lang=lang)]  # fmt: skip


def _raschka_verdict(check: RaschkaCheck, lang: str = "en") -> str:
    low, high = (percent(x, lang=lang) for x in check.single_run)
    runs = say("raschka.protocol_runs" if len(check.protocol) > 1 else "raschka.runs", lang)
    where = say("raschka.interval", lang, runs=runs, low=low, high=high)
    key = {"protocol": "raschka.explained", "one run": "raschka.one_run"}.get(
        check.verdict, "raschka.unexplained"
    )
    effect = interval_text(check.protocol_effect, lang=lang)
    return say(key, lang, where=where, paper=percent(check.paper, lang=lang), effect=effect)


RASCHKA_COLUMNS = ("col.seed", "col.test_accuracy", "col.epochs_run_plain", "col.tested_epoch",
                   "col.val_tested", "col.best_val", "col.train_last")  # fmt: skip


def raschka_section(check: RaschkaCheck | None, lang: str = "en") -> list[str]:
    """The Raschka classifier seed by seed against the paper's 92.17%, and where a gap can come
    from: the set the epochs were chosen from, the paper's protocol run by us, the spread."""
    if check is None:
        return []
    apart = points_apart(check.gap_to_paper, lang)
    rows = [_raschka_row(s, lang) for s in check.seeds]
    out = ["", say("raschka.title", lang, paper=percent(check.paper, lang=lang)), "",
           say("raschka.mean", lang, mean=percents(check.held_out, lang), apart=apart), "",
           _table([say(k, lang) for k in RASCHKA_COLUMNS], rows),
           "", say("raschka.where", lang), "",
           say("raschka.chosen", lang, tested_val=percents(check.tested_val, lang))]  # fmt: skip
    if check.protocol:
        peaks = say("raschka.peaks", lang, peaks=percents(check.peaks, lang)) if check.peaks else ""
        effect = interval_text(check.protocol_effect, lang=lang)
        out += [say("raschka.protocol", lang, protocol=percents(check.protocol, lang),
                    effect=effect, peaks=peaks)]  # fmt: skip
    if check.verdict != "too few runs":
        out += ["", say("raschka.verdict", lang, verdict=_raschka_verdict(check, lang))]
    return out


# --------------------------------------------------------------------------- open questions
def _real(c: Contrast, lang: str = "en") -> str:
    if not c.known:
        return say("effect.unknown", lang)
    return say("effect.real" if c.real else "effect.not_shown", lang)


def _effect_names(lang: str = "en") -> list[str]:
    """The names of a 2 × 2 design's five contrasts, in ``stats.contrasts_of``'s order."""
    starts = [say("size.start_at", lang, size=size) for size in verdicts.SIZES]
    return [say("size.rows", lang), say("size.columns", lang), *starts,
            say("size.interaction", lang)]  # fmt: skip


def _family_verdict(real: bool, lang: str = "en") -> str:
    alpha = number(1 - LEVEL, 2, lang=lang)
    return say("effect.real_family" if real else "effect.not_shown_family", lang, alpha=alpha)


def _design_rows(q: SizeOrStart, fam: Family, lang: str = "en") -> list[list[str]]:
    """One row per contrast: test interval, p, Holm's p, verdict, validation, unpaired."""
    rows = []
    val, welch = contrasts_of(q.validation), contrasts_of(q.unpaired)
    for i, name in enumerate(_effect_names(lang)):
        rows.append([name, interval_text(fam.contrasts[i], lang=lang),
                     number(fam.p_values[i], 3, lang=lang), number(fam.adjusted[i], 3, lang=lang),
                     _family_verdict(fam.real[i], lang), interval_text(val[i], lang=lang),
                     interval_text(welch[i], lang=lang)])  # fmt: skip
    return rows


DESIGN_COLUMNS = ("col.effect", "col.interval", "col.p", "col.holm", "col.verdict",
                  "col.validation", "col.welch")  # fmt: skip


def _beside(q: SizeOrStart, lang: str = "en") -> str:
    """What the validation set shows, and what Welch's unpaired intervals would say."""
    named = zip(_effect_names(lang), contrasts_of(q.validation), strict=True)
    effects = "; ".join(f"{n} {short_interval(c, lang)}" for n, c in named)
    vf = q.validation_family
    parts = [say("size.validation", lang, effects=effects, real=sum(vf.real), count=vf.count)]
    if q.paired:
        welch = contrasts_of(q.unpaired)
        parts.append(say("size.welch_count", lang, real=sum(c.real for c in welch),
                         count=len(welch)))  # fmt: skip
    return " ".join(parts)


def size_or_start_section(q: SizeOrStart | None, lang: str = "en") -> list[str]:
    """Open question 1: is consigna FE better for its hidden size or its pretrained start? The
    2 × 2 design's five contrasts read together (Holm), paired by seed where the seeds pair,
    with the validation set beside the test set."""
    if q is None:
        return []
    fam = q.family
    cells = [[size, *(percents(xs, lang) for xs in row)]
             for size, row in zip(verdicts.SIZES, q.cells, strict=True)]  # fmt: skip
    alpha = number(1 - LEVEL, 2, lang=lang)
    how = say("size.paired" if q.paired else "size.unpaired", lang, count=fam.count, alpha=alpha)
    answer = " ".join([say("size.family", lang, count=fam.count),
                       size_or_start_answer(q.design, lang, fam.real), _beside(q, lang),
                       epoch_confound(q.epochs, lang)])  # fmt: skip
    return ["", say("size.title", lang), "", say("size.intro", lang), "",
            _table([say(k, lang) for k in ("col.hidden", "col.random_start",
                                           "col.pretrained_start")], cells), "", how, "",
            _table([say(k, lang) for k in DESIGN_COLUMNS], _design_rows(q, fam, lang)), "",
            say("answer", lang, answer=answer)]  # fmt: skip


def _direction(c: Contrast, what: str, lang: str = "en", real: bool | None = None) -> str:
    """``what`` raises / lowers test accuracy, or has no effect shown; ``real`` overrides the
    contrast's own verdict (a family's corrected decision)."""
    short = short_interval(c, lang)
    if not (c.real if real is None else real):
        return say("no_effect", lang, what=what, short=short)
    return say("raises" if c.estimate > 0 else "lowers", lang, what=what, short=short)


def size_or_start_answer(d: Design2x2, lang: str = "en", real: Sequence[bool] | None = None) -> str:
    """The answer to open question 1 that the 2 × 2 design's intervals support, in words.

    Rows are the hidden sizes (10, 128), columns the start (random, pretrained). The start's
    effect is given per hidden size when the interaction is real (its average then describes
    neither size). ``real``: the decisions on the five contrasts (``stats.contrasts_of``'s
    order) when they are read together (``stats.family``); by default each interval's own."""
    rows, columns, at_10, at_128, interaction = real or [c.real for c in contrasts_of(d)]
    size = _direction(d.rows_effect, say("size.size_effect", lang), lang, rows)
    if interaction:
        per_size = [_direction(c, say("size.at", lang, n=n), lang, r) for n, c, r in zip(
                    (10, 128), d.column_effect_in_row, (at_10, at_128), strict=True)]  # fmt: skip
        start = say("size.depends", lang, short=short_interval(d.interaction, lang),
                    at_10=per_size[0], at_128=per_size[1])  # fmt: skip
    else:
        start = _direction(d.columns_effect, say("size.averaged", lang), lang, columns)
        start = start[0].upper() + start[1:] + "."
    return f"{size}. {start}"


def epoch_confound(epochs: Sequence[int], lang: str = "en") -> str:
    """The 2 × 2 design's remaining confound: the rows' epoch budgets (the paper's)."""
    if epochs[0] == epochs[1]:
        return say("epochs.same", lang, epochs=epochs[0])
    more = "n = 10" if epochs[0] > epochs[1] else "n = 128"
    return say("epochs.confound", lang, small=epochs[0], large=epochs[1], more=more)


def pool_answer(q: PoolCheck, lang: str = "en") -> str:
    """The answer to open question 2 that the intervals support, in words."""
    gap = q.gap
    if not gap.real:
        words = say("pool.unchanged", lang)
    else:
        words = say("pool.shrinks" if gap.estimate < 0 else "pool.grows", lang)
    test = _direction(q.test, say("pool.on_test", lang), lang)
    return say("pool.answer", lang, words=words, short=short_interval(gap, lang), test=test)


def pool_section(q: PoolCheck | None, lang: str = "en") -> list[str]:
    """Open question 2: does max pooling reduce the Raschka classifier's train/validation gap?"""
    if q is None:
        return []
    rows = [[say("pool.gap_row", lang), interval_text(q.gap, lang=lang), _real(q.gap, lang)],
            [say("col.test_accuracy", lang), interval_text(q.test, lang=lang),
             _real(q.test, lang)]]  # fmt: skip
    header = [say(k, lang) for k in ("col.pooled", "col.difference", "col.verdict")]
    return ["", say("pool.title", lang), "", say("pool.intro", lang), "",
            _table(header, rows), "",
            say("answer", lang, answer=pool_answer(q, lang))]  # fmt: skip


def feedforward_section(check: FeedForwardCheck | None, lang: str = "en") -> list[str]:
    """The paper's conclusion that conv nets beat the feed-forward one, on classification."""
    if check is None:
        return []
    rows = [[row.sample.name, percents(row.sample.values, lang),
             interval_text(row.comparison, lang=lang), verdict_word(row.verdict, lang)]
            for row in check.convolutional]  # fmt: skip
    header = [say(k, lang) for k in ("col.conv", "col.test_accuracy", "col.minus_ff",
                                     "col.beats_ff")]  # fmt: skip
    return ["", say("ff.title", lang), "",
            say("ff.intro", lang, ff=percents(check.feedforward.values, lang)), "",
            _table(header, rows)]  # fmt: skip


def open_questions(found: Findings, lang: str = "en") -> list[str]:
    """The questions the paper leaves open that our extra experiments answer."""
    return (size_or_start_section(found.size_or_start, lang) + pool_section(found.pooling, lang)
            + feedforward_section(found.feedforward, lang))  # fmt: skip


# --------------------------------------------------------------------------- time
def _time_cells(row: TimeRow, lang: str = "en") -> list[Any]:
    group = say(f"group.{row.group}", lang) if f"group.{row.group}" in TEXTS else row.group
    threads = ", ".join(str(t) for t in row.threads) or "?"
    per_epoch = "-" if row.normalised_per_epoch is None else number(row.normalised_per_epoch, 1,
                                                                    lang=lang)  # fmt: skip
    seconds = [
        number(row.seconds_per_epoch, 1, lang=lang),
        per_epoch,
        number(row.seconds_per_run, 0, lang=lang),
        number(row.seconds, 0, lang=lang),
    ]
    return [row.name, group, row.runs, row.epochs, threads, *seconds]


def _paper_normalised(t: Times, reference: str, lang: str = "en") -> str:
    """The paper's one-seed training time at ``REFERENCE_GEMM``, or why it is not given."""
    if t.paper_normalised is None:
        known = counted(t.paper_normalised_runs, "known", lang, total=t.paper_run)
        return say("time.unnormalised", lang, reference=reference, known=known)
    return say("time.normalised", lang, reference=reference,
               minutes=number(t.paper_normalised / 60, 1, lang=lang))  # fmt: skip


TIME_COLUMNS = ("col.experiment", "col.group", "col.runs", "col.epochs_all", "col.threads",
                "col.per_epoch", "col.per_epoch_at", "col.per_run", "col.total")  # fmt: skip


def time_section(t: Times, lang: str = "en") -> list[str]:
    """Training time per experiment, and the paper's (Tables I and II, one seed each)."""
    minutes = lambda seconds: number(seconds / 60, 1, lang=lang)
    scope = (
        say("time.whole", lang)
        if t.paper_run == t.paper_experiments
        else say("time.some", lang, have=t.paper_run, n=t.paper_experiments)
    )
    reference = number(REFERENCE_GEMM, 0, lang=lang)
    header = [say(k, lang, reference=reference) for k in TIME_COLUMNS]
    return ["", say("time.title", lang), "", say("time.intro", lang, reference=reference), "",
            _table(header, [_time_cells(row, lang) for row in t.rows]), "",
            say("time.paper", lang, scope=scope, minutes=minutes(t.paper_seconds),
                device=t.device, cpus=t.cpus),
            _paper_normalised(t, reference, lang),
            say("time.every", lang, minutes=minutes(t.seconds)),
            say("time.command", lang, minutes=minutes(t.wall_seconds))]  # fmt: skip


# --------------------------------------------------------------------------- markdown
def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _banners(p: Provenance, lang: str = "en") -> list[str]:
    """The partial-results, damaged-runs and budget banners."""
    parts: list[str] = []
    if not p.complete:
        experiments = counted(p.experiments, "experiment", lang)
        parts += ["", say("partial", lang, experiments=experiments, budget=p.budget)]
        if p.missing:
            seeds = ", ".join(f"`{n}` {_seeds_of(k, lang)}" for n, k in p.missing.items())
            parts += [">", say("missing", lang, seeds=seeds)]
    if p.damaged:
        listed = "; ".join(
            say("damaged_run", lang, name=n, seed=seed, why=why)
            for n, seeds in p.damaged.items()
            for seed, why in seeds.items()
        )
        parts += ["", say("damaged", lang, listed=listed)]
    if p.budget_settings is not None:
        b = p.budget_settings
        # "Smoke budget" in English, "Presupuesto `smoke`" in Spanish
        name = b["name"].capitalize() if lang == "en" else f"`{b['name']}`"
        parts += ["", say("budget", lang, name=name, train_size=b["train_size"],
                          max_epochs=b["max_epochs"])]  # fmt: skip
    return parts


def counted(n: int, noun: str, lang: str = "en", **fields: object) -> str:
    """``n`` and its ``noun`` in ``lang``, singular or plural ("one seed", "3 semillas"; a noun
    with a ``none`` form says it for zero): the ``count.<noun>.*`` words."""
    form = "none" if n == 0 and f"count.{noun}.none" in TEXTS else "one" if n == 1 else "many"
    return say(f"count.{noun}.{form}", lang, n=count(n, lang), **fields)


def _seeds_of(recorded_count: str, lang: str) -> str:
    """``metrics.json``'s "2 of 3" (finished of required seeds) in ``lang``."""
    have, of, need = recorded_count.partition(" of ")
    return say("seeds_of", lang, have=have, need=need) if of else recorded_count


def _header(p: Provenance, lang: str = "en") -> list[str]:
    """Title, provenance, and the partial-results and budget banners."""
    versions = ", ".join(f"{k} {val}" for k, val in p.versions.items())
    m = p.machine
    return [
        say("title", lang, budget=p.budget),
        "",
        say("generated", lang),
        "",
        say("data", lang, **{k: count(n, lang) for k, n in p.sizes.items()}),
        say("commit", lang, commit=p.commit, created=p.created),
        say("hardware", lang, device=m.device, name=m.name, cpus=m.cpus, threads=m.threads),
        say("versions", lang, versions=versions),
        *_banners(p, lang),
    ]


def _settings_cells(e: Experiment, lang: str = "en") -> list[Any]:
    """hidden, epochs (the registry's: the paper's for its tables), epochs run, batch, lr,
    dropout of an experiment, as ``metrics.json`` recorded them, written in ``lang``."""
    s = e.settings
    if s is None:
        return ["-", "-", "-", "-", "-", "-"]
    epochs_run = ", ".join(str(k) for k in e.epochs_run) or "-"
    rates = (setting(s.lr, lang), setting(s.dropout, lang))
    return [s.hidden_size, s.epochs, epochs_run, s.batch_size, *rates]


def _result(e: Experiment, lang: str = "en") -> str:
    """An experiment's test metric over its seeds: MSE, or accuracy in percent."""
    if e.metric == "mse":
        return mean_std_text(e.result.values, digits=5, lang=lang)
    return percents(e.result.values, lang)


#: Tables I and II lead with the model and its test metric (ours, then the paper's), so that
#: a narrow screen shows them before the settings, which scroll.
TABLE_I_COLUMNS = ("col.model", "col.mse_ours", "col.hidden", "col.epochs_paper",
                   "col.epochs_run_seed", "col.batch", "col.lr", "col.dropout")  # fmt: skip
TABLE_II_COLUMNS = ("col.model", "col.accuracy_ours", "col.accuracy_paper", "col.hidden",
                    "col.epochs_paper", "col.epochs_run", "col.batch", "col.lr",
                    "col.dropout")  # fmt: skip


def _paper_tables(t: Tables, lang: str = "en") -> list[str]:
    """Tables I and II: the paper's rows with our results, the test metric first."""
    rows = [[e.label, _result(e, lang), *_settings_cells(e, lang)] for e in t.autoencoders]
    parts = ["", say("table1.title", lang), "", say("table1.intro", lang), "",
             _table([say(k, lang) for k in TABLE_I_COLUMNS], rows)]  # fmt: skip
    rows = [[e.label, _result(e, lang),
             say("not_reported", lang) if e.paper_result is None else percent(e.paper_result,
                                                                               lang=lang),
             *_settings_cells(e, lang)] for e in t.classifiers]  # fmt: skip
    header = [say(k, lang) for k in TABLE_II_COLUMNS]
    return [*parts, "", say("table2.title", lang), "", _table(header, rows)]


def _other_experiments(t: Tables, lang: str = "en") -> list[str]:
    """Every experiment outside the paper's tables, with its result."""
    if not t.others:
        return []
    rows = [
        [e.label, recorded(e.what, lang), say(f"result.{e.metric}", lang, shown=_result(e, lang))]
        for e in t.others
    ]
    header = [say(k, lang) for k in ("col.experiment", "col.what", "col.result")]
    return ["", say("others.title", lang), "", _table(header, rows)]


def _confusion_section(c: Confusion | None, lang: str = "en") -> list[str]:
    """The paper's confusion matrix beside ours (per 1000 images of each class), and recall."""
    if c is None:
        return []
    header = [say("confusion.corner", lang)] + [str(i) for i in range(10)]
    names = [f"{i} {CLASS_NAMES[i]}" for i in range(10)]
    matrix = lambda m: _table(header, [[n, *row] for n, row in zip(names, m, strict=True)])
    recall = [[names[i], percent(c.paper_recall[i], 1, lang), percent(c.recall[i], 1, lang)]
              for i in range(10)]  # fmt: skip
    return [
        "",
        say("confusion.title", lang),
        "",
        say(
            "confusion.intro",
            lang,
            accuracy=percent(c.paper_accuracy, lang=lang),
            seeds=counted(c.runs, "seed", lang),
        ),
        "",
        say("confusion.paper", lang),
        "",
        matrix(c.paper_matrix),
        "",
        say("confusion.ours", lang),
        "",
        matrix(c.ours_per_1000),
        "",
        say("recall.intro", lang),
        "",
        _table([say(k, lang) for k in ("col.class", "col.paper", "col.ours")], recall),
    ]


FIGURES = ("figure5_autoencoder_curves.png", "figure7_classifier_curves.png",
           "figure6_reconstructions.png", "confusion_matrices.png", "pooling_gap.png")  # fmt: skip
#: What each of the report's figures shows (its alt text, for readers who cannot see it).
FIGURE_ALT = {f: say(f) for f in FIGURES}


def _figure_alt(figure: str, lang: str) -> str:
    """A report figure's alt text; ``name.es.png`` is the Spanish drawing of ``name.png``."""
    name = figure.replace(".es.png", ".png")
    return say(name, lang) if name in FIGURES else figure


def render(found: Findings, figures: Sequence[str] = (), language: str = "en") -> str:
    """REPORT.md's text, from what ``metrics.json`` shows, in ``language`` ("en", or "es" for
    REPORT.es.md): the same numbers and verdicts, in that language's words."""
    lang = language
    parts = [
        *_header(found.provenance, lang),
        *_paper_tables(found.tables, lang),
        *_other_experiments(found.tables, lang),
        *_confusion_section(found.confusion, lang),
        *claims_section(found.claims, lang),
        *raschka_section(found.raschka, lang),
        *open_questions(found, lang),
        *time_section(found.times, lang),
    ]
    if figures:
        parts += ["", say("figures.title", lang), ""]
        parts += [f"![{_figure_alt(f, lang)}]({f})" for f in figures]
    return "\n".join(parts) + "\n"


def render_report(
    metrics: Mapping[str, Any], figures: Sequence[str] = (), language: str = "en"
) -> str:
    """REPORT.md's text from ``metrics.json``'s content: ``render(findings(metrics), ...)``."""
    return render(findings(metrics), figures, language)
