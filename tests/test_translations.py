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
spec = importlib.util.spec_from_file_location("run_notebooks", ROOT / "tools" / "run_notebooks.py")
run_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_notebooks)


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
        "01_x.ipynb cell 3: outputs differ from the English (run sync, then re-execute the Spanish "
        "notebook: python tools/run_notebooks.py --budget full es/notebooks/01_x.py)"
    ]
    translations.main(["sync", "01"])
    assert translations.problems(books) == []
    assert jupytext.read(translations.spanish_path(books)).cells[3].outputs[0]["text"] == "1\n"


PNG = "iVBORw0KGgo="  # the figures' bytes do not matter here, only that they are figures
FIGURE_TEXT = "<Figure size 640x480 with 1 Axes>"  # what a figure shows as text/plain


def figure(alt, png=PNG):
    """A matplotlib figure as the kernel displays it, with its alt text."""
    return nbformat.v4.new_output(
        "display_data",
        data={"image/png": png, "text/plain": FIGURE_TEXT},
        metadata={"image/png": {"alt": alt}},
    )


def stdout(text):
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def executed(path, outputs, executed_on):
    """Store outputs for cell 3 (``print(x)``) as a run would, with the run's metadata."""
    nb = jupytext.read(path)
    nb.cells[3].outputs = outputs
    nb.metadata["fmnist"] = {"budget": "quick", "executed": executed_on, "seconds": 1}
    jupytext.write(nb, path)


def rerun(cell):
    return (
        f"01_x.ipynb cell {cell}: figure drawn in English (re-execute the Spanish notebook: "
        "python tools/run_notebooks.py --budget quick es/notebooks/01_x.py)"
    )


@pytest.fixture
def spanish_figures(books):
    """A translated twin executed by itself: English text outputs, a figure drawn in Spanish."""
    translations.main(["new", "01"])
    translate_all(books)
    executed(books, [stdout("1\n"), figure("A bar chart")], "2026-01-01")
    translations.main(["sync", "01"])
    assert translations.problems(books) == [rerun(3)]  # the English figure came across
    target = translations.spanish_path(books)
    executed(target, [stdout("1"), stdout("\n"), figure("Un diagrama de barras", png="ZXM=")],
             "2026-01-02")  # fmt: skip
    es = jupytext.read(target)
    es.metadata["widgets"] = {"state": "the Spanish run's widgets"}
    jupytext.write(es, target)
    return target


def test_text_outputs_keep_only_the_text(books):
    widget = {"model_id": "abc", "version_major": 2, "version_minor": 0}
    cell = nbformat.v4.new_code_cell("show()", execution_count=7, outputs=[
        stdout("a"), stdout("b\n"),
        nbformat.v4.new_output("stream", name="stderr", text="careful\n"),
        nbformat.v4.new_output("display_data", data={
            "application/vnd.jupyter.widget-view+json": widget, "text/plain": "HBox()"}),
        figure("A chart"),
        nbformat.v4.new_output("execute_result", execution_count=7,
                               data={"text/html": "<b>1</b>", "text/plain": "1"}),
        nbformat.v4.new_output("error", ename="ValueError", evalue="no", traceback=["..."]),
    ])  # fmt: skip
    assert translations.text_outputs(cell) == [
        {"output_type": "stream", "name": "stdout", "text": "ab\n"},
        {"output_type": "stream", "name": "stderr", "text": "careful\n"},
        {"output_type": "display_data", "data": {"text/plain": "HBox()"}},
        {"output_type": "display_data", "data": {"text/plain": FIGURE_TEXT}},
        {"output_type": "execute_result", "data": {"text/plain": "1", "text/html": "<b>1</b>"}},
        {"output_type": "error", "ename": "ValueError", "evalue": "no"},
    ]


def test_sync_keeps_the_spanish_figures_while_the_english_prints_the_same(books, spanish_figures):
    assert translations.problems(books) == []  # the figures differ, as they should
    executed(books, [stdout("1\n"), figure("A bar chart", png="ZW4=")], "2026-02-01")  # again
    assert translations.problems(books) == []
    translations.main(["sync", "01"])
    es = jupytext.read(spanish_figures)
    assert es.cells[3].outputs[-1]["metadata"]["image/png"]["alt"] == "Un diagrama de barras"
    assert es.cells[3].outputs[-1]["data"]["image/png"] == "ZXM="
    assert es.metadata["fmnist"]["executed"] == "2026-01-02"  # the Spanish run's
    assert es.metadata["widgets"] == {"state": "the Spanish run's widgets"}
    assert [c.source for c in es.cells] == ["ES: # 1. Title", "x = 1", "ES: A sentence.",
                                            "print(x)"]  # fmt: skip
    assert translations.problems(books) == []


def test_sync_takes_the_english_outputs_when_the_english_prints_otherwise(books, spanish_figures):
    executed(books, [stdout("2\n"), figure("A bar chart")], "2026-02-01")
    assert translations.problems(books) == [
        "01_x.ipynb cell 3: outputs differ from the English (run sync, then re-execute the Spanish "
        "notebook: python tools/run_notebooks.py --budget quick es/notebooks/01_x.py)"
    ]
    translations.main(["sync", "01"])
    es = jupytext.read(spanish_figures)
    assert es.cells[3].outputs == jupytext.read(books).cells[3].outputs
    assert es.metadata["fmnist"]["executed"] == "2026-02-01"  # the English run's
    assert "widgets" not in es.metadata  # the English run has none
    assert translations.main(["check", "01"]) == 1
    assert translations.problems(books) == [rerun(3)]  # until the Spanish is executed again


def test_sync_takes_the_english_outputs_when_the_code_changed(books, spanish_figures):
    edit_english(books, 3, "print(x + 0)")
    translations.main(["sync", "01"])
    es = jupytext.read(spanish_figures)
    assert es.cells[3].source == "print(x + 0)"
    assert es.cells[3].outputs[-1]["metadata"]["image/png"]["alt"] == "A bar chart"


def test_a_missing_spanish_figure_is_reported(books, spanish_figures):
    es = jupytext.read(spanish_figures)
    del es.cells[3].outputs[-1]["data"]["image/png"]  # the text of a figure that did not render
    jupytext.write(es, spanish_figures)
    assert translations.problems(books) == [
        "01_x.ipynb cell 3: 0 figures, English 1 (re-execute the Spanish notebook: python "
        "tools/run_notebooks.py --budget quick es/notebooks/01_x.py)"
    ]


@pytest.mark.parametrize(
    ("script", "language"),
    [("es/notebooks/03_autoencoders.py", "es"), ("notebooks/03_autoencoders.py", "en")],
)
def test_a_notebook_runs_in_the_language_of_its_folder(script, language):
    assert run_notebooks.language(ROOT / script) == language


def test_the_editions_to_run(monkeypatch, tmp_path):
    folders = {"en": tmp_path / "notebooks", "es": tmp_path / "es" / "notebooks"}
    for folder in folders.values():
        folder.mkdir(parents=True)
        (folder / "01_a.py").touch()
        (folder / "notes.py").touch()
    monkeypatch.setattr(run_notebooks, "FOLDERS", folders)
    assert run_notebooks.chapters("es") == [folders["es"] / "01_a.py"]
    assert run_notebooks.chapters("both") == [folders["en"] / "01_a.py", folders["es"] / "01_a.py"]
    with pytest.raises(SystemExit):
        run_notebooks.main(["--budget", "smoke", str(folders["es"] / "01_a.ipynb")])
