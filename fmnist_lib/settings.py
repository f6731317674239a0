"""Budgets, and every ``FMNIST_*`` environment variable, read here and only here.

| variable | meaning | default |
|---|---|---|
| ``FMNIST_BUDGET`` | ``full``, ``quick`` or ``smoke`` | ``full`` |
| ``FMNIST_RUNS`` | where runs live (checkpoints, finished models) | ``experiments.runs`` |
| ``FMNIST_DATA`` | a folder with the four Fashion-MNIST files | searched |
| ``FMNIST_DEVICE`` | ``cpu``, ``cuda``, ``mps``... | the fastest available |
| ``FMNIST_PRECISION`` | ``fp32``, or ``bf16`` (training in bfloat16 autocast) | ``fp32`` |
| ``FMNIST_PROGRESS`` | ``0`` hides progress bars and the lines a run prints | ``1`` |
| ``FMNIST_DEBUG`` | ``1``: the command line shows tracebacks | ``0`` |
| ``FMNIST_CACHE`` | downloaded reference runs (outside a checkout) | ``~/.cache/fmnist-course`` |
| ``FMNIST_REFERENCE_URL`` | the repository's files at this release | GitHub's, see ``published`` |
| ``FMNIST_LANGUAGE`` | ``en`` or ``es``: the words on figures | the notebook's (folder, metadata) |
| ``FMNIST_HEARTBEAT`` | seconds between a search trial's heartbeats (``search``) | ``30`` |
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import torch

from .errors import SettingsError

BUDGET_VAR = "FMNIST_BUDGET"
RUNS_VAR = "FMNIST_RUNS"
DATA_VAR = "FMNIST_DATA"
DEVICE_VAR = "FMNIST_DEVICE"
PRECISION_VAR = "FMNIST_PRECISION"
PROGRESS_VAR = "FMNIST_PROGRESS"
DEBUG_VAR = "FMNIST_DEBUG"
CACHE_VAR = "FMNIST_CACHE"
REFERENCE_URL_VAR = "FMNIST_REFERENCE_URL"
LANGUAGE_VAR = "FMNIST_LANGUAGE"
HEARTBEAT_VAR = "FMNIST_HEARTBEAT"
SOLUTIONS_VAR = "FMNIST_SOLUTIONS"
LANGUAGES = ("en", "es")
#: Training's number formats: ``fp32`` (the default, the published runs'), ``bf16`` (the forward
#: pass and the loss under bfloat16 autocast: faster only on some processors, benchmarks/bf16.py).
PRECISIONS = ("fp32", "bf16")
SPANISH_FOLDER = ("es", "notebooks")  # the Spanish edition's notebooks


@dataclass(frozen=True)
class Budget:
    """How much of the data and of each experiment's epochs a run uses."""

    name: str
    train_size: int | None  # None: all 50,000 training images
    val_subset: int | None  # None: all 10,000 validation images
    test_size: int | None  # None: all 10,000 test images
    max_epochs: int | None  # None: each experiment's own
    demonstration: str = "quick"  # the budget of a chapter's demonstrations and sweeps
    scale: float = 1.0  # the share of a demonstration's steps, seeds or grid this budget runs


BUDGETS: dict[str, Budget] = {
    "full": Budget("full", train_size=None, val_subset=None, test_size=None, max_epochs=None),
    # sweeps and demonstrations at a fraction of the cost
    "quick": Budget("quick", train_size=10_000, val_subset=2000, test_size=None, max_epochs=5),
    # CI's check that every cell runs: a tenth of each demonstration
    "smoke": Budget(
        "smoke",
        train_size=1000,
        val_subset=500,
        test_size=1000,
        max_epochs=2,
        demonstration="smoke",
        scale=0.1,
    ),
}


def project_root() -> Path:
    """The checkout this package lives in (its folder holds ``pyproject.toml``), else the cwd."""
    here = Path(__file__).resolve().parent.parent
    return here if (here / "pyproject.toml").exists() else Path.cwd()


def get_budget(name: str) -> Budget:
    """The budget called ``name``; a ``ValueError`` naming the choices otherwise."""
    if name not in BUDGETS:
        raise SettingsError(f"unknown budget {name!r}; choose one of {sorted(BUDGETS)}")
    return BUDGETS[name]


def budget_from_env(default: str = "full") -> str:
    """The budget named by ``FMNIST_BUDGET`` (``full``, ``quick`` or ``smoke``), else
    ``default``."""
    name = os.environ.get(BUDGET_VAR) or default
    if name not in BUDGETS:
        raise SettingsError(
            f"{BUDGET_VAR}={name!r} is not a budget; set it to one of {sorted(BUDGETS)} or unset it"
        )
    return name


