"""The glossary and the notation page, both editions, come from one source each (glossary.csv,
notation.csv) through tools/glossary.py: the committed pages are what the tool writes, and the
sources are whole (every field filled, no term twice)."""

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("glossary", ROOT / "tools" / "glossary.py")
glossary = importlib.util.module_from_spec(spec)
spec.loader.exec_module(glossary)
TERMS = glossary.read_rows(ROOT / glossary.GLOSSARY, glossary.TERM_FIELDS)
SYMBOLS = glossary.read_rows(ROOT / glossary.NOTATION, glossary.SYMBOL_FIELDS)


@pytest.mark.artifacts
@pytest.mark.parametrize("page", sorted(glossary.PAGES))
def test_the_committed_page_is_what_the_tool_writes(page):
    expected = glossary.expected_pages()[page]
    committed = (ROOT / page).read_text(encoding="utf-8")
    assert committed == expected, f"{page} is stale: run python tools/glossary.py write"


def test_every_term_and_symbol_has_all_its_fields():
    for rows, fields in ((TERMS, glossary.TERM_FIELDS), (SYMBOLS, glossary.SYMBOL_FIELDS)):
        empty = [row for row in rows if not all(row[field].strip() for field in fields)]
        assert not empty, f"rows with an empty field: {empty}"
    assert len(TERMS) >= 100 and len(SYMBOLS) >= 30  # the sources were read whole


def test_no_term_appears_twice_in_either_language():
    for field in ("term_es", "term_en"):
        assert not glossary.duplicates(TERMS, field), f"{field} repeated"


def test_a_duplicate_is_found_without_case_or_accents():
    rows = [{"term_es": "época"}, {"term_es": "Epoca"}, {"term_es": "paso"}]
    assert glossary.duplicates(rows, "term_es") == ["Epoca", "época"]


def test_every_symbol_points_to_a_chapter_that_exists():
    for row in SYMBOLS:
        link = glossary.chapter_link(row["chapter"])  # raises for a missing chapter
        assert (ROOT / link.split("(")[1].rstrip(")")).exists()


def test_terms_sort_as_in_a_dictionary():
    spanish = ["ñandú", "época", "Adam", "nube", "exactitud", "«entrada»", "oso"]
    ordered = sorted(spanish, key=lambda t: glossary.sort_key(t, spanish=True))
    assert ordered == ["Adam", "«entrada»", "época", "exactitud", "nube", "ñandú", "oso"]


def test_a_source_that_would_break_the_table_is_refused(tmp_path):
    source = tmp_path / glossary.GLOSSARY
    source.write_text("term_es,term_en,meaning_es,meaning_en\na,b,c|d,e\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        glossary.read_rows(source, glossary.TERM_FIELDS)


def test_check_names_the_page_that_differs(tmp_path):
    expected = glossary.expected_pages()
    for page, text in expected.items():
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / page).write_text(text, encoding="utf-8")
    assert glossary.differences(expected, tmp_path) == []
    (tmp_path / "es" / "notacion.md").write_text("# Notación\n", encoding="utf-8")
    (tmp_path / "glossary.md").unlink()
    assert glossary.differences(expected, tmp_path) == ["glossary.md", "es/notacion.md"]


@pytest.mark.artifacts
def test_the_check_command_passes_on_the_committed_pages():
    command = [sys.executable, str(ROOT / "tools" / "glossary.py"), "check"]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("edition", "page", "link"),
    [
        ("en", "glossary", "es/glosario.html"),
        ("es", "glosario", "../glossary.html"),
        ("en", "notation", "es/notacion.html"),
        ("es", "notacion", "../notation.html"),
        ("en", "next", "es/siguiente.html"),
        ("es", "siguiente", "../next.html"),
        ("en", "references", "es/references.html"),
    ],
)
def test_each_page_links_to_its_twin_in_the_other_edition(edition, page, link):
    pytest.importorskip("sphinx")
    spec = importlib.util.spec_from_file_location("book", ROOT / "book_ext" / "fmnist_book.py")
    book = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(book)
    app = SimpleNamespace(
        srcdir=ROOT / "es" if edition == "es" else ROOT,
        config=SimpleNamespace(fmnist_edition=edition),
    )
    assert book.counterpart(app, page) == link
