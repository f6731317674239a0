"""One chapter in JupyterLab, as a student uses it: Run All, save, reopen.

Run by `make browser-check` (book_checks/); not part of `pytest tests`. A copy of one chapter
(its .ipynb, its .py twin and notebooks/jupytext.toml) goes to a temporary folder; `jupyter lab`
is started on it the way `make lab` starts it (rooted at the notebooks' folder), at the smoke
budget with progress bars on, its runs in a temporary FMNIST_RUNS. Debian's chromium, headless,
opens the chapter, types a marker cell at the top, runs all cells, saves, closes the page, shuts
the kernel down and opens the chapter again. The checks: every cell ran, without an error; the
run drew progress bars; the save rewrote the paired .py twin (the marker is in it, its cells are
the saved notebook's); the reopened notebook shows no "Error displaying widget"; every widget
output of the saved file has its saved state. Nothing in the repository is written but the
screenshots, _build/screenshots/lab-*.png.

LAB_CHAPTER picks another chapter (default 04_classifiers, the cheapest chapter that trains with
progress bars: about 3 minutes at the smoke budget on 2 CPU cores); LAB_RUN_TIMEOUT_S the limit
of the Run All (default 900 s).
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jupytext
import pytest
from browsing import LOCAL_HOST
from playwright.sync_api import Browser, BrowserContext, Page, Request, Route
from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHAPTER = os.environ.get("LAB_CHAPTER", "04_classifiers")
RUN_TIMEOUT_S = float(os.environ.get("LAB_RUN_TIMEOUT_S", "900"))
START_TIMEOUT_S = 180.0
UI_TIMEOUT_MS = 60_000
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_ERROR = "Error displaying widget"

# The lab's user settings for this run, written to a fresh settings folder. autosave off: the
# only save is the test's own. windowingMode none: every cell is in the page. Not set here:
# saveState (the widget state goes into the notebook on save, so that a reopened notebook can
# draw its widgets without the kernel that made them); the project's own default does it
# (lab-settings/overrides.json, which `make install` puts in the venv), and that is what is tested.
OVERRIDES = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
# The server's pre-save hook that keeps the saved widgets (lab-settings/jupyter_server_config.py).
SERVER_CONFIG = Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.py"
LAB_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
}

# What the lab says about the open notebook. From its model (window.jupyterapp, exposed by
# --LabApp.expose_app_in_browser, as JupyterLab's own UI tests do): the kernel's status, each code
# cell's execution count and whether it is still queued or running (a prompt is not enough: the
# solutions' code is collapsed, without a prompt). From the page, as a reader sees it: tracebacks
# in the outputs and the widget outputs.
NOTEBOOK_STATE_JS = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    if (!panel || !panel.content || !panel.content.widgets) return null;
    const context = panel.sessionContext;
    const kernel = context.session && context.session.kernel;
    const all = panel.content.widgets;
    const code = all.filter(c => c.model.type === 'code');
    return {
        status: context.isReady && kernel ? kernel.status : 'starting',
        counts: code.map(c => c.model.executionCount),
        running: code.filter(c => c.model.executionState === 'running').length,
        tracebacks: [...panel.node.querySelectorAll(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
            .map(o => o.textContent).filter(t => t.includes('Traceback'))
            .map(t => t.slice(0, 400)),
        widgets: code.flatMap(c => [...Array(c.model.outputs.length).keys()]
            .filter(i => 'application/vnd.jupyter.widget-view+json' in
                         (c.model.outputs.get(i).data || {}))
            .map(i => {
                const child = c.outputArea.widgets[i];
                const node = child && child.node.querySelector('.jp-OutputArea-output');
                const text = node ? node.textContent.trim() : '';
                const empty = !node || (text === '' && node.childElementCount === 0);
                return {cell: all.indexOf(c), text: text.slice(0, 200),
                        drawn: !empty && !text.startsWith('Loading widget')};
            })),
    };
}"""
# Counts the progress bars (ipywidgets' progress views, tqdm's notebook bars) added to the page,
# however briefly they stay.
COUNT_BARS_JS = """() => {
    window.labCheckBars = 0;
    const bar = '.widget-hprogress, .widget-vprogress';
    new MutationObserver(changes => { for (const change of changes) {
        for (const node of change.addedNodes) {
            if (node.nodeType === 1 && (node.matches(bar) || node.querySelector(bar))) {
                window.labCheckBars += 1;
            }
        }
    } }).observe(document.body, {childList: true, subtree: true});
}"""

