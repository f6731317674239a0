"""Receptive fields: the recurrence (``receptive_fields``) against hand computations and against
autograd's footprint on a linearised copy (``gradient_footprint``)."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from fmnist_lib.arithmetic import (
    ReceptiveField,
    ReceptiveFieldError,
    gradient_footprint,
    receptive_field_by_gradient,
    receptive_field_table,
    receptive_fields,
)
from fmnist_lib.errors import FmnistError
from fmnist_lib.models import (
    ConsignaAutoencoder,
    consigna_encoder,
    raschka_encoder,
    raschka_pool_encoder,
)
from fmnist_lib.wording import speaking


def conv(k: int = 3, s: int = 1, p: int = 0, d: int = 1) -> nn.Conv2d:
    return nn.Conv2d(1, 1, kernel_size=k, stride=s, padding=p, dilation=d)


def fields(*layers: nn.Module, hw: tuple[int, int] = (28, 28)) -> list[tuple[int, int, float]]:
    """(r, j, start) of every row that is not the whole-image marker."""
    return [(f.size, f.jump, f.start) for f in receptive_fields(nn.Sequential(*layers), hw)]


# --------------------------------------------------------------------------- by hand
@pytest.mark.parametrize(
    ("layers", "expected"),
    [
        # r = 1 + (3-1)*1 = 3; j = 1; start = 0 + (1 - 0)*1 = 1 (the first 3x3 window: 0, 1, 2)
        ([conv()], [(3, 1, 1.0)]),
        # second conv: r = 3 + 2*1 = 5, start = 1 + 1 = 2
        ([conv(), conv()], [(3, 1, 1.0), (5, 1, 2.0)]),
        # stride 2 first: j = 2, so the next 3x3 adds 2*2: r = 3 + 4 = 7, start = 1 + 1*2 = 3
        ([conv(s=2), conv()], [(3, 2, 1.0), (7, 2, 3.0)]),
        # pool 2: r = 2, j = 2, start = 0.5; then 3x3: r = 2 + 2*2 = 6, start = 0.5 + 2 = 2.5
        ([nn.MaxPool2d(2), conv()], [(2, 2, 0.5), (6, 2, 2.5)]),
        # padding 1 centres the first unit on pixel 0: start = 0 + (1 - 1)*1 = 0
        ([conv(p=1)], [(3, 1, 0.0)]),
        # dilation 2: taps 2 apart, r = 1 + 2*2 = 5, start = 2; then 3x3: r = 5 + 2 = 7
        ([conv(d=2), conv()], [(5, 1, 2.0), (7, 1, 3.0)]),
        # 'same' pads 1 before the first pixel for k=3: start 0; AvgPool2d(3, 2, 1): r = 3 + 2
        ([nn.Conv2d(1, 1, 3, padding="same"), nn.AvgPool2d(3, 2, 1)], [(3, 1, 0.0), (5, 2, 0.0)]),
    ],
)
def test_the_recurrence_by_hand(layers, expected):
    assert fields(*layers) == expected


def test_activations_dropout_and_batch_norm_pass_the_field_through():
    plain = fields(conv(), nn.MaxPool2d(2), conv())
    busy = fields(
        conv(), nn.BatchNorm2d(1), nn.ReLU(), nn.Dropout(0.5), nn.MaxPool2d(2), nn.Tanh(), conv()
    )
    assert busy == plain == [(3, 1, 1.0), (4, 2, 1.5), (8, 2, 3.5)]


def test_flatten_and_linear_end_the_list_with_a_whole_image_row():
    rows = receptive_fields(
        nn.Sequential(conv(), nn.Flatten(), nn.Linear(676, 4), nn.ConvTranspose2d(1, 1, 3))
    )
    assert [r.whole_image for r in rows] == [False, True]
    whole = rows[-1]
    assert (whole.index, whole.layer, whole.output_hw) == (1, "Flatten", None)
    assert (whole.size, whole.jump, whole.start, whole.span(0)) == (28, 0, 13.5, (0, 27))
    # a feed-forward net sees the whole image from its first layer
    assert [r.whole_image for r in receptive_fields(nn.Sequential(nn.Linear(784, 2)))] == [True]


def test_output_sizes_follow_the_size_formulas():
    rows = receptive_fields(
        nn.Sequential(conv(), nn.MaxPool2d(2), nn.MaxPool2d(2, ceil_mode=True)), (28, 20)
    )
    assert [r.output_hw for r in rows] == [(26, 18), (13, 9), (7, 5)]


def test_span_counts_padding_as_part_of_the_field():
    first = receptive_fields(nn.Sequential(conv(p=1)))[0]
    assert first.span(0) == (-1, 1) and first.span(5) == (4, 6)


# --------------------------------------------------------------------------- refusals
@pytest.mark.parametrize(
    "layer",
    [
        nn.Conv2d(1, 1, kernel_size=(3, 5)),
        nn.Conv2d(1, 1, 3, stride=(1, 2)),
        nn.Conv2d(1, 1, 3, padding=(0, 1)),
        nn.MaxPool2d((2, 3)),
    ],
)
def test_a_non_square_layer_is_refused_in_one_line(layer):
    with pytest.raises(ReceptiveFieldError, match="square") as error:
        receptive_fields(nn.Sequential(conv(), layer))
    assert isinstance(error.value, FmnistError) and isinstance(error.value, ValueError)
    assert "\n" not in str(error.value) and "layer 1" in str(error.value)


@pytest.mark.parametrize("layer", [nn.ConvTranspose2d(1, 1, 3), nn.Upsample(scale_factor=2)])
def test_an_unknown_spatial_layer_is_refused(layer):
    with pytest.raises(ReceptiveFieldError, match="Conv2d, MaxPool2d, AvgPool2d"):
        receptive_fields(nn.Sequential(conv(), layer))


@pytest.mark.parametrize("index", [1, 2, 3, -1])
def test_the_gradient_check_measures_only_conv_and_pooling_layers(index):
    model = nn.Sequential(conv(), nn.ReLU(), nn.Flatten())
    with pytest.raises(ReceptiveFieldError, match="layer_index"):
        gradient_footprint(model, index)


def test_the_gradient_check_refuses_dilated_max_pooling():
    with pytest.raises(ReceptiveFieldError, match="dilated max pooling"):
        gradient_footprint(nn.Sequential(nn.MaxPool2d(2, dilation=2)), 0)


# --------------------------------------------------------------------------- the gradient check
def test_the_gradient_footprint_of_small_stacks():
    assert receptive_field_by_gradient(nn.Sequential(conv()), 0) == (3, 3)
    assert receptive_field_by_gradient(nn.Sequential(conv(), conv()), 1) == (5, 5)
    assert receptive_field_by_gradient(nn.Sequential(conv(s=2), nn.ReLU(), conv()), 2) == (7, 7)
    assert receptive_field_by_gradient(nn.Sequential(nn.MaxPool2d(2), conv()), 1) == (6, 6)


def test_max_pooling_alone_would_hide_the_field_and_the_linearised_copy_does_not():
    """Why the copy: the real max pooling's gradient reaches one pixel of its 2x2 window."""
    x = torch.rand(1, 1, 28, 28, requires_grad=True)
    (grad,) = torch.autograd.grad(nn.MaxPool2d(2)(x)[0, 0, 7, 7], x)
    assert int((grad != 0).sum()) == 1
    assert receptive_field_by_gradient(nn.Sequential(nn.MaxPool2d(2)), 0) == (2, 2)


