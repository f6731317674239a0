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
# # 2. Convolution arithmetic
#
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/fmnist-course/fmnist-course/blob/v0.1.0/notebooks/02_convolution_arithmetic.ipynb)
#
# A convolutional network is a stack of layers that change the *shape* of a tensor: channels
# come and go, images shrink and grow. Get one size wrong and PyTorch stops with a shape error;
# get it right on paper first and the architecture writes itself. This chapter derives the two
# formulas the report uses, checks them against PyTorch, and uses them to read the three
# autoencoders of the course layer by layer.
#
# **Objectives.** After this chapter you will be able to:
#
# - compute the output size of a convolution or a pooling layer with equation (1), and of a
#   transposed convolution with equation (2), and check it against a real PyTorch layer;
# - choose the padding and output padding that make a decoder stage land on a given size;
# - explain why a transposed convolution is the transpose of a convolution and not its inverse,
#   and which output rows an output padding leaves to the bias alone;
# - read a model layer by layer with `trace_shapes`: output shapes, parameters, multiply-adds;
# - find and fix the errors in the report's model listings.
#
# **Study time.** About 100 minutes: about 50 to read the chapter and run its cells, and about ten
# for each of its 5 exercises (estimated from its length, at about 100 words of prose or ten lines
# of code a minute). Running it takes under half a minute (26 s measured at the full budget on a
# 2-core CPU).

# %% tags=["hide-input"]
if "google.colab" in str(get_ipython()):  # on Colab: install the course's library
    # %pip install -q \
#         "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"

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
# First on a grid small enough to check by hand: a $5 \times 5$ input holding the numbers 1 to 25,
# a padding of $P = 1$, a $3 \times 3$ kernel whose nine weights are all 1 (so each output is
# simply the sum of the nine numbers under the kernel) and a stride of $S = 2$. Each row of the
# figure shows one position of the kernel and the output cell it fills.

# %%
import torch

from fmnist_lib.course import setup
from fmnist_lib.diagrams import convolution_diagram
from fmnist_lib.numerals import numeral

setup()  # seeds the random generators and sets up the figures
small_grid = torch.arange(1, 26).reshape(5, 5)  # the numbers 1 to 25
fig = convolution_diagram(small_grid, kernel_size=3, stride=2, padding=1)

# %% [markdown]
# Read it row by row. The padding puts a border of zeros (grey) around the input, so the padded
# grid is $7 \times 7$, and the kernel's first position covers its top-left corner: five of its
# nine cells are padding, and the sum is $1 + 2 + 6 + 7 = 16$. The stride moves the kernel
# $S = 2$ cells to the right for the next output cell, and 2 cells down for the next row of
# outputs. Three positions fit in each direction (columns 0–2, 2–4 and 4–6 of the padded grid),
# so the output is $3 \times 3$; a fourth would stick out. Without the padding the kernel could
# never be centred on a pixel of the input's edge: the corner numbers 1, 5, 21 and 25 would only
# ever sit in a corner of a window. The next section counts the positions with a formula.
#
# Now one hand-made $3 \times 3$ kernel (it responds to vertical edges) applied to a
# Fashion-MNIST image, with three settings of stride and padding:

# %%
import torch.nn.functional as F

from fmnist_lib.data import load_official, to_float
from fmnist_lib.plots import convolved_images

