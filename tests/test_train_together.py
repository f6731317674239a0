"""Runs of one model trained together (``fmnist_lib.experiments.together``) are the runs that
``training.fit`` trains one at a time: the same weights up to float rounding, the same
histories' format, the same checkpoints; one member's early stop leaves the others as they are.

Tolerance: together, a convolution runs batched over the members (``vmap`` folds them into the
groups of one convolution; a one-channel convolution becomes a product with the image's patches),
which adds the same products in another order: about one float32
rounding (1e-7 relative) per sum. Adam's step is scale-free (m / sqrt(v)), so a gradient's
relative error becomes the same relative error of its step, of size ``lr``; after three steps at
``lr`` 1e-3 a weight can differ by about 3e-3 x 1e-7, far below ``atol`` 1e-5 (1% of one
step). The exception is a gradient entry that is itself at the rounding level (a sum that
cancels): its step's sign may flip. ``rtol``/``atol`` at 1e-4/1e-5 still catch any real
difference (another batch, another dropout mask, a wrong learning rate: those move weights by a
whole step, 1e-3 or more).
"""

import pytest
import torch

from fmnist_lib.checkpoints import load_checkpoint
from fmnist_lib.data import ImageSet
from fmnist_lib.experiments.together import fit_together
from fmnist_lib.models import build_model
from fmnist_lib.training import History, TrainConfig, fit, seed_everything

TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def _images(n: int, seed: int) -> ImageSet:
    g = torch.Generator().manual_seed(seed)
    images = torch.randint(0, 256, (n, 1, 28, 28), dtype=torch.uint8, generator=g)
    return ImageSet(images, torch.randint(0, 10, (n,), generator=g))


TRAIN, VAL = _images(96, 0), _images(40, 1)  # 96 images at batch 32: three steps an epoch


def _model(name: str, seed: int, dropout: float):
    seed_everything(seed)
    hidden = 10 if "Classifier" in name else 16
    return build_model(name, hidden_size=hidden, dropout=dropout)


def _alone(name, config, dropout, checkpoint=None):
    model = _model(name, config.seed, dropout)
    history = fit(model, TRAIN, VAL, config, device="cpu", progress=False, checkpoint=checkpoint)
    return model, history


def _together(name, configs, dropouts, checkpoints=None):
    models = [_model(name, c.seed, d) for c, d in zip(configs, dropouts, strict=True)]
    results = fit_together(models, TRAIN, VAL, configs, checkpoints=checkpoints)
    return models, results


def _assert_same_weights(a, b):
    for (key, x), y in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        torch.testing.assert_close(x, y, **TOLERANCE, msg=lambda m, key=key: f"{key}: {m}")


def _config(task, seed, lr, epochs=1, **more):
    return TrainConfig(task=task, epochs=epochs, batch_size=32, lr=lr, seed=seed, **more)


@pytest.mark.parametrize(
    ("name", "task", "dropouts"),
    [
        ("ConsignaClassifier", "classification", (0.8, 0.5, 0.8)),  # dropout masks per member
        ("ConsignaAutoencoder", "reconstruction", (0.0, 0.0, 0.2)),  # a rate 0 draws no mask
    ],
)
def test_each_member_equals_its_run_alone(name, task, dropouts):
    configs = [_config(task, seed, lr) for seed, lr in ((0, 1e-3), (1, 5e-4), (2, 1e-3))]
    models, results = _together(name, configs, dropouts)
    for config, dropout, model, result in zip(configs, dropouts, models, results, strict=True):
        alone, history = _alone(name, config, dropout)
        _assert_same_weights(model, alone)
        assert isinstance(result, History)
        assert [list(r) for r in result.epochs] == [list(r) for r in history.epochs]
        for row, row_alone in zip(result.epochs, history.epochs, strict=True):
            assert row["train_loss"] == pytest.approx(row_alone["train_loss"], rel=1e-5)
            assert row["val_loss"] == pytest.approx(row_alone["val_loss"], rel=1e-5)


def test_a_member_differs_from_another_seeds_run():
    """The tolerance is tight enough to see another seed's batches and initial weights."""
    configs = [_config("classification", seed, 1e-3) for seed in (0, 1)]
    models, _ = _together("ConsignaClassifier", configs, (0.5, 0.5))
    other, _ = _alone("ConsignaClassifier", configs[1], 0.5)
    with pytest.raises(AssertionError):
        _assert_same_weights(models[0], other)


