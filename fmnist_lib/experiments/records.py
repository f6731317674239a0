"""What a run's record, the report's metrics and the published manifest must hold. Each is
checked whenever it is read: types, required keys and value ranges (a JSON Schema each, checked
with ``jsonschema``), then what a schema cannot say (a history's epochs counted 1, 2, 3...).

A finished run's ``result.json`` that fails is damaged (``RunDamaged``, naming the folder to
delete); so is a ``metrics.json``; a manifest that fails is a broken install (``DownloadFailed``:
reinstall). The first problem found is named in one line, e.g. ``history: [] should be
non-empty``. A record without ``model_sha256`` is damaged too: its weights could not be checked.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from ..data import NUM_CLASSES as CLASSES
from ..errors import DownloadFailed, RunDamaged
from ..evaluation import TASKS
from ..settings import PRECISIONS

_NUMBER = {"type": "number", "minimum": 0}
_FRACTION = {"type": "number", "minimum": 0, "maximum": 1}
_WHOLE = {"type": "integer", "minimum": 0}
_EPOCH = {"type": "integer", "minimum": 1}
_SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_TEXTS = {"type": "array", "items": {"type": "string"}}
_MATRIX = {
    "type": "array",
    "minItems": CLASSES,
    "maxItems": CLASSES,
    "items": {"type": "array", "minItems": CLASSES, "maxItems": CLASSES, "items": _WHOLE},
}
TESTS = {
    "reconstruction": {"type": "object", "required": ["mse"], "properties": {"mse": _NUMBER}},
    "classification": {
        "type": "object",
        "required": ["accuracy", "per_class_accuracy", "confusion_matrix"],
        "properties": {
            "accuracy": _FRACTION,
            "per_class_accuracy": {
                "type": "array",
                "items": _FRACTION,
                "minItems": CLASSES,
                "maxItems": CLASSES,
            },
            "confusion_matrix": _MATRIX,
        },
    },
}
#: The keys of a run's summary (a run in ``metrics.json``), then those its ``result.json`` adds.
SUMMARY_KEYS = (
    "seed",
    "test",
    "epochs_run",
    "best_epoch",
    "stopped_early",
    "history",
    "seconds",
    "transfer",
    "hardware",
)
RECORD_KEYS = (*SUMMARY_KEYS, "fingerprint", "model_sha256")


def run_schema(task: str, stored: bool) -> dict[str, Any]:
    """The schema of one run of ``task``: a ``result.json`` when ``stored``, else its summary
    in ``metrics.json``."""
    accuracies = ["train_accuracy", "val_accuracy"] if task == "classification" else []
    row = {
        "type": "object",
        "required": ["epoch", "train_loss", "val_loss", *accuracies],
        "properties": {
            "epoch": _EPOCH,
            "train_loss": _NUMBER,
            "val_loss": _NUMBER,
            "train_accuracy": _FRACTION,
            "val_accuracy": _FRACTION,
            "seconds": _NUMBER,
        },
    }
    hardware = {
        "type": "object",
        "properties": {
            "device": {"type": "string"},
            "torch_threads": _EPOCH,
            "cpu_count": {"type": ["integer", "null"], "minimum": 1},
            "gemm_gflops": {"type": "array", "items": _NUMBER},
        },
    }
    properties = {
        "seed": _WHOLE,
        "test": TESTS[task],
        "epochs_run": _EPOCH,
        "best_epoch": {"type": ["integer", "null"], "minimum": 1},
        "stopped_early": {"type": "boolean"},
        "history": {"type": "array", "minItems": 1, "items": row},
        "seconds": _NUMBER,
        "parameters": _WHOLE,
        "trainable_parameters": _WHOLE,
        "transfer": {"type": "string"},
        "hardware": hardware,
        "warnings": _TEXTS,
        "precision": {"enum": list(PRECISIONS)},  # absent in records from before it: fp32
        "fingerprint": {"type": "string", "minLength": 1},
        "model_sha256": _SHA256,
    }
    keys = RECORD_KEYS if stored else SUMMARY_KEYS
    return {"type": "object", "required": list(keys), "properties": properties}


def _metrics_schema() -> dict[str, Any]:
    experiment = {
        "type": "object",
        "required": ["settings", "task", "runs"],
        "properties": {
            "settings": {"type": "object"},
            "task": {"enum": list(TASKS)},
            "runs": {"type": "array", "minItems": 1},
        },
        "allOf": [
            {
                "if": {"properties": {"task": {"const": task}}},
                "then": {"properties": {"runs": {"items": run_schema(task, stored=False)}}},
            }
            for task in TASKS
        ],
    }
    sizes = {"type": "object", "required": ["train", "val", "test"], "additionalProperties": _EPOCH}
    return {
        "type": "object",
        "required": [
            "budget",
            "budget_settings",
            "sizes",
            "versions",
            "hardware",
            "wall_seconds",
            "complete",
            "missing",
            "experiments",
        ],
        "properties": {
            "budget": {"type": "string"},
            "budget_settings": {"type": "object"},
            "sizes": sizes,
            "versions": {"type": "object"},
            "hardware": {"type": "object"},
            "wall_seconds": _NUMBER,
            "complete": {"type": "boolean"},
            "missing": {"type": "object", "additionalProperties": {"type": "string"}},
            "damaged": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                },
            },
            "experiments": {"type": "object", "additionalProperties": experiment},
        },
    }


_FILE = {
    "type": "object",
    "required": ["bytes", "sha256"],
    "properties": {"bytes": _WHOLE, "sha256": _SHA256},
}
MANIFEST_SCHEMA = {
    "type": "object",
    "required": ["release", "runs"],
    "properties": {
        "release": {"type": "string"},
        "runs": {
            "type": "object",
            "propertyNames": {"pattern": r"^full/[A-Za-z0-9_+-][A-Za-z0-9_.+-]*/seed[0-9]+$"},
            "additionalProperties": {
                "type": "object",
                "required": ["model.pt", "result.json"],
                "properties": {"model.pt": _FILE, "result.json": _FILE},
            },
        },
    },
}
METRICS_SCHEMA = _metrics_schema()


# --------------------------------------------------------------------------- problems
def _where(error: ValidationError) -> str:
    parts = [str(p) for p in error.absolute_path]
    return "/".join(parts) if parts else "the top level"


def _short(value: Any, width: int = 40) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= width else f"{text[: width - 3]}..."


def _described(error: ValidationError) -> str:
    """One short line for a schema's error (a big value is cut, never printed whole)."""
    if error.validator == "required":
        return error.message if not error.absolute_path else f"{_where(error)}: {error.message}"
    if error.validator == "type":
        return f"{_where(error)}: {_short(error.instance)} is not of type {error.validator_value}"
    text = error.message if len(error.message) <= 120 else f"{error.message[:117]}..."
    return f"{_where(error)}: {text}"


