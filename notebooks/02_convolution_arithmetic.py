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
# # 2. Convolution arithmetic
#
# A convolutional network is a stack of layers that change the *shape* of a tensor: channels
# come and go, images shrink and grow. Get one size wrong and PyTorch stops with a shape error;
# get it right on paper first and the architecture writes itself. This chapter derives the two
# formulas the report uses, checks them against PyTorch, and uses them to read the three
# autoencoders of the course layer by layer.

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
# ## Kernel, stride, padding, channels
#
# A 2-D convolution slides a small **kernel** of $K \times K$ weights over the image. At each
# position it multiplies the kernel with the patch under it and sums: one output pixel. The
# **stride** $S$ is how many pixels the kernel moves between positions; the **padding** $P$ adds
# a border of zeros so that the kernel can also sit on the edges. With $C_{in}$ input channels the
# kernel has $C_{in}$ slices (one per channel) and their sums add up; a layer with $C_{out}$ output
# channels has $C_{out}$ such kernels. The layer therefore has $C_{out}(C_{in} K^2 + 1)$
# parameters, *whatever the size of the image*: the same weights are used at every position.
#
# Here is one hand-made $3 \times 3$ kernel (it responds to vertical edges) applied to a
# Fashion-MNIST image, with three settings of stride and padding:

# %%
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

from fmnist_lib.data import load_official, to_float

train, _ = load_official()
image = to_float(train.images[1:2])  # a T-shirt, shape (1, 1, 28, 28)
edge = torch.tensor([[[[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]]])

settings = [dict(stride=1, padding=0), dict(stride=1, padding=1), dict(stride=2, padding=1)]
fig, axes = plt.subplots(1, 4, figsize=(10, 2.8))
axes[0].imshow(image[0, 0], cmap="gray_r")
axes[0].set_title("input 28x28")
for ax, kw in zip(axes[1:], settings, strict=True):
    out = F.conv2d(image, edge, **kw)[0, 0]
    ax.imshow(out, cmap="RdBu")
    ax.set_title(f"S={kw['stride']}, P={kw['padding']}: {out.shape[0]}x{out.shape[1]}")
for ax in axes:
    ax.set_xticks([]), ax.set_yticks([])
fig.suptitle("One 3x3 kernel, three strides/paddings: the output size changes")
fig.tight_layout()

# %% [markdown]
# ## Equation (1): convolution and pooling
#
# Along one dimension the padded input has $D_{in} + 2P$ pixels. A kernel of size $K$ fits at
# $D_{in} + 2P - K + 1$ positions with stride 1; with stride $S$ we keep every $S$-th one:
#
# $$ D_{out} = \left\lfloor \frac{D_{in} - K + 2P}{S} \right\rfloor + 1 \qquad (1) $$
#
# The floor $\lfloor\cdot\rfloor$ (the report writes it "pe[·]", *parte entera*) drops a last
# position that would stick out of the image. **Max pooling** uses the same formula: a
# $K \times K$ window slides with stride $S$ (by default $S = K$) and keeps the largest value.
# It has no weights at all.
#
# PyTorch's general form adds the **dilation** $d$ (gaps between kernel taps: the kernel then
# spans $d(K-1)+1$ pixels):
#
# $$ D_{out} = \left\lfloor \frac{D_{in} + 2P - d(K - 1) - 1}{S} \right\rfloor + 1 $$
#
# which is equation (1) when $d = 1$. `fmnist_lib.arithmetic` implements both and we check it
# against real layers:

# %%
# NBVAL_CHECK_OUTPUT
from torch import nn

from fmnist_lib.arithmetic import conv_output_size, conv_transpose_output_size, pool_output_size


def real(layer: nn.Module, size: int) -> int:
    """The output size PyTorch actually produces (the ground truth for our formulas)."""
    return layer(
        torch.zeros(1, layer.in_channels if hasattr(layer, "in_channels") else 1, size, size)
    ).shape[-1]


cases = [
    ("Conv2d(1, 16, k=3)", conv_output_size(28, 3), real(nn.Conv2d(1, 16, 3), 28)),
    ("MaxPool2d(2) on 26", pool_output_size(26, 2), real(nn.MaxPool2d(2), 26)),
    ("MaxPool2d(2) on 11", pool_output_size(11, 2), real(nn.MaxPool2d(2), 11)),
    (
        "Conv2d(32, 64, k=3, s=2, p=1)",
        conv_output_size(28, 3, 2, 1),
        real(nn.Conv2d(32, 64, 3, 2, 1), 28),
    ),
    (
        "Conv2d(1, 1, k=3, dilation=2)",
        conv_output_size(28, 3, dilation=2),
        real(nn.Conv2d(1, 1, 3, dilation=2), 28),
    ),
]
for name, ours, pytorch in cases:
    print(f"{name:<32} formula {ours:>3}   PyTorch {pytorch:>3}")

# %% [markdown]
# Note $\lfloor (11 - 2)/2 \rfloor + 1 = 5$: pooling an odd size *loses* the last row and
# column. The small function `real` above is part of the lesson: a formula is only trusted once
# it agrees with the library that will run it. (The course's tests do this over thousands of
# random configurations.)
#
# Max pooling on a small example, to see what "keeps the largest value" means:

# %%
# NBVAL_CHECK_OUTPUT
x = torch.arange(16.0).reshape(1, 1, 4, 4) % 7
print("input\n", x[0, 0])
print("MaxPool2d(2)\n", nn.MaxPool2d(2)(x)[0, 0])

# %% [markdown]
# ## Equation (2): transposed convolution
#
# A decoder must *grow* images back. A transposed convolution runs a convolution backwards: each
# input pixel spreads a $K \times K$ copy of the kernel, scaled by its value, into the output, and
# consecutive input pixels land $S$ pixels apart; overlaps add up. The output size is
#
# $$ D_{out} = (D_{in} - 1)\,S - 2P + K + P_{out} \qquad (2) $$
#
# where the padding $P$ now *crops* the border and the **output padding** $P_{out}$ adds rows on
# one side. Why is $P_{out}$ needed? Because equation (1) is not invertible: with $S = 2$, inputs
# of size 27 and 28 both give 14. A transposed convolution from 14 has to be told which one we
# want; $P_{out}$ (smaller than $S$) picks it. PyTorch's general form is
# $(D_{in} - 1)S - 2P + d(K-1) + P_{out} + 1$, again equation (2) for $d = 1$.

# %%
# NBVAL_CHECK_OUTPUT
print(
    "Conv2d(k=3, s=2, p=1) maps 27 ->",
    conv_output_size(27, 3, 2, 1),
    "and 28 ->",
    conv_output_size(28, 3, 2, 1),
)
for op in (0, 1):
    ours = conv_transpose_output_size(14, 3, stride=2, padding=1, output_padding=op)
    pytorch = real(nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=op), 14)
    print(
        f"ConvTranspose2d(k=3, s=2, p=1, output_padding={op}) from 14: formula {ours}, PyTorch "
        f"{pytorch}"
    )

