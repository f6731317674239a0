"""Command line: ``python -m fmnist_lib {data,train,reproduce,list}``."""

from __future__ import annotations

import argparse
import sys

from . import data as data_mod
from . import experiments


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
    for c, (a, b) in enumerate(zip(train.class_counts(), test.class_counts())):
        print(f"{c} {data_mod.CLASS_NAMES[c]:<14}{a:>8}{b:>8}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    for e in experiments.EXPERIMENTS.values():
        print(f"{e.name:<26} {e.group:<13} {e.model}(hidden={e.hidden_size}, dropout={e.dropout}) "
              f"epochs={e.epochs} batch={e.batch_size} lr={e.lr}" + (f" <- {e.init_from}" if e.init_from else ""))
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    result = experiments.run_experiment(args.name, budget=args.budget, seed=args.seed, runs_dir=args.runs_dir,
                                        epochs=args.epochs)
    h = result.history.epochs[-1]
    print(f"{args.name} seed {args.seed} ({result.budget}): {len(result.history.epochs)} epochs, "
          f"train loss {h['train_loss']:.5f}, val loss {h['val_loss']:.5f}; test {result.test.get('mse', result.test.get('accuracy'))}")
    if result.transfer:
        print(result.transfer)
    print(f"run folder: {result.run_dir}")
    return 0


def cmd_reproduce(args: argparse.Namespace) -> int:
    metrics = experiments.reproduce(budget=args.budget, seeds=args.seeds, ae_seeds=args.ae_seeds,
                                    runs_dir=args.runs_dir, results_dir=args.results_dir, names=args.only)
    print(f"wrote {args.results_dir or 'results'}/{metrics['budget']}/metrics.json and REPORT.md "
          f"({metrics['wall_seconds'] / 60:.1f} min)")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    metrics = experiments.report_finished(budget=args.budget, runs_dir=args.runs_dir, results_dir=args.results_dir)
    runs = sum(len(e["runs"]) for e in metrics["experiments"].values())
    print(f"wrote {args.results_dir or 'results'}/{metrics['budget']}/REPORT.md from {runs} finished run(s) "
          f"of {len(metrics['experiments'])} experiment(s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fmnist_lib", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("data", help="find and verify Fashion-MNIST")
    p.add_argument("--root", help="folder with the four IDX files (default: search)")
    p.add_argument("--offline", action="store_true", help="never try to download")
    p.set_defaults(func=cmd_data)

    sub.add_parser("list", help="list the experiments").set_defaults(func=cmd_list)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--budget", choices=sorted(experiments.BUDGETS), default=None,
                       help="full (the paper's) or smoke (tiny, for tests); default: $FMNIST_BUDGET or full")
        p.add_argument("--runs-dir", default=None, help="where checkpoints and finished runs live (default: runs/)")

    p = sub.add_parser("train", help="train (or resume, or reload) one experiment")
    p.add_argument("name", choices=list(experiments.EXPERIMENTS))
    common(p)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=None, help="override the experiment's epoch count")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("reproduce", help="run every experiment and write results/<budget>/")
    common(p)
    p.add_argument("--seeds", type=int, default=3, help="seeds per classifier (default 3)")
    p.add_argument("--ae-seeds", type=int, default=1, help="seeds per autoencoder (default 1)")
    p.add_argument("--results-dir", default=None, help="default: results/")
    p.add_argument("--only", nargs="+", default=None, metavar="NAME", help="run only these experiments")
    p.set_defaults(func=cmd_reproduce)

    p = sub.add_parser("report", help="write results/<budget>/ from the finished runs, training nothing")
    common(p)
    p.add_argument("--results-dir", default=None, help="default: results/")
    p.set_defaults(func=cmd_report)

    args = parser.parse_args(argv)
    if getattr(args, "budget", "x") is None:
        args.budget = experiments.budget_from_env()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
