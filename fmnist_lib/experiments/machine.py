"""Tuning for the machine the runs train on: the allocator and the threads each worker gets.

The runners (``run_experiment``, the worker processes, the search) call these; the lessons'
modules never do, so a chapter's own loop runs the same on Linux, macOS and Windows.
"""

from __future__ import annotations

import ctypes
import platform

import torch

from ..errors import SettingsError

#: glibc's ``mallopt`` parameters (malloc.h) and the values ``keep_freed_memory`` sets.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD = 32 << 20  # blocks below 32 MiB come from the heap, not from the kernel
TRIM_THRESHOLD = 512 << 20  # the heap keeps up to 512 MiB of freed memory for reuse
_kept_freed_memory: bool | None = None


def keep_freed_memory() -> bool:
    """Ask glibc's ``malloc`` to keep freed blocks for reuse; whether it could (Linux only).

    By default it may hand large freed blocks back to the kernel, so a training step's
    activations (megabytes each) arrive as fresh pages: thousands of page faults per step, up to
    1.3 times slower on the CPU (``benchmarks/freed_memory.py``). The numbers do not change;
    each malloc arena keeps up to ``TRIM_THRESHOLD`` of freed memory. Done once per process.
    """
    global _kept_freed_memory
    if _kept_freed_memory is None:
        _kept_freed_memory = False
        if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
            mallopt = ctypes.CDLL(None).mallopt
            _kept_freed_memory = bool(
                mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
                and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
            )
    return _kept_freed_memory


def threads_per_job(jobs: int) -> int:
    """Torch threads for each of ``jobs`` processes that share this machine: this process's
    threads (torch's default, one per core) divided among them, at least one each."""
    if jobs < 1:
        raise SettingsError(f"jobs must be >= 1, got {jobs}")
    return max(1, torch.get_num_threads() // jobs)
