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
# # 5. Transfer learning: where training starts
#
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/fmnist-course/fmnist-course/blob/v0.1.0/notebooks/05_transfer_learning.ipynb)
#
# Gradient descent only ever improves the weights it is given: where it ends depends on where it
# starts. The report's answer to this *dependence on the initial weights* is transfer learning:
# start the classifier from the encoder of a trained autoencoder instead of from random numbers.
# This chapter measures how much the start matters, compares the three ways to reuse an encoder,
# and puts a question the report left open to the test — to see how far three seeds can answer it.
#
# **Objectives.** After this chapter you can
#
# - judge whether two models differ beyond the spread of random seeds, with one rule (a 95%
#   confidence interval of the difference, `fmnist_lib.stats.compare`);
# - start a classifier from a trained encoder in three ways — from scratch, fine-tuned, frozen —
#   and say what each trains;
# - keep a frozen part frozen: its gradients off *and* its layers in eval mode;
# - separate two causes of one difference with a $2 \times 2$ design, and name what it still
#   confounds.
#
# **Study time.** About 95 minutes: about 45 to read the chapter and run its cells, and about ten
# for each of its 5 exercises (estimated from its length, at about 100 words of prose or ten lines
# of code a minute).
#
# **Time.** This chapter reuses the course's published runs and trains only a short
# demonstration on a 10,000-image subset (a few minutes on a 2-core CPU). Without the published
# runs it trains its classifiers and the autoencoders they start from, three seeds each: several
# hours on a 2-core CPU (runs already made by `make reproduce` or chapters 3–4 are reused).

# %% tags=["hide-input"]
if "google.colab" in str(get_ipython()):  # on Colab: install the course's library
    # %pip install -q \
#         "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"

# %% [markdown]
# ## The same model, three random starts
#
# Here is the «consigna» classifier ($n = 10$) trained three times with identical settings; only
# the seed changes, that is the random initial weights, the dropout masks and the batch order.

# %%
import pandas as pd

from fmnist_lib.course import setup
from fmnist_lib.experiments import run_experiment
from fmnist_lib.numerals import numeral

setup()
seeds = {seed: run_experiment("clf-consigna-10", seed=seed) for seed in (0, 1, 2)}
spread = pd.DataFrame(
    {
        f"seed {s}": {
            "val accuracy": r.history.epochs[-1]["val_accuracy"],
            "test accuracy": r.test["accuracy"],
        }
        for s, r in seeds.items()
    }
).T
val_range = spread["val accuracy"].max() - spread["val accuracy"].min()
display(spread.map(lambda x: f"{numeral(x):.2%}"))
print(f"range of validation accuracy over seeds: {numeral(val_range):.2%}")

# %% [markdown]
# Any difference between two models has to be weighed against this spread. The report compared
# single runs; the course uses one rule everywhere (`fmnist_lib.stats.compare`): the difference
# of the two models' mean over seeds, with a 95% confidence interval (Welch's, which does not
# assume the two spreads are equal); the difference is *real* when the interval excludes zero.
# (When the two models' seeds are paired, an interval of the per-seed differences matches the
# design better; the $2 \times 2$ design below shows when that matters.) For example, the same
# classifier with a hidden layer of 128 instead of 10:

# %%
from fmnist_lib.stats import compare

wide = [run_experiment("clf-consigna-128", seed=s).test["accuracy"] for s in (0, 1, 2)]
narrow = [r.test["accuracy"] for r in seeds.values()]
n_effect = compare(wide, narrow)
points = lambda c: (
    f"{numeral(100 * c.estimate):+.2f} points "
    f"[{numeral(100 * c.low):+.2f}, {numeral(100 * c.high):+.2f}]"
)
print("test accuracy, n = 128 − n = 10:", points(n_effect))
print(
    f"degrees of freedom (Welch): {numeral(n_effect.df):.1f}; "
    f"the interval excludes 0: {'yes' if n_effect.real else 'no'}"
)

