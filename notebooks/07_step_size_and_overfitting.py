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
# # 7. Step size, sharpness and over-fitting
#
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/fmnist-course/fmnist-course/blob/v0.1.0/notebooks/07_step_size_and_overfitting.ipynb)
#
# Chapter 6 followed the gradient through the layers. This chapter looks at the other factor of
# the update $w \leftarrow w - \eta \, \partial \mathcal{L} / \partial w$: the step. A step too
# large for the curvature of the loss surface diverges, whatever the layers do; we measure that
# curvature (the **sharpness**) on a network, from several seeds, because a run that nearly
# diverges is chaotic. Then the report's third obstacle, **over-fitting**: a small training set
# and long training, until the validation loss turns back up, and four remedies measured against
# it with three seeds each: dropout, weight decay, data augmentation and early stopping. Last,
# the report's open question: would pooling shrink the Raschka classifier's gap?
#
# **Objectives.** After this chapter you can
#
# - derive the largest stable learning rate of gradient descent on a quadratic,
#   $\eta < 2/\lambda_{\max}$, and explain why a smaller rate can be slower;
# - estimate a network's sharpness, say how noisy the estimate is, and read a chaotic training
#   run from several seeds rather than one;
# - guard a run against divergence (a smaller rate, clipping, the loss check of `fit`);
# - produce over-fitting on purpose, read the U-shaped validation curve, and compare dropout,
#   weight decay, augmentation and early stopping against it with intervals over seeds.
#
# **Study time.** About 90 minutes: about 60 to read the chapter and run its cells, and about ten
# for each of its 3 exercises (estimated from its length, at about 100 words of prose or ten lines
# of code a minute).
#
# **Time.** About 35 minutes (2,115 s measured on a 2-core CPU shared with other work); most of
# it is the over-fitting section (twelve runs of 100 epochs on 1,000 images). The pooling runs are published reference
# runs (training them would take over an hour).

# %% tags=["hide-input"]
if "google.colab" in str(get_ipython()):  # on Colab: install the course's library
    # %pip install -q \
#         "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"

# %%
import numpy as np
import pandas as pd

from fmnist_lib.course import setup
from fmnist_lib.data import splits_for
from fmnist_lib.settings import demonstration_budget, scaled

setup()
# a 10,000-image subset: the demonstrations' data
splits = splits_for(demonstration_budget())

# %% [markdown]
# ## A step too large for the curvature: divergence
#
# Take the simplest loss with a valley, a quadratic
# $\mathcal{L}(w) = \tfrac12 \sum_i \lambda_i w_i^2$, with curvatures $\lambda_i$ (the eigenvalues
# of its Hessian). A gradient step multiplies each coordinate by $1 - \eta \lambda_i$, so it
# converges only if $|1 - \eta \lambda_i| < 1$ for every $i$, that is $\eta < 2 / \lambda_{\max}$;
# beyond that the steepest direction overshoots further at every step. Below
# $2 / (\lambda_{\min} + \lambda_{\max})$, a smaller $\eta$ is *slower*: the flat direction
# shrinks by only $1 - \eta \lambda_{\min}$ per step. Between that value and the limit, the steep
# direction oscillates and sets the pace. A valley 10 times steeper in one direction than the
# other, each rate run until the weights are within $10^{-6}$ of the minimum or beyond $10^6$:

# %% tags=["nbval-check-output"]
curvatures = np.array([1.0, 10.0])  # the Hessian's eigenvalues: a long, narrow valley
rows = []
for lr in (0.01, 0.05, 0.1, 0.18, 0.19, 0.21):
    w, steps = np.ones(2), 0
    while 1e-6 < np.abs(w).max() < 1e6:
        w = w - lr * curvatures * w  # the gradient of ½ Σ λ_i w_i² is λ_i w_i
        steps += 1
    outcome = "converged" if np.abs(w).max() <= 1e-6 else "diverged"
    sharpest = lr * curvatures.max()
    rows.append(
        {
            "learning rate": lr,
            "lr × λ_max": sharpest,
            "steps": steps,
            "outcome": outcome,
        }
    )
