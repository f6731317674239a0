"""How often each module of ``fmnist_lib`` is entered while the report is written.

Runs the pipeline's report writing (``pipeline.write_results``: both languages' REPORT.md and
the figures that ``metrics.json`` alone can draw, into a temporary folder) for
``results/<budget>/metrics.json`` under ``sys.setprofile``, and follows the innermost frame of
``fmnist_lib``: each time it moves to another file is a *stop* in that file. Prints the stops
per module, their total, how many were returns to a file already left (stops minus files), the
moves from each file to each other one, and the distinct calls from a function of one file to a
function of another (however often each is made: the shape of the code, not its loops).

    python tools/module_walk.py                      # this checkout
    python tools/module_walk.py --root /tmp/base     # another checkout of the library (its own
                                                     # results/<budget>/metrics.json)
    python tools/module_walk.py --write              # also rewrite results/<budget>/REPORT.md
                                                     # and REPORT.es.md (no figure redrawn)

``--write`` renders both reports with the figures the committed REPORT.md lists, so that
``git diff results/`` shows whether a change to the library changed the report.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from types import FrameType
from typing import Any

FIGURE_LINE = re.compile(r"^!\[[^\]]*\]\(([^)]+)\)", flags=re.MULTILINE)


@dataclass
class Walk:
    """Where a piece of work went in ``fmnist_lib``: the files it stopped in, in order (a file
    again only after another one), and the distinct calls from a function of one file to a
    function of another (``file:function`` pairs), however often each was made."""

    stops: list[str] = field(default_factory=list)
    calls: set[tuple[str, str]] = field(default_factory=set)


def walk(package: Path, work: Callable[[], Any]) -> Walk:
    """Follow ``work`` through the files of ``package`` (named relative to it)."""
    found = Walk()
    prefix = str(package) + "/"

    def innermost(frame: FrameType | None) -> tuple[str, str] | None:
        while frame is not None and not frame.f_code.co_filename.startswith(prefix):
            frame = frame.f_back
        if frame is None:
            return None
        return frame.f_code.co_filename[len(prefix) :], frame.f_code.co_qualname

    def follow(frame: FrameType, event: str, arg: Any) -> None:
        if event not in ("call", "return"):
            return
        here = innermost(frame if event == "call" else frame.f_back)
        if here is not None and (not found.stops or found.stops[-1] != here[0]):
            found.stops.append(here[0])
        caller = innermost(frame.f_back) if event == "call" else None
        if here is not None and caller is not None and caller[0] != here[0]:
            found.calls.add((":".join(caller), ":".join(here)))

    sys.setprofile(follow)
    try:
        work()
    finally:
        sys.setprofile(None)
    return found


def summary(found: Walk) -> str:
    """Stops per module, the total, the returns to a file already left, the moves between
    files, and the distinct calls between them."""
    stops, per_module = found.stops, Counter(found.stops)
    lines = [f"{n:6d}  {name}" for name, n in per_module.most_common()]
    lines += [f"{len(stops)} stops in {len(per_module)} files, "
              f"{len(stops) - len(per_module)} returns to a file already left", "",
              "moves from one file to another (calls and returns alike):"]  # fmt: skip
    lines += [f"{n:6d}  {a} -> {b}" for (a, b), n in Counter(pairwise(stops)).most_common()]
    between = Counter((a.split(":")[0], b.split(":")[0]) for a, b in found.calls)
    lines += ["", f"{len(found.calls)} distinct calls from one file to another:"]
    lines += [f"{n:6d}  {a} -> {b}" for (a, b), n in between.most_common()]
    return "\n".join(lines)


def write_reports(results: Path, metrics: dict[str, Any]) -> None:
    """REPORT.md and REPORT.es.md rendered again from ``metrics``, with the figures that the
    committed REPORT.md lists (``name.es.png`` in Spanish)."""
    report = importlib.import_module("fmnist_lib.reproduction.report")
    figures = FIGURE_LINE.findall((results / "REPORT.md").read_text())
    spanish = [f.replace(".png", ".es.png") for f in figures]
    (results / "REPORT.md").write_text(report.render_report(metrics, figures, "en"))
    (results / "REPORT.es.md").write_text(report.render_report(metrics, spanish, "es"))


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cli.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent,
                     help="the checkout whose fmnist_lib and results are walked")  # fmt: skip
    cli.add_argument("--budget", default="full")
    cli.add_argument("--write", action="store_true",
                     help="rewrite the budget's REPORT.md and REPORT.es.md")  # fmt: skip
    args = cli.parse_args()
    root = args.root.resolve()
    sys.path.insert(0, str(root))  # that checkout's library, not an installed one
    pipeline = importlib.import_module("fmnist_lib.reproduction.pipeline")
    results = root / "results" / args.budget
    metrics = json.loads((results / "metrics.json").read_text())
    with tempfile.TemporaryDirectory() as out:
        write = lambda: pipeline.write_results(metrics, {}, Path(out) / "report", None)
        found = walk(root / "fmnist_lib", write)
    print(f"{pipeline.__file__}\n{summary(found)}")
    if args.write:
        write_reports(results, metrics)
    return 0


if __name__ == "__main__":
    sys.exit(main())