# %% [markdown]
# Read it in three steps. The first number is the estimate: the difference of the two means.
# The bracket is the 95% interval: the differences that these seeds cannot tell apart from the
# estimate; its width comes from the spread of the seeds and from their number. And the verdict
# is only whether 0 lies outside it. Here the whole interval lies above 0: the wider hidden
# layer classifies better, by somewhere between the interval's two ends — the
# estimate is not known more precisely than that. With three seeds the interval is wide (few
# degrees of freedom): a small difference needs more seeds before it counts. An interval that
# includes 0 means *not shown*, never "no difference": the same interval also contains
# differences that would matter.
#
# ## Three ways to reuse an encoder
#
# With a trained autoencoder at hand, a classifier can
#
# 1. **start from scratch**: random weights everywhere (chapter 4);
# 2. **fine-tune**: copy the encoder's weights, then train *all* weights on the labels — what the
#    report calls «consigna FE» ("feature extraction");
# 3. **extract features**: copy the encoder, *freeze* it, and train only the head — what the term
#    usually means. The report tried it and found it unsatisfactory.
#
# Copying weights needs matching layers. `transfer_encoder` pairs the layers that have weights,
# in order, and refuses clearly when a tensor cannot fit:

# %% tags=["nbval-check-output"]
from fmnist_lib.models import (
    ConsignaAutoencoder,
    ConsignaClassifier,
    TransferError,
    transfer_encoder,
)

print(
    transfer_encoder(
        ConsignaAutoencoder(hidden_size=128), ConsignaClassifier(hidden_size=128)
    )
)
try:
    transfer_encoder(
        ConsignaAutoencoder(hidden_size=128), ConsignaClassifier(hidden_size=10)
    )
except TransferError as error:
    print("\nTransferError:", error)
print("\nallow_partial=True:")
print(
    transfer_encoder(
        ConsignaAutoencoder(hidden_size=128),
        ConsignaClassifier(hidden_size=10),
        allow_partial=True,
    )
)

# %% [markdown]
# The last case is the report's other unsatisfactory attempt, an $n = 10$ classifier started from
# the $n = 128$ encoder: only the convolutions can be copied; the dense layer $800 \to 10$ starts
# from scratch, and the pretrained convolutions were tuned to feed a different dense layer.
# (The table below shows how it did here, one seed, beside the others.)
#
# ## The experiments

# %% tags=["nbval-check-output"]
from fmnist_lib.experiments.registry import settings_table

names = [
    "clf-consigna-10",
    "clf-consigna-128",
    "clf-consigna-fe-128",
    "clf-consigna-frozen-128",
    "clf-consigna-10-from-128",
    "clf-consigna-fe-10",
]
columns = {
    "hidden": "hidden_size",
    "start": lambda e: e.init_from or "random",
    "frozen encoder": "freeze_encoder",
    "epochs": "epochs",
    "what": lambda e: e.note or e.title,
}
settings_table(names, columns)

# %%
from fmnist_lib.experiments import summary_table

results = {n: run_experiment(n) for n in names}
table = summary_table(results)[
    ["hidden", "epochs run", "val accuracy", "test accuracy", "parameters", "trainable"]
]
table

# %%
from fmnist_lib.plots import training_curves

fig = training_curves(
    {
        results[n].experiment.title: results[n].history.epochs
        for n in ("clf-consigna-128", "clf-consigna-fe-128", "clf-consigna-frozen-128")
    },
    ("accuracy",),
    ("accuracy",),
    "n = 128: from scratch, fine-tuned, frozen encoder",
)

# %%
from fmnist_lib.wording import phrase  # a model's title in the notebook's language

for n in ("clf-consigna-128", "clf-consigna-fe-128", "clf-consigna-frozen-128"):
    h = results[n].history.epochs
    print(
        f"{phrase(results[n].experiment.title):<28} validation accuracy after epoch 1: "
        f"{numeral(h[0]['val_accuracy']):.1%}, "
        f"after epoch {len(h)}: {numeral(h[-1]['val_accuracy']):.1%}"
    )