def resolve_budget(budget: str | None) -> str:
    """``budget`` validated, or ``$FMNIST_BUDGET`` / ``full`` when None."""
    return budget_from_env() if budget is None else get_budget(budget).name


def demonstration_budget(budget: str | None = None) -> str:
    """The budget of a chapter's demonstrations and sweeps: ``quick`` (10,000 training images,
    at most 5 epochs) when the chapter runs at ``full`` or ``quick``; ``smoke`` in CI's check."""
    return get_budget(resolve_budget(budget)).demonstration


def scaled(count: int, least: int = 2, budget: str | None = None) -> int:
    """``count`` steps, epochs or seeds of a demonstration, as the budget runs them: all of them
    at ``full`` and ``quick``; at ``smoke`` (CI's check that every cell runs) a tenth, at least
    ``least``."""
    scale = get_budget(resolve_budget(budget)).scale
    return count if scale >= 1 else min(count, max(least, round(count * scale)))


def thinned(values: list[Any], budget: str | None = None) -> list[Any]:
    """A demonstration's grid (batch sizes, rates...), as the budget runs it: all of it at
    ``full`` and ``quick``; at ``smoke`` its first and last values."""
    scale = get_budget(resolve_budget(budget)).scale
    return list(values) if scale >= 1 or len(values) <= 2 else [values[0], values[-1]]


def check_precision(name: str) -> str:
    """``name`` if it is a training precision (``PRECISIONS``), else a one-line
    ``SettingsError``."""
    if name not in PRECISIONS:
        raise SettingsError(f"no precision {name!r}; choose one of {list(PRECISIONS)}")
    return name


def precision_from_env(default: str = "fp32") -> str:
    """The precision named by ``FMNIST_PRECISION`` (``fp32`` or ``bf16``), else ``default``."""
    name = os.environ.get(PRECISION_VAR) or default
    if name not in PRECISIONS:
        raise SettingsError(
            f"{PRECISION_VAR}={name!r} is not a precision; set it to one of {list(PRECISIONS)} or "
            "unset it"
        )
    return name


def resolve_precision(precision: str | None) -> str:
    """``precision`` validated, or ``$FMNIST_PRECISION`` / ``fp32`` when None."""
    return precision_from_env() if precision is None else check_precision(precision)


def runs_dir_from_env() -> Path | None:
    """``$FMNIST_RUNS`` as an absolute path, or None when unset or empty."""
    value = os.environ.get(RUNS_VAR)
    return Path(value).resolve() if value else None


def data_dir_from_env() -> Path | None:
    """``$FMNIST_DATA``, or None when unset or empty."""
    value = os.environ.get(DATA_VAR)
    return Path(value) if value else None


def cache_dir_from_env() -> Path | None:
    """``$FMNIST_CACHE`` as an absolute path, or None when unset or empty."""
    value = os.environ.get(CACHE_VAR)
    return Path(value).expanduser().resolve() if value else None


def reference_url_from_env() -> str | None:
    """``$FMNIST_REFERENCE_URL`` (an ``http://`` or ``https://`` address, no trailing slash), or
    None when unset or empty."""
    value = os.environ.get(REFERENCE_URL_VAR)
    if not value:
        return None
    if not value.startswith(("http://", "https://")):
        raise SettingsError(
            f"{REFERENCE_URL_VAR}={value!r} is not an http:// or https:// address; fix it or "
            "unset it"
        )
    return value.rstrip("/")


def check_language(lang: str) -> str:
    """``lang`` if the course speaks it (``LANGUAGES``), else a one-line ``SettingsError``."""
    if lang not in LANGUAGES:
        raise SettingsError(f"no language {lang!r}; choose one of {list(LANGUAGES)}")
    return lang


#: The notebook metadata where a chapter not in English names its language (``es``): written by
#: ``tools/run_notebooks.py``, read on Colab, where the kernel knows no notebook path.
NOTEBOOK_LANGUAGE = "fmnist_language"
#: How long to wait for Colab's page to hand over the notebook (then: English).
COLAB_TIMEOUT_S = 5.0


