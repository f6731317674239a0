"""The oldest-deps check (tools/test_oldest.sh) installs constraints-oldest.txt: those pins must be
pyproject.toml's lower bounds, and the bounds must admit no release that crashes under numpy 2."""

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = ("test", "lab")  # the extras tools/test_oldest.sh installs: nbval and its kernel

# Releases built against numpy 1 whose metadata does not cap numpy<2: under numpy 2 they crash on
# import (seen on Python 3.11: torch 2.2.0 "Numpy is not available", pandas 2.0.0 "numpy.dtype
# size changed", matplotlib 3.7.0 "_ARRAY_API not found", scikit-learn 1.3.0 "cannot import name
# 'ComplexWarning'"). From these versions on, each one works with numpy 2 or refuses to install
# beside it (torch 2.3.0 works; pandas 2.1.2, matplotlib 3.7.3, scikit-learn 1.3.1 declare numpy<2).
NUMPY2_SAFE_FROM = {
    "torch": "2.3",
    "pandas": "2.1.2",
    "matplotlib": "3.7.3",
    "scikit-learn": "1.3.1",
}


def _declared() -> dict[str, SpecifierSet]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    texts = list(project["dependencies"])
    for extra in EXTRAS:
        texts += project["optional-dependencies"][extra]
    return {canonicalize_name(r.name): r.specifier for r in map(Requirement, texts)}


def _pins() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "constraints-oldest.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep, f"constraints-oldest.txt: {line!r} is not name==version"
            pins[canonicalize_name(name)] = Version(version)
    return pins


def _lower_bound(spec: SpecifierSet) -> Version | None:
    bounds = [Version(s.version) for s in spec if s.operator in (">=", "~=")]
    return max(bounds) if bounds else None


def test_every_declared_dependency_is_pinned_at_its_lower_bound():
    pins = _pins()
    for name, spec in _declared().items():
        lower = _lower_bound(spec)
        assert lower is not None, f"{name} has no lower bound: the oldest-deps check can't test it"
        assert pins.get(name) == lower, (
            f"{name}: pyproject.toml declares {spec}, constraints-oldest.txt pins {pins.get(name)}"
        )
        assert spec.contains(lower), f"{name}: {lower} is outside pyproject.toml's {spec}"


def test_only_declared_dependencies_are_pinned():
    undeclared = sorted(set(_pins()) - set(_declared()))
    assert not undeclared, f"constraints-oldest.txt pins {undeclared}, which pyproject.toml lacks"


def test_the_declared_ranges_admit_no_release_that_crashes_under_numpy_2():
    declared = _declared()
    if not declared["numpy"].contains("2.0.0"):
        return  # numpy is capped below 2: every old release above is safe
    for name, safe in NUMPY2_SAFE_FROM.items():
        lower = _lower_bound(declared[name])
        assert lower is not None and lower >= Version(safe), (
            f"{name}{declared[name]} admits releases that crash beside numpy 2 "
            f"(numpy{declared['numpy']}): declare {name}>={safe}"
        )


# torch.load(weights_only=True), which reads every checkpoint and weights file, can be bypassed to
# run code on torch <= 2.5.1 (CVE-2025-32434); torchvision 0.21 is the release paired with 2.6.
SAFE_FROM = {"torch": "2.6", "torchvision": "0.21"}


def test_the_declared_torch_is_past_the_weights_only_bypass():
    declared = _declared()
    for name, safe in SAFE_FROM.items():
        lower = _lower_bound(declared[name])
        assert lower is not None and lower >= Version(safe), (
            f"{name}{declared[name]} admits releases where weights_only=True can be bypassed "
            f"(CVE-2025-32434): declare {name}>={safe}"
        )
