"""tools/translations.py keeps a translated notebook in step with its English twin: code carried
across, a changed English sentence reported as a stale translation, cells added and removed."""

import importlib.util
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("translations", ROOT / "tools" / "translations.py")
translations = importlib.util.module_from_spec(spec)
spec.loader.exec_module(translations)


@pytest.fixture
def books(tmp_path, monkeypatch):
    """An English notebook 01_x.ipynb and the folder of its Spanish twin, both in tmp_path."""
    english, spanish = tmp_path / "notebooks", tmp_path / "es" / "notebooks"
    english.mkdir()
    monkeypatch.setattr(translations, "ENGLISH", english)
    monkeypatch.setattr(translations, "SPANISH", spanish)
    monkeypatch.setattr(translations, "ROOT", tmp_path)
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 1. Title"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_markdown_cell("A sentence."),
        nbformat.v4.new_code_cell("print(x)"),
    ])  # fmt: skip
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = english / "01_x.ipynb"
    jupytext.write(nb, path)
    return path


def translate_all(path):
    """Translate every markdown cell of the Spanish twin (as a translator would) and mark it."""
    target = translations.spanish_path(path)
    es = jupytext.read(target)
    done = [i for i, c in enumerate(es.cells) if c.cell_type == "markdown"]
    for i in done:
        es.cells[i].source = "ES: " + es.cells[i].source
    jupytext.write(es, target)
    translations.mark(path, done)


def edit_english(path, index, source):
    nb = jupytext.read(path)
    nb.cells[index].source = source
    jupytext.write(nb, path)


def test_a_new_twin_is_untranslated_then_in_step_once_marked(books):
    translations.main(["new", "01"])
    target = translations.spanish_path(books)
    assert target.exists() and target.with_suffix(".py").exists()
    assert [p.split(":")[1].strip() for p in translations.problems(books)] == [
        "untranslated",
        "untranslated",
    ]
    translate_all(books)
    assert translations.problems(books) == []
    assert "translation=" in target.with_suffix(".py").read_text()  # kept in the .py twin


def test_changing_an_english_sentence_makes_its_translation_stale(books, capsys):
    translations.main(["new", "01"])
    translate_all(books)
    edit_english(books, 2, "A changed sentence.")
    assert translations.main(["check", "01"]) == 1
    out = capsys.readouterr().out
    assert "01_x.ipynb cell 2: stale, the English changed: A changed sentence." in out
    translations.main(["sync", "01"])  # sync keeps the old translation and still reports it
    assert jupytext.read(translations.spanish_path(books)).cells[2].source == "ES: A sentence."
    assert len(translations.problems(books)) == 1


def test_sync_carries_code_and_follows_added_and_removed_cells(books):
    translations.main(["new", "01"])
    translate_all(books)
    nb = jupytext.read(books)
    nb.cells[1].source = "x = 2"  # code changed
    nb.cells.insert(3, nbformat.v4.new_markdown_cell("A new paragraph."))
    del nb.cells[0]  # the title removed
    jupytext.write(nb, books)
    assert "code cells differ" in " ".join(translations.problems(books))
    translations.main(["sync", "01"])
    es = jupytext.read(translations.spanish_path(books))
    assert [c.source for c in es.cells] == ["x = 2", "ES: A sentence.", "A new paragraph.",
                                            "print(x)"]  # fmt: skip
    assert translations.problems(books) == ["01_x.ipynb cell 2: untranslated: A new paragraph."]


def test_new_english_outputs_are_reported_then_carried_across(books):
    translations.main(["new", "01"])
    translate_all(books)
    nb = jupytext.read(books)
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    jupytext.write(nb, books)
    assert translations.problems(books) == [
        "01_x.ipynb: outputs differ from the English (run sync)"
    ]
    translations.main(["sync", "01"])
    assert translations.problems(books) == []
    assert jupytext.read(translations.spanish_path(books)).cells[3].outputs[0]["text"] == "1\n"