@cache
def colab_notebook_language(timeout: float = COLAB_TIMEOUT_S) -> str | None:
    """On Colab, the language the open notebook records (metadata ``NOTEBOOK_LANGUAGE``), asked
    once of Colab's page (``google.colab._message``: ``get_ipynb``); ``None`` elsewhere, for an
    English chapter, or when the page does not answer in ``timeout`` seconds."""
    if "google.colab" not in sys.modules:  # a Colab kernel imports it at start
        return None
    try:
        from google.colab import _message  # type: ignore[import-not-found]

        reply = _message.blocking_request("get_ipynb", request="", timeout_sec=timeout)
        lang = reply["ipynb"]["metadata"].get(NOTEBOOK_LANGUAGE)
    except Exception:  # no answer in time, or not the answer expected: the default language
        return None
    return lang if lang in LANGUAGES else None


def language_from_env(cwd: Path | None = None) -> str:
    """The language of figure titles and labels: ``$FMNIST_LANGUAGE`` (``en`` or ``es``); unset,
    ``es`` for a notebook of the Spanish edition (its kernel runs in ``es/notebooks``, or
    Jupyter's ``JPY_SESSION_NAME`` names a notebook there, or, on Colab, the notebook's metadata
    says so: ``colab_notebook_language``), else ``en``."""
    value = os.environ.get(LANGUAGE_VAR)
    if value:
        if value not in LANGUAGES:
            raise SettingsError(
                f"{LANGUAGE_VAR}={value!r} is not a language of the course; set it to one of "
                f"{list(LANGUAGES)} or unset it"
            )
        return value
    folders = [Path.cwd() if cwd is None else cwd]
    if session := os.environ.get("JPY_SESSION_NAME"):
        folders.append(Path(session).parent)
    if any(f.parts[-2:] == SPANISH_FOLDER for f in folders):
        return "es"
    return colab_notebook_language() or "en"


def debug_from_env() -> bool:
    """Whether ``FMNIST_DEBUG=1`` asks for tracebacks."""
    return os.environ.get(DEBUG_VAR, "0") not in ("", "0")


def progress_from_env() -> bool:
    """Progress bars unless ``FMNIST_PROGRESS=0`` (CI sets it)."""
    return os.environ.get(PROGRESS_VAR, "1") != "0"


def solutions_from_env() -> bool:
    """Whether ``%%solution`` cells run their code (``FMNIST_SOLUTIONS=run``: CI and the stored
    notebooks, so that every solution is checked and shown); a student's Run All leaves them."""
    return os.environ.get(SOLUTIONS_VAR, "") == "run"


def heartbeat_from_env(default: int = 30) -> int:
    """``$FMNIST_HEARTBEAT``: the seconds between the heartbeats a search trial's worker writes
    to the study (a trial silent for several of them is retried), else ``default``."""
    value = os.environ.get(HEARTBEAT_VAR)
    if not value:
        return default
    if not value.isdecimal() or not value.isascii() or int(value) < 1:
        raise SettingsError(
            f"{HEARTBEAT_VAR}={value!r} is not a whole number of seconds (1 or more); fix it or "
            "unset it"
        )
    return int(value)


def has_mps() -> bool:
    """Whether Apple's Metal backend is usable."""
    return bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())


def check_device(name: str) -> torch.device:
    """The device ``name`` (``cpu``, ``cuda``, ``cuda:1``, ``mps``) if this machine has it; a
    ``SettingsError`` that says what it has otherwise."""
    have = (
        ["cpu"] + (["cuda"] if torch.cuda.is_available() else []) + (["mps"] if has_mps() else [])
    )
    try:
        device = torch.device(name)
    except (RuntimeError, ValueError):
        raise SettingsError(f"{name!r} is not a device; this machine has {have}") from None
    usable = device.type == "cpu" or (
        device.type == "cuda" and torch.cuda.is_available()
        and (device.index or 0) < torch.cuda.device_count()
    ) or (device.type == "mps" and has_mps())  # fmt: skip
    if not usable:
        raise SettingsError(f"this machine has no {name!r} device; it has {have}")
    return device


def default_device() -> torch.device:
    """``$FMNIST_DEVICE`` if set (e.g. ``cpu``), else CUDA, else Apple's MPS, else the CPU.

    Exact resume (same final weights as an uninterrupted run) is guaranteed on the CPU only:
    GPU kernels are not all deterministic.
    """
    if os.environ.get(DEVICE_VAR):
        try:
            return check_device(os.environ[DEVICE_VAR])
        except SettingsError as exc:
            raise SettingsError(
                f"{DEVICE_VAR}: {exc}; set it to one of those or unset it"
            ) from None
    if torch.cuda.is_available():
        return torch.device("cuda")
    if has_mps():
        return torch.device("mps")
    return torch.device("cpu")
