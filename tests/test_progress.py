"""Progress bars leave nothing behind: in a notebook, a closed bar's output is emptied, so a saved
notebook holds no widget view of a model that is gone ("Error displaying widget")."""

import io

import nbformat
import pytest
from nbclient import NotebookClient

from fmnist_lib.progress import progress_bar

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

CELL = """
from fmnist_lib.progress import in_notebook, progress_bar
print("notebook bar:", in_notebook())
outer = progress_bar(total=2, desc="epochs", enabled=True)
for _ in range(2):
    inner = progress_bar(total=5, desc="batches", enabled=True)
    for _ in range(5):
        inner.update(1)
    inner.close()
    outer.update(1)
outer.close()
try:  # a bar closed by an error (training's `finally`) goes too
    failing = progress_bar(total=3, desc="fails", enabled=True)
    raise RuntimeError("stop")
except RuntimeError:
    failing.close()
from ipywidgets.widgets.widget import _instances
print("live widgets:", len(_instances))
"""


def _views(nb: nbformat.NotebookNode) -> list[dict]:
    return [o for c in nb.cells for o in c.get("outputs", []) if WIDGET_VIEW in o.get("data", {})]


@pytest.mark.slow
def test_closed_bars_leave_no_widget_view_in_the_saved_notebook() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    NotebookClient(nb, timeout=120, store_widget_state=True).execute()
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs if o["output_type"] == "stream")
    assert "notebook bar: True" in text, text
    assert not _views(nb), f"widget views left in the notebook: {_views(nb)}"
    # JupyterLab saves the state of the live widgets: a closed bar must leave none alive
    assert "live widgets: 0" in text, text


def test_a_terminal_bar_clears_its_line_when_it_closes() -> None:
    stream = io.StringIO()
    bar = progress_bar(total=4, desc="epochs", enabled=True, file=stream)
    bar.update(4)
    bar.close()
    drawn = stream.getvalue()
    assert "epochs" in drawn  # it was drawn...
    last_line = drawn.rstrip("\r").rsplit("\r", 1)[-1]
    assert drawn.endswith("\r") and not last_line.strip(), repr(drawn)  # ...then blanked


def test_a_disabled_bar_writes_nothing() -> None:
    stream = io.StringIO()
    bar = progress_bar(total=4, desc="epochs", enabled=False, file=stream)
    bar.update(4)
    bar.close()
    assert stream.getvalue() == ""
