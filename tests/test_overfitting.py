"""Over-fitting on purpose and its remedies (chapter 7): the augmentation, the long training with
its curves, early stopping read off a curve, and the seeds' figure."""

import math

import pandas as pd
import pytest
import torch

from fmnist_lib.data import ImageSet
from fmnist_lib.errors import SettingsError
from fmnist_lib.models import FeedForwardClassifier
from fmnist_lib.overfitting import lowest_point, seed_curves, shift_and_flip, training_curves
from fmnist_lib.plots import alt_text
from fmnist_lib.training import seed_everything


def _one_pixel_images(count: int, row: int = 14, col: int = 10) -> torch.Tensor:
    images = torch.zeros(count, 1, 28, 28)
    images[:, 0, row, col] = 1.0
    return images


def test_a_shift_moves_each_image_by_at_most_max_shift_and_mirrors_about_half():
    moved = shift_and_flip(_one_pixel_images(400), torch.Generator().manual_seed(0), max_shift=2)
    assert moved.shape == (400, 1, 28, 28)
    assert torch.all(moved.sum(dim=(1, 2, 3)) == 1.0)  # the pixel stays inside: nothing lost
    where = moved[:, 0].flatten(1).argmax(1)
    rows, cols = where // 28, where % 28
    assert rows.min() >= 12 and rows.max() <= 16
    mirrored = cols >= 14  # column 10 mirrored is column 17 (27 - 10), then shifted by up to 2
    assert torch.all((cols[~mirrored] >= 8) & (cols[~mirrored] <= 12))
    assert torch.all((cols[mirrored] >= 15) & (cols[mirrored] <= 19))
    assert 150 < int(mirrored.sum()) < 250
    assert len(set(rows.tolist())) == 5 and len(set(cols.tolist())) == 10  # every offset drawn


def test_no_shift_only_mirrors_and_a_negative_shift_is_refused():
    images = torch.rand(50, 1, 28, 28)
    kept = shift_and_flip(images, torch.Generator().manual_seed(1), max_shift=0)
    same = (kept == images).flatten(1).all(1)
    flipped = (kept == images.flip(3)).flatten(1).all(1)
    assert torch.all(same | flipped) and same.any() and flipped.any()
    with pytest.raises(SettingsError, match="max_shift"):
        shift_and_flip(images, torch.Generator(), max_shift=-1)


def _learnable(count: int, seed: int) -> ImageSet:
    """Images whose label is written in them: class k lights row 2k."""
    gen = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 10, (count,), generator=gen)
    images = torch.randint(0, 40, (count, 1, 28, 28), generator=gen, dtype=torch.uint8)
    images[torch.arange(count), 0, 2 * labels + 4, 4:24] = 255
    return ImageSet(images, labels)


def _curves(**options) -> tuple[pd.DataFrame, torch.nn.Module]:
    seed_everything(0)
    model = FeedForwardClassifier(hidden_size=32, dropout=0.0)
    curves = training_curves(
        model,
        _learnable(200, 0),
        _learnable(100, 1),
        4,
        batch_size=50,
        lr=3e-3,
        progress=False,
        **options,
    )
    return curves, model


def test_the_curves_have_one_row_per_epoch_and_the_model_learns():
    curves, _ = _curves()
    assert list(curves.columns) == ["epoch", "train_loss", "val_loss", "val_accuracy"]
    assert curves.epoch.tolist() == [1, 2, 3, 4]
    assert curves.train_loss.iloc[-1] < curves.train_loss.iloc[0]
    assert curves.val_accuracy.iloc[-1] > 0.5  # chance is 0.1
    again, _ = _curves()
    pd.testing.assert_frame_equal(curves, again)  # the same seed, the same numbers


def _norm(model: torch.nn.Module) -> float:
    return math.sqrt(sum(float(p.detach().square().sum()) for p in model.parameters()))


def test_the_test_set_is_scored_after_every_epoch_when_given():
    seed_everything(0)
    curves = training_curves(
        FeedForwardClassifier(hidden_size=16, dropout=0.0),
        _learnable(100, 0),
        _learnable(50, 1),
        2,
        test=_learnable(60, 2),
        progress=False,
    )
    assert {"test_loss", "test_accuracy"} <= set(curves.columns)
    scored = curves.test_loss.notna()
    new_lows = curves.val_loss < curves.val_loss.cummin().shift(fill_value=float("inf"))
    assert scored.tolist() == (new_lows | (curves.epoch == curves.epoch.max())).tolist()
    assert not curves.test_loss[scored].equals(curves.val_loss[scored])


def test_weight_decay_shrinks_the_weights_and_augmentation_changes_the_run():
    plain, plain_model = _curves()
    _, decayed_model = _curves(weight_decay=5.0)
    assert _norm(decayed_model) < 0.9 * _norm(plain_model)
    augmented, _ = _curves(augment=True)
    assert not augmented.train_loss.equals(plain.train_loss)
    with pytest.raises(SettingsError, match="weight_decay"):
        _curves(weight_decay=-1.0)


def test_early_stopping_reads_the_lowest_validation_loss():
    curves = pd.DataFrame(
        {
            "epoch": [1, 2, 3, 4],
            "train_loss": [2.0, 1.0, 0.5, 0.1],
            "val_loss": [1.5, 0.9, 1.1, 1.4],
            "val_accuracy": [0.5, 0.7, 0.72, 0.7],
        }
    )
    assert lowest_point(curves) == {
        "epoch": 2,
        "train_loss": 1.0,
        "val_loss": 0.9,
        "val_accuracy": 0.7,
    }
    with pytest.raises(SettingsError):
        lowest_point(curves.iloc[:0])


def test_the_seeds_figure_describes_itself():
    runs = [pd.Series([1.0, 0.8, 0.9], index=pd.Index([1, 2, 3], name="epoch")) for _ in range(3)]
    diverged = [pd.Series([1.0, math.nan], index=[1, 2])]
    fig = seed_curves({"no remedy": runs, "other": diverged}, "validation loss (cross-entropy)")
    assert "no remedy" in alt_text(fig) and "validation loss" in alt_text(fig)
    assert fig.axes[0].get_xlabel() == "epoch"
