"""Gradient tracking, the instrument of chapter 6."""

import pytest

from fmnist_lib.diagnostics import track_gradients
from fmnist_lib.models import DeepMLP
from fmnist_lib.training import seed_everything


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


def test_bad_step_counts_are_refused(small_splits):
    with pytest.raises(ValueError, match="steps and every"):
        track_gradients(DeepMLP(depth=1), small_splits.train, "classification", steps=0)


def test_dead_units_are_those_zero_on_every_image(small_splits):
    import torch
    from torch import nn

    from fmnist_lib.diagnostics import dead_units

    linear = nn.Linear(784, 4)
    with torch.no_grad():
        linear.weight.zero_()
        linear.bias.copy_(torch.tensor([-1.0, 1.0, -5.0, 0.5]))
        linear.weight[3, 400] = -10.0  # unit 3: alive on images dark at pixel 400, dead elsewhere
    model = nn.Sequential(nn.Flatten(), linear, nn.ReLU())
    table = dead_units(model.train(), small_splits.test)
    assert table.loc["2", "units"] == 4 and table.loc["2", "dead"] == 2
    assert model.training  # its mode is restored


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
