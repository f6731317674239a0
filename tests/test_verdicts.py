"""The report's verdicts, computed from metrics.json-like data by the one rule (stats.compare):
each can come out either way, and the tests check the numbers behind them."""

import pytest

from fmnist_lib import paper, stats
from fmnist_lib.reproduction import findings, report, verdicts
from fmnist_lib.reproduction.report import render_report, time_section


def _metrics(values: dict[str, list[float]], paired: bool = False) -> dict:
    """Fake metrics: test ``mse`` for ``ae-*`` names, else ``accuracy``; with ``paired``, every
    experiment's seed k trains in the same batches (the same split and batch size), else their
    batch sizes are not recorded and nothing pairs."""
    experiments = {}
    for name, xs in values.items():
        k = "mse" if name.startswith("ae-") else "accuracy"
        epochs = 35 if "-10" in name else 26
        pairing = {"batch_size": 32, "protocol": "held-out"} if paired else {}
        experiments[name] = {
            "task": "x",
            "settings": {"epochs": epochs, **pairing},
            "runs": [
                {
                    "seed": s,
                    "test": {k: v},
                    "seconds": 1.0,
                    "epochs_run": epochs,
                    "history": [{"epoch": epochs, "val_accuracy": v + 0.001 * (-1) ** s}],
                }
                for s, v in enumerate(xs)
            ],
        }
    return {"experiments": experiments}


AE = {
    "ae-consigna-128": [0.0204, 0.0206, 0.0203],
    "ae-feedforward-512": [0.0040, 0.0039, 0.0041],
    "ae-raschka-64": [0.0045, 0.0046, 0.0044],
    "ae-raschka-128": [0.0029, 0.0030, 0.0028],
}


def _verdict(claims, text):
    return next(c for c in claims if c.text.startswith(text))


def test_the_autoencoder_claims_come_out_either_way():
    claims = findings.claims(_metrics(AE))
    ranking = _verdict(claims, "The two best autoencoders")
    assert ranking.verdict == verdicts.CONFIRMED and len(ranking.pairs) == 4
    lower = _verdict(claims, "Raschka (128) reaches a lower error")
    assert lower.verdict == verdicts.CONFIRMED
    assert lower.pairs[0].comparison.estimate == pytest.approx(0.0029 - 0.0040)
    worse = dict(AE, **{"ae-raschka-128": [0.0050, 0.0051, 0.0049]})
    claims = findings.claims(_metrics(worse))
    assert _verdict(claims, "Raschka (128) reaches a lower error").verdict == verdicts.CONTRADICTED
    assert _verdict(claims, "The two best autoencoders").verdict == verdicts.CONTRADICTED
    noisy = dict(AE, **{"ae-raschka-128": [0.0030, 0.0050, 0.0040]})
    assert (
        _verdict(findings.claims(_metrics(noisy)), "Raschka (128) reaches").verdict == "not shown"
    )
    single = {n: xs[:1] for n, xs in AE.items()}
    assert (
        _verdict(findings.claims(_metrics(single)), "Raschka (128) reaches").verdict == "one seed"
    )


def test_not_beneficial_is_judged_by_equivalence_within_its_margin():
    def claim(pretrained, paired=False):
        m = _metrics(
            {"clf-consigna-10": [0.880, 0.883, 0.878], "clf-consigna-10-from-128": pretrained},
            paired,
        )
        return findings.not_beneficial_claim(m)

    equal = claim([0.881, 0.879, 0.882])  # within ±1 point, and narrowly
    assert equal.verdict == verdicts.CONFIRMED and equal.equivalence.outcome == stats.EQUAL
    assert equal.equivalence.margin == verdicts.NO_GAIN_MARGIN
    assert claim([0.860, 0.859, 0.862]).verdict == verdicts.CONFIRMED  # really worse
    assert claim([0.895, 0.897, 0.894]).verdict == verdicts.CONTRADICTED  # a real gain
    noisy = claim([0.870, 0.895, 0.882])  # the interval includes 0 and reaches past the margin
    assert noisy.verdict == verdicts.NOT_DECIDED and noisy.equivalence.outcome == stats.UNDECIDED
    assert claim([0.881]).verdict == verdicts.ONE_SEED
    # the same numbers paired by seed: the per-seed gains' spread decides instead
    paired = claim([0.881, 0.879, 0.882], paired=True)
    gains = [0.881 - 0.880, 0.879 - 0.883, 0.882 - 0.878]
    assert paired.pairs[0].comparison.method == stats.PAIRED
    assert paired.equivalence.contrast.estimate == pytest.approx(sum(gains) / 3)


