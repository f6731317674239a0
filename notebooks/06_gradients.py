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
# # 6. Gradients: vanishing, exploding, initialisation
#
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/fmnist-course/fmnist-course/blob/v0.1.0/notebooks/06_gradients.ipynb)
#
# Gradient descent updates every weight against its gradient,
# $w \leftarrow w - \eta \, \partial \mathcal{L} / \partial w$, with learning rate $\eta$.
# The report names three ways this goes wrong: a bad **starting point** (chapter 5), gradients
# that **vanish or explode** on their way through the layers, and **over-fitting**. This chapter
# follows the gradient through the layers: why it vanishes (and what Adam and the batch size do
# about it), why it explodes, and how the initial weights decide between the two. It ends with
# how many weights a layer has. Chapter 7 takes the other side of the update: a step too large
# for the curvature, and over-fitting.
#
# **Objectives.** After this chapter you can
#
# - explain why gradients vanish through sigmoid layers (a product of Jacobians) and what Adam
#   does and does not do about it;
# - explain exploding gradients as the same product with factors larger than one, and measure
#   the forward and backward signals through depth;
# - choose an initialisation that keeps the signal's spread through depth, and say what gradient
#   clipping can and cannot fix;
# - count the weights of a convolution and of a dense layer, and read where a model's weights
#   sit.
#
# **Study time.** About 60 minutes: about 30 to read the chapter and run its cells, and about ten
# for each of its 3 exercises (estimated from its length, at about 100 words of prose or ten lines
# of code a minute).
#
# **Time.** Small experiments on a 10,000-image subset: about four minutes (248 s measured on a
# 2-core CPU shared with other work).

# %% tags=["hide-input"]
if "google.colab" in str(get_ipython()):  # on Colab: install the course's library
    # %pip install -q \
#         "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"

# %%
import pandas as pd

from fmnist_lib.course import setup
from fmnist_lib.data import splits_for
from fmnist_lib.numerals import numeral
from fmnist_lib.settings import demonstration_budget, scaled

setup()
# a 10,000-image subset: the demonstrations' data
splits = splits_for(demonstration_budget())

# %% [markdown]
# ## Why gradients vanish
#
# Backpropagation applies the chain rule layer by layer. For a stack $h_l = \phi(a_l)$ with
# $a_l = W_l h_{l-1}$, each layer contributes its Jacobian
# $J_l = \partial h_l / \partial h_{l-1} = \operatorname{diag}\!\big(\phi'(a_l)\big)\, W_l$, and the
# gradient reaching layer 1 multiplies them starting from the loss (as a row vector):
#
# $$ \frac{\partial \mathcal{L}}{\partial h_1} = \frac{\partial \mathcal{L}}{\partial h_L}
# \, J_L \, J_{L-1} \cdots J_2 . $$
#
# The sigmoid's derivative is at most $1/4$ (at $0$) and nearly zero when it saturates, so with
# eight sigmoid layers its factors alone shrink the product by $4^{-8} \approx 10^{-5}$ or more
# (the weights $W_l$ multiply in too, and at PyTorch's default initialisation they shrink it
# further). ReLU has
# derivative exactly 1 where it is active and LeakyReLU never lets it fall to 0 — the report's
# remedy. We measure the gradient norm of every layer of an eight-layer network trained on
# Fashion-MNIST with Adam:

# %%
from fmnist_lib.diagnostics import track_gradients
from fmnist_lib.models import DeepMLP
from fmnist_lib.plots import gradient_norms
from fmnist_lib.training import seed_everything

tracks = {}
for activation in ("sigmoid", "relu", "leaky_relu"):
    seed_everything(0)
    tracks[activation] = track_gradients(
        DeepMLP(depth=8, hidden_size=64, activation=activation),
        splits.train,
        "classification",
        steps=scaled(150),
        lr=1e-3,
        every=10,
    )
fig = gradient_norms(tracks)

# %%
last = {a: t[t.step == t.step.max()].set_index("depth") for a, t in tracks.items()}
first_vs_head = pd.DataFrame(
    {
        a: {
            "gradient": g.grad_norm.iloc[0] / g.grad_norm.iloc[-1],
            "update (Adam's step)": g.update_norm.iloc[0] / g.update_norm.iloc[-1],
            "gradient x update": (g.grad_norm * g.update_norm).iloc[0]
            / (g.grad_norm * g.update_norm).iloc[-1],
        }
        for a, g in last.items()
    }
).T
print("first layer relative to the head, at the last step:")
display(first_vs_head.map(lambda x: f"{numeral(x):.1e}"))
print("loss at the first and last step:")
for a, t in tracks.items():
    losses = t.groupby("step").loss.first()
    print(f"  {a:<10} {numeral(losses.iloc[0]):.3f} -> {numeral(losses.iloc[-1]):.3f}")

