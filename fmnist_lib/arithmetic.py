"""Dimension arithmetic for convolution, pooling and transposed convolution.

The paper's equations, for one spatial dimension:

* (1) convolution and pooling: ``D_out = floor((D_in - K + 2P) / S) + 1``
* (2) transposed convolution:  ``D_out = (D_in - 1) S - 2P + K + P_out``

PyTorch's general forms add the dilation ``d`` (the kernel then spans ``d (K - 1) + 1``
pixels) and, for pooling, ``ceil_mode``. With ``d = 1`` they reduce to the paper's.
Every function accepts an int or an ``(h, w)`` pair for each argument and returns the same kind.
"""

from __future__ import annotations

import math

import pandas as pd
import torch
from torch import nn

from .evaluation import eval_mode, model_device

Size = int | tuple[int, int]


def _pair(value: Size, name: str) -> tuple[int, int]:
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int or an (h, w) pair, got {value!r}")
    if isinstance(value, int):
        return value, value
    if (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(v, int) for v in value)
    ):
        return int(value[0]), int(value[1])
    raise TypeError(f"{name} must be an int or an (h, w) pair, got {value!r}")


def _apply(fn, size: Size, **params: Size) -> Size:
    """Apply a per-dimension formula to int or pair arguments, returning the input's kind."""
    pairs = {k: _pair(v, k) for k, v in params.items()}
    sizes = _pair(size, "size")
    out = tuple(fn(sizes[i], **{k: v[i] for k, v in pairs.items()}) for i in range(2))
    return (
        out[0]
        if isinstance(size, int) and all(isinstance(v, int) for v in params.values())
        else out
    )


def _check_positive(**values: int) -> None:
    for name, v in values.items():
        if v < 1:
            raise ValueError(f"{name} must be >= 1, got {v}")


def _conv1d(size: int, kernel_size: int, stride: int, padding: int, dilation: int) -> int:
    _check_positive(size=size, kernel_size=kernel_size, stride=stride, dilation=dilation)
    if padding < 0:
        raise ValueError(f"padding must be >= 0, got {padding}")
    span = dilation * (kernel_size - 1) + 1
    if size + 2 * padding < span:
        raise ValueError(
            f"the kernel spans {span} pixels but the padded input has only {size} + 2*{padding} = "
            f"{size + 2 * padding}: the output would be empty. Use a smaller kernel or dilation, "
            "or more padding."
        )
    return (size + 2 * padding - span) // stride + 1


def conv_output_size(
    size: Size, kernel_size: Size, stride: Size = 1, padding: Size = 0, dilation: Size = 1
) -> Size:
    """Output size of ``nn.Conv2d``: ``floor((D_in + 2P - d(K-1) - 1) / S) + 1`` (eq. 1 when
    d=1)."""
    return _apply(
        _conv1d, size, kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation
    )


def _pool1d(
    size: int, kernel_size: int, stride: int, padding: int, dilation: int, ceil_mode: bool
) -> int:
    _check_positive(kernel_size=kernel_size, stride=stride, dilation=dilation)
    if padding < 0 or 2 * padding > kernel_size:
        raise ValueError(
            f"pooling padding must be between 0 and kernel_size/2 = {kernel_size / 2}, "
            f"got {padding}: a window made only of padding has no maximum."
        )
    span = dilation * (kernel_size - 1) + 1
    rounding_up = stride - 1 if ceil_mode else 0
    out = (size + 2 * padding - span + rounding_up) // stride + 1  # floor, or ceil with ceil_mode
    if (
        ceil_mode and (out - 1) * stride >= size + padding
    ):  # the last window would start in the padding
        out -= 1
    if size < 1 or out < 1:
        raise ValueError(
            f"the pooling window spans {span} pixels but the padded input has only "
            f"{size + 2 * padding}: the output would be empty. Use a smaller window or ceil_mode."
        )
    return out


def pool_output_size(
    size: Size,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
) -> Size:
    """Output size of ``nn.MaxPool2d``: eq. 1 with ``S = K`` by default; ``ceil_mode`` rounds up."""
    stride = kernel_size if stride is None else stride
    return _apply(
        lambda s, **kw: _pool1d(s, ceil_mode=ceil_mode, **kw),
        size,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
    )