def test_a_batch_norm_that_zeroes_its_channel_does_not_hide_the_field():
    norm = nn.BatchNorm2d(1).eval()
    with torch.no_grad():
        norm.weight.zero_()  # the real layer passes no gradient at all
    assert receptive_field_by_gradient(nn.Sequential(conv(), norm, conv()), 2) == (5, 5)


def test_a_border_unit_is_clipped_to_the_image():
    rf = receptive_fields(raschka_encoder(10, 0.5))[-2]  # the last conv: r = 17, start 0
    assert rf.span(0) == (-8, 8)
    assert gradient_footprint(raschka_encoder(10, 0.5), rf.index, unit=(0, 6)) == (
        (0, 8),
        (16, 27),  # unit 6: centre 24, span (16, 32) clipped to 27
    )


def test_the_gradient_check_leaves_the_model_as_it_was():
    model = consigna_encoder(10, 0.5).train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    gradient_footprint(model, 4)
    assert model.training
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert all(p.grad is None for p in model.parameters())


# --------------------------------------------------------------------------- the course's encoders
#: By hand, (index, r, j, start, output size) of each conv/pool layer; see each line's sum.
ENCODERS = {
    "consigna": (
        consigna_encoder,
        [
            (0, 3, 1, 1.0, 26),  # conv 3: r = 1 + 2
            (3, 4, 2, 1.5, 13),  # pool 2: r = 3 + 1*1, start = 1 + 0.5
            (4, 8, 2, 3.5, 11),  # conv 3: r = 4 + 2*2, start = 1.5 + 1*2
            (7, 10, 4, 4.5, 5),  # pool 2: r = 8 + 1*2, start = 3.5 + 0.5*2
        ],
        8,  # Flatten
    ),
    "raschka": (
        raschka_encoder,
        [
            (0, 3, 1, 0.0, 28),  # conv 3, p 1: r = 1 + 2, start = 0 + (1 - 1)
            (3, 5, 2, 0.0, 14),  # conv 3, s 2: r = 3 + 2*1
            (6, 9, 4, 0.0, 7),  # conv 3, s 2: r = 5 + 2*2
            (9, 17, 4, 0.0, 7),  # conv 3: r = 9 + 2*4
        ],
        10,
    ),
    "raschka-pool": (
        raschka_pool_encoder,
        [
            (0, 3, 1, 0.0, 28),
            (2, 5, 1, 0.0, 28),  # conv 3: r = 3 + 2*1
            (4, 6, 2, 0.5, 14),  # pool 2: r = 5 + 1*1, start = 0 + 0.5
            (5, 10, 2, 0.5, 14),  # conv 3, p 1: r = 6 + 2*2, start unchanged
            (7, 12, 4, 1.5, 7),  # pool 2: r = 10 + 1*2, start = 0.5 + 0.5*2
            (8, 20, 4, 1.5, 7),  # conv 3: r = 12 + 2*4
        ],
        9,
    ),
}


