"""A local Sphinx extension for the course's book (loaded by _config.yml: sphinx.local_extensions).

Sphinx 7.4 writes twice every inline script that an extension registers after the builder
starts (the registry holds it with filename None, the re-registration before writing uses '',
and the two no longer compare equal). sphinx-thebe's `const THEBE_JS_URL = ...` then throws
"Identifier 'THEBE_JS_URL' has already been declared" on every page. Each page keeps one copy.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


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


def setup(app: Sphinx) -> dict[str, Any]:
    """Runs after the other extensions have added the page's scripts (priority 900)."""
    app.connect("html-page-context", dedupe_scripts, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
