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
# # 4. Classifiers built from encoders
#
# An encoder that can compress a clothing image into a few numbers has learned something about
# clothes. Put a linear layer on top of it and train the whole net to predict the label: that is
# the report's classifier. This chapter builds the «consigna» and «Raschka» classifiers, explains
# why they output raw *logits* rather than probabilities, trains them with the report's Table II
# settings and reads their confusion matrix.
#
# **Objectives.** After this chapter you will be able to:
#
# - build a classifier from an encoder and a linear head, and compute its number of weights
#   layer by layer;
# - explain why the head outputs raw logits, what `nn.CrossEntropyLoss` computes from them, and
#   what a softmax output layer does to the loss and its gradient;
# - train the report's classifiers and read their training and validation curves, knowing why
#   dropout can put the validation accuracy above the training accuracy;
# - read a confusion matrix: per-class accuracy (recall) and the most frequent confusions;
# - decide with the course's rule (a 95% confidence interval over seeds) whether one classifier
#   beats another.
#
# **Time.** At the `full` budget, with the published reference runs present (a clone of the
# repository): a few minutes, most of it the exercises' solutions. Without them, the chapter
# trains its classifiers, three seeds each, and the «consigna» autoencoder they start from: a few
# hours on a 2-core CPU, far less on a GPU (runs already made are reused). The solution of exercise 5 trains two more Raschka
# classifiers on the `quick` budget: a few more minutes on a CPU.

# %% tags=["hide-input"]
# Setup. On Colab, install the course library first (Colab's own PyTorch is kept).
# Budget: full (default) reuses the course's published runs (Colab downloads them, up to 4 MB
# each) and trains the rest. For small, fast runs, run `%env FMNIST_BUDGET=smoke` in a cell above.
import importlib.util
import subprocess
import sys

if "google.colab" in sys.modules and not importlib.util.find_spec("fmnist_lib"):
    package = "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)

from fmnist_lib.course import setup

BUDGET = setup()  # FMNIST_BUDGET=full (default), quick or smoke

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
# Both use a heavy $p = 0.8$: in training, each of the 800 (or 3,136) flattened features is
# zeroed with probability 0.8 at every step (about 80% of them, a new draw each time), so the
# dense layer cannot rely on any single one of them.

# %% tags=["nbval-check-output"]
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

# %% tags=["nbval-check-output"]
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

# %% tags=["nbval-check-output"]
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
# the *smaller* with a softmax output, which saturates. Whether that makes training worse is a
# question for data: three seeds of the «consigna» classifier with each output, on the `quick`
# budget (a 10,000-image subset, five epochs) to keep it short — the `smoke` budget when the
# notebook runs at smoke. The curves are seed 0's; the last line is the course's verdict on the
# report's finding, at the budget it names.

# %%
from fmnist_lib.experiments import run_experiment, summary_table
from fmnist_lib.numerals import interval_text
from fmnist_lib.plots import training_curves
from fmnist_lib.reproduction.report import VERDICT_WORDS
from fmnist_lib.reproduction.verdicts import judge
from fmnist_lib.stats import compare

SWEEP_BUDGET = "smoke" if BUDGET == "smoke" else "quick"
SEEDS = (0, 1, 2)
softmax_runs = {
    "logits (CrossEntropyLoss)": [
        run_experiment("clf-consigna-10", SWEEP_BUDGET, seed=s) for s in SEEDS
    ],
    "softmax output layer": [
        run_experiment("clf-consigna-10", SWEEP_BUDGET, seed=s, overrides={"softmax_output": True})
        for s in SEEDS
    ],
}
fig = training_curves(
    {k: runs[0].history.epochs for k, runs in softmax_runs.items()},
    ("loss", "accuracy"),
    ("cross-entropy", "accuracy"),
    "consigna (10), seed 0: logits vs softmax output",
)
softmax_accuracy = {
    k: [r.history.epochs[-1]["val_accuracy"] for r in runs] for k, runs in softmax_runs.items()
}
for k, accuracies in softmax_accuracy.items():
    print(f"{k:<28} validation accuracy: {[round(100 * a, 1) for a in accuracies]}")