pd.DataFrame(rows).set_index("learning rate")

# %% [markdown]
# The fastest rate sits just below the limit, near $2 / (\lambda_{\min} + \lambda_{\max})$;
# the smallest rates in the table need many times its steps: slower, not faster. (The report's
# suggestion that a smaller learning rate converges faster is wrong below that optimum: a smaller
# rate is *safer*, and it can end at a better point of a noisy surface, but each step goes less
# far.)
#
# ## Sharpness: the curvature of a network's loss
#
# A network's loss is not a quadratic, but near any point it has one: its Hessian, whose largest
# eigenvalue, the **sharpness**, plays the role of $\lambda_{\max}$. `sharpness` in the library
# estimates it by power iteration on Hessian-vector products, on one batch of images. An
# estimate on one batch is a sample: at the same weights, another batch gives another number.
# First, how much they differ at the Raschka classifier's initial weights, eight batches of 128
# images:

# %%
from fmnist_lib.data import Batches
from fmnist_lib.diagnostics import sharpness, track_gradients
from fmnist_lib.models import RaschkaClassifier
from fmnist_lib.training import seed_everything

seed_everything(0)
start = RaschkaClassifier(dropout=0.0)
batches = zip(range(scaled(8)), Batches(splits.train, 128, shuffle=True), strict=False)
at_start = pd.Series(
    [sharpness(start, x, y, "classification") for _, (x, y) in batches]
)
print(
    f"sharpness at the start, {len(at_start)} batches: lowest {at_start.min():.2f}, "
    f"median {at_start.median():.2f}, highest {at_start.max():.2f}"
)

# %% [markdown]
# The batches disagree (the printed range), so a single number from one batch should be read
# with that range beside it. Now we train the same classifier with plain SGD at $\eta = 0.5$,
# whose limit is $2 / \eta = 4$, and measure the sharpness every four steps. A run near that
# limit is chaotic: a difference in the last digit of a float (another thread count, another
# batch order) grows step after step until two runs share nothing. So we run it from three
# seeds (each seed draws its own initial weights and batch order) and claim only what all of
# them show:

# %%
from fmnist_lib.overfitting import seed_curves

LR = 0.5
trajectories = {}
for seed in range(scaled(3)):
    seed_everything(seed)
    trajectories[seed] = (
        track_gradients(
            RaschkaClassifier(dropout=0.0),
            splits.train,
            "classification",
            steps=scaled(60),
            lr=LR,
            optimizer="sgd",
            every=4,
            seed=seed,
            sharpness_every=4,
        )
        .groupby("step")
        .agg(
            loss=("loss", "first"),
            largest_gradient=("grad_norm", "max"),
            sharpness=("sharpness", "first"),
        )
    )
sharpness_runs = [t.sharpness.dropna() for t in trajectories.values()]
fig = seed_curves(
    {"SGD at η = 0.5, one line per seed": sharpness_runs},
    "sharpness (largest Hessian eigenvalue)",
    log=True,
)
limit = fig.axes[0].axhline(2 / LR, color="black", lw=1, ls="--")  # the line at 2/η

# %%
per_seed = pd.DataFrame(
    {
        seed: {
            "sharpness at step 1": t.sharpness.iloc[0],
            "largest sharpness": t.sharpness.max(),
            "measurements above 2/η": int((t.sharpness > 2 / LR).sum()),
            "last step recorded": t.index[-1],
            "loss there": t.loss.iloc[-1],
        }
        for seed, t in trajectories.items()
    }
).T.rename_axis("seed")
print(per_seed.to_string(float_format="{:.3g}".format))
every = pd.concat(trajectories.values())
every["loss change"] = pd.concat(t.loss.diff() for t in trajectories.values())
too_sharp = every.sharpness > 2 / LR
for label, part in (("above", every[too_sharp]), ("below", every[~too_sharp])):
    gradient, change = part.largest_gradient.median(), part["loss change"].mean()
    print(
        f"{len(part):>2} measurements (all seeds) "
        f"with the sharpness {label} 2/η: largest "
        f"gradient {gradient:.2f} (median), "
        f"loss change since the last one {change:+.2f} (mean)"
    )

