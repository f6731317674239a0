"""The project's own files agree with each other: pyproject ranges, conda's environment.yml,
the exact constraints, the Makefile and CI."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"pytorch": "torch"}


def _split(spec: str) -> tuple[str, str]:
    name, rest = re.match(r"([A-Za-z0-9_.\-]+)(.*)", spec.strip()).groups()
    return name.lower(), rest.replace(" ", "")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_environment_yml_matches_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {}
    pip_lines = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_lines += dep["pip"]
            continue
        name, spec = _split(dep)
        if name not in {"python", "pip"}:
            conda[CONDA_NAMES.get(name, name)] = spec
    assert conda == dict(_split(d) for d in _pyproject()["dependencies"])
    extras = set(_pyproject()["optional-dependencies"])
    assert any(
        set(re.search(r"\[(.*)\]", line).group(1).split(",")) == extras
        for line in pip_lines
        if "[" in line
    )


def test_pyproject_keeps_ranges_and_constraints_pin_what_is_tested():
    deps = dict(_split(d) for d in _pyproject()["dependencies"])
    assert not any(spec.startswith("==") for spec in deps.values()), (
        "exact pins in a package break Colab"
    )
    pins = dict(
        _split(line)
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert pins["torch"] == "==2.14.1" and pins["torchvision"] == "==0.29.1"
    extras = [d for group in _pyproject()["optional-dependencies"].values() for d in group]
    for name in [*deps, *(_split(d)[0] for d in extras)]:
        assert pins.get(name, "").startswith("=="), f"{name} is not pinned in constraints.txt"


def test_make_and_ci_use_the_constraints_and_the_readme_command():
    makefile = (ROOT / "Makefile").read_text()
    assert "-c constraints.txt" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make reproduce" in readme and "make test" in readme


def test_generated_folders_stay_out_of_git():
    ignored = (ROOT / ".gitignore").read_text().split()
    for folder in [".venv/", "data/", "runs/", "_build/"]:
        assert folder in ignored


def test_jupytext_pairs_the_notebooks_from_a_lab_rooted_in_notebooks(tmp_path):
    """jupytext reads its configuration from the notebook's folder up to the server's root: the
    file must be found from notebooks/ itself, and pair every notebook with its .py twin."""
    from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file

    found = find_jupytext_configuration_file(str(ROOT / "notebooks"))
    assert found and Path(found).parent == ROOT / "notebooks"
    config = load_jupytext_configuration_file(found)
    assert config.formats in ("ipynb,py:percent", ["ipynb,py:percent"])


def test_the_license_and_the_citation_are_there():
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["license"] == "MIT" and citation["cff-version"].startswith("1.2")
