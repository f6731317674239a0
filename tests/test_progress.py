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


# --------------------------------------------------------------------------- saying what runs
def _bars(monkeypatch) -> list[str]:
    """The descriptions of the training bars drawn from now on."""
    import fmnist_lib.training as training

    drawn: list[str] = []

    def recording(*, total: int, desc: str, enabled: bool, **options):
        drawn.append(desc)
        return progress_bar(total=total, desc=desc, enabled=False, **options)

    monkeypatch.setattr(training, "progress_bar", recording)
    return drawn


def test_each_run_says_when_it_starts_and_ends_and_its_bars_name_it(
    tmp_path, small_splits, capsys, monkeypatch
) -> None:
    from fmnist_lib.experiments.running import run_experiment

    bars = _bars(monkeypatch)
    run_experiment("ae-feedforward-512", "smoke", seed=3, runs_dir=tmp_path, progress=True,
                   splits=small_splits, overrides={"lr": 0.003})  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    name = "ae-feedforward-512 (lr=0.003), seed 3"
    assert lines[0] == f"▶ {name}: training, at most 2 epochs", lines
    assert lines[1].startswith(f"✓ {name}: trained, 2 epochs in ") and len(lines) == 2, lines
    assert bars[0] == f"{name} · epochs" and f"{name} · epoch 2" in bars, bars
    run_experiment("ae-feedforward-512", "smoke", seed=3, runs_dir=tmp_path, progress=True,
                   splits=small_splits, overrides={"lr": 0.003})  # fmt: skip
    assert capsys.readouterr().out == f"✓ {name}: trained before, reloaded\n"


def test_a_spanish_chapter_hears_its_runs_in_spanish(
    tmp_path, small_splits, capsys, monkeypatch
) -> None:
    from fmnist_lib.experiments.running import run_experiment

    monkeypatch.setenv("FMNIST_LANGUAGE", "es")
    monkeypatch.setenv("FMNIST_PROGRESS", "1")  # what a student's lab has (the default)
    bars = _bars(monkeypatch)
    run_experiment("ae-feedforward-512", "smoke", runs_dir=tmp_path, splits=small_splits,
                   epochs=1)  # fmt: skip
    out = capsys.readouterr().out
    assert out.startswith("▶ ae-feedforward-512, semilla 0: entrenando, como mucho 1 época\n")
    assert "✓ ae-feedforward-512, semilla 0: entrenado, 1 época en " in out, out
    assert bars == ["ae-feedforward-512, semilla 0 · épocas",
                    "ae-feedforward-512, semilla 0 · época 1"]  # fmt: skip


def test_with_progress_off_a_run_prints_nothing(tmp_path, small_splits, capsys) -> None:
    """FMNIST_PROGRESS=0 (CI, and tools/run_notebooks.py's executions of the stored chapters)
    silences the lines as well as the bars: the chapters' stored outputs stay as they are."""
    from fmnist_lib.experiments.running import run_experiment

    run_experiment("ae-feedforward-512", "smoke", runs_dir=tmp_path, splits=small_splits,
                   epochs=1)  # fmt: skip
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == "", captured
