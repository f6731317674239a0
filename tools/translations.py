"""The Spanish edition's notebooks (es/notebooks/), kept in step with the English ones.

A Spanish notebook has its English twin's cells in the same order: code cells with the same
source and metadata, markdown cells translated. A translated markdown cell records in its metadata
(``translation.source``) a hash of the English cell it translates; when the English cell
changes, the hashes differ and the translation is *stale*. A cell not yet translated records
``translation.source = ""`` and keeps the English text.

Outputs: executed by itself, a Spanish notebook prints what its English twin prints (same code,
same numbers) but draws its figures in Spanish. So its code cells must have the English cells'
*text* outputs (streams, errors, text/plain, text/html, text/markdown, text/latex: see
``text_outputs``), while its figures (image/png, their alt text in the output's metadata) are
its own; a figure whose alt text is the English one was drawn in English.

    python tools/translations.py new 03             # es/notebooks/03_*.ipynb from the English
    python tools/translations.py sync [03 ...]      # carry code cells across, keep translations
    python tools/translations.py mark 03 5 7        # cells 5 and 7 now translate the English ones
    python tools/translations.py check [03 ...]     # list what is not in step (exit 1)

``sync`` aligns the two notebooks (code cells by their source, markdown cells by the hash they
translate), so English cells may be added, removed or moved: a new English markdown cell arrives
untranslated, a changed one keeps its old translation and is reported stale. Code cells keep the
Spanish outputs (and the notebook its ``widgets`` and ``fmnist`` metadata) when the code is the
English code and every text output is the English one; otherwise they take the English outputs
and metadata, and the Spanish notebook must be executed again for Spanish figures:

    python tools/run_notebooks.py --budget full notebooks/03_autoencoders.py
    python tools/translations.py sync 03
    python tools/run_notebooks.py --budget full es/notebooks/03_autoencoders.py

Each notebook is written with its jupytext twin (.py).
"""

from __future__ import annotations

import argparse
import copy
import difflib
import hashlib
import sys
from pathlib import Path
from typing import Any

import jupytext
from nbformat import NotebookNode

ROOT = Path(__file__).resolve().parent.parent
ENGLISH, SPANISH = ROOT / "notebooks", ROOT / "es" / "notebooks"
FILTER = "tags,jupyter,translation,-all"  # the cell metadata a .py twin keeps
TEXT_TYPES = ("text/plain", "text/html", "text/markdown", "text/latex")  # what text_outputs keeps
RUN_METADATA = ("fmnist", "widgets")  # notebook metadata that belongs to an execution


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


def joined(text: str | list[str]) -> str:
    """An output's text, whether stored as one string or as a list of lines."""
    return text if isinstance(text, str) else "".join(text)


def textual(output: NotebookNode) -> dict[str, Any]:
    """An output's textual part: a stream's name and text, an error's name and value, a result's
    or display's text/plain, text/html, text/markdown and text/latex."""
    kind = output["output_type"]
    if kind == "stream":
        return {"output_type": kind, "name": output["name"], "text": joined(output["text"])}
    if kind == "error":
        return {"output_type": kind, "ename": output["ename"], "evalue": output["evalue"]}
    data = output.get("data", {})
    return {"output_type": kind, "data": {m: joined(data[m]) for m in TEXT_TYPES if m in data}}


def text_outputs(cell: NotebookNode) -> list[dict[str, Any]]:
    """A cell's outputs with only their textual parts (``textual``): no image, widget view,
    metadata or execution count. Consecutive streams of one name are merged: the kernel splits
    a cell's printing into outputs by timing, so two runs that print the same may split it
    differently."""
    found: list[dict[str, Any]] = []
    for output in map(textual, cell.get("outputs", [])):
        # only a stream has a name: this one continues the previous output, a stream of its name
        if found and output.get("name") and found[-1].get("name") == output["name"]:
            found[-1]["text"] += output["text"]
        else:
            found.append(output)
    return found


def figure_alts(cell: NotebookNode) -> list[str | None]:
    """The alt text of each figure (image/png output) of a cell, None where it has none."""
    return [
        output.get("metadata", {}).get("image/png", {}).get("alt")
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]