@pytest.mark.parametrize("name", sorted(ENCODERS))
def test_the_encoders_fields_by_hand(name):
    build, expected, flatten = ENCODERS[name]
    rows = receptive_fields(build(10, 0.5))
    assert [(r.index, r.size, r.jump, r.start, r.output_hw) for r in rows[:-1]] == [
        (i, r, j, s, (n, n)) for i, r, j, s, n in expected
    ]
    assert rows[-1].whole_image and rows[-1].index == flatten


@pytest.mark.parametrize("name", sorted(ENCODERS))
def test_the_encoders_fields_agree_with_the_gradient(name):
    build = ENCODERS[name][0]
    model = build(10, 0.5)
    for rf in receptive_fields(model)[:-1]:
        assert rf.output_hw is not None
        middle = rf.output_hw[0] // 2
        span = rf.span(middle)
        assert span[0] >= 0 and span[1] < 28, "choose a unit whose field lies inside the image"
        (top, bottom), (left, right) = gradient_footprint(model, rf.index)
        assert (top, bottom) == (left, right) == span
        assert receptive_field_by_gradient(model, rf.index) == (rf.size, rf.size)
        assert (top + bottom) / 2 == rf.start + middle * rf.jump  # the centre of the unit


def test_classifier_encoders_and_whole_models_have_the_same_fields():
    def rfs(model):
        return [(r.size, r.jump, r.start, r.output_hw) for r in receptive_fields(model)]

    assert rfs(consigna_encoder(10, 0.5, classifier=True)) == rfs(consigna_encoder(10, 0.5))
    assert rfs(raschka_encoder(10, 0.5, classifier=True)) == rfs(raschka_encoder(10, 0.5))
    whole = receptive_fields(ConsignaAutoencoder(hidden_size=10))  # decoder never reached
    assert [r.name for r in whole] == [f"encoder.{i}" for i in (0, 3, 4, 7, 8)]
    assert rfs(ConsignaAutoencoder(hidden_size=10)) == rfs(consigna_encoder(10, 0.0))


