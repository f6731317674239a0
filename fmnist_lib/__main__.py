"""Command line: ``python -m fmnist_lib {data,list,train,reproduce,report}``."""

from __future__ import annotations

import argparse
import sys

from . import data as data_mod
from .experiments import run_experiment
from .pipeline import report_finished, reproduce
from .registry import EXPERIMENTS
from .settings import BUDGETS, budget_from_env


def cmd_data(args: argparse.Namespace) -> int:
    """Find and verify the dataset; print source, per-file status, counts and class histogram."""
    try:
        source = data_mod.locate(args.root, download=not args.offline)
    except data_mod.DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
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
    result = run_experiment(
        args.name, budget=args.budget, seed=args.seed, runs_dir=args.runs_dir, epochs=args.epochs
    )
    last = result.history.epochs[-1]
    metric = "mse" if "mse" in result.test else "accuracy"
    print(
        f"{args.name} seed {args.seed} ({result.budget}): {len(result.history.epochs)} epochs, "
        f"train loss {last['train_loss']:.5f}, val loss {last['val_loss']:.5f}; "
        f"test {metric} {result.test[metric]}"
    )
    if result.transfer:
        print(result.transfer)
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
    )
    print(
        f"wrote {args.results_dir or 'results'}/{metrics['budget']}/metrics.json and REPORT.md "
        f"({metrics['wall_seconds'] / 60:.1f} min)"
    )
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    metrics = report_finished(
        budget=args.budget, runs_dir=args.runs_dir, results_dir=args.results_dir
    )
    runs = sum(len(e["runs"]) for e in metrics["experiments"].values())
    print(
        f"wrote {args.results_dir or 'results'}/{metrics['budget']}/REPORT.md from {runs} "
        f"finished run(s) of {len(metrics['experiments'])} experiment(s)"
    )
    return 0


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--budget",
        choices=sorted(BUDGETS),
        default=None,
        help="full (the paper's), quick or smoke (tiny, for tests); "
        "default: $FMNIST_BUDGET or full",
    )
    p.add_argument(
        "--runs-dir",
        default=None,
        help="where checkpoints and finished runs live (default: $FMNIST_RUNS; else, "
        "at the full budget, results/reference-runs; else runs/)",
    )


def parser() -> argparse.ArgumentParser:
    """The command line's parser."""
    top = argparse.ArgumentParser(prog="python -m fmnist_lib", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    p = sub.add_parser("data", help="find and verify Fashion-MNIST")
    p.add_argument("--root", help="folder with the four IDX files (default: search)")
    p.add_argument("--offline", action="store_true", help="never try to download")
    p.set_defaults(func=cmd_data)
    sub.add_parser("list", help="list the experiments").set_defaults(func=cmd_list)
    p = sub.add_parser("train", help="train (or resume, or reload) one experiment")
    p.add_argument("name", choices=list(EXPERIMENTS))
    _add_common(p)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=None, help="override the experiment's epochs")
    p.set_defaults(func=cmd_train)
    p = sub.add_parser("reproduce", help="run every experiment and write results/<budget>/")
    _add_common(p)
    p.add_argument("--seeds", type=int, default=3, help="seeds per classifier (default 3)")
    p.add_argument("--ae-seeds", type=int, default=1, help="seeds per autoencoder (default 1)")
    p.add_argument("--results-dir", default=None, help="default: results/")
    p.add_argument(
        "--only", nargs="+", default=None, metavar="NAME", help="run only these experiments"
    )
    p.set_defaults(func=cmd_reproduce)
    p = sub.add_parser(
        "report", help="write results/<budget>/ from the finished runs, training nothing"
    )
    _add_common(p)
    p.add_argument("--results-dir", default=None, help="default: results/")
    p.set_defaults(func=cmd_report)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "budget", "x") is None:
        args.budget = budget_from_env()
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