# %% [markdown]
# What all three seeds show (the figure, and the table's first columns): the surface at the start
# is flat enough for $\eta = 0.5$, well below the dashed line at $2/\eta$, and it does not stay
# so: training itself moves the weights to sharper places, and every seed's sharpness crosses the
# line. How it ends differs from seed to seed, which is the point of running several: here two
# of the three runs end with a loss that is no longer a number, each at its own step, after a
# climb whose height differs by orders of magnitude, and the third lasts its 60 steps at a loss
# of 2.3, the loss of a uniform guess over ten classes: it has stopped learning (the table's
# last columns). The outcome is chaotic: the same code on another processor, whose rounding
# differs in the last bits, can end the other way (when this chapter was executed on a
# different CPU, all three diverged). Pooled over the seeds, the measurements above the line
# come with gradients many times larger and, on average, a loss that has just gone up: the step
# overshoots along the steep direction. (The table shows the two together, at the same weights; the
# quadratic above is why one expects the first to cause the second.) With full-batch gradient
# descent, Cohen et al. (2021, *Gradient Descent on Neural Networks Typically Occurs at the Edge
# of Stability*) found that the sharpness typically rises until it reaches about $2/\eta$ and
# then hovers there; the rule $\eta < 2/\lambda_{\max}$ is exact only for full-batch descent on a
# quadratic, and these runs are mini-batch SGD, with a sharpness measured on one batch. That is
# **divergence**: a property of the step size against the curvature, which a smaller $\eta$
# cures, not of the gradient's journey through the layers.
#
# In a long run a divergence would waste hours and, worse, checkpoint garbage. `fit` checks the
# loss of every batch; at the first non-finite value it stops with an error that says where and
# why, and the last good checkpoint stays on disk. One run, to see the message:

# %%
from fmnist_lib.training import TrainConfig, TrainingDiverged, fit

seed_everything(0)
try:
    fit(
        RaschkaClassifier(dropout=0.0),
        splits.train,
        splits.val,
        TrainConfig("classification", epochs=2, batch_size=32, lr=0.5, optimizer="sgd"),
        progress=False,
    )
except TrainingDiverged as error:
    print("TrainingDiverged:", error)
else:
    print("this time the run survived two epochs: try a larger learning rate")

# %% [markdown]
# Two remedies act on the step: a **smaller learning rate**, and **gradient clipping** (chapter
# 6; below). With the report's settings (Adam, which keeps each weight's step near $\eta$, at
# $\eta = 7 \cdot 10^{-4}$, and its batch of 40) the same model trains normally. This changes
# the optimizer and the rate together; with Adam too it is the size of $\eta$ that matters
# (Adam at $\eta = 0.5$ would move every weight by about 0.5 per step). One run, and the
# sharpness where it ends, on eight batches:

# %%
seed_everything(0)
stable_model = RaschkaClassifier(dropout=0.0)
stable = fit(
    stable_model,
    splits.train,
    splits.val,
    TrainConfig("classification", epochs=2, batch_size=40, lr=7e-4),
    progress=False,
)
for e in stable.epochs:
    loss, accuracy = e["train_loss"], e["val_accuracy"]
    print(f"epoch {e['epoch']}: train loss {loss:.3f}, val accuracy {accuracy:.1%}")
batches = zip(range(scaled(8)), Batches(splits.train, 128, shuffle=True), strict=False)
trained = pd.Series(
    [sharpness(stable_model, x, y, "classification") for _, (x, y) in batches]
)
print(
    f"sharpness after two epochs, {len(trained)} batches: lowest {trained.min():.1f}, "
    f"median {trained.median():.1f}, highest {trained.max():.1f}"
)