def test_the_table():
    table = receptive_field_table(consigna_encoder(10, 0.5), measure=True)
    assert list(table.columns) == [
        "type",
        "output size",
        "receptive field",
        "jump",
        "start",
        "measured",
    ]
    assert list(table.index) == ["0", "3", "4", "7", "8"]
    assert list(table["receptive field"]) == ["3x3", "4x4", "8x8", "10x10", "whole image (28x28)"]
    assert list(table["measured"]) == ["3x3", "4x4", "8x8", "10x10", "-"]
    assert list(table["output size"]) == ["26x26", "13x13", "11x11", "5x5", "flat"]
    assert list(table["start"]) == ["1", "1.5", "3.5", "4.5", "-"]  # the first pixel's centre
    assert table.loc["4", "type"] == "Conv2d(16 -> 32, k=3, s=1, p=0)"
    assert "measured" not in receptive_field_table(consigna_encoder(10, 0.5)).columns


def test_the_table_speaks_the_notebooks_language():
    """A notebook of es/notebooks (``speaking``) gets the same table with Spanish headings and
    words; the English one is as above."""
    english = receptive_field_table(consigna_encoder(10, 0.5), measure=True)
    with speaking("es"):
        spanish = receptive_field_table(consigna_encoder(10, 0.5), measure=True)
    assert english.index.name == "layer"
    assert spanish.index.name == "capa"
    assert list(spanish.columns) == [
        "tipo", "tamaño de salida", "campo receptivo", "salto", "inicio", "medido"
    ]  # fmt: skip
    assert list(spanish["campo receptivo"])[-1] == "imagen entera (28x28)"
    assert list(spanish["tamaño de salida"])[-1] == "plano"
    assert list(spanish["inicio"]) == ["1", "1,5", "3,5", "4,5", "-"]  # a decimal comma
    same = spanish.drop(columns="inicio").iloc[:-1].to_numpy().tolist()
    assert same == english.drop(columns="start").iloc[:-1].to_numpy().tolist()


# --------------------------------------------------------------------------- any stack
LAYER = st.one_of(
    st.builds(
        lambda k, s, p, d: ("conv", k, s, min(p, k - 1), d),
        st.integers(1, 5),
        st.integers(1, 3),
        st.integers(0, 2),
        st.integers(1, 2),
    ),
    st.builds(
        lambda kind, k, s, p, ceil: (kind, k, s, min(p, k // 2), ceil),
        st.sampled_from(["max", "avg"]),
        st.integers(1, 3),
        st.integers(1, 3),
        st.integers(0, 1),
        st.booleans(),
    ),
)


def _build(spec: tuple) -> nn.Module:
    kind, k, s, p, extra = spec
    if kind == "conv":
        return nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=extra)
    pool = nn.MaxPool2d if kind == "max" else nn.AvgPool2d
    return pool(k, stride=s, padding=p, ceil_mode=extra)


@settings(max_examples=60, deadline=None)
@given(specs=st.lists(LAYER, min_size=1, max_size=4))
def test_any_stack_agrees_with_the_gradient_of_its_middle_unit(specs):
    model = nn.Sequential(*[_build(spec) for spec in specs])
    try:
        rows = receptive_fields(model, (40, 40))
    except ValueError:  # the map became empty: nothing to measure
        return
    out = model(torch.zeros(1, 1, 40, 40))
    rf: ReceptiveField = rows[-1]
    assert rf.output_hw == tuple(out.shape[-2:])  # the sizes PyTorch produces
    middle = rf.output_hw[0] // 2
    first, last = rf.span(middle)
    try:
        measured = gradient_footprint(model, rf.index, (40, 40))[0]
    except ReceptiveFieldError:  # every tap on padding: only a field that reaches past the image
        assert first < 0 or last >= 40
        return
    if first >= 0 and last < 40:
        assert measured == (first, last)
    else:  # part of the field is padding: what the image holds of it
        assert max(first, 0) <= measured[0] <= measured[1] <= min(last, 39)


def test_a_unit_whose_taps_all_land_on_padding_is_a_one_line_error():
    """Strides 2 and 3, then dilated kernels: the middle unit of the last layer reaches past the
    image, and each of its taps lands on padding (a case hypothesis found)."""
    model = nn.Sequential(*[_build(spec) for spec in [
        ("conv", 1, 2, 0, 1), ("conv", 1, 3, 0, 1), ("conv", 4, 1, 0, 2), ("conv", 2, 1, 1, 2)
    ]])  # fmt: skip
    rf = receptive_fields(model, (40, 40))[-1]
    with pytest.raises(ReceptiveFieldError, match="every tap of its field lands on padding"):
        gradient_footprint(model, rf.index, (40, 40))
