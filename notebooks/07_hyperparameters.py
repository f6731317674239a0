# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: -all
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
# # 7. Choosing hyperparameters
#
# Weights are learned; **hyperparameters** — epochs, code size, batch size, learning rate,
# dropout — are chosen before training. The report concludes that the right choice "depends on
# the nature of the problem and of the network", and draws some concrete lessons from its runs.
# This chapter turns each lesson into a claim, runs the sweeps that test it, and ends with how
# to choose properly.
#
# **Time.** The sweeps train about 130 small runs on a 10,000-image subset (`quick` budget) when
# `FMNIST_BUDGET=full`: an hour or more on a 2-core CPU the first time; finished runs are stored
# and reused.
# All choices below are made on the **validation** set; the test set is not touched.

# %%
# Setup. On Colab, install the course library first (Colab's own PyTorch is kept).
import importlib.util
import subprocess
import sys

if "google.colab" in sys.modules and not importlib.util.find_spec("fmnist_lib"):
    package = "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)

from fmnist_lib.course import setup

BUDGET = setup()  # FMNIST_BUDGET=full (default) or smoke
SWEEP = "smoke" if BUDGET == "smoke" else "quick"  # the budget of this chapter's sweeps

# %% [markdown]
# ## Batch size and learning rate, together
#
# A mini-batch of $B$ images gives a gradient estimate whose noise shrinks like $1/\sqrt{B}$; an
# epoch then makes $\lceil N / B \rceil$ updates. So a large batch takes few, accurate steps and a
# small batch many, noisy ones — and the learning rate $\eta$ sets how far each step goes. The two
# interact, so we sweep them together, for the feed-forward and the «consigna» autoencoders:

# %%
# NBVAL_CHECK_OUTPUT
import math

for batch_size in (32, 256, 1000):
    print(
        f"batch {batch_size:>4}: {math.ceil(50_000 / batch_size):>5} updates per epoch on the full "
        "training set"
    )

# %%
from fmnist_lib.experiments import sweep

grid = {"batch_size": [32, 256, 1000], "lr": [5e-4, 1e-3, 3e-3]}
ff = sweep("ae-feedforward-512", grid, SWEEP)
conv = sweep("ae-consigna-128", grid, SWEEP)

# %%
import matplotlib.pyplot as plt
import seaborn as sns

fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
for ax, (title, df) in zip(
    axes, {"feed-forward (512)": ff, "consigna (128)": conv}.items(), strict=True
):
    sns.heatmap(
        df.pivot(index="batch_size", columns="lr", values="best_val_loss"),
        annot=True,
        fmt=".4f",
        cmap="viridis_r",
        ax=ax,
        cbar=False,
    )
    ax.set_title(f"{title}: best validation MSE")
fig.tight_layout()