# %% [markdown]
# Where a pretrained start helps, it shows first in the early epochs. Whether it *ends* higher is
# a separate question: with enough epochs a random start may catch up.
#
# ### Frozen means frozen: `train()` and `eval()`
#
# A frozen encoder must behave in training exactly as it will at test time. Stopping its
# gradients (`requires_grad_(False)`) is not enough: `model.train()` switches *every* submodule
# to its training behaviour, and the «consigna» encoder has a `Dropout(0.8)` after `Flatten`, in
# front of its dense layer. Frozen that way, it keeps dropping each of those 800 features with
# probability 0.8 at every training step and none at test: the head learns on codes that are not
# the ones it will be given. (The course's own first reference run of
# this experiment had exactly this bug.) `freeze` in the library stops the gradients *and* keeps
# the module in eval mode. The difference, on the same pretrained encoder, training only the
# head for 5 epochs on a subset of 10,000 training images:

# %%
import torch

from fmnist_lib.data import Batches, splits_for
from fmnist_lib.models import freeze
from fmnist_lib.settings import demonstration_budget
from fmnist_lib.training import TrainConfig, fit, seed_everything

subset = splits_for(demonstration_budget())
pretrained = run_experiment("ae-consigna-128").model
x, _ = next(iter(Batches(subset.val, 8)))
config = TrainConfig("classification", epochs=5, batch_size=40, lr=5e-4)
heads = {}
for how in ("requires_grad_(False) only", "freeze()"):
    seed_everything(0)
    model = ConsignaClassifier(hidden_size=128)
    transfer_encoder(pretrained, model)
    if how == "freeze()":
        freeze(model.encoder)
    else:
        model.encoder.requires_grad_(False)
    model.train()
    with torch.no_grad():
        same = torch.equal(model.encoder(x), model.encoder(x))
    history = fit(model, subset.train, subset.val, config, progress=False)
    heads[how] = {
        "encoder gives the same output twice in train mode": "yes" if same else "no",
        "validation accuracy after 5 epochs": (
            f"{numeral(history.epochs[-1]['val_accuracy']):.2%}"
        ),
    }
pd.DataFrame(heads).T

# %% [markdown]
# Only the head was trained in both; the gap in accuracy comes from the dropout alone (one seed
# each: an illustration of the mechanism, not a measurement of its size). Any layer that behaves
# differently in training — dropout, batch normalisation — has to be in the right mode, and a
# frozen one in eval mode.
#
# The reference run of `clf-consigna-frozen-128` in the table above was trained with `freeze()`,
# and that has a consequence its settings do not show. The «consigna» classifier's only dropout
# is the one inside the encoder; its head, `Linear(128, 10)`, has none. Frozen in eval mode,
# that dropout never drops anything, so the frozen classifier trains with **no regularisation
# at all**, although its settings list dropout 0.8 — while the from-scratch and fine-tuned
# classifiers it is compared with train with dropout 0.8 in front of their dense layer. The
# model's dropout layers, after `model.train()`:

# %%
frozen_model = results["clf-consigna-frozen-128"].model
frozen_model.train()  # what training does before every epoch
for where, layer in frozen_model.named_modules():
    if isinstance(layer, torch.nn.Dropout):
        training = "yes" if layer.training else "no"
        print(f"{where}: {layer}, in training mode: {training}")
frozen_model.eval()
print("the head:", frozen_model.head)

# %% [markdown]
# So its lower accuracy mixes two differences: only the head learns, and nothing regularises
# it. A linear head of 1,290 weights on fixed features has little room to over-fit, so the
# missing dropout may matter little here, but this design cannot tell: a fair comparison would
# add a dropout in front of the head, as a second, labelled variant with its own seeds.
#
# ## The report's open question: hidden size or pretrained start?
#
# «consigna FE» beat «consigna (10)», but the two differ in two ways at once: the code size (128
# vs 10) and the start (pretrained vs random). The report proposed the missing experiments:
# train an $n = 10$ autoencoder and fine-tune from it, and (we add) train $n = 128$ from scratch.
# That completes a $2 \times 2$ design:

# %%
from fmnist_lib.stats import contrasts_of, design_2x2