softmax_effect = compare(*softmax_accuracy.values())  # logits minus softmax output
softmax_verdict = VERDICT_WORDS[judge(softmax_effect, lower_is_better=False)]
print(f"logits − softmax output: {interval_text(softmax_effect)}")
print(f"'a softmax output is worse' (the report), {SWEEP_BUDGET} budget: {softmax_verdict}")

# %% [markdown]
# ## Table II: the settings

# %% tags=["nbval-check-output"]
from fmnist_lib import paper
from fmnist_lib.experiments.registry import SETTINGS_COLUMNS, settings_table

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
print()
for who, recall in per_class.items():
    best_three = ", ".join(recall.nlargest(3).index)
    print(f"{who:>6}: worst class {recall.idxmin()}; best three {best_three}")

# %%
matrix = torch.tensor(ours.test["confusion_matrix"])
off_diagonal = matrix - torch.diag(matrix.diag())
top = torch.topk(off_diagonal.flatten(), 5)
print("most frequent confusions (true -> predicted):")
for count, flat in zip(top.values.tolist(), top.indices.tolist(), strict=True):
    print(f"  {CLASS_NAMES[flat // 10]:>12} -> {CLASS_NAMES[flat % 10]:<12} {count}")

# %% [markdown]
# In the report's matrix, and in ours at the full budget, shirts are the hard class (the lines
# above name the worst class at the budget this notebook ran): a shirt shares its outline with
# T-shirts, pullovers and coats, and at $28 \times 28$ the collar and buttons that tell them
# apart are a few pixels. At the full budget the best-recognised classes are trousers, sandals
# and bags, in both matrices: shapes nothing else has.
#
# Behind each count are images. Step through our classifier's most frequent mistakes, largest
# first, and look at what it confused (every view is computed here once, so this also works on
# the book's static pages):

# %%
from fmnist_lib.data import splits_for
from fmnist_lib.widgets import confusion_browser

confusion_browser(ours.model, splits_for(BUDGET).test)

# %% [markdown]
# Look for two kinds: mistakes a person would make too, and images whose label itself is
# debatable. A classifier cannot do better than the labels it is scored against.
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
names = ("clf-feedforward-512", "clf-consigna-10", "clf-raschka-10")
accuracy = {n: [run_experiment(n, BUDGET, seed=s).test["accuracy"] for s in SEEDS] for n in names}
for n in names:
    print(f"{n:<20} test accuracy {[round(100 * a, 2) for a in accuracy[n]]}")
dense_comparisons = {n: compare(accuracy[n], accuracy["clf-feedforward-512"]) for n in names[1:]}
for n, c in dense_comparisons.items():
    print(f"{n} − feed-forward: {interval_text(c)}")
    verdict = VERDICT_WORDS[judge(c, lower_is_better=False)]
    print(f"  '{n} beats the feed-forward classifier': {verdict}")