def _tconv1d(
    size: int, kernel_size: int, stride: int, padding: int, output_padding: int, dilation: int
) -> int:
    _check_positive(size=size, kernel_size=kernel_size, stride=stride, dilation=dilation)
    if padding < 0 or output_padding < 0:
        raise ValueError("padding and output_padding must be >= 0")
    if output_padding >= max(stride, dilation):
        raise ValueError(
            f"output_padding={output_padding} must be smaller than stride ({stride}) or dilation "
            f"({dilation}): it only picks one of the input sizes that a strided convolution maps "
            "to "
            "the same output."
        )
    out = (size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1
    if out < 1:
        raise ValueError(
            f"the output would have {out} pixels: padding={padding} crops more than "
            "the transposed convolution produces. Use less padding."
        )
    return out


def conv_transpose_output_size(
    size: Size,
    kernel_size: Size,
    stride: Size = 1,
    padding: Size = 0,
    output_padding: Size = 0,
    dilation: Size = 1,
) -> Size:
    """Output size of ``nn.ConvTranspose2d``: ``(D_in-1)S - 2P + d(K-1) + P_out + 1`` (eq. 2 when
    d=1)."""
    return _apply(
        _tconv1d,
        size,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
    )


# --------------------------------------------------------------------------- formulas as text
def _formula_1d(layer: nn.Module, size: int, i: int) -> str:
    def get(attr: str) -> int:
        v = getattr(layer, attr, 1)  # AvgPool2d has no dilation
        return v[i] if isinstance(v, (tuple, list)) else v

    k, s, p, d = get("kernel_size"), get("stride"), get("padding"), get("dilation")
    kernel = f"{k}" if d == 1 else f"({d}*({k} - 1) + 1)"  # the span of a dilated kernel
    if isinstance(layer, nn.ConvTranspose2d):
        op = get("output_padding")
        out = _tconv1d(size, k, s, p, op, d)
        return f"({size} - 1)*{s} - 2*{p} + {kernel} + {op} = {out}"
    ceil = bool(getattr(layer, "ceil_mode", False))
    out = (
        _pool1d(size, k, s, p, d, ceil)
        if isinstance(layer, (nn.MaxPool2d, nn.AvgPool2d))
        else _conv1d(size, k, s, p, d)
    )
    text = f"{'ceil' if ceil else 'floor'}(({size} - {kernel} + 2*{p}) / {s}) + 1"
    if ceil and out != math.ceil((size + 2 * p - (d * (k - 1) + 1)) / s) + 1:
        text += " - 1 (a last window starting in the padding is dropped)"
    return f"{text} = {out}"


def formula(layer: nn.Module, in_hw: tuple[int, int]) -> str:
    """The layer's output-size formula with its own numbers, e.g.
    ``floor((28 - 3 + 2*1) / 2) + 1 = 14``.

    One formula when height and width agree, ``H: ...; W: ...`` otherwise; ``""`` for layers
    that do not change the spatial size by a formula.
    """
    if not isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d, nn.MaxPool2d, nn.AvgPool2d)):
        return ""
    if isinstance(
        getattr(layer, "padding", 0), str
    ):  # padding="same"/"valid": no formula to fill in
        return f"padding={layer.padding!r}"
    parts = [_formula_1d(layer, in_hw[i], i) for i in range(2)]
    return parts[0] if parts[0] == parts[1] else f"H: {parts[0]}; W: {parts[1]}"


def multiply_adds(layer: nn.Module, in_shape: tuple[int, ...], out_shape: tuple[int, ...]) -> int:
    """Connections of a layer: multiply-adds for one sample (weights are shared in a conv, so a
    conv has far more connections than parameters)."""
    if isinstance(layer, nn.Linear):
        return layer.in_features * layer.out_features
    if isinstance(layer, nn.Conv2d):  # each output pixel sees k*k*C_in/groups inputs
        kh, kw = layer.kernel_size
        return (
            kh * kw * layer.in_channels // layer.groups * out_shape[0] * out_shape[1] * out_shape[2]
        )
    if isinstance(layer, nn.ConvTranspose2d):  # each input pixel spreads into k*k*C_out outputs
        kh, kw = layer.kernel_size
        return (
            kh * kw * layer.out_channels // layer.groups * in_shape[0] * in_shape[1] * in_shape[2]
        )
    return 0


def trace_shapes(model: nn.Module, input_shape: tuple[int, ...] = (1, 28, 28)):
    """One row per leaf layer: name, type, output shape, parameter count, multiply-adds and formula.

    Runs one dummy sample through ``model`` in eval mode without gradients and restores the
    model's mode afterwards. Returns a ``pandas.DataFrame`` (a table in a notebook).
    """
    rows: list[dict] = []
    hooks = []

    def hook(name: str):
        def record(module: nn.Module, inputs, output) -> None:
            x = inputs[0]
            rows.append(
                {
                    "layer": name,
                    "type": type(module).__name__,
                    "output shape": tuple(output.shape[1:]),
                    "parameters": sum(p.numel() for p in module.parameters(recurse=False)),
                    "multiply-adds": multiply_adds(
                        module, tuple(x.shape[1:]), tuple(output.shape[1:])
                    ),
                    "formula": formula(module, tuple(x.shape[-2:])) if x.dim() == 4 else "",
                }
            )

        return record

    for name, module in model.named_modules():
        if not list(module.children()):
            hooks.append(module.register_forward_hook(hook(name)))
    try:
        with eval_mode(model):
            model(torch.zeros((1, *input_shape), device=model_device(model)))
    finally:
        for h in hooks:
            h.remove()
    table = pd.DataFrame(
        rows, columns=["layer", "type", "output shape", "parameters", "multiply-adds", "formula"]
    )
    return table.set_index("layer")
