"""Which experiments pair their seeds, checked in the code that draws them: the registry's
``paired`` (the same split and batch size) must mean that seed k of each sees the same batches
and that layers built alike start alike; and the frozen classifier's dropout never acts."""

from dataclasses import asdict

import pytest
import torch
from torch import nn

from fmnist_lib.data import Batches, ImageSet
from fmnist_lib.experiments.registry import EXPERIMENTS, get_experiment, paired, seeds_pair
from fmnist_lib.models import encoder_of, freeze
from fmnist_lib.reproduction import verdicts
from fmnist_lib.training import seed_everything


def _start(name: str, seed: int) -> nn.Module:
    """Seed k's freshly drawn model of an experiment, as a run draws it."""
    seed_everything(seed)
    return get_experiment(name).new_model()


def _batches(name: str, seed: int, n: int = 200) -> list[list[int]]:
    """The labels of seed k's first epoch of batches (the labels number the images)."""
    images = torch.zeros(n, 1, 28, 28, dtype=torch.uint8)
    data = ImageSet(images, torch.arange(n))
    order = torch.Generator().manual_seed(seed)  # as training.fit draws it
    loader = Batches(data, get_experiment(name).batch_size, shuffle=True, generator=order)
    return [y.tolist() for _, y in loader]


@pytest.mark.parametrize("a, b", [
    ("clf-consigna-10", "clf-consigna-fe-10"),
    ("clf-consigna-10", "clf-consigna-128"),
    ("clf-consigna-10", "clf-consigna-10-from-128"),
    ("clf-consigna-fe-128", "clf-consigna-frozen-128"),
    ("clf-raschka-10", "clf-raschka-10-pool"),
    ("ae-raschka-64", "ae-raschka-128"),
])  # fmt: skip
def test_paired_experiments_share_their_batches(a, b):
    assert paired(a, b) and paired(b, a)
    for seed in (0, 1):
        assert _batches(a, seed) == _batches(b, seed)
    assert _batches(a, 0) != _batches(a, 1)


@pytest.mark.parametrize("a, b", [
    ("clf-consigna-10", "clf-raschka-10"),  # batch size 32 against 40
    ("ae-feedforward-512", "ae-raschka-128"),  # 1000 against 32
    ("clf-raschka-10", "clf-raschka-10-paper-protocol"),  # another training split
])  # fmt: skip
def test_unpaired_experiments_do_not_share_their_batches(a, b):
    assert not paired(a, b)
    if get_experiment(a).protocol == get_experiment(b).protocol:
        assert _batches(a, 0) != _batches(b, 0)


def test_layers_built_alike_start_alike():
    """Seed k of the random start and of the autoencoder draw the same first convolution;
    seed k of a pretrained start draws the same whole model as the random start, before its
    encoder is copied in."""
    for seed in (0, 1):
        auto, random = _start("ae-consigna-10", seed), _start("clf-consigna-10", seed)
        assert torch.equal(auto.encoder[0].weight, random.encoder[0].weight)
        pretrained = _start("clf-consigna-fe-10", seed)
        for (name, x), y in zip(random.state_dict().items(), pretrained.state_dict().values(),
                                strict=True):  # fmt: skip
            assert torch.equal(x, y), name
    assert not torch.equal(_start("clf-consigna-10", 0).encoder[0].weight,
                           _start("clf-consigna-10", 1).encoder[0].weight)  # fmt: skip


def test_the_recorded_settings_pair_as_the_registry_does():
    names = list(EXPERIMENTS)
    for a in names:
        for b in names:
            assert seeds_pair(asdict(EXPERIMENTS[a]), asdict(EXPERIMENTS[b])) == paired(a, b)
    assert not seeds_pair({"protocol": "held-out"}, {"protocol": "held-out"})  # no batch size
    assert seeds_pair({"batch_size": 32}, {"batch_size": 32, "protocol": "held-out"})


@pytest.mark.parametrize("name", [n for n, e in EXPERIMENTS.items() if e.task == "classification"])
def test_a_classifiers_only_dropout_is_in_its_encoder(name):
    """So a frozen encoder (eval mode, always) turns every dropout off: ``verdicts.idle_dropout``
    says so of exactly the frozen experiments with a dropout."""
    model = _start(name, 0)
    exp = get_experiment(name)
    encoder = encoder_of(model)
    in_encoder = {id(m) for m in encoder.modules() if isinstance(m, nn.Dropout)}
    dropouts = [m for m in model.modules() if isinstance(m, nn.Dropout)]
    assert {id(m) for m in dropouts} == in_encoder
    if exp.freeze_encoder:
        freeze(encoder)
    model.train()
    acting = [m for m in dropouts if m.training and m.p > 0]
    assert verdicts.idle_dropout(asdict(exp)) == (not acting and exp.dropout > 0)
    if name == "clf-consigna-frozen-128":
        assert exp.dropout == 0.8 and dropouts and not acting  # listed, never acting
