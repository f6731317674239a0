import pytest
import torch
from torch import nn

from fmnist_lib.errors import SettingsError
from fmnist_lib.models import (
    ConsignaAutoencoder,
    ConsignaClassifier,
    DeepMLP,
    FeedForwardAutoencoder,
    RaschkaAutoencoder,
    RaschkaClassifier,
    TransferError,
    Trim,
    build_model,
    freeze,
    init_weights,
    transfer_encoder,
)
from fmnist_lib.wording import speaking

AUTOENCODERS = [FeedForwardAutoencoder, ConsignaAutoencoder, RaschkaAutoencoder]


@pytest.mark.parametrize("cls", AUTOENCODERS)
def test_autoencoders_reconstruct_images_in_unit_range(cls, small_splits):
    model = cls().train()
    x = small_splits.val.floats()[:16]
    out = model(x)
    assert out.shape == (16, 1, 28, 28)
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert torch.equal(model.eval()(x), model.decoder(model.encoder(x)))


@pytest.mark.parametrize(
    "cls, hidden",
    [(FeedForwardAutoencoder, 512), (ConsignaAutoencoder, 128), (RaschkaAutoencoder, 64)],
)
def test_encoder_outputs_the_hidden_size(cls, hidden):
    assert cls(hidden_size=hidden).encoder(torch.zeros(2, 1, 28, 28)).shape == (2, hidden)


def test_consigna_decoder_ends_in_sigmoid_without_dropout():
    """The paper's listing had Dropout after the final Sigmoid: it would zero output pixels."""
    decoder = ConsignaAutoencoder(dropout=0.5).decoder
    assert isinstance(decoder[-1], nn.Sigmoid)
    decoder.train()
    out = decoder(torch.randn(64, 128))
    assert (out > 0).all() and (out < 1).all()


@pytest.mark.parametrize("cls", [ConsignaClassifier, RaschkaClassifier])
def test_classifiers_have_one_dropout_right_after_flatten(cls):
    model = cls()
    layers = list(model.encoder)
    dropouts = [i for i, m in enumerate(layers) if isinstance(m, nn.Dropout)]
    assert len(dropouts) == 1 and isinstance(layers[dropouts[0] - 1], nn.Flatten)
    assert layers[dropouts[0]].p == 0.8
    logits = model(torch.rand(5, 1, 28, 28))
    assert logits.shape == (5, 10)
    assert not torch.allclose(
        logits.softmax(1).sum(1), logits.sum(1)
    )  # raw logits, not probabilities


def test_trim_crops_and_refuses_small_inputs():
    assert Trim()(torch.zeros(1, 1, 29, 29)).shape == (1, 1, 28, 28)
    with pytest.raises(ValueError, match="at least"):
        Trim()(torch.zeros(1, 1, 27, 29))


@pytest.mark.parametrize("cls", [*AUTOENCODERS, ConsignaClassifier, RaschkaClassifier, DeepMLP])
@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"dropout": 1.0}, r"dropout must be a number in \[0, 1\) .*, got 1.0"),
        ({"dropout": -0.1}, r"dropout must be a number in \[0, 1\) .*, got -0.1"),
        ({"dropout": float("nan")}, r"dropout must be a number in \[0, 1\) .*, got nan"),
        ({"hidden_size": 0}, "hidden_size must be an int >= 1, got 0"),
        ({"hidden_size": 64.0}, "hidden_size must be an int >= 1, got 64.0"),
        ({"hidden_size": True}, "hidden_size must be an int >= 1, got True"),
    ],
)
def test_bad_hyperparameters_are_refused(cls, kwargs, message):
    with pytest.raises(SettingsError, match=f"^{message}$"):
        cls(**kwargs)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"depth": 0}, "depth must be an int >= 1, got 0"),
        ({"activation": "gelu"}, "activation must be one of .*, got 'gelu'"),
    ],
)
def test_the_deep_mlps_bad_settings_are_refused(kwargs, message):
    with pytest.raises(SettingsError, match=f"^{message}$"):
        DeepMLP(**kwargs)


def test_bad_initialisations_are_refused():
    with pytest.raises(SettingsError, match=r"^scheme must be one of .*, got 'xavier'$"):
        init_weights(DeepMLP(depth=1), "xavier")
    with pytest.raises(SettingsError, match=r"^gain must be a finite number > 0, got 0$"):
        init_weights(DeepMLP(depth=1), "he", gain=0)


def test_build_model_by_name():
    assert isinstance(build_model("RaschkaAutoencoder", hidden_size=64), RaschkaAutoencoder)
    with pytest.raises(SettingsError, match="unknown model"):
        build_model("Resnet")


def test_transfer_copies_every_encoder_tensor():
    source, target = ConsignaAutoencoder(hidden_size=128), ConsignaClassifier(hidden_size=128)
    report = transfer_encoder(source, target)
    assert len(report.copied) == 6 and not report.refused
    src = [p for p in source.encoder.parameters()]
    dst = [p for p in target.encoder.parameters()]
    assert all(torch.equal(a, b) for a, b in zip(src, dst, strict=True))


