import gzip
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from fmnist_lib import data
from fmnist_lib.data import FILES, Batches, DataError, load_splits, locate
from fmnist_lib.errors import SettingsError


def test_the_four_files_are_found_and_verified():
    source = locate()
    assert set(source.files) == set(FILES)
    for name, path in source.files.items():
        content = data.verified_bytes(path)
        assert len(content) == FILES[name][0]
        assert hashlib.sha256(content).hexdigest() == FILES[name][1]


def test_official_sets_have_published_counts_and_statistics():
    train, test = data.load_official()
    assert train.images.shape == (60000, 1, 28, 28) and train.images.dtype == torch.uint8
    assert test.images.shape == (10000, 1, 28, 28)
    assert train.class_counts() == [6000] * 10
    assert test.class_counts() == [1000] * 10
    pixels = train.images.double() / 255
    assert pixels.mean().item() == pytest.approx(0.2860, abs=5e-4)
    assert pixels.std().item() == pytest.approx(0.3530, abs=5e-4)


def test_splits_are_disjoint_stratified_and_keep_the_test_set_apart(full_splits):
    assert full_splits.sizes() == {"train": 50000, "val": 10000, "test": 10000}
    assert full_splits.val.class_counts() == [1000] * 10
    assert full_splits.train.class_counts() == [5000] * 10
    train_rows = {bytes(x.numpy()) for x in full_splits.train.images.flatten(1)}
    overlap = sum(bytes(x.numpy()) in train_rows for x in full_splits.val.images.flatten(1))
    # Fashion-MNIST has a handful of exact duplicate images; a leak would give thousands.
    assert overlap < 20
    _, official_test = data.load_official()
    assert torch.equal(full_splits.test.images, official_test.images)


def test_split_depends_on_its_seed_only():
    a, b = load_splits(split_seed=3), load_splits(split_seed=3)
    c = load_splits(split_seed=4)
    assert torch.equal(a.val.images, b.val.images)
    assert not torch.equal(a.val.images, c.val.images)


def test_smoke_subsets_are_subsets_of_the_same_split(full_splits, small_splits):
    assert small_splits.sizes() == {"train": 1000, "val": 500, "test": 500}
    assert small_splits.train.class_counts() == [100] * 10
    full_val = {bytes(x.numpy()) for x in full_splits.val.images.flatten(1)}
    assert all(bytes(x.numpy()) in full_val for x in small_splits.val.images.flatten(1))


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="multiple of 10"):
        load_splits(val_size=1234)


def test_batches_slice_to_floats_and_shuffle_reproducibly(small_splits):
    batches = Batches(
        small_splits.train, 64, shuffle=True, generator=torch.Generator().manual_seed(1)
    )
    assert len(batches) == 16
    xs, ys = zip(*batches, strict=True)
    x = torch.cat(xs)
    assert x.dtype == torch.float32 and x.shape == (1000, 1, 28, 28)
    assert x.min() >= 0.0 and x.max() <= 1.0
    assert sorted(torch.cat(ys).tolist()) == sorted(
        small_splits.train.labels.tolist()
    )  # each image once
    again = torch.cat(
        [
            y
            for _, y in Batches(
                small_splits.train, 64, shuffle=True, generator=torch.Generator().manual_seed(1)
            )
        ]
    )
    assert torch.equal(torch.cat(ys), again)
    second_epoch = torch.cat([y for _, y in batches])
    assert not torch.equal(torch.cat(ys), second_epoch)  # a new permutation every epoch
    with pytest.raises(SettingsError, match=r"^batch_size must be an int >= 1, got 0$"):
        Batches(small_splits.train, 0)


@pytest.fixture(scope="module")
def copied_files() -> dict[str, bytes]:
    """The four files as a copy holds them (some uncompressed, some gzipped anew), made once."""
    files = {}
    for i, (name, path) in enumerate(locate().files.items()):
        content = data.verified_bytes(path)
        if i % 2:
            files[name] = content
        else:
            files[f"{name}.gz"] = gzip.compress(content, compresslevel=1)
    return files


@pytest.fixture
def copy_of_data(tmp_path, copied_files) -> Path:
    """The four files copied (some uncompressed, some gzipped anew) to a temporary folder."""
    for name, content in copied_files.items():
        (tmp_path / name).write_bytes(content)
    return tmp_path


def test_any_gzip_or_uncompressed_copy_passes(copy_of_data, monkeypatch):
    monkeypatch.setenv("FMNIST_DATA", str(copy_of_data))
    source = locate()
    assert source.origin == "FMNIST_DATA" and source.directory == copy_of_data


