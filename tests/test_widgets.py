"""The browsers: every view computed up front and linked in the browser (no kernel needed on the
static site); the calculator's kernel-computed result marked as live-only."""

import base64
import io
import re

import numpy as np
import torch
from ipywidgets.widgets.widget import _instances
from ipywidgets.widgets.widget_link import Link
from PIL import Image

from fmnist_lib import widgets
from fmnist_lib.evaluation import reconstruct
from fmnist_lib.models import FeedForwardAutoencoder, FeedForwardClassifier


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


def test_the_calculators_result_is_marked_live_only():
    calc = widgets.size_calculator()
    out = calc.children[-1]
    assert widgets.LIVE_ONLY in out._dom_classes and "26" in out.value
    calc.children[2].value = 5  # K: the kernel recomputes
    assert "24" in out.value
    sliders = [c for c in calc.children if hasattr(c, "max") and hasattr(c, "min")]
    assert all(s.tooltip for s in sliders)  # the book names each slider's handle by it
