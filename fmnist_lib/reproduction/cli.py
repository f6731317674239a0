"""Command line: ``python -m fmnist_lib {data,list,train,reproduce,report,search,manifest}``.

Expected failures print one ``error: ...`` line that says what to do (exit 1); bad arguments
and settings are refused before any work (exit 2); Ctrl-C says what is safe on disk (exit 130).
``--debug`` or ``FMNIST_DEBUG=1`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import sys
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from .. import data as data_mod
from ..errors import FmnistError, SettingsError, TrainingInterrupted
from ..experiments.published import MANIFEST, write_manifest
from ..experiments.registry import EXPERIMENTS, SEARCH_SPACES
from ..experiments.release import RELEASE
from ..experiments.running import run_experiment
from ..experiments.runs import default_runs_dir, reference_runs_dir
from ..names import check_folder, check_name, path_inside, shown
from ..settings import (
    BUDGETS,
    PRECISIONS,
    budget_from_env,
    debug_from_env,
    default_device,
    precision_from_env,
)
from . import search
from .pipeline import (
    check_results_folder,
    report_finished,
    reproduce,
    results_folder,
    results_root,
)

#: numpy's seeds are 32-bit.
MAX_SEED = 2**32 - 1
#: Upper bounds that no real use reaches: a typo (an extra digit or three) is refused at once.
MAX_EPOCHS = 10_000
MAX_SEEDS = 1_000
MAX_TRIALS = 10_000
MAX_JOBS = 256


def cmd_data(args: argparse.Namespace) -> int:
    """Find and verify the dataset; print source, per-file status, counts and class histogram."""
    try:
        source = data_mod.locate(args.root, download=not args.offline)
    except data_mod.DataError as exc:
        print(f"error: {exc if args.debug else one_line(str(exc))}", file=sys.stderr)
        return 1
    print(f"source: {source.origin} ({source.directory})")
    for name, path in source.files.items():
        print(f"  {name:<26} ok, checksum verified   {path}")
    train, test = data_mod.load_official(source.directory)
    print(f"images: {len(train)} train, {len(test)} test")
    print(f"{'class':<16}{'train':>8}{'test':>8}")
    rows = zip(train.class_counts(), test.class_counts(), strict=True)
    for c, (a, b) in enumerate(rows):
        print(f"{c} {data_mod.CLASS_NAMES[c]:<14}{a:>8}{b:>8}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """One line per registered experiment: group, model and settings, pretrained source."""
    for e in EXPERIMENTS.values():
        source = f" <- {e.init_from}" if e.init_from else ""
        print(
            f"{e.name:<30} {e.group:<13} {e.model}(hidden={e.hidden_size}, dropout={e.dropout}) "
            f"epochs={e.epochs} batch={e.batch_size} lr={e.lr}{source}"
        )
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    result = run_experiment(args.name, budget=args.budget, seed=args.seed,
                            runs_dir=args.runs_dir, epochs=args.epochs, wait=args.wait,
                            precision=args.precision)  # fmt: skip
    last = result.history.epochs[-1]
    metric = "mse" if "mse" in result.test else "accuracy"
    precision = "" if result.precision == "fp32" else f", {result.precision}"
    print(
        f"{args.name} seed {args.seed} ({result.budget}{precision}): "
        f"{len(result.history.epochs)} epochs, "
        f"train loss {last['train_loss']:.5f}, val loss {last['val_loss']:.5f}; "
        f"test {metric} {result.test[metric]}"
    )
    if result.transfer:
        print(result.transfer)
    for text in result.warnings:
        print(f"warning: {text}", file=sys.stderr)
    print(f"run folder: {result.run_dir}")
    return 0


def cmd_reproduce(args: argparse.Namespace) -> int:
    metrics = reproduce(
        budget=args.budget,
        seeds=args.seeds,
        ae_seeds=args.ae_seeds,
        runs_dir=args.runs_dir,
        results_dir=args.results_dir,
        names=args.only,
        jobs=args.jobs,
        precision=args.precision,
    )
    print(
        f"wrote {args.results_dir or 'results'}/{results_folder(metrics['budget'], args.precision)}"
        "/metrics.json, REPORT.md and "
        "REPORT.es.md "
        f"({metrics['wall_seconds'] / 60:.1f} min)"
    )
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """An Optuna search of the experiment's hyperparameters, then the best settings retrained
    and tested against the registered ones."""
    check_results_folder(args.results_dir)  # before the search, not after hours of it
    study = search.search(args.name, args.trials, args.budget, storage=args.storage,
                          study_name=args.study, jobs=args.jobs, seed=args.seed,
                          runs_dir=args.runs_dir, precision=args.precision)  # fmt: skip
    runs_dir = Path(args.runs_dir) if args.runs_dir else default_runs_dir(args.budget)
    summary = search.summarize(study, args.name, args.budget, runs_dir,
                               precision=args.precision)  # fmt: skip
    # beside the report's folder, which `report` replaces as a whole
    out = path_inside(results_root(args.results_dir), "searches", args.budget,
                      summary.study_name, what="the study name")  # fmt: skip
    search.write_summary(study, summary, args.name, args.budget, out)
    print(f"study {summary.study_name}: {summary.trials} finished trials ({summary.complete} "
          f"complete, {summary.pruned} pruned); best {summary.best_params}")  # fmt: skip
    print(f"wrote {out}/SEARCH.md")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    metrics = report_finished(
        budget=args.budget, runs_dir=args.runs_dir, results_dir=args.results_dir
    )
    runs = sum(len(e["runs"]) for e in metrics["experiments"].values())
    print(
        f"wrote {args.results_dir or 'results'}/{metrics['budget']}/REPORT.md (and REPORT.es.md) "
        f"from {runs} "
        f"finished run(s) of {len(metrics['experiments'])} experiment(s)"
    )
    return 0


def cmd_manifest(args: argparse.Namespace) -> int:
    """Rewrite the package's list of published runs (file sizes, SHA-256) from the checkout's
    results/reference-runs, for the copies of the library that download them (Colab)."""
    manifest = write_manifest(reference_runs_dir())
    runs = manifest["runs"]
    size = sum(f["bytes"] for run in runs.values() for f in run.values())
    print(f"wrote {MANIFEST}: {len(runs)} finished runs, {size / 1e6:.1f} MB, release {RELEASE}")
    return 0


class OneLineParser(argparse.ArgumentParser):
    """Argument errors as one line (the usage stays behind ``--help``), exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: an int in [low, high]."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{shown(text)} is not a whole number") from None
        if value < low or (high is not None and value > high):
            bound = f">= {low}" if high is None else f"from {low} to {high}"
            raise argparse.ArgumentTypeError(f"must be {bound}, got {value}")
        return value

    return parse


