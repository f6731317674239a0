import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from torch import nn

from fmnist_lib.checkpoints import CheckpointMismatch, load_checkpoint
from fmnist_lib.errors import SettingsError
from fmnist_lib.evaluation import evaluate
from fmnist_lib.models import ConsignaAutoencoder, ConsignaClassifier, FeedForwardAutoencoder
from fmnist_lib.training import TrainConfig, TrainingDiverged, fit, seed_everything
from fmnist_lib.wording import speaking


def _ae(seed=0):
    seed_everything(seed)
    return ConsignaAutoencoder()


@pytest.mark.slow
def test_reconstruction_loss_decreases_on_real_data(small_splits):
    model = _ae()
    before = evaluate(model, small_splits.val, "reconstruction")["loss"]
    history = fit(
        model,
        small_splits.train,
        small_splits.val,
        TrainConfig("reconstruction", epochs=3, batch_size=32, lr=1e-3),
        device="cpu",
    )
    losses = history.column("train_loss")
    assert losses[-1] < losses[0]
    assert history.epochs[-1]["val_loss"] < 0.7 * before
    json.dumps(history.to_dict())  # JSON-serialisable
    assert set(history.epochs[0]) == {"epoch", "train_loss", "val_loss", "seconds"}


@pytest.mark.slow  # trains on 1,000 images
def test_classifier_learns_above_chance_and_reports_accuracy(small_splits):
    seed_everything(0)
    model = ConsignaClassifier(hidden_size=32, dropout=0.2)
    history = fit(
        model,
        small_splits.train,
        small_splits.val,
        TrainConfig("classification", epochs=3, batch_size=32, lr=2e-3),
        device="cpu",
    )
    assert history.epochs[-1]["val_accuracy"] > 0.5  # chance is 0.1
    assert 0 <= history.epochs[-1]["train_accuracy"] <= 1


@pytest.mark.slow  # trains on 1,000 images
def test_same_seed_same_numbers(small_splits):
    cfg = TrainConfig("reconstruction", epochs=1, batch_size=64, lr=1e-3, seed=5)
    a = fit(_ae(1), small_splits.train, small_splits.val, cfg, device="cpu")
    b = fit(_ae(1), small_splits.train, small_splits.val, cfg, device="cpu")
    c = fit(
        _ae(1),
        small_splits.train,
        small_splits.val,
        TrainConfig("reconstruction", 1, 64, 1e-3, seed=6),
        device="cpu",
    )
    assert a.column("train_loss") == b.column("train_loss")
    assert a.column("train_loss") != c.column("train_loss")


def test_fit_restores_the_models_mode_even_on_error(small_splits):
    model = _ae().eval()
    fit(
        model,
        small_splits.train,
        small_splits.val,
        TrainConfig("reconstruction", 1, 64, 1e-3),
        device="cpu",
    )
    assert not model.training
    exploding = ExplodesAt(at_call=2).eval()
    with pytest.raises(TrainingDiverged):
        fit(
            exploding,
            small_splits.train,
            small_splits.val,
            TrainConfig("reconstruction", 1, 100, 1e-3),
            device="cpu",
        )
    assert not exploding.training
    model.eval()
    evaluate(model, small_splits.val, "reconstruction")
    assert not model.training


def _holds_the_first_epochs_weights(model, splits) -> bool:
    """Whether ``model`` equals a fresh ``_ae()`` trained for exactly one epoch."""
    reference = _ae()
    fit(reference, splits.train, splits.val, TrainConfig("reconstruction", 1, 64, 1e-3),
        device="cpu")  # fmt: skip
    pairs = zip(model.state_dict().values(), reference.state_dict().values(), strict=True)
    return all(torch.equal(a, b) for a, b in pairs)


@pytest.mark.slow  # trains on 1,000 images
def test_best_weights_are_restored_when_the_cap_comes_first(small_splits):
    cfg = TrainConfig(
        "reconstruction", epochs=3, batch_size=64, lr=1e-3, patience=5, min_delta=10.0
    )
    model = _ae()
    history = fit(model, small_splits.train, small_splits.val, cfg, device="cpu")
    assert not history.stopped_early and len(history.epochs) == 3 and history.best_epoch == 1
    assert _holds_the_first_epochs_weights(model, small_splits)