def test_transfer_refuses_n10_from_n128_and_copies_nothing():
    source, target = ConsignaAutoencoder(hidden_size=128), ConsignaClassifier(hidden_size=10)
    before = [p.clone() for p in target.parameters()]
    with pytest.raises(
        TransferError, match=r"Linear\(800 -> 128\) cannot go into Linear\(800 -> 10\)"
    ):
        transfer_encoder(source, target)
    assert all(torch.equal(a, b) for a, b in zip(before, target.parameters(), strict=True))


def test_partial_transfer_copies_the_convolutions_only():
    source, target = ConsignaAutoencoder(hidden_size=128), ConsignaClassifier(hidden_size=10)
    fresh_linear = target.encoder[-2].weight.clone()
    report = transfer_encoder(source, target, allow_partial=True)
    assert report.copied == [
        "encoder.0.weight",
        "encoder.0.bias",
        "encoder.3.weight",
        "encoder.3.bias",
    ]
    assert len(report.refused) == 1 and "refused" in str(report)
    assert torch.equal(target.encoder[0].weight, source.encoder[0].weight)
    assert torch.equal(target.encoder[-2].weight, fresh_linear)


def test_transfer_speaks_the_notebooks_language():
    """In a notebook of es/notebooks the report and the refusal are Spanish, with the same
    layers; in English as above."""
    source, target = ConsignaAutoencoder(hidden_size=128), ConsignaClassifier(hidden_size=10)
    assert str(transfer_encoder(source, target, allow_partial=True)).startswith("copied 4 tensors")
    with speaking("es"):
        report = str(transfer_encoder(source, target, allow_partial=True))
        with pytest.raises(TransferError, match=r"^no se puede copiar el codificador entero: enc"):
            transfer_encoder(source, target)
    assert report.splitlines() == [
        "se copiaron 4 tensores: encoder.0.weight, encoder.0.bias, encoder.3.weight, "
        "encoder.3.bias",
        "rechazada: encoder.8: Linear(800 -> 128) no cabe en Linear(800 -> 10)",
    ]


def test_transfer_between_different_architectures_is_refused():
    with pytest.raises(TransferError):
        transfer_encoder(RaschkaAutoencoder(), ConsignaClassifier(hidden_size=128))


def test_freeze_stops_gradients_into_the_encoder():
    model = ConsignaClassifier(hidden_size=128)
    freeze(model.encoder)
    model(torch.rand(4, 1, 28, 28)).sum().backward()
    assert all(p.grad is None for p in model.encoder.parameters())
    assert model.head.weight.grad is not None


def test_a_frozen_part_stays_in_eval_mode_while_the_rest_trains():
    from fmnist_lib.models import freeze

    torch.manual_seed(0)
    model = ConsignaClassifier(hidden_size=128, dropout=0.8)
    x = torch.rand(8, 1, 28, 28)
    model.train()
    assert not torch.equal(model.encoder(x), model.encoder(x))  # dropout on: outputs differ
    freeze(model.encoder)
    model.train()
    assert model.training and model.head.training and not model.encoder.training
    assert torch.equal(model.encoder(x), model.encoder(x))  # frozen: dropout off, as at test time
    assert all(not p.requires_grad for p in model.encoder.parameters())
    assert all(p.requires_grad for p in model.head.parameters())  # the head alone learns
    model.eval()
    model.train()  # and stays frozen through another round of train()
    assert model.head.training and not model.encoder.training


def test_the_pooling_variant_keeps_weights_and_feature_map_sizes():
    from fmnist_lib.arithmetic import trace_shapes
    from fmnist_lib.models import RaschkaPoolClassifier

    pooled, strided = RaschkaPoolClassifier(), RaschkaClassifier()
    shapes = {n: p.shape for n, p in pooled.named_parameters()}
    assert sorted(shapes.values()) == sorted(p.shape for p in strided.parameters())
    conv_out = [
        s
        for t, s in zip(
            trace_shapes(pooled)["type"], trace_shapes(pooled)["output shape"], strict=True
        )
        if t == "MaxPool2d"
    ]
    assert conv_out == [(64, 14, 14), (64, 7, 7)]
    assert pooled(torch.rand(2, 1, 28, 28)).shape == (2, 10)


def test_freezing_a_slice_keeps_its_dropout_off_when_the_model_trains():
    """``freeze(model.encoder[:8])`` fixes the layers the slice holds: after ``model.train()``
    the Dropout(0.8) at ``encoder[7]`` stays in eval mode, and the layers after the slice
    train."""
    model = ConsignaClassifier()
    freeze(model.encoder[:8])
    model.train()
    assert not model.encoder[7].training and not model.encoder[0].training
    assert model.encoder[8].training and model.encoder[8].weight.requires_grad
    x = torch.rand(4, 1, 28, 28)
    assert torch.equal(model.encoder[:8](x), model.encoder[:8](x))  # no dropout: deterministic