DESIGN = [
    ["clf-consigna-10", "clf-consigna-fe-10"],
    ["clf-consigna-128", "clf-consigna-fe-128"],
]
design_runs = [
    [[run_experiment(n, seed=s) for s in (0, 1, 2)] for n in row] for row in DESIGN
]
cells = [[[r.test["accuracy"] for r in runs] for runs in row] for row in design_runs]
print("test accuracy, mean over three seeds")
means = pd.DataFrame(
    [[sum(c) / len(c) for c in row] for row in cells],
    index=["n = 10", "n = 128"],
    columns=["random start", "pretrained start"],
)
display(means.map(lambda x: f"{numeral(x):.2%}"))
design = design_2x2(cells)
EFFECTS = [
    "hidden size (128 − 10), averaged over the start",
    "pretrained start, averaged over the size",
    "pretrained start at n = 10",
    "pretrained start at n = 128",
    "interaction (start effect at 128 − at 10)",
]
welch = contrasts_of(design)  # the five contrasts, in the order of EFFECTS
pd.DataFrame(
    {
        "Welch, 95% (points)": [points(c) for c in welch],
        "excludes 0": ["yes" if c.real else "no" for c in welch],
    },
    index=EFFECTS,
)

# %% [markdown]
# Read the table row by row. When the interaction's interval excludes zero, the start's effect
# differs between the two sizes and its average over them describes neither. The hidden size's
# interval lies well above zero: the wider layer classifies better. The start's rows look, at
# first sight, as if a pretrained start *lowered* accuracy at $n = 10$ and did nothing at
# $n = 128$. Look at where those intervals end, though: the start at $n = 10$, the start on
# average and the interaction each end within about a tenth of a point of zero. Two checks
# before believing them.
#
# **The design pairs its seeds.** Seed $k$ of the random start and seed $k$ of the pretrained
# start share the order of their batches and their first convolution's starting weights (the
# pretrained one before its autoencoder trained them). Welch's interval treats the two groups as
# independent. The analysis that matches the design works on the per-seed differences
# $d_k = \text{pretrained}_k - \text{random}_k$: their mean $\bar d$, with Student's interval
# from their own spread $s_d$ and $k - 1$ degrees of freedom,
#
# $$\bar d \pm t_{0.975,\,k-1}\,\frac{s_d}{\sqrt{k}}.$$
#
# Pairing helps when the seeds share luck (a good seed is good in both cells, and the difference
# cancels it); when they do not, it only loses degrees of freedom: 2 here, against Welch's 4–7.

# %%
from scipy.stats import t as student_t

from fmnist_lib.stats import compare_paired

per_seed = pd.DataFrame(
    {
        "start at n = 10": [
            fe - scratch for scratch, fe in zip(*cells[0], strict=True)
        ],
        "start at n = 128": [
            fe - scratch for scratch, fe in zip(*cells[1], strict=True)
        ],
    },
    index=["seed 0", "seed 1", "seed 2"],
)
per_seed["interaction"] = per_seed["start at n = 128"] - per_seed["start at n = 10"]
print("pretrained − random start, test accuracy (points), seed by seed:")
display((100 * per_seed).map(lambda x: f"{numeral(x):.2f}"))

d = per_seed["start at n = 10"]
k = len(d)
half = student_t.ppf(0.975, k - 1) * d.std() / k**0.5  # pandas' std divides by k − 1
# pretrained, random; seed k beside seed k
paired = compare_paired(cells[0][1], cells[0][0])
by_hand, library = [d.mean() - half, d.mean() + half], [paired.low, paired.high]
torch.testing.assert_close(
    torch.tensor(by_hand), torch.tensor(library, dtype=torch.float64)
)
print("start at n = 10, paired by seed:", points(paired))
print("start at n = 10, Welch:         ", points(design.column_effect_in_row[0]))

# %% [markdown]
# The three differences at $n = 10$ all point the same way, but they spread too much for three
# of them: the paired interval is wider than Welch's and includes zero.
#
# **Five intervals read together.** Each interval is right 95% of the time; read five at once,
# and the chance that at least one excludes zero by luck alone is well above 5%. Holm's
# correction keeps that chance, for the whole family, under 5%. It works on p-values: a
# contrast's *p-value* is the probability of a $t$ statistic at least as far from zero as the
# one observed, were the true difference zero (an interval excludes zero exactly when its
# $p < 0.05$). Holm sorts the $m$ p-values, multiplies the smallest by $m$, the next by
# $m - 1$, and so on, never letting an adjusted value fall below the one before it; a contrast
# is real for the family when its adjusted value is below 0.05.

