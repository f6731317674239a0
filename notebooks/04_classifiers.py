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
# # 4. Classifiers built from encoders
#
# An encoder that can compress a clothing image into a few numbers has learned something about
# clothes. Put a linear layer on top of it and train the whole net to predict the label: that is
# the report's classifier. This chapter builds the «consigna» and «Raschka» classifiers, explains
# why they output raw *logits* rather than probabilities, trains them with the report's Table II
# settings and reads their confusion matrix.
#
# **Time.** At the `full` budget: about 25–40 minutes on a 2-core CPU the first time (the
# «consigna FE» classifier first needs the «consigna» autoencoder of chapter 3, which is reused
# if you ran it); a few minutes on a GPU.

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

# %% [markdown]
# ## From an encoder to a classifier
#
# The classifier is the autoencoder's encoder followed by a head `Linear(n, 10)`: one output per
# class. The report changed the dropout layers on the way:
#
# - «consigna»: the two dropouts after the convolutions are removed; the third moves to just
#   after `Flatten`, in front of the dense layer;
# - «Raschka»: no dropout between convolutions, one dropout after `Flatten`.
#
# Both use a heavy $p = 0.8$: in training, 80% of the 800 (or 3,136) flattened features are
# zeroed at every step, so the dense layer cannot rely on any single one of them.

# %%
# NBVAL_CHECK_OUTPUT
from fmnist_lib.models import (
    ConsignaAutoencoder,
    ConsignaClassifier,
    RaschkaClassifier,
)

print(
    "consigna autoencoder encoder:",
    ConsignaAutoencoder(hidden_size=10, dropout=0.1).encoder,
    sep="\n",
)
print("consigna classifier:", ConsignaClassifier(hidden_size=10, dropout=0.8), sep="\n")

# %%
# NBVAL_CHECK_OUTPUT
print("Raschka classifier:", RaschkaClassifier(hidden_size=10, dropout=0.8), sep="\n")

# %% [markdown]
# ## Logits, softmax and cross-entropy
#
# The head outputs ten real numbers $z_0, \dots, z_9$, the **logits**. The prediction is the class
# with the largest one, $\hat y = \arg\max_k z_k$. The **softmax** turns logits into probabilities,
#
# $$ p_k = \frac{e^{z_k}}{\sum_{j} e^{z_j}}, $$
#
# without changing which one is largest. Training minimises the **cross-entropy**, minus the log
# of the probability given to the true class $y$:
#
# $$ \mathcal{L}(z, y) = -\log p_y = -z_y + \log \sum_j e^{z_j},
# \qquad \frac{\partial \mathcal{L}}{\partial z_k} = p_k - [k = y]. $$
#
# PyTorch's `nn.CrossEntropyLoss` takes the **logits** and computes the log-softmax itself (in a
# numerically stable way). **Accuracy** is the fraction of images whose $\hat y$ is right.
#
# The report also tried a softmax *output layer* and found it worse. It shows no code, so the
# cause can only be inferred; the likely one: the loss then
# applies a second softmax to numbers that are already in $[0, 1]$. A confident wrong answer
# costs at most $\log(9 + e) \approx 2.46$, and its gradient is squeezed through two softmaxes:

# %%
# NBVAL_CHECK_OUTPUT
import torch
from torch import nn

loss = nn.CrossEntropyLoss()
target = torch.tensor([1])
for confidence in (2.0, 5.0, 10.0):
    z = torch.zeros(1, 10)
    z[0, 0] = confidence  # confidently predicts class 0, the truth is class 1
    z.requires_grad_(True)
    logits_loss = loss(z, target)
    (g_logits,) = torch.autograd.grad(logits_loss, z)
    softmax_loss = loss(z.softmax(1), target)
    (g_softmax,) = torch.autograd.grad(softmax_loss, z)
    print(
        f"logit {confidence:>4}: loss on logits {logits_loss.item():6.3f} (|grad| "
        f"{g_logits.norm():.3f})   "
        f"loss on softmax {softmax_loss.item():6.3f} (|grad| {g_softmax.norm():.4f})"
    )

# %% [markdown]
# The more confidently wrong the model, the *larger* the correcting gradient with logits — and
# the *smaller* with a softmax output, which saturates. Training tests it (on the `quick`
# budget, a 10,000-image subset, to keep it short):

# %%
from fmnist_lib.experiments import run_experiment, summary_table

SWEEP_BUDGET = "smoke" if BUDGET == "smoke" else "quick"
softmax_runs = {
    "logits (CrossEntropyLoss)": run_experiment("clf-consigna-10", SWEEP_BUDGET),
    "softmax output layer": run_experiment(
        "clf-consigna-10", SWEEP_BUDGET, overrides={"softmax_output": True}
    ),
}
from fmnist_lib.plots import training_curves

fig = training_curves(
    {k: r.history.epochs for k, r in softmax_runs.items()},
    ("loss", "accuracy"),
    ("cross-entropy", "accuracy"),
    "consigna (10): logits vs softmax output",
)
for k, r in softmax_runs.items():
    print(
        f"{k:<28} validation accuracy after {len(r.history.epochs)} epochs: "
        f"{r.history.epochs[-1]['val_accuracy']:.1%}"
    )

