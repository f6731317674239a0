"""Numbers in the Spanish edition's prose written the Spanish way, by the course's one number
writer (``fmnist_lib.numerals``, Babel's ``es`` symbols with the RAE's thousands space).

The Spanish markdown (the chapters' text cells and the book's pages) was translated from the
English with the English numbers in it: ``0.8``, ``70,000``, ``95%``, and in formulas
``10{,}000`` and ``t_{0.975,\\,\\nu}``. This tool rewrites each number that its English
counterpart (the same cell, or the English page) writes the same way, so a number is only
touched when the English shows what it is: ``1,000`` there makes ``1.000`` here a thousand
(``1000``), ``0.999`` there makes it a decimal (``0,999``). Code, links and HTML are left alone;
in formulas the decimal comma is ``{,}``, the thousands space ``\\,``, and a list separator
after a decimal becomes ``;`` (``t_{0{,}975;\\,\\nu}``).

    python tools/spanish_numbers.py check   # lists what is still written the English way
    python tools/spanish_numbers.py fix     # rewrites it; then jupytext --sync the notebooks
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fmnist_lib.numerals import count, number  # noqa: E402  (the course's one number writer)

#: The book's Spanish pages and the English page each translates (the glossary and notation
#: pages are written from the CSVs below by tools/glossary.py).
PAGES = {
    "es/intro.md": "intro.md",
    "es/report.md": "report.md",
    "es/siguiente.md": "next.md",
    "es/proyecto.md": "capstone.md",
}
#: The sources with both languages in one row: each Spanish field and its English field.
TABLES = {
    "glossary.csv": {"term_es": "term_en", "meaning_es": "meaning_en"},
    "notation.csv": {"meaning_es": "meaning_en"},
}
#: Spans left as they are: fenced code, inline code, a link's target, an address, an HTML tag.
KEPT = re.compile(r"```.*?```|`[^`\n]*`|\]\([^)\n]*\)|https?://\S+|<[^>\n]*>", re.S)
MATH = re.compile(r"\$\$.*?\$\$|(?<![\\$])\$[^$\n]+?\$", re.S)
#: A number as either edition may write it: grouped thousands (``70,000``, ``70{,}000``,
#: ``70.000``), a decimal or a whole number before a percent sign, and that sign.
NUMBER = re.compile(
    r"(?<![\w.,}\\])(\d{1,3}(?:(?:,|\{,\})\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+|\d+\.\d+|\d+(?=%))"
    r"(?![\w{]|[.,]\d)(%?)"
)
NBSP = "\u00a0"  # Babel's es percent sign is preceded by a no-break space
NARROW = "\u202f"  # the thousands space (numerals.THOUSANDS)


def english_numbers(text: str) -> set[str]:
    """The numbers the English writes, as it writes them (``{,}`` read as ``,``)."""
    return {m.group(1).replace("{,}", ",") for m in NUMBER.finditer(text)}


def spanish(token: str, english: set[str]) -> str | None:
    """``token`` in Spanish, or None when the English does not show which number it is. A token
    with points only (``1.000``) is read as the English reads its comma form when there is one."""
    plain = token.replace("{,}", ",")
    as_english = plain.replace(".", ",") if "," not in plain and plain.count(".") >= 1 else plain
    if plain in english and plain.isdigit():  # a whole number before a percent sign
        return count(int(plain), lang="es")
    if plain in english and ("," in plain or "." in plain):
        if "," in plain:
            whole, _, fraction = plain.partition(".")
            value = int(whole.replace(",", ""))
            if not fraction:
                return count(value, lang="es")
            return number(float(whole.replace(",", "") + "." + fraction), len(fraction), lang="es")
        return number(float(plain), len(plain.partition(".")[2]), lang="es")
    if (
        as_english != plain
        and as_english in english
        and re.fullmatch(r"\d{1,3}(,\d{3})+", as_english)
    ):
        return count(int(as_english.replace(",", "")), lang="es")
    return None


def rewrite(text: str, english: set[str], in_math: bool) -> str:
    """Every number of ``text`` the English shows, in Spanish (``in_math``: LaTeX's marks)."""

    def one(m: re.Match[str]) -> str:
        written = spanish(m.group(1), english)
        if written is None:
            return m.group(0)
        percent = ("\\," if in_math else NBSP) + "\\%" * in_math + "%" * (not in_math)
        if in_math:
            written = written.replace(",", "{,}").replace(NARROW, "\\,")
        return written + (percent if m.group(2) else "")

    out = NUMBER.sub(one, text)
    if in_math:  # a list's comma after a decimal comma: ``t_{0{,}975,\,\nu}`` -> ``;``
        out = re.sub(r"(\d\{,\}\d+),", r"\1;", out)
    return out


def in_pieces(text: str, each: Callable[[str, bool], str]) -> str:
    """``text`` with ``each(piece, in_math)`` applied outside code, links and HTML."""
    out, last = [], 0
    for kept in KEPT.finditer(text):
        out.append(_math_and_prose(text[last : kept.start()], each))
        out.append(kept.group(0))
        last = kept.end()
    out.append(_math_and_prose(text[last:], each))
    return "".join(out)


def _math_and_prose(text: str, each: Callable[[str, bool], str]) -> str:
    out, last = [], 0
    for math in MATH.finditer(text):
        out.append(each(text[last : math.start()], False))
        out.append(each(math.group(0), True))
        last = math.end()
    out.append(each(text[last:], False))
    return "".join(out)


def spanish_text(text: str, english_text: str) -> str:
    """``text`` (Spanish markdown) with the numbers its English ``english_text`` shows rewritten."""
    english = english_numbers(english_text)
    return in_pieces(text, lambda piece, math: rewrite(piece, english, math))


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def chapter_changes(spanish_path: Path, fix: bool) -> list[str]:
    """The markdown cells of a Spanish chapter whose numbers are written the English way."""
    english_path = ROOT / "notebooks" / spanish_path.name
    es, en = (json.loads(p.read_text(encoding="utf-8")) for p in (spanish_path, english_path))
    found = []
    for i, (a, b) in enumerate(zip(en["cells"], es["cells"], strict=False)):
        if b["cell_type"] != "markdown":
            continue
        before = _source(b)
        after = spanish_text(before, _source(a))
        if after != before:
            found.append(f"{spanish_path.relative_to(ROOT)} cell {i}")
            b["source"] = after.splitlines(keepends=True)
    if fix and found:
        spanish_path.write_text(json.dumps(es, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return found


def page_changes(page: str, fix: bool) -> list[str]:
    path = ROOT / page
    before = path.read_text(encoding="utf-8")
    after = spanish_text(before, (ROOT / PAGES[page]).read_text(encoding="utf-8"))
    if after == before:
        return []
    if fix:
        path.write_text(after, encoding="utf-8")
    return [page]


def table_changes(name: str, fix: bool) -> list[str]:
    """The rows of a two-language CSV whose Spanish fields write a number the English way."""
    path = ROOT / name
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    found = []
    for i, row in enumerate(rows, start=2):
        for field, english in TABLES[name].items():
            after = spanish_text(row[field], row[english])
            if after != row[field]:
                found.append(f"{name} line {i} ({field})")
                row[field] = after
    if fix and found:
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    return found


def changes(fix: bool = False) -> list[str]:
    """Every Spanish chapter cell, page and glossary or notation row with a number written the
    English way."""
    found = []
    for path in sorted((ROOT / "es" / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        found += chapter_changes(path, fix)
    for page in PAGES:
        found += page_changes(page, fix)
    for table in TABLES:
        found += table_changes(table, fix)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("check", "fix"))
    args = parser.parse_args(argv)
    found = changes(fix=args.command == "fix")
    for place in found:
        print(("rewritten: " if args.command == "fix" else "English numbers: ") + place)
    if args.command == "fix" and found:
        print("now: jupytext --sync es/notebooks/*.ipynb; python tools/glossary.py write")
    return 1 if found and args.command == "check" else 0


if __name__ == "__main__":
    sys.exit(main())