# %%
from fmnist_lib.stats import design_2x2_paired, family

# the five, paired, read together
together = family(contrasts_of(design_2x2_paired(cells)))
p = together.p_values
m = len(p)
adjusted, running = [0.0] * m, 0.0
for rank, i in enumerate(sorted(range(m), key=lambda i: p[i])):  # smallest p first
    running = max(running, min(1.0, (m - rank) * p[i]))
    adjusted[i] = running
torch.testing.assert_close(torch.tensor(adjusted), torch.tensor(together.adjusted))

val_cells = [
    [[r.history.epochs[-1]["val_accuracy"] for r in runs] for runs in row]
    for row in design_runs
]
validation = contrasts_of(design_2x2_paired(val_cells))
pd.DataFrame(
    {
        "paired, 95% (points)": [points(c) for c in together.contrasts],
        "p": [f"{numeral(x):.3f}" for x in p],
        "Holm p": [f"{numeral(x):.3f}" for x in together.adjusted],
        "real (Holm)": ["yes" if real else "no" for real in together.real],
        "validation, paired": [points(c) for c in validation],
    },
    index=EFFECTS,
)

# %% [markdown]
# Read one at a time by Welch's intervals, four of the five contrasts exclude zero. Read as the
# design asks (paired by seed, the five together), one does: the hidden size. A pretrained
# start neither shows a loss at $n = 10$ nor an interaction; the validation set, the same
# weights measured on 10,000 other images, agrees. So the data **do not show** that a pretrained
# start hurts at $n = 10$ — and they do not show that it is harmless either: the paired interval
# allows a loss of a few points and a gain of under one. This design cannot tell. What would?
# More seeds, analysed paired: the half-width shrinks like $t_{0.975,\,k-1}\, s_d / \sqrt{k}$
# for $k$ seeds whose differences spread by $s_d$, so with the spread printed below an effect of
# the estimated size needs several more seeds before its interval could exclude zero, and more
# once Holm's correction is applied:

# %%
spread_of_differences = per_seed["start at n = 10"].std()
print(
    "spread of the per-seed differences at n = 10: "
    f"{numeral(100 * spread_of_differences):.2f} points"
)
for k in (3, 5, 10, 20):
    half = student_t.ppf(0.975, k - 1) * spread_of_differences / k**0.5
    print(
        f"{k:>2} seeds: a paired interval about ±{numeral(100 * half):.2f} points wide"
    )

# %% [markdown]
# Each pretrained seed starts from the autoencoder trained with the same seed, so the
# pretraining's own randomness is part of the spread. One confound is inherited from the report:
# the two hidden sizes train for different numbers of epochs (the `epochs` column of the
# settings above: 35 for $n = 10$, 26 for $n = 128$), so the hidden size's effect is also an
# effect of the epoch count. The smaller model got the extra epochs, which makes the epochs an
# unlikely source of its lower accuracy — unless the extra epochs over-fit it, which this design
# cannot rule out. (This question is about the models, not a choice of model, so it is asked of
# the test set, once, and the validation set is read beside it; the
# [reproduction report](../report.md) computes the same table.)
#
# ## Exercises
#

# %%
from fmnist_lib.exercises import check_answer

# %% [markdown]
# 1. How many of the frozen classifier's weights does training change? Compute it, then check it
#    below.

