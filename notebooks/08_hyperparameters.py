# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,jupyter,-all
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 8. Choosing hyperparameters
#
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/fmnist-course/fmnist-course/blob/v0.1.0/notebooks/08_hyperparameters.ipynb)
#
# Weights are learned; **hyperparameters** — epochs, code size, batch size, learning rate,
# dropout — are chosen before training. The report concludes that the right choice "depends on
# the nature of the problem and of the network", and draws some concrete lessons from its runs.
# This chapter turns each lesson into a claim, runs the sweeps that test it, and ends with how
# to choose properly.
#
# **Objectives.** After this chapter you will be able to:
#
# - compute how many optimizer updates a run makes from its epochs, batch size and data, and
#   explain why comparing batch sizes at equal epochs is not comparing them at equal work;
# - sweep two interacting hyperparameters (batch size and learning rate) over several seeds and
#   read the result: whether each best value lies inside the grid, and how it moves;
# - turn a claim about hyperparameters into a comparison over seeds and decide it with the
#   course's rule (a 95% confidence interval);
# - choose hyperparameters on the validation set with a search (random sampling, a TPE sampler,
#   pruning) and test the choice once on the test set.
#
# **Study time.** About 90 minutes: about 40 to read the chapter and run its cells, and about ten
# for each of its 5 exercises (estimated from its length, at about 100 words of prose or ten lines
# of code a minute).
#
# **Time.** The sweeps train about 130 small runs on a 10,000-image subset: an hour or more on
# a 2-core CPU the first time; finished runs are stored and reused. The exercises' solutions
# train about two dozen more small runs.
# All choices below are made on the **validation** set; the test set is used once, at the end,
# to measure the search's final choice.

# %% tags=["hide-input"]
if "google.colab" in str(get_ipython()):  # on Colab: install the course's library
    # %pip install -q \
#         "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"

# %% [markdown]
# ## Batch size and learning rate, together
#
# A mini-batch of $B$ images gives a gradient estimate whose noise shrinks like $1/\sqrt{B}$; an
# epoch then makes $\lceil N / B \rceil$ updates. So a large batch takes few, accurate steps and a
# small batch many, noisy ones — and the learning rate $\eta$ sets how far each step goes. The two
# interact, so we sweep them together, for the feed-forward and the «consigna» autoencoders:

# %%
import math

from fmnist_lib.course import setup
from fmnist_lib.experiments import sweep
from fmnist_lib.settings import demonstration_budget, scaled, thinned

setup()
# the sweeps train on a subset: 10,000 images, 5 epochs at most
SUBSET = demonstration_budget()

# %% tags=["nbval-check-output"]
for batch_size in (32, 256, 1000):
    print(
        f"batch {batch_size:>4}: "
        f"{math.ceil(50_000 / batch_size):>5} updates per epoch on the full "
        "training set"
    )

# %%
grid = {"batch_size": [32, 256, 1000], "lr": [5e-4, 1e-3, 3e-3]}
ff = sweep("ae-feedforward-512", grid, SUBSET)
conv = sweep("ae-consigna-128", grid, SUBSET)

# %%
from fmnist_lib.plots import sweep_heatmaps

fig = sweep_heatmaps({"feed-forward (512)": ff, "consigna (128)": conv})

# %%
best_ff = ff.loc[ff.best_val_loss.idxmin()]
best_conv = conv.loc[conv.best_val_loss.idxmin()]
print(
    f"feed-forward best: batch {int(best_ff.batch_size)}, lr {best_ff.lr}  (val MSE "
    f"{best_ff.best_val_loss:.4f})"
)
print(
    f"consigna best:     batch {int(best_conv.batch_size)}, "
    f"lr {best_conv.lr}  (val MSE "
    f"{best_conv.best_val_loss:.4f})"
)

# %% [markdown]
# Every run above had the same number of *epochs*, so (table above) the batch-1000 runs made
# about thirty times fewer updates than the batch-32 ones, and each learning rate was tried at
# every batch size though the best rate need not be the same for all. Comparing at equal epochs
# favours small batches; it says little about the batch size itself. The report compared at its
# own epochs too.
#
# ### At an equal number of updates
#
# A fairer question: given the same number of optimizer steps, which batch size learns more? We
# give every run of the feed-forward autoencoder the same number of updates (`updates=` scales
# each run's epochs with its batch size), widen the learning-rate grid, and train several seeds
# of each cell, so that differences can be weighed against the spread of seeds. The batch sizes
# divide the training subset exactly, so every run makes exactly that many steps:

# %%
import pandas as pd

from fmnist_lib.data import splits_for
from fmnist_lib.plots import learning_rate_curves

SEEDS = range(scaled(3))
UPDATES = scaled(400)
BATCHES = thinned([25, 100, 400])
RATES = [1e-4, 3e-4, 1e-3, 2e-3, 3e-3, 5e-3, 1e-2, 3e-2]
print(f"{len(splits_for(SUBSET).train):,} training images; {UPDATES} updates per run")
equal_grid = {"batch_size": BATCHES, "lr": RATES}
equal = sweep(
    "ae-feedforward-512",
    equal_grid,
    SUBSET,
    seeds=SEEDS,
    updates=UPDATES,
    progress=False,
)
print("updates made by the runs:", sorted(equal.updates.unique()))
by_cell = (
    equal.groupby(["batch_size", "lr"]).best_val_loss.agg(["mean", "std"]).reset_index()
)

fig = learning_rate_curves(
    by_cell, "feed-forward (512)", updates=UPDATES, seeds=len(SEEDS)
)

# %%
best = by_cell.loc[by_cell.groupby("batch_size")["mean"].idxmin()].set_index(
    "batch_size"
)
best["inside the grid"] = ~best.lr.isin([by_cell.lr.min(), by_cell.lr.max()])
print(
    best.rename(
        columns={"lr": "best lr", "mean": "validation MSE", "std": "sd"}
    ).to_string()
)
relative = by_cell.pivot(index="batch_size", columns="lr", values="mean")
print("\nvalidation MSE relative to each batch size's best:")
print((relative.T / relative.min(axis=1)).T.to_string(float_format="{:.2f}".format))

# %% [markdown]
# Two things to read in these tables. Whether each best learning rate lies *inside* the grid: a
# best value on the grid's edge means the grid was too narrow, and the comparison between batch
# sizes would then compare truncated searches. And how the good rates move with the batch size: a
# larger batch averages more images, its gradient is less noisy, and it can afford a longer step.
# Here every best rate lies inside the grid, and the best value itself moves little (near the optimum the curves are flat). The
# right flank moves as the noise argument says: too large a rate hurts less as the batch grows.
# The left flank, read as a ratio, seems to say that too small a rate hurts more — but a ratio
# to a lower best: in absolute terms the smallest rate also does better with a larger batch. (For
# plain SGD a common rule of thumb scales $\eta$ in proportion to $B$; for Adam, which rescales
# each step, the growth is usually slower, and here far slower.)
#
# With the same number of updates, the comparison that matters is each batch size at its own
# best learning rate, over the seeds, with the course's rule — a difference is *real* when its
# 95% confidence interval excludes zero:

# %%
from fmnist_lib.experiments import sweep_cell
from fmnist_lib.numerals import interval_text
from fmnist_lib.stats import compare

big, little = best.index.max(), best.index.min()
ff_big = sweep_cell(equal, batch_size=big, lr=best.lr[big])
ff_little = sweep_cell(equal, batch_size=little, lr=best.lr[little])
batch_effect = compare(ff_big, ff_little)
print(f"batch {big} − batch {little}, each at its best lr, {UPDATES} updates:")
print("  validation MSE", interval_text(batch_effect, scale=1, digits=5, unit=""))
print("  real" if batch_effect.real else "  not shown (the interval includes 0)")
print(
    f"  images per run: batch {big} sees "
    f"{big / little:g} times as many as batch {little}"
)

# %% [markdown]
# Choosing each batch size's best rate on the same seeds that are then compared flatters each
# of them: the best of several noisy means is, on average, better than that rate's true mean.
# The flattery grows with the spread of the seeds (the `sd` column above), so it is not the
# same for every batch size; here the small batches' seeds spread most, so it favours them,
# against the large batch. Choosing the rate on some seeds and comparing on others
# would remove it. Remember the price, too: at equal updates the largest batch processes as many
# times more images as it is larger (printed above). Which comparison is fair depends on what is
# scarce — steps, images, or seconds on your hardware.
#
# ## Hidden size: reconstruction vs classification
#
# The report found that a larger code helps reconstruction, while a smaller one seemed better
# for classification. Several seeds of each setting (the verdicts below compare the extreme
# sizes; read the table for the ones in between):

