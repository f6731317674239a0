# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,jupyter,-all
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
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/fmnist-course/fmnist-course/blob/v0.1.0/notebooks/01_data.ipynb)
#
# This course trains autoencoders that compress and rebuild images, and classifiers that name
# what an image shows. Everything starts with the data: what it is, where it comes from, how we
# check it, and how we split it so that the numbers we report mean what they say.
#
# **Objectives.** After this chapter you will be able to:
#
# - explain what Fashion-MNIST contains and how the course finds the files and verifies them;
# - compute statistics of the images (class counts, pixel mean and standard deviation, the
#   average image of a class) from the tensors held in memory;
# - explain why we carve a validation set out of the training images and keep the test set for
#   one final measurement, and what changes when the split's seed changes;
# - say which images the demonstration runs of later chapters train on (a stratified subset of
#   the same split);
# - feed images to a network in mini-batches with `Batches` and count the batches of an epoch.
#
# **Study time.** About 70 minutes: about 20 to read the chapter and run its cells, and about ten
# for each of its 5 exercises (estimated from its length, at about 100 words of prose or ten lines
# of code a minute). Running it takes about a minute and a half (77 s measured at the full budget
# on a 2-core CPU).

# %% tags=["hide-input"]
if "google.colab" in str(get_ipython()):  # on Colab: install the course's library
    # %pip install -q \
#         "fmnist-lib @ git+https://github.com/fmnist-course/fmnist-course@v0.1.0"

# %% [markdown]
# ## What Fashion-MNIST is
#
# Fashion-MNIST (Zalando Research, 2017) is 70,000 grey-scale photographs of clothing,
# $28 \times 28$ pixels each, in 10 classes. It was designed as a drop-in replacement for the
# handwritten digits of MNIST: same size, same format, but harder. Each image is a
# matrix $x \in \{0, \dots, 255\}^{28 \times 28}$ and each label $y \in \{0, \dots, 9\}$.

# %%
from fmnist_lib.course import setup
from fmnist_lib.data import CLASS_NAMES
from fmnist_lib.numerals import numeral

setup()  # seeds the random generators and sets up the figures
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

# %% tags=["nbval-check-output"]
for name, (size, sha256) in data.FILES.items():
    print(f"{name:<26} {numeral(size):>9,} bytes  sha256 {sha256[:16]}...")

# %% [markdown]
# ## A first look
#
# The official split has 60,000 training and 10,000 test images, perfectly balanced: 6,000 and
# 1,000 per class.

# %% tags=["nbval-check-output"]
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

# %% tags=["nbval-check-output"]
pixels = train_official.images.double() / 255
pixel_mean, pixel_std = pixels.mean().item(), pixels.std().item()
print(f"mean {numeral(pixel_mean):.4f}, std {numeral(pixel_std):.4f}")

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
# | **validation** | 10,000 | every choice: epochs, early stopping, hyperparameters |
# | **test** | the official 10,000 | one final measurement of the chosen models, nothing else |
#
# Train and validation images are both carved out of the 60,000 official training images. The
# validation set is *stratified* (1,000 images of each class) and drawn with a fixed seed, so
# everybody gets the same split.

# %% tags=["nbval-check-output"]
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
# ## Smaller runs
#
# Training the paper's models once at its settings takes about half an hour on a quiet 2-core
# CPU with a fast matrix multiply, about an hour on a slower one (measured: 26.6 minutes, or
# 57.7 scaled to a 171 GFLOP/s machine; every experiment with three seeds takes several hours:
# the reproduction report's time table). The chapters reuse the course's published runs of
# those, and train their own *demonstrations* (a sweep, a comparison of seeds) on a smaller
# sample **of the same split**: 10,000 training and 2,000 validation images, stratified, with
# at most five epochs. A demonstration's numbers are therefore lower than the paper's, but
# they come from the same images, drawn the same way. (The course's automatic check runs every
# chapter on an even smaller sample, only to see that every cell runs.)

# %%
from fmnist_lib.data import splits_for
from fmnist_lib.settings import demonstration_budget

demonstration = splits_for(demonstration_budget())
print("a demonstration run's images:", demonstration.sizes())
print("validation images per class:", set(demonstration.val.class_counts()))

# %% [markdown]
# ## Feeding the network
#
# The whole dataset is about 55 MB of bytes, so we keep it in memory as one tensor and cut
# mini-batches by slicing, converting each batch to floats in $[0, 1]$. A new random order is
# drawn for every epoch from a seeded generator, so runs are reproducible. This is more than
# ten times faster than reading images one by one through a `Dataset` and a `DataLoader`
# (`benchmarks/data_pipeline.py` measures it).

# %% tags=["nbval-check-output"]
import torch

from fmnist_lib.data import Batches

