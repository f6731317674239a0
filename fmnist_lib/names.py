"""Names that become paths, checked by one rule before any work: experiments, studies, runs,
override values, and the folders the user names.

A name (one folder or file name) holds letters, digits and ``_ . + -`` only: no separator, no
NUL, no ``..``, not only dots, and at most ``MAX_NAME`` characters, so that what is added to it
(``.lock``, a temporary's token) still fits the system's 255-byte limit. A path built from names
stays inside its folder (checked on the normalised path, not through symbolic links, which the
user may place on purpose). A folder the user names (``--runs-dir``, ``--results-dir``) may be
anywhere, but holds no NUL and fits the system's limits. Each failure is a ``SettingsError``
that names the option and says what to do.
"""

from __future__ import annotations

import os
import string
from pathlib import Path

from .errors import SettingsError

SAFE_CHARACTERS = frozenset(string.ascii_letters + string.digits + "_.+-")
#: The longest name a user gives (an experiment, a study): room is left for what is added.
MAX_NAME = 128
#: The longest folder name built from several values (a run's seed, epochs and overrides).
MAX_FOLDER_NAME = 240
#: The longest folder a user names: below macOS's PATH_MAX (Linux allows 4096).
MAX_PATH = 1024
#: The longest part of a path on the usual file systems (NAME_MAX), in bytes.
MAX_PART_BYTES = 255


def shown(value: str, width: int = 40) -> str:
    """``value`` quoted for a one-line message: escaped (a NUL or a newline stays visible) and
    cut to about ``width`` characters."""
    text = repr(value)
    return text if len(text) <= width else f"{text[: width - 5]}…' ({len(value)} characters)"


def check_name(value: object, what: str, limit: int = MAX_NAME) -> str:
    """``value`` when it can be one folder or file name; else ``SettingsError`` naming ``what``
    (e.g. ``"--study"``) and saying what to do."""
    if not isinstance(value, str):
        raise SettingsError(f"{what} must be a name (text), got {type(value).__name__}")
    if len(value) > limit:
        raise SettingsError(
            f"{what} {shown(value)} is too long to be a folder name (at most {limit} "
            "characters); choose a shorter one"
        )
    unsafe = sorted(set(value) - SAFE_CHARACTERS)
    if not value or value.strip(".") == "" or unsafe:
        holds = f"; it holds {unsafe[0]!r}" if unsafe else ""
        raise SettingsError(
            f"{what} {shown(value)} cannot be a folder name (letters, digits, _ . + - only, not "
            f"only dots{holds}); choose another"
        )
    return value


def path_inside(folder: str | os.PathLike[str], *names: str, what: str) -> Path:
    """``folder/name/...``, each name checked by ``check_name`` and the whole path checked to
    stay inside ``folder``."""
    for name in names:
        check_name(name, what, limit=MAX_FOLDER_NAME)
    path = Path(folder).joinpath(*names)
    base, full = os.path.abspath(folder), os.path.abspath(path)
    if os.path.commonpath([base, full]) != base:
        raise SettingsError(f"{what} {shown(full)} leaves {base}; choose another name")
    return path


def check_folder(value: str | os.PathLike[str], what: str) -> Path:
    """A folder the user names (``what``: the option), anywhere, but one the system can hold:
    not empty, no NUL, at most ``MAX_PATH`` characters, each part at most 255 bytes."""
    text = os.fspath(value)
    if not text or "\0" in text:
        raise SettingsError(f"{what} {shown(text)} is not a folder's path; give one")
    if len(text) > MAX_PATH:
        raise SettingsError(
            f"{what} {shown(text)} is too long (at most {MAX_PATH} characters); choose a shorter "
            "path"
        )
    for part in Path(text).parts:
        if len(os.fsencode(part)) > MAX_PART_BYTES:
            raise SettingsError(
                f"{what}: the folder name {shown(part)} is longer than {MAX_PART_BYTES} bytes, "
                "more than file systems allow; choose a shorter one"
            )
    return Path(text)
