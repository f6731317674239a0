"""An interactive output-size calculator (ipywidgets) that checks the formula against PyTorch."""

from __future__ import annotations

import torch
from torch import nn

from .arithmetic import conv_output_size, conv_transpose_output_size, pool_output_size

LAYERS = ("Conv2d", "MaxPool2d", "ConvTranspose2d")


def check_against_pytorch(
    kind: str,
    size: int,
    kernel_size: int,
    stride: int,
    padding: int,
    dilation: int = 1,
    output_padding: int = 0,
) -> dict:
    """Our formula's output size and a real PyTorch layer's, for one square input."""
    layer: nn.Module
    try:
        if kind == "Conv2d":
            ours = conv_output_size(size, kernel_size, stride, padding, dilation)
            layer = nn.Conv2d(1, 1, kernel_size, stride, padding, dilation)
        elif kind == "MaxPool2d":
            ours = pool_output_size(size, kernel_size, stride, padding, dilation)
            layer = nn.MaxPool2d(kernel_size, stride, padding, dilation)
        elif kind == "ConvTranspose2d":
            ours = conv_transpose_output_size(
                size, kernel_size, stride, padding, output_padding, dilation
            )
            layer = nn.ConvTranspose2d(
                1, 1, kernel_size, stride, padding, output_padding, dilation=dilation
            )
        else:
            raise ValueError(f"kind must be one of {LAYERS}")
    except ValueError as exc:
        return {"ours": None, "pytorch": None, "message": str(exc)}
    with torch.no_grad():
        real = layer(torch.zeros(1, 1, size, size)).shape[-1]
    return {"ours": ours, "pytorch": real, "message": "match" if ours == real else "MISMATCH"}


def size_calculator():
    """Sliders for the layer's settings; shows the formula's result next to PyTorch's."""
    import ipywidgets as w

    controls = {
        "kind": w.Dropdown(options=LAYERS, value="Conv2d", description="layer"),
        "size": w.IntSlider(28, 1, 64, description="D_in"),
        "kernel_size": w.IntSlider(3, 1, 9, description="K"),
        "stride": w.IntSlider(1, 1, 4, description="S"),
        "padding": w.IntSlider(0, 0, 4, description="P"),
        "dilation": w.IntSlider(1, 1, 3, description="dilation"),
        "output_padding": w.IntSlider(0, 0, 3, description="P_out"),
    }
    out = w.HTML()

    def update(_=None) -> None:
        r = check_against_pytorch(**{k: c.value for k, c in controls.items()})
        if r["ours"] is None:
            out.value = f"<b>impossible:</b> {r['message']}"
        else:
            out.value = (
                f"formula: <b>{r['ours']}</b> &nbsp; PyTorch: <b>{r['pytorch']}</b> "
                f"&nbsp; ({r['message']})"
            )

    for c in controls.values():
        c.observe(update, names="value")
    update()
    return w.VBox([*controls.values(), out])
