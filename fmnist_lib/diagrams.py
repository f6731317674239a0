"""Diagrams of chapter 2's operations, drawn from the numbers PyTorch computes: a convolution
with padding and stride sliding its window over a small grid (``convolution_diagram``), and a
transposed convolution spreading each input pixel's kernel into its output, where the overlaps
add up (``transposed_convolution_diagram``).

Both use a kernel of ones, so that a student can check every number by hand: a convolution's
output is the sum of the numbers under its window, a transposed convolution's output the sum of
the input pixels whose copy of the kernel covers the cell. The numbers each figure draws come
from a layout (``convolution_layout``, ``transposed_layout``) that the tests check against
``arithmetic`` and ``torch.nn.functional``. The words are in the notebook's language
(``wording``), and each figure carries its description (``plots.describe``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from .plots import DPI, describe
from .wording import text

PADDING_FACE = "#d9d9d9"  # the zeros a padding adds around the input
UNREACHED_FACE = "#fbe3c8"  # output cells that no copy of the kernel reaches
Face = str | tuple[float, float, float, float]  # a colour, named or RGBA


@dataclass(frozen=True)
class ConvolutionLayout:
    """What ``convolution_diagram`` draws: the padded input, and the output of a convolution
    with a ``kernel_size`` × ``kernel_size`` kernel of ones at ``stride``."""

    padded: torch.Tensor  # (H + 2P, W + 2P): the input inside a border of ``padding`` zeros
    padding: int
    kernel_size: int
    stride: int
    output: torch.Tensor  # (H_out, W_out), computed by F.conv2d

    def window(self, row: int, col: int) -> tuple[int, int]:
        """The padded grid's (row, column) where output (row, col)'s window starts."""
        return row * self.stride, col * self.stride

    def window_sum(self, row: int, col: int) -> float:
        """The sum of the padded input under output (row, col)'s window."""
        top, left = self.window(row, col)
        k = self.kernel_size
        return float(self.padded[top : top + k, left : left + k].sum())


def convolution_layout(
    grid: torch.Tensor, kernel_size: int = 3, stride: int = 2, padding: int = 1
) -> ConvolutionLayout:
    """The layout of a convolution of ``grid`` (H, W) with a kernel of ones."""
    values = grid.to(torch.float64)
    ones = torch.ones(1, 1, kernel_size, kernel_size, dtype=torch.float64)
    output = F.conv2d(values[None, None], ones, stride=stride, padding=padding)[0, 0]
    padded = F.pad(values, (padding, padding, padding, padding))
    return ConvolutionLayout(padded, padding, kernel_size, stride, output)


@dataclass(frozen=True)
class TransposedLayout:
    """What ``transposed_convolution_diagram`` draws: each input pixel's copy of a kernel of ones
    placed ``stride`` cells from its neighbour's, and the output where the copies add up."""

    inputs: torch.Tensor  # (H, W)
    kernel_size: int
    stride: int
    output_padding: int
    output: torch.Tensor  # (H_out, W_out), computed by F.conv_transpose2d
    counts: torch.Tensor  # (H_out, W_out): how many copies of the kernel cover each cell

    def block(self, i: int, j: int) -> tuple[int, int]:
        """The output's (row, column) where input pixel (i, j)'s copy of the kernel starts."""
        return i * self.stride, j * self.stride

    def covering(self, row: int, col: int) -> list[tuple[int, int]]:
        """The input pixels whose copy of the kernel covers output cell (row, col)."""
        k = self.kernel_size
        return [
            (i, j)
            for i in range(self.inputs.shape[0])
            for j in range(self.inputs.shape[1])
            if 0 <= row - self.block(i, j)[0] < k and 0 <= col - self.block(i, j)[1] < k
        ]


def transposed_layout(
    inputs: torch.Tensor, kernel_size: int = 3, stride: int = 2, output_padding: int = 1
) -> TransposedLayout:
    """The layout of a transposed convolution of ``inputs`` (H, W) with a kernel of ones and no
    padding: the output by ``F.conv_transpose2d``, the counts by placing each pixel's copy."""
    values = inputs.to(torch.float64)
    ones = torch.ones(1, 1, kernel_size, kernel_size, dtype=torch.float64)
    output = F.conv_transpose2d(
        values[None, None], ones, stride=stride, output_padding=output_padding
    )[0, 0]
    counts = torch.zeros(output.shape, dtype=torch.int64)
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            top, left = i * stride, j * stride
            counts[top : top + kernel_size, left : left + kernel_size] += 1
    return TransposedLayout(values, kernel_size, stride, output_padding, output, counts)


def _shown(x: float | torch.Tensor) -> str:
    """A number as a cell shows it: whole numbers without decimals."""
    value = float(x)
    return str(int(value)) if value.is_integer() else f"{value:.1f}"


