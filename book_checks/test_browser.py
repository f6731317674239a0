"""Every page of the built book, opened in Debian's chromium with no network but 127.0.0.1.

Run by `make browser-check` (after `make book`); not part of `pytest tests`. For each page of
_toc.yml: the title, the images and their alt text, no traceback in the outputs, no missing local
file, no request to another host, math typeset by MathJax, widgets rendered, no critical or
serious accessibility violation (axe-core, from npm), nothing cut off or wider than the screen at
desktop and phone widths. Once: the navigation toggles open the sidebars at phone, tablet and
desktop widths. Screenshots: _build/screenshots/.
"""

from __future__ import annotations

import http.server
import importlib.util
import json
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import matplotlib.pyplot as plt
import pytest
import yaml
from browsing import LOCAL_HOST
from playwright.sync_api import Browser, Page, Request, Route
from playwright.sync_api import Error as PlaywrightError

from fmnist_lib import plots, quiz
from fmnist_lib.arithmetic import conv_output_size, conv_transpose_output_size, pool_output_size

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("fmnist_book", ROOT / "book_ext" / "fmnist_book.py")
book_ext = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(book_ext)
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))
SCREENSHOTS = ROOT / "_build" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # package.json: `make book` installs it
OVERFLOW_JS = (Path(__file__).parent / "overflow.js").read_text(encoding="utf-8")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 30_000
SETTLE_MS = 15_000
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'
WIDGET_STATE = 'script[type="application/vnd.jupyter.widget-state+json"]'


# --- the pages ---------------------------------------------------------------------------


def _toc_files(entry: dict) -> Iterator[str]:
    """The `file:` entries of a _toc.yml node and of everything under it, in order."""
    if "file" in entry:
        yield entry["file"]
    for key in ("parts", "chapters", "sections"):
        for child in entry.get(key, []):
            yield from _toc_files(child)


def book_pages() -> list[str]:
    """The document names of the book, root first, as _toc.yml lists them; then those of the
    Spanish edition (es/_toc.yml), under es/."""
    pages = []
    for prefix in ("", "es/"):
        if not (ROOT / prefix / "_toc.yml").exists():
            continue
        toc = yaml.safe_load((ROOT / prefix / "_toc.yml").read_text(encoding="utf-8"))
        files = [toc["root"], *_toc_files(toc)]
        pages += [prefix + re.sub(r"\.(ipynb|md)$", "", name) for name in files]
    return pages


def source_of(docname: str) -> Path:
    """The source file of a page: the notebook or the Markdown file."""
    for suffix in (".ipynb", ".md"):
        if (ROOT / f"{docname}{suffix}").exists():
            return ROOT / f"{docname}{suffix}"
    raise FileNotFoundError(f"{docname}: neither {docname}.ipynb nor {docname}.md exists")


