"""Writing files so that a crash never leaves half of one: write beside, then rename.

A temporary file is named after the target, the process, the host and a random token (two
containers sharing a volume can both be PID 1), is removed on any failure, and a disk that
fills up is reported as ``NoSpace`` naming the file.
"""

from __future__ import annotations

import errno
import io
import os
import secrets
import shutil
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from .errors import NoSpace, SettingsError

TEMPORARY_SUFFIX = ".tmp"
FULL = (errno.ENOSPC, errno.EDQUOT)  # no space left, or the user's disk quota reached


def _temporary(path: Path) -> Path:
    token = f"{os.getpid()}-{socket.gethostname()}-{secrets.token_hex(4)}"
    return path.with_name(f".{path.name}.{token}{TEMPORARY_SUFFIX}")


def is_temporary(path: Path) -> bool:
    """Whether ``path`` is a temporary file left by an atomic write."""
    return path.name.startswith(".") and path.name.endswith(TEMPORARY_SUFFIX)


def sweep_temporaries(folder: Path) -> list[Path]:
    """Remove the temporaries that killed writes left in ``folder``; return them. Call it only
    where no other process is writing (e.g. holding the run's lock)."""
    stale = [p for p in folder.glob(f".*{TEMPORARY_SUFFIX}") if p.is_file() and is_temporary(p)]
    for p in stale:
        p.unlink(missing_ok=True)
    return stale


def _no_space(path: Path) -> NoSpace:
    return NoSpace(f"no space left on device while writing {path}")


def check_writable_folder(folder: str | os.PathLike[str], advice: str) -> Path:
    """Make ``folder`` if it is missing and check, by writing a file there, that files can be
    written in it, before any work: a file in its way, a read-only folder or one that cannot be
    made is a ``SettingsError`` ending with ``advice`` (e.g. "choose another runs folder"), a
    full disk ``NoSpace``."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = _temporary(folder / "write-check")
        with open(probe, "xb"):
            pass
        probe.unlink()
    except (FileExistsError, NotADirectoryError):
        raise SettingsError(
            f"cannot use the folder {folder}: a file stands in its way; {advice}"
        ) from None
    except OSError as exc:
        if exc.errno in FULL:
            raise NoSpace(
                f"no space left on device in {folder}; free some space, or {advice}"
            ) from None
        why = exc.strerror or type(exc).__name__
        if exc.errno == errno.EROFS:
            why = "it is on a read-only file system"
        elif exc.errno in (errno.EACCES, errno.EPERM):
            why = "it is read-only: no permission to write there"
        raise SettingsError(f"cannot write in the folder {folder} ({why}); {advice}") from None
    return folder


def atomic_write(
    path: str | os.PathLike[str], data: bytes | str, keep_previous: Path | None = None
) -> None:
    """Write ``data`` to ``path`` atomically: a reader sees the old file or the new one, and a
    failure (full disk, Ctrl-C, kill) leaves at most the old file. With ``keep_previous``, the
    old file is kept there once the new one is fully written, just before it takes its place
    (``path`` is never missing)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data.encode() if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        if keep_previous is not None and path.exists():
            _keep_copy(path, keep_previous)
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno in FULL:
            raise _no_space(path) from None
        raise


def _keep_copy(path: Path, copy: Path) -> None:
    """Make ``copy`` hold ``path``'s bytes, atomically: a hard link (no bytes copied) where the
    file system has them, else a copy."""
    tmp = _temporary(copy)
    try:
        try:
            os.link(path, tmp)
        except OSError:  # no hard links here (e.g. FAT, some network file systems)
            shutil.copyfile(path, tmp)
        os.replace(tmp, copy)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_save(obj: Any, path: str | os.PathLike[str]) -> None:
    """``torch.save`` atomically (serialised in memory first, so a full disk is a clean error)."""
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    atomic_write(path, buffer.getvalue())


def _recover_directory(target: Path) -> None:
    """Finish or undo a ``replace_directory`` that was killed: a missing target gets back its
    retired copy; leftover staging and retired folders are removed."""
    retired = sorted(target.parent.glob(f".{target.name}.*.old"))
    if retired and not target.exists():
        os.replace(retired[-1], target)
        retired = retired[:-1]
    for leftover in [*retired, *target.parent.glob(f".{target.name}.*.new")]:
        shutil.rmtree(leftover, ignore_errors=True)


def replace_directory(target: Path, files: Mapping[str, bytes]) -> None:
    """Make ``target`` a folder holding exactly ``files`` (name -> content), all at once: they
    are written into a sibling folder first, which then takes ``target``'s place, so a kill
    leaves either the old set or the new one, never a mixture."""
    target = Path(target)
    _recover_directory(target)
    staging = target.with_name(f".{target.name}.{secrets.token_hex(4)}.new")
    retired = target.with_name(f".{target.name}.{secrets.token_hex(4)}.old")
    try:
        staging.mkdir(parents=True)
        for name, content in files.items():
            atomic_write(staging / name, content)
        if target.exists():
            os.replace(target, retired)
        os.replace(staging, target)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not target.exists():
            os.replace(retired, target)
        if isinstance(exc, OSError) and exc.errno in FULL:
            raise _no_space(target) from None
        raise
    shutil.rmtree(retired, ignore_errors=True)