@pytest.mark.slow  # trains on 1,000 images
def test_early_stopping_stops_and_restores_the_best_weights(small_splits):
    # min_delta so large that no epoch after the first counts as an improvement
    cfg = TrainConfig(
        "reconstruction", epochs=10, batch_size=64, lr=1e-3, patience=2, min_delta=10.0
    )
    model = _ae()
    history = fit(model, small_splits.train, small_splits.val, cfg, device="cpu")
    assert history.stopped_early and len(history.epochs) == 3 and history.best_epoch == 1
    assert _holds_the_first_epochs_weights(model, small_splits)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"lr": 0}, "lr must be a finite number > 0, got 0"),
        ({"lr": float("nan")}, "lr must be a finite number > 0, got nan"),
        ({"lr": "1e-3"}, "lr must be a finite number > 0, got '1e-3'"),
        ({"epochs": 0}, "epochs must be an int >= 1, got 0"),
        ({"epochs": True}, "epochs must be an int >= 1, got True"),
        ({"batch_size": 0}, "batch_size must be an int >= 1, got 0"),
        ({"batch_size": 32.0}, "batch_size must be an int >= 1, got 32.0"),
        ({"task": "segmentation"}, "task must be one of .*, got 'segmentation'"),
        ({"patience": 0}, "patience must be None or an int >= 1, got 0"),
        ({"seed": -1}, "seed must be an int >= 0, got -1"),
        ({"min_delta": float("inf")}, "min_delta must be a finite number >= 0, got inf"),
        ({"min_delta": -0.1}, "min_delta must be a finite number >= 0, got -0.1"),
        ({"eval_batch_size": 0}, "eval_batch_size must be an int >= 1, got 0"),
        ({"restore_best": 1}, "restore_best must be True or False, got 1"),
        ({"channels_last": "yes"}, "channels_last must be True or False, got 'yes'"),
        ({"optimizer": "lbfgs"}, r"optimizer must be one of \['adam', 'sgd'\], got 'lbfgs'"),
    ],
)
def test_bad_settings_fail_before_any_work(kwargs, message):
    settings = {"task": "reconstruction", "epochs": 1, "batch_size": 32, "lr": 1e-3} | kwargs
    with pytest.raises(SettingsError, match=f"^{message}$"):
        TrainConfig(**settings)


def test_good_settings_at_their_bounds_are_accepted():
    config = TrainConfig("classification", epochs=1, batch_size=1, lr=1e-9, seed=0,
                         patience=1, min_delta=0, eval_batch_size=1, optimizer="sgd")  # fmt: skip
    assert (config.batch_size, config.patience, config.min_delta) == (1, 1, 0)


def test_a_checkpoint_from_another_config_or_architecture_is_refused(small_splits, tmp_path):
    ckpt = tmp_path / "ckpt.pt"
    fit(
        _ae(),
        small_splits.train,
        small_splits.val,
        TrainConfig("reconstruction", 1, 64, 1e-3),
        checkpoint=ckpt,
        device="cpu",
    )
    with pytest.raises(CheckpointMismatch, match="different configuration"):
        fit(
            _ae(),
            small_splits.train,
            small_splits.val,
            TrainConfig("reconstruction", 1, 64, 2e-3),
            checkpoint=ckpt,
            device="cpu",
        )
    with pytest.raises(CheckpointMismatch):
        fit(
            ConsignaAutoencoder(hidden_size=64),
            small_splits.train,
            small_splits.val,
            TrainConfig("reconstruction", 1, 64, 1e-3),
            checkpoint=ckpt,
            device="cpu",
        )


class ExplodesAt(nn.Module):
    """A feed-forward autoencoder whose output turns NaN at a given call."""

    def __init__(self, at_call: int):
        super().__init__()
        self.inner, self.calls, self.at_call = FeedForwardAutoencoder(hidden_size=16), 0, at_call

    def forward(self, x):
        self.calls += self.training
        out = self.inner(x)
        return out * float("nan") if self.training and self.calls >= self.at_call else out


def test_nan_loss_stops_with_epoch_and_batch_and_keeps_the_last_good_checkpoint(
    small_splits, tmp_path
):
    ckpt = tmp_path / "ckpt.pt"
    batches_per_epoch = 1000 // 100
    model = ExplodesAt(at_call=batches_per_epoch + 3)
    with pytest.raises(TrainingDiverged, match=r"epoch 2, batch 3/10.*learning rate") as info:
        fit(
            model,
            small_splits.train,
            small_splits.val,
            TrainConfig("reconstruction", 5, 100, 1e-3),
            checkpoint=ckpt,
            device="cpu",
        )
    assert str(ckpt) in str(info.value)
    assert load_checkpoint(ckpt)["epoch"] == 1


def test_a_diverged_run_says_so_in_the_notebooks_language(small_splits):
    """In a notebook of es/notebooks the same refusal, with the same numbers, in Spanish."""
    config = TrainConfig("reconstruction", 1, 100, 1e-3)
    with speaking("es"), pytest.raises(TrainingDiverged) as info:
        fit(ExplodesAt(at_call=3), small_splits.train, small_splits.val, config, device="cpu")
    assert str(info.value).startswith("la pérdida se volvió nan en la época 1, lote 3/10. Causa")
    assert "tasa de aprendizaje (0.001) demasiado grande" in str(info.value)


