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
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/fmnist-course/fmnist-course/blob/v0.1.0/notebooks/04_classifiers.ipynb)
#
# An encoder that can compress a clothing image into a few numbers has learned something about
# clothes. Put a linear layer on top of it and train the whole net to predict the label: that is
# the report's classifier. This chapter writes the «Raschka» classifier as a PyTorch module,
# builds the cross-entropy loss by hand, explains why the classifiers output raw *logits* rather
# than probabilities, trains them with the report's Table II settings and reads their confusion
# matrix. On the way it writes out the course's rule for "is this difference real?", Welch's
# interval, and measures what three seeds can and cannot detect.
#
# **Objectives.** After this chapter you will be able to:
#
# - write a classifier as an `nn.Module` (an encoder and a linear head), check it against the
#   library's, and compute its number of weights layer by layer;
# - compute the softmax, the log-softmax and the cross-entropy by hand, explain why the head
#   outputs raw logits, and what a softmax output layer does to the loss and its gradient;
# - compute Welch's 95% confidence interval for a difference of means, read it (what "95%"
#   means, what an interval that contains zero says and does not say), and estimate by
#   simulation how often three seeds a side detect a difference of a given size (the *power*);
# - train the report's classifiers and read their training and validation curves, knowing why
#   dropout can put the validation accuracy above the training accuracy;
# - read a confusion matrix: per-class accuracy (recall) and the most frequent confusions.
#
# **Study time.** About 105 minutes: about 55 to read the chapter and run its cells, and about ten
# for each of its 5 exercises (estimated from its length, at about 100 words of prose or ten lines
# of code a minute).
#
# **Time.** With the published reference runs present (a clone of the repository): a few
# minutes, most of it training the small demonstration runs (10,000 training images, five
# epochs). Without them, the chapter trains its classifiers, three seeds each, and the «consigna»
# autoencoder they start from: a few hours on a 2-core CPU, far less on a GPU (runs already made
# are reused).

# %% tags=["hide-input"]
if "google.colab" in str(get_ipython()):  # on Colab: install the course's library
    # %pip install -q \
#         "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"

# %%
import torch
from torch import nn

from fmnist_lib.course import setup

setup()

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
#
# Here is the Raschka classifier written out. `__init__` creates the layers (each one's output
# shape in the comments, for an input of shape $(1, 28, 28)$) and `forward` says how an image
# goes through them: the encoder turns it into a code of `hidden_size` numbers, the head turns
# the code into ten logits. Change it (a width, a layer, the dropout) and run the check below it:
# it tells you whether your module is still the library's.

# %%
class RaschkaClassifier(nn.Module):
    """Four 3×3 convolutions (LeakyReLU), a dropout on the flattened features, the code
    layer Linear(3136, hidden_size), and the head Linear(hidden_size, 10) that outputs
    raw logits."""

    def __init__(self, hidden_size=10, dropout=0.8):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 32, kernel_size=3, stride=1, padding=1),  # (32, 28, 28)
            nn.LeakyReLU(0.01),
            nn.Conv2d(32, 64, kernel_size=3, stride=2, padding=1),  # (64, 14, 14)
            nn.LeakyReLU(0.01),
            nn.Conv2d(64, 64, kernel_size=3, stride=2, padding=1),  # (64, 7, 7)
            nn.LeakyReLU(0.01),
            nn.Conv2d(64, 64, kernel_size=3, stride=1, padding=1),  # (64, 7, 7)
            nn.Flatten(),  # 64 * 7 * 7 = 3136 features
            nn.Dropout(dropout),
            nn.Linear(64 * 7 * 7, hidden_size),  # the code: hidden_size numbers
        )
        self.head = nn.Linear(hidden_size, 10)  # one logit per class

    def forward(self, x):
        return self.head(self.encoder(x))


# %% [markdown]
# The course trains the library's `fmnist_lib.models.RaschkaClassifier`. Is ours the same
# network? Two checks: the same parameters (names and shapes), so that the library's weights
# load into ours; and, with those weights, the same logits for the same images (in evaluation
# mode, where dropout does nothing).

# %% tags=["nbval-check-output"]
from fmnist_lib import models