# %% [markdown]
# ## Table II: the settings

# %%
# NBVAL_CHECK_OUTPUT
from fmnist_lib import paper
from fmnist_lib.registry import SETTINGS_COLUMNS, settings_table

start = {"initialised from": lambda e: e.init_from or "random"}
settings_table(paper.TABLE_II, {**SETTINGS_COLUMNS, **start})

# %% [markdown]
# «consigna FE» has $n = 128$ and starts from the trained «consigna» autoencoder's encoder
# (chapter 5 is about that choice).
#
# ## Training

# %%
results = {name: run_experiment(name, BUDGET) for name in paper.TABLE_II}
summary_table(results)

# %% [markdown]
# ## Curves (the report's Figure 7)

# %%
fig = training_curves(
    {r.experiment.title: r.history.epochs for r in results.values()},
    ("loss", "accuracy"),
    ("cross-entropy", "accuracy"),
    "Classifiers: training (solid) vs validation (dashed)",
)

# %% [markdown]
# Validation accuracy can sit *above* training accuracy: training accuracy is measured with
# dropout active ($p = 0.8$ removes most features), validation without. The gap between the
# curves is therefore not a measure of over-fitting by itself; its *trend* over the epochs is.
#
# ## The confusion matrix
#
# Row $i$, column $j$ counts the test images of class $i$ predicted as class $j$; the diagonal
# holds the correct ones. The report's matrix for its Raschka classifier is on the left, ours on
# the right. Dividing the diagonal by each row's total gives the *per-class accuracy* printed
# below, which is the class's **recall**: of the images that are shirts, the share predicted as
# shirts.

# %%
from fmnist_lib.plots import confusion_matrices

ours = results[paper.CONFUSION_EXPERIMENT]
fig = confusion_matrices(
    {
        "report (Raschka)": paper.CONFUSION_MATRIX,
        f"ours (Raschka, {BUDGET})": ours.test["confusion_matrix"],
    }
)

# %%
import pandas as pd

from fmnist_lib.data import CLASS_NAMES

per_class = pd.DataFrame(
    {"report": paper.per_class_accuracy(), "ours": ours.test["per_class_accuracy"]},
    index=CLASS_NAMES,
)
print(per_class.to_string(float_format="{:.1%}".format))
print(f"\nworst class — report: {per_class['report'].idxmin()}, ours: {per_class['ours'].idxmin()}")

# %%
matrix = torch.tensor(ours.test["confusion_matrix"])
off_diagonal = matrix - torch.diag(matrix.diag())
top = torch.topk(off_diagonal.flatten(), 5)
print("most frequent confusions (true -> predicted):")
for count, flat in zip(top.values.tolist(), top.indices.tolist(), strict=True):
    print(f"  {CLASS_NAMES[flat // 10]:>12} -> {CLASS_NAMES[flat % 10]:<12} {count}")

# %% [markdown]
# Shirts are the hard class: a shirt shares its outline with T-shirts, pullovers and coats, and
# at $28 \times 28$ the collar and buttons that tell them apart are a few pixels. Trousers, bags
# and sandals have shapes nothing else has.
#
# ## Do the convolutional classifiers beat a dense one?
#
# The report concludes that its convolutional networks beat the feed-forward one on both tasks,
# but it trained no feed-forward *classifier*. `clf-feedforward-512` is one: the feed-forward
# autoencoder's encoder (784 → 512, ReLU, dropout 0.1) and a linear head, trained like the
# others. Three seeds of each model, and the course's rule for "is the difference real?": the
# 95% confidence interval (Welch's) of the difference of the mean test accuracies must exclude
# zero.

# %%
from fmnist_lib.report import interval_text
from fmnist_lib.stats import compare

names = ("clf-feedforward-512", "clf-consigna-10", "clf-raschka-10")
accuracy = {
    n: [run_experiment(n, BUDGET, seed=s).test["accuracy"] for s in range(3)] for n in names
}
for n in names:
    print(f"{n:<20} test accuracy {[round(100 * a, 2) for a in accuracy[n]]}")
for n in names[1:]:
    c = compare(accuracy[n], accuracy["clf-feedforward-512"])
    verdict = "real" if c.real else "not shown (the interval includes 0)"
    print(f"{n} − feed-forward: {interval_text(c)}: {verdict}")

# %% [markdown]
# Read each line with its sign: a real positive difference means the convolutional model wins,
# a real negative one that the dense network does. The answer depends on the convolutional
# model, not on "convolutions" in general: an architecture's details (its code size, where its
# dropout sits, how long it trains) matter as much as the kind of layer. The reproduction report
# (`results/full/REPORT.md`) adds the fine-tuned «consigna» FE to this comparison.
#
# ## Exercises
#
# 1. Train the Raschka classifier without the dropout after `Flatten`
#    (`overrides={"dropout": 0.0}`) and compare the train/validation curves.
# 2. Our Raschka classifier's encoder ends in `Linear(3136, 10)` with no activation, followed by
#    the head `Linear(10, 10)`. Show that the two compose into one linear map. Does it matter?
# 3. Compute the accuracy of a classifier that always answers "T-shirt". Why is accuracy a fair
#    metric on this dataset but not on an unbalanced one?
