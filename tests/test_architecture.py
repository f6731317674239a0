"""The library's shape: two houses, layers you can draw, no import cycle, short functions,
imports on top.

``fmnist_lib`` holds two houses. The lessons (the package's own modules: data, models,
training, evaluation, arithmetic, plots, diagnostics, stats...) are what the chapters teach
with, and never import the machinery. The machinery serves them: ``fmnist_lib.experiments``
runs experiments (the registry, run folders, the published runs) and ``fmnist_lib.reproduction``
reproduces the paper (the pipeline, the report and its words, worker processes, the search, the
command line). ``LAYERS`` below is the one drawing: README's layout table and the package's
docstring are checked against it.

Read from the source with ``ast``, so these fail on the code as written, not on what happens
to be imported at test time.
"""

import ast
import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "fmnist_lib"


def _name(path: Path) -> str:
    """A module's name inside the package: ``data``, ``experiments.runs``, ``__init__``,
    ``experiments.__init__``."""
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


MODULES = {_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
#: The subpackages of the machinery; every other module is a lesson module.
MACHINERY = ("experiments", "reproduction")

#: The drawing: a module may import only from modules of a lower layer. Layers 0-5 are the
#: lessons' house; 6 and up the machinery's (``experiments`` below ``reproduction``).
LAYERS = {
    0: {"__init__", "errors", "paper", "stats"},
    1: {"settings", "storage", "progress", "checks", "names"},
    2: {"data", "wording", "quiz"},
    3: {"models", "evaluation", "checkpoints", "numerals"},
    4: {"training", "arithmetic", "plots", "latent"},
    5: {"diagnostics", "widgets", "exercises", "course", "diagrams", "overfitting"},
    6: {
        "experiments.machine",
        "experiments.release",
        "experiments.registry",
        "experiments.records",
        "experiments.together",
    },
    7: {"experiments.published"},
    8: {"experiments.runs"},
    9: {"experiments.running"},
    10: {"experiments.__init__"},
    11: {"reproduction.verdicts", "reproduction.report_words", "reproduction.workers"},
    12: {"reproduction.findings"},
    13: {"reproduction.report"},
    14: {"reproduction.pipeline", "reproduction.search"},
    15: {"reproduction.cli"},
    16: {"reproduction.__init__", "__main__"},
}
LAYER_OF = {m: rank for rank, names in LAYERS.items() for m in names}
MAX_LESSON_LAYERS = 6
#: Imports allowed inside a function: heavy optional dependencies only (IPython: the lab's).
#: google.colab: Colab's own module, which exists only there (the notebook's language).
LOCAL_IMPORTS_ALLOWED = {"torchvision.datasets", "ipywidgets", "IPython", "IPython.display",
                         "google.colab"}  # fmt: skip
MAX_FUNCTION_LINES = 60


def house(name: str) -> str:
    """``lessons``, or the machinery's subpackage that holds ``name`` (``__main__``, the
    command line's entry point, belongs to ``reproduction``)."""
    if name == "__main__":
        return "reproduction"
    top = name.split(".")[0]
    return top if top in MACHINERY and "." in name else "lessons"


def _tree(name: str) -> ast.Module:
    return ast.parse(MODULES[name].read_text(), filename=str(MODULES[name]))


def _resolve(parts: list[str]) -> str | None:
    """The module that ``from <parts> import ...`` takes from: a module or a package's init."""
    if not parts:
        return "__init__"
    dotted = ".".join(parts)
    if dotted in MODULES:
        return dotted
    return f"{dotted}.__init__" if f"{dotted}.__init__" in MODULES else None


def _imported(name: str, node: ast.ImportFrom | ast.Import) -> set[str]:
    """The package's modules that one import statement of module ``name`` reaches."""
    if isinstance(node, ast.Import):
        dotted = [a.name.split(".")[1:] for a in node.names if a.name.startswith("fmnist_lib.")]
        return {m for parts in dotted if (m := _resolve(parts))}
    if node.level:
        package = name.split(".")[:-1]  # ``experiments.runs`` lives in ``experiments``
        base = package[: len(package) - (node.level - 1)]
    elif (node.module or "").split(".")[0] == "fmnist_lib":
        base = []
        node = ast.ImportFrom(module=".".join(node.module.split(".")[1:]), names=node.names)
    else:
        return set()
    target = base + (node.module.split(".") if node.module else [])
    found = set()
    for alias in node.names:
        submodule = ".".join([*target, alias.name])
        found.add(submodule if submodule in MODULES else _resolve(target))
    return found - {None}


def internal_imports(name: str) -> set[str]:
    """The package's modules that module ``name`` imports, anywhere in its source."""
    found: set[str] = set()
    for node in ast.walk(_tree(name)):
        if isinstance(node, ast.ImportFrom | ast.Import):
            found |= _imported(name, node)
    return found - {name}


def test_every_module_has_a_layer():
    assert set(MODULES) == set(LAYER_OF), "place new modules in LAYERS (the drawing)"


def test_the_lessons_house_is_at_most_six_layers_deep_and_below_the_machinery():
    lessons = {LAYER_OF[m] for m in MODULES if house(m) == "lessons"}
    machinery = {LAYER_OF[m] for m in MODULES if house(m) != "lessons"}
    assert len(lessons) <= MAX_LESSON_LAYERS, f"the lessons span {len(lessons)} layers"
    assert max(lessons) < min(machinery)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_module_imports_only_from_lower_layers(name):
    upward = {m for m in internal_imports(name) if LAYER_OF[m] >= LAYER_OF[name]}
    assert not upward, f"{name} (layer {LAYER_OF[name]}) imports {sorted(upward)}"


@pytest.mark.parametrize("name", sorted(m for m in MODULES if house(m) == "lessons"))
def test_a_lesson_module_never_imports_the_machinery(name):
    machinery = {m for m in internal_imports(name) if house(m) != "lessons"}
    assert not machinery, (
        f"{name} is a lesson module and imports the machinery {sorted(machinery)}: move what it "
        "needs into the lessons' house, or move the caller into fmnist_lib.experiments"
    )


def test_the_experiments_never_import_the_reproduction():
    for name in (m for m in MODULES if house(m) == "experiments"):
        up = {m for m in internal_imports(name) if house(m) == "reproduction"}
        assert not up, f"{name} imports {sorted(up)}"


def test_there_is_no_import_cycle():
    graph = {name: internal_imports(name) for name in MODULES}
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in graph[node]:
            if state.get(nxt) == "open":
                raise AssertionError("import cycle: " + " -> ".join([*path, node, nxt]))
            if nxt not in state:
                visit(nxt, [*path, node])
        state[node] = "done"

    for name in graph:
        if name not in state:
            visit(name, [])


def functions(name: str) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [
        n for n in ast.walk(_tree(name)) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_function_is_longer_than_sixty_lines(name):
    long = {
        f.name: f.end_lineno - f.lineno + 1
        for f in functions(name)
        if f.end_lineno - f.lineno + 1 > MAX_FUNCTION_LINES
    }
    assert not long, f"{name}: split these functions: {long}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_are_at_the_top_unless_they_avoid_a_heavy_optional_dependency(name):
    local = set()
    for f in functions(name):
        for node in ast.walk(f):
            if isinstance(node, ast.Import):
                local |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                local.add(("." * node.level) + (node.module or ""))
    assert local <= LOCAL_IMPORTS_ALLOWED, (
        f"{name}: move to the top: {sorted(local - LOCAL_IMPORTS_ALLOWED)}"
    )


def test_the_checker_sees_cycles_and_long_functions(tmp_path, monkeypatch):
    """The checks above can fail: a planted cycle and a planted long function are found."""
    (tmp_path / "a.py").write_text("from . import b\n")
    (tmp_path / "b.py").write_text("from .a import x\n\ndef f():\n" + "    pass\n" * 70)
    monkeypatch.setattr(
        sys.modules[__name__], "MODULES", {"a": tmp_path / "a.py", "b": tmp_path / "b.py"}
    )
    assert internal_imports("a") == {"b"} and internal_imports("b") == {"a"}
    with pytest.raises(AssertionError, match="import cycle"):
        test_there_is_no_import_cycle()
    with pytest.raises(AssertionError, match="split these functions"):
        test_no_function_is_longer_than_sixty_lines("b")


@pytest.mark.parametrize(
    "planted",
    ["from .experiments.runs import read_record\n", "from .reproduction import report\n",
     "from fmnist_lib.experiments.running import run_experiment\n",
     "import fmnist_lib.reproduction.search\n", "from .experiments import run_experiment\n"],
)  # fmt: skip
def test_a_planted_machinery_import_in_a_lesson_module_is_found(planted, tmp_path, monkeypatch):
    """A lesson module (a copy of ``plots`` with one import planted) that reaches into the
    machinery fails the house test, however the import is spelled."""
    copy = tmp_path / "plots.py"
    source = MODULES["plots"].read_text()
    copy.write_text(re.sub(r"^from \.", planted + "from .", source, count=1, flags=re.M))
    monkeypatch.setitem(MODULES, "plots", copy)
    with pytest.raises(AssertionError, match="imports the machinery"):
        test_a_lesson_module_never_imports_the_machinery("plots")


def test_a_planted_import_from_subpackages_resolves_to_the_right_module():
    """Relative imports are resolved from the importing module's own package."""
    node = ast.parse("from ..experiments.machine import threads_per_job").body[0]
    assert _imported("reproduction.workers", node) == {"experiments.machine"}
    node = ast.parse("from . import verdicts").body[0]
    assert _imported("reproduction.report", node) == {"reproduction.verdicts"}
    node = ast.parse("from .. import __version__").body[0]
    assert _imported("experiments.runs", node) == {"__init__"}


def _layout_tool():
    spec = importlib.util.spec_from_file_location("layout", ROOT / "tools" / "layout.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_layout_and_package_docstring_are_written_from_the_drawing():
    layout = _layout_tool()
    assert (ROOT / "README.md").read_text() == layout.expected_readme(), (
        "README's layout table differs from LAYERS: run python tools/layout.py --write"
    )
    assert (PACKAGE / "__init__.py").read_text() == layout.expected_init(), (
        "fmnist_lib/__init__.py's list of houses differs from LAYERS: run python tools/layout.py "
        "--write"
    )


def test_the_layout_check_sees_a_module_moved_in_the_drawing(monkeypatch):
    """The check above can fail: with ``stats`` drawn one layer up, the table differs."""
    layout = _layout_tool()
    moved = {rank: set(names) for rank, names in LAYERS.items()}
    moved[0].discard("stats")
    moved[1].add("stats")
    monkeypatch.setattr(sys.modules[__name__], "LAYER_OF",
                        {m: rank for rank, names in moved.items() for m in names})  # fmt: skip
    monkeypatch.setattr(layout, "_architecture", lambda: sys.modules[__name__])
    assert "| lessons | 1 | `fmnist_lib/stats.py`" in layout.readme_table()
    assert layout.expected_readme() != (ROOT / "README.md").read_text()