def _markdown_lines(path: Path) -> Iterator[str]:
    """The Markdown lines of a page, code fences left out."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced:
            yield line


def plain(markdown: str) -> str:
    """The text a Markdown heading shows: no emphasis, code marks, link targets or extra spaces."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"[*`]", "", text)
    return " ".join(text.split())


def expected_title(docname: str) -> str:
    """The page's first `# ` heading, as plain text."""
    for line in _markdown_lines(source_of(docname)):
        if line.startswith("# "):
            return plain(line[2:])
    raise AssertionError(f"{docname}: the source has no `# Title` heading (the page's title)")


def html_path(docname: str) -> str:
    return f"{docname}.html"


# --- the server and the browser ----------------------------------------------------------


@dataclass
class Server:
    """The local server of _build/html: its address and every 4xx/5xx it answered."""

    url: str
    errors: list[str] = field(default_factory=list)


def _handler(errors: list[str]) -> type[http.server.SimpleHTTPRequestHandler]:
    """A request handler that serves _build/html quietly and records its error answers."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(HTML), **kwargs)

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            if str(code).isdigit() and int(code) >= 400:
                errors.append(f"HTTP {int(code)} {self.path}")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """_build/html served on 127.0.0.1, on a free port, for the whole session."""
    if not (HTML / "index.html").exists():
        pytest.fail(f"{HTML} has no index.html: build the book first (make book)")
    errors: list[str] = []
    httpd = http.server.ThreadingHTTPServer((LOCAL_HOST, 0), _handler(errors))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield Server(f"http://{LOCAL_HOST}:{httpd.server_address[1]}/", errors)
    httpd.shutdown()
    httpd.server_close()


@dataclass
class Traffic:
    """What a page asked for: blocked external requests, failed local ones, script errors."""

    blocked: list[str] = field(default_factory=list)
    local_errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)  # "type: text" of every console message


def watch(page: Page) -> Traffic:
    """Blocks every request to a host other than 127.0.0.1 and records what goes wrong."""
    traffic = Traffic()

    def route(r: Route, request: Request) -> None:
        if urlsplit(request.url).hostname == LOCAL_HOST or request.url.startswith(
            ("data:", "blob:")
        ):
            r.continue_()
        else:
            traffic.blocked.append(f"{request.resource_type} {request.url}")
            r.abort("blockedbyclient")

    page.route("**/*", route)
    page.on(
        "response",
        lambda res: (
            res.status >= 400 and traffic.local_errors.append(f"HTTP {res.status} {res.url}")
        ),
    )
    page.on(
        "requestfailed",
        lambda req: (
            urlsplit(req.url).hostname == LOCAL_HOST
            and traffic.local_errors.append(f"failed ({req.failure}) {req.url}")
        ),
    )
    page.on("pageerror", lambda exc: traffic.page_errors.append(str(exc)))
    page.on("console", lambda message: traffic.console.append(f"{message.type}: {message.text}"))
    return traffic


@dataclass
class Visit:
    """A page loaded, typeset and screenshot, with what it requested."""

    docname: str
    page: Page
    traffic: Traffic
    late: list[str]


@pytest.fixture(scope="module", params=book_pages())
def visit(request: pytest.FixtureRequest, browser: Browser, server: Server) -> Iterator[Visit]:
    """Opens one page of the book, waits for MathJax and the widgets, saves a screenshot."""
    docname: str = request.param
    context = browser.new_context(viewport=DESKTOP, service_workers="block")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    traffic = watch(page)
    served_before = len(server.errors)
    response = page.goto(server.url + html_path(docname), wait_until="load")
    assert response is not None and response.ok, f"{docname}: {html_path(docname)} was not served"
    late = settle(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{docname.replace('/', '-')}.png", full_page=True)
    traffic.server_errors = server.errors[served_before:]  # what the page events may miss
    yield Visit(docname, page, traffic, late)
    context.close()


def settle(page: Page) -> list[str]:
    """Waits until every image has loaded or failed, MathJax has typeset and widgets are drawn.

    Returns what did not finish in time (the checks then say what is wrong on the page).
    """
    late: list[str] = []
    page.evaluate("""() => Promise.all([...document.images].map(img => {
        img.loading = 'eager';
        return img.complete ? null : new Promise(done => { img.onload = img.onerror = done; });
    }))""")
    if page.locator("script[src*='mathjax']").count():
        try:
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                timeout=SETTLE_MS,
            )
            page.evaluate("() => MathJax.startup.promise")
        except PlaywrightError as exc:
            late.append(f"MathJax did not start: {exc.message.splitlines()[0]}")
    views = page.locator(WIDGET_VIEW).count()
    if views and page.locator(WIDGET_STATE).count():
        try:
            page.wait_for_function(
                "n => document.querySelectorAll('.widget-subarea > *').length >= n",
                arg=views,
                timeout=SETTLE_MS,
            )
        except PlaywrightError as exc:
            late.append(f"widgets not drawn: {exc.message.splitlines()[0]}")
    return late


# --- the checks --------------------------------------------------------------------------


def test_title(visit: Visit) -> None:
    """The page shows its source's first heading as its only h1, and as the document title."""
    h1s = visit.page.evaluate("""() => [...document.querySelectorAll('main h1')]
        .filter(h => !h.closest('.onlyprint'))  // the theme's print-only copy of the title
        .map(h => { const c = h.cloneNode(true);
                    c.querySelectorAll('.headerlink').forEach(a => a.remove());
                    return c.textContent.replace(/\\s+/g, ' ').trim(); })""")
    expected = expected_title(visit.docname)
    assert h1s, f"{visit.docname}: the page has no h1 (expected {expected!r})"
    assert len(h1s) == 1, f"{visit.docname}: one `# ` heading per page expected, found h1s {h1s}"
    if "$" not in expected:
        assert h1s[0] == expected, (
            f"{visit.docname}: h1 is {h1s[0]!r}, the source's heading {expected!r}"
        )
    title = visit.page.title()
    assert title.startswith(h1s[0]), (
        f"{visit.docname}: document title {title!r} does not start with {h1s[0]!r}"
    )


def test_images_load(visit: Visit) -> None:
    """Every <img> has loaded: a natural width above zero."""
    broken = visit.page.evaluate(
        "() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => "
        "i.src)"
    )
    assert not broken, f"{visit.docname}: images that did not load: {broken}"


def test_no_traceback_in_outputs(visit: Visit) -> None:
    """No cell output is an error: no traceback block, no 'Traceback' text."""
    errors = visit.page.locator(
        ".cell_output .traceback, .cell_output .output.error, .output.traceback"
    )
    assert errors.count() == 0, (
        f"{visit.docname}: {errors.count()} error output(s), the first: "
        f"{errors.first.inner_text()[:500]!r}"
    )
    texts = visit.page.locator(".cell_output").all_text_contents()
    hits = [t[:300] for t in texts if "Traceback (most recent call last)" in t]
    assert not hits, f"{visit.docname}: a traceback printed in an output: {hits}"


def test_no_missing_local_file(visit: Visit) -> None:
    """Every request to the local server succeeded (no 4xx/5xx, no failed load)."""
    assert not visit.traffic.local_errors, (
        f"{visit.docname}: missing local files: {visit.traffic.local_errors}"
    )
    assert not visit.traffic.server_errors, (
        f"{visit.docname}: the server answered errors: {visit.traffic.server_errors}"
    )


def test_no_external_request(visit: Visit) -> None:
    """The page asked no other host for anything (scripts, styles, fonts, images...): it works
    offline."""
    assert not visit.traffic.blocked, (
        f"{visit.docname}: requests to other hosts (blocked, the page is not self-contained): "
        f"{visit.traffic.blocked}"
    )


def test_no_script_error(visit: Visit) -> None:
    """No uncaught JavaScript exception on the page."""
    assert not visit.traffic.page_errors, (
        f"{visit.docname}: JavaScript errors: {visit.traffic.page_errors}"
    )


def test_the_console_is_quiet(visit: Visit) -> None:
    """No error in the console, and not the theme's "Got invalid theme mode: . Resetting to
    auto." that every page logged (book_ext gives the theme its mode)."""
    said = [m for m in visit.traffic.console if m.startswith("error:") or "theme mode" in m]
    assert not said, f"{visit.docname}: the console says {said}"


def test_the_issue_link_names_the_page_in_its_edition(visit: Visit) -> None:
    """The "open an issue" link names the page by its path on the site: es/... for a Spanish
    page (the theme named it by its path in its own book, dropping es/)."""
    links = visit.page.evaluate("""() => [...document.querySelectorAll('a[href*="/issues/new"]')]
        .map(a => a.getAttribute('href'))""")
    assert links, f"{visit.docname}: no link to open an issue"
    wrong = [url for url in links if f"%2F{visit.docname}.html" not in url]
    assert not wrong, f"{visit.docname}: issue links that name another page: {wrong}"


@pytest.mark.parametrize(("edition", "query"), [("", "autoencoder"), ("es/", "autocodificador")])
def test_the_search_ranks_the_chapter_named_by_the_query_first(
    edition: str, query: str, browser: Browser, server: Server
) -> None:
    """Chapter 3, whose title names autoencoders, is the first result (chapter 2 was, by its
    short section titles); no snippet begins with the download menu's ".ipynb .pdf"."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{server.url}{edition}search.html?q={query}", wait_until="load")
    page.wait_for_function(
        "() => Search._pulse_status === -1 && document.querySelector('#search-results li')",
        timeout=TIMEOUT_MS,
    )
    page.wait_for_load_state("networkidle")  # the snippets: each result's page, fetched
    results = page.evaluate("""() => [...document.querySelectorAll('#search-results li')]
        .map(li => [li.querySelector('a').getAttribute('href'),
                    (li.querySelector('p.context') || {textContent: ''}).textContent])""")
    context.close()
    first = results[0][0].split("#")[0]
    assert first.endswith("notebooks/03_autoencoders.html"), f"{query}: {results[:4]}"
    snippets = [text.removeprefix("...").lstrip() for _, text in results]
    menu = [text[:40] for text in snippets if text.startswith((".pdf", ".ipynb", ".md", ".py"))]
    assert not menu, f"{query}: snippets that begin with the download menu: {menu}"


def test_math_is_typeset(visit: Visit) -> None:
    """Every math spot was typeset by MathJax, without TeX errors, and no raw TeX is left."""
    spots = visit.page.locator(".math").count()
    if spots:
        assert visit.page.locator("script[src*='mathjax']").count(), (
            f"{visit.docname}: {spots} math spot(s) but MathJax is not loaded"
        )
    raw = visit.page.evaluate("""() => [...document.querySelectorAll('.math')].filter(m => {
        if (!m.querySelector('mjx-container')) return true;
        const c = m.cloneNode(true); c.querySelectorAll('mjx-container').forEach(x => x.remove());
        return /\\\\\\(|\\\\\\[|\\$\\$|\\\\begin/.test(c.textContent);
    }).map(m => m.textContent.slice(0, 120))""")
    assert not raw, f"{visit.docname}: math not typeset by MathJax {visit.late}: {raw}"
    errors = visit.page.locator("mjx-merror").all_text_contents()
    assert not errors, f"{visit.docname}: TeX errors in the math: {errors}"
    stray = visit.page.evaluate("""() => {
        const c = document.querySelector('article, main').cloneNode(true);
        c.querySelectorAll('pre, code, script, style, .math, mjx-container')
         .forEach(x => x.remove());
        return (c.textContent.match(/.{0,40}(\\$\\$|\\\\begin\\{).{0,40}/g) || []);
    }""")
    assert not stray, f"{visit.docname}: raw TeX left in the text (not parsed as math): {stray}"


def test_widgets_are_rendered(visit: Visit) -> None:
    """Every widget output is drawn from the notebook's saved widget state, without an error
    view."""
    views = visit.page.locator(WIDGET_VIEW).count()
    if not views:
        return
    assert visit.page.locator(WIDGET_STATE).count(), (
        f"{visit.docname}: {views} widget output(s) but no saved widget state in the notebook's "
        "metadata (save it: JupyterLab 'Save Widget State Automatically', or execute with nbclient)"
    )
    drawn = visit.page.evaluate(f"""() => [...document.querySelectorAll('{WIDGET_VIEW}')]
      .filter(s => {{
        const area = s.previousElementSibling;
        return area && area.classList.contains('widget-subarea') && area.children.length > 0
            && !area.querySelector('.jupyter-widgets-error-widget');
    }}).length""")
    assert drawn == views, (
        f"{visit.docname}: {views - drawn} of {views} widget(s) not rendered {visit.late}"
    )


CALCULATOR = ".fmnist-size-calculator"  # fmnist_lib.widgets.SizeCalculator, drawn by its JS


def _calculator_settings(box: Any) -> dict[str, Any]:
    """The layer and the slider values that a calculator on the page shows."""
    settings: dict[str, Any] = {"kind": box.locator('[data-setting="kind"]').input_value()}
    for name in ("size", "kernel_size", "stride", "padding", "dilation", "output_padding"):
        settings[name] = int(box.locator(f'[data-setting="{name}"]').input_value())
    return settings


def _formula_size(settings: dict[str, Any]) -> str:
    """fmnist_lib.arithmetic's output size for the settings, as the calculator writes it ("—"
    where the formula refuses them)."""
    s = dict(settings)
    kind = s.pop("kind")
    try:
        if kind == "ConvTranspose2d":
            return str(conv_transpose_output_size(**s))
        s.pop("output_padding")
        if kind == "MaxPool2d":
            return str(pool_output_size(**s))
        return str(conv_output_size(**s))
    except ValueError:
        return "—"


def _press(box: Any, setting: str, key: str, times: int = 1) -> None:
    """Moves a calculator's slider with the keyboard, as a reader can."""
    for _ in range(times):
        box.locator(f'[data-setting="{setting}"]').press(key)


def _shows_the_formulas_size(visit: Visit, box: Any) -> dict[str, Any]:
    """Asserts that the calculator shows arithmetic's size for the settings it shows."""
    settings = _calculator_settings(box)
    shown = box.locator(".fmnist-calc-size").inner_text().strip()
    assert shown == _formula_size(settings), f"{visit.docname}: {settings} shows {shown!r}"
    return settings


def test_static_widgets_do_not_pretend_to_compute(visit: Visit) -> None:
    """What a widget shows after a control is moved is computed on the page: the calculator's
    size is the formula's for the new settings, and PyTorch's check, which needs a kernel, gives
    way to a note saying so; a browser of precomputed views (a dropdown linked to a stack) shows
    another view when another option is chosen."""
    page = visit.page
    assert not page.locator(".fmnist-live-only").count(), "no widget result waits for a kernel"
    for box in page.locator(CALCULATOR).all():
        pytorch = box.locator(".fmnist-calc-pytorch")
        assert pytorch.inner_text().startswith("PyTorch: "), "the saved check is shown at first"
        _press(box, "size", "ArrowRight")
        _shows_the_formulas_size(visit, box)
        note = "e => e.textContent.includes('JupyterLab')"  # once no kernel has answered
        page.wait_for_function(note, arg=pytorch.element_handle())
        assert "JupyterLab" in pytorch.inner_text(), f"{visit.docname}: {pytorch.inner_text()!r}"
    for select in page.locator(".widget-dropdown select").all():
        box = select.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
        stack = box.locator(":scope > .widget-stack, :scope > div:has(img)").first
        if not stack.count() or select.locator("option").count() < 2:
            continue
        first = stack.locator("img:visible").first.get_attribute("src")
        select.select_option(index=1)
        page.wait_for_timeout(200)
        second = stack.locator("img:visible").first.get_attribute("src")
        assert first != second, f"{visit.docname}: the dropdown did not switch the view"


def test_the_calculator_computes_on_the_page(visit: Visit) -> None:
    """Chapter 2 (both editions) has the size calculator; moving its sliders and changing its
    layer on the built page shows the size that fmnist_lib.arithmetic computes."""
    if not visit.docname.endswith("02_convolution_arithmetic"):
        return
    calculators = visit.page.locator(CALCULATOR)
    assert calculators.count() == 1, f"{visit.docname}: {calculators.count()} calculators"
    box = calculators.first
    before = _shows_the_formulas_size(visit, box)
    _press(box, "size", "ArrowLeft", 3)  # D_in 28 -> 25 (the other test may have moved it)
    _press(box, "kernel_size", "ArrowRight", 2)  # K 3 -> 5
    _press(box, "stride", "ArrowRight")  # S 1 -> 2
    after = _shows_the_formulas_size(visit, box)
    assert after["kernel_size"] == before["kernel_size"] + 2 and after["stride"] == 2
    box.locator('[data-setting="kind"]').select_option("ConvTranspose2d")
    _press(box, "output_padding", "ArrowRight")  # P_out 0 -> 1: a transposed convolution's
    settings = _shows_the_formulas_size(visit, box)
    assert settings["kind"] == "ConvTranspose2d" and settings["output_padding"] == 1
    box.locator('[data-setting="kind"]').select_option("MaxPool2d")
    _press(box, "padding", "ArrowRight", 3)  # P = 3 > K/2: no pooling layer has that
    assert _shows_the_formulas_size(visit, box)["padding"] == 3
    assert box.locator(".fmnist-calc-size").inner_text() == "—"


def test_a_quiz_answers_on_the_page(visit: Visit) -> None:
    """A quiz page (both editions, the chapters' and the final one) draws each question of its
    quiz (fmnist_lib.quiz); choosing an answer shows that answer's explanation, marked right or
    wrong."""
    found = re.fullmatch(r"(es/)?notebooks/quizzes/(\d\d|final)_quiz", visit.docname)
    if found is None:
        return
    name = found.group(2)  # a chapter's number, or the final quiz over the course
    questions = quiz.load(
        name if name == quiz.FINAL else int(name), "es" if found.group(1) else "en"
    )
    drawn = visit.page.locator(".Quiz")
    drawn.first.wait_for()
    assert drawn.count() == len(questions), f"{visit.docname}: {drawn.count()} questions drawn"
    first = drawn.first
    text = lambda html: re.sub(r"<[^>]+>", "", html)  # the page shows <code> as its text
    feedback = {text(a["answer"]): text(a["feedback"]) for a in questions[0]["answers"]}
    for correct, mark in (("false", "incorrect"), ("true", "correct")):
        button = first.locator(f'.MCButton[data-correct="{correct}"]').first
        button.click()
        shown = first.locator(f".Feedback.{mark}")
        assert shown.inner_text().strip() == feedback[button.inner_text().strip()], (
            f"{visit.docname}: choosing {button.inner_text()!r} does not explain it"
        )
    visit.page.wait_for_timeout(1_000)  # the chosen answer's colour fades in (0.8 s)


def test_no_test_scaffolding_on_the_page(visit: Visit) -> None:
    """Test markers live in cell tags, not in the code a reader sees."""
    text = visit.page.locator("main").inner_text()
    assert "NBVAL" not in text, f"{visit.docname}: an nbval marker is visible"


def test_images_say_what_they_show(visit: Visit) -> None:
    """Every image of the page's content (the article, not the theme's buttons) has alt text of a
    few words, not a file name."""
    images = visit.page.evaluate("""() => [...document.querySelectorAll('article img')]
        .map(i => [i.getAttribute('src'), i.getAttribute('alt') || ''])""")
    bad = [
        (src, alt)
        for src, alt in images
        if len(alt.split()) < 3 or re.search(r"\.(png|svg|jpe?g)$|^[0-9a-f]{16,}", alt)
    ]
    assert not bad, f"{visit.docname}: images without a description (src, alt): {bad}"


def test_no_serious_accessibility_violation(visit: Visit) -> None:
    """axe-core finds no critical, serious or moderate violation on the page (moderate: the
    sidebar's title was outside a landmark), nor an empty table header (a minor one that
    pandas' tables had on every chapter)."""
    assert AXE.exists(), f"{AXE} is missing: run `make book` (it installs package.json)"
    visit.page.add_script_tag(path=str(AXE))
    violations = visit.page.evaluate("""async () => (await axe.run(document,
        {resultTypes: ['violations']})).violations
        .filter(v => ['critical', 'serious', 'moderate'].includes(v.impact)
                     || v.id === 'empty-table-header')
        .map(v => `${v.impact} ${v.id} (${v.nodes.length}): ` +
                  v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))""")
    assert not violations, f"{visit.docname}: axe-core: {violations}"


def test_nothing_is_cut_off_or_too_wide(visit: Visit, browser: Browser, server: Server) -> None:
    """At desktop and phone widths: no content cut off by its box, no scrolling box without a
    visible scrollbar, no page wider than the window (book_checks/overflow.js). In a page of its
    own: Playwright hides the scrollbars of a page it has taken a full-page screenshot of."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(server.url + html_path(visit.docname), wait_until="load")
    settle(page)
    problems = {}
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.wait_for_timeout(300)
        if found := page.evaluate(OVERFLOW_JS):
            problems[size["width"]] = found
    context.close()
    assert not problems, f"{visit.docname}: overflowing content at widths {problems}"


LAPTOP = {"width": 1366, "height": 768}
#: A heading that names a test metric: "test MSE", "linear probe, test accuracy", "evidence
#: (test metric, ...)"; in Spanish "MSE de prueba", "exactitud de prueba". Not the claims table's
#: "test" / "prueba" (the statistical test), nor "tested epoch".
TEST_METRIC = r"\btest\s+\S|\bde prueba\b"
HIDDEN_TEST_METRICS = """pattern => [...document.querySelectorAll('article table')].flatMap(t => {
    let box = t.parentElement;  // the scrolling box the table lives in, else the window
    while (box !== document.body && !['auto', 'scroll', 'hidden']
           .includes(getComputedStyle(box).overflowX)) box = box.parentElement;
    const right = Math.min(box.getBoundingClientRect().right, innerWidth);
    return [...t.querySelectorAll('thead th')]
        .filter(h => new RegExp(pattern, 'i').test(h.textContent))
        .map(h => [h.textContent.trim(), Math.round(h.getBoundingClientRect().right - right)]);
}).filter(([, past]) => past > 1)"""
WIDE_OUTPUTS = """() => [...document.querySelectorAll('article .cell_output pre')]
    .filter(p => p.clientWidth > 0 && p.scrollWidth > p.clientWidth + 1)
    .map(p => `${p.scrollWidth} px in ${p.clientWidth}: ${p.textContent.trim().slice(0, 60)}`)"""

#: A code block whose lines fit the course's limit (88 characters: ruff's line length for the
#: chapters) but still scrolls sideways: the column is too narrow for the code's font.
WIDE_CODE = """(limit) => [...document.querySelectorAll('article div.highlight pre')]
    .filter(p => p.clientWidth > 0 && p.scrollWidth > p.clientWidth + 1)
    .filter(p => Math.max(...p.textContent.split('\\n').map(l => l.length)) <= limit)
    .map(p => `${p.scrollWidth} px in ${p.clientWidth}: ${p.textContent.trim().slice(0, 60)}`)"""
CODE_LINE_LIMIT = 88


def at_laptop_width(page: Page, script: str, arg: Any = None) -> Any:
    """What ``script`` finds on the page in a 1366 px window (a common laptop's); the page is
    given back at its own width."""
    page.set_viewport_size(LAPTOP)
    page.wait_for_timeout(300)
    try:
        return page.evaluate(script, arg)
    finally:
        page.set_viewport_size(DESKTOP)


def test_no_table_hides_a_test_metric_on_a_laptop(visit: Visit) -> None:
    """At 1366 px, every table column headed by a test metric ends inside the table's visible
    box: a results table shows its test metric without scrolling (chapter 4's test accuracy,
    among its last columns, ended 53 px past its box; the Spanish report's Table II, 31 px)."""
    hidden = at_laptop_width(visit.page, HIDDEN_TEST_METRICS, TEST_METRIC)
    where = "test metrics past their box's visible edge (heading, px)"
    assert not hidden, f"{visit.docname}: {where}: {hidden}"


def test_printed_outputs_wrap_on_a_laptop(visit: Visit) -> None:
    """At 1366 px, no printed output (text, a message, an error) is wider than its column: long
    lines wrap (book_ext/static/fmnist.css) instead of scrolling sideways."""
    wide = at_laptop_width(visit.page, WIDE_OUTPUTS)
    assert not wide, f"{visit.docname}: {len(wide)} output(s) scroll sideways: {wide[:3]}"


def test_code_of_88_characters_fits_on_a_laptop(visit: Visit) -> None:
    """At 1366 px, a code cell whose lines are at most 88 characters (the chapters' limit) fits
    its column without scrolling (book_ext/static/fmnist.css sets the code's font for it:
    at the theme's 14 px, 735 px held 87 characters; a solution's box is 723 px)."""
    wide = at_laptop_width(visit.page, WIDE_CODE, CODE_LINE_LIMIT)
    assert not wide, f"{visit.docname}: {len(wide)} code block(s) scroll sideways: {wide[:3]}"


def test_a_test_metric_heading_is_told_from_a_statistical_test() -> None:
    """The headings TEST_METRIC finds, and those it leaves alone (no book needed)."""
    metric = re.compile(TEST_METRIC, re.IGNORECASE)
    found = ["test MSE", "linear probe, test accuracy", "test accuracy (ours)",
             "evidence (test metric, mean ± std over seeds)", "MSE de prueba",
             "sonda lineal, exactitud de prueba", "exactitud de prueba (nuestra)"]  # fmt: skip
    left = ["test", "prueba", "val accuracy (tested epoch)", "model", "época evaluada"]
    assert all(metric.search(h) for h in found)
    assert not any(metric.search(h) for h in left)


#: The chapters whose results tables (``experiments.results_table``: the model, then its test
#: metric over seeds as mean ± sd) must fit a phone's column, both editions.
RESULTS_TABLE_PAGES = tuple(
    f"{edition}{page}"
    for page in ("notebooks/03_autoencoders", "notebooks/04_classifiers")
    for edition in ("", "es/")
)
#: Each results table on the page (a heading "(mean ± sd)" or "(media ± d. e.)"): its heading and
#: how far, in px, its right edge passes the visible edge of the box it scrolls in.
RESULTS_TABLES = r"""() => [...document.querySelectorAll('article table')]
    .filter(t => /\((mean ± sd|media ± d\. e\.)\)/.test(t.querySelector('thead')?.textContent))
    .map(t => {
        let box = t.parentElement;
        while (box !== document.body && !['auto', 'scroll', 'hidden']
               .includes(getComputedStyle(box).overflowX)) box = box.parentElement;
        const right = Math.min(box.getBoundingClientRect().right, innerWidth);
        return [t.querySelector('thead th:nth-child(2)').textContent.trim(),
                Math.round(t.getBoundingClientRect().right - right)];
    })"""


@pytest.mark.parametrize("docname", RESULTS_TABLE_PAGES)
def test_a_results_table_fits_a_phone(docname: str, browser: Browser, server: Server) -> None:
    """At 390 px, the chapter's results table (model, test metric as mean ± sd over seeds, seeds)
    shows all its columns without scrolling (chapter 3's 14-column table hid 64% on a phone)."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(server.url + html_path(docname), wait_until="load")
    settle(page)
    tables = page.evaluate(RESULTS_TABLES)
    context.close()
    assert tables, f"{docname}: no results table (a heading with mean ± sd) on the page"
    assert all(past <= 1 for _, past in tables), f"{docname}: past the column (px): {tables}"


#: The pages whose figures carry the size of their smallest text: a chapter's outputs drawn by
#: ``plots.figure_png`` since it records ``smallest_text_px`` (its metadata), the report's figures
#: written by ``plots.png_bytes`` since it writes that size into the PNG. A page joins when it is
#: re-executed (a chapter) or regenerated (the report), its Spanish twin too (es/...).
FIGURES_CHECKED: tuple[str, ...] = tuple(
    f"{edition}{page}"
    for page in (
        "notebooks/01_data",
        "notebooks/02_convolution_arithmetic",
        "notebooks/03_autoencoders",
        "notebooks/04_classifiers",
        "notebooks/05_transfer_learning",
        "notebooks/06_gradients",
        "report",
    )
    for edition in ("", "es/")
)
ARTICLE_IMAGES = """() => [...document.querySelectorAll('article img')]
    .map(i => [i.src, i.getBoundingClientRect().width])"""


def recorded_figures(docname: str) -> dict[str, dict[str, Any]]:
    """{an image's name: its output's image/png metadata} for a notebook page's figures
    (book_ext.image_outputs); {} for other pages."""
    source = source_of(docname)
    return book_ext.image_outputs(source) if source.suffix == ".ipynb" else {}


def figure_record(image: Path, recorded: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """What a built image says of its display: its notebook output's metadata (by the image's
    name), or what its PNG file says (``plots.shown_size``: the report's figures; {} for a PNG
    that says nothing, which the check then reports); None for an image that is not one of the
    course's figures (a badge, a logo: SVG files; an image with no file, a widget's)."""
    if image.stem in recorded:
        return recorded[image.stem]
    if image.suffix == ".png" and image.is_file():
        return plots.shown_size(image.read_bytes())
    return None


def figure_text_problems(
    shown: list[tuple[Path, float]], recorded: dict[str, dict[str, Any]]
) -> list[str]:
    """For each image shown (the built file, its rendered CSS width): its smallest text as
    rendered, the recorded size scaled by the rendered width over the stored one; what is below
    ``plots.MIN_TEXT_PX``, or a figure that records no size, is a problem."""
    problems = []
    for image, rendered in shown:
        record = figure_record(image, recorded)
        if record is None or rendered <= 0:  # not a figure, or hidden (a folded output)
            continue
        if "smallest_text_px" not in record or not record.get("width"):
            problems.append(f"{image.name}: no smallest_text_px recorded (drawn before it was)")
            continue
        if record["smallest_text_px"] is None:  # a figure without text
            continue
        px = record["smallest_text_px"] * rendered / record["width"]
        if px < plots.MIN_TEXT_PX:
            problems.append(f"{image.name}: text {px:.1f} px high at {rendered:.0f} px wide")
    return problems


@pytest.mark.parametrize("docname", FIGURES_CHECKED)
def test_figure_text_is_readable_on_a_phone(docname: str, browser: Browser, server: Server) -> None:
    """At a phone's width (390 px) and a desktop's (1280 px), each figure's smallest text, from
    the size it was drawn with and the width it is shown at, is at least ``plots.MIN_TEXT_PX``
    high."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(server.url + html_path(docname), wait_until="load")
    settle(page)
    recorded, problems = recorded_figures(docname), {}
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.wait_for_timeout(300)
        shown = [(HTML / unquote(urlsplit(src).path).lstrip("/"), width)
                 for src, width in page.evaluate(ARTICLE_IMAGES)]  # fmt: skip
        if found := figure_text_problems(shown, recorded):
            problems[size["width"]] = found
    context.close()
    assert not problems, f"{docname}: figure text below {plots.MIN_TEXT_PX} px: {problems}"


def test_figure_text_is_measured_from_the_recorded_size(tmp_path: Path) -> None:
    """The measure alone (no book needed): the recorded size scales with the rendered width; a
    figure without a record fails, an image that is no figure (or is hidden) is left alone."""
    recorded = {
        "a" * 64: {"width": 425, "smallest_text_px": 8.89},  # drawn for the column
        "b" * 64: {"width": 880, "smallest_text_px": 8.89},  # 11 inches wide, 8-point text
        "c" * 64: {"width": 500, "alt": "drawn before the size was recorded"},
        "d" * 64: {"width": 900, "smallest_text_px": None},  # no text at all
    }
    image = {name: tmp_path / f"{name}.png" for name in recorded}
    assert figure_text_problems([(image["a" * 64], 343.0)], recorded) == []  # 7.2 px
    assert figure_text_problems([(image["b" * 64], 880.0)], recorded) == []  # its own size
    (wide,) = figure_text_problems([(image["b" * 64], 343.0)], recorded)
    assert "text 3.5 px high at 343 px wide" in wide
    (unknown,) = figure_text_problems([(image["c" * 64], 343.0)], recorded)
    assert "no smallest_text_px" in unknown
    assert figure_text_problems([(image["d" * 64], 343.0)], recorded) == []
    assert figure_text_problems([(image["b" * 64], 0.0), (tmp_path / "logo.svg", 10.0)], {}) == []
    fig = plt.figure(figsize=(11, 3))
    fig.add_subplot().set_title("8 points", fontsize=8)
    (tmp_path / "report.png").write_bytes(plots.png_bytes(fig))  # the report's: the file says
    (report,) = figure_text_problems([(tmp_path / "report.png", 343.0)], {})
    assert "report.png: text" in report
    fig = plt.figure(figsize=(3, 2))
    fig.savefig(tmp_path / "plain.png")  # drawn at 1x, before png_bytes wrote its size
    plt.close(fig)
    (plain,) = figure_text_problems([(tmp_path / "plain.png", 300.0)], {})
    assert "plain.png: no smallest_text_px" in plain


SIDEBARS = {"primary": ".bd-sidebar-primary", "secondary": ".bd-sidebar-secondary"}
IN_VIEW = """sel => { const e = document.querySelector(sel), r = e.getBoundingClientRect(),
    s = getComputedStyle(e);
    return r.width > 0 && r.right > 1 && r.left < innerWidth - 1 && s.visibility !== 'hidden'
        && s.display !== 'none'; }"""


@pytest.mark.parametrize("width", [390, 800, 1366])
def test_the_navigation_toggles_open_the_sidebars(
    width: int, browser: Browser, server: Server
) -> None:
    """On a chapter page, each visible sidebar toggle shows its sidebar when it was hidden (phone,
    tablet) and hides it when it was shown (the table of contents on a desktop)."""
    docname = book_pages()[1]
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(server.url + html_path(docname), wait_until="load")
    clicked = []
    for which, sidebar in SIDEBARS.items():
        toggle = page.locator(f"button.{which}-toggle:visible")
        if not toggle.count():
            assert page.evaluate(IN_VIEW, sidebar), f"{width}px: no {which} toggle, no sidebar"
            continue
        assert toggle.count() == 1, f"{width}px: {toggle.count()} visible {which} toggles"
        before = page.evaluate(IN_VIEW, sidebar)
        toggle.click()
        page.wait_for_timeout(600)  # the sidebar slides in
        page.screenshot(path=SCREENSHOTS / f"nav-{width}-{which}.png")
        assert page.evaluate(IN_VIEW, sidebar) != before, (
            f"{width}px: clicking the {which} toggle did not "
            f"{'hide' if before else 'show'} the {which} sidebar"
        )
        clicked.append(which)
        page.keyboard.press("Escape")
        page.reload()
    context.close()
    assert width > 1200 or "primary" in clicked, f"{width}px: no visible table-of-contents toggle"


def test_large_scripts_do_not_block_the_first_paint(visit: Visit) -> None:
    """A script of more than 500 kB (the widgets' embed manager) is loaded async or deferred."""
    blocking = visit.page.evaluate("""() => {
        const size = Object.fromEntries(performance.getEntriesByType('resource')
            .map(r => [r.name, r.decodedBodySize]));
        return [...document.querySelectorAll('script[src]')]
            .filter(s => !s.async && !s.defer && (size[s.src] || 0) > 500e3)
            .map(s => `${s.getAttribute('src')} (${Math.round(size[s.src] / 1e3)} kB)`);
    }""")
    assert not blocking, f"{visit.docname}: large scripts that block the first paint: {blocking}"


def test_a_notebook_page_offers_its_notebook_and_its_script(visit: Visit) -> None:
    """The download menu's files are served; a chapter offers both its .ipynb and its .py twin."""
    links = visit.page.evaluate("""() => [...document.querySelectorAll(
        '.dropdown-download-buttons a[href]')].map(a => a.href)""")
    missing = [url for url in links if not visit.page.request.get(url).ok]
    assert not missing, f"{visit.docname}: download links that are not served: {missing}"
    if source_of(visit.docname).suffix == ".ipynb":
        suffixes = {Path(urlsplit(url).path).suffix for url in links}
        assert {".ipynb", ".py"} <= suffixes, f"{visit.docname}: downloads offered: {links}"


def test_a_page_links_to_itself_in_the_other_edition(visit: Visit) -> None:
    """Every page that exists in both editions links to its counterpart (of the same name, or
    its twin's: book_ext's TWIN_PAGES), which is served and links back."""
    spanish = visit.docname.startswith("es/")
    name = book_ext.twin_name(visit.docname.removeprefix("es/"), "es" if spanish else "en")
    other = name if spanish else f"es/{name}"
    try:
        source_of(other)
    except FileNotFoundError:
        return  # a page of one edition only
    link = visit.page.locator("p.fmnist-edition a")
    assert link.count() == 1, f"{visit.docname}: no link to {other}"
    url = link.get_attribute("href")
    target = urlsplit(visit.page.url)._replace(path="").geturl()
    resolved = visit.page.evaluate("u => new URL(u, document.baseURI).href", url)
    assert resolved == f"{target}/{html_path(other)}", f"{visit.docname}: {url} is not {other}"
    assert visit.page.request.get(resolved).ok, f"{visit.docname}: {resolved} is not served"
