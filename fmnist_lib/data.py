"""Fashion-MNIST: find the four IDX files, verify them, hold them in memory, batch them.

The data path is deliberately simple: the whole dataset (about 55 MB of uint8) is read once
with numpy, verified against the published checksums, and kept as tensors. Batches are
slices of those tensors, converted to float in [0, 1] on the fly. This is an order of
magnitude faster than a per-item ``Dataset`` + ``ToTensor`` + ``DataLoader`` pipeline
(see ``benchmarks/data_pipeline.py``) and keeps every epoch reproducible from one seed.
"""

from __future__ import annotations

import dataclasses
import errno
import gzip
import hashlib
import os
import warnings
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from .checks import check
from .errors import FmnistError
from .settings import DATA_VAR, data_dir_from_env, get_budget, project_root, resolve_budget
from .storage import atomic_write

CLASS_NAMES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
NUM_CLASSES = len(CLASS_NAMES)
IMAGE_SHAPE = (1, 28, 28)

#: name -> (decompressed size in bytes, SHA-256 of the decompressed bytes), as published.
#: Checking the *decompressed* bytes lets Debian's re-gzipped copy pass (its .gz differs).
FILES: dict[str, tuple[int, str]] = {
    "train-images-idx3-ubyte": (
        47040016,
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    ),
    "train-labels-idx1-ubyte": (
        60008,
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    ),
    "t10k-images-idx3-ubyte": (
        7840016,
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    ),
    "t10k-labels-idx1-ubyte": (
        10008,
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    ),
}
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")

HOW_TO_FIX = (
    "How to fix: on Debian/Ubuntu run `sudo apt-get install dataset-fashion-mnist` "
    f"(files land in {DEBIAN_DIR}); or set {DATA_VAR}=/path/to/folder with the four IDX files "
    "(.gz or uncompressed); or run online once so torchvision can download them "
    "(`python -m fmnist_lib data`)."
)


class DataError(FmnistError, RuntimeError):
    """The dataset is missing, incomplete or does not match the published checksums."""


def cache_dir() -> Path:
    """The project's ``data/`` cache: where torchvision downloads land."""
    return project_root() / "data"


# --------------------------------------------------------------------------- files
@dataclass(frozen=True)
class FileStatus:
    name: str
    path: Path | None
    ok: bool
    detail: str


@dataclass(frozen=True)
class DataSource:
    """A folder holding the four verified files, and how it was found."""

    directory: Path
    origin: str  # "argument", "FMNIST_DATA", "project cache", "Debian package", "download"
    files: dict[str, Path] = field(default_factory=dict)


def _candidates(directory: Path, name: str) -> list[Path]:
    """Where a file may sit below ``directory``: plain, gzipped, or in torchvision's layout."""
    places = [directory, directory / "FashionMNIST" / "raw"]
    return [p / f for p in places for f in (name, name + ".gz")]


def _not_a_file(path: Path) -> str | None:
    """Why ``path``, which is there, is not a readable file (a directory, a broken link, a
    symlink loop); None when it is a file."""
    if path.is_file():
        return None
    if path.is_dir():
        return f"{path} is a directory, not the file"
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"{path} is a symlink loop"
        return f"{path} is a broken symlink (to {os.readlink(path)})"
    return f"{path} is not a regular file"


def _present(path: Path) -> bool:
    """Whether something stands at ``path``; a folder that cannot be looked into is an error."""
    try:
        return path.is_symlink() or path.exists()
    except PermissionError:
        raise DataError(f"{path.parent} cannot be looked into (permission denied)") from None


def find_file(directory: Path, name: str) -> Path | None:
    """The first copy of ``name`` (uncompressed or .gz) in ``directory``, or None. Something in
    its place that is not a file (a directory, a broken link, a loop) is a ``DataError``."""
    for path in _candidates(directory, name):
        if _present(path):
            problem = _not_a_file(path)
            if problem:
                raise DataError(problem)
            return path
    return None


def read_bytes(path: Path, expected_size: int | None = None) -> bytes:
    """The decompressed content of an IDX file, gzipped or not (told by its first bytes, not its
    name). With ``expected_size``, a file that cannot have that size is refused before it is
    read, and decompression stops just past it."""
    try:
        with open(path, "rb") as fh:
            gzipped = fh.read(2) == b"\x1f\x8b"
        size = path.stat().st_size
        if expected_size is not None and size > expected_size + (0 if not gzipped else 1024):
            raise DataError(f"{path} has {size} bytes, more than the {expected_size} expected")
        if not gzipped:
            return path.read_bytes()
        with gzip.open(path, "rb") as fh:
            return fh.read(-1 if expected_size is None else expected_size + 1)
    except PermissionError as exc:
        raise DataError(f"{path} cannot be read ({exc.strerror}); fix its permissions") from None
    except (OSError, EOFError, zlib.error) as exc:  # truncated, damaged, or not gzip at all
        raise DataError(f"{path}: cannot be decompressed ({exc})") from exc