def schema_problem(schema: Mapping[str, Any], document: Any) -> str | None:
    """The most telling way ``document`` fails ``schema``, in one line; None when it passes."""
    error = best_match(Draft202012Validator(schema).iter_errors(document))
    return None if error is None else _described(error)


def _history_problem(run: Mapping[str, Any]) -> str | None:
    """What the schema cannot check: the epochs counted 1..n, and the counts that refer to them."""
    epochs = [row["epoch"] for row in run["history"]]
    if epochs != list(range(1, len(epochs) + 1)):
        return f"history: its epochs are {_short(epochs)}, not 1, 2, 3..."
    if "epochs_run" in run and run["epochs_run"] != len(epochs):
        return f"epochs_run: {run['epochs_run']}, but the history holds {len(epochs)} epochs"
    if run["best_epoch"] is not None and run["best_epoch"] > len(epochs):
        return f"best_epoch: {run['best_epoch']}, but the history holds {len(epochs)} epochs"
    return None


def task_of(run: Mapping[str, Any]) -> str:
    """The task a run's test metrics belong to (a reconstruction's hold ``mse``)."""
    test = run.get("test")
    return "reconstruction" if isinstance(test, dict) and "mse" in test else "classification"


def run_problem(run: Any, task: str | None = None, stored: bool = True) -> str | None:
    """Why ``run`` is not a run of ``task`` (found from its metrics when None): a ``result.json``
    when ``stored``, else a run of ``metrics.json``; None when it is one."""
    if not isinstance(run, dict):
        return f"it holds {_short(run)}, not a run's record"
    found = schema_problem(run_schema(task or task_of(run), stored), run)
    return found or _history_problem(run)


# --------------------------------------------------------------------------- reading
def check_record(record: Any, path: Path, task: str | None = None) -> dict[str, Any]:
    """``record`` (read from ``path``, a run's ``result.json``) when it is one; else
    ``RunDamaged`` naming the problem and the folder to delete."""
    problem = run_problem(record, task, stored=True)
    if problem is not None:
        raise RunDamaged(
            f"{path} is damaged ({problem}); delete the folder {path.parent} to train this run "
            "again"
        )
    return record


def check_manifest(manifest: Any, path: Path, reinstall: str) -> dict[str, Any]:
    """``manifest`` (read from ``path``) when it is a list of published runs; else
    ``DownloadFailed`` saying to reinstall (``reinstall``: the command)."""
    problem = schema_problem(MANIFEST_SCHEMA, manifest)
    if problem is not None:
        raise DownloadFailed(
            f"the list of published runs {path} is damaged ({problem}); reinstall the library "
            f"({reinstall})"
        )
    return manifest


def metrics_problem(metrics: Any) -> str | None:
    """Why ``metrics`` is not a ``metrics.json``'s content; None when it is one."""
    found = schema_problem(METRICS_SCHEMA, metrics)
    if found is not None:
        return found
    for name, experiment in metrics["experiments"].items():
        for k, run in enumerate(experiment["runs"]):
            if (problem := _history_problem(run)) is not None:
                return f"experiments/{name}/runs/{k}/{problem}"
    return None


def read_metrics(path: str | Path) -> dict[str, Any]:
    """A ``metrics.json``, checked; ``RunDamaged`` naming the problem when it cannot be used."""
    path = Path(path)
    redo = f"delete it and run `python -m fmnist_lib report --budget {path.parent.name}` again"
    try:
        metrics = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RunDamaged(f"{path} cannot be read ({type(exc).__name__}); {redo}") from None
    problem = metrics_problem(metrics)
    if problem is not None:
        raise RunDamaged(f"{path} is damaged ({problem}); {redo}")
    return metrics