# %% [markdown]
# ### Transposed, not inverse
#
# "Runs a convolution backwards" means something precise. A convolution is a linear map $C$; the
# transposed convolution with the same kernel is its **transpose** (adjoint) $C^\top$: for every
# image $x$ and every map $y$, $\langle Cx, y\rangle = \langle x, C^\top y\rangle$. That is how
# PyTorch computes a convolution's gradient, and where the name comes from. It is *not* the
# inverse: $C^\top C x$ is not $x$ (a stride-2 convolution throws information away, which no map
# can bring back). Both facts, checked in double precision on random inputs:

# %%
torch.manual_seed(0)
conv = nn.Conv2d(1, 1, 3, stride=2, padding=1, bias=False).double()  # 28 -> 14
up = nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=1, bias=False).double()
with torch.no_grad():
    up.weight.copy_(conv.weight)  # the same kernel: up is conv's transpose
    x = torch.randn(1, 1, 28, 28, dtype=torch.float64)
    y = torch.randn(1, 1, 14, 14, dtype=torch.float64)
    print(f"<C x, y> = {(conv(x) * y).sum():.12f}")
    print(f"<x, Cᵀy> = {(x * up(y)).sum():.12f}")
    back = up(conv(x))
    print(f"|CᵀC x − x| / |x| = {(back - x).norm() / x.norm():.2f}  (0 would mean an inverse)")

# %% [markdown]
# So a decoder's transposed convolutions do not undo the encoder: they are layers with their own
# weights, *trained* to map codes back to images. The name only says which shapes they connect.

# %% [markdown]
# Output padding has a price. The extra row and column it adds lie beyond the reach of every
# kernel tap: with $K = 3$, $S = 2$ the input pixel $i$ spreads into outputs $2i, 2i+1, 2i+2$, so
# from 13 inputs the last output reached is $2 \cdot 12 + 2 = 26$, and row 27 receives only the
# bias. «consigna»'s last layer is exactly this case. We ask autograd which output rows depend on
# the input at all:

