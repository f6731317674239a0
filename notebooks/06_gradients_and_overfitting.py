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
# # 6. The obstacles of gradient descent
#
# Gradient descent updates every weight against its gradient,
# $w \leftarrow w - \eta \, \partial \mathcal{L} / \partial w$, with learning rate $\eta$.
# The report names three ways this goes wrong: a bad **starting point** (chapter 5), gradients
# that **vanish or explode** on their way through the layers, and **over-fitting**. This chapter
# makes the last two visible with measurements and looks at the report's remedies:
# activation functions, batch size and learning rate; dropout, early stopping and pooling.
#
# **Time.** Small experiments on subsets: a few minutes on a CPU at the `full` budget.

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
SMALL = "smoke" if BUDGET == "smoke" else "quick"  # the budget of this chapter's demonstrations

# %% [markdown]
# ## Why gradients vanish
#
# Backpropagation applies the chain rule layer by layer. For a stack $h_l = \phi(W_l h_{l-1})$,
# the gradient reaching layer 1 is a product with one factor per layer above it:
#
# $$ \frac{\partial \mathcal{L}}{\partial h_1} = \frac{\partial \mathcal{L}}{\partial h_L}
# \prod_{l=2}^{L} \operatorname{diag}\!\big(\phi'(a_l)\big)\, W_l . $$
#
# The sigmoid's derivative is at most $1/4$ (at $0$) and nearly zero when it saturates, so with
# eight sigmoid layers the product can shrink by $4^{-8} \approx 10^{-5}$ or more: the first
# layers barely learn. ReLU has derivative exactly 1 where it is active and LeakyReLU never lets
# it fall to 0 — the report's remedy. We measure the gradient norm of every layer of an
# eight-layer network trained on Fashion-MNIST with Adam:

# %%
from fmnist_lib.diagnostics import track_gradients
from fmnist_lib.experiments import splits_for
from fmnist_lib.models import DeepMLP
from fmnist_lib.plots import gradient_norms
from fmnist_lib.training import seed_everything

splits = splits_for(SMALL)
tracks = {}
for activation in ("sigmoid", "relu", "leaky_relu"):
    seed_everything(0)
    tracks[activation] = track_gradients(
        DeepMLP(depth=8, hidden_size=64, activation=activation),
        splits.train,
        "classification",
        steps=150,
        lr=1e-3,
        every=10,
    )
fig = gradient_norms(tracks)

# %%
import pandas as pd

last = {a: t[t.step == t.step.max()].set_index("layer")["grad_norm"] for a, t in tracks.items()}
ratios = pd.Series({a: g.iloc[0] / g.iloc[-1] for a, g in last.items()}, name="first layer / head")
print("gradient norm of the first layer relative to the head's:")
print(ratios.to_string(float_format="{:.1e}".format))

# %% [markdown]
# With sigmoids the first layer receives a gradient orders of magnitude smaller than the head,
# and the loss hardly moves; with ReLU or LeakyReLU all layers get gradients of similar size.
#
# ## Why gradients explode — and what the engine does about it
#
# The opposite happens when the factors of the product are larger than 1, or when the learning
# rate is so large that each step overshoots and lands where the gradient is even steeper. Plain
# SGD with $\eta = 0.5$ on the Raschka classifier shows it: the gradients grow step after step
# until the loss is `nan`.

# %%
from fmnist_lib.models import RaschkaClassifier

seed_everything(0)
exploding = track_gradients(
    RaschkaClassifier(dropout=0.0),
    splits.train,
    "classification",
    steps=60,
    lr=0.5,
    optimizer="sgd",
    every=2,
)
per_step = exploding.groupby("step").agg(
    loss=("loss", "first"), largest_gradient=("grad_norm", "max")
)
print(per_step.tail(8).to_string(float_format="{:.3g}".format))

# %% [markdown]
# In a long run this would waste hours and, worse, checkpoint garbage. `fit` checks the loss of
# every batch; at the first non-finite value it stops with an error that says where and why,
# and the last good checkpoint stays on disk:

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
# The remedies the report lists act on the size of each step: a **smaller learning rate**;
# **Adam**, which scales each weight's step by a running estimate of its gradient's size; and
# the **batch size** (a larger batch averages more examples, so its gradient is less noisy).
# With Adam at the report's $\eta = 7 \cdot 10^{-4}$ the same model trains normally:

# %%
seed_everything(0)
stable = fit(
    RaschkaClassifier(dropout=0.0),
    splits.train,
    splits.val,
    TrainConfig("classification", epochs=2, batch_size=40, lr=7e-4),
    progress=False,
)
print(
    [
        f"epoch {e['epoch']}: train loss {e['train_loss']:.3f}, val accuracy "
        f"{e['val_accuracy']:.1%}"
        for e in stable.epochs
    ]
)

# %% [markdown]
# ## Over-fitting
#
# A model over-fits when it learns the training images rather than clothing: training loss keeps
# falling, validation loss stops falling and then rises. The Raschka classifier, with no pooling
# and over 100,000 weights, is the report's candidate. We train it with and without its
# dropout of 0.8 for more epochs than needed:

# %%
from fmnist_lib.experiments import run_experiment
from fmnist_lib.plots import training_curves

overfit = {
    f"dropout {p}": run_experiment(
        "clf-raschka-10", SMALL, epochs=12 if SMALL == "quick" else 3, overrides={"dropout": p}
    )
    for p in (0.0, 0.8)
}
fig = training_curves(
    {k: r.history.epochs for k, r in overfit.items()},
    ("loss", "accuracy"),
    ("cross-entropy", "accuracy"),
    "Raschka classifier: train (solid) vs validation (dashed)",
)
for k, r in overfit.items():
    v = r.history.column("val_loss")
    best = min(range(len(v)), key=v.__getitem__) + 1
    print(
        f"{k}: validation loss lowest at epoch {best} of {len(v)}; "
        "last-epoch gap val - train = "
        f"{r.history.epochs[-1]['val_loss'] - r.history.epochs[-1]['train_loss']:+.3f}"
    )

# %% [markdown]
# Three remedies:
#
# - **Dropout** zeroes a random fraction $p$ of activations at every training step (and scales the
#   rest by $1/(1-p)$), so no unit can rely on a few others: an ensemble of thinned networks
#   trained together. It is switched off for evaluation.
# - **Early stopping** watches the validation loss and stops after `patience` epochs without
#   improvement, then restores the best weights. The report chose the Raschka autoencoders'
#   epochs this way; `fit(..., TrainConfig(patience=3))` does it automatically.
# - **Pooling** shrinks the feature maps, so the dense layers after it have fewer inputs and fewer
#   weights to memorise with; it also makes the features insensitive to small shifts.
#
# Early stopping on the model without dropout:

# %%
seed_everything(0)
model = RaschkaClassifier(dropout=0.0)
history = fit(
    model,
    splits.train,
    splits.val,
    TrainConfig(
        "classification", epochs=12 if SMALL == "quick" else 3, batch_size=40, lr=7e-4, patience=2
    ),
    progress=False,
)
print(
    f"ran {len(history.epochs)} epochs, stopped early: {history.stopped_early}, "
    f"kept the weights of epoch {history.best_epoch}"
)

# %% [markdown]
# ## The number of connections
#
# The report's last obstacle is size: more weights mean more capacity to memorise, and a rougher
# loss surface. Convolutions keep the weights few by sharing them across positions. Compare a
# convolution with a dense layer that produces an output of the same size from the same image:

# %%
# NBVAL_CHECK_OUTPUT
from torch import nn

from fmnist_lib.arithmetic import trace_shapes

conv = nn.Conv2d(1, 16, kernel_size=3)  # (1, 28, 28) -> (16, 26, 26)
outputs = 16 * 26 * 26
dense_weights = 28 * 28 * outputs + outputs
conv_weights = sum(p.numel() for p in conv.parameters())
print(f"Conv2d(1, 16, 3): {conv_weights:,} weights for {outputs:,} outputs")
print(
    f"a dense layer with the same input and output sizes: {dense_weights:,} weights "
    f"({dense_weights // conv_weights:,} times more)"
)

# %%
# NBVAL_CHECK_OUTPUT
from fmnist_lib.models import ConsignaClassifier, FeedForwardClassifier

sizes = {}
for name, model in {
    "feed-forward (512)": FeedForwardClassifier(),
    "consigna (10)": ConsignaClassifier(),
    "Raschka (10)": RaschkaClassifier(),
}.items():
    t = trace_shapes(model)
    dense = t[t["type"] == "Linear"]["parameters"].sum()
    sizes[name] = {
        "parameters": int(t["parameters"].sum()),
        "share in dense layers": round(dense / t["parameters"].sum(), 2),
        "multiply-adds": int(t["multiply-adds"].sum()),
    }
sizes = pd.DataFrame(sizes).T
sizes

# %%
# NBVAL_CHECK_OUTPUT
ratio = sizes.loc["Raschka (10)", "parameters"] / sizes.loc["consigna (10)", "parameters"]
print(f"Raschka (10) has {ratio:.1f} times the weights of consigna (10)")

# %% [markdown]
# The feed-forward classifier is all dense layer: the most weights, and each is used once per
# image. «consigna» pools twice before flattening, so its dense layer sees only $32 \cdot 5 \cdot 5$
# inputs and the whole model stays tiny. The Raschka classifier flattens a $64 \times 7 \times 7$
# map without pooling and stacks 64-channel convolutions: many more weights, and by far the most
# computation. That is the model whose train/validation gap grows in the report — and the reason
# it suggests adding pooling.
#
# ## Exercises
#
# 1. Repeat the vanishing-gradient experiment with `depth=3`. How does the ratio change?
# 2. Find the largest SGD learning rate that does not diverge for the Raschka classifier.
# 3. The report's open question 2: add a `nn.MaxPool2d(2)` after the Raschka encoder's second
#    convolution (adjust the `Linear` input size with chapter 2's formula). Does the gap shrink?
