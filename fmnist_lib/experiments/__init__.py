"""The machinery that runs experiments for the lessons: the registry of experiments, run folders
and their records, the published reference runs, and the machine's tuning.

The chapters call ``run_experiment``, ``sweep``, ``results_table`` and ``summary_table`` from
here; everything these do to be resumable, shared and verified stays in this subpackage. The
lessons' modules (``fmnist_lib.data``, ``models``, ``training``...) never import it.
"""

from .running import (
    RunResult,
    paper_protocol,
    results_table,
    run_experiment,
    summary_table,
    sweep,
    sweep_cell,
)

__all__ = [
    "RunResult",
    "paper_protocol",
    "results_table",
    "run_experiment",
    "summary_table",
    "sweep",
    "sweep_cell",
]