chapter_net = RaschkaClassifier(hidden_size=10, dropout=0.8)
library_net = models.RaschkaClassifier(hidden_size=10, dropout=0.8)
print(chapter_net)
shapes = {name: tuple(p.shape) for name, p in chapter_net.state_dict().items()}
library_shapes = {name: tuple(p.shape) for name, p in library_net.state_dict().items()}
print("same parameter names and shapes:", "yes" if shapes == library_shapes else "no")
# the library's weights, in our module
chapter_net.load_state_dict(library_net.state_dict())
images = torch.rand(8, 1, 28, 28)
torch.testing.assert_close(chapter_net.eval()(images), library_net.eval()(images))
print("same logits for the same weights: yes")

# %% [markdown]
# The «consigna» classifier, from the library, next to the autoencoder's encoder it comes from
# (chapter 3): the same layers, with the dropouts moved.

# %% tags=["nbval-check-output"]
from fmnist_lib.models import ConsignaAutoencoder, ConsignaClassifier

print(
    "consigna autoencoder encoder:",
    ConsignaAutoencoder(hidden_size=10, dropout=0.1).encoder,
    sep="\n",
)
print("consigna classifier:", ConsignaClassifier(hidden_size=10, dropout=0.8), sep="\n")

# %% [markdown]
# ## Logits, softmax and cross-entropy
#
# The head outputs ten real numbers $z_0, \dots, z_9$, the **logits**. The prediction is the class
# with the largest one, $\hat y = \arg\max_k z_k$. The **softmax** turns logits into probabilities,
#
# $$ p_k = \operatorname{softmax}(z)_k = \frac{e^{z_k}}{\sum_{j} e^{z_j}}, $$
#
# positive and summing to 1, without changing which one is largest. Its logarithm, the
# **log-softmax**, is a subtraction:
#
# $$ \log p_k = z_k - \log \sum_j e^{z_j}. $$
#
# Training minimises the **cross-entropy**, minus the log of the probability given to the true
# class $y$ (the *negative log-likelihood*), averaged over the images of a batch:
#
# $$ \mathcal{L}(z, y) = -\log p_y = -z_y + \log \sum_j e^{z_j},
# \qquad \frac{\partial \mathcal{L}}{\partial z_k} = p_k - [k = y]. $$
#
# It is 0 when the model gives the true class probability 1, and grows without bound as that
# probability goes to 0. The term $\log \sum_j e^{z_j}$ (the *log-sum-exp*) overflows if computed
# as written: $e^{1000}$ is infinite in floating point. Subtracting the largest logit $m$ first
# changes nothing mathematically, $\log \sum_j e^{z_j} = m + \log \sum_j e^{z_j - m}$, and keeps
# every exponential at most 1. Here are the log-softmax and the cross-entropy built that way, for
# four images, checked against PyTorch's `torch.log_softmax` and `nn.CrossEntropyLoss`:

# %% tags=["nbval-check-output"]
from fmnist_lib.numerals import numeral