# %%
answer = ...  # exercise 1: the number of weights that training changes
check_answer("5.1", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 1</summary>
#
# Frozen, the encoder's weights receive no gradient; only the head `Linear(128, 10)` learns.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
from fmnist_lib.models import count_parameters

frozen = ConsignaClassifier(hidden_size=128)
freeze(frozen.encoder)
trained = count_parameters(frozen, trainable_only=True)
print(
    f"{numeral(trained):,} of {numeral(count_parameters(frozen)):,} weights are trained"
)
check_answer("5.1", trained)

# %% [markdown]
# 2. **Predict first.** Freeze only the convolutions of the pretrained encoder and fine-tune its
#    dense layer and the head (`freeze(model.encoder[:6])`: the first six layers, the two
#    convolution stages). Predict where its validation accuracy lands between "frozen" and
#    "fine-tuned" after the demonstration's 5 epochs, then run it.

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 2</summary>
#
# With the convolutions frozen, the dense layer $800 \to 128$ can still adapt the features to
# the labels, so a result between the two is a natural prediction. `freeze` fixes every layer
# inside what it is given: the slice `model.encoder[:6]` is a new `Sequential`, but it holds the
# model's own layers, and those stay in eval mode when `fit` calls `model.train()` (the slice
# holds no dropout; the dropout at `encoder[7]`, in front of the dense layer, keeps training
# with it). The runs below use the demonstration's settings (same pretrained encoder, seed,
# subset and epochs), one seed each. Compare them with your prediction. In the stored run the
# three land within a few points of each other, and freezing the convolutions did not land
# between the other two. With one seed each, that ranking is not evidence: the spread of seeds
# on this subset is unknown here (the spread at the top of the chapter is on all the data), and
# differences of a point or two need several seeds per setting, judged by `compare`.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
partly = {
    "everything frozen (above)": heads["freeze()"]["validation accuracy after 5 epochs"]
}
for how, frozen_layers in (("convolutions frozen", 6), ("nothing frozen", 0)):
    seed_everything(0)
    model = ConsignaClassifier(hidden_size=128)
    transfer_encoder(pretrained, model)
    if frozen_layers:  # the first six: Conv, ReLU, MaxPool, Conv, ReLU, MaxPool
        freeze(model.encoder[:frozen_layers])
    history = fit(model, subset.train, subset.val, config, progress=False)
    partly[how] = f"{numeral(history.epochs[-1]['val_accuracy']):.2%}"
pd.Series(partly, name="validation accuracy after 5 epochs")

# %% [markdown]
# 3. Fine-tuning with a smaller learning rate for the pretrained layers is common practice. Why?
#    How do you give two parts of a model different learning rates in PyTorch?

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 3</summary>
#
# The pretrained weights are already useful; the head starts random, so its early gradients are
# large and noisy. A full-size step on the pretrained layers in those first steps can wreck the
# features before the head has learned to use them. A smaller rate for them keeps them close to
# where they started while the head catches up. In PyTorch, an optimiser takes *parameter
# groups*, each with its own settings:
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
model = ConsignaClassifier(hidden_size=128)
optimizer = torch.optim.Adam(
    [
        {"params": model.encoder.parameters(), "lr": 5e-5},  # pretrained: short steps
        {"params": model.head.parameters(), "lr": 5e-4},  # new: the usual rate
    ]
)
print(", ".join(f"{numeral(group['lr'])}" for group in optimizer.param_groups))

# %% [markdown]
# 4. **Predict first.** Would a pretrained start help more with fewer labelled images? Predict,
#    then train the $n = 128$ classifier from scratch and fine-tuned on 1,000 labelled images.

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 4</summary>
#
# With few labels, a random start has little to learn from, and features learned from all the
# images (the autoencoder needs no labels) should matter more. Each run keeps the weights of its
# best validation epoch (early stopping); the test set then measures them once. One seed each on
# 1,000 labelled images (100 per class): an illustration, not a result, printed next to the
# pretrained start's effect with all 50,000 labels from the $2 \times 2$ design above. To make it
# a result, train several seeds of each and compare them paired by seed, as above.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
from fmnist_lib.data import load_splits
from fmnist_lib.evaluation import evaluate
from fmnist_lib.settings import scaled

few = load_splits(train_size=1000, val_subset=subset.val.images.shape[0])
few_config = TrainConfig(
    "classification", epochs=scaled(20), batch_size=32, lr=5e-4, patience=3
)
few_labels = {}
for start in ("random", "pretrained"):
    seed_everything(0)
    model = ConsignaClassifier(hidden_size=128)
    if start == "pretrained":
        transfer_encoder(pretrained, model)
    # ends on the best epoch's weights
    fit(model, few.train, few.val, few_config, progress=False)
    few_labels[start] = evaluate(model, few.test, "classification")["accuracy"]
effect = few_labels["pretrained"] - few_labels["random"]
print(
    f"{numeral(1000):,} labels, test accuracy: "
    f"random start {numeral(few_labels['random']):.2%}, "
    f"pretrained {numeral(few_labels['pretrained']):.2%}: "
    f"{numeral(100 * effect):+.2f} points (one seed)"
)
print(
    f"all {numeral(50000):,} labels, n = 128 (three seeds):",
    points(design.column_effect_in_row[1]),
)

# %% [markdown]
# 5. Plot the validation accuracy per epoch of `clf-consigna-10` and `clf-consigna-fe-10` (both
#    in `results`) with `training_curves`, as above for $n = 128$: is the pretrained start behind
#    from the first epoch, only at the end, or not at all? What can one seed's curves say about
#    a difference that three seeds did not show?

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 5</summary>
#
# The curves are seed 0's, on the validation set; the $2 \times 2$ table's difference at
# $n = 10$ is a mean over three seeds, and it was not shown. One seed's curves cannot show what
# three seeds did not: whichever curve ends higher — compare the printed accuracies below — one
# run is an illustration, and seed 0's difference is the one nearest zero on the test set. To
# learn whether, and when, a pretrained start falls behind at $n = 10$, draw several seeds'
# curves and compare them epoch by epoch, paired by seed; a probe of the $n = 10$ codes
# (chapter 3) before and after fine-tuning would test *why*.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
fig = training_curves(
    {results[n].experiment.title: results[n].history.epochs for n in DESIGN[0]},
    ("accuracy",),
    ("accuracy",),
    "n = 10: from scratch and fine-tuned",
)
for n in DESIGN[0]:
    h = results[n].history.column("val_accuracy")
    middle = len(h) // 2
    epochs = f"epochs 1 / {middle + 1} / {len(h)}"
    accuracies = " / ".join(f"{numeral(h[i]):.2%}" for i in (0, middle, -1))
    print(
        f"{results[n].experiment.title:<22} validation accuracy, {epochs}: {accuracies}"
    )

# %% [markdown]
# ## Summary
#
# - Three seeds of one model differ (by a fraction of a point): any comparison is read against
#   that spread, with one rule: a 95% interval of the difference that excludes zero (Welch's for
#   independent runs, paired by seed when the seeds are paired). Read
#   the estimate, the interval, then whether it excludes zero; an interval that includes zero
#   means *not shown*, not "no difference".
# - Reusing an encoder: fine-tuning trains everything from a pretrained start; extracting
#   features trains only the head, and needs the frozen part in eval mode — which, for the
#   «consigna» classifier, leaves it with no dropout at all.
# - Analyse as the design was run: seeds that share their luck are compared seed by seed
#   (paired), and several contrasts read together are corrected together (Holm). Read one at a
#   time by Welch, four of the $2 \times 2$ design's five contrasts exclude zero; paired and
#   read together, only the hidden size's effect does. The pretrained start's effect at
#   $n = 10$ is not shown, on the test set or the validation set; more seeds, analysed paired,
#   would be needed; the epoch budgets remain a confound.
#
# **Check yourself:** [a quiz on this chapter's ideas](quizzes/05_quiz.ipynb), with an explanation
# for every answer.

# %%
key_numbers = {
    "seed spread of consigna (10), validation accuracy": f"{numeral(val_range):.2%}",
    "n = 128 − n = 10, test accuracy": points(n_effect),
    "freeze(): the encoder gives the same output twice in train mode": heads[
        "freeze()"
    ]["encoder gives the same output twice in train mode"],
    "2 x 2, hidden size (128 − 10), test, paired": points(together.contrasts[0]),
    "2 x 2, hidden size, Holm-adjusted p": f"{numeral(together.adjusted[0]):.3f}",
    "2 x 2, pretrained start at n = 10, test, Welch": points(welch[2]),
    "2 x 2, pretrained start at n = 10, test, paired": points(paired),
    "2 x 2, pretrained start at n = 10, validation, paired": points(validation[2]),
    "2 x 2, contrasts real after Holm's correction": (
        f"{sum(together.real)} of {together.count}"
    ),
}
for what, value in key_numbers.items():
    print(f"{what}: {value}")
