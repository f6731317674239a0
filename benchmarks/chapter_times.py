"""Each chapter's Run All, timed the way students meet it (issue 29), in two settings:

- ``clone``: a fresh clone of this repository's HEAD (``git clone --local``: the published
  reference runs present, ``runs/`` empty), each notebook run in its folder, in order, in the
  same clone (later chapters reuse what earlier ones trained, as they do for a student);
- ``colab``: no checkout: the library installed from a wheel built here into a fresh virtual
  environment that sees this environment's packages (Colab brings its own torch), an empty cache,
  the published files served by a local HTTP server through ``FMNIST_REFERENCE_URL``, each
  notebook alone in an empty folder.

Both at the default budget (or ``--budget``), with the solutions left as Run All leaves them
(``FMNIST_SOLUTIONS`` unset), progress off, and the data from this machine's copy
(``FMNIST_DATA``: a download is not what is timed). The dense fp32 GEMM rate is measured before
each setting. Prints a table (chapter, minutes in each setting, runs trained, runs downloaded)
and, last, the longest chapter's minutes in the colab setting (or the clone one, alone).

    python benchmarks/chapter_times.py [--chapters 01 02] [--settings clone colab] [--budget smoke]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fmnist_lib.data import locate  # noqa: E402
from fmnist_lib.experiments.runs import gemm_rate  # noqa: E402

RESULT = "result.json"  # one per finished run


def execute(notebook: Path, timeout: int) -> float:
    """Run ``notebook`` top to bottom in this Python's kernel, in its folder; the seconds."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, kernel_name="python3", timeout=timeout,
                   resources={"metadata": {"path": str(notebook.parent)}}).execute()  # fmt: skip
    return time.perf_counter() - start


def finished_runs(*folders: Path) -> set[Path]:
    return {p for folder in folders if folder.exists() for p in folder.rglob(RESULT)}


def student_env(**extra: str) -> dict[str, str]:
    """The environment of a student's kernel: default budget, Run All leaving the solutions."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FMNIST_")}
    env |= {"FMNIST_PROGRESS": "0", "FMNIST_DATA": str(locate(download=False).directory)}
    return env | extra


def clone_times(chapters: list[str], budget: str | None, timeout: int) -> dict[str, tuple]:
    """Setting (a): minutes, runs trained, runs downloaded per chapter, in one fresh clone."""
    out, scratch = {}, Path(tempfile.mkdtemp(prefix="chapter-times-clone-"))
    clone = scratch / "course"
    subprocess.run(["git", "clone", "-q", "--local", str(ROOT), str(clone)], check=True)
    cache = scratch / "cache"
    env = student_env(FMNIST_CACHE=str(cache), **({"FMNIST_BUDGET": budget} if budget else {}))
    for chapter in chapters:
        notebook = next((clone / "notebooks").glob(f"{chapter}_*.ipynb"))
        before = finished_runs(clone, cache)
        seconds = in_subprocess(sys.executable, notebook, env, timeout)
        trained = len(finished_runs(clone) - before)
        downloaded = len(finished_runs(cache) - before)
        out[chapter] = (seconds / 60, trained, downloaded)
    shutil.rmtree(scratch, ignore_errors=True)
    return out


def in_subprocess(python: str, notebook: Path, env: dict[str, str], timeout: int) -> float:
    """``execute`` run by ``python`` (this script again), in ``env``; the seconds."""
    done = subprocess.run([python, __file__, "--execute", str(notebook), "--timeout",
                           str(timeout)], env=env, capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{notebook.name} failed:\n{done.stderr[-3000:]}")
    return float(done.stdout.strip().splitlines()[-1])


def colab_python(scratch: Path) -> str:
    """A fresh virtual environment with the library from a wheel built here, and this
    environment's packages visible behind it (Colab's preinstalled torch and Jupyter)."""
    wheels = scratch / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels),
                    str(ROOT)], check=True, capture_output=True)  # fmt: skip
    env_dir = scratch / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import site; print(site.getsitepackages()[0])"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    here = [p for p in sys.path if p.endswith("site-packages")]
    Path(site, "colab-preinstalled.pth").write_text("\n".join(here) + "\n")
    wheel = next(wheels.glob("*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", site,
                    str(wheel)], check=True, capture_output=True)  # fmt: skip
    return str(python)


def where_the_kernel_imports(python: str, env: dict[str, str], scratch: Path) -> str:
    """The folder the setting's kernel imports ``fmnist_lib`` from (a one-cell notebook)."""
    import nbformat

    probe = scratch / "probe" / "probe.ipynb"
    probe.parent.mkdir()
    code = "import fmnist_lib, pathlib\npathlib.Path('where').write_text(fmnist_lib.__file__)"
    cell = nbformat.v4.new_code_cell(code)
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), probe)
    in_subprocess(python, probe, env, 600)
    return (probe.parent / "where").read_text()


