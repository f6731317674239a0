"""The widgets compute in the page (no kernel needed on the static site): the browsers hold every
view, linked in the browser; the calculator's JavaScript formula is arithmetic's, checked here
over every setting its sliders reach (with node). Their words are in the notebook's language."""

import base64
import io
import itertools
import json
import re
import shutil
import subprocess

import numpy as np
import pytest
import torch
from ipywidgets.widgets.widget import _instances
from ipywidgets.widgets.widget_link import Link
from PIL import Image

from fmnist_lib import widgets
from fmnist_lib.arithmetic import conv_output_size, conv_transpose_output_size, pool_output_size
from fmnist_lib.evaluation import reconstruct
from fmnist_lib.models import FeedForwardAutoencoder, FeedForwardClassifier
from fmnist_lib.wording import fields, speaking

NODE = shutil.which("node")


def _links(view):
    return [
        m for m in _instances.values() if isinstance(m, Link) and m.source[0] is view.children[0]
    ]


def _shown_png(picture) -> Image.Image:
    """The image a browser draws for a picture widget: its <img>'s PNG data URI, decoded."""
    source = re.search(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', picture.value)
    assert source, f"no PNG <img> in {picture.value[:80]!r}"
    return Image.open(io.BytesIO(base64.b64decode(source.group(1), validate=True)))


def test_the_png_tiles_images_dark_on_white_at_scale():
    images = torch.zeros(4, 1, 28, 28)
    images[0, 0, 0, 0] = 1.0  # one white pixel becomes a black one
    png = Image.open(io.BytesIO(widgets.png_of_images(images, rows=2, scale=2)))
    pixels = np.asarray(png)
    assert pixels.shape == (2 * (2 * 28 + 2), 2 * (2 * 28 + 2))
    assert pixels[0, 0] == 0 and pixels[1, 1] == 0 and pixels[0, 2] == 255


def test_the_reconstruction_browser_holds_one_linked_view_per_class(small_splits):
    torch.manual_seed(0)
    models = {"a": FeedForwardAutoencoder(hidden_size=8), "b": FeedForwardAutoencoder(16)}
    view = widgets.reconstruction_browser(models, small_splits.val, per_class=3)
    selector, stack = view.children
    assert len(selector.options) == 10 and len(stack.children) == 10
    link = _links(view)
    assert link and link[0].target == (stack, "selected_index")
    picture = stack.children[4].children[0]
    png = _shown_png(picture)
    assert png.size == (3 * 28 + 4, 3 * 28 + 4)  # 3 images wide, 3 rows
    assert f'width="{2 * png.size[0]}"' in picture.value  # drawn twice as large
    pixels = 255 - np.asarray(png)  # white on black again
    coats = small_splits.val.images[small_splits.val.labels == 4][:3]
    assert np.array_equal(pixels[:28, :28], coats[0, 0].numpy())  # the originals, top row
    rebuilt = reconstruct(models["a"], coats)[1, 0]  # model a's row, second image
    expected = (rebuilt.clamp(0, 1) * 255).round().to(torch.uint8).numpy()
    assert np.array_equal(pixels[30:58, 30:58], expected)
    alt = re.search(r'alt="([^"]*)"', picture.value).group(1)
    assert "Coat" in alt and "a, b" in alt and "3 test images" in alt


def test_the_confusion_browser_lists_the_largest_mistakes_first(small_splits):
    truth = torch.tensor([0, 0, 0, 1, 1, 2, 2, 2])
    predicted = torch.tensor([6, 6, 0, 2, 1, 1, 1, 1])
    assert widgets.confusions(truth, predicted, top=5) == [(2, 1, 3), (0, 6, 2), (1, 2, 1)]
    torch.manual_seed(0)
    model = FeedForwardClassifier(hidden_size=16)
    view = widgets.confusion_browser(model, small_splits.val, top=4, per_cell=5)
    selector, stack = view.children
    assert 1 <= len(selector.options) <= 4 and len(stack.children) == len(selector.options)
    counts = [int(label.rsplit("(", 1)[1].rstrip(")")) for label, _ in selector.options]
    assert counts == sorted(counts, reverse=True)
    assert _links(view)
    alt = re.search(r'alt="([^"]*)"', stack.children[0].children[0].value).group(1)
    assert alt.startswith(f"{counts[0]} ") and "predicted as" in alt  # what the images are


def test_the_calculator_checks_each_setting_against_pytorch_in_the_kernel():
    calc = widgets.size_calculator()
    assert calc.checked == {**calc.settings(), "ours": 26, "pytorch": 26}
    calc.kernel_size = 5  # the kernel checks the new setting
    assert (calc.checked["kernel_size"], calc.checked["ours"], calc.checked["pytorch"]) == (
        5,
        24,
        24,
    )
    calc.kind, calc.stride, calc.output_padding = "ConvTranspose2d", 1, 3  # P_out >= S: impossible
    assert calc.checked["ours"] is None and calc.checked["pytorch"] is None
    assert "D_out = None" in repr(calc) and "ConvTranspose2d" in repr(calc)
    assert calc._esm == widgets.CALCULATOR_JS.read_text(encoding="utf-8")  # drawn by its JS


def test_the_check_against_pytorch_says_whether_the_sizes_agree_in_the_notebooks_language():
    agree = widgets.check_against_pytorch("Conv2d", 28, 3, 1, 0)
    assert agree == {"ours": 26, "pytorch": 26, "message": "the same"}
    with speaking("es"):
        assert widgets.check_against_pytorch("Conv2d", 28, 3, 1, 0)["message"] == "el mismo"
    impossible = widgets.check_against_pytorch("Conv2d", 4, 7, 1, 0)
    assert impossible["ours"] is None and "kernel spans 7 pixels" in impossible["message"]


def test_the_widgets_speak_the_notebooks_language(small_splits):
    with speaking("es"):
        calc = widgets.size_calculator()
        torch.manual_seed(0)
        view = widgets.confusion_browser(FeedForwardClassifier(hidden_size=16), small_splits.val, 2)
        rebuilt = widgets.reconstruction_browser(
            {"a": FeedForwardAutoencoder(8)}, small_splits.val, per_class=2
        )
    assert calc.words["layer"] == "capa" and repr(calc).startswith("Calculadora")
    assert view.children[0].description == "real → predicha"
    assert "predichas como" in view.children[1].children[0].children[1].value
    assert rebuilt.children[0].description == "clase"
    assert "filas: original, a" in rebuilt.children[1].children[0].children[1].value
    assert widgets.size_calculator().words["layer"] == "layer"  # English outside the block


def test_every_widget_text_has_the_same_fields_in_every_language():
    for key, texts in widgets.TEXTS.items():
        assert fields(texts["en"]) == fields(texts["es"]), key


def _slider_grid() -> list[tuple[str, dict[str, int]]]:
    """Every setting the calculator's sliders reach, on a spread of input sizes (P_out only for
    the transposed convolution, which alone reads it)."""
    sizes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15, 27, 28, 29, 63, 64]
    cases = []
    for kind in widgets.LAYERS:
        paddings_out = range(4) if kind == "ConvTranspose2d" else [0]
        for d, k, s, p, d_, p_out in itertools.product(
            sizes, range(1, 10), range(1, 5), range(5), range(1, 4), paddings_out
        ):
            settings = dict(size=d, kernel_size=k, stride=s, padding=p, dilation=d_)
            cases.append((kind, {**settings, "output_padding": p_out}))
    return cases