# %% [markdown]
# Even this well-behaved run ends far sharper than it started (compare the two ranges printed):
# the limit $2/\eta$ that mattered for SGD at the start says little about the weights training
# reaches.
#
# **Gradient clipping** rescales the whole gradient to a norm of at most $c$ before each step,
# so that no single step goes further than $\eta c$. The same SGD runs at $\eta = 0.5$, from the
# same three seeds, with and without clipping at $c = 1$:

# %%
clipping = []
for seed in range(scaled(3)):
    for clip in (None, 1.0):
        seed_everything(seed)
        run = track_gradients(
            RaschkaClassifier(dropout=0.0),
            splits.train,
            "classification",
            steps=scaled(100),
            lr=LR,
            optimizer="sgd",
            every=10,
            seed=seed,
            clip=clip,
        )
        losses = run.groupby("step").loss.first()
        clipping.append(
            {
                "seed": seed,
                "clip": "none" if clip is None else f"{clip:g}",
                "last step": losses.index[-1],
                "loss there": losses.iloc[-1],
                "highest loss": losses.max(),
            }
        )
pd.DataFrame(clipping).set_index(["clip", "seed"]).sort_index()

# %% [markdown]
# Read the rows by seed: a run that ends early, or whose highest loss is far above the
# starting 2.3, has overshot; clipping caps every step at $\eta c$, so an overshoot can only be
# as large as that.
#
# ### More weights, a rougher surface?
#
# The report also says that more weights make the loss surface rougher and harder to descend.
# More weights do give more capacity to memorise (over-fitting, below), but they do not by
# themselves make optimisation harder; where they go matters. Li et al. (2018, *Visualizing the
# Loss Landscape of Neural Nets*) found that weights added as *width* made surfaces smoother,
# while added as *depth* without skip connections they made them more chaotic.
# A direct check: the feed-forward classifier at three widths, the same Adam steps, and the
# training loss and sharpness where they end:

# %%
from fmnist_lib.models import FeedForwardClassifier, count_parameters

widths = {}
for hidden_size in (32, 256, 2048):
    seed_everything(0)
    run = track_gradients(
        FeedForwardClassifier(hidden_size=hidden_size, dropout=0.0),
        splits.train,
        "classification",
        steps=scaled(300),
        every=10,
        sharpness_every=scaled(300),
    )
    last_losses = run.groupby("step").loss.first().iloc[-5:]
    widths[hidden_size] = {
        "weights": (
            f"{count_parameters(FeedForwardClassifier(hidden_size=hidden_size)):,}"
        ),
        "training loss (last 5 records)": f"{last_losses.mean():.3f}",
        "sharpness at the end": f"{run.sharpness.dropna().iloc[-1]:.1f}",
    }
pd.DataFrame(widths).T.rename_axis("hidden units")

# %% [markdown]
# Compare the rows: if more weights made the surface harder to descend, the widest network would
# end higher or sharper after the same steps. What the table shows holds for this model, these
# steps and this subset; it is one seed, and the sharpness of one batch, so small differences
# between rows are not evidence.
#
# ## Over-fitting, on purpose
#
# A model over-fits when it learns the training images rather than clothing: the training loss
# keeps falling, the validation loss stops falling and then rises. To see it clearly we make it
# likely: **1,000 training images** (a tenth of the demonstrations' subset), **100 epochs**, and
# a feed-forward classifier with 256 hidden units and over 200,000 weights, with no dropout; Adam
# at $10^{-3}$, batches of 100. Small enough to train in seconds per run, so we can afford what
# a claim needs: three seeds of every setting (each seed draws its own initial weights and batch
# order). The validation loss is measured on the 2,000 validation images after every epoch:

# %%
from fmnist_lib.overfitting import lowest_point, training_curves