def check_bytes(name: str, content: bytes) -> str | None:
    """None when ``content`` is the published file ``name``, else what is wrong."""
    size, sha = FILES[name]
    if len(content) != size:
        return f"has {len(content)} bytes, expected {size}"
    digest = hashlib.sha256(content).hexdigest()
    if digest != sha:
        return f"SHA-256 {digest[:12]}... differs from the published {sha[:12]}..."
    return None


@lru_cache(maxsize=len(FILES))
def _verified(name: str, path: Path, mtime_ns: int, size: int) -> bytes:
    """Read and verify once per file version; raises DataError on mismatch."""
    content = read_bytes(path, FILES[name][0])
    problem = check_bytes(name, content)
    if problem:
        raise DataError(
            f"{path} {problem}: the file is corrupted, truncated or not Fashion-MNIST's {name}."
        )
    return content


def verified_bytes(path: Path, name: str | None = None) -> bytes:
    """The decompressed, checksum-verified content of ``path`` (Fashion-MNIST file ``name``,
    by default the file's own name without ``.gz``; a symlink keeps the name it is found by)."""
    name = name or path.name.removesuffix(".gz")
    if name not in FILES:
        raise DataError(f"{path}: {name!r} is not one of the dataset's files {sorted(FILES)}")
    st = path.stat()
    return _verified(name, path.resolve(), st.st_mtime_ns, st.st_size)


def file_statuses(directory: Path) -> list[FileStatus]:
    """Status of each of the four files in ``directory`` (never raises)."""
    out = []
    for name in FILES:
        path = None
        try:
            path = find_file(directory, name)
            if path is None:
                out.append(FileStatus(name, None, False, "missing"))
                continue
            verified_bytes(path, name)
            out.append(FileStatus(name, path, True, "ok (checksum verified)"))
        except DataError as exc:
            out.append(FileStatus(name, path, False, str(exc)))
    return out


def _has_any(directory: Path) -> bool:
    """Whether anything stands where one of the files would be."""
    try:
        return any(_present(p) for n in FILES for p in _candidates(directory, n))
    except DataError:
        return True  # something is there: file_statuses says what is wrong with it


def how_to_fix(origin: str, directory: Path) -> str:
    """Advice that fits where the data was looked for."""
    if origin == DATA_VAR:
        return (
            f"How to fix: point {DATA_VAR} (now {directory}) at a folder with the four "
            "files (.gz or uncompressed), or unset it to use the default locations."
        )
    if origin == "argument":
        return (
            f"How to fix: pass a folder with the four files (.gz or uncompressed), e.g. "
            f"{DEBIAN_DIR} from Debian's dataset-fashion-mnist."
        )
    return HOW_TO_FIX


def _download(directory: Path) -> None:
    """Let torchvision fetch the files into ``directory/FashionMNIST/raw`` (needs internet)."""
    from torchvision.datasets import FashionMNIST

    try:
        FashionMNIST(root=str(directory), train=True, download=True)
        FashionMNIST(root=str(directory), train=False, download=True)
    except Exception as exc:
        raise DataError(
            f"Fashion-MNIST was not found locally and the download failed ({exc}). {HOW_TO_FIX}"
        ) from exc


def locate(root: str | os.PathLike | None = None, download: bool = True) -> DataSource:
    """Find and verify the four files.

    Order: ``root``, then ``$FMNIST_DATA``, the project's ``data/`` cache, Debian's
    ``/usr/share/datasets/fashion-mnist``, then torchvision's download (online). An explicit
    location (``root`` or the variable) that is wrong is an error, not a reason to look
    elsewhere: silently training on other data than the one asked for would be worse.
    """
    explicit = [(Path(root), "argument")] if root is not None else []
    from_env = data_dir_from_env()
    if not explicit and from_env is not None:
        explicit = [(from_env, DATA_VAR)]
    implicit = [(cache_dir(), "project cache"), (DEBIAN_DIR, "Debian package")]
    problems = []
    for directory, origin in explicit or implicit:
        if not explicit and not _has_any(directory):
            continue
        statuses = file_statuses(directory)
        bad = [s for s in statuses if not s.ok]
        if not bad:
            return DataSource(directory, origin, {s.name: s.path for s in statuses if s.path})
        lines = "\n".join(f"  {s.name}: {s.detail}" for s in bad)
        problem = f"Fashion-MNIST in {directory} ({origin}) is not usable:\n{lines}"
        if explicit:
            raise DataError(f"{problem}\n{how_to_fix(origin, directory)}")
        # a broken default location (e.g. an interrupted download) must not hide a good one
        warnings.warn(f"{problem}\nskipping it (delete it to silence this warning)", stacklevel=2)
        problems.append(problem)
    if not download:
        raise DataError("\n".join([*problems, f"Fashion-MNIST was not found. {HOW_TO_FIX}"]))
    target = cache_dir()
    _download(target)
    return dataclasses.replace(locate(target, download=False), origin="download")