logits = torch.tensor(
    [
        [2.0, -1.0, 0.5, 0.0, 1.0, -2.0, 0.3, 0.0, -0.5, 1.5],
        [0.1, 0.2, 3.0, -1.0, 0.0, 0.0, 2.5, -0.3, 0.4, 0.0],
        [-1.0, 0.0, 0.0, 4.0, 0.5, 0.0, 1.0, 0.0, 0.0, -2.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ]
)  # four images, ten classes
labels = torch.tensor([0, 6, 3, 9])  # their true classes
largest = logits.max(dim=1, keepdim=True).values
log_sum_exp = largest + (logits - largest).exp().sum(dim=1, keepdim=True).log()
log_softmax = logits - log_sum_exp  # log p_k, every image and class
# minus log p_y, averaged
by_hand = -log_softmax[torch.arange(len(labels)), labels].mean()
library_loss = nn.CrossEntropyLoss()(logits, labels)
torch.testing.assert_close(log_softmax, torch.log_softmax(logits, dim=1))
torch.testing.assert_close(by_hand, library_loss)
print(
    f"cross-entropy by hand {numeral(by_hand.item()):.4f}, "
    f"nn.CrossEntropyLoss {numeral(library_loss.item()):.4f}"
)
each_loss = (-log_softmax[range(4), labels]).tolist()
print("each image's loss:", ", ".join(f"{numeral(x):.3f}" for x in each_loss))
huge = torch.tensor([1000.0, 0.0])
as_written = huge.exp().sum().log().item()  # e^1000 overflows to inf
print(
    f"log-sum-exp of {huge.int().tolist()}: "
    f"as written {as_written}, max first {numeral(huge.logsumexp(0).item()):g}"
)

# %% [markdown]
# So `nn.CrossEntropyLoss` takes the **logits** and computes the log-softmax itself (in that
# numerically stable way); it is `nn.NLLLoss` applied to `torch.log_softmax(z)`. The fourth image
# has ten equal logits: probability $1/10$ for every class, a loss of $\ln 10 \approx 2.30$.
# **Accuracy** is the fraction of images whose $\hat y$ is right.
#
# The report also tried a softmax *output layer* and found it worse. It shows no code, so the
# cause can only be inferred; the likely one is a **double softmax**. With a `Softmax` as the
# model's last layer, the model outputs $p = \operatorname{softmax}(z)$, and the loss, which
# expects logits, applies its own softmax to them: it computes
# $-\log \operatorname{softmax}(\operatorname{softmax}(z))_y$. The second softmax sees ten
# numbers in $[0, 1]$, so its probabilities can never be far from $1/10$: the loss is trapped
# between $\ln(1 + 9/e) \approx 1.46$ (a perfect answer) and $\ln(9 + e) \approx 2.46$ (a
# confident wrong one), and the gradient is squeezed through two softmaxes:

# %% tags=["nbval-check-output"]
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
        f"logit {numeral(confidence):>4}: loss on logits "
        f"{numeral(logits_loss.item()):6.3f} (|grad| {numeral(g_logits.norm()):.3f})   "
        f"loss on softmax {numeral(softmax_loss.item()):6.3f} "
        f"(|grad| {numeral(g_softmax.norm()):.4f})"
    )

# %% [markdown]
# The more confidently wrong the model, the *larger* the correcting gradient with logits — and
# the *smaller* with a softmax output, which saturates. Whether that makes training worse is a
# question for data: three seeds of the «consigna» classifier with each output, as demonstration
# runs (a 10,000-image subset, five epochs) to keep it short. The curves are seed 0's.

# %%
from fmnist_lib.experiments import run_experiment, summary_table
from fmnist_lib.plots import training_curves
from fmnist_lib.settings import demonstration_budget