def _python_size(kind: str, s: dict[str, int]) -> int | None:
    """arithmetic's output size, None where it refuses the setting."""
    common = (s["size"], s["kernel_size"], s["stride"], s["padding"])
    try:
        if kind == "Conv2d":
            return conv_output_size(*common, dilation=s["dilation"])
        if kind == "MaxPool2d":
            return pool_output_size(*common, dilation=s["dilation"])
        return conv_transpose_output_size(*common, s["output_padding"], s["dilation"])
    except ValueError:
        return None


@pytest.mark.skipif(
    NODE is None, reason="node (Debian's nodejs, which `make book` needs) is missing"
)
def test_the_calculators_javascript_formula_is_arithmetics(tmp_path):
    cases = _slider_grid()
    (tmp_path / "calculator.mjs").write_text(widgets.CALCULATOR_JS.read_text(encoding="utf-8"))
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    (tmp_path / "run.mjs").write_text(
        'import { readFileSync } from "node:fs";\n'
        'import { outputSize } from "./calculator.mjs";\n'
        'const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));\n'
        "console.log(JSON.stringify(cases.map(([kind, s]) => {\n"
        "  const r = outputSize(kind, s);\n"
        "  return [r.size, r.reason ?? null, Object.keys(r.fields ?? {}).sort()];\n"
        "})));\n"
    )
    done = subprocess.run(
        [NODE, str(tmp_path / "run.mjs"), str(tmp_path / "cases.json")],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    answers = json.loads(done.stdout)
    wrong = [
        (kind, s, size, _python_size(kind, s))
        for (kind, s), (size, _, _) in zip(cases, answers, strict=True)
        if size != _python_size(kind, s)
    ]
    assert not wrong, (
        f"{len(wrong)} of {len(cases)} settings differ (kind, settings, JS, Python): {wrong[:5]}"
    )
    refused = {(reason, tuple(names)) for size, reason, names in answers if size is None}
    assert {reason for reason, _ in refused} == {
        "empty",
        "pool_padding",
        "output_padding_limit",
        "cropped",
    }
    for reason, names in refused:  # each reason the page gives has its words, fields filled
        for lang in ("en", "es"):
            assert fields(widgets.calculator_words(lang)[reason]) == set(names), (reason, lang)


def test_the_stored_chapters_carry_the_calculators_javascript_as_it_is_now():
    """The book draws the calculator from the JavaScript saved in chapter 2's widget state:
    after a change to size_calculator.js, execute chapter 2 again (both editions)."""
    root = widgets.CALCULATOR_JS.parent.parent
    for folder in ("notebooks", "es/notebooks"):
        notebook = json.loads((root / folder / "02_convolution_arithmetic.ipynb").read_text())
        state = notebook["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]
        saved = [m["state"] for m in state["state"].values() if m["model_module"] == "anywidget"]
        assert len(saved) == 1, f"{folder}: {len(saved)} calculators saved"
        assert saved[0]["_esm"] == widgets.CALCULATOR_JS.read_text(encoding="utf-8"), folder
        assert saved[0]["words"] == widgets.calculator_words("es" if "es" in folder else "en")


def test_without_stack_the_browser_swaps_the_shown_view_in_the_kernel(monkeypatch):
    """ipywidgets 7.7 (Colab's) has no Stack: the chapters' browsers still show one view at a
    time, the one the dropdown picks (the kernel swaps it, not the browser)."""
    import ipywidgets

    monkeypatch.delattr(ipywidgets, "Stack")
    views = [ipywidgets.HTML(f"view {i}") for i in range(3)]
    view = widgets._linked_views("class", ["a", "b", "c"], views)
    selector, shown = view.children
    assert not hasattr(shown, "selected_index") and shown.children == (views[0],)
    selector.index = 2
    assert shown.children == (views[2],)
    selector.value = 1  # the options' values are the views' indices
    assert shown.children == (views[1],)