def code_cells(nb: NotebookNode) -> list[NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code"]


def same_run(en: NotebookNode, es: NotebookNode | None) -> bool:
    """Whether the Spanish notebook's code cells are the English ones with the English text
    outputs (then its own outputs, with Spanish figures, are kept)."""
    if es is None:
        return False
    a, b = code_cells(en), code_cells(es)
    return [c.source for c in a] == [c.source for c in b] and all(
        text_outputs(x) == text_outputs(y) for x, y in zip(a, b, strict=True)
    )


def with_outputs(cell: NotebookNode, executed: NotebookNode) -> None:
    """Give ``cell`` the outputs of ``executed`` (its execution count and timing too)."""
    cell.outputs = copy.deepcopy(executed.get("outputs", []))
    cell.execution_count = executed.get("execution_count")
    if "execution" in executed.metadata:
        cell.metadata["execution"] = copy.deepcopy(executed.metadata["execution"])
    else:
        cell.metadata.pop("execution", None)


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
    """The Spanish notebook brought in step with ``english`` (written): its own outputs kept when
    the English run printed the same (``same_run``), else the English outputs."""
    en = read(english)
    target = spanish_path(english)
    es = read(target) if target.exists() else None
    nb = copy.deepcopy(en)
    nb.cells = aligned(en, es)
    if es is not None:
        nb.metadata = copy.deepcopy(es.metadata) | {"kernelspec": en.metadata["kernelspec"]}
        if same_run(en, es):
            for cell, executed in zip(code_cells(nb), code_cells(es), strict=True):
                with_outputs(cell, executed)
        else:
            for name in RUN_METADATA:
                if name in en.metadata:
                    nb.metadata[name] = copy.deepcopy(en.metadata[name])
                else:
                    nb.metadata.pop(name, None)
    write(nb, target)
    return nb


def shown(path: Path) -> Path:
    """A path as a command line would name it (from the repository's root)."""
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def rerun(en: NotebookNode, es: NotebookNode, target: Path) -> str:
    """The command that executes the Spanish notebook at the budget it was executed at."""
    budget = es.metadata.get("fmnist", en.metadata.get("fmnist", {})).get("budget", "full")
    return f"python tools/run_notebooks.py --budget {budget} {shown(target.with_suffix('.py'))}"


def output_problems(en: NotebookNode, es: NotebookNode, target: Path) -> list[str]:
    """Code cells whose text outputs are not the English ones (the first), figures drawn in
    English (an alt text equal to the English figure's) and figures missing or extra."""
    again = f"re-execute the Spanish notebook: {rerun(en, es, target)}"
    found: list[str] = []
    code = [(i, c) for i, c in enumerate(es.cells) if c.cell_type == "code"]
    for english, (i, spanish) in zip(code_cells(en), code, strict=True):
        if text_outputs(english) != text_outputs(spanish):
            return [f"{target.name} cell {i}: outputs differ from the English (run sync, then "
                    f"{again})"]  # fmt: skip
        a, b = figure_alts(english), figure_alts(spanish)
        if len(a) != len(b):
            found.append(f"{target.name} cell {i}: {len(b)} figures, English {len(a)} ({again})")
        if any(x is not None and x == y for x, y in zip(a, b, strict=False)):
            found.append(f"{target.name} cell {i}: figure drawn in English ({again})")
    return found


def problems(english: Path) -> list[str]:
    """What is not in step: a missing notebook, different code or text outputs, figures drawn in
    English, stale or untranslated cells."""
    target = spanish_path(english)
    if not target.exists():
        return [f"{shown(target)}: missing (python tools/translations.py new {english.name[:2]})"]
    en, es = read(english), read(target)
    found = []
    if [key(c, False) for c in en.cells if c.cell_type != "markdown"] != [
        key(c, True) for c in es.cells if c.cell_type != "markdown"
    ]:
        found.append(f"{target.name}: code cells differ from the English (run sync)")
    else:
        found += output_problems(en, es, target)
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