few = splits.train.subset(range(1000))
EPOCHS, SEEDS = scaled(100), range(scaled(3))
settings = {  # name: (dropout, weight decay, augmentation)
    "no remedy": (0.0, 0.0, False),
    "dropout 0.5": (0.5, 0.0, False),
    "weight decay 1.0": (0.0, 1.0, False),
    "augmentation (shifts and flips)": (0.0, 0.0, True),
}
curves = {name: [] for name in settings}
for name, (dropout, decay, augment) in settings.items():
    for seed in SEEDS:
        seed_everything(seed)
        model = FeedForwardClassifier(hidden_size=256, dropout=dropout)
        curves[name].append(
            training_curves(
                model,
                few,
                splits.val,
                EPOCHS,
                weight_decay=decay,
                augment=augment,
                seed=seed,
                test=splits.test,
                progress=False,
            )
        )
val_losses = {
    name: [c.set_index("epoch").val_loss for c in runs] for name, runs in curves.items()
}
fig = seed_curves(
    {"no remedy": val_losses["no remedy"]},
    "validation loss (cross-entropy)",
    "1,000 training images",
)

# %%
baseline = curves["no remedy"]
for seed, c in zip(SEEDS, baseline, strict=True):
    low = lowest_point(c)
    print(
        f"seed {seed}: validation loss lowest at epoch "
        f"{low['epoch']} ({low['val_loss']:.3f}), "
        f"{c.val_loss.iloc[-1]:.3f} at epoch {len(c)}; training loss then "
        f"{c.train_loss.iloc[-1]:.3f}"
    )

# %% [markdown]
# Every seed draws the U (the thin lines, and the band between the lowest and the highest): the
# validation loss falls for the first 15 to 25 epochs, reaches its lowest point, and climbs for
# the rest of the run while the training loss goes on towards zero. The model has started to
# learn its 1,000 images one by one; on new images it becomes more and more confidently wrong,
# which the cross-entropy punishes (the accuracy moves much less, below).
#
# ## Four remedies, measured against it
#
# - **Dropout** zeroes a random fraction $p$ of activations at every training step (and scales the
#   rest by $1/(1-p)$), so no unit can rely on a few others: an ensemble of thinned networks
#   trained together. It is switched off for evaluation. Here $p = 0.5$ on the hidden layer.
# - **Weight decay** shrinks every weight towards zero at every step, so that only weights the
#   data keep pushing stay large: $w \leftarrow w - \eta\,(\hat g + \lambda w)$ in AdamW, with
#   $\hat g$ Adam's step and $\lambda$ the decay (here 1.0, so each step takes $10^{-3}$ of every
#   weight away).
# - **Data augmentation** shows the model a slightly different version of each image at every
#   epoch: shifted by up to two pixels in each direction and, one time in two, mirrored left to
#   right (a mirrored shirt is still a shirt; this would not do for digits). The model cannot
#   memorise pixels that move.
# - **Early stopping** keeps the weights of the epoch with the lowest validation loss.
#   `fit(..., TrainConfig(patience=...))` does it while training; here we read it off the curves.
#
# The same three seeds for each:

# %%
fig = seed_curves(
    val_losses, "validation loss (cross-entropy)", "1,000 training images"
)

# %%
rows = {}
for name, runs in curves.items():
    lows = [lowest_point(c) for c in runs]
    rows[name] = {
        "lowest val loss at epoch": np.mean([low["epoch"] for low in lows]),
        "lowest val loss": np.mean([low["val_loss"] for low in lows]),
        "last val loss": np.mean([c.val_loss.iloc[-1] for c in runs]),
        "last test loss": np.mean([c.test_loss.iloc[-1] for c in runs]),
        "last test accuracy": np.mean([c.test_accuracy.iloc[-1] for c in runs]),
    }
print("means over the seeds:")
pd.DataFrame(rows).T.round(3)

# %% [markdown]
# Each remedy against no remedy, on the **test** set at the end of training, with the difference
# of the means and its 95% Welch interval (the course's rule, `stats.compare`; three seeds a
# side). Early stopping is read
# on the same runs as no remedy: its test loss is the test loss at the epoch each seed's
# validation loss chose, so its difference is paired by seed (the mean of the three seeds'
# differences, and a $t$ interval with 2 degrees of freedom: `stats.contrast` with one group).

