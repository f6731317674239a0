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
    stale, *diff = translations.problems(books)
    assert "stale" in stale
    assert diff == [
        "    --- translated",
        "    +++ now",
        "    -A sentence.",
        "    +A changed sentence.",
    ]


def test_mark_refuses_a_stale_cell_whose_spanish_did_not_change(books):
    translations.main(["new", "01"])
    translate_all(books)
    edit_english(books, 2, "A sentence, corrected.")
    with pytest.raises(SystemExit, match="did not since it was last marked"):
        translations.mark(books, [2])
    translations.main(["mark", "01", "2", "--unchanged"])  # the change needs no Spanish change
    assert translations.problems(books) == []
    edit_english(books, 2, "Another sentence.")
    target = translations.spanish_path(books)
    es = jupytext.read(target)
    es.cells[2].source = "ES: Otra oración."
    jupytext.write(es, target)
    translations.mark(books, [2])  # translated: accepted
    assert translations.problems(books) == []


def test_record_keeps_what_in_step_cells_translate(books):
    """Translations marked before the record existed: `record` writes what they translate now,
    so the next English change shows its diff."""
    translations.main(["new", "01"])
    translate_all(books)
    translations.record_path().unlink()
    translations.main(["record"])
    edit_english(books, 0, "# 1. A new title")
    assert "    -# 1. Title" in translations.problems(books)


def test_a_spanish_output_may_say_it_in_spanish_but_not_with_other_numbers(books):
    translations.main(["new", "01"])
    translate_all(books)
    executed(books, [stdout("3 seeds: 0.812 ± 0.004, 70,000 images, 95%\n")], "2026-01-01")
    translations.main(["sync", "01"])
    target = translations.spanish_path(books)
    executed(target, [stdout("3 semillas: 0,812 ± 0,004, 70 000 imágenes, 95 %\n")], "2026-01-02")
    assert translations.problems(books) == []
    executed(target, [stdout("3 semillas: 0,813 ± 0,004, 70 000 imágenes, 95 %\n")], "2026-01-02")
    assert "numbers differ" in translations.problems(books)[0]


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


def test_a_spanish_comment_stays_while_the_code_is_the_english_code(books):
    """A string's words are the translator's too, but marked (see below)."""
    edit_english(books, 1, 'x = "# a string"  # a comment')
    translations.main(["new", "01"])
    translate_all(books)
    target = translations.spanish_path(books)
    es = jupytext.read(target)
    es.cells[1].source = 'x = "# una cadena"  # un comentario'
    jupytext.write(es, target)
    assert "translated code not marked" in " ".join(translations.problems(books))  # a string
    edit_english(books, 1, "# one\nx = 1  # one")
    es.cells[1].source = "# uno\nx = 1  # uno"
    jupytext.write(es, target)
    assert translations.problems(books) == []
    translations.main(["sync", "01"])
    assert jupytext.read(target).cells[1].source == "# uno\nx = 1  # uno"
    edit_english(books, 1, "# one\nx = 3  # one")  # the code changed: the English cell comes
    translations.main(["sync", "01"])
    assert jupytext.read(target).cells[1].source == "# one\nx = 3  # one"
    assert translations.code_of('print("unclosed') == 'print("unclosed'  # taken whole