batches = Batches(
    full.train, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(0)
)
x, y = next(iter(batches))
print(
    f"{len(batches)} batches per epoch; x: "
    f"{tuple(x.shape)} {x.dtype} in [{numeral(x.min()):.1f}, "
    f"{numeral(x.max()):.1f}]; "
    f"y: {tuple(y.shape)} {y.dtype}"
)

# %% [markdown]
# ## Exercises
#

# %%
from fmnist_lib.exercises import check_answer

# %% [markdown]
# 1. Which class has the most ink, that is the highest mean pixel value over its training
#    images? Guess from the sample grid first, then compute it from `train_official` (pixels
#    divided by 255, as above) and answer with a name from `CLASS_NAMES`.

# %%
answer = ...  # exercise 1: the class name
check_answer("1.1", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 1</summary>
#
# Average the pixels of each class's 6,000 training images and take the class with the largest
# mean. The cell below prints the ten means, largest first: coats and pullovers, with long sleeves
# and a wide body, have the most ink; sandals and sneakers, mostly background, the least.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
ink = torch.stack(
    [
        train_official.images[train_official.labels == c].double().mean() / 255
        for c in range(len(CLASS_NAMES))
    ]
)
for c in ink.argsort(descending=True).tolist():
    print(f"{CLASS_NAMES[c]:<12} {numeral(ink[c]):.4f}")
check_answer("1.1", CLASS_NAMES[int(ink.argmax())])

# %% [markdown]
# 2. Which two classes have the most alike *average* images? Compute the average image of each
#    class (`train_official.images[train_official.labels == c].double().mean(0) / 255`), the
#    Euclidean distance between every two of them (`torch.cdist` on the flattened averages), and
#    answer with the set of the two names, e.g. `{"Dress", "Bag"}`.

# %%
answer = ...  # exercise 2: a set of two class names
check_answer("1.2", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 2</summary>
#
# The average image of a class is the pixel-by-pixel mean of its training images. Flatten the ten
# averages into vectors of 784 numbers, compute every pairwise Euclidean distance, leave out the
# diagonal (a class against itself) and take the smallest. The cell prints the four closest
# pairs: all of them come from the four classes that the sample grid showed sharing an outline
# (T-shirt, pullover, coat, shirt), the pair with the smallest distance first.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
class_means = torch.stack(
    [
        train_official.images[train_official.labels == c].double().mean(0).flatten()
        / 255
        for c in range(len(CLASS_NAMES))
    ]
)
distances = torch.cdist(class_means, class_means)
pairs = sorted(
    (distances[a, b].item(), CLASS_NAMES[a], CLASS_NAMES[b])
    for a in range(len(CLASS_NAMES))
    for b in range(a + 1, len(CLASS_NAMES))
)
for distance, a, b in pairs[:4]:
    print(f"{a:<12} {b:<12} {numeral(distance):.2f}")
check_answer("1.2", {pairs[0][1], pairs[0][2]})

# %% [markdown]
# 3. **Predict, then run.** Change `split_seed` in `load_splits` from 0 to 1. Before you run it,
#    predict which of the three sets change, and about how many of the 10,000 validation images
#    are validation images under both seeds. Then check: the validation set of
#    `load_splits(split_seed=seed)` is made of the official training images at the indices
#    `data.stratified_indices(train_official.labels, 1000, seed)`; count the indices that both
#    seeds draw, and compare the test sets. (The check below takes an estimate within 5% of the
#    count as a good one, then asks you to count exactly.)

# %%
# exercise 3: the sets that change, e.g. {"test"} (of "train", "val", "test")
answer = ...
check_answer("1.3a", answer)

# %%
# exercise 3: your estimate, then the count, of the images drawn by both seeds
answer = ...
check_answer("1.3", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 3</summary>
#
# The prediction: the test set does not change at all. With the default arguments `load_splits`
# takes it whole from the official test file, and the seed decides which training images go to
# validation. (Asked for a smaller test set, `load_splits(test_size=...)`, the seed would draw
# that subset too.) The validation and training sets both change: the images that leave
# validation join training and the other way round. Each seed draws 1,000 of each class's 6,000
# images, independently, so a given image is drawn by both with probability $(1000/6000)^2$; of
# 6,000 images, that is $6000 \cdot (1/6)^2 \approx 167$ per class, about 1,667 of the 10,000
# validation images (one in six). The cell checks that these indices are the validation sets,
# counts the overlap and compares the test sets.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
reseeded = load_splits(split_seed=1)
val_index = {
    seed: data.stratified_indices(train_official.labels, 1000, seed) for seed in (0, 1)
}
print(
    "the indices give the validation sets:",
    torch.equal(train_official.images[val_index[0]], full.val.images)
    and torch.equal(train_official.images[val_index[1]], reseeded.val.images),
)
print(
    "test set unchanged:",
    torch.equal(full.test.images, reseeded.test.images)
    and torch.equal(full.test.labels, reseeded.test.labels),
)
print("training set unchanged:", torch.equal(full.train.images, reseeded.train.images))
both = set(val_index[0].tolist()) & set(val_index[1].tolist())
print(f"validation images under both seeds: {len(both)} of {len(reseeded.val)}")
print(check_answer("1.3a", {"train", "val"}))  # the sets that changed, as printed above
check_answer("1.3", len(both))

# %% [markdown]
# 4. One epoch of `Batches(full.train, batch_size=128)`: how many batches does it have, and how
#    many images are in the last one? Answer with the pair `(batches, images in the last one)`.

# %%
answer = ...  # exercise 4: (batches, images in the last batch)
check_answer("1.4", answer)

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 4</summary>
#
# `Batches` cuts the $N$ training images into consecutive slices of $B$ (after shuffling, if
# asked: the sizes are the same either way). That makes $\lceil N / B \rceil$ batches, and the
# last one holds what is left, $N - (\lceil N / B \rceil - 1) B$ images ($B$ when $B$ divides
# $N$). Every image is still seen exactly once per epoch. The cell counts them.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
batches_128 = Batches(full.train, batch_size=128)
batch_sizes = [len(labels) for _, labels in batches_128]
print(
    f"{len(full.train)} images in batches of 128: {len(batches_128)} batches, "
    f"the last with {batch_sizes[-1]} images; {sum(batch_sizes)} images in all"
)
check_answer("1.4", (len(batches_128), batch_sizes[-1]))

# %% [markdown]
# 5. Why would choosing the number of epochs on the test set make the reported test accuracy
#    optimistic?

# %% [markdown] jupyter={"source_hidden": true} tags=["solution"]
# <details><summary>Solution 5</summary>
#
# A test accuracy is a measurement on a sample of 10,000 images, so it carries noise: a model
# whose true accuracy is $a$ scores $a$ plus or minus about $\sqrt{a(1-a)/n}$, some 0.3
# percentage points for $a = 0.9$ and $n = 10{,}000$. Choosing the epoch whose *test* accuracy is
# highest picks, among epochs of similar true accuracy, the one whose noise happened to help most,
# and then reports that very number: the maximum of several noisy measurements, which is on
# average larger than the true accuracy of the chosen model. The test set has been used to make a
# choice, so it no longer measures the chosen model independently. Making the choice on the
# validation set and measuring once on the test set keeps the test score honest.
#
# The simulation below isolates the effect: 20 epochs that all have the same true accuracy of
# 0.9, each measured on 10,000 test images, repeated 1,000 times. Any gain from picking the best
# epoch is noise. Each epoch's measurement is drawn independently here; real epochs are scored
# on one shared test set and mostly make the same predictions, so their errors are correlated
# and the real gain is smaller: the simulation gives an upper bound.
#
# </details>

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell", "solution"]
# %%solution
true_accuracy, epochs, repetitions, n_test = 0.9, 20, 1000, 10_000
measured = (
    torch.binomial(
        torch.full((repetitions, epochs), float(n_test)),
        torch.full((repetitions, epochs), true_accuracy),
        generator=torch.Generator().manual_seed(0),
    )
    / n_test
)
print(
    f"one epoch's measured accuracy, on average:   {numeral(measured[:, 0].mean()):.4f}"
)
print(
    f"the best epoch's measured accuracy, average: "
    f"{numeral(measured.max(1).values.mean()):.4f}"
)
print(f"true accuracy of every epoch:                {numeral(true_accuracy):.4f}")

# %% [markdown]
# ## Summary
#
# - Fashion-MNIST is a set of small grey-scale images of clothing in ten balanced classes; the
#   library finds its four files and verifies their checksums before any image is used.
# - Pixels are bytes; the networks see them divided by 255. Counts, means and average images are
#   one line of tensor code once the data is in memory.
# - The validation set is carved out of the official training images, stratified and seeded; every
#   choice is made on it, and the official test set is kept for one final measurement.
# - The chapters' demonstrations train on a smaller stratified sample of the same split (10,000
#   training images): lower numbers than the paper's, from the same images.
# - `Batches` feeds the network in-memory slices, reshuffled each epoch from a seeded generator.
#
# **Check yourself:** [a quiz on this chapter's ideas](quizzes/01_quiz.ipynb), with an explanation
# for every answer.

# %%
print(f"data found via: {source.origin}")
print(
    f"official images: {numeral(len(train_official)):,} training, "
    f"{numeral(len(test_official)):,} test, "
    f"{len(CLASS_NAMES)} classes"
)
print(
    f"pixel mean {numeral(pixel_mean):.4f}, std {numeral(pixel_std):.4f} (training "
    f"images, in [0, 1])"
)
print(
    f"splits: {full.sizes()}; validation images per class: "
    f"{set(full.val.class_counts())}"
)
print(f"a demonstration run's images: {demonstration.sizes()}")
print(
    f"batches of {batches.batch_size}: {len(batches)} per epoch of the training split"
)
