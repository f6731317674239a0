"""Chapter 2's diagrams draw what PyTorch computes: the convolution's windows and output, the
transposed convolution's copies of the kernel and their overlaps, in both languages."""

import matplotlib.pyplot as plt
import pytest
import torch
import torch.nn.functional as F

from fmnist_lib import diagrams, plots
from fmnist_lib.arithmetic import conv_output_size, conv_transpose_output_size

CONVOLUTIONS = [(5, 3, 2, 1), (5, 3, 1, 0), (6, 3, 2, 1), (7, 2, 3, 0), (4, 3, 1, 2)]
TRANSPOSED = [(2, 3, 2, 1), (2, 3, 2, 0), (3, 2, 2, 0), (2, 4, 3, 2), (3, 3, 1, 0)]


def _grid(size: int, seed: int = 0) -> torch.Tensor:
    return torch.randint(0, 10, (size, size), generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize(("size", "kernel", "stride", "padding"), CONVOLUTIONS)
def test_the_convolution_layout_has_the_size_of_equation_1_and_its_windows_sum_to_it(
    size, kernel, stride, padding
):
    grid = _grid(size)
    layout = diagrams.convolution_layout(grid, kernel, stride, padding)
    expected = conv_output_size(size, kernel, stride, padding)
    assert tuple(layout.output.shape) == (expected, expected)
    assert layout.padded.shape == (size + 2 * padding,) * 2
    assert layout.padded.sum() == grid.sum()  # the border holds zeros only
    for r in range(expected):
        for c in range(expected):
            top, left = layout.window(r, c)
            assert top >= 0 and top + kernel <= layout.padded.shape[0]
            assert left >= 0 and left + kernel <= layout.padded.shape[1]
            assert layout.window_sum(r, c) == pytest.approx(float(layout.output[r, c]))


@pytest.mark.parametrize(("size", "kernel", "stride", "output_padding"), TRANSPOSED)
def test_the_transposed_layout_has_the_size_of_equation_2_and_counts_its_overlaps(
    size, kernel, stride, output_padding
):
    inputs = _grid(size, seed=1)
    layout = diagrams.transposed_layout(inputs, kernel, stride, output_padding)
    expected = conv_transpose_output_size(size, kernel, stride, 0, output_padding)
    assert tuple(layout.output.shape) == (expected, expected)
    ones = torch.ones(1, 1, kernel, kernel, dtype=torch.float64)
    everywhere = torch.ones(1, 1, size, size, dtype=torch.float64)
    overlaps = F.conv_transpose2d(everywhere, ones, stride=stride, output_padding=output_padding)
    assert torch.equal(layout.counts, overlaps[0, 0].long())
    for r in range(expected):
        for c in range(expected):
            covering = layout.covering(r, c)
            assert len(covering) == layout.counts[r, c]
            added = sum(float(layout.inputs[i, j]) for i, j in covering)
            assert added == pytest.approx(float(layout.output[r, c]))
    if output_padding:  # the rows and columns it adds are reached by no copy of the kernel
        assert layout.counts[-output_padding:].sum() == 0
        assert layout.counts[:, -output_padding:].sum() == 0


def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_the_convolution_diagram_writes_the_computed_output_and_describes_it():
    grid = torch.arange(1, 26).reshape(5, 5)
    fig = diagrams.convolution_diagram(grid, positions=[(0, 0), (2, 2)])
    layout = diagrams.convolution_layout(grid)
    written = _texts(fig)
    shown = [str(int(v)) for v in layout.output.flatten()]
    assert all(written.count(v) >= 2 for v in shown)  # the output grid, once per row
    assert len(fig.axes) == 2
    alt = plots.alt_text(fig)
    assert alt and "3×3 output" in alt and f"(2, 2) = {int(layout.output[2, 2])}" in alt
    plt.close(fig)


def test_the_transposed_diagram_writes_each_cells_terms_and_describes_it():
    inputs = torch.tensor([[1, 2], [3, 4]])
    fig = diagrams.transposed_convolution_diagram(inputs)
    written = [t.replace("\n", "") for t in _texts(fig)]
    assert "1+2+3+4" in written  # the middle cell: four copies add up
    assert written.count("0") == 11  # the row and column that output_padding=1 adds
    legend = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert legend[-1].startswith("added by output_padding=1")
    alt = plots.alt_text(fig)
    assert alt and "6×6 output" in alt and "up to 4" in alt
    plt.close(fig)


def test_the_diagrams_speak_spanish_in_the_spanish_edition(monkeypatch):
    monkeypatch.setenv("FMNIST_LANGUAGE", "es")
    conv = diagrams.convolution_diagram(torch.arange(1, 26).reshape(5, 5))
    spread = diagrams.transposed_convolution_diagram(torch.tensor([[1, 2], [3, 4]]))
    assert "salida de 3×3" in plots.alt_text(conv)
    assert conv.axes[0].get_title().startswith("salida (0, 0) = suma")
    assert plots.alt_text(spread).startswith("Una convolución transpuesta")
    assert "núcleo 3×3 (unos)" in _texts(spread)
    plt.close("all")
