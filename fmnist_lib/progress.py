"""Progress bars that leave nothing behind.

In a terminal, tqdm's text bar. In a notebook, tqdm's widget bar, shown through a display
handle: when the bar closes, the handle's output is replaced by an empty one. A bar that only
closed its widget would stay in the saved notebook as a view of a model that no longer exists,
and reopening the notebook would show "Error displaying widget: model not found" in its place.
"""

from __future__ import annotations

from typing import Any

from tqdm import std
from tqdm.auto import tqdm as auto_tqdm
from tqdm.notebook import tqdm as notebook_tqdm  # imports without ipywidgets too


def in_notebook() -> bool:
    """Whether tqdm would draw a widget bar here (an IPython kernel with ipywidgets)."""
    return issubclass(auto_tqdm, notebook_tqdm)


class NotebookBar(notebook_tqdm):
    """tqdm's widget bar in a display handle that is emptied when the bar closes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["display"] = False
        kwargs.pop("delay", None)  # a delayed bar would display itself outside the handle
        super().__init__(*args, **kwargs)
        self._handle: Any = None
        if not self.disable:
            from IPython.display import display

            self._handle = display(self.container, display_id=True)

    def close(self) -> None:
        super().close()
        handle, self._handle = getattr(self, "_handle", None), None
        if handle is not None:
            handle.update({"text/plain": ""}, raw=True)
            _close_tree(self.container)


def _close_tree(widget: Any) -> None:
    """Closes a widget and every widget it holds (children, layout, style): tqdm closes only
    the bar's box, and the live parts would be saved with the notebook's widget state."""
    from ipywidgets import Widget

    for name in widget.keys:
        value = getattr(widget, name, None)
        for part in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(part, Widget) and part.comm is not None:
                _close_tree(part)
    widget.close()


def progress_bar(*, total: int, desc: str, enabled: bool, **options: Any) -> std.tqdm:
    """A progress bar over ``total`` steps; a notebook's bar removes its output when it closes
    (``leave`` is False everywhere: the bars are for watching, not for the record)."""
    options["leave"] = False
    if in_notebook():
        return NotebookBar(total=total, desc=desc, disable=not enabled, **options)
    return std.tqdm(total=total, desc=desc, disable=not enabled, **options)