def test_a_claims_words_must_fit_its_size():
    """ "Raschka (64) is (slightly) worse": the direction confirmed, "slightly" only below
    ``stats.SLIGHT`` times the error."""
    text = "Raschka (64) is (slightly) worse"
    large = _verdict(findings.claims(_metrics(AE)), text)  # 0.0045 / 0.0029: 1.55x the error
    assert large.verdict == verdicts.DIRECTION_ONLY and large.size.words == stats.MUCH
    assert large.size.ratio == pytest.approx(0.0045 / 0.0029)
    slight = dict(AE, **{"ae-raschka-128": [0.00290, 0.00291, 0.00289],
                         "ae-raschka-64": [0.00310, 0.00311, 0.00309]})  # 1.07x  # fmt: skip
    claims = findings.claims(_metrics(slight))
    assert _verdict(claims, text).verdict == verdicts.CONFIRMED
    assert _verdict(claims, text).size.words == stats.SLIGHTLY


def test_the_worst_class_is_judged_by_the_rule_against_the_next_worst():
    def claim(recalls):
        runs = [{"seed": k, "test": {"per_class_accuracy": r}} for k, r in enumerate(recalls)]
        return findings.worst_class_claim({"experiments": {paper.CONFUSION_EXPERIMENT: {
            "runs": runs}}})  # fmt: skip

    base = [0.95] * 10
    seeds = [[*base[:6], 0.72 + d, *base[7:]] for d in (0.0, 0.01, -0.01)]
    for s, next_worst in zip(seeds, (0.85, 0.84, 0.87), strict=True):
        s[0] = next_worst
    shown = claim(seeds)
    assert shown.verdict == verdicts.CONFIRMED and shown.detail.next_worst == 0
    gap = shown.detail.closest.comparison
    direct = stats.compare_paired([s[6] for s in seeds], [s[0] for s in seeds])
    assert (gap.estimate, gap.low, gap.high) == pytest.approx((direct.estimate, direct.low,
                                                               direct.high))  # fmt: skip
    close = [[*s[:6], s[0] + (0.0, 0.2, -0.15)[k], *s[7:]] for k, s in enumerate(seeds)]
    assert claim(close).verdict == verdicts.NOT_SHOWN  # Shirt's lead is within the noise
    assert findings.worst_class_claim({"experiments": {}}).verdict == verdicts.NOT_RUN


MATRIX = [[100 * (i == j) for j in range(10)] for i in range(10)]
RECALL = [1.0] * 10


def _raschka(held_out, protocol=()):
    runs = [
        {
            "seed": k,
            "test": {"accuracy": a, "confusion_matrix": MATRIX, "per_class_accuracy": RECALL},
            "epochs_run": 2,
            "best_epoch": 2,
            "seconds": 1.0,
            "history": [
                {"epoch": 1, "train_accuracy": 0.8, "val_accuracy": 0.79},
                {"epoch": 2, "train_accuracy": a + 0.02, "val_accuracy": a},
            ],
        }
        for k, a in enumerate(held_out)
    ]
    p_runs = [
        {
            "seed": k,
            "test": {"accuracy": a},
            "history": [{"epoch": 1, "val_accuracy": a}],
            "seconds": 1.0,
            "epochs_run": 1,
        }
        for k, a in enumerate(protocol)
    ]
    return {
        "experiments": {
            paper.CONFUSION_EXPERIMENT: {"settings": {"group": "paper"}, "runs": runs},
            "clf-raschka-10-paper-protocol": {
                "task": "classification",
                "runs": p_runs,
                "settings": {"note": "protocol", "title": "x", "group": "investigation"},
            },
        }
    }


def test_the_raschka_check_says_what_explains_the_gap():
    explained = findings.raschka_check(_raschka([0.910, 0.912, 0.911], [0.920, 0.923, 0.921]))
    assert explained.verdict == "protocol" and explained.protocol_effect.real
    assert explained.single_run == pytest.approx(stats.prediction_interval([0.920, 0.923, 0.921]))
    one_run = findings.raschka_check(_raschka([0.913, 0.918, 0.915], [0.912, 0.920, 0.916]))
    assert one_run.verdict == "one run" and not one_run.protocol_effect.real
    beyond = findings.raschka_check(_raschka([0.900, 0.902, 0.901], [0.895, 0.896, 0.8955]))
    assert beyond.verdict == "unexplained" and beyond.single_run[1] < paper.accuracy()
    assert findings.raschka_check({"experiments": {}}) is None
    assert findings.raschka_check(_raschka([0.91])).verdict == "too few runs"