# %%
codes, layers = {"hidden_size": [16, 64, 128, 256]}, {"hidden_size": [10, 32, 128]}
hidden_ae = sweep("ae-consigna-128", codes, SUBSET, seeds=SEEDS, progress=False)
hidden_clf = sweep("clf-consigna-10", layers, SUBSET, seeds=SEEDS, progress=False)
for title, table in (
    ("consigna autoencoder", hidden_ae),
    ("consigna classifier", hidden_clf),
):
    columns = ["best_val_loss"] + (["val_accuracy"] if "val_accuracy" in table else [])
    print(title)
    print(
        table.groupby("hidden_size")[columns]
        .mean()
        .to_string(float_format="{:.4f}".format)
    )

# %% [markdown]
# ## Dropout: dense vs convolutional
#
# The report: dropout helped the dense network most, pooling the convolutional ones. A caveat on
# the design: each run here keeps its registered batch size and the subset's five epochs, so the
# feed-forward autoencoder (batch 1000) makes only a few dozen updates and is far from fitting its
# training images; a regulariser has little to show on a model that has not yet over-fitted.

# %%
rates = {"dropout": [0.0, 0.1, 0.3]}
dropout_ff = sweep("ae-feedforward-512", rates, SUBSET, seeds=SEEDS, progress=False)
dropout_conv = sweep("ae-consigna-128", rates, SUBSET, seeds=SEEDS, progress=False)
for title, table in (("feed-forward", dropout_ff), ("consigna", dropout_conv)):
    print(title)
    print(
        table.groupby("dropout")
        .best_val_loss.mean()
        .to_string(float_format="{:.5f}".format)
    )

# %% [markdown]
# ## The report's conclusions, checked
#
# Each conclusion becomes a comparison of two settings over the seeds, judged by the one rule
# (`fmnist_lib.stats`): the difference in validation loss, its 95% Welch interval, and *real*
# when the interval excludes zero. The report drew its batch-size conclusions at equal epochs;
# we test the feed-forward ones at equal updates, each batch size at its own best learning rate
# (we leave out the «consigna» ones: each update of the convolutional model costs far more).
# The dropout conclusion compares two gains (no dropout → dropout 0.1, the report's feed-forward
# setting): a difference of differences, with the same kind of interval.

# %%
from fmnist_lib.stats import contrast

claims = {
    "feed-forward: a large batch beats a smaller one": batch_effect,
    f"feed-forward: a high rate beats a lower one (1e-2 vs 1e-3, batch {big})": compare(
        sweep_cell(equal, batch_size=big, lr=1e-2),
        sweep_cell(equal, batch_size=big, lr=1e-3),
    ),
    "a larger code reconstructs better (256 vs 16)": compare(
        sweep_cell(hidden_ae, hidden_size=256), sweep_cell(hidden_ae, hidden_size=16)
    ),
    "a smaller hidden layer classifies better (10 vs 128)": compare(
        sweep_cell(hidden_clf, hidden_size=10), sweep_cell(hidden_clf, hidden_size=128)
    ),
    "dropout 0.1 helps the dense net more than the conv net": contrast(
        [
            sweep_cell(dropout_ff, dropout=0.1),
            sweep_cell(dropout_ff, dropout=0.0),
            sweep_cell(dropout_conv, dropout=0.1),
            sweep_cell(dropout_conv, dropout=0.0),
        ],
        [1.0, -1.0, -1.0, 1.0],
    ),
}
claim_verdicts = {
    claim: ("supported" if c.estimate < 0 else "contradicted")
    if c.real
    else "not shown"
    for claim, c in claims.items()
}
pd.DataFrame(
    [
        {
            "claim (a negative difference supports it)": claim,
            "difference in validation loss": interval_text(
                c, scale=1, digits=5, unit=""
            ),
            "verdict": claim_verdicts[claim],
        }
        for claim, c in claims.items()
    ]
)