# %% [markdown]
# With sigmoids the first layer receives a gradient orders of magnitude smaller than the head's
# (first column); with ReLU or LeakyReLU it is within a factor of about ten of the head's.
#
# **What Adam does about it.** Adam does not follow the raw gradient: it divides each weight's
# step by a running estimate of that weight's gradient size, so every weight moves by roughly
# $\eta$ per step whatever its gradient's scale. The second column measures this: the first
# layer's *update* is several times *larger* than the head's even where its gradient is tiny —
# about what one expects if each of its weights moves about as far as each head weight, since it
# has $784 \times 64$ weights to the head's $64 \times 10$
# ($\sqrt{50176/640} \approx 9$). Why, then,
# does the sigmoid network's loss hardly move? The product above works in both directions: a
# change of the first layer's weights reaches the loss through the same $J_L \cdots J_2$, so a
# full-size step changes the loss by at most (gradient $\times$ step), the third column — still
# tiny. Adam evens out the step sizes; it cannot make the first layers matter to the output.
#
# **Batch size does not cure it.** The report lists the batch size as a remedy. A larger batch
# averages the gradient over more images, which reduces its *noise*; the Jacobians in the
# product depend on the weights and activations, not on how many images are averaged. Measured
# at the same initial weights:

# %%
for batch_size in (16, 512):
    seed_everything(0)
    one_step = track_gradients(
        DeepMLP(depth=8, hidden_size=64, activation="sigmoid"),
        splits.train,
        "classification",
        steps=1,
        batch_size=batch_size,
        every=1,
    ).set_index("depth")
    ratio = one_step.grad_norm.iloc[0] / one_step.grad_norm.iloc[-1]
    print(
        f"batch {batch_size:>3}: first layer's gradient / head's = {numeral(ratio):.1e}"
    )

# %% [markdown]
# Both are of the same tiny order. The batch size changes how noisy a step is (chapter 8), not
# whether a signal survives eight sigmoid layers.
#
# ## Exploding gradients: a product larger than one
#
# Exploding gradients are the mirror image of vanishing ones: the same product
# $J_L \cdots J_2$, with factors larger than one. Whether the factors shrink, hold or grow is
# decided first by the **initial weights**. Draw each weight from a normal distribution with
# variance $\sigma^2 / n_{\text{in}}$ ($n_{\text{in}}$ the layer's inputs): LeCun's choice
# $\sigma^2 = 1$ keeps the variance of a tanh layer's output about that of its input; ReLU zeroes
# half its inputs, so He's choice $\sigma^2 = 2$ compensates (Glorot's $2/(n_{\text{in}} +
# n_{\text{out}})$ equals LeCun's for square layers). `signal_profile` measures one forward and
# one backward pass at initialisation through a 30-layer network:

# %%
from fmnist_lib.diagnostics import signal_profile
from fmnist_lib.models import init_weights
from fmnist_lib.plots import signal_profiles

inits = {
    f"tanh, LeCun × {numeral(0.5)}": ("tanh", "lecun", 0.5),
    "tanh, LeCun": ("tanh", "lecun", 1.0),
    f"tanh, LeCun × {numeral(2.5)}": ("tanh", "lecun", 2.5),
    "ReLU, Glorot": ("relu", "glorot", 1.0),
    "ReLU, He": ("relu", "he", 1.0),
}
profiles = {}
for label, (activation, scheme, gain) in inits.items():
    seed_everything(0)
    deep = DeepMLP(depth=30, hidden_size=256, activation=activation)
    profiles[label] = signal_profile(
        init_weights(deep, scheme, gain), splits.train, "classification"
    )
fig = signal_profiles(profiles)

# %%
pd.DataFrame(
    {
        label: {
            "activation spread, layer 30 / layer 1": p.activation_std.iloc[-2]
            / p.activation_std.iloc[0],
            "gradient, layer 1 / head": p.grad_norm.iloc[0] / p.grad_norm.iloc[-1],
            "largest gradient norm": p.grad_norm.max(),
        }
        for label, p in profiles.items()
    }
).T.map(lambda x: f"{numeral(x):.2g}")

