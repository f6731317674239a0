"""The library's layout, written from the one drawing (``LAYERS`` in tests/test_architecture.py)
and each module's own docstring: README's "Layout" table and the package docstring.

    python tools/layout.py           # print both
    python tools/layout.py --write   # rewrite them in README.md and fmnist_lib/__init__.py

``tests/test_architecture.py`` fails while either differs from what this writes, so neither can
drift from the layers the test enforces.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import re
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PACKAGE_INIT = ROOT / "fmnist_lib" / "__init__.py"
TABLE_START, TABLE_END = "<!-- layout: start -->", "<!-- layout: end -->"
DOC_START, DOC_END = "Its two houses", "(``python tools/layout.py`` writes this list"
HOUSES = {
    "lessons": "the lessons: what the chapters teach with (never imports the machinery)",
    "experiments": "the machinery that runs experiments for the lessons",
    "reproduction": "the machinery that reproduces the paper",
}


def _architecture():
    spec = importlib.util.spec_from_file_location(
        "architecture", ROOT / "tests/test_architecture.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def summary(path: Path) -> str:
    """A module's docstring up to its first full stop, on one line."""
    doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    first = " ".join(doc.split("\n\n")[0].split())
    match = re.match(r"(.+?\.)(\s|$)", first)
    return (match.group(1) if match else first).rstrip(".").replace("``", "`")


def rows() -> list[tuple[str, int, str, str]]:
    """(house, layer, module path, summary) for every module, house by house, bottom layer
    first."""
    arch = _architecture()
    found = []
    for name, path in arch.MODULES.items():
        if name.endswith("__init__") or name == "__main__":
            continue
        found.append((arch.house(name), arch.LAYER_OF[name], name, summary(path)))
    order = list(HOUSES)
    return sorted(found, key=lambda r: (order.index(r[0]), r[1], r[2]))


def _file(name: str) -> str:
    return "fmnist_lib/" + name.replace(".", "/") + ".py"


def readme_table() -> str:
    lines = ["| house | layer | module | what it holds |", "|---|---|---|---|"]
    for house, layer, name, what in rows():
        lines.append(f"| {house} | {layer} | `{_file(name)}` | {what} |")
    return "\n".join(lines)


def docstring_houses() -> str:
    """The package docstring's list: each house and its modules, layer by layer."""
    out = [f"{DOC_START}, each module importing only from lower layers:", ""]
    for house, heading in HOUSES.items():
        layers: dict[int, list[str]] = {}
        for h, layer, name, _ in rows():
            if h == house:
                layers.setdefault(layer, []).append(f"``{name}``")
        out.append(f"- {heading}:")
        for layer, names in layers.items():  # wrapped to the line length ruff allows
            out += textwrap.wrap(f"  layer {layer}: {', '.join(names)}", width=100,
                                 subsequent_indent=" " * len(f"  layer {layer}: "))  # fmt: skip
    out += ["", f"{DOC_END} from ``tests/test_architecture.py``'s ``LAYERS``.)"]
    return "\n".join(out)


def _between(text: str, start: str, end: str, new: str, *, keep_end: bool) -> str:
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    return head + new + (end if keep_end else "") + tail


def expected_readme() -> str:
    text = README.read_text()
    return _between(text, TABLE_START, TABLE_END,
                    f"{TABLE_START}\n{readme_table()}\n", keep_end=True)  # fmt: skip


def expected_init() -> str:
    text = PACKAGE_INIT.read_text()
    old_end = text.index(DOC_END)
    end_line = text[old_end:].split("\n", 1)[0]
    return _between(text, DOC_START, end_line, docstring_houses(), keep_end=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite README.md and __init__.py")
    args = parser.parse_args(argv)
    if args.write:
        README.write_text(expected_readme())
        PACKAGE_INIT.write_text(expected_init())
    else:
        print(readme_table(), docstring_houses(), sep="\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