# %% [markdown]
# *Confirmed* means the interval lies above zero (the convolutional model wins), *contradicted*
# that it lies below (the dense network wins), *not shown* that it includes zero. When the two
# verdicts differ, as they do at the full budget, the answer depends on the convolutional
# model, not on "convolutions" in general. The two models differ in code size, in where their
# dropout sits and in how long they train, as well as in their layers; this comparison cannot say
# which of those matters. The
# [reproduction report](../report.md) adds the fine-tuned «consigna» FE to this comparison.
#
# ## Exercises
#
# 1. **Count the weights.** Count the parameters of the Raschka classifier with $n = 10$ layer
#    by layer, from its listing at the top of the chapter: a convolution has
#    $C_\text{out}(C_\text{in} K^2 + 1)$ of them, a linear layer $n_\text{out}(n_\text{in} + 1)$.
#    Where does the 3,136 come from, and which layers hold most of the weights?
# 2. **The loss before training.** An untrained head outputs ten logits close to one another.
#    What cross-entropy does a classifier get whose ten logits are all equal, whatever the true
#    class? Compare it with the first epoch's losses of the Table II runs.
# 3. **Two linear layers in a row.** The Raschka classifier's encoder ends in `Linear(3136, 10)`
#    with no activation, followed by the head `Linear(10, 10)`. Show that the two compose into
#    one linear layer (write its weight and bias), check on test images that it gives the same
#    logits as the trained model, and give its number of parameters. Does the split into two
#    layers matter?
# 4. **Always "T-shirt".** What is the test accuracy (a fraction) of a classifier that answers
#    "T-shirt/top" for every image? Why is accuracy a fair summary on this test set but not on
#    an unbalanced one, and what would you read there instead?
# 5. **Predict, then run: dropout off.** The Raschka classifier zeroes each flattened feature
#    with probability 0.8 in training. Before running anything, predict: with dropout 0, where
#    will the training loss end relative to the validation loss, and the training accuracy
#    relative to the validation accuracy? Then train both at the `quick` budget,
#    `run_experiment("clf-raschka-10", "quick", overrides={"dropout": 0.0})` and
#    `run_experiment("clf-raschka-10", "quick")`, and compare their curves with
#    `training_curves`.

# %%
from fmnist_lib.exercises import check_answer

answer = ...  # exercise 1: the parameters of RaschkaClassifier(hidden_size=10)
check_answer("4.1", answer)

# %%
answer = ...  # exercise 2: the cross-entropy of ten equal logits
check_answer("4.2", answer)

# %%
answer = ...  # exercise 3: the parameters of the one merged linear layer
check_answer("4.3", answer)