def _corrupt(path: Path) -> None:
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0xFF
    path.write_bytes(bytes(content))


def test_a_corrupted_file_is_named_in_the_error(copy_of_data):
    target = copy_of_data / "train-labels-idx1-ubyte"
    _corrupt(target)
    with pytest.raises(DataError, match=r"train-labels-idx1-ubyte.*SHA-256") as info:
        locate(copy_of_data)
    assert "dataset-fashion-mnist" in str(info.value)  # says how to fix it


def test_a_truncated_gzip_and_a_missing_file_are_errors(copy_of_data):
    gz = copy_of_data / "train-images-idx3-ubyte.gz"
    gz.write_bytes(gz.read_bytes()[:100_000])
    (copy_of_data / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(DataError) as info:
        locate(copy_of_data, download=False)
    message = str(info.value)
    assert "train-images-idx3-ubyte" in message and "t10k-labels-idx1-ubyte: missing" in message


def test_damage_inside_a_gzip_stream_is_a_clear_error(copy_of_data):
    gz = copy_of_data / "train-images-idx3-ubyte.gz"
    content = bytearray(gz.read_bytes())
    for i in range(1000, 1100):
        content[i] ^= 0x5A
    gz.write_bytes(bytes(content))
    with pytest.raises(DataError, match="train-images-idx3-ubyte"):
        locate(copy_of_data)


def test_files_found_through_symlinks_keep_their_names(copy_of_data):
    files = [p for p in copy_of_data.iterdir() if p.is_file()]
    store = copy_of_data / "content-addressed-store"
    store.mkdir()
    for i, path in enumerate(files):  # e.g. DVC or git-annex: hash-named blobs behind links
        blob = store / f"blob-{i}"
        path.rename(blob)
        path.symlink_to(blob)
    assert locate(copy_of_data).directory == copy_of_data


def test_a_broken_default_cache_does_not_hide_a_good_copy(tmp_path, monkeypatch):
    broken = tmp_path / "data"
    (broken / "FashionMNIST" / "raw").mkdir(parents=True)
    (broken / "FashionMNIST" / "raw" / "train-images-idx3-ubyte").write_bytes(
        b"interrupted download"
    )
    monkeypatch.setattr(data, "cache_dir", lambda: broken)
    monkeypatch.delenv("FMNIST_DATA", raising=False)
    with pytest.warns(UserWarning, match="skipping it"):
        source = locate(download=False)
    assert source.origin == "Debian package"


def test_an_explicit_wrong_location_does_not_fall_back(tmp_path):
    with pytest.raises(DataError, match="missing"):
        locate(tmp_path)


def _cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "fmnist_lib", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@pytest.mark.slow
def test_cli_data_reports_source_files_and_histogram():
    out = _cli("data", "--offline")
    assert out.returncode == 0, out.stderr
    assert "checksum verified" in out.stdout and "6 Shirt" in out.stdout
    assert "6000" in out.stdout and "1000" in out.stdout


@pytest.mark.slow
def test_cli_data_fails_naming_the_corrupted_file(copy_of_data):
    _corrupt(copy_of_data / "t10k-labels-idx1-ubyte")
    out = _cli("data", env={"FMNIST_DATA": str(copy_of_data)})
    assert out.returncode != 0
    assert "t10k-labels-idx1-ubyte" in out.stderr and "SHA-256" in out.stderr


def test_torchvision_layout_is_written_from_the_verified_copy(tmp_path):
    root = data.ensure_torchvision_layout(target=tmp_path)
    from torchvision.datasets import FashionMNIST

    ds = FashionMNIST(str(root), train=False, download=False)
    _, test = data.load_official()
    assert len(ds) == 10000 and torch.equal(ds.data, test.images[:, 0])
    labels = tmp_path / "FashionMNIST" / "raw" / "t10k-labels-idx1-ubyte"
    _corrupt(labels)  # same size, wrong content: must be rewritten, not trusted
    data.ensure_torchvision_layout(target=tmp_path)
    assert data.check_bytes("t10k-labels-idx1-ubyte", labels.read_bytes()) is None


def test_the_default_validation_split_is_the_published_one(full_splits, monkeypatch):
    assert data.split_sha256(torch.tensor([0, 1, 2])) != data.VAL_SPLIT_SHA256
    labels = full_splits.val.labels
    assert len(labels) == 10_000 and labels.bincount().tolist() == [1000] * 10
    monkeypatch.setattr(data, "VAL_SPLIT_SHA256", "0" * 64)  # as if numpy drew another split
    with pytest.raises(DataError, match="different validation split"):
        data.load_splits()
