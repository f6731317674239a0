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
# **Time.** The sweeps train a few dozen small runs on a 10,000-image subset (`quick`
# budget) when `FMNIST_BUDGET=full`: around 10–15 minutes on a 2-core CPU the first time.
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
# Keep in mind that every run had the same number of *epochs*, so (table above) the batch-1000
# runs made about thirty times fewer updates than the batch-32 ones. Comparing at equal epochs favours small batches;
# comparing at equal updates (or equal time) can reverse the picture. The report compared at
# its own epochs too.
#
# ## Hidden size: reconstruction vs classification
#
# The report found that a larger code helps reconstruction, while a smaller one seemed better
# for classification.

# %%
hidden_ae = sweep("ae-consigna-128", {"hidden_size": [16, 64, 128, 256]}, SWEEP)
hidden_clf = sweep("clf-consigna-10", {"hidden_size": [10, 32, 128]}, SWEEP)
print(hidden_ae[["hidden_size", "best_val_loss"]].to_string(index=False))
print(hidden_clf[["hidden_size", "best_val_loss", "val_accuracy"]].to_string(index=False))

# %% [markdown]
# ## Dropout: dense vs convolutional
#
# The report: dropout helped the dense network most, pooling the convolutional ones.

# %%
dropout_ff = sweep("ae-feedforward-512", {"dropout": [0.0, 0.1, 0.3]}, SWEEP)
dropout_conv = sweep("ae-consigna-128", {"dropout": [0.0, 0.1, 0.3]}, SWEEP)
print("feed-forward\n", dropout_ff[["dropout", "best_val_loss"]].to_string(index=False))
print("consigna\n", dropout_conv[["dropout", "best_val_loss"]].to_string(index=False))

# %% [markdown]
# ## How much is noise? Seeds
#
# Every number above comes from one run. Three seeds of the same configuration show the
# spread that any difference must exceed to mean something:

# %%
import pandas as pd

from fmnist_lib.experiments import run_experiment

seed_losses = pd.DataFrame(
    {
        name: [
            min(run_experiment(name, SWEEP, seed=s).history.column("val_loss")) for s in (0, 1, 2)
        ]
        for name in ("ae-feedforward-512", "ae-consigna-128", "clf-consigna-10")
    },
    index=pd.Index([0, 1, 2], name="seed"),
)
spread = seed_losses.max() - seed_losses.min()
print(seed_losses.to_string(float_format="{:.5f}".format))
print("\nspread (max - min) of the best validation loss:")
print(spread.to_string(float_format="{:.5f}".format))

# %% [markdown]
# ## The report's conclusions, checked
#
# Each conclusion becomes a claim with a test on the sweeps above. A difference no larger than
# the seed spread of the model involved is reported as "not shown".

# %%
def verdict(holds: bool, margin: float, noise: float) -> str:
    """'confirmed' / 'contradicted', or 'not shown' when the margin is within the seed spread."""
    return (
        "not shown (within seed noise)"
        if abs(margin) <= noise
        else ("confirmed" if holds else "contradicted")
    )


ff_noise, conv_noise, clf_noise = (
    spread["ae-feedforward-512"],
    spread["ae-consigna-128"],
    spread["clf-consigna-10"],
)
claims = []
margin = ff[ff.batch_size == 1000].best_val_loss.min() - ff[ff.batch_size == 32].best_val_loss.min()
claims.append(("feed-forward prefers large batches", margin < 0, margin, ff_noise))
margin = (
    conv[conv.batch_size == 32].best_val_loss.min()
    - conv[conv.batch_size == 1000].best_val_loss.min()
)
claims.append(("consigna prefers small batches", margin < 0, margin, conv_noise))
margin = conv[conv.lr == 5e-4].best_val_loss.min() - conv[conv.lr == 3e-3].best_val_loss.min()
claims.append(("consigna prefers a low learning rate", margin < 0, margin, conv_noise))
margin = hidden_ae.best_val_loss.iloc[-1] - hidden_ae.best_val_loss.iloc[0]
claims.append(("a larger code reconstructs better", margin < 0, margin, conv_noise))
margin = hidden_clf.best_val_loss.iloc[0] - hidden_clf.best_val_loss.iloc[-1]
claims.append(("a smaller hidden layer classifies better", margin < 0, margin, clf_noise))
gain_ff = dropout_ff.best_val_loss.iloc[0] - dropout_ff.best_val_loss.min()
gain_conv = dropout_conv.best_val_loss.iloc[0] - dropout_conv.best_val_loss.min()
claims.append(
    (
        "dropout helps the dense net more than the conv net",
        gain_ff > gain_conv,
        gain_ff - gain_conv,
        max(ff_noise, conv_noise),
    )
)
pd.DataFrame(
    [
        {
            "claim": c,
            "margin (validation loss)": f"{m:+.5f}",
            "seed spread": f"{n:.5f}",
            "verdict": verdict(h, m, n),
        }
        for c, h, m, n in claims
    ]
)

# %% [markdown]
# At the `smoke` budget these verdicts are noise about noise; at `full` (sweeps on the `quick`
# subset) they are evidence for this subset and these epochs — which is exactly the report's
# conclusion: the answers depend on the problem, the network *and the budget*.
#
# The small `verdict` function above is part of the lesson: a claim is only as good as the
# test that could have refuted it, and a test needs a noise level.
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
# 1. Redo the batch-size sweep at an equal number of *updates* (scale `epochs` with the batch
#    size). Do the conclusions change?
# 2. Replace the grid with 9 random $(B, \eta)$ pairs, $\eta$ log-uniform in $[10^{-4}, 10^{-2}]$.
#    Which finds the better configuration?
# 3. Use early stopping (`patience`) to choose the epochs of `clf-consigna-10` on the
#    validation set, then report its test accuracy once.
# 4. Run `search` on `clf-consigna-10` with 8 trials at the `quick` budget. Before running it,
#    predict: will the best learning rate be larger or smaller than the report's $5\cdot10^{-4}$?
