"""The library's shape: layers you can draw, no import cycle, short functions, imports on top.

Read from the source with ``ast``, so these fail on the code as written, not on what happens
to be imported at test time.
"""

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "fmnist_lib"
MODULES = {p.stem: p for p in sorted(PACKAGE.glob("*.py"))}

#: The drawing: a module may import only from modules of a lower layer.
LAYERS = {
    0: {"__init__", "errors", "paper", "stats"},
    1: {"settings", "storage", "verdicts", "release", "progress"},
    2: {"data", "published", "wording", "report_words"},
    3: {"models", "evaluation", "checkpoints"},
    4: {"training", "report", "plots", "arithmetic", "latent"},
    5: {"diagnostics", "course", "registry", "widgets", "exercises"},
    6: {"runs"},
    7: {"experiments"},
    8: {"workers"},
    9: {"pipeline", "search"},
    10: {"__main__"},
}
LAYER_OF = {m: rank for rank, names in LAYERS.items() for m in names}
#: Imports allowed inside a function: heavy optional dependencies only (IPython: the lab's).
LOCAL_IMPORTS_ALLOWED = {"torchvision.datasets", "ipywidgets", "IPython", "IPython.display"}
MAX_FUNCTION_LINES = 60


def _tree(name: str) -> ast.Module:
    return ast.parse(MODULES[name].read_text(), filename=str(MODULES[name]))


def internal_imports(name: str) -> set[str]:
    """The package's modules that module ``name`` imports, anywhere in its source."""
    found = set()
    for node in ast.walk(_tree(name)):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("fmnist_lib."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("fmnist_lib.")}
    return found & set(MODULES)


def test_every_module_has_a_layer():
    assert set(MODULES) == set(LAYER_OF), "place new modules in LAYERS (the drawing)"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_module_imports_only_from_lower_layers(name):
    upward = {m for m in internal_imports(name) if LAYER_OF[m] >= LAYER_OF[name]}
    assert not upward, f"{name} (layer {LAYER_OF[name]}) imports {sorted(upward)}"


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