def name_option(what: str) -> Callable[[str], str]:
    """An argparse type: a name that becomes a folder or file name (``fmnist_lib.names``)."""

    def parse(text: str) -> str:
        try:
            return check_name(text, what)
        except SettingsError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def folder_option(text: str) -> str:
    """An argparse type: a folder the user names, one the system can hold."""
    try:
        return str(check_folder(text, "the folder"))
    except SettingsError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--budget", choices=sorted(BUDGETS), default=None,
                   help="full (the paper's), quick or smoke (tiny, for tests); "
                        "default: $FMNIST_BUDGET or full")  # fmt: skip
    p.add_argument("--runs-dir", default=None, type=folder_option,
                   help="where checkpoints and finished runs live (default: $FMNIST_RUNS; else, "
                        "at the full budget, results/reference-runs, or without a checkout the "
                        "cache of downloaded ones; else runs/)")  # fmt: skip


def _add_precision(p: argparse.ArgumentParser) -> None:
    p.add_argument("--precision", choices=PRECISIONS, default=None,
                   help="fp32, or bf16 (the forward passes in bfloat16: faster only on some "
                        "CPUs and GPUs, see benchmarks/bf16.py; its own run folders, -bf16); "
                        "default: $FMNIST_PRECISION or fp32")  # fmt: skip


