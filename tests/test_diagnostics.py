"""Gradient tracking, the instrument of chapter 6."""

import pytest

from fmnist_lib.diagnostics import track_gradients
from fmnist_lib.errors import SettingsError
from fmnist_lib.models import DeepMLP
from fmnist_lib.training import seed_everything


@pytest.mark.slow
def test_track_gradients_records_every_layer_at_the_chosen_steps(small_splits):
    seed_everything(0)
    model = DeepMLP(depth=4, hidden_size=16, activation="relu")
    table = track_gradients(model, small_splits.train, "classification", steps=20, every=5)
    assert sorted(table["step"].unique()) == [1, 5, 10, 15, 20]
    layers = table[table["step"] == 20]
    assert layers["depth"].tolist() == [1, 2, 3, 4, 5]  # four hidden layers and the head
    assert layers["layer"].tolist() == ["encoder.1", "encoder.3", "encoder.5", "encoder.7", "head"]
    assert (table["grad_norm"] > 0).all()


def test_a_deep_sigmoid_net_passes_less_gradient_to_its_first_layer(small_splits):
    seed_everything(0)
    table = track_gradients(
        DeepMLP(depth=8, hidden_size=32, activation="sigmoid"),
        small_splits.train,
        "classification",
        steps=1,
        every=1,
        optimizer="sgd",
        lr=0.01,
    )
    norms = table.set_index("depth")["grad_norm"]
    assert norms[1] < norms[8] / 100  # vanishing: orders of magnitude smaller near the input


def test_bad_step_counts_and_settings_are_refused(small_splits):
    with pytest.raises(SettingsError, match="steps, every and sharpness_every"):
        track_gradients(DeepMLP(depth=1), small_splits.train, "classification", steps=0)
    with pytest.raises(SettingsError, match=r"^lr must be a finite number > 0, got 0$"):
        track_gradients(DeepMLP(depth=1), small_splits.train, "classification", lr=0)
    with pytest.raises(SettingsError, match=r"^optimizer must be one of \['adam', 'sgd'\]"):
        track_gradients(DeepMLP(depth=1), small_splits.train, "classification", optimizer="rms")


def test_dead_units_are_those_zero_on_every_image(small_splits):
    import torch
    from torch import nn

    from fmnist_lib.diagnostics import dead_units
    from fmnist_lib.wording import speaking

    linear = nn.Linear(784, 4)
    with torch.no_grad():
        linear.weight.zero_()
        linear.bias.copy_(torch.tensor([-1.0, 1.0, -5.0, 0.5]))
        linear.weight[3, 400] = -10.0  # unit 3: alive on images dark at pixel 400, dead elsewhere
    model = nn.Sequential(nn.Flatten(), linear, nn.ReLU())
    table = dead_units(model.train(), small_splits.test)
    assert table.loc["2", "units"] == 4 and table.loc["2", "dead"] == 2
    assert model.training  # its mode is restored
    leaky = nn.Sequential(nn.Flatten(), linear, nn.LeakyReLU(0.01))
    assert dead_units(leaky, small_splits.test).loc["2", "dead"] == 2  # never positive
    with speaking("es"):  # a notebook of es/notebooks: Spanish headings, the same counts
        spanish = dead_units(model, small_splits.test)
    assert spanish.index.name == "capa" and spanish.loc["2", "muertas"] == 2
    assert spanish.loc["2", "unidades"] == 4


def test_the_error_map_averages_to_the_mse(small_splits):
    import torch

    from fmnist_lib.diagnostics import error_map
    from fmnist_lib.evaluation import evaluate
    from fmnist_lib.models import ConsignaAutoencoder

    torch.manual_seed(0)
    model = ConsignaAutoencoder()
    errors = error_map(model, small_splits.val)
    assert errors.shape == (28, 28) and (errors >= 0).all()
    expected = evaluate(model, small_splits.val, "reconstruction")["loss"]
    assert float(errors.mean()) == pytest.approx(expected, rel=1e-5)


def test_the_mse_by_class_weights_back_to_the_mse(small_splits):
    import torch

    from fmnist_lib.evaluation import evaluate, mse_by_class
    from fmnist_lib.models import FeedForwardAutoencoder

    torch.manual_seed(0)
    model = FeedForwardAutoencoder(hidden_size=16)
    per_class = mse_by_class(model, small_splits.val)
    counts = torch.bincount(small_splits.val.labels, minlength=10).tolist()
    weighted = sum(m * n for m, n in zip(per_class, counts, strict=True)) / sum(counts)
    expected = evaluate(model, small_splits.val, "reconstruction")["loss"]
    assert weighted == pytest.approx(expected, rel=1e-5)
    assert len(set(per_class)) == 10  # the classes differ
    threes = small_splits.val.subset((small_splits.val.labels == 3).nonzero().flatten())
    only = mse_by_class(model, threes)
    assert only[3] == pytest.approx(per_class[3])
    assert all(m != m for k, m in enumerate(only) if k != 3)  # nan: no image of that class


