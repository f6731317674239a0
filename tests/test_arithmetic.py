import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from fmnist_lib.arithmetic import (
    conv_output_size,
    conv_transpose_output_size,
    formula,
    pool_output_size,
    trace_shapes,
)
from fmnist_lib.models import (
    ConsignaAutoencoder,
    ConsignaClassifier,
    FeedForwardAutoencoder,
    RaschkaAutoencoder,
    RaschkaClassifier,
)
from fmnist_lib.wording import speaking

FAST = settings(max_examples=150, deadline=None)


def _torch_hw(layer: nn.Module, h: int, w: int):
    """The layer's real output (h, w), or None when PyTorch refuses the configuration."""
    try:
        with torch.no_grad():
            out = tuple(layer(torch.zeros(1, getattr(layer, "in_channels", 1), h, w)).shape[-2:])
    except (RuntimeError, ValueError):
        return None
    return (
        out if min(out) > 0 else None
    )  # an empty output is as impossible as an error: ours refuses it


def _ours(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except ValueError:
        return None


@FAST
@given(
    h=st.integers(1, 40),
    w=st.integers(1, 40),
    k=st.integers(1, 7),
    s=st.integers(1, 4),
    p=st.integers(0, 3),
    d=st.integers(1, 3),
)
def test_conv_formula_agrees_with_pytorch(h, w, k, s, p, d):
    layer = nn.Conv2d(1, 1, kernel_size=k, stride=s, padding=p, dilation=d)
    assert _ours(conv_output_size, (h, w), k, s, p, d) == _torch_hw(layer, h, w)


@FAST
@given(
    h=st.integers(1, 40),
    k=st.integers(1, 5),
    s=st.integers(1, 4),
    p=st.integers(0, 3),
    d=st.integers(1, 2),
    ceil=st.booleans(),
)
def test_pool_formula_agrees_with_pytorch(h, k, s, p, d, ceil):
    try:
        layer = nn.MaxPool2d(kernel_size=k, stride=s, padding=p, dilation=d, ceil_mode=ceil)
        expected = _torch_hw(layer, h, h)
    except (RuntimeError, ValueError):
        expected = None
    got = _ours(pool_output_size, (h, h), k, s, p, d, ceil)
    assert got == expected


@FAST
@given(
    h=st.integers(1, 30),
    k=st.integers(1, 6),
    s=st.integers(1, 4),
    p=st.integers(0, 3),
    op=st.integers(0, 3),
    d=st.integers(1, 3),
)
def test_transposed_conv_formula_agrees_with_pytorch(h, k, s, p, op, d):
    try:
        layer = nn.ConvTranspose2d(
            1, 1, kernel_size=k, stride=s, padding=p, output_padding=op, dilation=d
        )
        expected = _torch_hw(layer, h, h)
    except (RuntimeError, ValueError):
        expected = None
    assert _ours(conv_transpose_output_size, (h, h), k, s, p, op, d) == expected


def test_paper_equations_and_int_or_pair():
    assert conv_output_size(28, 3) == 26  # consigna conv1
    assert pool_output_size(11, 2) == 5  # floor((11-2)/2)+1
    assert conv_output_size(28, 3, stride=2, padding=1) == 14  # Raschka conv2
    assert conv_transpose_output_size(7, 3, stride=2, padding=1) == 13
    assert conv_transpose_output_size(5, 4, stride=2, output_padding=1) == 13
    assert conv_output_size((28, 20), 3) == (26, 18)
    assert conv_output_size(28, (3, 5), padding=(1, 0)) == (28, 24)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: conv_output_size(2, 5), "output would be empty"),
        (lambda: conv_output_size(28, 0), "kernel_size must be >= 1"),
        (
            lambda: conv_transpose_output_size(5, 3, stride=2, output_padding=2),
            "output_padding=2 must be smaller",
        ),
        (lambda: conv_transpose_output_size(1, 1, padding=1), "Use less padding"),
        (lambda: pool_output_size(28, 2, padding=2), "pooling padding"),
    ],
)
def test_impossible_configurations_are_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_bad_types_are_refused():
    with pytest.raises(TypeError):
        conv_output_size("28", 3)
    with pytest.raises(TypeError):
        conv_output_size((28, 28, 28), 3)


def test_formula_handles_ceil_mode_avgpool_and_string_padding():
    text = formula(nn.MaxPool2d(2, 2, padding=1, ceil_mode=True), (5, 5))
    assert text.startswith("ceil((5 - 2 + 2*1) / 2) + 1 - 1") and text.endswith("= 3")
    assert formula(nn.AvgPool2d(2), (28, 28)) == "floor((28 - 2 + 2*0) / 2) + 1 = 14"
    assert formula(nn.Conv2d(1, 1, 3, padding="same"), (28, 28)) == "padding='same'"


def test_formula_shows_the_layers_own_numbers():
    assert (
        formula(nn.Conv2d(32, 64, 3, stride=2, padding=1), (28, 28))
        == "floor((28 - 3 + 2*1) / 2) + 1 = 14"
    )
    assert (
        formula(nn.ConvTranspose2d(64, 64, 3, stride=2, padding=1), (7, 7))
        == "(7 - 1)*2 - 2*1 + 3 + 0 = 13"
    )
    assert formula(nn.Conv2d(1, 1, 3), (28, 20)).startswith("H: floor((28 - 3")
    assert formula(nn.ReLU(), (28, 28)) == ""