def _design(fe_10, consigna_128, paired=False):
    return _metrics(
        {
            "clf-consigna-10": [0.880, 0.883, 0.878],
            "clf-consigna-fe-128": [0.896, 0.898, 0.894],
            "clf-consigna-fe-10": fe_10,
            "clf-consigna-128": consigna_128,
        },
        paired,
    )


def test_open_question_1_pairs_its_seeds_and_reads_its_five_contrasts_together():
    q = findings.size_or_start(_design([0.871, 0.869, 0.872], [0.897, 0.895, 0.899], paired=True))
    cells = [[[0.880, 0.883, 0.878], [0.871, 0.869, 0.872]],
             [[0.897, 0.895, 0.899], [0.896, 0.898, 0.894]]]  # fmt: skip
    by_hand = stats.design_2x2_paired(cells)
    assert q.paired and q.design == by_hand and q.design.interaction.method == stats.PAIRED
    assert q.family.count == 5 and q.family.adjusted == stats.holm(q.family.p_values)
    assert q.unpaired == stats.design_2x2(cells)  # Welch's, shown beside for comparison
    val = [[[x + 0.001 * (-1) ** k for k, x in enumerate(c)] for c in row] for row in cells]
    assert q.validation.rows_effect.estimate == pytest.approx(
        stats.design_2x2_paired(val).rows_effect.estimate)  # fmt: skip
    # the answer follows the family's decisions, not each interval's own
    nothing = report.size_or_start_answer(q.design, real=(False,) * 5)
    assert "has no effect shown" in nothing and "raises" not in nothing
    assert not findings.size_or_start(_design([0.871, 0.869, 0.872], [0.897, 0.895, 0.899])).paired


def test_open_question_1_separates_size_start_and_their_interaction():
    size = findings.size_or_start(_design([0.881, 0.879, 0.882], [0.897, 0.895, 0.899]))
    d = size.design
    assert d.rows_effect.real and not d.columns_effect.real and not d.interaction.real
    assert d.rows_effect.estimate == pytest.approx(((0.896 + 0.897) - (0.8803333 + 0.8806667)) / 2)
    assert size.epochs == (35, 26)
    start = findings.size_or_start(_design([0.897, 0.895, 0.899], [0.881, 0.879, 0.882]))
    assert start.design.columns_effect.real and start.design.columns_effect.estimate > 0
    only_small = findings.size_or_start(_design([0.871, 0.869, 0.872], [0.897, 0.895, 0.899]))
    low, high = only_small.design.column_effect_in_row
    assert low.real and low.estimate < 0 and not high.real and only_small.design.interaction.real
    assert findings.size_or_start(_metrics({"clf-consigna-10": [0.88, 0.89]})) is None


def test_the_open_question_1_answer_splits_the_start_by_size_only_with_an_interaction():
    only_small = findings.size_or_start(_design([0.871, 0.869, 0.872], [0.897, 0.895, 0.899]))
    d = only_small.design
    answer = report.size_or_start_answer(d)
    for c in (d.rows_effect, d.interaction, *d.column_effect_in_row):
        assert f"{100 * c.estimate:+.2f} points [{100 * c.low:+.2f}" in answer
    assert f"{100 * d.columns_effect.estimate:+.2f} points" not in answer
    size = findings.size_or_start(_design([0.881, 0.879, 0.882], [0.897, 0.895, 0.899])).design
    start = size.columns_effect
    assert f"{100 * start.estimate:+.2f} points [" in report.size_or_start_answer(size)
    assert "35" in report.epoch_confound((35, 26)) and "26" in report.epoch_confound((35, 26))


def test_the_conclusion_check_compares_with_the_feed_forward_classifier():
    checks = findings.feedforward_check(
        _metrics(
            {
                "clf-feedforward-512": [0.889, 0.890, 0.891],
                "clf-consigna-10": [0.880, 0.881, 0.882],
                "clf-raschka-10": [0.914, 0.915, 0.916],
            }
        )
    )
    rows = {row.sample.name: row for row in checks.convolutional}
    assert rows["clf-consigna-10"].comparison.estimate == pytest.approx(-0.009)
    assert rows["clf-consigna-10"].verdict == verdicts.CONTRADICTED
    assert rows["clf-raschka-10"].verdict == verdicts.CONFIRMED
    assert "clf-consigna-fe-128" not in rows