# %%
# NBVAL_CHECK_OUTPUT
def rows_reached(layer: nn.ConvTranspose2d, size: int) -> list[int]:
    """Output rows whose value depends on the input (a zero gradient means: bias only)."""
    x = torch.rand(1, layer.in_channels, size, size, requires_grad=True)
    out = layer(x)
    grads = [
        torch.autograd.grad(out[0, :, r].sum(), x, retain_graph=True)[0]
        for r in range(out.shape[-2])
    ]
    return [r for r, g in enumerate(grads) if g.abs().sum() > 0]


consigna_last = nn.ConvTranspose2d(16, 1, kernel_size=3, stride=2, output_padding=1)
alternative = nn.ConvTranspose2d(
    16, 1, kernel_size=4, stride=2
)  # (13 - 1)*2 + 4 = 28, no output padding
for name, layer in {
    "K=3, S=2, P_out=1 (consigna)": consigna_last,
    "K=4, S=2, P_out=0": alternative,
}.items():
    reached = rows_reached(layer, 13)
    print(
        f"{name:<30} output "
        f"{conv_transpose_output_size(13, layer.kernel_size[0], 2, 0, layer.output_padding[0])}"
        f" rows, rows never reached by the input: {sorted(set(range(28)) - set(reached))}"
    )

# %% [markdown]
# The «consigna» decoder therefore paints its last row and column with one constant (the
# sigmoid of a bias): look for the strip along the right and bottom edges of its reconstructions
# in chapter 3. A kernel of 4 reaches all 28 rows with no output padding. (This function is the
# lesson's instrument, like `real` above.)
#
# Impossible settings are refused *before* any tensor is built, with the reason:

# %%
# NBVAL_CHECK_OUTPUT
for bad in [
    lambda: conv_output_size(4, 7),
    lambda: conv_transpose_output_size(7, 3, stride=2, output_padding=2),
]:
    try:
        bad()
    except ValueError as error:
        print("ValueError:", error)

# %% [markdown]
# ## A calculator
#
# Move the sliders: the output size from the formula is shown next to the size a real PyTorch
# layer produces. The computation runs in Python, so it needs a running kernel (JupyterLab,
# Colab): on the website the sliders move but the result does not update. The table below shows
# the same check for a few settings.

# %%
from fmnist_lib.widgets import size_calculator

size_calculator()

# %%
# NBVAL_CHECK_OUTPUT
import pandas as pd

from fmnist_lib.widgets import check_against_pytorch

grid = [
    ("Conv2d", 28, 3, 1, 0),
    ("Conv2d", 28, 3, 2, 1),
    ("Conv2d", 28, 5, 1, 2),
    ("MaxPool2d", 13, 2, 2, 0),
    ("MaxPool2d", 7, 3, 2, 1),
    ("ConvTranspose2d", 7, 3, 2, 1),
    ("ConvTranspose2d", 13, 3, 2, 0),
    ("ConvTranspose2d", 5, 4, 2, 0),
]
pd.DataFrame(
    [
        {"layer": k, "D_in": d, "K": kk, "S": s, "P": p, **check_against_pytorch(k, d, kk, s, p)}
        for k, d, kk, s, p in grid
    ]
)

# %% [markdown]
# ## Reading the three autoencoders
#
# `trace_shapes` runs one dummy image through a model and lists every layer with its output
# shape, its parameters, its multiply-adds (the "connections" a forward pass computes) and, for
# the layers that follow equation (1) or (2), the formula with the layer's own numbers.
#
# **Feed-forward** (784-512-784): no formula needed, only matrix sizes.

# %%
# NBVAL_CHECK_OUTPUT
from fmnist_lib.arithmetic import trace_shapes
from fmnist_lib.models import ConsignaAutoencoder, FeedForwardAutoencoder, RaschkaAutoencoder

pd.set_option("display.max_colwidth", 60)
trace_shapes(FeedForwardAutoencoder())

# %% [markdown]
# **«consigna»** (the assignment's architecture): two convolution + max-pooling stages shrink
# $28 \to 26 \to 13 \to 11 \to 5$, a linear layer compresses $32 \cdot 5 \cdot 5 = 800$ numbers to
# $n = 128$, and two transposed convolutions grow $5 \to 13 \to 28$. The first uses $K = 4$ and
# $P_{out} = 1$, the second $P_{out} = 1$, exactly to land on 13 and 28.

# %%
# NBVAL_CHECK_OUTPUT
trace_shapes(ConsignaAutoencoder(hidden_size=128))