# The widget views that failed: JupyterLab's widget renderer replaces a view it cannot draw with
# the text "Error displaying widget" (": model not found" when the model is not in the kernel or
# in the notebook's saved state).
WIDGET_ERRORS_JS = f"""() => [...document.querySelectorAll('.jupyter-widgets')]
    .filter(e => e.childElementCount === 0)
    .map(e => e.textContent.trim())
    .filter(t => t.startsWith('{WIDGET_ERROR}') || t.includes('model not found'))"""

WIDGETS_DRAWN_JS = (
    f"() => {{ const s = ({NOTEBOOK_STATE_JS})(); return s && s.widgets.every(w => w.drawn); }}"
)


# --- the lab -----------------------------------------------------------------------------


@dataclass
class Lab:
    """A running JupyterLab: its address, token, notebooks folder, process and log."""

    url: str
    token: str
    notebooks: Path
    process: subprocess.Popen[bytes]
    log: Path

    def api(self, method: str, path: str) -> Any:
        """A request to the server's REST API (token in the header); its JSON answer or None."""
        request = urllib.request.Request(
            self.url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        """Ends every session and its kernel, as closing the lab would."""
        for session in self.api("GET", "api/sessions"):
            self.api("DELETE", f"api/sessions/{session['id']}")

    def log_tail(self) -> str:
        return _log_tail(self.log)


def _log_tail(log: Path, lines: int = 3) -> str:
    """The server log's critical and error lines, else its last lines, as one line."""
    text = log.read_text(encoding="utf-8", errors="replace").splitlines()
    worst = [line for line in text if line.startswith(("[C ", "[E "))]
    return " | ".join((worst or text)[-lines:])


def _write_settings(folder: Path) -> None:
    for plugin, values in LAB_SETTINGS.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


def _lab_env(tmp: Path) -> dict[str, str]:
    """The course's environment for the lab: smoke budget, progress bars on, runs and Jupyter's
    own files in the temporary folder (the venv's kernel spec and extensions are still found)."""
    env = dict(os.environ)
    env.update(
        {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            "FMNIST_BUDGET": "smoke",
            "FMNIST_PROGRESS": "1",
            "FMNIST_RUNS": str(tmp / "runs"),
            "JUPYTER_CONFIG_DIR": str(tmp / "jupyter-config"),
            "JUPYTER_DATA_DIR": str(tmp / "jupyter-data"),
            "JUPYTER_RUNTIME_DIR": str(tmp / "jupyter-runtime"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    for name in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTERLAB_SETTINGS_DIR"):
        env.pop(name, None)
    return env


def _wait_for_server(runtime: Path, process: subprocess.Popen[bytes], log: Path, token: str) -> str:
    """The server's address once it answers /api/status; a failure naming why otherwise."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"jupyter lab exited with {process.returncode} at start: {_log_tail(log)}")
        info = sorted(runtime.glob("jpserver-*.json"))
        if info:
            url = json.loads(info[0].read_text(encoding="utf-8"))["url"]
            try:
                status = urllib.request.Request(
                    url + "api/status", headers={"Authorization": f"token {token}"}
                )
                with urllib.request.urlopen(status, timeout=5):
                    return str(url)
            except (urllib.error.URLError, OSError):
                pass
        time.sleep(0.5)
    pytest.fail(f"jupyter lab did not answer within {START_TIMEOUT_S:.0f} s: {_log_tail(log)}")


def _trust(notebooks: list[Path], env: dict[str, str]) -> None:
    """Signs the course's own notebooks as `make lab` does, so that the lab draws their saved
    widgets on first open (an untrusted notebook shows them as text until a cell runs)."""
    jupyter = Path(sys.executable).parent / "jupyter"
    subprocess.run(
        [str(jupyter if jupyter.exists() else "jupyter"), "trust", *map(str, notebooks)],
        env=env,
        check=True,
        capture_output=True,
    )


def _start_lab(tmp: Path, root: Path) -> Lab:
    """`jupyter lab` rooted at ``root`` with the course's settings (the venv's, as `make install`
    writes them), its own files in ``tmp``; the course's notebooks under ``root`` trusted."""
    saved = json.loads(OVERRIDES.read_text()) if OVERRIDES.exists() else {}
    if not saved.get("@jupyter-widgets/jupyterlab-manager:plugin", {}).get("saveState"):
        pytest.fail(f"{OVERRIDES} does not turn on saveState: run `make install`")
    if not SERVER_CONFIG.exists():
        pytest.fail(f"{SERVER_CONFIG} is missing: run `make install`")
    _write_settings(tmp / "lab-settings")
    _trust(sorted(root.rglob("[0-9][0-9]_*.ipynb")), _lab_env(tmp))
    jupyter = Path(sys.executable).parent / "jupyter"
    token = secrets.token_hex(16)
    command = [
        str(jupyter if jupyter.exists() else "jupyter"),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        f"--LabApp.user_settings_dir={tmp / 'lab-settings'}",
        f"--LabApp.workspaces_dir={tmp / 'lab-workspaces'}",
        "--LabApp.expose_app_in_browser=True",
        *(["--allow-root"] if os.geteuid() == 0 else []),  # CI containers run as root
    ]
    log = tmp / "lab.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=root,
            env=_lab_env(tmp),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, ended as a whole below
        )
    try:
        url = _wait_for_server(tmp / "jupyter-runtime", process, log, token)
    except BaseException:
        _stop(process)
        raise
    return Lab(url, token, root, process, log)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab on a copy of the chapter, rooted at its notebooks folder like `make lab`."""
    tmp = tmp_path_factory.mktemp("lab")
    notebooks = tmp / "notebooks"
    notebooks.mkdir()
    for name in (f"{CHAPTER}.ipynb", f"{CHAPTER}.py", "jupytext.toml"):
        if not (NOTEBOOKS / name).exists():
            pytest.fail(f"notebooks/{name} does not exist (LAB_CHAPTER={CHAPTER!r})")
        shutil.copy2(NOTEBOOKS / name, notebooks / name)  # copy2: jupytext compares mtimes
    lab = _start_lab(tmp, notebooks)
    try:
        yield lab
    finally:
        _stop(lab.process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (the server then ends its kernels), then SIGKILL."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- the session: open, mark, run all, save, reopen ---------------------------------------


@dataclass
class Session:
    """What the lab session left: the page's state after the run and after reopening, the
    files before and after the save."""

    marker: str
    py_before: tuple[int, str]  # mtime_ns, text
    py_after: tuple[int, str]
    saved: dict[str, Any]  # the saved .ipynb
    run_state: dict[str, Any]
    bars_shown: int  # progress bars drawn during the Run All
    reopened_state: dict[str, Any]
    reopened_errors: list[str]  # the texts of the widget error views on the page


def _block_other_hosts(page: Page) -> None:
    """The lab works offline: any request to another host is refused (and would show up)."""

    def route(r: Route, request: Request) -> None:
        local = urlsplit(request.url).hostname == LOCAL_HOST
        if local or request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            r.abort("blockedbyclient")

    page.route("**/*", route)


def _screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(PlaywrightError):  # a debugging aid, never the reason to fail
        page.screenshot(path=SCREENSHOTS / f"lab-{name}.png")


def _state(page: Page) -> dict[str, Any]:
    state = page.evaluate(NOTEBOOK_STATE_JS)
    return state or {"status": None, "counts": [], "running": 0, "tracebacks": [], "widgets": []}


def _open(context: BrowserContext, lab: Lab, name: str, notebook: str = f"{CHAPTER}.ipynb") -> Page:
    """A new page on a notebook (by default the chapter), its kernel started and idle."""
    page = context.new_page()
    page.set_default_timeout(UI_TIMEOUT_MS)
    _block_other_hosts(page)
    # reset: a fresh workspace, else the lab reopens every notebook an earlier page had open
    page.goto(f"{lab.url}lab/tree/{notebook}?reset&token={lab.token}")
    try:
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for()
        page.wait_for_function(
            f"() => {{ const s = ({NOTEBOOK_STATE_JS})(); return s && s.status === 'idle'; }}",
            timeout=START_TIMEOUT_S * 1000,
            polling=500,
        )
    except PlaywrightError as exc:
        _screenshot(page, name)
        pytest.fail(
            f"{notebook}: the lab did not show the notebook with an idle kernel "
            f"({exc.message.splitlines()[0]}); server log: {lab.log_tail()}"
        )
    _screenshot(page, name)
    return page


def _add_marker_cell(page: Page, marker: str) -> None:
    """A code cell `# <marker>` above the first cell, typed in like a student would."""
    page.locator(".jp-Notebook .jp-Cell").first.locator(".jp-InputArea-prompt").click()
    page.keyboard.press("Escape")  # command mode
    page.keyboard.press("a")  # insert a code cell above
    page.keyboard.press("Enter")  # edit it
    page.keyboard.type(f"# {marker}")
    page.keyboard.press("Escape")
    first = page.locator(".jp-Notebook .jp-Cell").first
    if marker not in (first.text_content() or "") or "jp-CodeCell" not in (
        first.get_attribute("class") or ""
    ):
        _screenshot(page, "marker")
        pytest.fail(f"{CHAPTER}: could not type the marker code cell above the first cell")


def _menu(page: Page, menu: str, item: str) -> None:
    """Clicks the menu bar's `menu`, then its entry `item` (role-based: what a user sees)."""
    page.get_by_role("menubar").get_by_role("menuitem", name=menu, exact=True).click()
    page.get_by_role("menu").get_by_role("menuitem", name=re.compile(rf"^{item}")).first.click()


def _run_all(page: Page) -> tuple[dict[str, Any], float]:
    """Run → Run All Cells; waits until no cell is pending and the kernel is idle."""
    start = time.monotonic()
    _menu(page, "Run", "Run All Cells")
    state = _state(page)
    while time.monotonic() - start < RUN_TIMEOUT_S:
        page.wait_for_timeout(2000)
        state = _state(page)
        # the first cell is the marker cell, without a count until this run reaches it
        ran = bool(state["counts"]) and state["counts"][0] is not None
        if ran and not state["running"] and state["status"] == "idle":
            return state, time.monotonic() - start
    _screenshot(page, "run")
    pytest.fail(
        f"{CHAPTER}: Run All did not finish within {RUN_TIMEOUT_S:.0f} s "
        f"({state['running']} cell(s) still queued or running, kernel {state['status']})"
    )


def _save(page: Page, lab: Lab, ipynb_before: int, py_before: int) -> None:
    """File → Save Notebook; waits until the tab is clean and both files were written."""
    _menu(page, "File", "Save Notebook")
    ipynb, py = lab.notebooks / f"{CHAPTER}.ipynb", lab.notebooks / f"{CHAPTER}.py"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        dirty = page.locator(".lm-TabBar-tab.jp-mod-dirty").count()
        if not dirty and ipynb.stat().st_mtime_ns != ipynb_before:
            page.wait_for_timeout(500)  # the .py twin is written in the same request
            return
        page.wait_for_timeout(500)
    _screenshot(page, "save")
    pytest.fail(
        f"{CHAPTER}: File → Save Notebook did not write {ipynb.name} within 60 s "
        f"(.py written: {py.stat().st_mtime_ns != py_before})"
    )


def _wait_for_widgets(page: Page) -> dict[str, Any]:
    """The state once every widget output is drawn (a view or an error), or after 30 s."""
    # on time-out, test_reopened_without_widget_errors names the outputs never drawn
    with contextlib.suppress(PlaywrightError):
        page.wait_for_function(WIDGETS_DRAWN_JS, timeout=30_000, polling=500)
    page.wait_for_timeout(1000)
    return _state(page)


@pytest.fixture(scope="module")
def session(lab: Lab, browser: Browser) -> Iterator[Session]:
    ipynb, py = lab.notebooks / f"{CHAPTER}.ipynb", lab.notebooks / f"{CHAPTER}.py"
    marker = f"lab-check {secrets.token_hex(6)}"
    py_before = (py.stat().st_mtime_ns, py.read_text(encoding="utf-8"))
    ipynb_before = ipynb.stat().st_mtime_ns
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = _open(context, lab, "opened")
        opened = time.monotonic()
        _add_marker_cell(page, marker)
        page.evaluate(COUNT_BARS_JS)
        run_state, seconds = _run_all(page)
        bars = page.evaluate("() => window.labCheckBars")
        _screenshot(page, "run")
        _save(page, lab, ipynb_before, py_before[0])
        page.close()  # the browser tab
        lab.shut_down_kernels()  # as when the lab is closed: the widgets' models are gone
        again = _open(context, lab, "reopened")
        reopened = _wait_for_widgets(again)
        _screenshot(again, "reopened")
        errors = again.evaluate(WIDGET_ERRORS_JS)
        print(
            f"{CHAPTER}: Run All {seconds:.0f} s, {bars} progress bar(s) shown; opened to "
            f"reopened {time.monotonic() - opened:.0f} s"
        )
        yield Session(
            marker=marker,
            py_before=py_before,
            py_after=(py.stat().st_mtime_ns, py.read_text(encoding="utf-8")),
            saved=json.loads(ipynb.read_text(encoding="utf-8")),
            run_state=run_state,
            bars_shown=bars,
            reopened_state=reopened,
            reopened_errors=errors,
        )
    finally:
        context.close()


# --- the checks --------------------------------------------------------------------------


def _text(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


def test_run_all_without_errors(session: Session) -> None:
    """Every code cell ran, in order, in the new kernel; no output is an error or a traceback."""
    counts = session.run_state["counts"]
    assert not session.run_state["tracebacks"], (
        f"{CHAPTER}: Run All showed a traceback: {session.run_state['tracebacks'][0]!r}"
    )
    errors = [
        f"cell {i}: {o.get('ename')}: {o.get('evalue', '')[:200]}"
        for i, cell in enumerate(session.saved["cells"])
        for o in cell.get("outputs", [])
        if o["output_type"] == "error"
        or (o["output_type"] == "stream" and "Traceback" in _text(o.get("text", "")))
    ]
    assert not errors, f"{CHAPTER}: the saved notebook has error outputs: {errors}"
    assert counts == list(range(1, len(counts) + 1)), (
        f"{CHAPTER}: not every code cell ran once, in order, after Run All; counts {counts}"
    )


def test_progress_bars_were_shown(session: Session) -> None:
    """The run drew progress bars in the lab (else the widget checks below prove nothing)."""
    assert session.bars_shown > 0, (
        f"{CHAPTER}: no progress bar appeared during Run All: does the chapter train at the "
        "smoke budget, and does FMNIST_PROGRESS=1 reach the kernel?"
    )


def test_save_writes_the_paired_py(session: Session) -> None:
    """Saving in a lab rooted at notebooks/ rewrote the .py twin: the marker typed in the lab is
    in it, and its cells are the saved notebook's cells."""
    assert session.py_after[0] != session.py_before[0], (
        f"{CHAPTER}: saving in the lab did not touch {CHAPTER}.py: pairing is off "
        "(does jupytext find notebooks/jupytext.toml from the lab's root?)"
    )
    assert session.marker in session.py_after[1], (
        f"{CHAPTER}: {CHAPTER}.py was rewritten but lacks the marker cell typed in the lab"
    )
    twin = jupytext.reads(session.py_after[1], fmt="py:percent")
    ours = [(c.cell_type, c.source) for c in twin.cells]
    saved = [(c["cell_type"], _text(c["source"])) for c in session.saved["cells"]]
    differ = [i for i, (a, b) in enumerate(zip(ours, saved, strict=False)) if a != b]
    assert len(ours) == len(saved) and not differ, (
        f"{CHAPTER}: {CHAPTER}.py is not the saved notebook's text: {len(ours)} cells vs "
        f"{len(saved)}, first differing cell {differ[:1]}"
    )


def test_reopened_without_widget_errors(session: Session) -> None:
    """The notebook reopened (kernel shut down) shows no 'Error displaying widget' and draws
    every widget output."""
    widgets = session.reopened_state["widgets"]
    broken = sorted({w["cell"] for w in widgets if WIDGET_ERROR in w["text"]})
    assert not session.reopened_errors, (
        f"{CHAPTER}: reopened after Run All and save, the lab shows "
        f"{len(session.reopened_errors)} widget error(s) ({session.reopened_errors[0]!r}) "
        f"in cells {broken}"
    )
    undrawn = sorted({w["cell"] for w in widgets if not w["drawn"]})
    assert not undrawn, f"{CHAPTER}: reopened, widget outputs never drawn in cells {undrawn}"


def test_saved_widget_views_have_state(session: Session) -> None:
    """Every widget output in the saved .ipynb refers to a model whose state was saved with it
    (else a reopened notebook, or the book, shows 'model not found')."""
    state = session.saved["metadata"].get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    orphans = [
        (i, o["data"][WIDGET_VIEW]["model_id"])
        for i, cell in enumerate(session.saved["cells"])
        for o in cell.get("outputs", [])
        if WIDGET_VIEW in o.get("data", {}) and o["data"][WIDGET_VIEW].get("model_id") not in state
    ]
    assert not orphans, (
        f"{CHAPTER}: {len(orphans)} widget output(s) in the saved notebook refer to models "
        f"missing from its saved widget state (cells {sorted({i for i, _ in orphans})}): closed "
        "progress bars left in the outputs, or the lab not saving widget state (saveState)?"
    )


# --- opening a chapter without running it ------------------------------------------------

COURSE = [NOTEBOOKS, ROOT / "es" / "notebooks"]  # both editions


@dataclass
class Opened:
    """One chapter opened (not run) and saved: the widget outputs as drawn, the bytes after."""

    name: str
    widgets: list[dict[str, Any]]
    shown_as_text: bool  # a widget shown as its Python repr ("VBox(children=...")
    same_bytes: bool
    changed_lines: list[str]


def _save_unrun(page: Page, path: Path) -> None:
    """File → Save Notebook on an opened chapter; waits until the file is written."""
    before = path.stat().st_mtime_ns
    _menu(page, "File", "Save Notebook")
    deadline = time.monotonic() + 60
    while path.stat().st_mtime_ns == before and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    page.wait_for_timeout(500)  # the .py twin is written in the same request
    if path.stat().st_mtime_ns == before:
        pytest.fail(f"{path.name}: File → Save Notebook did not write it within 60 s")


def _open_and_save(context: BrowserContext, lab: Lab, path: Path) -> Opened:
    name = str(path.relative_to(lab.notebooks))
    before = path.read_bytes()
    page = _open(context, lab, name.replace("/", "-"), notebook=name)
    state = _wait_for_widgets(page)
    text = page.evaluate("() => document.querySelector('.jp-Notebook').innerText")
    _save_unrun(page, path)
    after = path.read_bytes()
    changed = [
        line
        for line in difflib.unified_diff(
            before.decode().splitlines(), after.decode().splitlines(), lineterm="", n=0
        )
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    page.close()
    lab.shut_down_kernels()
    return Opened(name, state["widgets"], "VBox(children=" in text, before == after, changed)


@pytest.fixture(scope="module")
def opened(tmp_path_factory: pytest.TempPathFactory, browser: Browser) -> list[Opened]:
    """Every chapter of both editions, copied, opened in a lab (trusted, as `make lab` does),
    not run, saved."""
    tmp = tmp_path_factory.mktemp("opened")
    root = tmp / "course"
    for folder in COURSE:
        copy = root / folder.relative_to(ROOT)
        copy.mkdir(parents=True)
        for source in [*folder.glob("[0-9][0-9]_*"), folder / "jupytext.toml"]:
            shutil.copy2(source, copy / source.name)
    lab = _start_lab(tmp, root)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        return [_open_and_save(context, lab, p) for p in sorted(root.rglob("[0-9][0-9]_*.ipynb"))]
    finally:
        context.close()
        _stop(lab.process)


def test_opening_and_saving_changes_no_chapter(opened: list[Opened]) -> None:
    """A chapter opened in the lab and saved without running keeps every byte (else a student's
    checkout is modified by reading it, and the saved widgets are lost)."""
    changed = {o.name: o.changed_lines[:4] for o in opened if not o.same_bytes}
    assert not changed, (
        f"opening and saving rewrote {len(changed)} chapter(s) (store them with "
        f"`python tools/run_notebooks.py --stored-form --edition both`): {changed}"
    )


def test_widgets_drawn_on_first_open(opened: list[Opened]) -> None:
    """A freshly opened chapter draws its saved widgets: none shown as Python text, none left
    undrawn."""
    as_text = [o.name for o in opened if o.shown_as_text]
    undrawn = {o.name: [w["cell"] for w in o.widgets if not w["drawn"]] for o in opened}
    undrawn = {name: cells for name, cells in undrawn.items() if cells}
    assert not as_text and not undrawn, (
        f"widgets shown as text in {as_text}, never drawn in {undrawn}: is the notebook trusted?"
    )
    assert any(o.widgets for o in opened), "no chapter shows a widget: the check proves nothing"