def colab_times(chapters: list[str], budget: str | None, timeout: int) -> dict[str, tuple]:
    """Setting (b): each notebook alone, the library from a wheel, the published runs served."""
    out, scratch = {}, Path(tempfile.mkdtemp(prefix="chapter-times-colab-"))
    python = colab_python(scratch)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(ROOT))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cache = scratch / "cache"
    env = student_env(FMNIST_CACHE=str(cache),
                      FMNIST_REFERENCE_URL=f"http://127.0.0.1:{server.server_port}",
                      **({"FMNIST_BUDGET": budget} if budget else {}))  # fmt: skip
    try:
        found = where_the_kernel_imports(python, env, scratch)
        if not found.startswith(str(scratch / "venv")):
            raise SystemExit(f"the colab setting's kernel imports the library from {found}")
        for chapter in chapters:
            alone = scratch / chapter
            alone.mkdir()
            source = next((ROOT / "notebooks").glob(f"{chapter}_*.ipynb"))
            notebook = Path(shutil.copy(source, alone))
            before = finished_runs(scratch)
            seconds = in_subprocess(python, notebook, env, timeout)
            trained = len(finished_runs(alone) - before)
            downloaded = len(finished_runs(cache) - before)
            out[chapter] = (seconds / 60, trained, downloaded)
    finally:
        server.shutdown()
        shutil.rmtree(scratch, ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", nargs="+", default=[f"{n:02d}" for n in range(1, 9)])
    parser.add_argument("--settings", nargs="+", choices=("clone", "colab"),
                        default=["clone", "colab"])  # fmt: skip
    parser.add_argument("--budget", default=None, help="default: the chapters' own (full)")
    parser.add_argument("--timeout", type=int, default=3 * 3600, help="seconds per cell")
    parser.add_argument("--execute", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.execute:  # run by in_subprocess, in the setting's Python
        print(f"{execute(args.execute, args.timeout):.1f}")
        return
    measure = {"clone": clone_times, "colab": colab_times}
    times, gemm = {}, {}
    for setting in args.settings:
        gemm[setting] = gemm_rate()
        times[setting] = measure[setting](args.chapters, args.budget, args.timeout)
    print("GEMM GFLOP/s before each setting: " +
          ", ".join(f"{s} {g:.0f}" for s, g in gemm.items()))  # fmt: skip
    print(f"{'chapter':<9}" + "".join(f"{s + ' min':>11}{'trained':>9}{'downloaded':>12}"
                                      for s in args.settings))  # fmt: skip
    for chapter in args.chapters:
        cells = "".join(f"{times[s][chapter][0]:>11.1f}{times[s][chapter][1]:>9}"
                        f"{times[s][chapter][2]:>12}" for s in args.settings)  # fmt: skip
        print(f"{chapter:<9}{cells}")
    last = "colab" if "colab" in times else args.settings[-1]
    longest = max(args.chapters, key=lambda c: times[last][c][0])
    print(f"the longest chapter's minutes ({last} setting): chapter {longest}")
    print(f"{times[last][longest][0]:.2f}")


if __name__ == "__main__":
    main()