# %% [markdown]
# Read the two panels together. Too small a scale (tanh × 0.5, or ReLU with Glorot's variance,
# half of He's) shrinks the forward signal layer after layer until the last layers see almost
# nothing, and every gradient is tiny with it. The right scale (tanh with LeCun, ReLU with He)
# keeps both signals within an order of magnitude across 30 layers. Too large a scale for tanh
# saturates the activations (their spread is capped near 1) while the backward product grows:
# the first layer's gradient is orders of magnitude larger than the head's — **exploding
# gradients**.
#
# Which remedy helps? One candidate is **gradient clipping**: before each step, rescale the whole
# gradient to a norm of at most $c$, so that no single step goes further than $\eta c$. It leaves
# ordinary steps alone and caps the huge ones. Plain SGD for a few hundred steps from the good
# and the too-large initialisation, and from the too-large one with clipping:

# %%
trials = {
    "LeCun": (1.0, None),
    f"LeCun × {numeral(2.5)}": (2.5, None),
    f"LeCun × {numeral(2.5)}, clipped at 1": (2.5, 1.0),
}
for label, (gain, clip) in trials.items():
    seed_everything(0)
    deep = init_weights(
        DeepMLP(depth=30, hidden_size=256, activation="tanh"), "lecun", gain
    )
    run = track_gradients(
        deep,
        splits.train,
        "classification",
        steps=scaled(300),
        lr=0.05,
        optimizer="sgd",
        every=10,
        clip=clip,
    )
    losses = run.groupby("step").loss.first()
    first, last = losses.iloc[0], losses.iloc[-5:].mean()
    print(
        f"{label:<26} loss at step 1: {numeral(first):.2f}, "
        f"mean of the last 5 records: {numeral(last):.2f}"
    )

# %% [markdown]
# Clipping caps the size of each step; it does not change the product, so it cannot make the first
# layers' gradients the right size relative to the others — compare its loss with the good
# initialisation's above. Here it even hurts: the gradient's norm is dominated by the exploding
# first layers, so clipping it to 1 scales *every* layer's step down by the same large factor and
# the well-scaled layers barely move. The fix for a product that grows or shrinks is to make its
# factors close to one: initialisation scaled to the activation (as here), and the architectures
# that keep it so in deep networks (normalisation layers, residual connections — beyond this
# course). Clipping is the guard against the occasional huge step, a step too large for the
# curvature, which chapter 7 measures.

# %% [markdown]
# ## The number of connections
#
# The report's last obstacle is size: more weights mean more capacity to memorise, and a rougher
# loss surface (chapter 7 measures both). Convolutions keep the weights few by sharing them
# across positions. Compare a convolution with a dense layer that produces an output of the same
# size from the same image:

# %% tags=["nbval-check-output"]
from torch import nn

from fmnist_lib.arithmetic import trace_shapes

conv = nn.Conv2d(1, 16, kernel_size=3)  # (1, 28, 28) -> (16, 26, 26)
outputs = 16 * 26 * 26
dense_weights = 28 * 28 * outputs + outputs
conv_weights = sum(p.numel() for p in conv.parameters())
print(
    f"Conv2d(1, 16, 3): {numeral(conv_weights):,} weights for {numeral(outputs):,} "
    f"outputs"
)
print(
    f"a dense layer with the same input and output sizes: {numeral(dense_weights):,} "
    f"weights "
    f"({numeral(dense_weights // conv_weights):,} times more)"
)

# %% tags=["nbval-check-output"]
from fmnist_lib.models import (
    ConsignaClassifier,
    FeedForwardClassifier,
    RaschkaClassifier,
)

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
formats = {
    "parameters": ",.0f",
    "share in dense layers": ".2f",
    "multiply-adds": ",.0f",
}
sizes.apply(lambda column: column.map(lambda x: f"{numeral(x):{formats[column.name]}}"))

# %% tags=["nbval-check-output"]
ratio = (
    sizes.loc["Raschka (10)", "parameters"] / sizes.loc["consigna (10)", "parameters"]
)
print(f"Raschka (10) has {numeral(ratio):.1f} times the weights of consigna (10)")

# %% [markdown]
# The feed-forward classifier is all dense layer: the most weights, and each is used once per
# image. «consigna» pools twice before flattening, so its dense layer sees only $32 \cdot 5 \cdot 5$
# inputs and the whole model stays tiny. The Raschka classifier flattens a $64 \times 7 \times 7$
# map and stacks 64-channel convolutions: many more weights, three quarters of them in the
# convolutions, and by far the most computation. That is the model whose train/validation gap
# grows in the report, where pooling is suggested as a remedy (chapter 7 tests it); note that
# replacing its strided convolutions by pooling would not save a single weight (the convolutions
# keep their shapes).
#
# ## Exercises
#

# %%
from fmnist_lib.exercises import check_answer

# %% [markdown]
# 1. **Predict first.** Repeat the vanishing-gradient measurement with `depth=3`. Before running
#    it, predict from the sigmoid's largest slope, $1/4$, roughly how the first-layer/head ratio
#    should change from eight layers to three.

