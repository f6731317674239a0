"""The training engine's public pieces, each on its own: ``train_one_epoch``, ``EarlyStopping``,
the evaluation pass, fingerprints, and ``fit`` composing them."""

import math

import pytest
import torch
from torch import nn

from fmnist_lib import training
from fmnist_lib.checkpoints import model_signature
from fmnist_lib.data import Batches, ImageSet
from fmnist_lib.evaluation import evaluate, loss_function
from fmnist_lib.models import ConsignaAutoencoder, ConsignaClassifier, FeedForwardClassifier
from fmnist_lib.training import (
    EarlyStopping,
    TrainConfig,
    fit,
    run_fingerprint,
    seed_everything,
    train_one_epoch,
)


def _classifier(seed=0):
    seed_everything(seed)
    return FeedForwardClassifier(hidden_size=32, dropout=0.0)


def test_train_one_epoch_is_the_textbook_loop(small_splits):
    model = _classifier()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = loss_function("classification")
    batches = list(Batches(small_splits.train, 250))
    seen = []
    mean = train_one_epoch(
        model, batches, loss_fn, optimizer, on_batch=lambda b, out, y, loss: seen.append((b, loss))
    )
    assert [b for b, _ in seen] == [1, 2, 3, 4]
    assert mean == pytest.approx(sum(loss for _, loss in seen) / 4)
    # the same four steps written by hand give the same weights
    manual = _classifier()
    manual_opt = torch.optim.SGD(manual.parameters(), lr=0.1)
    for x, y in batches:
        manual_opt.zero_grad()
        loss_fn(manual(x), y).backward()
        manual_opt.step()
    pairs = zip(model.state_dict().values(), manual.state_dict().values(), strict=True)
    assert all(torch.allclose(a, b) for a, b in pairs)


def test_a_hook_that_raises_stops_before_the_step(small_splits):
    model = _classifier()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

    def stop(batch, output, labels, loss):
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        train_one_epoch(
            model,
            Batches(small_splits.train, 100),
            loss_function("classification"),
            optimizer,
            on_batch=stop,
        )
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_fit_trains_through_train_one_epoch(small_splits, monkeypatch):
    calls = []
    real = training.train_one_epoch

    def counting(*args, **kwargs):
        calls.append(kwargs.get("task"))
        return real(*args, **kwargs)

    monkeypatch.setattr(training, "train_one_epoch", counting)
    fit(
        _classifier(),
        small_splits.train,
        small_splits.val,
        TrainConfig("classification", epochs=2, batch_size=100, lr=1e-3),
        device="cpu",
    )
    assert calls == ["classification", "classification"]


def test_early_stopping_counts_epochs_without_improvement():
    model = nn.Linear(2, 1)
    stop = EarlyStopping(patience=2, min_delta=0.1, keep_best_weights=True)
    for epoch, loss in enumerate([1.0, 0.95, 0.5, 0.45, 0.44], start=1):
        stop.update(epoch, loss, model)
    assert (stop.best_epoch, stop.best_loss, stop.bad_epochs) == (3, 0.5, 2)
    assert stop.should_stop and set(stop.best_weights) == {"weight", "bias"}
    again = EarlyStopping(patience=2)
    again.load_state_dict(stop.state_dict())
    assert (again.best_epoch, again.bad_epochs, again.should_stop) == (3, 2, True)
    assert not EarlyStopping(patience=None, keep_best_weights=False).should_stop


@pytest.mark.slow  # trains on 1,000 images
def test_fit_without_restore_best_keeps_the_last_epochs_weights(small_splits):
    # min_delta so large that only the first epoch counts as an improvement: stop after epoch 3
    cfg = TrainConfig(
        "reconstruction",
        epochs=10,
        batch_size=64,
        lr=1e-3,
        patience=2,
        min_delta=10.0,
        restore_best=False,
    )
    seed_everything(0)
    model = ConsignaAutoencoder()
    history = fit(model, small_splits.train, small_splits.val, cfg, device="cpu")
    assert history.stopped_early and len(history.epochs) == 3 and history.best_epoch == 1
    seed_everything(0)
    reference = ConsignaAutoencoder()
    fit(
        reference,
        small_splits.train,
        small_splits.val,
        TrainConfig("reconstruction", epochs=3, batch_size=64, lr=1e-3),
        device="cpu",
    )
    pairs = zip(model.state_dict().values(), reference.state_dict().values(), strict=True)
    assert all(torch.equal(a, b) for a, b in pairs)


def test_evaluate_weights_a_short_last_batch_by_its_size(small_splits):
    data = ImageSet(small_splits.val.images[:10], small_splits.val.labels[:10])
    model = _classifier()
    batched = evaluate(model, data, "classification", batch_size=4)  # batches of 4, 4 and 2
    whole = evaluate(model, data, "classification", batch_size=10)
    assert batched["loss"] == pytest.approx(whole["loss"], rel=1e-6)
    assert batched["accuracy"] == whole["accuracy"]
    with torch.no_grad():
        expected = nn.functional.cross_entropy(model(data.floats()), data.labels).item()
    assert whole["loss"] == pytest.approx(expected, rel=1e-6)


def test_fingerprint_reads_shapes_not_how_modules_print(monkeypatch):
    cfg = TrainConfig("classification", epochs=1, batch_size=32, lr=1e-3)
    model = ConsignaClassifier(hidden_size=10)
    before = run_fingerprint(model, cfg, {"experiment": "x"})
    monkeypatch.setattr(nn.Module, "__repr__", lambda self: "printed differently")
    assert run_fingerprint(model, cfg, {"experiment": "x"}) == before
    assert run_fingerprint(ConsignaClassifier(hidden_size=12), cfg, {"experiment": "x"}) != before
    assert run_fingerprint(model, cfg, {"experiment": "y"}) != before
    slower = TrainConfig("classification", epochs=1, batch_size=32, lr=2e-3)
    assert run_fingerprint(model, slower, {"experiment": "x"}) != before
    bigger_eval = TrainConfig(
        "classification", epochs=1, batch_size=32, lr=1e-3, eval_batch_size=500
    )
    assert run_fingerprint(model, bigger_eval, {"experiment": "x"}) == before
    signature = model_signature(model)
    assert signature["class"] == "ConsignaClassifier"
    assert ["head.weight", [10, 10], "torch.float32"] in signature["parameters"]


def test_a_finite_loss_stays_finite_in_history(small_splits):
    history = fit(
        _classifier(),
        small_splits.train,
        small_splits.val,
        TrainConfig("classification", epochs=1, batch_size=100, lr=1e-3),
        device="cpu",
    )
    row = history.epochs[0]
    assert all(math.isfinite(row[k]) for k in ("train_loss", "val_loss"))
    assert 0 <= row["train_accuracy"] <= 1 and 0 <= row["val_accuracy"] <= 1