# %%
best_ff = ff.loc[ff.best_val_loss.idxmin()]
best_conv = conv.loc[conv.best_val_loss.idxmin()]
print(
    f"feed-forward best: batch {int(best_ff.batch_size)}, lr {best_ff.lr}  (val MSE "
    f"{best_ff.best_val_loss:.4f})"
)
print(
    f"consigna best:     batch {int(best_conv.batch_size)}, lr {best_conv.lr}  (val MSE "
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

from fmnist_lib.experiments import splits_for

QUICK = SWEEP == "quick"  # the smoke budget runs a small version of each sweep
SEEDS = (0, 1, 2) if QUICK else (0, 1)
UPDATES = 400 if QUICK else 20
BATCHES = [25, 100, 400] if QUICK else [100, 500]
RATES = [1e-4, 3e-4, 1e-3, 2e-3, 3e-3, 5e-3, 1e-2, 3e-2] if QUICK else [1e-4, 1e-3, 1e-2]
print(f"{len(splits_for(SWEEP).train):,} training images; {UPDATES} updates per run")
equal_grid = {"batch_size": BATCHES, "lr": RATES}
equal = sweep("ae-feedforward-512", equal_grid, SWEEP, seeds=SEEDS, updates=UPDATES, progress=False)
print("updates made by the runs:", sorted(equal.updates.unique()))
by_cell = equal.groupby(["batch_size", "lr"]).best_val_loss.agg(["mean", "std"]).reset_index()

fig, ax = plt.subplots(figsize=(6.5, 3.6))
for batch_size, cells in by_cell.groupby("batch_size"):
    ax.errorbar(cells.lr, cells["mean"], yerr=cells["std"], marker="o", capsize=3,
                label=f"batch {batch_size}")  # fmt: skip
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("learning rate")
ax.set_ylabel("best validation MSE (mean ± sd of seeds)")
ax.set_title(f"feed-forward autoencoder, {UPDATES} updates each")
ax.legend(fontsize=8)
ax.grid(alpha=0.3)

# %%
best = by_cell.loc[by_cell.groupby("batch_size")["mean"].idxmin()].set_index("batch_size")
best["inside the grid"] = ~best.lr.isin([by_cell.lr.min(), by_cell.lr.max()])
print(best.rename(columns={"lr": "best lr", "mean": "validation MSE", "std": "sd"}).to_string())
relative = by_cell.pivot(index="batch_size", columns="lr", values="mean")
print("\nvalidation MSE relative to each batch size's best:")
print((relative.T / relative.min(axis=1)).T.to_string(float_format="{:.2f}".format))

# %% [markdown]
# Two things to read in these tables. Whether each best learning rate lies *inside* the grid: a
# best value on the grid's edge means the grid was too narrow, and the comparison between batch
# sizes would then compare truncated searches. And how the good rates move with the batch size: a
# larger batch averages more images, its gradient is less noisy, and it can afford a longer step.
# Look at both flanks of the second table: the best value itself moves little (near the optimum
# the curves are flat), but the damage done by too large a rate shrinks as the batch grows. (For
# plain SGD a common rule of thumb scales $\eta$ in proportion to $B$; for Adam, which rescales
# each step, the growth is usually slower, as here.)
#
# With the same number of updates, the comparison that matters is each batch size at its own
# best learning rate, over the seeds, with the course's rule — a difference is *real* when its
# 95% confidence interval excludes zero:

# %%
from fmnist_lib.experiments import sweep_cell
from fmnist_lib.report import interval_text
from fmnist_lib.stats import compare

large, small = best.index.max(), best.index.min()
ff_large = sweep_cell(equal, batch_size=large, lr=best.lr[large])
ff_small = sweep_cell(equal, batch_size=small, lr=best.lr[small])
batch_effect = compare(ff_large, ff_small)
print(f"batch {large} − batch {small}, each at its best lr, {UPDATES} updates:")
print("  validation MSE", interval_text(batch_effect, scale=1, digits=5, unit=""))
print("  real" if batch_effect.real else "  not shown (the interval includes 0)")

# %% [markdown]
# Choosing each batch size's best rate on the same seeds that are then compared flatters every
# cell a little, and all cells equally. Remember the price, too: at equal updates the largest
# batch processes as many times more images as it is larger (here 400 / 25 = 16 times). Which
# comparison is fair depends on what is scarce — steps, images, or seconds on your hardware.
#
# ## Hidden size: reconstruction vs classification
#
# The report found that a larger code helps reconstruction, while a smaller one seemed better
# for classification. Several seeds of each setting:

# %%
hidden_ae = sweep("ae-consigna-128", {"hidden_size": [16, 64, 128, 256]}, SWEEP, seeds=SEEDS,
                  progress=False)  # fmt: skip
hidden_clf = sweep("clf-consigna-10", {"hidden_size": [10, 32, 128]}, SWEEP, seeds=SEEDS,
                   progress=False)  # fmt: skip
for title, table in (("consigna autoencoder", hidden_ae), ("consigna classifier", hidden_clf)):
    columns = ["best_val_loss"] + (["val_accuracy"] if "val_accuracy" in table else [])
    print(title)
    print(table.groupby("hidden_size")[columns].mean().to_string(float_format="{:.4f}".format))

# %% [markdown]
# ## Dropout: dense vs convolutional
#
# The report: dropout helped the dense network most, pooling the convolutional ones.

# %%
dropout_ff = sweep("ae-feedforward-512", {"dropout": [0.0, 0.1, 0.3]}, SWEEP, seeds=SEEDS,
                   progress=False)  # fmt: skip
dropout_conv = sweep("ae-consigna-128", {"dropout": [0.0, 0.1, 0.3]}, SWEEP, seeds=SEEDS,
                     progress=False)  # fmt: skip
for title, table in (("feed-forward", dropout_ff), ("consigna", dropout_conv)):
    print(title)
    print(table.groupby("dropout").best_val_loss.mean().to_string(float_format="{:.5f}".format))

# %% [markdown]
# ## The report's conclusions, checked
#
# Each conclusion becomes a comparison of two settings over the seeds, judged by the one rule
# (`fmnist_lib.stats`): the difference in validation loss, its 95% Welch interval, and *real*
# when the interval excludes zero. The report drew its batch-size conclusions at equal epochs;
# we test the feed-forward ones at equal updates, each batch size at its own best learning rate
# (the «consigna» ones are exercise 1: the convolutional model costs more per update). The dropout
# conclusion compares two gains (no dropout → dropout 0.1, the report's feed-forward setting):
# a difference of differences, with the same kind of interval.

# %%
from fmnist_lib.stats import contrast

claims = {
    "feed-forward: a large batch beats a small one": batch_effect,
    f"feed-forward: a high rate beats a lower one (1e-2 vs 1e-3, batch {large})": compare(
        sweep_cell(equal, batch_size=large, lr=1e-2), sweep_cell(equal, batch_size=large, lr=1e-3)
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
pd.DataFrame(
    [
        {
            "claim (a negative difference supports it)": claim,
            "difference in validation loss": interval_text(c, scale=1, digits=5, unit=""),
            "verdict": ("supported" if c.estimate < 0 else "contradicted")
            if c.real
            else "not shown",
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
# learns where to look: [Optuna](https://optuna.org)'s TPE sampler models which values gave low
# validation losses so far and proposes more like them. Two more ideas make it cheap:
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
# cheapest model of the course, with the full budget's data and epochs. At `FMNIST_BUDGET=full`
# the stored study is reused (nothing is retrained); on a fresh machine it trains about a dozen
# runs of under a minute each, fewer when some are pruned.

# %%
from fmnist_lib.search import distributions, figures, search, summarize

NAME = "clf-feedforward-512"
TRIALS = 12 if BUDGET == "full" else 4
distributions(NAME)

# %%
study = search(NAME, TRIALS, BUDGET)
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
from fmnist_lib.report import interval_text

summary = summarize(study, NAME, BUDGET)
print("best settings:", summary.best_params)
print(f"test accuracy, searched:   {[round(100 * a, 2) for a in summary.searched]}")
print(f"test accuracy, registered: {[round(100 * a, 2) for a in summary.registered]}")
print(
    "searched − registered:",
    interval_text(summary.comparison),
    "— real" if summary.comparison.real else "— not shown (the interval includes 0)",
)

# %% [markdown]
# Whatever the verdict above, read it with its budget: twelve trials at one seed each, on one
# validation split. A search finds settings that are good *on the validation set*; the test
# comparison says whether that transfers. The search explored four hyperparameters at once; a
# grid over the same four with three values each would take $3^4 = 81$ runs.
#
# ## Exercises
#
# 1. Redo the equal-updates comparison for the «consigna» autoencoder with batch sizes 25 and 400
#    (`sweep(..., updates=...)`). Predict first: will its best learning rate grow with the batch
#    size as the feed-forward's did?
# 2. Replace the grid with 9 random $(B, \eta)$ pairs, $\eta$ log-uniform in $[10^{-4}, 10^{-2}]$.
#    Which finds the better configuration?
# 3. Use early stopping (`patience`) to choose the epochs of `clf-consigna-10` on the
#    validation set, then report its test accuracy once.
# 4. Run `search` on `clf-consigna-10` with 8 trials at the `quick` budget. Before running it,
#    predict: will the best learning rate be larger or smaller than the report's $5\cdot10^{-4}$?