demonstration = demonstration_budget()  # 10,000 training images, five epochs
SEEDS = (0, 1, 2)
softmax_output = {"softmax_output": True}
softmax_runs = {
    "logits (CrossEntropyLoss)": [
        run_experiment("clf-consigna-10", demonstration, seed=s) for s in SEEDS
    ],
    "softmax output layer": [
        run_experiment(
            "clf-consigna-10", demonstration, seed=s, overrides=softmax_output
        )
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
    k: [r.history.epochs[-1]["val_accuracy"] for r in runs]
    for k, runs in softmax_runs.items()
}
for k, accuracies in softmax_accuracy.items():
    in_points = ", ".join(f"{numeral(100 * a):.1f}" for a in accuracies)
    print(f"{k:<28} validation accuracy: {in_points}")

# %% [markdown]
# ## Is the difference real? Welch's interval
#
# The logits runs end higher on average, but the three softmax runs scatter widely. Would three
# new seeds of each give the same order? The course answers every such question with one rule:
# compute a **95% confidence interval** for the difference of the two means, and call the
# difference shown only when the interval excludes zero. The interval is **Welch's**, which does
# not assume that the two sides spread alike. With $n_a$ and $n_b$ runs, means $\bar a$ and
# $\bar b$ and sample variances $s_a^2$ and $s_b^2$ (with $n - 1$ in the denominator):
#
# $$ d = \bar a - \bar b, \qquad
# \mathrm{SE} = \sqrt{\frac{s_a^2}{n_a} + \frac{s_b^2}{n_b}}, \qquad
# \nu = \frac{\left( s_a^2/n_a + s_b^2/n_b \right)^2}
# {\dfrac{(s_a^2/n_a)^2}{n_a - 1} + \dfrac{(s_b^2/n_b)^2}{n_b - 1}}, $$
#
# $$ d \pm t_{0.975,\,\nu} \, \mathrm{SE}. $$
#
# $d$ is the observed difference, $\mathrm{SE}$ its standard error (how much $d$ would vary from
# one set of seeds to the next), $\nu$ the Welch–Satterthwaite degrees of freedom, and
# $t_{0.975,\nu}$ the quantile of Student's $t$ distribution that leaves 2.5% in each tail. The
# $t$ quantile, not the normal's 1.96, pays for estimating the spread from a few runs: the fewer
# the degrees of freedom, the larger it is. Ten lines, in accuracy points, checked against the
# course's `fmnist_lib.stats.compare`:

# %%
import numpy as np
from scipy.stats import t as student_t

from fmnist_lib.stats import compare

a = 100 * np.array(softmax_accuracy["logits (CrossEntropyLoss)"])  # in accuracy points
b = 100 * np.array(softmax_accuracy["softmax output layer"])
difference = a.mean() - b.mean()
# each mean's squared SE
part_a, part_b = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
standard_error = np.sqrt(part_a + part_b)
df = (part_a + part_b) ** 2 / (part_a**2 / (len(a) - 1) + part_b**2 / (len(b) - 1))
t_quantile = student_t.ppf(0.975, df)
low, high = (
    difference - t_quantile * standard_error,
    difference + t_quantile * standard_error,
)
print(
    f"spreads (standard deviations): {numeral(a.std(ddof=1)):.2f} and "
    f"{numeral(b.std(ddof=1)):.2f} points"
)
print(
    f"difference {numeral(difference):+.2f} points, "
    f"standard error {numeral(standard_error):.2f}, df {numeral(df):.2f}"
)
print(
    f"t quantile {numeral(t_quantile):.2f}: "
    f"95% interval [{numeral(low):+.2f}, {numeral(high):+.2f}]"
)

softmax_effect = compare(list(a), list(b))  # the course's rule
ours_by_hand = (difference, low, high, df)
torch.testing.assert_close(
    (
        softmax_effect.estimate,
        softmax_effect.low,
        softmax_effect.high,
        softmax_effect.df,
    ),
    ours_by_hand,
)
print("fmnist_lib.stats.compare gives the same interval")

# %% [markdown]
# **How to read an interval.**
#
# - *Where it lies.* Entirely above zero: the data show that the first side's mean is higher.
#   Entirely below: lower. Containing zero: the data do not show a difference in either
#   direction. That is *not* evidence that there is none: "not shown" is not "equal".
# - *Its width.* Every value inside is consistent with the data. A narrow interval around a small
#   number says "a difference, if any, is small"; a wide one says "we cannot tell".
# - *What "95%" means.* It is a property of the procedure, not of this one interval: if the whole
#   experiment (three new seeds a side) were repeated many times, 95% of the intervals computed
#   this way would contain the true difference, the difference between the two means over all
#   possible seeds. It assumes that each run's result is a draw from a distribution close to a
#   normal one, and that the seeds are independent.
#
# Here, at the demonstration size, the logits runs are higher by about 13 points on average, yet
# the interval runs from a loss of 8 points to a gain of 35: it contains zero, and the report's
# finding, "a softmax output is worse", is *not shown* by these runs. The reason is the spread of
# the softmax side: one of its seeds ended near 52% while the other two ended near 67%. Its
# variance dominates the standard error, so the degrees of freedom fall to about
# $n_b - 1 = 2$, and with 2 degrees of freedom $t_{0.975,2} \approx 4.30$: the interval is more
# than twice as wide as the normal's $\pm 1.96\,\mathrm{SE}$. Three seeds are enough to see a
# difference only when the runs agree with one another.
#
# ## What three seeds can detect: power
#
# How often would the rule detect a real difference? That share is the rule's **power**, and it
# can be measured by simulation: pretend that the true difference is $\delta$, draw three
# "accuracies" a side from normal distributions with the spreads measured above, compute Welch's
# interval, and count how often it excludes zero, over 4,000 simulated experiments
# (`fmnist_lib.stats.power_by_simulation`, twenty lines). With $\delta = 0$ the count is the
# rate of false alarms, which should be close to 5%.

# %%
import pandas as pd

from fmnist_lib.stats import power_by_simulation

spread_logits, spread_softmax = a.std(ddof=1), b.std(ddof=1)
true_differences = [0, 0.5, 1, 2, 4, 8, 16]
scenarios = {  # (side a's spread, side b's spread, seeds a side)
    "3 seeds, both spread like the logits": (spread_logits, spread_logits, 3),
    "3 seeds, spreads as measured": (spread_logits, spread_softmax, 3),
    "10 seeds, spreads as measured": (spread_logits, spread_softmax, 10),
}
power = pd.DataFrame(
    {
        name: [
            power_by_simulation(d, sd_a, sd_b, n_a=n, n_b=n) for d in true_differences
        ]
        for name, (sd_a, sd_b, n) in scenarios.items()
    },
    index=pd.Index(true_differences, name="true difference (points)"),
)
print(
    f"spreads: logits {numeral(spread_logits):.2f} points, "
    f"softmax output {numeral(spread_softmax):.2f} points"
)
print("how often the interval excludes zero:")
power.map(lambda share: f"{numeral(share):.0%}")

# %% [markdown]
# Read the table column by column (at the full budget; your numbers move with the spreads).
# Where both sides spread like the logits runs (about half a point), three seeds detect a true
# difference of 2 points nearly always, one of 1 point about a third of the time, and one of
# half a point rarely. With the softmax side's spread as measured (about 8.5 points), a true
# difference of 8 points is detected less than one time in five and one of 16 points less than half the time: at these spreads, three
# seeds cannot tell. Even ten seeds a side leave a difference of 4 points undetected most of the
# time. The first row is the false-alarm rate: near 5%, a little above it when the two spreads
# differ this much (Welch's interval is an approximation, at its roughest with 2 degrees of
# freedom).
#
# So "not shown" here is not the opposite of the report's finding: it is a design that could
# hardly have shown it. Two caveats keep even this reading modest. The simulation plugs in the
# spreads of three runs a side as if they were the true ones, and a spread measured from three
# runs is itself very uncertain. And one seed near 52% suggests that a softmax output sometimes
# trains badly rather than that all its runs are equally noisy: the distribution may be far from
# normal. The remedy is more seeds, and a question asked before running them (what difference
# would matter?). The rest of the course uses the same rule, and each comparison shows its
# difference and its interval: read them this way.

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
#
# Three seeds of each classifier, their test accuracy as mean ± standard deviation:

# %%
from fmnist_lib.experiments import results_table

results_table(paper.TABLE_II)

# %% [markdown]
# The rest of the chapter looks inside seed 0's run of each. Its details:

# %%
results = {name: run_experiment(name) for name in paper.TABLE_II}
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
# holds the correct ones. The report's matrix for its Raschka classifier is at the top, ours
# below it. Dividing the diagonal by each row's total gives the *per-class accuracy* printed
# below, which is the class's **recall**: of the images that are shirts, the share predicted as
# shirts.

# %%
from fmnist_lib.plots import confusion_matrices

ours = results[paper.CONFUSION_EXPERIMENT]
fig = confusion_matrices(
    {
        "report (Raschka)": paper.CONFUSION_MATRIX,
        "ours (Raschka)": ours.test["confusion_matrix"],
    }
)

# %%
from fmnist_lib.data import CLASS_NAMES

per_class = pd.DataFrame(
    {"report": paper.per_class_accuracy(), "ours": ours.test["per_class_accuracy"]},
    index=CLASS_NAMES,
)
display(per_class.map(lambda share: f"{numeral(share):.1%}"))
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
# In the report's matrix and in ours (one trained network, seed 0: an illustration, not a
# measurement over seeds), shirts are the hard class: a shirt shares its outline with T-shirts,
# pullovers and coats, and at $28 \times 28$ the collar and buttons that tell them apart are a
# few pixels. The best-recognised classes are trousers, sandals and bags, in both matrices:
# shapes nothing else has.
#
# Behind each count are images. Step through our classifier's most frequent mistakes, largest
# first, and look at what it confused (every view is computed here once, so this also works on
# the book's static pages):

# %%
from fmnist_lib.data import splits_for
from fmnist_lib.widgets import confusion_browser

confusion_browser(ours.model, splits_for().test)

# %% [markdown]
# Look for two kinds: mistakes a person would make too, and images whose label itself is
# debatable. A classifier cannot do better than the labels it is scored against.
#
# ## Do the convolutional classifiers beat a dense one?
#
# The report concludes that its convolutional networks beat the feed-forward one on both tasks,
# but it trained no feed-forward *classifier*. `clf-feedforward-512` is one: the feed-forward
# autoencoder's encoder (784 → 512, ReLU, dropout 0.1) and a linear head, trained like the
# others. Three seeds of each model, and the rule written out above: Welch's 95% interval for
# the difference of the mean test accuracies, in points.

# %%
names = ("clf-feedforward-512", "clf-consigna-10", "clf-raschka-10")
accuracy = {
    n: [100 * run_experiment(n, seed=s).test["accuracy"] for s in SEEDS] for n in names
}
for n in names:
    print(f"{n:<20} test accuracy", ", ".join(f"{numeral(x):.2f}" for x in accuracy[n]))
dense_comparisons = {
    n: compare(accuracy[n], accuracy["clf-feedforward-512"]) for n in names[1:]
}
for n, c in dense_comparisons.items():
    print(
        f"{n} − feed-forward: {numeral(c.estimate):+.2f} points, 95% interval "
        f"[{numeral(c.low):+.2f}, {numeral(c.high):+.2f}] (df {numeral(c.df):.1f})"
    )

# %% [markdown]
# Read the two intervals as above. Here the seeds agree closely (their test accuracies spread by
# a few tenths of a point), so the intervals are narrow and, unlike the softmax comparison, three
# seeds suffice. The Raschka classifier's interval lies entirely above zero: it beats the dense
# network, by between about 2 and 3 points. The «consigna» classifier's lies entirely below
# zero: the dense network beats *it*, by about a point. So the answer depends on the
# convolutional model, not on "convolutions" in general. The models differ in code size, in
# where their dropout sits and in how long they train, as well as in their layers; this
# comparison cannot say which of those matters. And two comparisons read together raise the
# chance that one of them is a false alarm (about 5% each): both intervals here end well clear of
# zero, but a reading of many contrasts needs a correction for their number. The
# [reproduction report](../report.md) adds the fine-tuned «consigna» FE to this comparison.
#
# ## Exercises
#

# %%
from fmnist_lib.exercises import check_answer

# %% [markdown]
# 1. **Count the weights.** Count the parameters of the Raschka classifier with $n = 10$ layer
#    by layer, from its listing at the top of the chapter: a convolution has
#    $C_\text{out}(C_\text{in} K^2 + 1)$ of them, a linear layer $n_\text{out}(n_\text{in} + 1)$.
#    Where does the 3,136 come from, and which layers hold most of the weights?

# %%
answer = ...  # exercise 1: the parameters of RaschkaClassifier(hidden_size=10)
check_answer("4.1", answer)

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
# %%solution
from torch import nn

from fmnist_lib.models import count_parameters

raschka = RaschkaClassifier(hidden_size=10)
for name, layer in raschka.named_modules():
    if isinstance(layer, nn.Conv2d | nn.Linear):
        print(f"{name:<10} {layer!s:<64} {numeral(count_parameters(layer)):>7,}")
print(f"{'total':<75} {numeral(count_parameters(raschka)):>7,}")
check_answer("4.1", count_parameters(raschka))

# %% [markdown]
# 2. **The loss before training.** An untrained head outputs ten logits close to one another.
#    What cross-entropy does a classifier get whose ten logits are all equal, whatever the true
#    class? Compare it with the first epoch's losses of the Table II runs.

# %%
answer = ...  # exercise 2: the cross-entropy of ten equal logits
check_answer("4.2", answer)

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
# %%solution
import math

from fmnist_lib.data import NUM_CLASSES

cross_entropy = nn.CrossEntropyLoss()
every_class = torch.arange(NUM_CLASSES)  # one row per true class
uniform_loss = cross_entropy(torch.zeros(NUM_CLASSES, NUM_CLASSES), every_class).item()
print(
    "ten equal logits, every true class: "
    f"loss {numeral(uniform_loss):.4f} (ln 10 = {numeral(math.log(10)):.4f})"
)
perfect_softmax = cross_entropy(torch.eye(NUM_CLASSES), every_class).item()
print(
    "a softmax output with probability 1 on the truth: "
    f"loss {numeral(perfect_softmax):.4f}"
)
for r in results.values():
    first = r.history.epochs[0]
    print(
        f"{r.experiment.title:<18} epoch 1: training loss "
        f"{numeral(first['train_loss']):.3f}, "
        f"validation loss {numeral(first['val_loss']):.3f}"
    )
check_answer("4.2", uniform_loss)

# %% [markdown]
# 3. **Two linear layers in a row.** The Raschka classifier's encoder ends in `Linear(3136, 10)`
#    with no activation, followed by the head `Linear(10, 10)`. Show that the two compose into
#    one linear layer (write its weight and bias), check on test images that it gives the same
#    logits as the trained model, and give its number of parameters. Does the split into two
#    layers matter?

# %%
answer = ...  # exercise 3: the parameters of the one merged linear layer
check_answer("4.3", answer)

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
# %%solution
from fmnist_lib.data import splits_for

trained = ours.model.eval()
features, last, head = trained.encoder[:-1], trained.encoder[-1], trained.head
merged = nn.Linear(last.in_features, head.out_features)
with torch.no_grad():
    merged.weight.copy_(head.weight @ last.weight)
    merged.bias.copy_(head.weight @ last.bias + head.bias)
    images = splits_for().test.floats()[:500]
    largest_gap = (trained(images) - merged(features(images))).abs().max().item()
print(
    "largest difference between the two sets of "
    f"logits on 500 test images: {numeral(largest_gap):.1e}"
)
pair = count_parameters(last) + count_parameters(head)
merged_count = count_parameters(merged)
print(
    f"parameters: the pair {numeral(pair):,}, "
    f"the merged layer {numeral(merged_count):,}"
)
check_answer("4.3", count_parameters(merged))

# %% [markdown]
# 4. **Always "T-shirt".** What is the test accuracy (a fraction) of a classifier that answers
#    "T-shirt/top" for every image? Why is accuracy a fair summary on this test set but not on
#    an unbalanced one, and what would you read there instead?

# %%
# exercise 4: the test accuracy of always answering T-shirt/top, as a fraction
answer = ...
check_answer("4.4", answer)

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
# %%solution
from fmnist_lib.evaluation import accuracy as accuracy_of
from fmnist_lib.evaluation import confusion_matrix, per_class_accuracy

test_labels = splits_for().test.labels
always_tshirt = confusion_matrix(test_labels, torch.zeros_like(test_labels))
print(f"test images per class: {torch.bincount(test_labels).tolist()}")
recall = per_class_accuracy(always_tshirt)
balanced = sum(recall) / len(recall)
print(
    f"always T-shirt/top: accuracy {numeral(accuracy_of(always_tshirt)):.3f}, "
    f"balanced {numeral(balanced):.3f}"
)
check_answer("4.4", accuracy_of(always_tshirt))

# %% [markdown]
# 5. **Predict, then run: dropout off.** The Raschka classifier zeroes each flattened feature
#    with probability 0.8 in training. Before running anything, predict: with dropout 0, where
#    will the training loss end relative to the validation loss, and the training accuracy
#    relative to the validation accuracy? Then train both as demonstration runs,
#    `run_experiment("clf-raschka-10", demonstration, overrides={"dropout": 0.0})` and
#    `run_experiment("clf-raschka-10", demonstration)`, and compare their curves with
#    `training_curves`.

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
# The cell trains both as demonstration runs (10,000 training images, five epochs) and prints,
# for each,
# the last epoch's validation − training loss and training − validation accuracy, and whether
# the first is larger without dropout. It is one seed of each and few epochs: a pattern to look
# at, not a verdict. Chapter 7 over-fits on purpose (few images, many epochs) until the
# validation loss turns up, and measures dropout against it with three seeds.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
dropout_runs = {
    "dropout 0.8 (registered)": run_experiment("clf-raschka-10", demonstration),
    "dropout 0": run_experiment(
        "clf-raschka-10", demonstration, overrides={"dropout": 0.0}
    ),
}
fig = training_curves(
    {k: r.history.epochs for k, r in dropout_runs.items()},
    ("loss", "accuracy"),
    ("cross-entropy", "accuracy"),
    "Raschka (10): training (solid) vs validation (dashed)",
)
for k, r in dropout_runs.items():
    last_epoch = r.history.epochs[-1]
    accuracy_gap = last_epoch["train_accuracy"] - last_epoch["val_accuracy"]
    print(
        f"{k:<25} after {len(r.history.epochs)} epochs: validation − training loss "
        f"{numeral(last_epoch['val_loss'] - last_epoch['train_loss']):+.3f}, "
        "training − validation accuracy "
        f"{numeral(100 * accuracy_gap):+.1f} points"
    )
loss_gap = {
    k: r.history.epochs[-1]["val_loss"] - r.history.epochs[-1]["train_loss"]
    for k, r in dropout_runs.items()
}
larger = loss_gap["dropout 0"] > loss_gap["dropout 0.8 (registered)"]
print(
    "validation − training loss is larger without dropout:", "yes" if larger else "no"
)

# %% [markdown]
# ## Summary
#
# - A classifier is an `nn.Module`: an encoder and a linear head that outputs ten logits. The
#   chapter's `RaschkaClassifier` has the library's parameters and, with the same weights, its
#   logits.
# - The cross-entropy is the log-softmax of the logits (computed with the log-sum-exp trick) at
#   the true class, negated and averaged: `nn.CrossEntropyLoss` computes exactly that, from
#   logits. A softmax output layer makes it a double softmax: the loss is trapped in a narrow
#   range and its gradient vanishes when the model is confidently wrong.
# - Welch's interval is $d \pm t_{0.975,\nu}\,\mathrm{SE}$; it excludes zero when the data show
#   a difference, and its width says how precisely. With three seeds a side and one side
#   spreading widely, as the softmax runs do, the degrees of freedom fall to about 2 and the
#   interval is wide: the softmax comparison is not shown, and the power simulation says that
#   even a large true difference would usually go undetected at those spreads.
# - The report's three classifiers were trained with its Table II settings; with dropout 0.8,
#   training accuracy is measured on a thinned network and can sit below validation accuracy.
# - The confusion matrix's rows give each class's recall and show which classes are confused
#   with which.
# - Over three seeds, the Raschka classifier beats the dense one and the «consigna» classifier
#   does not: convolutions alone do not decide it.
#
# **Check yourself:** [a quiz on this chapter's ideas](quizzes/04_quiz.ipynb), with an explanation
# for every answer.
#
# The chapter's numbers:

# %%
from fmnist_lib.models import count_parameters

for r in results.values():
    print(
        f"{r.experiment.title:<18} test accuracy {numeral(r.test['accuracy']):.2%} "
        f"({numeral(count_parameters(r.model)):,} parameters, "
        f"{len(r.history.epochs)} epochs)"
    )
e = softmax_effect
print(
    "logits − softmax output (demonstration runs, "
    f"validation accuracy): {numeral(e.estimate):+.2f} "
    f"points [{numeral(e.low):+.2f}, {numeral(e.high):+.2f}], df {numeral(e.df):.1f}"
)
at_eight = power.loc[8, "3 seeds, spreads as measured"]
print(
    "power of 3 seeds a side at those spreads, "
    f"true difference 8 points: {numeral(at_eight):.0%}"
)
worst = per_class["ours"].idxmin()
print(
    "our Raschka classifier's worst class: "
    f"{worst} ({numeral(per_class['ours'][worst]):.1%} recall)"
)
for n, c in dense_comparisons.items():
    interval = f"[{numeral(c.low):+.2f}, {numeral(c.high):+.2f}]"
    print(
        f"{n} − feed-forward (test accuracy): "
        f"{numeral(c.estimate):+.2f} points {interval}"
    )
