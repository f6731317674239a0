"""Binder starts the course as `make lab` does: binder/ installs the library with its lab extra,
the lab settings in the places the Makefile puts them, the trusted chapters, torch at
constraints.txt's version; README's Binder link opens this release, whose binder/ exists.

Read from the files: they fail when the Makefile's lab and binder/ drift apart."""

import os
import re
import tomllib
from pathlib import Path

import yaml
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
MAKEFILE = (ROOT / "Makefile").read_text()
POST_BUILD = BINDER / "postBuild"


def _make_variables() -> dict[str, str]:
    return dict(re.findall(r"^(\w+) :?= (.+)$", MAKEFILE, flags=re.MULTILINE))


def _expand(path: str, variables: dict[str, str]) -> str:
    while match := re.search(r"\$\((\w+)\)", path):
        path = path.replace(match.group(0), variables[match.group(1)])
    return path


def _make_installs() -> set[tuple[str, str]]:
    """(lab-settings file, folder under the environment's prefix) that `make install` copies."""
    variables = _make_variables()
    venv = variables["VENV"]
    copies = re.findall(r"\bcp (lab-settings/\S+) (\S+?)/?$", MAKEFILE, flags=re.MULTILINE)
    return {(src, _expand(dest, variables).removeprefix(f"{venv}/")) for src, dest in copies}


def _binder_installs() -> set[tuple[str, str]]:
    """The same pairs, as postBuild copies them under ``$prefix`` (Binder's environment)."""
    copies = re.findall(r'\bcp (lab-settings/\S+) "\$prefix/([^"]+?)/?"', POST_BUILD.read_text())
    return set(copies)


def test_binder_installs_the_lab_settings_where_make_install_does():
    made = _make_installs()
    assert {src for src, _ in made} == {f"lab-settings/{p.name}" for p in
                                        (ROOT / "lab-settings").iterdir()}  # fmt: skip
    assert _binder_installs() == made


def test_binder_trusts_the_chapters_that_make_lab_trusts():
    lab = re.search(r"^lab:.*\n((?:\t.*\n)+)", MAKEFILE, flags=re.MULTILINE).group(1)
    lab = re.sub(r"\\\n\s*", " ", lab)  # a command continued on the next line
    made = re.search(r"jupyter trust (.+?) >", lab).group(1).split()
    post_build = re.sub(r"\\\n\s*", " ", POST_BUILD.read_text())
    binder = re.search(r"^jupyter trust (.+?) >", post_build, re.MULTILINE)
    assert binder and binder.group(1).split() == made
    assert all(list(ROOT.glob(pattern)) for pattern in made)


def test_binder_installs_the_library_with_the_lab_extra_at_the_pinned_versions():
    text = POST_BUILD.read_text()
    assert text.startswith("#!/bin/bash\n") and os.access(POST_BUILD, os.X_OK)
    assert "set -euo pipefail" in text  # a failed step fails the build, not the student's lab
    install = re.search(r"pip install .*-c (\S+) -e '\.\[(\w+)\]'", text)
    assert install and install.groups() == ("constraints.txt", "lab")
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert any(r.startswith("ipywidgets") for r in extras["lab"])


def test_binders_torch_is_the_pinned_one_and_its_python_is_supported():
    pins = dict(re.findall(r"^([\w-]+)==(\S+)$", (ROOT / "constraints.txt").read_text(), re.M))
    named = re.findall(r"^([\w-]+)==(\S+)$", (BINDER / "requirements.txt").read_text(), re.M)
    assert {name for name, _ in named} >= {"torch", "torchvision"}
    assert [(n, v) for n, v in named if pins.get(n) != v] == []
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime), runtime
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert SpecifierSet(project["requires-python"]).contains(runtime.removeprefix("python-"))


def test_readmes_binder_link_opens_this_release_where_binder_is_configured():
    repository = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    links = re.findall(r"https://mybinder\.org/v2/gh/([^)\s]+)", (ROOT / "README.md").read_text())
    assert links, "README.md has no Binder link"
    owner_repo = repository["url"].removeprefix("https://github.com/")
    for link in links:
        target, _, query = link.partition("?urlpath=lab/tree/")
        assert target == f"{owner_repo}/{repository['branch']}", link
        assert (ROOT / query).is_dir(), f"{link}: no folder {query}"
    assert (BINDER / "postBuild").is_file() and (BINDER / "requirements.txt").is_file()