# %% [markdown]
# **«Raschka»** (after S. Raschka's STAT 453 convolutional autoencoder): no pooling; strided
# convolutions with padding 1 halve the size ($28 \to 14 \to 7$). The decoder's transposed
# convolutions give $7 \to 7 \to 13 \to 27 \to 29$ — one pixel too many — and a `Trim` layer crops
# back to $28 \times 28$. A choice of $P_{out}$ would have avoided the crop; the original keeps it.

# %%
# NBVAL_CHECK_OUTPUT
trace_shapes(RaschkaAutoencoder(hidden_size=128))

# %% [markdown]
# ## The report's listings, corrected — worked exercises
#
# The report prints its models as code. Four things in those listings are wrong; each is a
# classic, so we reproduce each failure and its fix.
#
# **1. `nn.Sequential([...])` — a list instead of modules.** `Sequential` takes the modules as
# separate arguments. Given a list, PyTorch refuses:

# %%
# NBVAL_CHECK_OUTPUT
try:
    nn.Sequential([nn.Conv2d(1, 16, 3), nn.ReLU()])
except TypeError as error:
    print("TypeError:", error)
layers = [nn.Conv2d(1, 16, 3), nn.ReLU()]
print(nn.Sequential(*layers))  # the fix: unpack the list

# %% [markdown]
# **2. A `Dropout` after the final `Sigmoid`.** The consigna decoder ended with
# `nn.Sigmoid(), nn.Dropout(p)`. In training mode dropout zeroes a fraction $p$ of the *output
# pixels* and multiplies the rest by $1/(1-p)$: the reconstruction is no longer in $[0, 1]$ and
# the loss punishes the network for pixels it never chose. The fix: end the decoder at the
# sigmoid (dropout belongs between hidden layers).

# %%
# NBVAL_CHECK_OUTPUT
torch.manual_seed(0)
pixels = torch.sigmoid(torch.randn(1, 784))
dropped = nn.Dropout(0.2).train()(pixels)
print(f"after Sigmoid: min {pixels.min():.3f}, max {pixels.max():.3f}")
print(
    f"after Sigmoid + Dropout(0.2): {int((dropped == 0).sum())} of 784 pixels zeroed, max "
    f"{dropped.max():.3f} > 1"
)

# %% [markdown]
# **3. `nn.Conv2d(1, 32, stride=1, 1, kernel_size=(3, 3), padding=1)`.** In Python a positional
# argument cannot follow a keyword argument: this line does not even compile. The fix: keywords
# throughout, `nn.Conv2d(1, 32, kernel_size=3, stride=1, padding=1)`.

# %%
# NBVAL_CHECK_OUTPUT
try:
    compile("nn.Conv2d(1, 32, stride=1, 1, kernel_size=(3, 3), padding=1)", "<listing>", "eval")
except SyntaxError as error:
    print("SyntaxError:", error.msg)
print(nn.Conv2d(1, 32, kernel_size=3, stride=1, padding=1))

# %% [markdown]
# **4. Dimension comments.** The Raschka decoder's comments read "(7-1)\*2+2+1=13" for the second
# transposed convolution and "(27-1)\*3+29" for the last. The first evaluates to 15, not the
# 13 it announces: padding *subtracts* $2P$, so equation (2) gives
# $(7-1)\cdot 2 - 2\cdot 1 + 3 + 0 = 13$. The second mixes up the stride (1, not 3) and writes the
# answer as a term: $(27-1)\cdot 1 - 0 + 3 + 0 = 29$.

# %%
# NBVAL_CHECK_OUTPUT
print(
    "comment (7-1)*2+2+1 =",
    (7 - 1) * 2 + 2 + 1,
    "| equation (2):",
    conv_transpose_output_size(7, 3, stride=2, padding=1),
)
print(
    "comment (27-1)*3+29 =",
    (27 - 1) * 3 + 29,
    "| equation (2):",
    conv_transpose_output_size(27, 3, stride=1, padding=0),
)

# %% [markdown]
# The library's models are the corrected versions; each correction is written in the model's
# docstring (`help(ConsignaAutoencoder)`).
#
# ## Exercises
#
# 1. Design a decoder stage that maps $7 \to 14$ with $K = 3$, $S = 2$: which $P$ and $P_{out}$?
#    Check it with the calculator, then with `conv_transpose_output_size`.
# 2. Replace Raschka's last two transposed convolutions so that the decoder reaches exactly 28
#    without `Trim`.
# 3. The consigna encoder has 160 + 4,640 convolution weights but performs over 650,000
#    multiply-adds in them. Where does the factor come from?