# %% [markdown]
# Each verdict holds for this subset, these updates and epochs, and these seeds; *not shown*
# means the seeds disagree too much for the difference to count, not that there is no
# difference. The report's own conclusion fits: the answers depend on the problem, the network
# *and the budget*.
#
# ## Choosing properly
#
# What the report suggests at its end (S. Raschka, 2018, *Model Evaluation, Model Selection,
# and Algorithm Selection in Machine Learning*), in short:
#
# 1. **Three roles, three sets.** Fit on the training set, choose on the validation set, report
#    once on the test set. Every look at the test set that changes a decision spends it.
# 2. **Search, don't guess.** A grid (as here) or, better for many hyperparameters, random search
#    over ranges on a log scale for $\eta$; stop bad runs early.
# 3. **Account for noise.** Repeat the best few configurations over seeds; with little data,
#    use $k$-fold cross-validation instead of one validation split, and *nested* cross-validation
#    when the selection itself must be evaluated.
# 4. **Compare fairly.** Equal budgets (epochs, updates or time) and the same split for every
#    candidate.
#
# ### A search instead of a grid
#
# A grid spends most of its runs on values of the hyperparameters that do not matter, and its
# cost multiplies with every hyperparameter added. A *search* samples the ranges instead and
# aims to learn where to look: [Optuna](https://optuna.org)'s TPE sampler models which values
# gave low validation losses so far and proposes more like them (after a few random trials). Two
# more ideas make it cheap:
#
# - **Pruning.** Every run reports its validation loss after each epoch (through the training
#   engine's `on_epoch` hook, the same `fit` as everywhere), and a run whose loss is worse than
#   the median of earlier runs at the same epoch is stopped.
# - **Storage.** The study is a database (here a SQLite file beside the runs): a killed search
#   continues, and several processes — or machines sharing a PostgreSQL database — can work on
#   one study (`python -m fmnist_lib search --help`).
#
# The objective is the validation loss; the test set is used once, at the end, to compare the
# best settings with the registered ones over three seeds. We search the feed-forward
# classifier (`clf-feedforward-512`: learning rate, batch size, dropout and hidden size), the
# cheapest model of the course, on all the training images with its registered epochs. The
# course's stored study is reused (nothing is retrained); without it, the search trains about a
# dozen runs, fewer epochs for those that are pruned.

# %%
from fmnist_lib.reproduction.search import distributions, figures, search, summarize

NAME = "clf-feedforward-512"
TRIALS = scaled(12, least=4)
distributions(NAME)

# %%
study = search(NAME, TRIALS)
trials = study.trials_dataframe(attrs=("number", "state", "value", "params"))
trials.columns = [c.removeprefix("params_") for c in trials.columns]
trials.rename(columns={"value": "validation loss"}).set_index("number")

# %% [markdown]
# Pruned trials stop early: their validation loss after a few epochs was already worse than the
# median. The figures show the search's progress (each point a trial, the line the best so
# far), how much each hyperparameter mattered to the validation loss (a fANOVA estimate, rough
# with this few trials), and the loss against each hyperparameter's value:

# %%
study_figures = figures(study)  # drawn below: history, importances, slices

# %% [markdown]
# Finally the best settings are retrained with three seeds and tested once, against the
# registered settings (the same model with the report's feed-forward hyperparameters), with the
# course's rule: a difference is *real* when its 95% confidence interval excludes zero.

# %%
from fmnist_lib.numerals import interval_text

summary = summarize(study, NAME)
print("best settings:", summary.best_params)
print(f"test accuracy, searched:   {[round(100 * a, 2) for a in summary.searched]}")
print(f"test accuracy, registered: {[round(100 * a, 2) for a in summary.registered]}")
print(
    "searched − registered:",
    interval_text(summary.comparison),
    "— real" if summary.comparison.real else "— not shown (the interval includes 0)",
)

# %% [markdown]
# Whatever the verdict above, read it with its cost: the trials listed above, one seed each,
# on one validation split. Look at which trial won and how many were pruned: with a dozen trials,
# the best may well be one of the first random ones, and the machinery is shown rather than its
# benefit — a search pays off over many more trials than a demonstration can afford. (The
# "validation loss" of a pruned trial is the last one it reported, before it was stopped.) A
# search finds settings that are good *on the validation set*; the test comparison says whether
# that transfers. The search explored four hyperparameters at once; a
# grid over the same four with three values each would take $3^4 = 81$ runs.
#
# ## Exercises
#

# %%
from fmnist_lib.exercises import check_answer

# %% [markdown]
# 1. **Equal epochs, unequal work.** The report trained `clf-consigna-10` for 35 epochs at batch
#    32 on the 50,000 images of the training split. How many optimizer updates is that (the last,
#    smaller batch of each epoch is an update too)? How many would batch 1000 make in the same
#    35 epochs?

