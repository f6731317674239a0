"""Execute the course notebooks at a budget and store them with their outputs.

Reads each ``notebooks/NN_*.py`` (the percent-format twin), runs it top to bottom in a fresh
``python3`` kernel with ``FMNIST_BUDGET`` set, keeps the widget state (so the book can show the
widgets), records the budget in the notebook's metadata, and writes the pair (.ipynb + .py).

    python tools/run_notebooks.py --budget smoke [notebooks/03_autoencoders.py ...]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import jupytext
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def execute(script: Path, budget: str, timeout: int) -> float:
    """Run one notebook; write ``.ipynb`` and ``.py``; return the seconds it took."""
    nb = jupytext.read(script)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    start = time.perf_counter()
    NotebookClient(
        nb,
        kernel_name="python3",
        timeout=timeout,
        store_widget_state=True,
        resources={"metadata": {"path": str(script.parent)}},
    ).execute()
    seconds = time.perf_counter() - start
    nb.metadata["fmnist"] = {
        "budget": budget,
        "executed": time.strftime("%Y-%m-%d"),
        "seconds": round(seconds),
    }
    jupytext.write(nb, script.with_suffix(".ipynb"))
    jupytext.write(nb, script, fmt="py:percent")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--budget", choices=["full", "quick", "smoke"], required=True)
    parser.add_argument("--timeout", type=int, default=4 * 3600, help="seconds per cell")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    os.environ["FMNIST_BUDGET"] = args.budget  # the kernel inherits it
    os.environ.setdefault("FMNIST_PROGRESS", "0")
    if os.environ.get(
        "FMNIST_RUNS"
    ):  # the kernels run in notebooks/: a relative path would point elsewhere
        os.environ["FMNIST_RUNS"] = str(Path(os.environ["FMNIST_RUNS"]).resolve())
    scripts = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
    for script in scripts:
        print(f"{script.name}: {execute(script, args.budget, args.timeout):.0f} s", flush=True)


if __name__ == "__main__":
    main()
