"""Follow the budget from ``reproduction.pipeline.reproduce`` through the library's calls that
pass it on, read from the source (``ast``): how many modules it passes through, and how often
the walk enters each one.

    python tools/budget_walk.py [TREE]     # TREE: a checkout (default: this one)

A variable carries the budget when it is the budget or was computed from a carrier (``b =
get_budget(budget)``, ``metrics = collect(...budget...)``); a call passes it on when one of its
arguments mentions a carrier, and the callee's matching parameters carry it in turn. Each
function is walked once; a stop is a function the budget reaches, in the order the walk reaches
them, and a module is *entered* each time the next stop is in it while the previous one was
elsewhere. A module entered many times is one whose work is spread across the walk (e.g. report
sections that each go back to the raw metrics and the statistics), not done in one place.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import Counter
from pathlib import Path

Function = tuple[str, str]  # (module, function name)


def _modules(tree: Path) -> dict[str, ast.Module]:
    package = tree / "fmnist_lib"
    return {".".join(p.relative_to(package).with_suffix("").parts): ast.parse(p.read_text())
            for p in package.rglob("*.py")}  # fmt: skip


def _entry(modules: dict[str, ast.Module]) -> Function:
    for name in ("reproduction.pipeline", "pipeline"):
        if name in modules:
            return name, "reproduce"
    raise SystemExit("no pipeline module with reproduce() in this tree")


def _imported_names(module: str, body: ast.Module, modules: dict) -> dict[str, tuple[str, str]]:
    """Local name -> (module, attribute or "" for a module) for the package's own imports."""
    package = module.split(".")[:-1]
    names: dict[str, tuple[str, str]] = {}
    for node in ast.walk(body):
        if not isinstance(node, ast.ImportFrom) or node.level == 0:
            continue
        base = package[: len(package) - (node.level - 1)] + (node.module or "").split(".")
        base = [b for b in base if b]
        for alias in node.names:
            target = ".".join([*base, alias.name])
            local = alias.asname or alias.name
            names[local] = (target, "") if target in modules else (".".join(base), alias.name)
    return names


def _functions(body: ast.Module) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in body.body if isinstance(n, ast.FunctionDef)}


def _mentions(node: ast.AST, carriers: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in carriers for n in ast.walk(node))


def _carriers(fn: ast.FunctionDef, start: set[str]) -> set[str]:
    """``start`` and every variable assigned from an expression that mentions a carrier."""
    carriers = set(start)
    for _ in range(3):  # a few passes settle chains of assignments
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                if _mentions(node.value, carriers):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for t in targets:
                        carriers |= {n.id for n in ast.walk(t) if isinstance(n, ast.Name)}
            elif isinstance(node, ast.For) and _mentions(node.iter, carriers):
                carriers |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
    return carriers


def _callee(call: ast.Call, module: str, names: dict, modules: dict) -> Function | None:
    func = call.func
    if isinstance(func, ast.Name):
        if func.id in _functions(modules[module]):
            return module, func.id
        found = names.get(func.id)
        return (found[0], found[1]) if found and found[1] else None
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        found = names.get(func.value.id)
        return (found[0], func.attr) if found and not found[1] else None
    return None


def _receiving(callee: ast.FunctionDef, call: ast.Call, carriers: set[str]) -> set[str]:
    """The callee's parameters that receive a carrier at this call."""
    params = [a.arg for a in callee.args.posonlyargs + callee.args.args]
    got = {params[i] for i, a in enumerate(call.args) if i < len(params) and _mentions(a, carriers)}
    return got | {k.arg for k in call.keywords if k.arg and _mentions(k.value, carriers)}


def walk(tree: Path) -> list[str]:
    """The modules the walk is in, step by step (down into callees and back up)."""
    modules = _modules(tree)
    seen: set[Function] = set()
    steps: list[str] = []

    def visit(fn: Function, carrying: set[str]) -> None:
        seen.add(fn)
        steps.append(fn[0])
        module, name = fn
        node = _functions(modules[module])[name]
        carriers = _carriers(node, carrying)
        names = _imported_names(module, modules[module], modules)
        for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
            target = _callee(call, module, names, modules)
            if target is None or target in seen or target[0] not in modules:
                continue
            callee = _functions(modules[target[0]]).get(target[1])
            if callee is not None and (passed := _receiving(callee, call, carriers)):
                visit(target, passed)

    visit(_entry(modules), {"budget"})
    return steps


def summary(steps: list[str]) -> dict[str, object]:
    entries = Counter(m for i, m in enumerate(steps) if i == 0 or steps[i - 1] != m)
    left: set[str] = set()
    returns = 0
    for i in range(1, len(steps)):
        if steps[i] != steps[i - 1]:
            left.add(steps[i - 1])
            returns += steps[i] in left
    return {
        "stops": sum(entries.values()),
        "modules": len(entries),
        "returns to a module already left": returns,
        "entries": entries.most_common(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tree", nargs="?", type=Path, default=Path(__file__).parent.parent)
    found = summary(walk(parser.parse_args(argv).tree))
    for key, value in found.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
