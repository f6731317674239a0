"""The Spanish edition's notebooks (es/notebooks/), kept in step with the English ones.

A Spanish notebook has its English twin's cells in the same order: code cells with the same
code and metadata (only their comments and the words of their string literals may differ:
translated, see ``code_of``; names, numbers, expressions and format specs may not), markdown
cells translated. A translated markdown cell records in its metadata (``translation.source``) a hash
of the English cell it translates; when the English cell changes, the hashes differ and the
translation is *stale*. A cell not yet translated records ``translation.source = ""`` and keeps
the English text. A code cell keeps its Spanish comments and strings while its code is the
English code; when the English code changes, the English cell (its words too) replaces it. A code
cell whose strings are translated is marked like a markdown cell (``translation.source``), so a
changed English comment or string makes it stale too.

Outputs: executed by itself, a Spanish notebook prints what its English twin prints (same code,
same numbers) but draws its figures in Spanish. So its code cells must have the English cells'
*text* outputs (streams, errors, text/plain, text/html, text/markdown, text/latex: see
``text_outputs``), while its figures (image/png, their alt text in the output's metadata) are
its own; a figure whose alt text is the English one was drawn in English.

    python tools/translations.py new 03             # es/notebooks/03_*.ipynb from the English
    python tools/translations.py sync [03 ...]      # carry code cells across, keep translations
    python tools/translations.py mark 03 5 7        # cells 5 and 7 now translate the English ones
    python tools/translations.py record             # record what every in-step cell translates
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

What a translation translated is kept: ``mark`` records, in es/translated_from.json, the English
text of each cell it marks and a hash of its Spanish. ``check`` then shows, for a stale cell, the
diff of the English since it was translated; and ``mark`` refuses a stale cell whose Spanish has
not changed since its last mark, unless told that the English change needs none (``--unchanged``:
a typo fixed, a link moved).

Text outputs are compared by their numbers, not their words: a Spanish notebook prints in Spanish
(decimal comma, thin-space thousands) what its English twin prints, so the two outputs must hold
the same digits in the same order (``digits``).
"""

from __future__ import annotations

import argparse
import ast
import copy
import difflib
import hashlib
import io
import json
import re
import sys
import tokenize
from pathlib import Path
from typing import Any

import jupytext
from nbformat import NotebookNode

ROOT = Path(__file__).resolve().parent.parent
ENGLISH, SPANISH = ROOT / "notebooks", ROOT / "es" / "notebooks"
FILTER = "tags,jupyter,translation,-all"  # the cell metadata a .py twin keeps
TEXT_TYPES = ("text/plain", "text/html", "text/markdown", "text/latex")  # what text_outputs keeps
RUN_METADATA = ("fmnist", "widgets")  # notebook metadata that belongs to an execution
RECORD = "translated_from.json"  # beside SPANISH's parent: what each translation translated
NUMBER = re.compile(r"\d+(?:[.,\u202f\u00a0]\d+| \d{3}(?!\d))*")  # with the marks inside it


def numbers_in(text: str) -> list[str]:
    """The digits of each number in a text, in order, without the marks inside it: what an
    English and a Spanish text share however each writes its numbers ("70,000", "70 000" and
    "70000"; "0.8" and "0,8")."""
    return [re.sub(r"\D", "", number) for number in NUMBER.findall(text)]


def digits(outputs: list[dict[str, Any]]) -> list[str]:
    """The numbers in text outputs (``numbers_in``), in order."""
    return numbers_in(json.dumps(outputs, sort_keys=True, ensure_ascii=False))


def record_path() -> Path:
    return SPANISH.parent / RECORD


def read_record() -> dict[str, dict[str, dict[str, str]]]:
    """es/translated_from.json: chapter → English cell hash → {english, spanish (a hash)}."""
    path = record_path()
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def write_record(record: dict[str, dict[str, dict[str, str]]]) -> None:
    text = json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    record_path().write_text(text, encoding="utf-8")


def english_diff(chapter: str, english: NotebookNode, spanish: NotebookNode) -> list[str]:
    """What changed in the English since ``spanish`` translated it, as diff lines (indented)."""
    before = read_record().get(chapter, {}).get(translated_from(spanish), {}).get("english")
    if before is None:
        return ["    (the English it translated was not recorded: compare with git log)"]
    lines = difflib.unified_diff(
        before.splitlines(), english.source.splitlines(), "translated", "now", lineterm="", n=0
    )
    return [f"    {line}" for line in lines if not line.startswith("@@")]


