"""One repository address and one release: the book's ``_config.yml`` (where authors edit them),
the library's copy (``fmnist_lib.experiments.release``, for installs without a checkout), the launch
buttons and every notebook's install cell agree."""

import importlib.util
import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest
import yaml

from fmnist_lib import __version__
from fmnist_lib.experiments import published
from fmnist_lib.experiments.release import (
    INSTALL_REQUIREMENT,
    RELEASE,
    REPOSITORY_URL,
    raw_files_url,
)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
REQUIREMENT = re.compile(r"""["']([^"']*git\+[^"']*)["']""")


@pytest.fixture(scope="module")
def book() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def test_the_library_knows_the_books_repository(book):
    assert book["repository"]["url"] == REPOSITORY_URL, (
        "_config.yml's repository.url and fmnist_lib/experiments/release.py's REPOSITORY_URL "
        "differ: change REPOSITORY_URL to the address in _config.yml"
    )


def test_the_launch_buttons_open_the_release(book):
    assert book["repository"]["branch"] == RELEASE, (
        f"_config.yml's repository.branch must be the release tag {RELEASE} (v + the package's "
        "version), so that the launch buttons open the notebooks of this release"
    )
    assert book["launch_buttons"]["colab_url"]


def test_the_release_is_the_packages_version():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert (__version__, RELEASE) == (version, f"v{version}")
    assert INSTALL_REQUIREMENT.endswith(f" @ git+{REPOSITORY_URL}@v{version}")


def test_downloads_come_from_the_release_on_github(monkeypatch):
    monkeypatch.delenv("FMNIST_REFERENCE_URL", raising=False)
    owner_repo = REPOSITORY_URL.removeprefix("https://github.com/")
    assert raw_files_url() == f"https://raw.githubusercontent.com/{owner_repo}/{RELEASE}"
    assert published.file_url("ae-consigna-128", 1, "model.pt") == (
        f"https://raw.githubusercontent.com/{owner_repo}/{RELEASE}"
        "/results/reference-runs/full/ae-consigna-128/seed1/model.pt"
    )


def setup_cells(notebook: Path) -> dict[str, str]:
    """The first code cell of the notebook and of its .py twin."""
    cells = json.loads(notebook.read_text())["cells"]
    in_ipynb = "".join(next(c for c in cells if c["cell_type"] == "code")["source"])
    twin = notebook.with_suffix(".py").read_text()
    blocks = re.split(r"^# %%", twin, flags=re.MULTILINE)[1:]
    in_py = next(b for b in blocks if not b.lstrip().startswith("[markdown]"))
    return {notebook.name: in_ipynb, notebook.with_suffix(".py").name: in_py.split("\n", 1)[1]}


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 7


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_installs_the_release(notebook):
    for name, cell in setup_cells(notebook).items():
        assert REQUIREMENT.findall(cell) == [INSTALL_REQUIREMENT], (
            f"{name}: the setup cell must install exactly {INSTALL_REQUIREMENT!r}"
        )
    for name in (notebook, notebook.with_suffix(".py")):
        text = name.read_text().replace(INSTALL_REQUIREMENT, "")
        assert "git+" not in text, f"{name.name} installs from another address than the release"


release_spec = importlib.util.spec_from_file_location("release_tool", ROOT / "tools" / "release.py")
release_tool = importlib.util.module_from_spec(release_spec)
release_spec.loader.exec_module(release_tool)


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    """The files that name the release, copied into tmp_path (the tool works there)."""
    files = [*release_tool.copies(release_tool.version()), ROOT / "pyproject.toml"]
    for path in files:
        copy = tmp_path / path.relative_to(ROOT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
    monkeypatch.setattr(release_tool, "ROOT", tmp_path)
    return tmp_path


def test_every_copy_of_the_release_agrees_here():
    assert release_tool.disagreements(release_tool.version()) == []


def test_set_writes_the_version_everywhere(checkout):
    assert release_tool.main(["set", "9.8.7"]) == 0
    assert release_tool.version() == "9.8.7"
    assert release_tool.disagreements("9.8.7") == []
    for path in release_tool.copies("9.8.7"):
        assert "0.1.0" not in path.read_text(encoding="utf-8") or path.suffix == ".ipynb", path
    assert release_tool.main(["check", "v9.8.7"]) == 0
    assert release_tool.main(["check", "v0.1.0"]) == 1


def test_a_copy_left_behind_is_named(checkout, capsys):
    readme = checkout / "README.md"
    readme.write_text(readme.read_text().replace("fmnist-course@v", "fmnist-course@v1"))
    assert release_tool.main(["check"]) == 1
    assert "README.md" in capsys.readouterr().out