def test_pooling_is_judged_on_the_gap_and_on_test_accuracy():
    def runs(gaps, accs):
        return [
            {
                "seed": k,
                "test": {"accuracy": a},
                "history": [
                    {"train_accuracy": 0.9, "val_accuracy": 0.9},
                    {"train_accuracy": 0.93, "val_accuracy": 0.93 - g},
                ],
            }
            for k, (g, a) in enumerate(zip(gaps, accs, strict=True))
        ]

    m = {
        "experiments": {
            "clf-raschka-10": {"runs": runs([0.020, 0.022, 0.021], [0.915, 0.913, 0.917])},
            "clf-raschka-10-pool": {"runs": runs([0.010, 0.011, 0.009], [0.916, 0.912, 0.917])},
        }
    }
    q = findings.pool_check(m)
    assert q.gap.real and q.gap.estimate == pytest.approx(-0.011)
    assert q.gap_curves["clf-raschka-10-pool"][1] == pytest.approx(0.010)
    assert q.test.known and not q.test.real
    same = verdicts.compare_pooling(
        [[0.0, g] for g in (0.010, 0.011, 0.009)],
        [[0.0, g] for g in (0.020, 0.022, 0.021)],
        [0.916, 0.912, 0.917],
        [0.915, 0.913, 0.917],
    )
    assert same.gap.estimate == pytest.approx(q.gap.estimate)
    assert same.test.estimate == pytest.approx(q.test.estimate)
    assert f"{100 * q.gap.low:+.2f}" in report.pool_answer(q)


def test_the_time_table_adds_up_the_runs():
    def metrics(names, seconds):
        runs = lambda: [{"seconds": seconds, "epochs_run": 1, "hardware": {"torch_threads": 2}}]
        return {
            "hardware": {"device": "cpu", "cpu_count": 2},
            "wall_seconds": 60.0,
            "experiments": {n: {"settings": {"group": "paper"}, "runs": runs()} for n in names},
        }

    everything = [*paper.TABLE_I, *paper.TABLE_II]
    text = "\n".join(time_section(findings.times(metrics(everything, 600.0))))
    assert f"**{len(everything) * 10:.1f} min**" in text and "the whole paper" in text
    partial = "\n".join(time_section(findings.times(metrics(everything[:-1], 600.0))))
    assert f"{len(everything) - 1} of its {len(everything)} experiments" in partial
    assert "no total is given" in text  # these runs recorded no GEMM rate


def test_times_are_normalised_by_the_gemm_rate_each_run_recorded():
    run = {"seconds": 600.0, "epochs_run": 2, "hardware": {"gemm_gflops": [300.0, 384.0]}}
    assert findings.normalised_seconds(run) == pytest.approx(600 * 342 / findings.REFERENCE_GEMM)
    assert findings.normalised_seconds({"seconds": 600.0, "hardware": {}}) is None
    on_a_gpu = {**run, "hardware": {"device": "cuda", "gemm_gflops": [40_000.0, 41_000.0]}}
    assert findings.normalised_seconds(on_a_gpu) is None  # a GPU's rate is no CPU yardstick
    on_a_cpu = {**run, "hardware": {"device": "cpu", "gemm_gflops": [300.0, 384.0]}}
    assert findings.normalised_seconds(on_a_cpu) == findings.normalised_seconds(run)
    names = [*paper.TABLE_I, *paper.TABLE_II]
    metrics = {
        "hardware": {"device": "cpu", "cpu_count": 2},
        "wall_seconds": 60.0,
        "experiments": {n: {"settings": {"group": "paper"}, "runs": [run]} for n in names},
    }
    text = "\n".join(time_section(findings.times(metrics)))
    expected = len(names) * 600 * 342 / findings.REFERENCE_GEMM / 60
    assert f"**{expected:.1f} min**" in text
    assert f"| {600 * 342 / findings.REFERENCE_GEMM / 2:.1f} |" in text  # per epoch, normalised


def test_the_report_states_no_internal_target():
    text = render_report(
        {
            **_raschka([0.913, 0.918, 0.915], [0.912, 0.920, 0.916]),
            "budget": "full",
            "sizes": {"train": 1, "val": 1, "test": 1},
            "created": "now",
            "versions": {},
            "hardware": {"device": "cpu", "device_name": "x", "cpu_count": 2, "torch_threads": 2},
            "wall_seconds": 1.0,
        }
    )
    assert "91.5%" not in text and "goal" not in text


def test_every_figure_the_pipeline_draws_has_alt_text():
    import re
    from pathlib import Path

    from fmnist_lib.reproduction.report import FIGURE_ALT

    source = (
        Path(__file__).resolve().parent.parent / "fmnist_lib" / "reproduction" / "pipeline.py"
    ).read_text()
    drawn = set(re.findall(r'out\["([\w.]+\.png)"\]', source))
    assert drawn and drawn <= set(FIGURE_ALT), drawn - set(FIGURE_ALT)
