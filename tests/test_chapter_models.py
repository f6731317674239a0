"""The models a chapter writes out as classes are the library's models: the class is taken from
the chapter's own code cell (both editions), so the test fails as soon as the two drift apart."""

import json
import re
from pathlib import Path

import pytest
import torch
from torch import nn

from fmnist_lib import models

ROOT = Path(__file__).resolve().parent.parent
#: a case: (chapter, the class written in the chapter, the library's model, the code size)
WRITTEN = {
    "03-Raschka-64": ("03_autoencoders", "Raschka", models.RaschkaAutoencoder, 64),
    "03-Raschka-128": ("03_autoencoders", "Raschka", models.RaschkaAutoencoder, 128),
    "03-Consigna-128": ("03_autoencoders", "Consigna", models.ConsignaAutoencoder, 128),
}
EDITIONS = (ROOT / "notebooks", ROOT / "es" / "notebooks")


def written_class(notebook: Path, name: str) -> type[nn.Module]:
    """Class ``name`` as the notebook's code cell that defines it builds it (the cell is run)."""
    cells = json.loads(notebook.read_text())["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    defining = [s for s in sources if re.search(rf"^class {name}\(nn\.Module\):", s, re.M)]
    assert len(defining) == 1, f"{notebook.name}: one code cell defines {name}, not {len(defining)}"
    namespace: dict[str, object] = {}
    exec(compile(defining[0], f"{notebook.name}:{name}", "exec"), namespace)
    written = namespace[name]
    assert isinstance(written, type) and issubclass(written, nn.Module)
    return written


def parameter_shapes(model: nn.Module) -> list[tuple[str, tuple[int, ...]]]:
    return [(name, tuple(p.shape)) for name, p in model.named_parameters()]


@pytest.mark.parametrize("edition", EDITIONS, ids=("en", "es"))
@pytest.mark.parametrize("case", WRITTEN)
def test_a_chapters_model_is_the_librarys(edition, case):
    chapter, name, built, hidden_size = WRITTEN[case]
    written = written_class(edition / f"{chapter}.ipynb", name)(hidden_size=hidden_size)
    library = built(hidden_size=hidden_size)
    assert parameter_shapes(written) == parameter_shapes(library)
    written.load_state_dict(library.state_dict())  # strict: every name on both sides
    images = torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert torch.equal(written.eval()(images), library.eval()(images))
    assert [type(m) for m in written.modules()][1:] == [type(m) for m in library.modules()][1:]


def test_a_changed_class_is_caught(tmp_path):
    """The check above can fail: a chapter whose class drifted (one activation changed)."""
    notebook = ROOT / "notebooks" / "03_autoencoders.ipynb"
    text = notebook.read_text()
    changed = text.replace("nn.Sigmoid(),  # every pixel in [0, 1]", "nn.Tanh(),", 1)
    assert changed != text
    (tmp_path / notebook.name).write_text(changed)
    written = written_class(tmp_path / notebook.name, "Raschka")()
    library = models.RaschkaAutoencoder()
    written.load_state_dict(library.state_dict())
    images = torch.rand(2, 1, 28, 28)
    assert not torch.equal(written.eval()(images), library.eval()(images))