def parser() -> argparse.ArgumentParser:
    """The command line's parser."""
    top = OneLineParser(prog="python -m fmnist_lib", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    top.add_argument("--debug", action="store_true",
                     help="show tracebacks (also FMNIST_DEBUG=1)")  # fmt: skip
    sub = top.add_subparsers(dest="command", required=True)
    p = sub.add_parser("data", help="find and verify Fashion-MNIST")
    p.add_argument("--root", help="folder with the four IDX files (default: search)")
    p.add_argument("--offline", action="store_true", help="never try to download")
    p.set_defaults(func=cmd_data)
    sub.add_parser("list", help="list the experiments").set_defaults(func=cmd_list)
    _add_train(sub)
    p = sub.add_parser("reproduce", help="run every experiment and write results/<budget>/")
    _add_common(p)
    _add_precision(p)
    p.add_argument(
        "--seeds",
        type=whole_number(1, MAX_SEEDS),
        default=3,
        help="seeds per classifier (default 3)",
    )
    p.add_argument(
        "--ae-seeds",
        type=whole_number(1, MAX_SEEDS),
        default=3,
        help="seeds per autoencoder (default 3)",
    )
    p.add_argument("--results-dir", default=None, type=folder_option,
                   help="default: results/")  # fmt: skip
    p.add_argument(
        "--only", nargs="+", default=None, metavar="NAME", help="run only these experiments"
    )
    p.add_argument(
        "--jobs",
        type=whole_number(1, MAX_JOBS),
        default=1,
        help="runs trained at once, sharing the cores (2 on a 2-core CPU: sooner)",
    )
    p.set_defaults(func=cmd_reproduce)
    p = sub.add_parser(
        "report", help="write results/<budget>/ from the finished runs, training nothing"
    )
    _add_common(p)
    p.add_argument("--results-dir", default=None, type=folder_option,
                   help="default: results/")  # fmt: skip
    p.set_defaults(func=cmd_report)
    _add_search(sub)
    sub.add_parser(
        "manifest", help="list the published runs (results/reference-runs) for downloads"
    ).set_defaults(func=cmd_manifest)
    return top


def _add_train(sub: Any) -> None:
    p = sub.add_parser("train", help="train (or resume, or reload) one experiment")
    p.add_argument("name", choices=list(EXPERIMENTS))
    _add_common(p)
    _add_precision(p)
    p.add_argument("--seed", type=whole_number(0, MAX_SEED), default=0)
    p.add_argument("--epochs", type=whole_number(1, MAX_EPOCHS), default=None,
                   help="override the experiment's epochs")  # fmt: skip
    p.add_argument("--wait", action="store_true",
                   help="if another process is training this run, wait for it")  # fmt: skip
    p.set_defaults(func=cmd_train)


def _add_search(sub: Any) -> None:
    p = sub.add_parser("search", help="search an experiment's hyperparameters (Optuna, pruning)")
    p.add_argument("name", choices=list(SEARCH_SPACES))
    _add_common(p)
    _add_precision(p)
    p.add_argument("--trials", type=whole_number(1, MAX_TRIALS), required=True,
                   help="finished (complete or pruned) trials the study should hold")  # fmt: skip
    p.add_argument("--storage", default=None,
                   help="an Optuna storage URL, e.g. postgresql://user@host/db (default: a "
                        "SQLite file in the runs folder)")  # fmt: skip
    p.add_argument("--study", default=None, type=name_option("the study name"),
                   help="the study's name: letters, digits, _ . + - "
                        "(default: NAME-BUDGET)")  # fmt: skip
    p.add_argument("--jobs", type=whole_number(1, MAX_JOBS), default=1,
                   help="worker processes here")  # fmt: skip
    p.add_argument("--seed", type=whole_number(0, MAX_SEED), default=0)
    p.add_argument("--results-dir", default=None, type=folder_option,
                   help="default: results/")  # fmt: skip
    p.set_defaults(func=cmd_search)


def _settle(args: argparse.Namespace, cli: argparse.ArgumentParser) -> None:
    """Settings from the environment, checked before any work: a bad one is an argument error."""
    try:
        if getattr(args, "budget", "x") is None:
            args.budget = budget_from_env()
        if getattr(args, "precision", "x") is None:
            args.precision = precision_from_env()
        if args.command in ("train", "reproduce", "report", "search"):
            default_device()
        unknown = [n for n in getattr(args, "only", None) or [] if n not in EXPERIMENTS]
        if unknown:
            raise SettingsError(
                f"--only: {shown(unknown[0])} is not an experiment; `python -m fmnist_lib list` "
                "names them"
            )
    except FmnistError as exc:
        cli.error(str(exc))


def one_line(message: str) -> str:
    """A message of several lines (e.g. a data folder's files, one a line, then how to fix it)
    as one: its first line, the detail when there is one (e.g. which file is damaged), else how
    many details ``--debug`` shows, and its last line, which says what to do."""
    lines = [line.strip() for line in str(message).splitlines() if line.strip()]
    if len(lines) <= 1:
        return lines[0] if lines else ""
    first, middle, last = lines[0].rstrip(":"), lines[1:-1], lines[-1]
    if len(middle) == 1:
        return f"{first}: {middle[0]} {last}"
    details = f" ({len(middle)} more lines with --debug)" if middle else ""
    return f"{first}{details}; {last}"


def _one_line_warnings(message: Any, category: Any, *rest: Any, **more: Any) -> str:
    return f"warning: {one_line(str(message))}\n"


def _os_error(exc: OSError) -> str:
    """An unexpected failure of the file system, named with its file and what to do."""
    where = f" {exc.filename}" if exc.filename else ""
    why = exc.strerror or type(exc).__name__
    return f"cannot use{where} ({why}); check that path, or choose another folder"


def main(argv: list[str] | None = None) -> int:
    cli = parser()
    args = cli.parse_args(argv)
    debug = args.debug = args.debug or debug_from_env()
    _settle(args, cli)
    if not debug:
        warnings.formatwarning = _one_line_warnings
    try:
        return int(args.func(args))
    except TrainingInterrupted as exc:
        print(str(exc), file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except FmnistError as exc:
        if debug:
            traceback.print_exc()
        print(f"error: {exc if debug else one_line(str(exc))}", file=sys.stderr)
        return 1
    except OSError as exc:  # e.g. a folder where a file must be: one line, not a traceback
        if debug:
            traceback.print_exc()
        print(f"error: {_os_error(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