def test_new_english_outputs_are_reported_then_carried_across(books):
    translations.main(["new", "01"])
    translate_all(books)
    nb = jupytext.read(books)
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    jupytext.write(nb, books)
    assert translations.problems(books) == [
        "01_x.ipynb cell 3: outputs' numbers differ from the English (run sync, then re-execute "
        "the Spanish notebook: python tools/run_notebooks.py --budget full es/notebooks/01_x.py)"
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
        {"output_type": "display_data", "data": {}},  # a figure: its image is its own
        {"output_type": "execute_result", "data": {"text/html": "<b>1</b>"}},
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
        "01_x.ipynb cell 3: outputs' numbers differ from the English (run sync, then re-execute "
        "the Spanish notebook: python tools/run_notebooks.py --budget quick es/notebooks/01_x.py)"
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


def translate_code(path, index, source):
    """The translator's edit of Spanish code cell ``index``."""
    target = translations.spanish_path(path)
    es = jupytext.read(target)
    es.cells[index].source = source
    jupytext.write(es, target)


def test_code_of_masks_the_words_of_strings_but_not_numbers_fields_or_specs():
    english = 'print(f"{n:,} images at {x:.2%}, 3 seeds")  # the count'
    spanish = 'print(f"{n:,} imágenes al {x:.2%}, 3 semillas")  # el número'
    assert translations.code_of(english) == translations.code_of(spanish)
    assert translations.code_of('"class"') == translations.code_of('"clase"')
    for changed in (
        'print(f"{n:,} imágenes al {x:.1%}, 3 semillas")',  # a format spec
        'print(f"{m:,} imágenes al {x:.2%}, 3 semillas")',  # an expression
        'print(f"{n:,} imágenes al {x:.2%}, 4 semillas")',  # a number in the text
        'print(f"{n:,} imágenes al {x:.2%}" f"{y}")',  # a field added
        'print(f"{n:,} imágenes al {x:.2%}, 3 semillas", sep="")',  # the code
    ):
        assert translations.code_of(changed) != translations.code_of(english), changed
    split = (
        'print(\n    f"{n:,} imágenes "\n    f"al {x:.2%}, 3 semillas"\n)'  # lines split otherwise
    )
    assert translations.code_of(split) == translations.code_of(english)
    assert translations.code_of('b"bytes"') != translations.code_of('b"octets"')  # data, not words
    assert translations.code_of('"1,000 labels"') == translations.code_of('"1000 etiquetas"')
    assert translations.code_of('f"{n} of {m} trained"') == translations.code_of(
        'f"se entrenan {n} de {m}"'
    )  # words before a field
    compared = 'print("right" if how == "freeze()" else "wrong")'  # compared with data: kept
    assert translations.code_of(compared) != translations.code_of(compared.replace("()", "(x)"))
    assert translations.code_of(compared) == translations.code_of(
        'print("bien" if how == "freeze()" else "mal")'
    )
    keyed = 'larger = gap["dropout 0"] > gap["dropout 0.8 (registered)"]'  # keys are words
    assert translations.code_of(keyed) == translations.code_of(keyed.replace("registered", "reg."))
    magic = '%pip install -q "fmnist-lib"  # Colab'  # not Python: compared token by token
    assert translations.code_of(magic) == translations.code_of('%pip install -q "x"  # Colab')
    assert translations.code_of(magic) != translations.code_of('%pip install "fmnist-lib"')


def test_a_code_cell_with_translated_strings_is_kept_marked_and_made_stale(books):
    edit_english(books, 3, 'print(f"{x:.2f} points, 3 seeds")  # the result')
    translations.main(["new", "01"])
    translate_all(books)
    translate_code(books, 3, 'print(f"{x:.2f} puntos, 3 semillas")  # el resultado')
    assert translations.problems(books) == [
        "01_x.ipynb cell 3: translated code not marked (python tools/translations.py mark 01 3): "
        'print(f"{x:.2f} points, 3 seeds")  # the result'
    ]
    translations.main(["mark", "01", "3"])
    assert translations.problems(books) == []
    translations.main(["sync", "01"])  # the translated strings stay, and the mark
    target = translations.spanish_path(books)
    assert jupytext.read(target).cells[3].source.startswith('print(f"{x:.2f} puntos')
    assert translations.problems(books) == []
    edit_english(books, 3, 'print(f"{x:.2f} points, 3 seeds or more")  # the result')
    translations.main(["sync", "01"])  # the code is the same: the Spanish stays, stale
    assert jupytext.read(target).cells[3].source.startswith('print(f"{x:.2f} puntos')
    stale, *diff = translations.problems(books)
    assert stale.startswith("01_x.ipynb cell 3: stale, the English changed")
    assert diff[2:] == [
        '    -print(f"{x:.2f} points, 3 seeds")  # the result',
        '    +print(f"{x:.2f} points, 3 seeds or more")  # the result',
    ]
    with pytest.raises(SystemExit, match="did not since it was last marked"):
        translations.mark(books, [3])
    translate_code(books, 3, 'print(f"{x:.2f} puntos, 3 semillas o más")  # el resultado')
    translations.mark(books, [3])
    assert translations.problems(books) == []


@pytest.mark.parametrize(
    "spanish",
    [
        'print(f"{x:.1f} puntos, 3 semillas")',  # a format spec
        'print(f"{x:.2f} puntos, 4 semillas")',  # a number
        'print(f"{y:.2f} puntos, 3 semillas")',  # an identifier
    ],
)
def test_a_translated_code_cell_may_not_change_its_code(books, spanish):
    edit_english(books, 3, 'print(f"{x:.2f} points, 3 seeds")')
    translations.main(["new", "01"])
    translate_all(books)
    translate_code(books, 3, spanish)
    assert "code cells differ" in " ".join(translations.problems(books))
    with pytest.raises(SystemExit, match="differs from the English"):
        translations.mark(books, [3])
    translations.main(["sync", "01"])  # the English cell comes back
    carried = jupytext.read(translations.spanish_path(books)).cells[3].source
    assert carried.startswith('print(f"{x:.2f} points')


def test_a_wrapped_table_is_compared_by_its_html_not_its_wrapped_text():
    """A DataFrame's text/plain wraps at the console's width: a longer Spanish label moves a
    column to another block, so its numbers come in another order. Its text/html does not wrap,
    and a number that differs there is still found."""

    def table(plain, html):
        return {"output_type": "execute_result", "data": {"text/plain": plain, "text/html": html}}

    html = "<td>1.95</td><td>0.009</td>"
    english = table("a  1.95  0.009", html)
    spanish = table("a  1,95 \\\n\n   0,009", html.replace(".", ","))
    wrapped = table("0.009\n1.95", html)
    assert translations.digits([translations.textual(english)]) == translations.digits(
        [translations.textual(spanish)]
    )
    assert translations.digits([translations.textual(wrapped)]) == translations.digits(
        [translations.textual(english)]
    )
    other = table("a  1.95  0.009", html.replace("0.009", "0.010"))
    assert translations.digits([translations.textual(other)]) != translations.digits(
        [translations.textual(english)]
    )


def test_a_figures_drawn_size_is_not_a_number_to_compare():
    """A figure's text/plain is its size (``<Figure size 416x448 with 2 Axes>``): a Spanish
    legend that takes another row draws it taller, and that is no difference in the results."""

    def figure(plain):
        return {"output_type": "display_data", "data": {"text/plain": plain, "image/png": "x"}}

    english, spanish = (
        figure("<Figure size 416x448 with 2 Axes>"),
        figure("<Figure size 416x512.609 with 2 Axes>"),
    )
    assert translations.digits([translations.textual(english)]) == translations.digits(
        [translations.textual(spanish)]
    )