# %%
answer = ...  # exercise 1: the updates of clf-consigna-10's 35 epochs at batch 32
check_answer("8.1", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 1</summary>
#
# One update per batch, and an epoch of $N$ images in batches of $B$ has $\lceil N / B \rceil$
# batches: $\lceil 50{,}000 / 32 \rceil = 1{,}563$ (the last one holds 16 images), so 35 epochs
# make $35 \cdot 1{,}563 = 54{,}705$ updates. Batch 1000 divides 50,000 exactly: 50 updates per
# epoch, 1,750 in 35 epochs, about 31 times fewer. That is why the first grid, at equal epochs,
# says more about the number of updates than about the batch size. The cell reads the settings
# from the registry.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
from fmnist_lib.experiments.registry import get_experiment

consigna = get_experiment("clf-consigna-10")
n_train = len(splits_for("full").train)
consigna_updates = consigna.epochs * math.ceil(n_train / consigna.batch_size)
print(
    f"{consigna.epochs} epochs x ceil({n_train:,} / {consigna.batch_size}) = "
    f"{consigna_updates:,} updates; at batch 1000: "
    f"{consigna.epochs * math.ceil(n_train / 1000):,}"
)
check_answer("8.1", consigna_updates)

# %% [markdown]
# 2. **Predict, then run: a batch size outside the studied ones.** Give the feed-forward
#    autoencoder batch 1000, with the same 400 updates per run as the equal-updates sweep. First,
#    how many epochs must each run train on the sweeps' 10,000 training images? Then
#    predict from the tables above: will batch 1000's best learning rate be larger than, equal
#    to or smaller than batch 400's, and will the largest rate hurt it more or less? Then run it,
#    at the five largest rates and one seed to keep it short:
#    `sweep("ae-feedforward-512", {"batch_size": [1000], "lr": RATES[-5:]}, SUBSET,
#    updates=UPDATES)`, and compare with the tables above.

# %%
# exercise 2: the epochs that make 400 updates at batch 1000 on 10,000 images
answer = ...
check_answer("8.2", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 2</summary>
#
# Batch 1000 makes $10{,}000 / 1000 = 10$ updates per epoch on the sweeps' 10,000 images, so
# 400 updates take 40 epochs: forty passes over the images, where batch 25 makes a single one.
#
# The prediction, from the chapter's reasoning: the larger the batch, the less noisy its
# gradient and the longer the step it can afford, so batch 1000's best rate should be at least
# batch 400's and the largest rate should hurt it less. Two cautions before reading the answer:
# near the optimum the curves are flat, so the best rate may not move at all; and if batch
# 1000's best rate lies on the grid's edge, the grid is too narrow to say where it is. The cell
# runs the sweep (one seed: read small differences with care), adds it to the equal-updates
# table and prints both comparisons.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
OUTSIDE = 1000
epochs_needed = 400 // math.ceil(10_000 / OUTSIDE)  # 400 updates on 10,000 images
print(f"{epochs_needed} epochs make 400 updates at batch {OUTSIDE} on 10,000 images")
OUTSIDE_RATES = RATES[-5:]
outside_grid = {"batch_size": [OUTSIDE], "lr": OUTSIDE_RATES}
outside = sweep(
    "ae-feedforward-512", outside_grid, SUBSET, updates=UPDATES, progress=False
)
print(
    f"the sweep's runs: {outside.epochs.iloc[0]} epochs, "
    f"{outside.updates.iloc[0]} updates"
)
means = (
    pd.concat([equal, outside])
    .groupby(["batch_size", "lr"])
    .best_val_loss.mean()
    .unstack()
)
print("\nvalidation MSE relative to each batch size's best:")
print(
    means.div(means.min(axis=1), axis=0).to_string(
        float_format="{:.2f}".format, na_rep="-"
    )
)
best_rate = means.idxmin(axis=1)
studied, largest = max(BATCHES), max(RATES)
if best_rate[OUTSIDE] == best_rate[studied]:
    moved = "the same"
else:
    moved = "larger" if best_rate[OUTSIDE] > best_rate[studied] else "smaller"
on_edge = best_rate[OUTSIDE] in (OUTSIDE_RATES[0], largest)
edge = "on the edge of its grid" if on_edge else "inside its grid"
rates_found = (
    f"batch {studied} {best_rate[studied]:g}, batch {OUTSIDE} {best_rate[OUTSIDE]:g}"
)
print(f"\nbest rate: {rates_found} ({moved}; {edge})")
harm = means[largest] / means.min(axis=1)
if harm[studied] > 1:
    less = "less" if harm[OUTSIDE] < harm[studied] else "not less"
    ratios = (
        f"x{harm[studied]:.2f} the best at batch {studied}, "
        f"x{harm[OUTSIDE]:.2f} at batch"
    )
    print(f"the largest rate {largest:g}: {ratios} {OUTSIDE} ({less} harm)")
else:
    print(
        f"the largest rate {largest:g} is batch {studied}'s best: "
        "the grid has no rate large "
        "enough to hurt"
    )
check_answer("8.2", epochs_needed)

# %% [markdown]
# 3. **A random search instead of the grid.** The first grid tried 3 batch sizes × 3 learning
#    rates on the feed-forward autoencoder. Try 9 random pairs instead, the batch size
#    log-uniform between 32 and 1000 (rounded) and $\eta$ log-uniform in $[10^{-4}, 10^{-2}]$,
#    with the same epochs as the grid (`run_experiment("ae-feedforward-512", SUBSET,
#    overrides={...})`), so that the two searches differ only in how they choose their points.
#    Which finds the lower validation MSE? Which batch sizes win in each, and why does that say
#    more about the number of updates than about the batch size? What would you need before
#    trusting the answer?

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 3</summary>
#
# A random search tries nine different values of each hyperparameter where the 3 × 3 grid tries
# three, so when one of the two matters much more than the other it explores that one three times
# as finely (Bergstra and Bengio, 2012); its range of rates is also wider than the grid's, so
# some pairs land where no grid point would, good or bad. Which of the two searches wins here
# is printed below, but with nine runs of one seed each either can win by luck: the difference
# between the two bests has to be weighed against the spread of seeds (the equal-updates sweep
# shows its size). Before trusting the answer, retrain each search's best over several seeds and
# compare them with the course's rule, or repeat the random search with other draws.
#
# Why the same epochs, after a chapter that took equal epochs apart? Because the exercise
# compares two ways of *choosing points*, and the grid it is compared with ran at equal epochs:
# running the random pairs at equal updates would change two things at once. The price is that
# neither search says much about the batch size. At the same epochs a smaller batch makes more
# updates (batch 32 about 30 times as many as batch 1000), so both searches reward small
# batches for their extra steps: look where the winners' batch sizes lie in the table below.
# To search the batch size itself, give every pair the same updates, as the equal-updates
# sweep does (`sweep(..., updates=UPDATES)`, with batch sizes that divide the 10,000 images so
# that every run makes exactly as many steps), and compare it with that sweep's grid.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
import numpy as np

from fmnist_lib.experiments import run_experiment

rng = np.random.default_rng(0)
batch_draws = np.rint(np.exp(rng.uniform(np.log(32), np.log(1000), 9))).astype(int)
rate_draws = 10 ** rng.uniform(-4, -2, 9)
random_rows = []
for b, lr in zip(batch_draws, rate_draws, strict=True):
    settings = {"batch_size": int(b), "lr": float(f"{lr:.2g}")}
    run = run_experiment(
        "ae-feedforward-512", SUBSET, overrides=settings, progress=False
    )
    random_rows.append(
        settings | {"best_val_loss": min(run.history.column("val_loss"))}
    )
random_pairs = pd.DataFrame(random_rows)
print(random_pairs.sort_values("best_val_loss").to_string(index=False))
grid_best, random_best = ff.best_val_loss.min(), random_pairs.best_val_loss.min()
winner = "the random pairs" if random_best < grid_best else "the grid"
print(
    f"\nbest validation MSE: grid {grid_best:.5f}, "
    f"random pairs {random_best:.5f}: {winner}"
)
for column in ("batch_size", "lr"):
    distinct = f"grid {ff[column].nunique()}, random {random_pairs[column].nunique()}"
    print(f"distinct values of {column}: {distinct}")

# %% [markdown]
# 4. **Epochs by early stopping.** Give `clf-consigna-10` more epochs than the sweeps' five and
#    let the validation loss choose:
#    `run_experiment("clf-consigna-10", SUBSET, epochs=20, overrides={"patience": 2})`. Which
#    epoch's weights does it keep, did it stop early, and what is its test accuracy, read once
#    after the choice?

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 4</summary>
#
# With `patience=2` training stops after two epochs without a lower validation loss, and the run
# keeps the weights of its best epoch (also when it reaches the epoch cap first). The epochs are
# thus chosen on the validation set, and the test accuracy is read once, for the weights chosen:
# it plays no part in the choice, so it stays an honest estimate. The cell prints the epochs run,
# the epoch kept and the test accuracy (20 epochs at most).
# If the kept epoch is the last one, the validation loss was still falling at the cap: early
# stopping chose nothing, and the run needed more epochs.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
patient = {"patience": 2}
stopped = run_experiment(
    "clf-consigna-10", SUBSET, epochs=scaled(20), overrides=patient, progress=False
)
h = stopped.history
print(
    f"ran {len(h.epochs)} epochs, stopped early: "
    f"{h.stopped_early}; kept epoch {h.best_epoch}"
)
print(f"validation loss per epoch: {[round(v, 3) for v in h.column('val_loss')]}")
print(f"test accuracy of the kept weights: {stopped.test['accuracy']:.2%}")

# %% [markdown]
# 5. **Predict, then search.** Run `search("clf-consigna-10", 8, SUBSET)`. Before running it,
#    predict: will the best learning rate be larger or smaller than the report's
#    $5\cdot10^{-4}$? Then compare.

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 5</summary>
#
# There is no safe prediction, and the reasons are the point. The search trains the sweeps'
# five epochs on a fifth of the images, not the report's 35 epochs on all of them, so
# it rewards settings that make progress fast, which can favour a larger step than a long
# training needs. It also varies the batch size (32 to 256), the dropout and the hidden size,
# and the best rate depends on them. The cell prints the trials and which way the best rate
# went.
# Eight trials of one seed each give one noisy answer: before adopting the best settings, test
# them as the chapter's last section does (several seeds, the test set once).
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
consigna_study = search("clf-consigna-10", scaled(8, least=3), SUBSET)
consigna_trials = consigna_study.trials_dataframe(
    attrs=("number", "state", "value", "params")
)
consigna_trials.columns = [c.removeprefix("params_") for c in consigna_trials.columns]
consigna_trials = consigna_trials.rename(columns={"value": "validation loss"})
print(consigna_trials.set_index("number").to_string())
found, reported = consigna_study.best_params["lr"], get_experiment("clf-consigna-10").lr
which_way = "larger" if found > reported else "smaller"
print(f"\nbest learning rate {found:.2g}: {which_way} than the report's {reported:g}")

# %% [markdown]
# ## Summary
#
# - Batch size and learning rate interact. At equal epochs a small batch makes many more
#   updates; at equal updates, each batch size compared at its own best rate, over seeds, the
#   question is about the batch size itself, and its cost is counted in images.
# - A grid's best value is worth reading only if it lies inside the grid; the reasoning about
#   gradient noise predicts that a larger batch tolerates a larger rate, which the right flank
#   shows.
# - Each of the report's lessons became a comparison over seeds, decided by one rule; every
#   verdict holds for its subset, updates and seeds.
# - Choosing properly: fit on the training set, choose on the validation set, test once; search
#   rather than guess (random or TPE sampling, pruning), and account for the noise of seeds.
#
# **Check yourself:** [a quiz on this chapter's ideas](quizzes/08_quiz.ipynb), with an explanation
# for every answer.
#
# The chapter's numbers (the sweeps on a 10,000-image subset, the search on all the data):

# %%
print(f"equal updates: {UPDATES} per run, seeds {list(SEEDS)}")
for batch_size, row in best.iterrows():
    print(
        f"  batch {batch_size:>4}: best lr {row.lr:g}, validation MSE {row['mean']:.5f}"
    )
print(
    f"batch {big} − batch {little}: "
    f"{interval_text(batch_effect, scale=1, digits=5, unit='')}"
)
for claim, verdict in claim_verdicts.items():
    print(f"  {verdict:<12} {claim}")
print(f"search ({summary.trials} trials): best {summary.best_params}")
seeds_tested = len(summary.searched)
searched_gain = interval_text(summary.comparison)
print(
    f"  searched − registered test accuracy over {seeds_tested} seeds: {searched_gain}"
)