def _train_cmd(name: str, runs: Path, epochs: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "fmnist_lib",
        "train",
        name,
        "--budget",
        "smoke",
        "--epochs",
        str(epochs),
        "--runs-dir",
        str(runs),
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, stop",
    [
        ("clf-raschka-10", signal.SIGKILL),  # dropout 0.8: the dropout stream must resume exactly
        ("ae-raschka-64", signal.SIGKILL),  # patience 3: the early-stopping state too
        ("clf-raschka-10", signal.SIGINT),  # Ctrl-C: a message, exit 130, the same resume
    ],
    ids=["dropout-sigkill", "patience-sigkill", "dropout-ctrl-c"],
)
def test_a_stopped_run_resumes_to_the_same_weights(tmp_path, name, stop):
    """Stop a training process mid-run (SIGKILL, or Ctrl-C's SIGINT), run it again: the same
    final weights as an uninterrupted run."""
    epochs = 6
    env = {**os.environ, "FMNIST_PROGRESS": "0", "FMNIST_DEVICE": "cpu"}
    subprocess.run(
        _train_cmd(name, tmp_path / "straight", epochs), check=True, env=env, timeout=600
    )

    runs = tmp_path / "stopped"
    ckpt = runs / "smoke" / name / f"seed0-epochs{epochs}" / "checkpoint.pt"
    proc = subprocess.Popen(
        _train_cmd(name, runs, epochs), env=env, stderr=subprocess.PIPE, text=True
    )
    deadline = time.time() + 300
    while not ckpt.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.01)
    proc.send_signal(stop)  # the first epoch's checkpoint is there: stop during the next
    _, err = proc.communicate(timeout=120)
    if stop == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 130 and "Traceback" not in err
        assert re.fullmatch(
            r"interrupted at epoch \d+, (batch \d+/\d+|validation); the checkpoint "
            r"of epoch \d+ is intact — run the same command to resume\n",
            err,
        ), err
    stopped_at = load_checkpoint(ckpt)["epoch"]
    assert 1 <= stopped_at < epochs, "the process must stop mid-run for this test to mean anything"
    assert not (ckpt.parent / "result.json").exists()
    # no temporary left; the lock file stays, released by the kernel when its process ended; the
    # checkpoint before the last is kept until the run ends (a fallback should the last be damaged)
    left = {p.name for p in ckpt.parent.iterdir()}
    assert (
        {".lock", "checkpoint.pt"} <= left <= {".lock", "checkpoint.pt", "checkpoint.previous.pt"}
    )

    subprocess.run(_train_cmd(name, runs, epochs), check=True, env=env, timeout=600)
    straight = torch.load(
        tmp_path / "straight" / ckpt.relative_to(runs).parent / "model.pt", weights_only=True
    )
    resumed = torch.load(ckpt.parent / "model.pt", weights_only=True)
    assert straight.keys() == resumed.keys()
    assert all(torch.equal(straight[k], resumed[k]) for k in straight)
    history = json.loads((ckpt.parent / "result.json").read_text())["history"]
    straight_history = json.loads(
        (tmp_path / "straight" / ckpt.relative_to(runs).parent / "result.json").read_text()
    )
    assert [e["val_loss"] for e in history] == [e["val_loss"] for e in straight_history["history"]]


@pytest.mark.slow  # trains on 1,000 images
def test_patience_running_out_at_the_cap_is_not_an_early_stop(small_splits):
    # the same run as above, capped at the epoch where patience runs out
    cfg = TrainConfig(
        "reconstruction", epochs=3, batch_size=64, lr=1e-3, patience=2, min_delta=10.0
    )
    history = fit(_ae(), small_splits.train, small_splits.val, cfg, device="cpu")
    assert len(history.epochs) == 3 and history.best_epoch == 1
    assert not history.stopped_early


@pytest.mark.slow  # trains on 1,000 images
def test_a_refused_checkpoint_names_every_file_to_delete(small_splits, tmp_path):
    """An interrupted run keeps its previous checkpoint beside the last: the refusal names both,
    and deleting what it names lets the new settings train."""
    ckpt = tmp_path / "ckpt.pt"
    fit(_ae(), small_splits.train, small_splits.val, TrainConfig("reconstruction", 1, 64, 1e-3),
        checkpoint=ckpt, device="cpu")  # fmt: skip
    shutil.copy(ckpt, tmp_path / "ckpt.previous.pt")  # as an interrupted run leaves them
    changed = TrainConfig("reconstruction", 1, 64, 2e-3)
    with pytest.raises(CheckpointMismatch, match=r"Delete ckpt\.pt and ckpt\.previous\.pt in "):
        fit(_ae(), small_splits.train, small_splits.val, changed, checkpoint=ckpt, device="cpu")
    ckpt.unlink()
    (tmp_path / "ckpt.previous.pt").unlink()
    history = fit(_ae(), small_splits.train, small_splits.val, changed, checkpoint=ckpt,
                  device="cpu")  # fmt: skip
    assert len(history.epochs) == 1