# %%
from fmnist_lib.stats import compare, contrast

ends = {name: [c.iloc[-1] for c in runs] for name, runs in curves.items()}
early = [c.loc[c.val_loss.idxmin()] for c in baseline]
intervals = {}
for metric, scale in (("test_loss", 1.0), ("test_accuracy", 100.0)):
    plain = [scale * e[metric] for e in ends["no remedy"]]
    for name in ("dropout 0.5", "weight decay 1.0", "augmentation (shifts and flips)"):
        intervals[(name, metric)] = compare(
            [scale * e[metric] for e in ends[name]], plain
        )
    paired = [
        scale * (e[metric] - last[metric])
        for e, last in zip(early, ends["no remedy"], strict=True)
    ]
    intervals[("early stopping", metric)] = contrast([paired], [1.0])
table = pd.DataFrame(
    {
        key: {
            "difference": c.estimate,
            "95% interval": f"[{c.low:+.3f}, {c.high:+.3f}]",
        }
        for key, c in intervals.items()
    }
).T
table.index.names = ["remedy − no remedy", "on the test set"]
table.round(3)

# %% [markdown]
# How to read it: a loss difference below zero is a lower test loss than training for 100 epochs
# with no remedy; an accuracy difference (in points) above zero is a gain. Where the interval
# excludes zero, three seeds show the difference; where it straddles zero, they do not decide it,
# whatever the sign of the estimate. Two things to keep apart:
#
# - **The loss at the end** is what over-fitting ruins most, because the over-fit model is
#   confidently wrong; the **accuracy** moves far less, since most images keep their argmax.
# - **A remedy can act by slowing training down.** Augmentation makes each epoch harder to fit,
#   so after 100 epochs it may simply not have reached its own minimum yet (compare its "lowest
#   val loss at epoch" in the table above); dropout and weight decay also delay the rise. The
#   comparison is at 100 epochs; at another length the numbers would differ.
#
# Early stopping needs no change to the model, only a validation set to choose the epoch, and
# the other remedies can be combined with it. Its lowest validation loss is a little optimistic
# (it is the minimum of a noisy curve, chosen on those same images), which is why its row above
# is read on the test set.

# %% [markdown]
# ### The report's open question: would pooling shrink the gap?
#
# The report suggests that max pooling in the Raschka classifier's encoder would reduce its
# growing gap between training and validation accuracy. `clf-raschka-10-pool` asks this with one
# change: each stride-2 convolution becomes a stride-1 convolution followed by `MaxPool2d(2)`. The
# weights' shapes (so the parameter count), the feature-map sizes, the dropout, the head and the
# training settings stay the same. Two things change with it, and are part of the answer rather
# than noise: the pooled convolutions run on maps four times larger (four times the
# multiply-adds), and each unit of the pooled encoder sees a wider patch of the image:

# %%
from fmnist_lib.arithmetic import receptive_fields
from fmnist_lib.models import raschka_encoder, raschka_pool_encoder

for label, encoder in (
    ("strided", raschka_encoder(10, 0.8, classifier=True)),
    ("pooled", raschka_pool_encoder(10, 0.8)),
):
    last_conv = [f for f in receptive_fields(encoder) if not f.whole_image][-1]
    print(
        f"{label:>8}: a unit of the last convolution "
        f"sees {last_conv.size} x {last_conv.size}"
    )

# %% [markdown]
# Three seeds of each, at the full budget: the published reference runs, trained on all 50,000
# training images (their training times are printed below). The gap is the training accuracy
# minus the validation accuracy at each epoch. The training accuracy is the running accuracy over
# the epoch, measured with dropout on, so it understates what the model can do on its training
# images: the gap is not over-fitting alone, but it is measured the same way in both models.

# %%
from fmnist_lib.experiments import run_experiment
from fmnist_lib.plots import gap_curves

