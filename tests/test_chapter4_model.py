"""Chapter 4's own classifier (the ``nn.Module`` a student reads and changes) is the library's:
the same parameter names and shapes, and the same logits for the same weights, in both
editions."""

from pathlib import Path

import jupytext
import pytest
import torch
from torch import nn

from fmnist_lib import models

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = [
    ROOT / "notebooks" / "04_classifiers.py",
    ROOT / "es" / "notebooks" / "04_classifiers.py",
]
DEFINITION = "class RaschkaClassifier(nn.Module)"


def chapter_class(script: Path) -> type[nn.Module]:
    """The class the chapter defines, from the source of its one cell that defines it (with the
    names the chapter's first cell imports)."""
    cells = [c.source for c in jupytext.read(script).cells if c.cell_type == "code"]
    defining = [s for s in cells if DEFINITION in s]
    assert len(defining) == 1, f"{script.name}: one cell defines the classifier"
    namespace: dict[str, object] = {"torch": torch, "nn": nn}
    exec(defining[0], namespace)
    return namespace["RaschkaClassifier"]  # type: ignore[return-value]


@pytest.mark.parametrize("script", EDITIONS, ids=["en", "es"])
@pytest.mark.parametrize("hidden_size", [10, 64])
def test_the_chapters_classifier_is_the_librarys(script, hidden_size):
    chapter = chapter_class(script)(hidden_size=hidden_size, dropout=0.8)
    library = models.RaschkaClassifier(hidden_size=hidden_size, dropout=0.8)
    shapes = {k: v.shape for k, v in chapter.state_dict().items()}
    assert shapes == {k: v.shape for k, v in library.state_dict().items()}
    chapter.load_state_dict(library.state_dict())
    images = torch.rand(6, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        torch.testing.assert_close(chapter.eval()(images), library.eval()(images))
        # in training mode too: the same layers draw the same dropout masks from the same seed
        torch.manual_seed(1)
        trained_chapter = chapter.train()(images)
        torch.manual_seed(1)
        torch.testing.assert_close(trained_chapter, library.train()(images))


def test_the_check_can_fail():
    """A class that differs from the library's (another width) is caught."""
    cell = next(c.source for c in jupytext.read(EDITIONS[0]).cells if DEFINITION in c.source)
    narrower = cell.replace("nn.Conv2d(1, 32,", "nn.Conv2d(1, 16,").replace("(32, 64,", "(16, 64,")
    assert narrower != cell
    namespace: dict[str, object] = {"torch": torch, "nn": nn}
    exec(narrower, namespace)
    changed = namespace["RaschkaClassifier"]()  # type: ignore[operator]
    library = models.RaschkaClassifier()
    assert {k: v.shape for k, v in changed.state_dict().items()} != {
        k: v.shape for k, v in library.state_dict().items()
    }