@pytest.mark.slow
def test_one_member_stopping_early_leaves_the_others_unaffected():
    """A member with patience 1 that never improves (``min_delta`` 10) stops after two epochs;
    the others go on to four, each as its run alone."""
    task = "reconstruction"
    stopper = _config(task, 1, 1e-3, epochs=4, patience=1, min_delta=10.0)
    configs = [_config(task, 0, 1e-3, epochs=4), stopper, _config(task, 2, 5e-4, epochs=4)]
    models, results = _together("ConsignaAutoencoder", configs, (0.0,) * 3)
    assert [len(r.epochs) for r in results] == [4, 2, 4]
    assert [r.stopped_early for r in results] == [False, True, False]
    for config, model in zip(configs, models, strict=True):
        alone, history = _alone("ConsignaAutoencoder", config, 0.0)
        assert len(history.epochs) == len(results[configs.index(config)].epochs)
        _assert_same_weights(model, alone)


@pytest.mark.slow
def test_a_members_checkpoint_is_the_one_its_run_alone_writes(tmp_path):
    """Same fingerprint, same keys, same generators' states, the optimizer's state in
    ``torch.optim.Adam``'s format; and a run alone resumes from it."""
    task, dropout = "classification", 0.8
    configs = [_config(task, seed, 1e-3, epochs=2) for seed in (0, 1)]
    paths = [tmp_path / f"together{k}" / "checkpoint.pt" for k in range(2)]
    for path in paths:
        path.parent.mkdir()
    _together("ConsignaClassifier", configs, (dropout, dropout), checkpoints=paths)
    alone_path = tmp_path / "alone" / "checkpoint.pt"
    alone_path.parent.mkdir()
    _alone("ConsignaClassifier", configs[1], dropout, checkpoint=alone_path)
    together, alone = load_checkpoint(paths[1]), load_checkpoint(alone_path)
    assert together.keys() == alone.keys()
    assert together["fingerprint"] == alone["fingerprint"]
    assert together["epoch"] == alone["epoch"] == 2
    assert torch.equal(together["rng"]["loader"], alone["rng"]["loader"])  # batch order
    assert torch.equal(together["rng"]["torch"], alone["rng"]["torch"])  # dropout masks
    assert torch.equal(together["rng"]["numpy"][1], alone["rng"]["numpy"][1])
    assert together["rng"]["python"] == alone["rng"]["python"]
    assert together["optimizer"]["param_groups"] == alone["optimizer"]["param_groups"]
    for k, state in alone["optimizer"]["state"].items():
        mine = together["optimizer"]["state"][k]
        assert mine.keys() == state.keys() and torch.equal(mine["step"], state["step"])
        torch.testing.assert_close(mine["exp_avg"], state["exp_avg"], **TOLERANCE)
    longer = _config(task, 1, 1e-3, epochs=3)  # a different run: the checkpoint must not fit
    with pytest.raises(Exception, match="different configuration"):
        _alone("ConsignaClassifier", longer, dropout, checkpoint=paths[1])


class _Interrupted(Exception):
    pass


def _interrupt(members):
    raise _Interrupted


@pytest.mark.slow
def test_a_run_alone_resumes_from_a_members_checkpoint(tmp_path):
    """Interrupted together after one epoch (a checkpoint per member), a run finishes alone from
    its member's checkpoint and ends where an uninterrupted run alone ends."""
    configs = [_config("classification", seed, 1e-3, epochs=2) for seed in (0, 1)]
    paths = []
    for k in range(2):
        (tmp_path / f"m{k}").mkdir()
        paths.append(tmp_path / f"m{k}" / "checkpoint.pt")
    models = [_model("ConsignaClassifier", c.seed, 0.8) for c in configs]
    with pytest.raises(_Interrupted):
        fit_together(models, TRAIN, VAL, configs, checkpoints=paths, on_epoch=_interrupt)
    assert load_checkpoint(paths[1])["epoch"] == 1
    resumed, history = _alone("ConsignaClassifier", configs[1], 0.8, checkpoint=paths[1])
    straight, straight_history = _alone("ConsignaClassifier", configs[1], 0.8)
    assert len(history.epochs) == 2
    _assert_same_weights(resumed, straight)
    assert history.epochs[0]["val_loss"] == pytest.approx(straight_history.epochs[0]["val_loss"])