def cell_hash(cell: NotebookNode) -> str:
    """A short hash of a cell's source (what a translation translates)."""
    return hashlib.sha256(cell.source.encode("utf-8")).hexdigest()[:16]


def masked_string(token: str) -> str:
    """A string literal with its words masked: a plain string becomes its runs of digits, an
    f-string keeps its replacement fields and their format specs (``f"{x:.2%} of {n:,}"`` becomes
    ``f"…{x:.2%}…{n:,}"``), so that translated words compare equal but a number, an expression or
    a format spec does not. Its newlines are kept (the lines of the cell stay where they were); a
    bytes literal, or one that Python cannot parse, is kept whole."""
    try:
        node = ast.parse(token.strip(), mode="eval").body
    except SyntaxError:
        return token
    lines = "\n" * token.count("\n")
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return f'"{_digits_of(node.value)}"{lines}'
    if isinstance(node, ast.JoinedStr):
        return f'f"{_fields(node, mask=True)}"{lines}'
    return token


def _digits_of(text: str) -> str:
    """Words masked, numbers kept: ``"70,000 images at 0.8"`` gives ``…70…000…0…8…``."""
    return "…" + "…".join(numbers_in(text)) + "…" if numbers_in(text) else "…"


def _fields(node: ast.JoinedStr, mask: bool) -> str:
    """An f-string's parts: its text masked (``mask``: not inside a format spec, where it is
    kept), its replacement fields as ``{expression!conversion:spec}``."""
    parts = []
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(_digits_of(str(value.value)) if mask else str(value.value))
        elif isinstance(value, ast.FormattedValue):
            conversion = f"!{chr(value.conversion)}" if value.conversion != -1 else ""
            spec = value.format_spec
            spec_text = f":{_fields(spec, mask=False)}" if isinstance(spec, ast.JoinedStr) else ""
            parts.append(f"{{{ast.unparse(value.value)}{conversion}{spec_text}}}")
    return "".join(parts)


def _literal(node: ast.expr) -> bool:
    """A constant, or a tuple, list or set of constants."""
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return all(isinstance(e, ast.Constant) for e in node.elts)
    return isinstance(node, ast.Constant)


class _MaskedWords(ast.NodeTransformer):
    """Masks the words of string literals (``_digits_of``): a plain string's, and the text
    between an f-string's replacement fields; a field's expression is visited, its format spec
    kept. A string that a comparison compares is data, not words to show: kept."""

    def visit_Compare(self, node: ast.Compare) -> ast.Compare:
        """A string compared with data (``how == "freeze()"``, ``x in ("a", "b")``) is kept."""
        operands = [node.left, *node.comparators]
        kept = [o if _literal(o) else self.visit(o) for o in operands]
        node.left, node.comparators = kept[0], kept[1:]
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        if isinstance(node.value, str):
            return ast.copy_location(ast.Constant(_digits_of(node.value)), node)
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.JoinedStr:
        """Its fields, each between two masked texts (empty or not: a translation may put
        words before a field where the English has none)."""
        values: list[ast.expr] = []
        text = ""
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                value.value = self.visit(value.value)
                values += [ast.Constant(_digits_of(text)), value]
                text = ""
            elif isinstance(value, ast.Constant):
                text += str(value.value)
        node.values = [*values, ast.Constant(_digits_of(text))]
        return node


def code_of(source: str, mask: bool = True) -> str:
    """A code cell's code, what its Spanish twin must keep: its syntax tree written out again
    (``ast.unparse``: no comments, whatever the layout of its lines and the split of its strings
    into pieces), with the words of its string literals masked unless not ``mask`` (numbers, an
    f-string's fields and format specs kept: see ``_MaskedWords``), which the Spanish twin
    translates. A source that Python cannot parse is compared token by token
    (``tokens_code_of``); a cell magic's line (``%%solution``) is kept as it is, before the
    code it runs."""
    if source.startswith("%%"):
        magic, _, body = source.partition("\n")
        return magic + "\n" + code_of(body, mask)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return tokens_code_of(source, mask)
    return ast.unparse(_MaskedWords().visit(tree) if mask else tree)