def _cell(ax: Axes, x: float, y: float, label: str, face: Face = "white", **style: Any) -> None:
    """One unit square with its top-left corner at (x, y) (rows grow downwards), labelled; a
    ``hatch`` is drawn in light grey, so that the label stays readable."""
    hatch, colour = style.pop("hatch", None), style.pop("color", "black")
    ax.add_patch(Rectangle((x, y), 1, 1, facecolor=face, edgecolor="#aaaaaa", lw=0, hatch=hatch))
    ax.add_patch(Rectangle((x, y), 1, 1, fill=False, edgecolor="black", lw=0.8))
    ax.text(x + 0.5, y + 0.5, label, ha="center", va="center", color=colour, **style)


def _frame(ax: Axes, width: float, height: float) -> None:
    """Axes that show the region [0, width] × [0, height], rows downwards, square cells."""
    ax.set_xlim(-0.2, width + 0.2)
    ax.set_ylim(height + 0.2, -0.2)
    ax.set_aspect("equal")
    ax.axis("off")


def _padded_grid(ax: Axes, layout: ConvolutionLayout) -> None:
    """The padded input: the border of zeros grey and hatched, the input's numbers in white
    and framed."""
    rows, cols = layout.padded.shape
    p = layout.padding
    for r in range(rows):
        for c in range(cols):
            inside = p <= r < rows - p and p <= c < cols - p
            face = "white" if inside else PADDING_FACE
            style = {"fontsize": 10, "color": "black" if inside else "dimgrey"}
            _cell(
                ax, c, r, _shown(layout.padded[r, c]), face, hatch=None if inside else "//", **style
            )
    ax.add_patch(Rectangle((p, p), cols - 2 * p, rows - 2 * p, fill=False, lw=2))  # the input


def _output_grid(
    ax: Axes, output: torch.Tensor, corner: tuple[float, float], at: tuple[int, int], colour: str
) -> None:
    """The output's numbers in grey, the cell ``at`` filled with ``colour`` and in bold."""
    x0, y0 = corner
    for r in range(output.shape[0]):
        for c in range(output.shape[1]):
            here = (r, c) == at
            _cell(
                ax,
                x0 + c,
                y0 + r,
                _shown(output[r, c]),
                colour if here else "white",
                fontsize=10,
                color="black" if here else "grey",
                fontweight="bold" if here else "normal",
            )


def _position(ax: Axes, layout: ConvolutionLayout, at: tuple[int, int], colour: str) -> None:
    """One row of ``convolution_diagram``: the padded input with output ``at``'s window, an
    arrow, and the output with the cell that the window's sum fills."""
    (r, c), k = at, layout.kernel_size
    top, left = layout.window(r, c)
    rows, cols = layout.padded.shape
    corner = (cols + 1.5, (rows - layout.output.shape[0]) / 2)
    _padded_grid(ax, layout)
    window = Rectangle((left, top), k, k, facecolor=colour, alpha=0.3, edgecolor=colour, lw=3)
    ax.add_patch(window)
    _output_grid(ax, layout.output, corner, at, colour)
    y = corner[1] + r + 0.5
    arrow = {"arrowstyle": "->", "color": colour, "lw": 2}
    ax.annotate("", xy=(corner[0] - 0.15, y), xytext=(cols + 0.15, y), arrowprops=arrow)
    span: dict[str, Any] = {"top": top, "bottom": top + k - 1, "left": left, "right": left + k - 1}
    value = _shown(layout.output[r, c])
    ax.set_title(text("conv_diagram.position", row=r, col=c, value=value, **span), fontsize=10)
    _frame(ax, corner[0] + layout.output.shape[1], rows)


def convolution_diagram(
    grid: torch.Tensor,
    kernel_size: int = 3,
    stride: int = 2,
    padding: int = 1,
    positions: list[tuple[int, int]] | None = None,
) -> Figure:
    """A convolution of ``grid`` (H, W, small numbers) with a kernel of ones, one row of the
    figure per output position in ``positions`` (default: the first two and the last): the
    padded input with the kernel's window, and the output cell the window's sum lands in."""
    layout = convolution_layout(grid, kernel_size, stride, padding)
    h_out, w_out = layout.output.shape
    last = (h_out - 1, w_out - 1)
    positions = positions or list(dict.fromkeys([(0, 0), (0, min(1, w_out - 1)), last]))
    fig, axes = plt.subplots(
        len(positions), 1, figsize=(4.6, 2.75 * len(positions)), dpi=DPI, squeeze=False
    )
    for k, (ax, at) in enumerate(zip(axes[:, 0], positions, strict=True)):
        _position(ax, layout, at, f"C{k}")
    sizes: dict[str, Any] = {"h": grid.shape[0], "w": grid.shape[1], "k": kernel_size}
    sizes |= {"s": stride, "p": padding, "h_out": h_out, "w_out": w_out}
    fig.suptitle(text("conv_diagram.title", **sizes), fontsize=11)
    fig.tight_layout()
    sums = "; ".join(
        text("conv_diagram.sum", row=r, col=c, value=_shown(layout.output[r, c]))
        for r, c in positions
    )
    alt = text(
        "conv_diagram.alt", **sizes, shown=len(positions), positions=h_out * w_out, sums=sums
    )
    return describe(fig, alt)


