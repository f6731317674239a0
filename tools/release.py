"""The release: one version, one repository address, written everywhere they appear.

The book's ``_config.yml`` holds the repository's address (``repository.url``) and
``pyproject.toml`` the version; the release tag is ``v<version>``. Copies live where a reader or
a tool needs them: the library (``fmnist_lib/__init__.py``, ``fmnist_lib/experiments/release.py``
for installs without a checkout), both books' launch buttons (``repository.branch``), CITATION.cff,
every chapter's and quiz's Colab install cell and open-in-Colab badge in both editions,
README.md (and its Binder link) and AUTHORING.md.

    python tools/release.py check [vX.Y.Z]   # every copy agrees (and the tag is this release)
    python tools/release.py set X.Y.Z        # write the version everywhere

``make release VERSION=X.Y.Z`` sets it, runs the checks, builds both books and the wheel, commits
and tags; pushing the tag runs .github/workflows/publish.yml (Pages and the wheel).
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
VERSION = re.compile(r"\d+\.\d+\.\d+")
CHAPTERS = ("notebooks", "es/notebooks", "notebooks/quizzes", "es/notebooks/quizzes")


def version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"])


def address() -> str:
    return str(yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"])


def colab() -> str:
    """Colab's address, as the book's launch buttons have it (``launch_buttons.colab_url``)."""
    return str(yaml.safe_load((ROOT / "_config.yml").read_text())["launch_buttons"]["colab_url"])


def notebooks() -> list[Path]:
    """The chapters and quizzes of both editions (the final quiz too), .ipynb and .py."""
    return [
        p
        for folder in CHAPTERS
        for pattern in ("[0-9][0-9]_*", "final_quiz.*")
        for p in sorted((ROOT / folder).glob(pattern))
    ]


def colab_link(notebook: Path, release: str) -> str:
    """Where a notebook's open-in-Colab badge points: the notebook at this release on GitHub."""
    owner_repo = address().removeprefix("https://github.com/")
    path = notebook.relative_to(ROOT).with_suffix(".ipynb").as_posix()
    return f"{colab()}/github/{owner_repo}/blob/v{release}/{path}"


def tagged_files() -> list[Path]:
    """The files that name the release tag after the repository's address (``<url>@vX.Y.Z``)."""
    return [ROOT / "README.md", ROOT / "AUTHORING.md", *notebooks()]


def copies(release: str) -> dict[Path, list[tuple[str, str]]]:
    """Each file's copies of the version or the address: (pattern, what it must read)."""
    url, tag = re.escape(address()), f"v{release}"
    quoted = rf'"{VERSION.pattern}"'
    found: dict[Path, list[tuple[str, str]]] = {
        ROOT / "pyproject.toml": [(rf"^version = {quoted}", f'version = "{release}"')],
        ROOT / "fmnist_lib" / "__init__.py": [
            (rf"^__version__ = {quoted}", f'__version__ = "{release}"')
        ],
        ROOT / "CITATION.cff": [
            (rf"^version: {quoted}", f'version: "{release}"'),
            (r'^repository-code: "[^"]*"', f'repository-code: "{address()}"'),
        ],
        ROOT / "fmnist_lib" / "experiments" / "release.py": [
            (r'^REPOSITORY_URL = "[^"]*"', f'REPOSITORY_URL = "{address()}"')
        ],
    }
    for book in (ROOT / "_config.yml", ROOT / "es" / "_config.yml"):
        found[book] = [
            (r"^  url: \S+", f"  url: {address()}"),
            (rf"^  branch: v{VERSION.pattern}", f"  branch: {tag}"),
        ]
    for path in tagged_files():
        found[path] = [(rf"{url}@v{VERSION.pattern}", f"{address()}@{tag}")]
    binder = f"https://mybinder.org/v2/gh/{address().removeprefix('https://github.com/')}"
    found[ROOT / "README.md"].append(
        (rf"{re.escape(binder)}/v{VERSION.pattern}", f"{binder}/{tag}")
    )
    for path in notebooks():
        badge = rf"{re.escape(colab())}/github/[^/\s]+/[^/\s]+/blob/[^/\s]+/[^)\s\"]+"
        found[path].append((badge, colab_link(path, release)))
    return found


def disagreements(release: str) -> list[str]:
    """Each copy that does not read what it must, as ``file: found → wanted``."""
    wrong = []
    for path, rules in copies(release).items():
        text = path.read_text(encoding="utf-8")
        for pattern, wanted in rules:
            matches = re.findall(pattern, text, flags=re.MULTILINE)
            if not matches:
                wrong.append(f"{path.relative_to(ROOT)}: nothing matches {pattern!r}")
            wrong += [
                f"{path.relative_to(ROOT)}: {m!r} → {wanted!r}" for m in matches if m != wanted
            ]
    return wrong


def write(release: str) -> int:
    """Writes ``release`` into every copy; returns how many files changed."""
    changed = 0
    for path, rules in copies(release).items():
        text = path.read_text(encoding="utf-8")
        new = text
        for pattern, wanted in rules:
            new = re.sub(pattern, wanted, new, flags=re.MULTILINE)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["check", "set"])
    parser.add_argument("value", nargs="?", help="check: a tag vX.Y.Z; set: a version X.Y.Z")
    args = parser.parse_args(argv)
    if args.command == "set":
        if not args.value or not VERSION.fullmatch(args.value):
            parser.error("set needs a version X.Y.Z (three numbers, no v)")
        (ROOT / "pyproject.toml").write_text(
            re.sub(r'^version = "[^"]*"', f'version = "{args.value}"',
                   (ROOT / "pyproject.toml").read_text(), count=1, flags=re.MULTILINE)
        )  # fmt: skip
        print(f"release: v{args.value} written into {write(args.value)} files")
    release = version()
    if args.value and args.command == "check" and args.value != f"v{release}":
        print(f"release: the tag {args.value} is not this release, v{release} (pyproject.toml)")
        return 1
    wrong = disagreements(release)
    print("\n".join(wrong) if wrong else f"release: every copy names v{release} and {address()}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
