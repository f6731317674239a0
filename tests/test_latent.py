"""The latent-space helpers on small untrained models and synthetic data (a few seconds)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_limits

from fmnist_lib.data import CLASS_NAMES, ImageSet
from fmnist_lib.latent import (
    encode,
    interpolate,
    pca_2d,
    pixel_blend,
    probe_accuracy,
    sample_indices,
    tsne_2d,
)
from fmnist_lib.models import FeedForwardAutoencoder
from fmnist_lib.plots import interpolation_strip, latent_scatter


def images(n: int, seed: int = 0) -> ImageSet:
    g = torch.Generator().manual_seed(seed)
    pixels = torch.randint(0, 256, (n, 1, 28, 28), generator=g, dtype=torch.uint8)
    return ImageSet(pixels, torch.arange(n) % len(CLASS_NAMES))


@pytest.fixture
def model() -> FeedForwardAutoencoder:
    torch.manual_seed(0)
    return FeedForwardAutoencoder(hidden_size=16, dropout=0.5)  # dropout: eval mode matters


def test_codes_are_the_encoder_output_in_eval_mode_and_the_mode_is_restored(model):
    data = images(37)
    codes = encode(model, data, batch_size=8)  # a last batch of 5
    assert codes.shape == (37, 16) and codes.dtype == torch.float32
    assert model.training
    model.eval()
    with torch.no_grad():
        expected = model.encoder(data.floats())
    torch.testing.assert_close(codes, expected)
    assert not codes.requires_grad


def test_encode_refuses_a_model_without_an_encoder_and_empty_data(model):
    with pytest.raises(TypeError, match="encoder"):
        encode(torch.nn.Linear(784, 2), images(3))
    with pytest.raises(ValueError, match="no image"):
        encode(model, images(0))


def test_pca_matches_an_svd_of_the_centred_codes():
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(300, 6)) * np.array([5.0, 3.0, 1.0, 0.5, 0.2, 0.1]) + 7.0
    codes = codes @ np.linalg.qr(rng.normal(size=(6, 6)))[0]  # rotate: axes not the features
    points, explained = pca_2d(torch.from_numpy(codes))
    u, s, _ = np.linalg.svd(codes - codes.mean(axis=0), full_matrices=False)
    expected = u[:, :2] * s[:2]  # the centred codes on the first two right singular vectors
    signs = np.sign((points * expected).sum(axis=0))  # singular vectors have no sign of their own
    np.testing.assert_allclose(points, expected * signs, atol=1e-8)
    np.testing.assert_allclose(explained, s[:2] ** 2 / (s**2).sum(), rtol=1e-10)
    assert 1 >= explained[0] >= explained[1] >= 0
    np.testing.assert_allclose(
        points.var(axis=0, ddof=1), np.cov(codes, rowvar=False).trace() * explained, rtol=1e-10
    )  # the variance each axis holds


def test_pca_of_codes_on_a_plane_explains_everything():
    rng = np.random.default_rng(1)
    codes = rng.normal(size=(50, 2)) @ rng.normal(size=(2, 10))
    assert pca_2d(codes).explained.sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="codes must be"):
        pca_2d(np.zeros((5, 1)))


def test_interpolation_ends_are_the_decoded_codes_and_the_walk_is_linear_in_code_space(model):
    data = images(2)
    a, b = data.images[0], data.images[1]
    walk = interpolate(model, a, b, steps=5)
    assert walk.shape == (5, 1, 28, 28) and model.training
    model.eval()
    with torch.no_grad():
        code = model.encoder(data.floats())
        ends = model.decoder(code)
        middle = model.decoder(code.mean(dim=0, keepdim=True))
    torch.testing.assert_close(walk[0], ends[0], atol=1e-6, rtol=0)
    torch.testing.assert_close(walk[-1], ends[1], atol=1e-6, rtol=0)
    torch.testing.assert_close(walk[2], middle[0], atol=1e-6, rtol=0)
    assert not torch.allclose(walk[0], walk[-1])


def test_pixel_blend_goes_from_a_to_b():
    data = images(2)
    blend = pixel_blend(data.images[0], data.images[1], steps=3)
    x = data.floats()
    assert blend.shape == (3, 1, 28, 28)
    torch.testing.assert_close(blend[0], x[0])
    torch.testing.assert_close(blend[1], (x[0] + x[1]) / 2)
    torch.testing.assert_close(blend[2], x[1])
    with pytest.raises(ValueError, match="steps"):
        pixel_blend(x[0], x[1], steps=1)


def _clusters(n: int, seed: int, spread: float) -> tuple[np.ndarray, np.ndarray]:
    """Ten classes around random centres in 32-D, Gaussian noise of ``spread``."""
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(99).normal(size=(10, 32))
    labels = rng.integers(0, 10, size=n)
    return centres[labels] + spread * rng.normal(size=(n, 32)), labels


def test_probe_is_accurate_on_separable_codes_and_at_chance_on_random_labels():
    train_x, train_y = _clusters(1000, seed=0, spread=0.3)
    test_x, test_y = _clusters(500, seed=1, spread=0.3)
    assert probe_accuracy(train_x, train_y, test_x, test_y) > 0.9
    rng = np.random.default_rng(2)
    shuffled = probe_accuracy(train_x, rng.permutation(train_y), test_x, rng.permutation(test_y))
    assert shuffled < 0.2  # chance is 0.1; 500 test points put 0.2 ten standard errors away


def test_stratified_sample_keeps_each_class_share():
    labels = np.repeat([0, 1, 2], [700, 200, 100])
    picked = sample_indices(len(labels), 100, seed=0, labels=labels)
    assert len(picked) == 100 and len(np.unique(picked)) == 100
    assert np.all(np.diff(picked) > 0)
    assert np.abs(np.bincount(labels[picked]) - [70, 20, 10]).max() <= 1
    other = sample_indices(len(labels), 100, seed=1, labels=labels)
    assert not np.array_equal(picked, other)
    np.testing.assert_array_equal(sample_indices(50, 100), np.arange(50))
    assert len(sample_indices(1000, 10, seed=3)) == 10


def test_tsne_embeds_a_stratified_sample_and_says_which():
    codes, labels = _clusters(200, seed=0, spread=0.3)
    labels = np.arange(200) % 10
    with threadpool_limits(1):  # OpenMP threads spin for seconds on a busy 2-core machine
        result = tsne_2d(torch.from_numpy(codes), labels=labels, perplexity=10, max_points=80)
    assert result.points.shape == (80, 2) and np.isfinite(result.points).all()
    assert result.indices.shape == (80,) and np.all(np.diff(result.indices) > 0)
    assert np.bincount(labels[result.indices]).tolist() == [8] * 10


def test_latent_scatter_names_every_class_and_strip_checks_its_rows():
    points = np.random.default_rng(0).normal(size=(40, 2))
    fig = latent_scatter(points, torch.arange(40) % 10, "codes", axis_names=("PC 1", "PC 2"))
    (legend,) = fig.legends  # beside the data, inside the figure's width
    assert [t.get_text() for t in legend.get_texts()] == list(CLASS_NAMES)
    plt.close(fig)
    walk = torch.rand(4, 1, 28, 28)
    fig = interpolation_strip({"decoded codes": walk, "pixel blend": walk})
    assert len(fig.axes) == 8
    plt.close(fig)
    with pytest.raises(ValueError, match="same number"):
        interpolation_strip({"a": walk, "b": walk[:3]})
