"""The lab's save keeps a chapter's saved widgets (lab-settings/jupyter_server_config.py), and
the stored chapters are in the form the lab saves, so that opening one and saving it changes
nothing (the browser check does it for real: book_checks/test_lab.py)."""

import copy
import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace

import jupytext
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


config = _load("lab_server_config", ROOT / "lab-settings" / "jupyter_server_config.py")
run_notebooks = _load("run_notebooks", ROOT / "tools" / "run_notebooks.py")
VIEW, STATE = config.WIDGET_VIEW, config.WIDGET_STATE
CHAPTERS = sorted(ROOT.glob("notebooks/[0-9][0-9]_*.ipynb"))
CHAPTERS += sorted(ROOT.glob("es/notebooks/[0-9][0-9]_*.ipynb"))


def box(children=(), layout="e5"):
    refs = [f"IPY_MODEL_{c}" for c in children]
    return {"model_name": "VBoxModel", "state": {"children": refs, "layout": f"IPY_MODEL_{layout}"}}


def notebook(shown, state):
    view = {"output_type": "display_data", "metadata": {}}
    cells = [
        {"cell_type": "code", "metadata": {}, "source": "", "outputs": [
            {**view, "data": {VIEW: {"model_id": m}}}]}
        for m in shown
    ]  # fmt: skip
    meta = {"widgets": {STATE: {"state": state, "version_major": 2, "version_minor": 0}}}
    return {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}


STORED = {"a1": box(children=["b2"]), "b2": box(), "e5": {"model_name": "LayoutModel"}, "c3": box()}


def save(tmp_path, on_disk, sent):
    (tmp_path / "x.ipynb").write_text(json.dumps(on_disk))
    model = {"type": "notebook", "content": sent}
    config.keep_saved_widget_state(model, "x.ipynb", SimpleNamespace(root_dir=str(tmp_path)))
    return config.widget_state(model["content"])


def test_shown_models_follow_children_and_layouts():
    assert config.shown_models(notebook(["a1"], STORED), STORED) == ["a1", "b2", "e5"]
    assert config.shown_models(notebook([], STORED), STORED) == []


def link(source, target):
    ends = {"source": [f"IPY_MODEL_{source}", "index"], "target": [f"IPY_MODEL_{target}", "i"]}
    return {"model_name": "LinkModel", "state": ends}


def test_shown_models_keep_the_links_that_switch_a_shown_view_in_the_browser():
    state = {**STORED, "f6": link("b2", "e5"), "a7": link("c3", "c3"), "b8": link("b2", "d4")}
    state["d4"] = box(children=["c9"])  # shown only through the link b8
    state["c9"] = box()
    kept = config.shown_models(notebook(["a1"], state), state)
    assert kept == ["a1", "b2", "e5", "f6", "b8", "d4", "c9"]  # a7 links widgets nobody shows
    assert config.shown_models(notebook([], state), state) == []


def test_a_chapter_saved_unrun_keeps_its_widgets(tmp_path):
    """The lab sends an empty state for widgets no kernel holds: the disk's come back."""
    on_disk = notebook(["a1"], STORED)
    sent = copy.deepcopy(on_disk)
    sent["metadata"]["widgets"][STATE]["state"] = {}
    assert save(tmp_path, on_disk, sent) == {k: STORED[k] for k in ("a1", "b2", "e5")}
    del sent["metadata"]["widgets"]  # no widget metadata at all
    assert set(save(tmp_path, on_disk, sent)) == {"a1", "b2", "e5"}


def test_what_the_lab_sends_wins(tmp_path):
    """A widget made by running a cell is saved as the lab sends it; a stale one is not kept."""
    on_disk = notebook(["a1"], STORED)
    fresh = {"d4": box(layout="f6"), "f6": {"model_name": "LayoutModel", "fresh": True}}
    assert save(tmp_path, on_disk, notebook(["d4"], fresh)) == fresh
    changed = {"model_name": "VBoxModel", "state": {"x": 1}}
    assert save(tmp_path, on_disk, notebook(["a1"], {"a1": changed}))["a1"] == changed


def test_a_file_or_a_new_notebook_is_saved_as_sent(tmp_path):
    model = {"type": "notebook", "content": notebook(["a1"], {})}
    config.keep_saved_widget_state(model, "new.ipynb", SimpleNamespace(root_dir=str(tmp_path)))
    assert config.widget_state(model["content"]) == {}
    text = {"type": "file", "content": "print(1)"}
    config.keep_saved_widget_state(text, "x.py", SimpleNamespace(root_dir=str(tmp_path)))
    assert text["content"] == "print(1)"


def test_the_stored_form_collapses_hidden_outputs_and_drops_unshown_widgets():
    nb = jupytext.reads(json.dumps(notebook(["a1"], STORED)), fmt="ipynb")
    nb.cells[0].metadata["jupyter"] = {"outputs_hidden": True}
    run_notebooks.in_stored_form(nb, "en")
    assert nb.cells[0].metadata["collapsed"] is True
    assert set(config.widget_state(nb)) == {"a1", "b2", "e5"}


@pytest.mark.artifacts
@pytest.mark.parametrize("stored", CHAPTERS, ids=lambda p: f"{p.parent.parent.name}-{p.stem}")
def test_chapters_are_stored_in_the_labs_form(stored):
    """What `tools/run_notebooks.py` writes is what the lab would save: else opening a chapter
    rewrites it."""
    nb = jupytext.read(stored)
    before = jupytext.writes(nb, fmt="ipynb")
    lang = run_notebooks.language(stored.with_suffix(".py"))
    assert jupytext.writes(run_notebooks.in_stored_form(nb, lang), fmt="ipynb") == before, (
        f"{stored.name} is not in the lab's form: "
        "run `python tools/run_notebooks.py --stored-form --edition both`"
    )
