"""A local Sphinx extension for the course's book (loaded by _config.yml: sphinx.local_extensions).

1. Sphinx 7.4 writes twice every inline script that an extension registers after the builder
starts (the registry holds it with filename None, the re-registration before writing uses '',
and the two no longer compare equal). sphinx-thebe's `const THEBE_JS_URL = ...` then throws
"Identifier 'THEBE_JS_URL' has already been declared" on every page. Each page keeps one copy.

2. Accessibility fixes that axe-core asks for (book_checks/test_browser.py runs it on every page):
   names that contain the visible text (myst-nb's "Toggle hidden content" on a summary that shows
   "Show code cell source"; the search button, in templates/search-button-field.html) and the
   bibliography's entries as list items (docutils writes role="list" with "doc-biblioentry"
   children, which that role does not allow), and the empty corner of pandas' tables as a cell
   (an empty header names nothing).

3. Alt text for the notebooks' figures: the library describes each figure it draws
   (fmnist_lib.plots.describe) and the notebook keeps that description in the output's metadata
   (image/png: alt). myst-nb names the image after its bytes' sha256 but keeps only width and
   height; `figures_alt_text` gives each image its description, and warns (an error under -W)
   about a figure that has none.

4. Downloads: a notebook page offers its jupytext twin (.py) beside the .ipynb.

5. Search, theme, issue links: the search ranks a page whose title names the query first and
   keeps the header buttons out of its snippets (search-scorer.js); the theme's mode is given
   (else every page logs "Got invalid theme mode"); a Spanish page's "open an issue" link names
   its path under es/.

6. Editions: the English book (the repository's root) and the Spanish one (es/, built into
   _build/html/es/) link every page to its counterpart in the other language, when it has one
   (config value fmnist_edition: "en" or "es"). A page has the same name in both editions, except
   those in TWIN_PAGES (the glossary, the notation page, what next, the capstone), named in each
   language.

7. The open-in-Colab badge: each notebook's first cell shows Colab's badge image, which the lab
   and Colab fetch from Colab; the book is self-contained (book_checks/test_browser.py blocks
   every other host), so its pages show a local drawing of the badge in the edition's language
   (static/colab-badge.svg, colab-badge-es.svg), the link unchanged.

8. The report's figures at the chapters' size: `fmnist_lib.plots.png_bytes` draws them at twice
   their pixels and writes in the file the width to show them at (a PNG text chunk,
   SHOWN_WIDTH); `figures_at_their_size` gives such an image that width, as myst-nb gives the
   notebooks' figures the width of their output's metadata.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from PIL import Image
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _script_key(script: Any) -> tuple[Any, ...]:
    """What makes two <script> entries the same tag: source (None == ''), priority, attributes."""
    if isinstance(script, str):
        return (script,)
    return (script.filename or "", script.priority, tuple(sorted(script.attributes.items())))


def dedupe_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Keeps the first of every duplicated script of the page, in order."""
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen: set[tuple[Any, ...]] = set()
    unique = []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


# (what the page's HTML says, what it should say)
BODY_FIXES = [
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
    ('role="doc-biblioentry"', 'role="listitem"'),
    ("<th></th>", "<td></td>"),  # pandas' empty corner above the index: a cell, not a header
    # a wide table scrolls inside its container: keyboard users must be able to reach it
    (
        '<div class="pst-scrollable-table-container">',
        '<div class="pst-scrollable-table-container" tabindex="0">',
    ),
]


