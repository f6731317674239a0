"""The Spanish edition's notebooks (es/notebooks/), kept in step with the English ones.

A Spanish notebook has its English twin's cells in the same order: code cells identical (source,
outputs, metadata), markdown cells translated. A translated markdown cell records in its metadata
(``translation.source``) a hash of the English cell it translates; when the English cell
changes, the hashes differ and the translation is *stale*. A cell not yet translated records
``translation.source = ""`` and keeps the English text.

    python tools/translations.py new 03             # es/notebooks/03_*.ipynb from the English
    python tools/translations.py sync [03 ...]      # carry code cells across, keep translations
    python tools/translations.py mark 03 5 7        # cells 5 and 7 now translate the English ones
    python tools/translations.py check [03 ...]     # list stale and untranslated cells (exit 1)

``sync`` aligns the two notebooks (code cells by their source, markdown cells by the hash they
translate), so English cells may be added, removed or moved: a new English markdown cell arrives
untranslated, a changed one keeps its old translation and is reported stale. Each notebook is
written with its jupytext twin (.py).
"""

from __future__ import annotations

import argparse
import copy
import difflib
import hashlib
import sys
from pathlib import Path

import jupytext
from nbformat import NotebookNode

ROOT = Path(__file__).resolve().parent.parent
ENGLISH, SPANISH = ROOT / "notebooks", ROOT / "es" / "notebooks"
FILTER = "tags,jupyter,translation,-all"  # the cell metadata a .py twin keeps


def cell_hash(cell: NotebookNode) -> str:
    """A short hash of a cell's source (what a translation translates)."""
    return hashlib.sha256(cell.source.encode("utf-8")).hexdigest()[:16]


def translated_from(cell: NotebookNode) -> str:
    """The hash of the English cell that a Spanish markdown cell translates ("" if none)."""
    return str(cell.metadata.get("translation", {}).get("source", ""))


def key(cell: NotebookNode, spanish: bool) -> tuple[str, str]:
    """What aligns two cells: a code cell's source, a markdown cell's English source."""
    if cell.cell_type == "markdown":
        return ("markdown", translated_from(cell) if spanish else cell_hash(cell))
    return (cell.cell_type, cell_hash(cell))


def untranslated(english: NotebookNode) -> NotebookNode:
    """An English markdown cell, marked as still to translate."""
    cell = copy.deepcopy(english)
    cell.metadata["translation"] = {"source": ""}
    return cell


