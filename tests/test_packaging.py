"""The project's own files agree with each other: pyproject ranges, conda's environment.yml,
the exact constraints, the Makefile and CI."""

import re
import shutil
import subprocess
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
    from_pip = dict(_split(line) for line in pip_lines if not line.startswith("-"))  # PyPI only
    assert not set(conda) & set(from_pip), "a package from both conda and pip"
    assert conda | from_pip == dict(_split(d) for d in _pyproject()["dependencies"])
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
    for folder in [".venv/", ".venv-oldest/", "data/", "runs/", "_build/"]:
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


def test_make_test_names_the_apt_command_before_any_work_when_a_package_is_missing(tmp_path):
    """Without chromium (and no way to install it), `make test` stops first, with the command."""
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: system ", makefile, re.M), "make test must check `system` first"
    fake_bin = tmp_path / "bin"  # apt-get unavailable: as for a user who is not root
    fake_bin.mkdir()
    for tool in ("npm", "bash", "make", "id", "printf", "sh"):
        found = shutil.which(tool)
        if found:
            (fake_bin / tool).symlink_to(found)
    done = subprocess.run(
        ["make", "-s", "system", f"CHROMIUM={tmp_path / 'no-chromium'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": str(fake_bin), "HOME": str(tmp_path)},
    )
    assert done.returncode != 0
    assert "run  sudo apt-get install chromium" in done.stdout, done.stdout + done.stderr


def test_the_book_overrides_theme_templates_only_where_it_says():
    """book_ext/templates/static/webpack-macros.html is the installed theme's file with the
    1.5 MB icon script deferred: a theme upgrade that changes the file makes this fail."""
    import pydata_sphinx_theme

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
    original = (theme / "static" / "webpack-macros.html").read_text()
    ours = (ROOT / "book_ext" / "templates" / "static" / "webpack-macros.html").read_text()
    icons = "src=\"{{ pathto('_static/vendor/fontawesome/"
    assert ours == original.replace(f"<script {icons}", f"<script defer {icons}")
    assert ours != original


def _shared_settings(config: dict, up: str) -> dict:
    """A book's settings without what differs between the editions (title, author, language,
    the path to the book); ``up`` is removed from the paths that lead outside the book."""
    for key in ("title", "author"):
        config.pop(key)
    config["repository"].pop("path_to_book")
    sphinx = config["sphinx"]
    for key in ("language", "fmnist_edition"):
        sphinx["config"].pop(key)
    sphinx["local_extensions"] = {k: v.removeprefix(up) for k, v in
                                  sphinx["local_extensions"].items()}  # fmt: skip
    static = sphinx["config"]["html_static_path"]
    sphinx["config"]["html_static_path"] = [s.removeprefix(up) for s in static]
    config["bibtex_bibfiles"] = [f.removeprefix(up) for f in config["bibtex_bibfiles"]]
    config["html"]["favicon"] = config["html"]["favicon"].removeprefix(up)
    config["exclude_patterns"] = sorted(set(config["exclude_patterns"])
                                        - {"es", "notebooks/jupytext.toml"})  # fmt: skip
    return config


def test_the_spanish_book_has_the_english_settings_but_its_own_words_and_paths():
    """es/_config.yml is ../_config.yml with its title, author, language and paths one folder up:
    nothing else may drift between the editions."""
    english = yaml.safe_load((ROOT / "_config.yml").read_text())
    spanish = yaml.safe_load((ROOT / "es" / "_config.yml").read_text())
    assert spanish["repository"]["path_to_book"] == "es"
    assert spanish["sphinx"]["config"]["fmnist_edition"] == "es"
    assert _shared_settings(spanish, "../") == _shared_settings(english, "")