def test_init_weights_draws_the_schemes_spread_and_zero_biases():
    import torch

    from fmnist_lib.models import init_weights

    torch.manual_seed(0)
    model = DeepMLP(depth=2, hidden_size=400, activation="relu")
    init_weights(model, "he", gain=1.5)
    first = model.encoder[1]
    assert float(first.weight.detach().std()) == pytest.approx(1.5 * (2 / 784) ** 0.5, rel=0.02)
    assert float(first.bias.detach().abs().max()) == 0.0
    init_weights(model, "glorot")
    assert float(model.head.weight.detach().std()) == pytest.approx((2 / 410) ** 0.5, rel=0.05)
    with pytest.raises(SettingsError, match="scheme must be one of"):
        init_weights(model, "xavier")


def test_sharpness_is_the_top_hessian_eigenvalue_of_a_quadratic(small_splits):
    """A linear map trained to reproduce its input with the MSE: the loss is a quadratic in the
    weights with Hessian blocks (2 / (N * 784)) X^T X, whose top eigenvalue numpy computes."""
    import torch
    from torch import nn

    from fmnist_lib.data import Batches
    from fmnist_lib.diagnostics import sharpness

    x, y = next(iter(Batches(small_splits.train, 100)))
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Flatten(), nn.Linear(784, 784, bias=False), nn.Unflatten(1, (1, 28, 28))
    )
    flat = x.flatten(1).double()
    expected = 2 / flat.numel() * torch.linalg.eigvalsh(flat.T @ flat).max().item()
    assert sharpness(model, x, y, "reconstruction", iterations=30) == pytest.approx(
        expected, rel=1e-3
    )


def test_power_iteration_finds_the_top_eigenvalue_when_a_negative_one_is_larger():
    import torch

    from fmnist_lib.diagnostics import _hessian_top

    matrix = torch.diag(torch.tensor([-5.0, 1.0, 2.0], dtype=torch.float64))
    start = [torch.ones(3, dtype=torch.float64)]
    top = _hessian_top(lambda v: [matrix @ v[0]], start, 200, shift=0.0)
    assert top == pytest.approx(-5.0)  # plain power iteration: the largest in size
    assert _hessian_top(lambda v: [matrix @ v[0]], start, 200, shift=5.0) == pytest.approx(2.0)


@pytest.mark.parametrize(("gain", "grows"), [(0.5, False), (2.5, True)])
def test_the_signal_profile_shows_the_initial_scale(small_splits, gain, grows):
    import torch

    from fmnist_lib.diagnostics import signal_profile
    from fmnist_lib.models import init_weights

    torch.manual_seed(0)
    model = init_weights(DeepMLP(depth=12, hidden_size=128, activation="tanh"), "lecun", gain)
    profile = signal_profile(model, small_splits.train, "classification")
    assert profile["depth"].tolist() == list(range(1, 14))
    assert profile.index[-1] == "head"
    assert profile["activation_std"].isna().tolist() == [False] * 12 + [True]
    first, head = profile["grad_norm"].iloc[0], profile["grad_norm"].iloc[-1]
    spread = profile["activation_std"]
    if grows:  # tanh saturates, so the forward signal stays bounded; the backward one grows
        assert first > 10 * head and spread.iloc[11] < 1
    else:  # the forward signal dies out layer after layer, and every gradient with it
        assert spread.iloc[11] < spread.iloc[0] / 100 and first < 1e-2
    assert all(p.grad is None for p in model.parameters())  # nothing left behind


def test_update_norms_are_the_steps_taken_and_clipping_bounds_them(small_splits):
    import math

    seed_everything(0)
    plain = track_gradients(
        DeepMLP(depth=3, hidden_size=32), small_splits.train, "classification",
        steps=4, every=2, optimizer="sgd", lr=0.1, sharpness_every=2,
    )  # fmt: skip
    assert plain["update_norm"].to_numpy() == pytest.approx(
        0.1 * plain["grad_norm"].to_numpy(), rel=1e-4
    )
    assert set(plain["step"]) == {1, 2, 4} and plain["sharpness"].notna().all()
    seed_everything(0)
    clipped = track_gradients(
        DeepMLP(depth=3, hidden_size=32), small_splits.train, "classification",
        steps=4, every=1, optimizer="sgd", lr=0.1, clip=1e-3,
    )  # fmt: skip
    per_step = clipped.groupby("step")["update_norm"].apply(lambda u: math.sqrt((u**2).sum()))
    assert (per_step <= 0.1 * 1e-3 * (1 + 1e-5)).all()