train, _ = load_official()
image = to_float(train.images[1:2])  # a T-shirt, shape (1, 1, 28, 28)
edge = torch.tensor([[[[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]]])

settings = [
    dict(stride=1, padding=0),
    dict(stride=1, padding=1),
    dict(stride=2, padding=1),
]
outputs = {
    f"S={kw['stride']}, P={kw['padding']}": F.conv2d(image, edge, **kw)[0, 0]
    for kw in settings
}
fig = convolved_images(image[0, 0], outputs)

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

# %% tags=["nbval-check-output"]
from torch import nn

from fmnist_lib.arithmetic import (
    conv_output_size,
    conv_transpose_output_size,
    pool_output_size,
)


def real(layer: nn.Module, size: int) -> int:
    """The output size PyTorch actually produces (the ground truth for our formulas)."""
    return layer(
        torch.zeros(
            1, layer.in_channels if hasattr(layer, "in_channels") else 1, size, size
        )
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
# it agrees with the library that will run it. (The course's tests do this over hundreds of
# random configurations.)
#
# Max pooling on a small example, to see what "keeps the largest value" means:

# %% tags=["nbval-check-output"]
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
#
# The spreading, drawn on a $2 \times 2$ input with the values 1 to 4, a $3 \times 3$ kernel of
# ones, $S = 2$, no padding and an output padding $P_{out} = 1$:

# %%
from fmnist_lib.diagrams import transposed_convolution_diagram

two_by_two = torch.tensor([[1, 2], [3, 4]])
fig = transposed_convolution_diagram(
    two_by_two, kernel_size=3, stride=2, output_padding=1
)

# %% [markdown]
# Each input pixel lays a $3 \times 3$ block of its own value into the output (outlined in its
# colour): pixel 1 covers rows and columns 0–2, its right neighbour, pixel 2, starts $S = 2$
# columns further, at column 2. Where blocks overlap their values add up: column 2 holds 1+2
# and 3+4, row 2 holds 1+3 and 2+4, and the middle cell, where all four blocks meet, holds
# 1+2+3+4 = 10. Equation (2) gives $(2 - 1) \cdot 2 - 0 + 3 = 5$ rows and columns for what the
# blocks cover; the output padding adds a sixth row and column (hatched) that no block reaches,
# which hold only the layer's bias (zero here). So the cells of the output do not all receive
# the same number of contributions: 1, 2 or 4 here, because the kernel (3) is not a multiple of
# the stride (2). With learned weights, such uneven overlaps are one known source of the
# checkerboard patterns that transposed convolutions can paint (Odena, Dumoulin and Olah, 2016).

# %% tags=["nbval-check-output"]
print(
    "Conv2d(k=3, s=2, p=1) maps 27 ->",
    conv_output_size(27, 3, 2, 1),
    "and 28 ->",
    conv_output_size(28, 3, 2, 1),
)
for op in (0, 1):
    ours = conv_transpose_output_size(14, 3, stride=2, padding=1, output_padding=op)
    pytorch = real(
        nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=op), 14
    )
    print(
        "ConvTranspose2d(k=3, s=2, p=1, "
        f"output_padding={op}) from 14: formula {ours}, PyTorch "
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
up = nn.ConvTranspose2d(
    1, 1, 3, stride=2, padding=1, output_padding=1, bias=False
).double()
with torch.no_grad():
    up.weight.copy_(conv.weight)  # the same kernel: up is conv's transpose
    x = torch.randn(1, 1, 28, 28, dtype=torch.float64)
    y = torch.randn(1, 1, 14, 14, dtype=torch.float64)
    inner_cx_y, inner_x_cty = (conv(x) * y).sum().item(), (x * up(y)).sum().item()
    print(f"<C x, y> = {numeral(inner_cx_y):.12f}")
    print(f"<x, Cᵀy> = {numeral(inner_x_cty):.12f}")
    back = up(conv(x))
    inverse_error = ((back - x).norm() / x.norm()).item()
    print(
        f"|CᵀC x − x| / |x| = {numeral(inverse_error):.2f}  (0 would mean an inverse)"
    )

# %% [markdown]
# So a decoder's transposed convolutions do not undo the encoder: they are layers with their own
# weights, *trained* to map codes back to images. The name only says which shapes they connect.

# %% [markdown]
# Output padding has a price. The extra row and column it adds lie beyond the reach of every
# kernel tap: with $K = 3$, $S = 2$ the input pixel $i$ spreads into outputs $2i, 2i+1, 2i+2$, so
# from 13 inputs the last output reached is $2 \cdot 12 + 2 = 26$, and row 27 receives only the
# bias. «consigna»'s last layer is exactly this case. We ask autograd which output rows depend on
# the input at all:


# %% tags=["nbval-check-output"]
def rows_reached(layer: nn.ConvTranspose2d, size: int) -> list[int]:
    """Output rows whose value depends on the input (a zero gradient means: bias
    only)."""
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
unreached = {}
for name, layer in {
    "K=3, S=2, P_out=1 (consigna)": consigna_last,
    "K=4, S=2, P_out=0": alternative,
}.items():
    reached = rows_reached(layer, 13)
    unreached[name] = sorted(set(range(28)) - set(reached))
    rows_out = conv_transpose_output_size(
        13, layer.kernel_size[0], 2, 0, layer.output_padding[0]
    )
    print(
        f"{name:<30} output "
        f"{rows_out}"
        f" rows, rows never reached by the input: {unreached[name]}"
    )

# %% [markdown]
# The «consigna» decoder's last layer therefore paints its last row and column from a bias
# alone. The defect compounds: its first transposed convolution ($5 \to 13$, also with output
# padding) leaves *its* row 12 to a bias too, and rows 25 and 26 of the image are computed from
# that row 12 only — so the last *three* rows and columns of every «consigna» reconstruction are
# the same whatever the image. Chapter 3 measures what that costs. A kernel of 4 reaches all 28
# rows with no output padding. (This function is the lesson's instrument, like `real` above.)
#
# Impossible settings are refused *before* any tensor is built, with the reason:

# %% tags=["nbval-check-output"]
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
# Pick a layer and move the sliders: the calculator shows the output size that equation (1)
# gives (equation (2) for a transposed convolution, both with the dilation $d$), with your
# numbers put into the formula. The formula runs in the page, so the calculator works on the
# website too. A running notebook (JupyterLab, Colab) also builds a real PyTorch layer with the
# same settings and shows its output size beside ours; that check needs Python, so the website
# says so instead. The table below shows the same check for a few settings.

# %%
from fmnist_lib.widgets import size_calculator

size_calculator()

# %% tags=["nbval-check-output"]
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
checks = []
for k, d, kk, s, p in grid:
    check = check_against_pytorch(k, d, kk, s, p)
    checks.append(
        {
            "layer": k,
            "D_in": d,
            "K": kk,
            "S": s,
            "P": p,
            "formula": check["ours"],
            "PyTorch": check["pytorch"],
            "message": check["message"],
        }
    )
calculator_checks = pd.DataFrame(checks)
calculator_checks

# %% [markdown]
# ## Reading the three autoencoders
#
# `trace_shapes` runs one dummy image through a model and lists every layer with its output
# shape, its parameters, its multiply-adds (the "connections" a forward pass computes) and, for
# the layers that follow equation (1) or (2), the formula with the layer's own numbers.
#
# **Feed-forward** (784-512-784): no formula needed, only matrix sizes.

# %% tags=["nbval-check-output"]
from fmnist_lib.arithmetic import trace_shapes
from fmnist_lib.models import (
    ConsignaAutoencoder,
    FeedForwardAutoencoder,
    RaschkaAutoencoder,
)

pd.set_option("display.max_colwidth", 60)
trace_shapes(FeedForwardAutoencoder())

# %% [markdown]
# **«consigna»** (the assignment's architecture): two convolution + max-pooling stages shrink
# $28 \to 26 \to 13 \to 11 \to 5$, a linear layer compresses $32 \cdot 5 \cdot 5 = 800$ numbers to
# $n = 128$, and two transposed convolutions grow $5 \to 13 \to 28$. The first uses $K = 4$ and
# $P_{out} = 1$, the second $P_{out} = 1$, exactly to land on 13 and 28.

# %% tags=["nbval-check-output"]
consigna_table = trace_shapes(ConsignaAutoencoder(hidden_size=128))
consigna_table

# %% [markdown]
# **«Raschka»** (after S. Raschka's STAT 453 convolutional autoencoder): no pooling; strided
# convolutions with padding 1 halve the size ($28 \to 14 \to 7$). The decoder's transposed
# convolutions give $7 \to 7 \to 13 \to 27 \to 29$ — one pixel too many — and a `Trim` layer crops
# back to $28 \times 28$. Other kernel sizes or paddings would have avoided the crop (exercise 4);
# the original keeps it.

# %% tags=["nbval-check-output"]
trace_shapes(RaschkaAutoencoder(hidden_size=128))

# %% [markdown]
# ## Receptive fields: what one unit sees
#
# The same numbers $K$, $S$, $P$, $d$ say *which pixels* a unit of a layer depends on: its
# **receptive field**. Follow three quantities from the image (where a "unit" is one pixel:
# $r = 1$, $j = 1$, $start = 0$) through each layer:
#
# * the field's size $r$: a kernel's $K$ taps are $d\,j_{in}$ input pixels apart, so
#   $r_{out} = r_{in} + (K - 1)\,d\,j_{in}$;
# * the **jump** $j$, the distance in input pixels between neighbouring units:
#   $j_{out} = j_{in}\,S$;
# * the centre of the first unit, in pixel coordinates (pixel $i$ is centred on $i$):
#   $start_{out} = start_{in} + \left(\frac{K - 1}{2} d - P\right) j_{in}$.
#
# Activations, dropout and batch norm act on each pixel alone and leave the field as it is;
# after `Flatten` and a `Linear` layer every unit sees the whole image. The stride multiplies
# the jump, and the jump multiplies every later kernel: that is why layers *after* a
# downsampling grow the field fastest. Pooling follows the same rule as a convolution.
#
# As with the size formulas, we do not trust the recurrence until PyTorch agrees. The column
# "measured" asks autograd: it takes the gradient of the middle unit with respect to the input
# and measures the box of pixels where it is not zero. It does this on a *linearised* copy of
# the layers (all weights 1, average pooling instead of max pooling, no activation), because
# the real layers hide pixels: a ReLU at zero passes no gradient, and max pooling sends it to
# the single largest pixel of each window (`help(gradient_footprint)` explains).

# %% tags=["nbval-check-output"]
from fmnist_lib.arithmetic import receptive_field_table
from fmnist_lib.models import raschka_pool_encoder

for name, encoder in {
    "consigna": ConsignaAutoencoder(hidden_size=128).encoder,
    "Raschka": RaschkaAutoencoder(hidden_size=128).encoder,
    "Raschka with pooling (chapter 7)": raschka_pool_encoder(
        hidden_size=10, dropout=0.0
    ),
}.items():
    print(f"«{name}»")
    display(receptive_field_table(encoder, measure=True))

# %% [markdown]
# After its last pooling, a unit of «consigna» sees $10 \times 10$ pixels, a good part of a
# garment but never all of it. Only the `Linear` layer after `Flatten` puts the 25 positions
# of the $5 \times 5$ map together. Raschka's four convolutions reach $17 \times 17$ with no
# pooling at all: its two stride-2 layers double the jump twice, and the last $3 \times 3$
# convolution then adds $2 \cdot 4 = 8$ pixels. The pooling variant reaches $20 \times 20$ with
# the same kernels and the same map sizes, because each pooling window adds to the field
# as well. Drawn on the T-shirt, for the unit in the middle of each map:

# %%
from fmnist_lib.arithmetic import receptive_fields
from fmnist_lib.plots import receptive_field_squares

squares = {}
for name, model in {
    "consigna": ConsignaAutoencoder(),
    "Raschka": RaschkaAutoencoder(),
}.items():
    spatial = [rf for rf in receptive_fields(model.encoder) if not rf.whole_image]
    # (layer, first pixel, size) of the middle unit of each map
    squares[name] = [
        (rf.name, rf.span(rf.output_hw[0] // 2)[0], rf.size) for rf in spatial
    ]
fig = receptive_field_squares(image[0, 0], squares)

# %% [markdown]
# ## The report's listings, corrected — worked exercises
#
# The report prints its models as code. Four things in those listings are wrong; each is a
# classic, so we reproduce each failure and its fix.
#
# **1. `nn.Sequential([...])` — a list instead of modules.** `Sequential` takes the modules as
# separate arguments. Given a list, PyTorch refuses:

# %% tags=["nbval-check-output"]
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

# %% tags=["nbval-check-output"]
torch.manual_seed(0)
pixels = torch.sigmoid(torch.randn(1, 784))
dropped = nn.Dropout(0.2).train()(pixels)
print(
    f"after Sigmoid: min {numeral(pixels.min()):.3f}, max {numeral(pixels.max()):.3f}"
)
print(
    "after Sigmoid + Dropout(0.2): "
    f"{int((dropped == 0).sum())} of 784 pixels zeroed, max "
    f"{numeral(dropped.max()):.3f} > 1"
)

# %% [markdown]
# **3. `nn.Conv2d(1, 32, stride=1, 1, kernel_size=(3, 3), padding=1)`.** In Python a positional
# argument cannot follow a keyword argument: this line does not even compile. The fix: keywords
# throughout, `nn.Conv2d(1, 32, kernel_size=3, stride=1, padding=1)`.

# %% tags=["nbval-check-output"]
try:
    compile(
        "nn.Conv2d(1, 32, stride=1, 1, kernel_size=(3, 3), padding=1)",
        "<listing>",
        "eval",
    )
except SyntaxError as error:
    print("SyntaxError:", error.msg)
print(nn.Conv2d(1, 32, kernel_size=3, stride=1, padding=1))

# %% [markdown]
# **4. Dimension comments.** The Raschka decoder's comments read "(7-1)\*2+2+1=13" for the second
# transposed convolution and "(27-1)\*3+29" for the last. The first evaluates to 15, not the
# 13 it announces: padding *subtracts* $2P$, so equation (2) gives
# $(7-1)\cdot 2 - 2\cdot 1 + 3 + 0 = 13$. The second mixes up the stride (1, not 3) and writes the
# answer as a term: $(27-1)\cdot 1 - 0 + 3 + 0 = 29$.

# %% tags=["nbval-check-output"]
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

# %% [markdown]
# ## Exercises
#

# %%
from fmnist_lib.exercises import check_answer

# %% [markdown]
# 1. **Predict, then run.** The first figure used a $3 \times 3$ kernel. Change it to a
#    $5 \times 5$ blur, `blur = torch.ones(1, 1, 5, 5) / 25`, keep `stride=2, padding=1`, and
#    predict the output size on the $28 \times 28$ image with equation (1) before you run
#    `F.conv2d(image, blur, stride=2, padding=1)`.

# %%
answer = ...  # exercise 1: the output size (a number, or blurred.shape)
check_answer("2.1", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 1</summary>
#
# Equation (1) with $D_{in} = 28$, $K = 5$, $P = 1$, $S = 2$:
#
# $$\lfloor (28 - 5 + 2 \cdot 1) / 2 \rfloor + 1 = \lfloor 12.5 \rfloor + 1 = 13 .$$
#
# The floor drops
# the last half step: a fourteenth position would need the kernel to stick out of the padded
# image. The kernel's values do not matter, only its size.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
blur = torch.ones(1, 1, 5, 5) / 25
blurred = F.conv2d(image, blur, stride=2, padding=1)
print(
    "output shape:",
    tuple(blurred.shape),
    "| equation (1):",
    conv_output_size(28, 5, 2, 1),
)
check_answer("2.1", blurred.shape)

# %% [markdown]
# 2. What size does `MaxPool2d(2)` give on a $13 \times 13$ map, and which rows and columns of its
#    input does it never look at?

# %%
answer = ...  # exercise 2: the output size
check_answer("2.2", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 2</summary>
#
# Pooling's stride defaults to its kernel size, so equation (1) gives
# $\lfloor (13 - 2) / 2 \rfloor + 1 = 6$. The six windows cover rows (and columns) 0 to 11; the
# last row and column, 12, are never looked at. The cell shows it: a map that is zero except on
# its last row and column pools to all zeros. The «consigna» encoder loses a row and a column the
# same way when it pools $11 \to 5$.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
probe = torch.zeros(1, 1, 13, 13)
probe[..., 12, :] = 1.0  # only the last row
probe[..., :, 12] = 1.0  # and the last column are non-zero
pooled = nn.MaxPool2d(2)(probe)
print(
    "output shape:",
    tuple(pooled.shape),
    "| largest pooled value:",
    f"{numeral(pooled.max().item())}",
)
check_answer("2.2", pooled.shape[-1])

# %% [markdown]
# 3. Design a decoder stage that maps $7 \to 14$ with $K = 3$, $S = 2$: which padding $P$ and
#    output padding $P_{out}$? Answer with the pair `(P, P_out)`; check it with the calculator,
#    then with `conv_transpose_output_size`.

# %%
answer = ...  # exercise 3: (P, P_out)
check_answer("2.3", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 3</summary>
#
# Equation (2):
#
# $$(7 - 1) \cdot 2 - 2P + 3 + P_{out} = 15 - 2P + P_{out} = 14 ,$$
#
# so $2P - P_{out} = 1$. The output padding must be smaller than the stride, $P_{out} \in \{0, 1\}$;
# $P_{out} = 0$ would need $P = 1/2$, so $P = 1$ and $P_{out} = 1$, the only choice. The cell
# searches all paddings below $K$ to confirm it, runs the real layer, and asks `rows_reached`
# which output rows depend on the input: all of them. Unlike the «consigna» layer above, no row is
# left to the bias, because the padding crops one row at each end; the last output row, 13, is
# the uncropped row $13 + P = 14 = 2 \cdot 6 + 2$, which the last input pixel ($i = 6$) reaches.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
settings_7_to_14 = [
    (p, op)
    for p in range(3)
    for op in range(2)
    if conv_transpose_output_size(7, 3, stride=2, padding=p, output_padding=op) == 14
]
stage = nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=1)
print(
    "(P, P_out) that map 7 -> 14:",
    settings_7_to_14,
    "| PyTorch with (1, 1):",
    real(stage, 7),
)
print(
    "output rows never reached by the input:",
    sorted(set(range(14)) - set(rows_reached(stage, 7))),
)
check_answer("2.3", settings_7_to_14[0])

# %% [markdown]
# 4. Replace Raschka's last two transposed convolutions so that the decoder reaches exactly
#    $28 \times 28$ without `Trim`. Check your decoder with
#    `trace_shapes(decoder, input_shape=(128,))`, and ask `rows_reached` whether every output row
#    depends on the input.

# %%
answer = ...  # exercise 4: your decoder's output shape (channels, height, width)
check_answer("2.4", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 4</summary>
#
# Before its last two transposed convolutions the Raschka decoder is at $13 \times 13$. One
# design: `ConvTranspose2d(64, 32, kernel_size=4, stride=2)` gives $(13 - 1) \cdot 2 + 4 = 28$,
# then `ConvTranspose2d(32, 1, kernel_size=3, stride=1, padding=1)` keeps it,
# $(28 - 1) \cdot 1 - 2 + 3 = 28$. Another: `kernel_size=3, stride=2, output_padding=1` also
# gives 28, but, as the section on output padding showed, its last row and column then receive
# only the bias; the kernel of 4 reaches every row. The cell builds the decoder with the first
# design, traces it and asks `rows_reached`.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
raschka_decoder = RaschkaAutoencoder(hidden_size=128).decoder
fixed_decoder = nn.Sequential(
    *raschka_decoder[:8],  # from the Linear layer up to the (64, 13, 13) stage
    nn.ConvTranspose2d(64, 32, kernel_size=4, stride=2),  # (32, 28, 28)
    nn.LeakyReLU(0.01),
    nn.ConvTranspose2d(32, 1, kernel_size=3, stride=1, padding=1),  # (1, 28, 28)
    nn.Sigmoid(),
)
print(
    "rows never reached:",
    sorted(set(range(28)) - set(rows_reached(fixed_decoder[8], 13))),
)
display(trace_shapes(fixed_decoder, input_shape=(128,)))
check_answer("2.4", fixed_decoder(torch.zeros(1, 128)).shape[1:])

# %% [markdown]
# 5. The table of the «consigna» autoencoder shows few parameters but many multiply-adds in its
#    convolutions. Compute by hand the multiply-adds of the first convolution for one image, and
#    explain where the factor between its multiply-adds and its weights comes from.

# %%
answer = ...  # exercise 5: the multiply-adds of the first convolution, for one image
check_answer("2.5", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 5</summary>
#
# The first convolution has 16 kernels of $3 \times 3 \times 1$ weights and produces a
# $16 \times 26 \times 26$ map. Each output value is one dot product of a kernel with a patch:
# 9 multiply-adds. So the layer computes $9 \cdot 16 \cdot 26 \cdot 26 = 97{,}344$ multiply-adds
# per image, while it holds only $16 \cdot 9 = 144$ weights (and 16 biases: 160 parameters). The
# factor is the number of output positions, $26 \cdot 26 = 676$: a convolution uses each of its
# weights once at every position (weight sharing). The second convolution does the same at
# $11 \cdot 11 = 121$ positions. A dense layer, by contrast, uses each weight once per image. The
# cell recomputes both convolutions from the table's shapes and parameters.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
by_hand = {}
for name, row in consigna_table[consigna_table["type"] == "Conv2d"].iterrows():
    c_out, h_out, w_out = row["output shape"]
    weights = row["parameters"] - c_out  # one bias per output channel
    by_hand[name] = weights * h_out * w_out
    print(
        f"{name}: {numeral(weights):,} weights x {h_out} "
        f"x {w_out} positions = {numeral(by_hand[name]):,} "
        f"multiply-adds (table: {numeral(row['multiply-adds']):,})"
    )
check_answer("2.5", next(iter(by_hand.values())))

# %% [markdown]
# ## Summary
#
# - Equation (1) gives the output size of a convolution or a pooling layer, equation (2) that of
#   a transposed convolution; both agree with PyTorch on every case checked here.
# - Equation (1) floors, so it is not invertible: a transposed convolution is told which size to
#   produce by its output padding, and an output padding can leave a row and a column that no
#   kernel tap reaches, to the bias alone.
# - A transposed convolution is the transpose (adjoint) of a convolution, not its inverse: a
#   decoder learns its own weights.
# - `trace_shapes` reads a model layer by layer; a convolution has few parameters and many
#   multiply-adds, because it reuses its weights at every position.
# - The report's listings had four errors: a list given to `Sequential`, a dropout after the final
#   sigmoid, a positional argument after keywords, and dimension comments that do not add up.
#
# **Check yourself:** [a quiz on this chapter's ideas](quizzes/02_quiz.ipynb), with an explanation
# for every answer.

# %%
print(
    "equation (1) = PyTorch in "
    f"{sum(o == p for _, o, p in cases)} of {len(cases)} cases"
)
print(
    "calculator table: formula = PyTorch in "
    f"{(calculator_checks['formula'] == calculator_checks['PyTorch']).sum()} "
    f"of {len(calculator_checks)} settings, transposed convolutions included"
)
print(
    f"<C x, y> - <x, Cᵀy> = {numeral(inner_cx_y - inner_x_cty):.1e}; "
    f"|CᵀC x − x| / |x| = {numeral(inverse_error):.2f}"
)
for name, rows in unreached.items():
    print(f"{name}: output rows left to the bias {rows}")
convolutions = consigna_table[consigna_table["type"] == "Conv2d"]
print(
    f"consigna's convolutions: {numeral(convolutions['parameters'].sum()):,} "
    f"parameters, "
    f"{numeral(convolutions['multiply-adds'].sum()):,} multiply-adds per image"
)