def _shade(count: int, most: int) -> tuple[float, float, float, float]:
    """The face of an output cell covered by ``count`` copies of the kernel (of ``most``)."""
    return plt.get_cmap("Blues")(0.08 + 0.62 * (count - 1) / max(most - 1, 1))


def _inputs_and_kernel(ax: Axes, layout: TransposedLayout) -> None:
    """The input, each pixel in its own colour, and the kernel of ones beside it."""
    h, w = layout.inputs.shape
    k = layout.kernel_size
    for i in range(h):
        for j in range(w):
            face = to_rgba(f"C{i * w + j}", 0.35)
            _cell(ax, j, i, _shown(layout.inputs[i, j]), face, fontsize=11)
    for i in range(k):
        for j in range(k):
            _cell(ax, w + 1.5 + j, i, "1", fontsize=11)
    ax.text(w / 2, -0.3, text("transposed.input", h=h, w=w), ha="center", fontsize=10)
    ax.text(w + 1.5 + k / 2, -0.3, text("transposed.kernel", k=k), ha="center", fontsize=10)
    _frame(ax, w + 1.5 + k, max(h, k))
    ax.set_ylim(max(h, k) + 0.2, -1.0)


def _spread(ax: Axes, layout: TransposedLayout) -> list[Patch]:
    """The output: cells shaded by how many copies cover them and labelled with the sum they
    add, each copy outlined in its pixel's colour; returns the legend's entries."""
    most = int(layout.counts.max())
    for r in range(layout.counts.shape[0]):
        for c in range(layout.counts.shape[1]):
            terms = [_shown(layout.inputs[i, j]) for i, j in layout.covering(r, c)]
            half = (len(terms) + 1) // 2
            label = (
                "+".join(terms)
                if len(terms) < 3
                else "+".join(terms[:half]) + "\n+" + ("+".join(terms[half:]))
            )
            colour = "white" if len(terms) == most > 2 else "black"
            if terms:
                _cell(ax, c, r, label, _shade(len(terms), most), fontsize=9, color=colour)
            else:
                _cell(ax, c, r, "0", UNREACHED_FACE, hatch="//", fontsize=9, color="dimgrey")
    k, w = layout.kernel_size, layout.inputs.shape[1]
    for i in range(layout.inputs.shape[0]):
        for j in range(w):
            top, left = layout.block(i, j)
            inset = 0.06 + 0.07 * (i * w + j)
            ax.add_patch(
                Rectangle(
                    (left + inset, top + inset),
                    k - 2 * inset,
                    k - 2 * inset,
                    fill=False,
                    edgecolor=f"C{i * w + j}",
                    lw=2,
                )
            )
    present = sorted({int(n) for n in layout.counts.flatten().tolist()} - {0})
    entries = [
        Patch(
            facecolor=_shade(n, most),
            edgecolor="black",
            label=text("transposed.one") if n == 1 else text("transposed.many", n=n),
        )
        for n in present
    ]
    if (layout.counts == 0).any():
        entries.append(
            Patch(
                facecolor=UNREACHED_FACE,
                edgecolor="black",
                hatch="//",
                label=text("transposed.unreached", op=layout.output_padding),
            )
        )
    return entries


def transposed_convolution_diagram(
    inputs: torch.Tensor, kernel_size: int = 3, stride: int = 2, output_padding: int = 1
) -> Figure:
    """A transposed convolution of ``inputs`` (H, W, a few small numbers) with a kernel of ones
    and no padding: above, the input and the kernel; below, the output, where each input pixel's
    copy of the kernel (times its value) is outlined in the pixel's colour, ``stride`` cells from
    its neighbour's; the cells are shaded by how many copies add up in them, and the rows and
    columns that ``output_padding`` adds, which no copy reaches, are hatched."""
    layout = transposed_layout(inputs, kernel_size, stride, output_padding)
    h, w = inputs.shape
    h_out, w_out = layout.output.shape
    fig = plt.figure(figsize=(4.6, 3.4 + 0.7 * h_out), dpi=DPI)
    top, bottom = fig.subplots(
        2, 1, gridspec_kw={"height_ratios": [max(h, kernel_size) + 1.2, h_out + 0.4]}
    )
    _inputs_and_kernel(top, layout)
    entries = _spread(bottom, layout)
    _frame(bottom, w_out, h_out)
    bottom.set_title(
        text("transposed.output", h_out=h_out, w_out=w_out, s=stride, op=output_padding),
        fontsize=10,
    )
    bottom.legend(
        handles=entries, loc="upper center", bbox_to_anchor=(0.5, 0.0), fontsize=9, frameon=False
    )
    fig.suptitle(text("transposed.title"), fontsize=11)
    fig.tight_layout()
    values = ", ".join(_shown(v) for v in layout.inputs.flatten().tolist())
    alt = text(
        "transposed.alt",
        h=h,
        w=w,
        values=values,
        k=kernel_size,
        s=stride,
        op=output_padding,
        h_out=h_out,
        w_out=w_out,
        most=int(layout.counts.max()),
        unreached=int((layout.counts == 0).sum()),
    )
    return describe(fig, alt)
