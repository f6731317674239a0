"""The published reference runs, for a copy of the library without the repository (Colab).

A checkout holds them in ``results/reference-runs/``. A pip-installed library has no such folder:
when a published run is asked for at the full budget, it downloads that run's ``model.pt`` and
``result.json`` (``results/reference-runs/full/<experiment>/seed<k>/``) from the repository's
files at this release — ``$FMNIST_REFERENCE_URL``, else GitHub's at the release tag
(``experiments.release``) — checks each against the SHA-256 that the manifest shipped inside the
package (``reference_runs.json``) records, and only then writes them, atomically, into the run's
folder; by default that is in the cache (``cached_runs_dir``: ``$FMNIST_CACHE``, else
``~/.cache/fmnist-course``, then ``<release>/reference-runs``), where the next call finds them.
Nothing is downloaded at import.

``python -m fmnist_lib manifest`` rewrites the manifest from ``results/reference-runs``: run it
after adding reference runs (``tests/test_published.py`` fails while it is stale).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from ..errors import DownloadCorrupt, DownloadFailed, SettingsError
from ..settings import BUDGET_VAR, REFERENCE_URL_VAR, cache_dir_from_env, reference_url_from_env
from ..storage import atomic_write
from .records import check_manifest
from .release import INSTALL_REQUIREMENT, RELEASE, raw_files_url

WEIGHTS = "model.pt"
RECORD = "result.json"
#: A published run's files, in the order they are written: the record last, since a run counts
#: as finished once its record exists.
RUN_FILES = (WEIGHTS, RECORD)
#: The only budget whose runs are published.
BUDGET = "full"
MANIFEST = Path(__file__).with_name("reference_runs.json")
TIMEOUT_SECONDS = 60
_DEFAULT_RUN = re.compile(r"seed\d+")  # not seed0-epochs3 or seed0-lr0.1: runs with overrides


def cache_root() -> Path:
    """``$FMNIST_CACHE``, else ``~/.cache/fmnist-course``."""
    return cache_dir_from_env() or Path.home() / ".cache" / "fmnist-course"


def cached_runs_dir() -> Path:
    """The runs folder that downloaded reference runs land in: ``<cache>/<release>/
    reference-runs`` (``full/<experiment>/seed<k>/`` below it, as in the repository)."""
    return cache_root() / RELEASE / "reference-runs"


def files_url() -> str:
    """Where the repository's files at this release are served: ``$FMNIST_REFERENCE_URL``,
    else ``https://raw.githubusercontent.com/<owner>/<repo>/<release>``."""
    return reference_url_from_env() or raw_files_url()


def run_key(name: str, seed: int) -> str:
    """A published run's folder below ``results/reference-runs``, and its key in the manifest."""
    return f"{BUDGET}/{name}/seed{seed}"


def file_url(name: str, seed: int, file: str) -> str:
    """The address of one file of a published run."""
    return f"{files_url()}/results/reference-runs/{run_key(name, seed)}/{file}"


# --------------------------------------------------------------------------- the manifest
def _describe(path: Path) -> dict[str, Any]:
    content = path.read_bytes()
    return {"bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def build_manifest(reference_dir: Path) -> dict[str, Any]:
    """The manifest of the finished default runs under ``reference_dir/full`` (``seed<k>``
    folders that hold both ``model.pt`` and ``result.json``): each file's size and SHA-256."""
    runs = {}
    for record in sorted((reference_dir / BUDGET).glob(f"*/seed*/{RECORD}")):
        folder = record.parent
        if _DEFAULT_RUN.fullmatch(folder.name) and (folder / WEIGHTS).is_file():
            key = folder.relative_to(reference_dir).as_posix()
            runs[key] = {file: _describe(folder / file) for file in RUN_FILES}
    return {"release": RELEASE, "runs": runs}


def write_manifest(reference_dir: Path, path: Path | None = None) -> dict[str, Any]:
    """Rewrite the manifest (``MANIFEST`` unless ``path``) from ``reference_dir``; return it."""
    manifest = build_manifest(reference_dir)
    if not manifest["runs"]:
        raise SettingsError(
            f"no finished run under {reference_dir / BUDGET}; run this in a checkout that has "
            "the reference runs"
        )
    atomic_write(path or MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return manifest


def read_manifest(path: Path | None = None) -> dict[str, Any]:
    """The manifest shipped with the package (``MANIFEST`` unless ``path``), checked against
    its schema (``records``)."""
    path = path or MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise DownloadFailed(
            f"the list of published runs {path} cannot be read ({type(exc).__name__}); "
            f"reinstall the library (pip install '{INSTALL_REQUIREMENT}')"
        ) from None
    return check_manifest(manifest, path, f"pip install '{INSTALL_REQUIREMENT}'")


def published_run(name: str, seed: int) -> dict[str, dict[str, Any]] | None:
    """What the manifest records of run ``seed`` of experiment ``name`` at the full budget
    (file -> bytes and SHA-256), or None when this release does not publish it."""
    entry: dict[str, dict[str, Any]] | None = read_manifest()["runs"].get(run_key(name, seed))
    return entry


# --------------------------------------------------------------------------- downloads
def download(url: str, expected: dict[str, Any]) -> bytes:
    """The bytes at ``url``, checked against the manifest's size and SHA-256 (``expected``).
    Held in memory: a failure leaves no file anywhere."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            content = response.read(int(expected["bytes"]) + 1)
    except urllib.error.HTTPError as exc:
        raise DownloadFailed(
            f"{url} answered HTTP {exc.code} ({exc.reason}): is release {RELEASE} published "
            f"there? Check {REFERENCE_URL_VAR} if you set it, or set {BUDGET_VAR}=smoke to train "
            "small runs instead"
        ) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        reason = getattr(exc, "reason", None) or type(exc).__name__
        raise DownloadFailed(
            f"cannot download {url} ({reason}); connect to the internet and run again, or set "
            f"{BUDGET_VAR}=smoke to train small runs instead"
        ) from None
    if hashlib.sha256(content).hexdigest() != expected["sha256"]:
        raise DownloadCorrupt(
            f"{url} is not the published file (its SHA-256 differs from the one release "
            f"{RELEASE} lists); it was discarded: run again to retry, and report it if it persists"
        )
    return content


def download_run(name: str, seed: int, entry: dict[str, dict[str, Any]]) -> dict[str, bytes]:
    """Every file of a published run (``entry``: what ``published_run`` returned), verified;
    all of them are downloaded before any is written."""
    return {file: download(file_url(name, seed, file), entry[file]) for file in RUN_FILES}


def write_run_files(run_dir: Path, files: dict[str, bytes]) -> None:
    """Write a run's files into ``run_dir``, each atomically, the record last; a failure removes
    those already written, so that no half run is left behind."""
    written: list[Path] = []
    try:
        for file in RUN_FILES:
            atomic_write(run_dir / file, files[file])
            written.append(run_dir / file)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