def aligned(en: NotebookNode, es: NotebookNode | None) -> list[NotebookNode]:
    """The Spanish cells for the English notebook's cells, in its order (see the module doc)."""
    if es is None:
        return [untranslated(c) if c.cell_type == "markdown" else c for c in en.cells]
    en_keys = [key(c, spanish=False) for c in en.cells]
    es_keys = [key(c, spanish=True) for c in es.cells]
    cells: list[NotebookNode] = []
    matcher = difflib.SequenceMatcher(a=en_keys, b=es_keys, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":  # code: the English cell (its outputs too); markdown: the translation
            for english, spanish in zip(en.cells[i1:i2], es.cells[j1:j2], strict=True):
                cells.append(spanish if english.cell_type == "markdown" else copy.deepcopy(english))
            continue
        old = [c for c in es.cells[j1:j2] if c.cell_type == "markdown" and translated_from(c)]
        for english in en.cells[i1:i2]:
            if english.cell_type != "markdown":
                cells.append(copy.deepcopy(english))
            elif old:  # the English cell changed: its old translation stays, stale
                cells.append(old.pop(0))
            else:
                cells.append(untranslated(english))
    return cells


def spanish_path(english: Path) -> Path:
    return SPANISH / english.name


def read(path: Path) -> NotebookNode:
    return jupytext.read(path)


def write(nb: NotebookNode, path: Path) -> None:
    """The notebook and its .py twin, with the translation metadata kept in the twin."""
    nb.metadata.setdefault("jupytext", {})["cell_metadata_filter"] = FILTER
    path.parent.mkdir(parents=True, exist_ok=True)
    jupytext.write(nb, path)
    jupytext.write(nb, path.with_suffix(".py"), fmt="py:percent")


def chapters(numbers: list[str]) -> list[Path]:
    """The English notebooks NN_*.ipynb (all when ``numbers`` is empty)."""
    found = sorted(ENGLISH.glob("[0-9][0-9]_*.ipynb"))
    chosen = [p for p in found if not numbers or p.name[:2] in numbers]
    if numbers and len(chosen) != len(set(numbers)):
        sys.exit(f"translations: no English notebook for some of {numbers} in {ENGLISH}")
    return chosen


def sync(english: Path) -> NotebookNode:
    """The Spanish notebook brought in step with ``english`` (written)."""
    en = read(english)
    target = spanish_path(english)
    es = read(target) if target.exists() else None
    nb = copy.deepcopy(en)
    nb.cells = aligned(en, es)
    if es is not None:
        nb.metadata = copy.deepcopy(es.metadata) | {"kernelspec": en.metadata["kernelspec"]}
        for name in ("fmnist", "widgets"):
            if name in en.metadata:
                nb.metadata[name] = copy.deepcopy(en.metadata[name])
    write(nb, target)
    return nb


def problems(english: Path) -> list[str]:
    """What is not in step: a missing notebook, different code, stale or untranslated cells."""
    target = spanish_path(english)
    if not target.exists():
        return [f"{target.relative_to(ROOT)}: missing (python tools/translations.py new "
                f"{english.name[:2]})"]  # fmt: skip
    en, es = read(english), read(target)
    found = []
    if [key(c, False) for c in en.cells if c.cell_type != "markdown"] != [
        key(c, True) for c in es.cells if c.cell_type != "markdown"
    ]:
        found.append(f"{target.name}: code cells differ from the English (run sync)")
    elif [c.get("outputs") for c in en.cells if c.cell_type == "code"] != [
        c.get("outputs") for c in es.cells if c.cell_type == "code"
    ]:
        found.append(f"{target.name}: outputs differ from the English (run sync)")
    if len(en.cells) != len(es.cells):
        return [*found, f"{target.name}: {len(es.cells)} cells, English {len(en.cells)} (sync)"]
    for i, (a, b) in enumerate(zip(en.cells, es.cells, strict=True)):
        if a.cell_type != "markdown":
            continue
        first = a.source.strip().splitlines()[0][:70] if a.source.strip() else ""
        if not translated_from(b):
            found.append(f"{target.name} cell {i}: untranslated: {first}")
        elif translated_from(b) != cell_hash(a):
            found.append(f"{target.name} cell {i}: stale, the English changed: {first}")
    return found


def mark(english: Path, indices: list[int]) -> None:
    """Record that Spanish markdown cells ``indices`` translate the current English cells."""
    en, target = read(english), spanish_path(english)
    es = read(target)
    for i in indices:
        if es.cells[i].cell_type != "markdown" or en.cells[i].cell_type != "markdown":
            sys.exit(f"translations: cell {i} of {target.name} is not a markdown cell")
        es.cells[i].metadata["translation"] = {"source": cell_hash(en.cells[i])}
    write(es, target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["new", "sync", "check", "mark"])
    parser.add_argument("chapter", nargs="*", help="two-digit chapter numbers (default: all)")
    args = parser.parse_args(argv)
    if args.command == "mark":
        number, *cells = args.chapter
        mark(chapters([number])[0], [int(c) for c in cells])
        return 0
    found: list[str] = []
    for english in chapters(args.chapter):
        if args.command == "new" and spanish_path(english).exists():
            sys.exit(f"translations: {spanish_path(english)} exists: use sync")
        if args.command in ("new", "sync"):
            sync(english)
        found += problems(english)
    print("\n".join(found) if found else "translations: every Spanish notebook is in step")
    return 1 if found and args.command == "check" else 0


if __name__ == "__main__":
    sys.exit(main())