def tokens_code_of(source: str, mask: bool = True) -> str:
    """``code_of`` for a source that Python cannot parse (a cell with an IPython magic): its
    comments removed token by token (a line that held only a comment goes too), each string
    literal masked by itself (``masked_string``) unless not ``mask``. A source that Python cannot
    tokenize either is taken whole."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return source
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    pieces, done = [], 0
    for token in tokens:
        if token.type in (tokenize.COMMENT, tokenize.STRING):
            begin = starts[token.start[0] - 1] + token.start[1]
            kept = masked_string(token.string) if mask else token.string
            kept = "" if token.type == tokenize.COMMENT else kept
            pieces += [source[done:begin], kept]
            done = starts[token.end[0] - 1] + token.end[1]
    pieces.append(source[done:])
    commented = {t.start[0] - 1 for t in tokens if t.type == tokenize.COMMENT}
    lines = [line.rstrip() for line in "".join(pieces).split("\n")]
    return "\n".join(line for n, line in enumerate(lines) if line or n not in commented)


def translated_from(cell: NotebookNode) -> str:
    """The hash of the English cell that a Spanish markdown cell, or a code cell with translated
    comments or strings, translates ("" if none)."""
    return str(cell.metadata.get("translation", {}).get("source", ""))


def key(cell: NotebookNode, spanish: bool) -> tuple[str, str]:
    """What aligns two cells: a code cell's code (``code_of``), a markdown cell's English
    source."""
    if cell.cell_type == "markdown":
        return ("markdown", translated_from(cell) if spanish else cell_hash(cell))
    code = hashlib.sha256(code_of(cell.source).encode("utf-8")).hexdigest()[:16]
    return (cell.cell_type, code)


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
        if op == "equal":  # markdown: the translation; code: the English cell (its outputs too)
            for english, spanish in zip(en.cells[i1:i2], es.cells[j1:j2], strict=True):
                if english.cell_type == "markdown":
                    cells.append(spanish)
                    continue
                cells.append(copy.deepcopy(english))
                cells[-1].source = spanish.source  # the same code, its words in Spanish
                marked = spanish.metadata.get("translation")  # what its words translate
                if marked is not None:
                    cells[-1].metadata["translation"] = copy.deepcopy(marked)
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
    or display's text/plain (unless it has text/html or is a figure), text/html, text/markdown
    and text/latex."""
    kind = output["output_type"]
    if kind == "stream":
        return {"output_type": kind, "name": output["name"], "text": joined(output["text"])}
    if kind == "error":
        return {"output_type": kind, "ename": output["ename"], "evalue": output["evalue"]}
    data = output.get("data", {})
    # a table's text/plain is wrapped to the console's width, so a wider translated label moves
    # columns into another block and its numbers into another order; its text/html does not wrap.
    # A figure's text/plain gives its drawn size, which a longer translated legend may change.
    shown_otherwise = "text/html" in data or "image/png" in data
    kept = [m for m in TEXT_TYPES if m in data and not (m == "text/plain" and shown_otherwise)]
    return {"output_type": kind, "data": {m: joined(data[m]) for m in kept}}


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
    return [code_of(c.source) for c in a] == [code_of(c.source) for c in b] and all(
        digits(text_outputs(x)) == digits(text_outputs(y)) for x, y in zip(a, b, strict=True)
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
        a, b = figure_alts(english), figure_alts(spanish)
        if len(a) != len(b):  # a figure that did not render leaves only its text
            found.append(f"{target.name} cell {i}: {len(b)} figures, English {len(a)} ({again})")
            continue
        if digits(text_outputs(english)) != digits(text_outputs(spanish)):
            return [f"{target.name} cell {i}: outputs' numbers differ from the English (run "
                    f"sync, then {again})"]  # fmt: skip
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
        found += cell_problems(english, i, a, b)
    return found


def cell_problems(english: Path, i: int, a: NotebookNode, b: NotebookNode) -> list[str]:
    """Whether Spanish cell ``i`` translates English cell ``a`` as it is now: a markdown cell
    untranslated or stale; a code cell whose strings are translated but not marked, or, marked,
    stale (the English comments or strings changed since). A code cell with only its comments
    translated may be unmarked (as translations were before code cells were marked)."""
    name = spanish_path(english).name
    first = a.source.strip().splitlines()[0][:70] if a.source.strip() else ""
    if a.cell_type == "markdown" and not translated_from(b):
        return [f"{name} cell {i}: untranslated: {first}"]
    if a.cell_type == "code" and not translated_from(b):
        if b.cell_type != "code" or code_of(b.source, mask=False) == code_of(a.source, mask=False):
            return []  # the English code, its strings too (comments translated before marks)
        return [f"{name} cell {i}: translated code not marked (python tools/translations.py "
                f"mark {english.name[:2]} {i}): {first}"]  # fmt: skip
    if translated_from(b) != cell_hash(a):
        return [
            f"{name} cell {i}: stale, the English changed: {first}",
            *english_diff(english.stem, a, b),
        ]
    return []


def mark(english: Path, indices: list[int], unchanged: bool = False) -> None:
    """Record that Spanish cells ``indices`` (markdown, or code whose comments and strings are
    translated, its code unchanged: ``code_of``) translate the current English cells, and
    what they translate (es/translated_from.json). A stale cell whose Spanish is the one last
    marked is refused unless ``unchanged`` (the English change needs no change in Spanish)."""
    en, target = read(english), spanish_path(english)
    es = read(target)
    record = read_record()
    chapter = record.setdefault(english.stem, {})
    for i in indices:
        if es.cells[i].cell_type != en.cells[i].cell_type:
            sys.exit(f"translations: cell {i} of {target.name} is not the English cell's kind")
        if es.cells[i].cell_type == "code" and key(es.cells[i], True) != key(en.cells[i], False):
            sys.exit(
                f"translations: cell {i} of {target.name}: its code (numbers, names, format "
                "specs) differs from the English: only comments and the words of strings are "
                "translated (run sync)"
            )
        before, now = translated_from(es.cells[i]), cell_hash(en.cells[i])
        last = chapter.get(before, {}).get("spanish")
        if before and before != now and last == cell_hash(es.cells[i]) and not unchanged:
            sys.exit(
                f"translations: cell {i} of {target.name}: the English changed but the Spanish "
                "did not since it was last marked; translate the change, or mark with "
                "--unchanged if it needs none"
            )
        es.cells[i].metadata["translation"] = {"source": now}
        chapter[now] = {"english": en.cells[i].source, "spanish": cell_hash(es.cells[i])}
    write(es, target)
    write_record(record)


def record_in_step(english: Path) -> None:
    """Record what each in-step translated cell of a chapter translates (the English text now),
    and forget the records no cell refers to any more."""
    target = spanish_path(english)
    if not target.exists():
        return
    en, es = read(english), read(target)
    record = read_record()
    old = record.get(english.stem, {})
    used = {translated_from(c) for c in es.cells} - {""}
    chapter = {h: old[h] for h in used if h in old}
    for a, b in zip(en.cells, es.cells, strict=False):
        if a.cell_type == b.cell_type and translated_from(b) == cell_hash(a):
            chapter[cell_hash(a)] = {"english": a.source, "spanish": cell_hash(b)}
    record[english.stem] = chapter
    write_record(record)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["new", "sync", "check", "mark", "record"])
    parser.add_argument("chapter", nargs="*", help="two-digit chapter numbers (default: all)")
    parser.add_argument(
        "--unchanged",
        action="store_true",
        help="mark: the English change needs no change in the Spanish (a typo, a link)",
    )
    args = parser.parse_args(argv)
    if args.command == "mark":
        number, *cells = args.chapter
        mark(chapters([number])[0], [int(c) for c in cells], unchanged=args.unchanged)
        return 0
    found: list[str] = []
    for english in chapters(args.chapter):
        if args.command == "new" and spanish_path(english).exists():
            sys.exit(f"translations: {spanish_path(english)} exists: use sync")
        if args.command in ("new", "sync"):
            sync(english)
        if args.command in ("new", "sync", "record"):
            record_in_step(english)
        found += problems(english)
    print("\n".join(found) if found else "translations: every Spanish notebook is in step")
    return 1 if found and args.command == "check" else 0


if __name__ == "__main__":
    sys.exit(main())
