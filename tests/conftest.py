"""Shared fixtures: the real dataset, loaded once per test session."""

import pytest
import torch

from fmnist_lib.data import Splits, load_splits


@pytest.fixture(scope="session")
def full_splits() -> Splits:
    return load_splits()


@pytest.fixture(scope="session")
def small_splits() -> Splits:
    """A stratified subset of the real data, small enough for a few seconds of training."""
    return load_splits(train_size=1000, val_subset=500, test_size=500)


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    monkeypatch.setenv("FMNIST_PROGRESS", "0")
    torch.set_num_threads(max(1, torch.get_num_threads()))