def accessible_body(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Applies BODY_FIXES to the page's body."""
    body = context.get("body")
    if isinstance(body, str):
        for before, after in BODY_FIXES:
            body = body.replace(before, after)
        context["body"] = body


COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"


def local_colab_badge(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The page's Colab badge image from the book's own static files, not from Colab."""
    body = context.get("body")
    if isinstance(body, str) and COLAB_BADGE in body:
        suffix = "" if app.config.fmnist_edition == "en" else f"-{app.config.fmnist_edition}"
        local = context["pathto"](f"_static/colab-badge{suffix}.svg", 1)
        context["body"] = body.replace(f'src="{COLAB_BADGE}"', f'src="{local}"')


def image_outputs(notebook: Path) -> dict[str, dict[str, Any]]:
    """{sha256 of an image output's bytes (myst-nb's name for its file): its image/png
    metadata} for the notebook's PNG outputs."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    found = {}
    for output in (o for c in cells for o in c.get("outputs", [])):
        if png := output.get("data", {}).get("image/png"):
            metadata = output.get("metadata", {}).get("image/png", {})
            found[hashlib.sha256(base64.b64decode("".join(png))).hexdigest()] = metadata
    return found


def described_outputs(notebook: Path) -> dict[str, str]:
    """{sha256 of an image output's bytes: its alt text} for the notebook's described PNGs."""
    return {name: m["alt"] for name, m in image_outputs(notebook).items() if m.get("alt")}


def figures_alt_text(app: Sphinx, doctree: nodes.document) -> None:
    """Each notebook image gets the description stored with its output; one without is
    reported (the build fails under -W)."""
    source = Path(app.env.doc2path(app.env.docname))
    if source.suffix != ".ipynb":
        return
    alts = described_outputs(source)
    for image in doctree.findall(nodes.image):
        name = Path(image["uri"]).stem
        if name in alts:
            image["alt"] = alts[name]
        elif len(name) == 64 and not image.get("alt"):
            logger.warning(
                f"{source.name}: a figure has no description (alt text): draw it with "
                "fmnist_lib.plots or call plots.describe(fig, ...) in its cell",
                location=image,
            )


#: The PNG text chunk in which fmnist_lib.plots.png_bytes writes a figure's width (CSS px).
SHOWN_WIDTH = "fmnist:width"


def shown_width(path: Path) -> int | None:
    """The width (CSS px) that a PNG written by ``plots.png_bytes`` asks to be shown at."""
    if path.suffix.lower() != ".png" or not path.is_file():
        return None
    with Image.open(path) as image:
        width = getattr(image, "text", {}).get(SHOWN_WIDTH)
    return round(float(width)) if width else None


def figures_at_their_size(app: Sphinx, doctree: nodes.document) -> None:
    """An image whose PNG asks for a width (the report's figures) is shown at that width."""
    here = Path(app.env.doc2path(app.env.docname)).parent
    for image in doctree.findall(nodes.image):
        uri = image.get("uri", "")
        if "://" in uri or image.get("width"):
            continue
        for path in (Path(app.srcdir) / uri, here / uri):
            if (width := shown_width(path)) is not None:
                image["width"] = f"{width}px"
                break


def script_twin(app: Sphinx, docname: str) -> Path | None:
    """The .py twin of a notebook page, if it has one."""
    source = Path(app.env.doc2path(docname))
    twin = source.with_suffix(".py")
    return twin if source.suffix == ".ipynb" and twin.exists() else None


def offer_script_download(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Adds the .py twin to the page's download menu, after the .ipynb."""
    if pagename not in app.env.all_docs or script_twin(app, pagename) is None:
        return
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].insert(1, {
                "type": "link", "text": ".py", "icon": "fas fa-code",
                "url": f"{context['pathto']('_sources', 1)}/{pagename}.py",
                "tooltip": "Download the notebook as a Python script (jupytext's percent format)",
                "label": "download-script-button",
            })  # fmt: skip


def copy_script_twins(app: Sphinx, exception: Exception | None) -> None:
    """Puts each notebook's .py twin in _sources/, where its download link points."""
    if exception is not None or app.builder.format != "html":
        return
    for docname in app.env.all_docs:
        if (twin := script_twin(app, docname)) is not None:
            target = Path(app.outdir) / "_sources" / f"{docname}.py"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(twin, target)


EDITIONS = {  # edition: (the other edition, its link text, that language's code)
    "en": ("es", "Leer en español", "es"),
    "es": ("en", "Read in English", "en"),
}
TWIN_PAGES = {  # en: es
    "glossary": "glosario",
    "notation": "notacion",
    "next": "siguiente",
    "capstone": "proyecto",
}


def twin_name(pagename: str, edition: str) -> str:
    """The name, in the other edition, of the page ``pagename`` of ``edition``."""
    names = TWIN_PAGES if edition == "en" else {es: en for en, es in TWIN_PAGES.items()}
    return names.get(pagename, pagename)


def counterpart(app: Sphinx, pagename: str) -> str | None:
    """The relative URL of this page in the other edition, if that edition has the page."""
    srcdir, edition = Path(app.srcdir), app.config.fmnist_edition
    other_root = srcdir / "es" if edition == "en" else srcdir.parent
    twin = twin_name(pagename, edition)
    if not any((other_root / f"{twin}{s}").exists() for s in (".md", ".ipynb")):
        return None
    up = "../" * (pagename.count("/") + (1 if edition == "es" else 0))
    return f"{up}{'es/' if edition == 'en' else ''}{twin}.html"


def link_to_other_edition(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """A link above the page's title to the same page in the other language."""
    url = counterpart(app, pagename)
    body = context.get("body")
    if url is None or not isinstance(body, str):
        return
    _, text, lang = EDITIONS[app.config.fmnist_edition]
    link = (f'<p class="fmnist-edition"><a href="{url}" hreflang="{lang}" lang="{lang}">'
            f"{text}</a></p>\n")  # fmt: skip
    context["body"] = link + body


def add_templates_and_styles(app: Sphinx, config: Any) -> None:
    """Our templates (book_ext/templates) come before the theme's; our stylesheet
    (static/fmnist.css: narrow screens, visible scrollbars) comes after the theme's; our search
    scorer (search-scorer.js) replaces Sphinx's. The theme's mode is ``auto`` (follow the
    reader's system), said explicitly: left empty, the theme logged "Got invalid theme mode"."""
    here = Path(__file__).parent
    config.templates_path.insert(0, str(here / "templates"))
    config.html_static_path.append(str(here / "static"))
    config.html_search_scorer = str(here / "search-scorer.js")
    config.html_context.setdefault("default_mode", "auto")  # pydata-sphinx-theme reads it there
    app.add_css_file("fmnist.css")


def issue_link_in_the_edition(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The theme's "open an issue" link names the page by its path in its own book; a page of
    the Spanish book lives under es/ on the site, so its link says es/ too."""
    if app.config.fmnist_edition == "en":
        return
    page = f"%2F{pagename}.html"
    for item in context.get("header_buttons", []):  # a button, or a dropdown of buttons
        for button in [item, *item.get("buttons", [])]:
            if button.get("label") == "source-issues-button":
                button["url"] = button["url"].replace(page, f"%2F{app.config.fmnist_edition}/"
                                                      f"{pagename}.html")  # fmt: skip


def setup(app: Sphinx) -> dict[str, Any]:
    """Runs after the other extensions have added the page's scripts (priority 900)."""
    app.connect("config-inited", add_templates_and_styles)
    app.connect("doctree-read", figures_alt_text)
    app.connect("doctree-read", figures_at_their_size)
    app.connect("html-page-context", offer_script_download, priority=900)
    app.connect("build-finished", copy_script_twins)
    app.add_config_value("fmnist_edition", "en", "html")
    app.connect("html-page-context", link_to_other_edition, priority=910)
    app.connect("html-page-context", dedupe_scripts, priority=900)
    app.connect("html-page-context", accessible_body, priority=900)
    app.connect("html-page-context", issue_link_in_the_edition, priority=900)
    app.connect("html-page-context", local_colab_badge, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
