"""The release this library belongs to and where it is published: what a pip-installed copy
(on Colab, no checkout) needs to find the repository's files.

The book's ``_config.yml`` is where authors edit the repository's address (``repository.url``)
and the release the launch buttons open (``repository.branch``, the tag ``v<version>``); this
module carries a copy for the installed package, and ``tests/test_release.py`` checks that it,
``_config.yml`` and every notebook's install cell agree.
"""

from __future__ import annotations

from .. import __version__

#: The repository on GitHub: ``_config.yml``'s ``repository.url``.
REPOSITORY_URL = "https://github.com/fmnist-course/fmnist-course"
#: The git tag of this release: ``_config.yml``'s ``repository.branch``.
RELEASE = f"v{__version__}"
#: What every notebook's setup cell installs on Colab: this very release.
INSTALL_REQUIREMENT = f"fmnist-lib @ git+{REPOSITORY_URL}@{RELEASE}"


def raw_files_url(release: str = RELEASE) -> str:
    """Where GitHub serves the repository's files at ``release``:
    ``https://raw.githubusercontent.com/<owner>/<repo>/<release>``."""
    owner_repo = REPOSITORY_URL.removeprefix("https://github.com/").strip("/")
    return f"https://raw.githubusercontent.com/{owner_repo}/{release}"