def parse_idx(content: bytes) -> np.ndarray:
    """Decode an IDX byte string (magic, dims, uint8 payload) into a numpy array."""
    if len(content) < 4 or content[:2] != b"\x00\x00" or content[2] != 0x08:
        raise DataError("not an IDX file of unsigned bytes")
    ndim = content[3]
    dims = tuple(int.from_bytes(content[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(content, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


# --------------------------------------------------------------------------- in memory
@dataclass(frozen=True)
class ImageSet:
    """Images (N, 1, 28, 28) uint8 and labels (N,) int64, kept in memory."""

    images: torch.Tensor
    labels: torch.Tensor

    def __post_init__(self) -> None:
        if self.images.dtype != torch.uint8 or self.images.shape[1:] != IMAGE_SHAPE:
            raise ValueError(
                f"images must be uint8 (N, 1, 28, 28), got {self.images.dtype} "
                f"{tuple(self.images.shape)}"
            )
        if self.labels.shape != (len(self.images),):
            raise ValueError("labels must be one per image")

    def __len__(self) -> int:
        return len(self.images)

    def subset(self, index: torch.Tensor | Sequence[int]) -> ImageSet:
        index = torch.as_tensor(index, dtype=torch.long)
        return ImageSet(self.images[index], self.labels[index])

    def floats(self) -> torch.Tensor:
        """All images as float32 in [0, 1]."""
        return to_float(self.images)

    def class_counts(self) -> list[int]:
        return torch.bincount(self.labels, minlength=NUM_CLASSES).tolist()


def to_float(images: torch.Tensor) -> torch.Tensor:
    """uint8 pixels -> float32 in [0, 1]."""
    return images.to(torch.float32).div_(255.0)


@dataclass(frozen=True)
class Splits:
    train: ImageSet
    val: ImageSet
    test: ImageSet

    def sizes(self) -> dict[str, int]:
        return {"train": len(self.train), "val": len(self.val), "test": len(self.test)}


@lru_cache(maxsize=4)
def _load_official(directory: str) -> tuple[ImageSet, ImageSet]:
    source = locate(directory, download=False)
    arrays = {n: parse_idx(verified_bytes(p, n)) for n, p in source.files.items()}

    def make(prefix: str) -> ImageSet:
        images = torch.from_numpy(arrays[f"{prefix}-images-idx3-ubyte"].copy()).unsqueeze(1)
        labels = torch.from_numpy(arrays[f"{prefix}-labels-idx1-ubyte"].astype(np.int64))
        return ImageSet(images, labels)

    return make("train"), make("t10k")


def load_official(root: str | os.PathLike | None = None) -> tuple[ImageSet, ImageSet]:
    """The official 60,000 training and 10,000 test images, verified, as ``ImageSet`` s."""
    return _load_official(str(locate(root).directory))


def stratified_indices(
    labels: torch.Tensor, per_class: int | Sequence[int], seed: int
) -> torch.Tensor:
    """A seeded choice of ``per_class`` indices from each class (sorted)."""
    counts = [per_class] * NUM_CLASSES if isinstance(per_class, int) else list(per_class)
    rng = np.random.default_rng(seed)
    labels_np = labels.numpy()
    chosen = []
    for c, k in enumerate(counts):
        pool = np.flatnonzero(labels_np == c)
        if k > len(pool):
            raise ValueError(f"class {c} has {len(pool)} images, {k} were asked for")
        chosen.append(rng.choice(pool, size=k, replace=False))
    return torch.from_numpy(np.sort(np.concatenate(chosen)))


def _per_class(total: int, what: str) -> int:
    if total % NUM_CLASSES or total <= 0:
        raise ValueError(
            f"{what}={total} must be a positive multiple of {NUM_CLASSES} "
            "so that every class gets the same share"
        )
    return total // NUM_CLASSES


#: SHA-256 of the default validation split's indices (10,000 images, seed 0, little-endian
#: int64): the split every published run was trained with.
VAL_SPLIT_SHA256 = "209704121b8fb78d8aace41cc5177655bc2968c687203a242eb5e5ffc928368a"


def split_sha256(indices: torch.Tensor) -> str:
    """The SHA-256 of a split's indices, as little-endian int64."""
    return hashlib.sha256(indices.numpy().astype("<i8").tobytes()).hexdigest()


def check_split(val_indices: torch.Tensor) -> None:
    """Refuse a default validation split that is not the published one (e.g. a numpy release
    whose generator draws differently): results would no longer be comparable."""
    if split_sha256(val_indices) != VAL_SPLIT_SHA256:
        raise DataError(
            "this numpy draws a different validation split from the one the published runs used "
            f"(SHA-256 {split_sha256(val_indices)[:12]}... instead of {VAL_SPLIT_SHA256[:12]}...);"
            f" install numpy as pinned in constraints.txt (this one is {np.__version__})"
        )


def load_splits(
    val_size: int = 10_000,
    train_size: int | None = None,
    val_subset: int | None = None,
    test_size: int | None = None,
    split_seed: int = 0,
    root: str | os.PathLike | None = None,
) -> Splits:
    """Train / validation / test splits of Fashion-MNIST.

    The validation set is carved out of the 60,000 official training images (stratified,
    ``val_size`` images, seeded by ``split_seed``); the remaining images are the training set.
    The official 10,000 test images are kept apart and are meant for the *final* evaluation
    only: choosing epochs, early stopping or hyperparameters on them would leak the test set
    into the model selection and make the reported test score optimistic.

    ``train_size``, ``val_subset`` and ``test_size`` take stratified subsets (the smoke budget);
    the split itself does not depend on them, so a smaller budget sees a subset of the same split.
    """
    train_all, test = load_official(root)
    val_idx = stratified_indices(train_all.labels, _per_class(val_size, "val_size"), split_seed)
    if (val_size, split_seed) == (10_000, 0):
        check_split(val_idx)
    mask = torch.ones(len(train_all), dtype=torch.bool)
    mask[val_idx] = False
    train, val = train_all.subset(mask.nonzero().squeeze(1)), train_all.subset(val_idx)
    if train_size is not None:
        train = train.subset(
            stratified_indices(train.labels, _per_class(train_size, "train_size"), split_seed + 1)
        )
    if val_subset is not None:
        val = val.subset(
            stratified_indices(val.labels, _per_class(val_subset, "val_subset"), split_seed + 2)
        )
    if test_size is not None:
        test = test.subset(
            stratified_indices(test.labels, _per_class(test_size, "test_size"), split_seed + 3)
        )
    return Splits(train, val, test)


def splits_for(budget: str | None = None) -> Splits:
    """The training, validation and test images of a budget (``settings.BUDGETS``); by default
    the chapter's (``$FMNIST_BUDGET``, else ``full``)."""
    b = get_budget(resolve_budget(budget))
    return load_splits(train_size=b.train_size, val_subset=b.val_subset, test_size=b.test_size)


class Batches:
    """Mini-batches of an ``ImageSet`` by slicing: ``(x float (B,1,28,28) in [0,1], y (B,))``.

    With ``shuffle=True`` each pass draws a new permutation from ``generator``; saving and
    restoring ``generator.get_state()`` therefore reproduces the exact batch order.
    """

    def __init__(
        self,
        data: ImageSet,
        batch_size: int,
        shuffle: bool = False,
        generator: torch.Generator | None = None,
        device: torch.device | str = "cpu",
    ) -> None:
        check("batch_size", batch_size)
        self.data, self.batch_size, self.shuffle = data, batch_size, shuffle
        self.generator = generator if generator is not None else torch.Generator().manual_seed(0)
        self.device = torch.device(device)

    def __len__(self) -> int:
        return -(-len(self.data) // self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        images, labels = self.data.images, self.data.labels
        if self.shuffle:
            order = torch.randperm(len(images), generator=self.generator)
            images, labels = images[order], labels[order]
        if self.device.type != "cpu":  # move once per pass, convert per batch on the device
            images, labels = images.to(self.device), labels.to(self.device)
        for start in range(0, len(images), self.batch_size):
            stop = start + self.batch_size
            yield to_float(images[start:stop]), labels[start:stop]


def ensure_torchvision_layout(
    root: str | os.PathLike | None = None, target: str | os.PathLike | None = None
) -> Path:
    """Write the four verified, uncompressed files to ``<target>/FashionMNIST/raw`` (default
    target: the project's ``data/``) unless verified copies are already there.

    torchvision's ``FashionMNIST(download=False)`` reads only that layout; this lets it run
    offline from the Debian package (used by the benchmark). Returns the ``root`` to pass it.
    """
    source = locate(root)
    target = Path(target) if target is not None else cache_dir()
    raw = target / "FashionMNIST" / "raw"
    for name, path in source.files.items():
        existing = raw / name
        try:
            verified_bytes(existing, name)
        except (OSError, DataError):
            atomic_write(existing, verified_bytes(path, name))
    return target