# %%
answer = ...  # exercise 4: the test accuracy of always answering T-shirt/top, as a fraction
check_answer("4.4", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 1</summary>
#
# The first convolution keeps the $28 \times 28$ size (padding 1), the next two halve it
# (stride 2): $28 \to 14 \to 7$, and the last keeps it. `Flatten` therefore sees 64 maps of
# $7 \times 7$, $64 \cdot 49 = 3136$ features. Layer by layer:
#
# - `Conv2d(1, 32)`: $32 \cdot (1 \cdot 9 + 1) = 320$;
# - `Conv2d(32, 64)`: $64 \cdot (32 \cdot 9 + 1) = 18{,}496$;
# - `Conv2d(64, 64)`, twice: $64 \cdot (64 \cdot 9 + 1) = 36{,}928$ each;
# - `Linear(3136, 10)`: $10 \cdot (3136 + 1) = 31{,}370$;
# - the head `Linear(10, 10)`: $10 \cdot (10 + 1) = 110$.
#
# In all 124,152: the four convolutions hold about three quarters of them, the two
# `Conv2d(64, 64)` alone more than half. The activations, dropout and `Flatten` have no weights. The cell lists the
# layers with `count_parameters`.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
from torch import nn

from fmnist_lib.models import count_parameters

raschka = RaschkaClassifier(hidden_size=10)
for name, layer in raschka.named_modules():
    if isinstance(layer, nn.Conv2d | nn.Linear):
        print(f"{name:<10} {layer!s:<70} {count_parameters(layer):>7,}")
print(f"{'total':<81} {count_parameters(raschka):>7,}")
check_answer("4.1", count_parameters(raschka))

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 2</summary>
#
# Equal logits give every class the same probability, $p_k = e^{z}/(10 e^{z}) = 1/10$, so the
# loss is $-\log(1/10) = \ln 10 \approx 2.30$ whatever the true class. That is the loss of a
# uniform guess: a classifier whose loss stays near it has learned nothing. Do not expect the
# first epoch's losses to equal it: an untrained head's logits are only roughly equal, and the
# first epoch's *training* loss is an average over an epoch during which the model already
# learns. With a softmax output layer, by contrast, even a perfect answer (probability 1 on the
# true class) leaves a loss of $-1 + \ln(e + 9) = \ln(1 + 9/e) \approx 1.46$. The cell computes
# these losses and prints each Table II run's first-epoch losses, to compare with $\ln 10$.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
import math

from fmnist_lib.data import NUM_CLASSES

cross_entropy = nn.CrossEntropyLoss()
every_class = torch.arange(NUM_CLASSES)  # one row per true class
uniform_loss = cross_entropy(torch.zeros(NUM_CLASSES, NUM_CLASSES), every_class).item()
print(f"ten equal logits, every true class: loss {uniform_loss:.4f} (ln 10 = {math.log(10):.4f})")
perfect_softmax = cross_entropy(torch.eye(NUM_CLASSES), every_class).item()
print(f"a softmax output with probability 1 on the truth: loss {perfect_softmax:.4f}")
for r in results.values():
    first = r.history.epochs[0]
    print(
        f"{r.experiment.title:<18} epoch 1: training loss {first['train_loss']:.3f}, "
        f"validation loss {first['val_loss']:.3f}"
    )
check_answer("4.2", uniform_loss)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 3</summary>
#
# With $h = W_1 x + b_1$ (the layer `Linear(3136, 10)`) and the head $z = W_2 h + b_2$,
#
# $$ z = W_2 (W_1 x + b_1) + b_2 = (W_2 W_1)\, x + (W_2 b_1 + b_2), $$
#
# one linear layer with weight $W_2 W_1$ ($10 \times 3136$) and bias $W_2 b_1 + b_2$: $3136
# \cdot 10 + 10 = 31{,}370$ parameters, against $31{,}370 + 110$ for the pair. The dropout sits
# before $W_1$, so the identity holds in training too. The cell builds the merged layer from the
# trained model and prints the largest difference between its logits and the model's on test
# images.
#
# Does it matter? Not for what the model can compute: every pair is one `Linear(3136, 10)`, and
# every `Linear(3136, 10)` is a pair (take the head to be the identity), so both describe the
# same set of functions. It can matter for training: gradient descent on the two factors does
# not follow the same path as on their product, so the two need not end at the same weights.
# The 10-wide layer is the autoencoder's code, kept when its encoder became a classifier; a
# second layer adds something only with a nonlinearity between the two, as the ReLU after the
# «consigna» encoder's `Linear(800, 10)`.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
from fmnist_lib.data import splits_for

trained = ours.model.eval()
features, last, head = trained.encoder[:-1], trained.encoder[-1], trained.head
merged = nn.Linear(last.in_features, head.out_features)
with torch.no_grad():
    merged.weight.copy_(head.weight @ last.weight)
    merged.bias.copy_(head.weight @ last.bias + head.bias)
    images = splits_for(BUDGET).test.floats()[:500]
    difference = (trained(images) - merged(features(images))).abs().max().item()
print(f"largest difference between the two sets of logits on 500 test images: {difference:.1e}")
print(f"parameters: the pair {count_parameters(last) + count_parameters(head):,}, "
      f"the merged layer {count_parameters(merged):,}")  # fmt: skip
check_answer("4.3", count_parameters(merged))

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 4</summary>
#
# Every class has as many test images as any other (the cell counts them), so the constant
# answer is right on exactly one image in ten: an accuracy of 0.1, the chance level of this test
# set, and any accuracy above it is skill. On an unbalanced test set the constant answer can
# score high while recognising nothing: with 95% of the images in one class, always answering
# that class scores 0.95. There, read the per-class accuracy (each class's recall, the rows of
# the confusion matrix), their mean (the *balanced accuracy*, 0.1 here for the constant
# answer), or the precision and recall of the rare classes.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
from fmnist_lib.evaluation import accuracy as accuracy_of
from fmnist_lib.evaluation import confusion_matrix, per_class_accuracy

test_labels = splits_for(BUDGET).test.labels
always_tshirt = confusion_matrix(test_labels, torch.zeros_like(test_labels))
print(f"test images per class: {torch.bincount(test_labels).tolist()}")
recall = per_class_accuracy(always_tshirt)
print(f"always T-shirt/top: accuracy {accuracy_of(always_tshirt):.3f}, "
      f"balanced accuracy {sum(recall) / len(recall):.3f}")  # fmt: skip
check_answer("4.4", accuracy_of(always_tshirt))

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 5</summary>
#
# The prediction, from what dropout does. With $p = 0.8$ the training loss and accuracy are
# measured on a network that sees about a fifth of its features, a handicap the validation
# measurements (without dropout) do not have; and the head cannot fit the training images
# through features that vanish at random. Without dropout both go: expect the training loss to
# fall faster and end further below the validation loss (or less far above it), and the
# training accuracy to end higher relative to the validation accuracy — a gap that grows with
# the epochs once the model starts to over-fit.
#
# The cell trains both (five epochs at the `quick` budget, two at `smoke`) and prints, for each,
# the last epoch's validation − training loss and training − validation accuracy, and whether
# the first is larger without dropout. It is one seed of each and few epochs: a pattern to look
# at, not a verdict. Chapter 6 trains the same two models longer, to see whether the validation
# loss turns up.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
dropout_runs = {
    "dropout 0.8 (registered)": run_experiment("clf-raschka-10", SWEEP_BUDGET),
    "dropout 0": run_experiment("clf-raschka-10", SWEEP_BUDGET, overrides={"dropout": 0.0}),
}
fig = training_curves(
    {k: r.history.epochs for k, r in dropout_runs.items()},
    ("loss", "accuracy"),
    ("cross-entropy", "accuracy"),
    f"Raschka (10), {SWEEP_BUDGET} budget: training (solid) vs validation (dashed)",
)
for k, r in dropout_runs.items():
    last_epoch = r.history.epochs[-1]
    print(
        f"{k:<25} after {len(r.history.epochs)} epochs: validation − training loss "
        f"{last_epoch['val_loss'] - last_epoch['train_loss']:+.3f}, training − validation "
        f"accuracy {100 * (last_epoch['train_accuracy'] - last_epoch['val_accuracy']):+.1f} points"
    )
loss_gap = {
    k: r.history.epochs[-1]["val_loss"] - r.history.epochs[-1]["train_loss"]
    for k, r in dropout_runs.items()
}
larger = loss_gap["dropout 0"] > loss_gap["dropout 0.8 (registered)"]
print(f"validation − training loss is larger without dropout: {larger}")

# %% [markdown]
# ## Summary
#
# - A classifier is an encoder with a linear head that outputs ten logits; `nn.CrossEntropyLoss`
#   applies the log-softmax itself. A softmax output layer squashes the logits twice: its loss
#   saturates and its gradient vanishes when the model is confidently wrong (the table of losses
#   and gradients above); the training runs give the verdict at their budget.
# - The report's three classifiers were trained with its Table II settings; with dropout 0.8,
#   training accuracy is measured on a thinned network and can sit below validation accuracy.
# - The confusion matrix's rows give each class's recall and show which classes are confused
#   with which.
# - Whether a convolutional classifier beats the dense one is decided over three seeds with the
#   course's rule, one model at a time.
#
# The chapter's numbers, at the budget this notebook ran:

# %%
from fmnist_lib.models import count_parameters

print(f"budget: {BUDGET}")
for r in results.values():
    print(
        f"{r.experiment.title:<18} test accuracy {r.test['accuracy']:.2%} "
        f"({count_parameters(r.model):,} parameters, {len(r.history.epochs)} epochs)"
    )
print(f"logits − softmax output ({SWEEP_BUDGET}): {interval_text(softmax_effect)}; "
      f"'a softmax output is worse': {softmax_verdict}")  # fmt: skip
worst = per_class["ours"].idxmin()
print(f"our Raschka classifier's worst class: {worst} ({per_class['ours'][worst]:.1%} recall)")
for n, c in dense_comparisons.items():
    print(f"{n} − feed-forward: {interval_text(c)}; "
          f"'beats it': {VERDICT_WORDS[judge(c, lower_is_better=False)]}")  # fmt: skip
