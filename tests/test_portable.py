"""The lessons run on a student's laptop: Windows has no ``fcntl`` (nor ``resource``), macOS
and Windows no glibc. A fresh interpreter where those are missing imports every module the
chapters 1-6 import and trains a few steps with the lessons' own loop."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "notebooks").glob("0[1-6]_*.py"))

#: Run first in the child: the platform as a Windows or macOS laptop shows it to Python.
NOT_LINUX = """
import ctypes, platform, sys
sys.modules["fcntl"] = None      # Windows: no fcntl
sys.modules["resource"] = None   # Windows: no resource
platform.libc_ver = lambda *args, **kwargs: ("", "")  # no glibc
_load_library = ctypes.CDLL
def no_c_library(name, *args, **kwargs):  # libraries load (torch's own), glibc's symbols do not
    if name is None:
        raise OSError("no C library here")
    return _load_library(name, *args, **kwargs)
ctypes.CDLL = no_c_library
"""


def chapter_modules() -> list[str]:
    """Every ``fmnist_lib`` module the chapters 1-6 import, however the import is written."""
    found = set()
    for chapter in CHAPTERS:
        source = chapter.read_text()
        found |= set(re.findall(r"^from (fmnist_lib[\w.]*) import", source, re.M))
        for names in re.findall(r"^from fmnist_lib import ([\w, ]+)$", source, re.M):
            found |= {f"fmnist_lib.{n.strip()}" for n in names.split(",")}
    return sorted(found)


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", NOT_LINUX + code], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)  # fmt: skip


def test_the_chapters_import_modules_of_both_houses():
    modules = chapter_modules()
    assert "fmnist_lib.data" in modules and "fmnist_lib.experiments" in modules, modules


@pytest.mark.slow  # a fresh interpreter importing torch, optuna and the rest: ~10 s
def test_every_module_the_chapters_import_works_without_fcntl_or_glibc():
    """The simulation hides ``fcntl`` and glibc (so this can fail: the allocator tuning, the
    one glibc-only call, is skipped), and every module of chapters 1-6 imports under it."""
    imports = "".join(f"importlib.import_module({m!r})\n" for m in chapter_modules())
    code = f"""
import importlib
try:
    import fcntl
except ImportError:
    print("no fcntl")
from fmnist_lib.experiments import machine
print("tuned" if machine.keep_freed_memory() else "not tuned")
{imports}print("imported")
"""
    done = _run(code)
    assert done.stdout.split() == ["no", "fcntl", "not", "tuned", "imported"], done.stderr[-3000:]


@pytest.mark.slow
def test_a_chapters_own_loop_trains_on_the_simulated_laptop():
    code = """
import torch
from fmnist_lib.course import setup
from fmnist_lib.data import splits_for
from fmnist_lib.evaluation import evaluate
from fmnist_lib.models import FeedForwardAutoencoder
from fmnist_lib.training import TrainConfig, fit

setup()
splits = splits_for("smoke")
train, val = splits.train.subset(torch.arange(256)), splits.val.subset(torch.arange(128))
model = FeedForwardAutoencoder()
config = TrainConfig(task="reconstruction", epochs=1, batch_size=64, lr=1e-3)
history = fit(model, train, val, config, progress=False)
print("trained", len(history.epochs), evaluate(model, val, "reconstruction")["loss"] > 0)
"""
    done = _run(code)
    assert done.stdout.split()[-3:] == ["trained", "1", "True"], done.stderr[-3000:]
