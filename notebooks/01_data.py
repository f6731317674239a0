# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: -all
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 1. Fashion-MNIST: the data
#
# This course trains autoencoders that compress and rebuild images, and classifiers that name
# what an image shows. Everything starts with the data: what it is, where it comes from, how we
# check it, and how we split it so that the numbers we report mean what they say.
#
# **You will learn** what Fashion-MNIST contains, why we carve a validation set out of the
# training images and keep the test set for the very end, and how the course feeds images to a
# network quickly.

# %%
# Setup. On Colab, install the course library first (Colab's own PyTorch is kept).
import importlib.util
import subprocess
import sys

if "google.colab" in sys.modules and not importlib.util.find_spec("fmnist_lib"):
    package = "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)

from fmnist_lib.course import setup

BUDGET = setup()  # FMNIST_BUDGET=full (default) or smoke

# %% [markdown]
# ## What Fashion-MNIST is
#
# Fashion-MNIST (Zalando Research, 2017) is 70,000 grey-scale photographs of clothing,
# $28 \times 28$ pixels each, in 10 classes. It was designed as a drop-in replacement for the
# handwritten digits of MNIST: same size, same format, but harder. Each image is a
# matrix $x \in \{0, \dots, 255\}^{28 \times 28}$ and each label $y \in \{0, \dots, 9\}$.

# %%
# NBVAL_CHECK_OUTPUT
from fmnist_lib.data import CLASS_NAMES

for label, name in enumerate(CLASS_NAMES):
    print(label, name)

# %% [markdown]
# ## Where the data comes from
#
# The library looks for the four files of the dataset (images and labels, for training and
# test) in this order: a folder you name, the `FMNIST_DATA` environment variable, the project's
# `data/` cache, Debian's package `dataset-fashion-mnist` (offline), and finally torchvision's
# download (online). Whatever the source, **every file is checked** against the SHA-256 of the
# published dataset before a single image is used: a truncated download or a corrupted disk
# then stops us with an error that names the file, instead of silently training on garbage.

# %%
from fmnist_lib import data

source = data.locate()
print(f"found via: {source.origin}  ({source.directory})")
for status in data.file_statuses(source.directory):
    print(f"  {status.name:<26} {status.detail}")

# %% [markdown]
# The checksum is taken on the *decompressed* bytes. That matters: Debian re-compressed the
# files, so their `.gz` differs from Zalando's, yet the images inside are identical.

# %%
# NBVAL_CHECK_OUTPUT
for name, (size, sha256) in data.FILES.items():
    print(f"{name:<26} {size:>9,} bytes  sha256 {sha256[:16]}...")

# %% [markdown]
# ## A first look
#
# The official split has 60,000 training and 10,000 test images, perfectly balanced: 6,000 and
# 1,000 per class.

# %%
# NBVAL_CHECK_OUTPUT
import pandas as pd

train_official, test_official = data.load_official()
pd.DataFrame(
    {
        "class": CLASS_NAMES,
        "train": train_official.class_counts(),
        "test": test_official.class_counts(),
    }
)

# %%
from fmnist_lib.plots import sample_grid

fig = sample_grid(train_official, per_class=10)

# %% [markdown]
# Some classes are easy to tell apart (a trouser looks like nothing else); others share their
# outline — T-shirt, pullover, coat and shirt. Keep that in mind: it is where the classifiers of
# chapter 4 will make their mistakes.
#
# Pixel intensities are stored as bytes; the networks see them divided by 255, in $[0, 1]$.
# The mean and standard deviation over the training set:

# %%
# NBVAL_CHECK_OUTPUT
pixels = train_official.images.double() / 255
print(f"mean {pixels.mean():.4f}, std {pixels.std():.4f}")

# %% [markdown]
# ## Train, validation, test
#
# Training a network means making hundreds of choices: how many epochs, which learning rate,
# which architecture, when to stop. Each choice made by looking at a set of images makes the
# model a little better *on that set*. If we then report our score on the same images, the
# score is optimistic. So we use three disjoint sets:
#
# | set | size | used for |
# |---|---|---|
# | **train** | 50,000 | fitting the weights (gradient descent) |
# | **validation** | 10,000, carved from the official training images | every choice: epochs, early stopping, hyperparameters |
# | **test** | the official 10,000 | one final measurement of the chosen models, nothing else |
#
# The validation set is *stratified* (1,000 images of each class) and drawn with a fixed seed,
# so everybody gets the same split.

# %%
# NBVAL_CHECK_OUTPUT
from fmnist_lib.data import load_splits

full = load_splits()
pd.DataFrame(
    {split: getattr(full, split).class_counts() for split in ("train", "val", "test")},
    index=CLASS_NAMES,
)

# %%
from fmnist_lib.plots import class_histogram

fig = class_histogram(
    {split: getattr(full, split).class_counts() for split in ("train", "val", "test")}
)

# %% [markdown]
# ## Budgets
#
# Training the paper's models once at its settings takes about an hour and a half on a 2-core
# CPU (every experiment of this course, classifiers with three seeds: about four hours). To keep the notebooks testable, the library has
# **budgets**: `full` uses all the data and the paper's epochs; `smoke` takes small stratified
# subsets *of the same split* and two epochs, so that the very same code runs in a minute
# (continuous integration uses it); `quick` sits in between for sweeps. Set the environment
# variable `FMNIST_BUDGET` before starting Jupyter to choose.

# %%
# NBVAL_CHECK_OUTPUT
from dataclasses import asdict

from fmnist_lib.settings import BUDGETS

pd.DataFrame(
    [
        {k: "all / the paper's" if v is None else v for k, v in asdict(b).items()}
        for b in BUDGETS.values()
    ]
).set_index("name")

# %%
from fmnist_lib.experiments import splits_for

splits = splits_for(BUDGET)
print(f"this notebook's budget ({BUDGET}):", splits.sizes())

# %% [markdown]
# ## Feeding the network
#
# The whole dataset is about 55 MB of bytes, so we keep it in memory as one tensor and cut
# mini-batches by slicing, converting each batch to floats in $[0, 1]$. A new random order is
# drawn for every epoch from a seeded generator, so runs are reproducible. This is more than
# ten times faster than reading images one by one through a `Dataset` and a `DataLoader`
# (`benchmarks/data_pipeline.py` measures it).

# %%
# NBVAL_CHECK_OUTPUT
import torch

from fmnist_lib.data import Batches

batches = Batches(
    full.train, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(0)
)
x, y = next(iter(batches))
print(
    f"{len(batches)} batches per epoch; x: {tuple(x.shape)} {x.dtype} in [{x.min():.1f}, "
    f"{x.max():.1f}]; "
    f"y: {tuple(y.shape)} {y.dtype}"
)

# %% [markdown]
# ## Exercises
#
# 1. Find two classes whose *average* image is most alike (hint: `train_official.images[labels == c].float().mean(0)`).
# 2. Change `split_seed` in `load_splits` and check that the test set does not change.
# 3. Why would choosing the number of epochs on the test set make the reported accuracy optimistic?