models = {
    "strided (as published)": "clf-raschka-10",
    "max pooling": "clf-raschka-10-pool",
}
runs = {k: [run_experiment(n, seed=s) for s in (0, 1, 2)] for k, n in models.items()}
gaps = {
    k: [[e["train_accuracy"] - e["val_accuracy"] for e in r.history.epochs] for r in rs]
    for k, rs in runs.items()
}
mean_gaps = {
    k: [np.mean(column) for column in zip(*g, strict=False)] for k, g in gaps.items()
}
fig = gap_curves(mean_gaps, "train − validation accuracy, mean of three seeds")
for k, rs in runs.items():
    print(
        f"{k}: {sum(r.seconds for r in rs) / len(rs) / 60:.0f} min of training per seed"
    )
pooled, strided = runs["max pooling"], runs["strided (as published)"]
last_gap = compare(
    [100 * g[-1] for g in gaps["max pooling"]],
    [100 * g[-1] for g in gaps["strided (as published)"]],
)
test_accuracy = compare(
    [100 * r.test["accuracy"] for r in pooled],
    [100 * r.test["accuracy"] for r in strided],
)
for what, c in (("gap at the last epoch", last_gap), ("test accuracy", test_accuracy)):
    print(
        f"pooled − strided, {what}: {c.estimate:+.2f} points, "
        f"95% interval [{c.low:+.2f}, {c.high:+.2f}]"
    )

# %% [markdown]
# Read the two intervals. At the full budget both straddle zero: with three seeds each, this
# design does not show that pooling changes the gap or the test accuracy, and the two gap curves
# nearly coincide, growing in both models as training goes on. That is not evidence that pooling
# does nothing (three seeds detect only large differences; the interval's ends say how large a
# difference is still possible), but the report's suggestion is not supported here, within this
# design, where the pooled model also sees wider patches and computes four times as much, and
# the gap is measured with dropout on.
#
# ## Exercises
#

# %%
from fmnist_lib.exercises import check_answer

# %% [markdown]
# 1. The quadratic with curvatures $(1, 10)$: which learning rate converges fastest? Derive it
#    from $|1 - \eta\lambda_i|$, check it below, then confirm it with the loop above.

