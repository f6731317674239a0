"""Checkpoints are verified: each carries its SHA-256, checked on resume; a damaged one (a byte
flipped in the middle once loaded silently and the run finished with exit 0) is named, moved
aside, and the run resumes from the previous checkpoint, or starts over, saying which. Resuming
still gives the very same weights."""

import errno

import pytest
import torch

from fmnist_lib import storage
from fmnist_lib.checkpoints import SEAL, SEAL_LENGTH, load_checkpoint
from fmnist_lib.errors import NoSpace, RunDamaged, TrainingInterrupted
from fmnist_lib.training import TrainConfig, fit


def _model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Dropout(0.2), torch.nn.Linear(784, 10))


def _fit(splits, path, epochs, on_epoch=None):
    model = _model()
    config = TrainConfig("classification", epochs, 100, 1e-3)
    fit(model, splits.train, splits.val, config, checkpoint=path, device="cpu",
        on_epoch=on_epoch)  # fmt: skip
    return model


def _stop_after(epoch):
    def hook(row):
        if row["epoch"] == epoch:
            raise KeyboardInterrupt

    return hook


def _flip_a_byte_in_the_middle(path):
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0x01
    path.write_bytes(bytes(content))


def _same(a, b):
    pairs = zip(a.state_dict().values(), b.state_dict().values(), strict=True)
    return all(torch.equal(x, y) for x, y in pairs)


def test_a_flipped_byte_is_found_and_the_previous_checkpoint_resumes_exactly(
    small_splits, tmp_path
):
    straight = _fit(small_splits, tmp_path / "straight.pt", 3)
    ckpt = tmp_path / "c.pt"
    with pytest.raises(TrainingInterrupted):
        _fit(small_splits, ckpt, 3, on_epoch=_stop_after(2))
    assert load_checkpoint(tmp_path / "c.previous.pt")["epoch"] == 1  # kept beside the last
    _flip_a_byte_in_the_middle(ckpt)
    with pytest.raises(RunDamaged, match="SHA-256"):
        load_checkpoint(ckpt)
    with pytest.warns(UserWarning, match=r"c\.pt is damaged .*moved aside .*resuming from .*"
                      r"c\.previous\.pt \(epoch 1\)"):  # fmt: skip
        resumed = _fit(small_splits, ckpt, 3)
    assert _same(resumed, straight)
    assert (tmp_path / "c.pt.damaged").exists() and load_checkpoint(ckpt)["epoch"] == 3
    assert not (tmp_path / "c.previous.pt").exists()  # the run ended: the last one is enough


def test_a_damaged_checkpoint_without_a_previous_one_starts_over(small_splits, tmp_path):
    straight = _fit(small_splits, tmp_path / "straight.pt", 2)
    ckpt = tmp_path / "c.pt"
    with pytest.raises(TrainingInterrupted):
        _fit(small_splits, ckpt, 2, on_epoch=_stop_after(1))
    _flip_a_byte_in_the_middle(ckpt)
    with pytest.warns(UserWarning, match="c.pt is damaged .* this run starts over"):
        again = _fit(small_splits, ckpt, 2)
    assert _same(again, straight)


def test_a_truncated_checkpoint_is_damaged_too(small_splits, tmp_path):
    ckpt = tmp_path / "c.pt"
    _fit(small_splits, ckpt, 1)
    ckpt.write_bytes(ckpt.read_bytes()[: SEAL_LENGTH + 100])
    with pytest.raises(RunDamaged, match="SHA-256"):
        load_checkpoint(ckpt)


def test_a_checkpoint_written_before_seals_still_resumes(small_splits, tmp_path):
    straight = _fit(small_splits, tmp_path / "straight.pt", 2)
    ckpt = tmp_path / "c.pt"
    with pytest.raises(TrainingInterrupted):
        _fit(small_splits, ckpt, 2, on_epoch=_stop_after(1))
    content = ckpt.read_bytes()
    assert content.startswith(SEAL)
    ckpt.write_bytes(content[SEAL_LENGTH:])  # the torch file alone, as older versions wrote it
    assert _same(_fit(small_splits, ckpt, 2), straight)


def test_a_full_disk_leaves_the_last_checkpoint_where_it_was(small_splits, tmp_path, monkeypatch):
    ckpt = tmp_path / "c.pt"
    real, calls = storage.os.fsync, []

    def full_on_the_second_save(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    monkeypatch.setattr(storage.os, "fsync", full_on_the_second_save)
    with pytest.raises(NoSpace, match="the checkpoint of epoch 1 is intact"):
        _fit(small_splits, ckpt, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.pt"]
    assert load_checkpoint(ckpt)["epoch"] == 1
