"""The course's Jupyter server setting: saving a chapter keeps the widgets it shows.

`make install` copies this file into the virtual environment (``.venv/etc/jupyter/``), where
every `jupyter lab` of the course reads it. JupyterLab's widget manager saves only the widgets
whose kernel is alive (ipywidgets issue 3888): open a chapter without running it, save, and the
stored state of every widget it shows is replaced by an empty one (the outputs then point to
models that exist nowhere, and the book loses those widgets). Before each save,
``keep_saved_widget_state`` puts back, from the file on disk, the stored state of every widget
that an output of the notebook still shows and that the lab did not send. What the lab sends
wins: a widget made by running a cell is saved as the lab saves it.

``tools/run_notebooks.py`` stores the chapters with ``shown_widget_state`` (the widgets an output
shows, with the models they refer to and the links between them), so that opening and saving a
chapter writes the same bytes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
MODEL_REFERENCE = re.compile(r"IPY_MODEL_([0-9a-f]+)")
LINKS = ("LinkModel", "DirectionalLinkModel")  # ipywidgets' links, made by jslink and jsdlink


def widget_state(notebook: dict[str, Any]) -> dict[str, Any]:
    """The stored state of a notebook's widgets, by model id (empty when none is stored)."""
    return dict(
        notebook.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    )


def _linking(state: dict[str, Any], seen: set[str]) -> list[str]:
    """The links (``jslink``, ``jsdlink``) not yet in ``seen`` that move a model in ``seen``: no
    output shows a link and no widget refers to one, yet a dropdown that switches a shown view in
    the browser needs its link."""
    return [
        model
        for model, stored in state.items()
        if model not in seen
        and stored.get("model_name") in LINKS
        and seen & set(MODEL_REFERENCE.findall(json.dumps(stored)))
    ]


def shown_models(notebook: dict[str, Any], state: dict[str, Any]) -> list[str]:
    """The ids of the widgets that the notebook's outputs show, of the models they refer to
    (children, layouts, styles) and of the links between them, as found in ``state``, in the
    order ``state`` holds them."""
    todo = [
        output["data"][WIDGET_VIEW]["model_id"]
        for cell in notebook.get("cells", [])
        for output in cell.get("outputs", [])
        if WIDGET_VIEW in output.get("data", {})
    ]
    seen: set[str] = set()
    while todo:
        model = todo.pop()
        if model not in seen and model in state:
            seen.add(model)
            todo += MODEL_REFERENCE.findall(json.dumps(state[model]))
        if not todo:
            todo = _linking(state, seen)
    return [model for model in state if model in seen]


def shown_widget_state(notebook: dict[str, Any]) -> None:
    """Keeps, in ``notebook``'s stored widget state, only the widgets its outputs show; a notebook
    without widgets gets the empty state the lab writes on save."""
    state = widget_state(notebook)
    kept = {model: state[model] for model in shown_models(notebook, state)}
    widgets = notebook.setdefault("metadata", {}).setdefault("widgets", {})
    saved = widgets.setdefault(WIDGET_STATE, {"version_major": 2, "version_minor": 0})
    saved["state"] = kept


def keep_saved_widget_state(
    model: dict[str, Any], path: str, contents_manager: Any, **_: Any
) -> None:
    """A pre-save hook: the stored state of each widget the saved notebook shows but the lab did
    not send is taken from the file on disk."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    on_disk = Path(contents_manager.root_dir) / path.lstrip("/")
    if not on_disk.is_file():
        return
    try:
        stored = widget_state(json.loads(on_disk.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return  # not a notebook we can read: the lab's save goes ahead unchanged
    notebook = model["content"]
    sent = widget_state(notebook)
    both = {**stored, **sent}
    missing = [m for m in shown_models(notebook, both) if m not in sent]
    if not missing:
        return
    widgets = notebook.setdefault("metadata", {}).setdefault("widgets", {})
    saved = widgets.setdefault(WIDGET_STATE, {"version_major": 2, "version_minor": 0})
    saved["state"] = {**{m: stored[m] for m in missing}, **sent}


if "get_config" in globals():  # read by a Jupyter server, not imported
    c = get_config()  # type: ignore[name-defined]  # noqa: F821
    c.ContentsManager.pre_save_hook = keep_saved_widget_state