# %%
answer = ...  # exercise 1: the fastest learning rate
check_answer("7.1", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 1</summary>
#
# After $t$ steps the error along curvature $\lambda_i$ is multiplied by $(1-\eta\lambda_i)^t$.
# The slower of the two directions sets the pace, so the best $\eta$ makes
# $|1-\eta\lambda_{\min}| = |1-\eta\lambda_{\max}|$, that is
# $1 - \eta = \eta \cdot 10 - 1$: $\eta = 2/11 \approx 0.18$, where both shrink by $9/11$ per
# step. The table above agrees: 0.18 needs the fewest steps of the rates tried.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
best_rate = 2 / (curvatures.min() + curvatures.max())
print(
    f"η = {best_rate:.4f}; both directions shrink "
    f"by {1 - best_rate * curvatures.min():.4f}"
)
check_answer("7.1", best_rate)

# %% [markdown]
# 2. **Predict first.** From the Raschka classifier's sharpness at the start (all eight batches),
#    predict a learning rate at which plain SGD is stable at first; run `track_gradients` with it
#    from three seeds, with `sharpness_every`, and see whether the sharpness later crosses
#    $2/\eta$.

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 2</summary>
#
# Stable at first means $\eta < 2/\lambda_{\max}$ at the starting weights, and the estimate is
# noisy: take the *highest* of the eight batches' estimates, the sharpest the start may be. That
# limit alone is no guide, though: the chapter's own runs at $\eta = 0.5$, a rate below it,
# sharpened past $2/\eta$ as they trained. So a rate the evidence supports is below both: below
# every rate seen to cross its limit (0.5), and with a margin of half. Then the three seeds show
# whether it holds for these steps. If any of them crosses $2/\eta$ or stops being a number, the
# start was no safe guide even with the margin: training sharpens the surface, and only a run
# (several runs) tells whether a rate survives it.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
candidate = round(min(2 / at_start.max(), LR) / 2, 3)
print(
    f"limit at the start: 2 / {at_start.max():.2f} "
    f"= {2 / at_start.max():.2f}; η = {candidate}"
)
for seed in range(scaled(3)):
    seed_everything(seed)
    steps = (
        track_gradients(
            RaschkaClassifier(dropout=0.0),
            splits.train,
            "classification",
            steps=scaled(60),
            lr=candidate,
            optimizer="sgd",
            every=6,
            seed=seed,
            sharpness_every=6,
        )
        .groupby("step")
        .agg(loss=("loss", "first"), sharpness=("sharpness", "first"))
    )
    crossed = int((steps.sharpness > 2 / candidate).sum())
    print(
        f"seed {seed}: largest sharpness "
        f"{steps.sharpness.max():.2f} (2/η = {2 / candidate:.1f}),"
        f" {crossed} measurements above it, loss at step {steps.index[-1]}: "
        f"{steps.loss.iloc[-1]:.3f}"
    )

# %% [markdown]
# 3. **Predict first.** Train the model without a remedy on 2,000 images instead of 1,000.
#    Predict whether its validation loss reaches its lowest point earlier or later, and whether
#    it climbs as far by epoch 100; then run it.

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 3</summary>
#
# Twice the images give each epoch twice the updates and make the images harder to memorise:
# one expects the lowest point to come after fewer epochs but at a lower loss, and the climb
# after it to be slower, since memorising 2,000 images takes longer. One seed, so an
# illustration beside the three seeds above, not a result:
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
seed_everything(0)
more = training_curves(
    FeedForwardClassifier(hidden_size=256, dropout=0.0),
    splits.train.subset(range(len(splits.train))[:2000]),
    splits.val,
    EPOCHS,
    progress=False,
)
for label, c in (("1,000 images, seed 0", baseline[0]), ("2,000 images, seed 0", more)):
    low = lowest_point(c)
    print(
        f"{label}: lowest validation loss "
        f"{low['val_loss']:.3f} at epoch {low['epoch']}, "
        f"{c.val_loss.iloc[-1]:.3f} at epoch {len(c)}"
    )

# %% [markdown]
# ## Summary
#
# - Divergence is a step too large for the curvature: on a quadratic, $\eta\lambda_{\max} > 2$
#   diverges and smaller rates are slower, not faster. On a network the sharpness is estimated
#   on a batch (a noisy number) and moves during training: every seed's run at $\eta = 0.5$
#   sharpened past $2/\eta$; two of the three diverged, each at its own step, and the third
#   stopped learning.
# - A smaller rate, clipping, and `fit`'s loss check guard against divergence.
# - Over-fitting, on 1,000 images for 100 epochs, draws a U-shaped validation curve in every
#   seed. Dropout, weight decay, augmentation and early stopping are each compared with no
#   remedy on the test set over three seeds, with an interval; the table says which differences
#   three seeds can show.
# - Pooling in the Raschka classifier: neither its gap nor its test accuracy is shown to differ
#   from the strided model's with three seeds of the full runs.
#
# **Check yourself:** [a quiz on this chapter's ideas](quizzes/07_quiz.ipynb), with an explanation
# for every answer.

# %%
no_remedy = rows["no remedy"]
key_numbers = {
    "sharpness at the start (8 batches)": (
        f"{at_start.min():.2f} to {at_start.max():.2f}"
    ),
    "largest sharpness per seed at η = 0.5": ", ".join(
        f"{v:.3g}" for v in per_seed["largest sharpness"]
    ),
    "no remedy: lowest val loss (mean epoch)": (
        f"{no_remedy['lowest val loss']:.3f} "
        f"({no_remedy['lowest val loss at epoch']:.0f})"
    ),
    "no remedy: val loss at the last epoch": f"{no_remedy['last val loss']:.3f}",
}
for (name, metric), c in intervals.items():
    key_numbers[f"{name} − no remedy, {metric}"] = (
        f"{c.estimate:+.3f} [{c.low:+.3f}, {c.high:+.3f}]"
    )
for what, value in key_numbers.items():
    print(f"{what}: {value}")