# %%
answer = ...  # exercise 1: the factor by which the ratio should at least grow
check_answer("6.1", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 1</summary>
#
# Each sigmoid layer multiplies the backward signal by its slope, at most $1/4$, and by its
# weight matrix. Unless the weights amplify the signal, every layer removed takes away a factor
# of at least 4, so three layers instead of eight should raise the ratio by at least
# $4^5 \approx 10^3$ — more where the weights shrink the signal too. One step at the same kind
# of initial weights, both depths:
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
by_depth = {}
for depth in (3, 8):
    seed_everything(0)
    step = track_gradients(
        DeepMLP(depth=depth, hidden_size=64, activation="sigmoid"),
        splits.train,
        "classification",
        steps=1,
        every=1,
    ).set_index("depth")
    by_depth[depth] = step.grad_norm.iloc[0] / step.grad_norm.iloc[-1]
    print(
        f"depth {depth}: first layer's gradient / head's = "
        f"{numeral(by_depth[depth]):.1e}"
    )
print(
    "three layers instead of eight: the ratio is "
    f"{numeral(by_depth[3] / by_depth[8]):.0f} times larger"
)
check_answer("6.1", (1 / 0.25) ** (8 - 3))  # the prediction: 4 per layer removed

# %% [markdown]
# 2. **Predict first.** Initialise the 30-layer ReLU network with
#    `init_weights(model, "he", gain=1.2)`. Predict the activation spread at layer 30 relative to
#    layer 1 ($1.2^{29}$?), then measure it with `signal_profile`.

# %%
answer = ...  # exercise 2: your predicted spread at layer 30 / at layer 1
check_answer("6.2", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 2</summary>
#
# He's initialisation keeps the spread of a ReLU network's activations constant through depth
# (on average); a gain of $1.2$ multiplies every layer's weights by $1.2$, so each layer should
# amplify the spread by about $1.2$ and layer 30 should be of the order of
# $1.2^{29} \approx 200$ times layer 1 (each layer's factor is only 1.2 on average, so the product
# varies from draw to draw). The measurement, for this one draw of the weights:
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
seed_everything(0)
amplified = signal_profile(
    init_weights(DeepMLP(depth=30, hidden_size=256, activation="relu"), "he", 1.2),
    splits.train,
    "classification",
)
spread = amplified.activation_std.dropna()  # the head has no activation after it
print(
    f"layer {len(spread)} / layer 1: {numeral(spread.iloc[-1] / spread.iloc[0]):.0f} "
    f"({numeral(1.2)}^{len(spread) - 1} = {numeral(1.2 ** (len(spread) - 1)):.0f})"
)
check_answer("6.2", 1.2 ** (len(spread) - 1))  # the prediction, not the measured ratio

# %% [markdown]
# 3. How many weights and biases has `nn.Conv2d(3, 8, kernel_size=5)`? Count them by hand, then
#    check with `count_parameters`. Does the answer depend on the size of the image?

# %%
answer = ...  # exercise 3: the number of weights and biases
check_answer("6.3", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 3</summary>
#
# Each of the 8 output channels has one $5 \times 5$ kernel for each of the 3 input channels,
# and one bias: $8 \cdot 3 \cdot 25 + 8 = 608$. The kernels slide over the whole image, so the
# count does not depend on its size: the weight sharing of the section above.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
from fmnist_lib.models import count_parameters

check_answer("6.3", count_parameters(nn.Conv2d(3, 8, kernel_size=5)))

# %% [markdown]
# ## Summary
#
# - Vanishing gradients are a product of small Jacobians; ReLU-like activations keep the first
#   layers' gradients within reach of the head's. Adam evens out the step sizes but cannot make
#   a layer matter to the output, and the batch size does not change the product.
# - Exploding gradients come from a product of Jacobians larger than one, here through a large
#   initialisation; LeCun/He-scaled weights keep the spread steady. Clipping caps each step but
#   does not repair the product.
# - A convolution shares its weights across positions: a few hundred weights where a dense layer
#   with the same input and output sizes would need millions.
#
# **Check yourself:** [a quiz on this chapter's ideas](quizzes/06_quiz.ipynb), with an explanation
# for every answer.

# %%
key_numbers = {
    "sigmoid, 8 layers: first layer's gradient / head's": (
        f"{numeral(first_vs_head.gradient['sigmoid']):.1e}"
    ),
    "ReLU, 8 layers: first layer's gradient / head's": (
        f"{numeral(first_vs_head.gradient['relu']):.1e}"
    ),
    "Raschka (10) / consigna (10) weights": f"{numeral(ratio):.1f}",
}
for what, value in key_numbers.items():
    print(f"{what}: {value}")