# Every layer's output shape as listed in FACTS.md (the paper's Figures 2-4).
PAPER_SHAPES = {
    ConsignaAutoencoder: [
        ("Conv2d", (16, 26, 26)),
        ("MaxPool2d", (16, 13, 13)),
        ("Conv2d", (32, 11, 11)),
        ("MaxPool2d", (32, 5, 5)),
        ("Flatten", (800,)),
        ("Linear", (128,)),
        ("Linear", (800,)),
        ("Unflatten", (32, 5, 5)),
        ("ConvTranspose2d", (16, 13, 13)),
        ("ConvTranspose2d", (1, 28, 28)),
        ("Sigmoid", (1, 28, 28)),
    ],
    RaschkaAutoencoder: [
        ("Conv2d", (32, 28, 28)),
        ("Conv2d", (64, 14, 14)),
        ("Conv2d", (64, 7, 7)),
        ("Conv2d", (64, 7, 7)),
        ("Flatten", (3136,)),
        ("Linear", (128,)),
        ("Linear", (3136,)),
        ("Unflatten", (64, 7, 7)),
        ("ConvTranspose2d", (64, 7, 7)),
        ("ConvTranspose2d", (64, 13, 13)),
        ("ConvTranspose2d", (32, 27, 27)),
        ("ConvTranspose2d", (1, 29, 29)),
        ("Trim", (1, 28, 28)),
        ("Sigmoid", (1, 28, 28)),
    ],
    FeedForwardAutoencoder: [
        ("Flatten", (784,)),
        ("Linear", (512,)),
        ("Linear", (784,)),
        ("Sigmoid", (784,)),
        ("Unflatten", (1, 28, 28)),
    ],
}
SHAPE_CHANGING = {
    "Conv2d",
    "MaxPool2d",
    "Flatten",
    "Linear",
    "Unflatten",
    "ConvTranspose2d",
    "Trim",
    "Sigmoid",
}


@pytest.mark.parametrize("cls", list(PAPER_SHAPES))
def test_every_paper_layer_has_the_listed_shape(cls):
    table = trace_shapes(cls())
    rows = [
        (t, s)
        for t, s in zip(table["type"], table["output shape"], strict=True)
        if t in SHAPE_CHANGING
    ]
    assert rows == PAPER_SHAPES[cls]
    for layer_type, shape, text in zip(
        table["type"], table["output shape"], table["formula"], strict=True
    ):
        if layer_type in {"Conv2d", "MaxPool2d", "ConvTranspose2d"}:
            assert text.endswith(f"= {shape[-1]}")


@pytest.mark.parametrize("cls", [ConsignaClassifier, RaschkaClassifier])
def test_classifier_traces_end_in_ten_logits_and_restore_mode(cls):
    model = cls().train()
    table = trace_shapes(model)
    assert table["output shape"].iloc[-1] == (10,)
    assert table["parameters"].sum() == sum(p.numel() for p in model.parameters())
    assert model.training


def test_a_size_error_speaks_the_notebooks_language():
    """The same impossible layer, refused in English and, in a notebook of es/notebooks, in
    Spanish, with the same numbers."""
    with pytest.raises(ValueError, match=r"^the kernel spans 7 pixels .* = 4: the output would"):
        conv_output_size(4, 7)
    with speaking("es"), pytest.raises(ValueError, match=r"^el núcleo abarca 7 píxeles, .* = 4"):
        conv_output_size(4, 7)
    with (
        speaking("es"),
        pytest.raises(ValueError, match=r"^output_padding=2 debe ser menor que el"),
    ):
        conv_transpose_output_size(7, 3, stride=2, output_padding=2)
    with speaking("es"), pytest.raises(ValueError, match=r"^la ventana de agrupamiento abarca 3"):
        pool_output_size(1, 3, stride=1)


def test_the_layer_table_speaks_the_notebooks_language():
    """In a notebook of es/notebooks the table's headings (and a formula's words) are Spanish,
    with the same numbers; code that reads a column asks for the English ones."""
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.MaxPool2d(2, 2, padding=1, ceil_mode=True))
    english = trace_shapes(model, (1, 5, 5))
    with speaking("es"):
        spanish = trace_shapes(model, (1, 5, 5))
        assert trace_shapes(model, (1, 5, 5), lang="en").equals(english)
    assert spanish.index.name == "capa"
    assert list(spanish.columns) == [
        "tipo", "forma de salida", "parámetros", "multiplicaciones-sumas", "fórmula"
    ]  # fmt: skip
    assert spanish["multiplicaciones-sumas"].tolist() == english["multiply-adds"].tolist()
    assert english["formula"].iloc[1].endswith("- 1 (a last window starting in the padding is "
                                               "dropped) = 2")  # fmt: skip
    assert spanish["fórmula"].iloc[1].endswith("- 1 (se descarta una última ventana que empieza "
                                               "en el relleno) = 2")  # fmt: skip
