"""Dimension arithmetic for convolution, pooling and transposed convolution.

The paper's equations, for one spatial dimension:

* (1) convolution and pooling: ``D_out = floor((D_in - K + 2P) / S) + 1``
* (2) transposed convolution:  ``D_out = (D_in - 1) S - 2P + K + P_out``

PyTorch's general forms add the dilation ``d`` (the kernel then spans ``d (K - 1) + 1``
pixels) and, for pooling, ``ceil_mode``. With ``d = 1`` they reduce to the paper's.
Every function accepts an int or an ``(h, w)`` pair for each argument and returns the same kind.

The receptive field (what part of the image one unit of a layer sees) follows from the same
numbers: ``receptive_fields`` applies the standard recurrence layer by layer and
``receptive_field_by_gradient`` measures it with autograd, as a check.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import pandas as pd
import torch
from torch import nn

from .errors import FmnistError
from .evaluation import eval_mode, model_device
from .numerals import numeral
from .wording import Texts, Words, language

Size = int | tuple[int, int]

#: The words this module prints (its size errors, its layer and receptive-field tables), in every
#: language of the course; the notebook's language (``wording.language``) picks one.
TEXTS: Texts = {
    "at_least_1": {
        "en": "{name} must be >= 1, got {value}",
        "es": "{name} debe ser >= 1; es {value}",
    },
    "padding": {
        "en": "padding must be >= 0, got {padding}",
        "es": "padding debe ser >= 0; es {padding}",
    },
    "empty": {
        "en": "the kernel spans {span} pixels but the padded input has only {size} + 2*{padding} = "
        "{padded}: the output would be empty. Use a smaller kernel or dilation, or more padding.",
        "es": "el núcleo abarca {span} píxeles, pero la entrada con relleno tiene solo {size} + "
        "2*{padding} = {padded}: la salida quedaría vacía. Usa un núcleo o una dilatación menor, o "
        "más relleno.",
    },
    "pool_padding": {
        "en": "pooling padding must be between 0 and kernel_size/2 = {half}, got {padding}: a "
        "window made only of padding has no maximum.",
        "es": "el relleno del agrupamiento debe estar entre 0 y kernel_size/2 = {half}; es "
        "{padding}: una ventana hecha solo de relleno no tiene máximo.",
    },
    "pool_empty": {
        "en": "the pooling window spans {span} pixels but the padded input has only {padded}: the "
        "output would be empty. Use a smaller window or ceil_mode.",
        "es": "la ventana de agrupamiento abarca {span} píxeles, pero la entrada con relleno tiene "
        "solo {padded}: la salida quedaría vacía. Usa una ventana menor o ceil_mode.",
    },
    "paddings": {
        "en": "padding and output_padding must be >= 0",
        "es": "padding y output_padding deben ser >= 0",
    },
    "output_padding": {
        "en": "output_padding={output_padding} must be smaller than stride ({stride}) or dilation "
        "({dilation}): it only picks one of the input sizes that a strided convolution maps to "
        "the same output.",
        "es": "output_padding={output_padding} debe ser menor que el paso ({stride}) o la "
        "dilatación ({dilation}): solo elige uno de los tamaños de entrada que una convolución "
        "con paso lleva a la misma salida.",
    },
    "cropped": {
        "en": "the output would have {out} pixels: padding={padding} crops more than the "
        "transposed convolution produces. Use less padding.",
        "es": "la salida tendría {out} píxeles: padding={padding} recorta más de lo que produce la "
        "convolución transpuesta. Usa menos relleno.",
    },
    # the layer table's (``trace_shapes``) and the receptive-field table's headings and words
    "layer": {"en": "layer", "es": "capa"},
    "type": {"en": "type", "es": "tipo"},
    "output shape": {"en": "output shape", "es": "forma de salida"},
    "parameters": {"en": "parameters", "es": "parámetros"},
    "multiply-adds": {"en": "multiply-adds", "es": "multiplicaciones-sumas"},
    "formula": {"en": "formula", "es": "fórmula"},
    "dropped": {
        "en": " - 1 (a last window starting in the padding is dropped)",
        "es": " - 1 (se descarta una última ventana que empieza en el relleno)",
    },
    "output size": {"en": "output size", "es": "tamaño de salida"},
    "receptive field": {"en": "receptive field", "es": "campo receptivo"},
    "jump": {"en": "jump", "es": "salto"},
    "start": {"en": "start", "es": "inicio"},
    "measured": {"en": "measured", "es": "medido"},
    "flat": {"en": "flat", "es": "plano"},
    "whole image": {"en": "whole image ({h}x{w})", "es": "imagen entera ({h}x{w})"},
}
ARITHMETIC_WORDS = Words(TEXTS, "fmnist_lib.arithmetic.TEXTS")
_say = ARITHMETIC_WORDS.here  # a text in the notebook's language


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
            raise ValueError(_say("at_least_1", name=name, value=v))


def _conv1d(size: int, kernel_size: int, stride: int, padding: int, dilation: int) -> int:
    _check_positive(size=size, kernel_size=kernel_size, stride=stride, dilation=dilation)
    if padding < 0:
        raise ValueError(_say("padding", padding=padding))
    span = dilation * (kernel_size - 1) + 1
    if size + 2 * padding < span:
        raise ValueError(
            _say("empty", span=span, size=size, padding=padding, padded=size + 2 * padding)
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
        raise ValueError(_say("pool_padding", half=kernel_size / 2, padding=padding))
    span = dilation * (kernel_size - 1) + 1
    rounding_up = stride - 1 if ceil_mode else 0
    out = (size + 2 * padding - span + rounding_up) // stride + 1  # floor, or ceil with ceil_mode
    if (
        ceil_mode and (out - 1) * stride >= size + padding
    ):  # the last window would start in the padding
        out -= 1
    if size < 1 or out < 1:
        raise ValueError(_say("pool_empty", span=span, padded=size + 2 * padding))
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
        raise ValueError(_say("paddings"))
    if output_padding >= max(stride, dilation):
        raise ValueError(
            _say("output_padding", output_padding=output_padding, stride=stride, dilation=dilation)
        )
    out = (size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1
    if out < 1:
        raise ValueError(_say("cropped", out=out, padding=padding))
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
def _formula_1d(layer: nn.Module, size: int, i: int, lang: str) -> str:
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
        text += ARITHMETIC_WORDS("dropped", lang)
    return f"{text} = {out}"


def formula(layer: nn.Module, in_hw: tuple[int, int], lang: str | None = None) -> str:
    """The layer's output-size formula with its own numbers, e.g.
    ``floor((28 - 3 + 2*1) / 2) + 1 = 14``.

    One formula when height and width agree, ``H: ...; W: ...`` otherwise; ``""`` for layers
    that do not change the spatial size by a formula. Its words (a dropped last window) in
    ``lang`` (default: the notebook's, ``wording.language``).
    """
    if not isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d, nn.MaxPool2d, nn.AvgPool2d)):
        return ""
    if isinstance(
        getattr(layer, "padding", 0), str
    ):  # padding="same"/"valid": no formula to fill in
        return f"padding={layer.padding!r}"
    parts = [_formula_1d(layer, in_hw[i], i, lang or language()) for i in range(2)]
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


def trace_shapes(
    model: nn.Module, input_shape: tuple[int, ...] = (1, 28, 28), lang: str | None = None
) -> pd.DataFrame:
    """One row per leaf layer: name, type, output shape, parameter count, multiply-adds and formula.

    Runs one dummy sample through ``model`` in eval mode without gradients and restores the
    model's mode afterwards. Returns a ``pandas.DataFrame`` (a table in a notebook), its headings
    in ``lang`` (default: the notebook's, ``wording.language``: ``"multiply-adds"`` is
    ``"multiplicaciones-sumas"`` in a Spanish notebook); code that reads a column passes
    ``lang="en"``.
    """
    lang = lang or language()
    rows: list[dict] = []
    hooks = []

    def hook(name: str):
        def record(module: nn.Module, inputs, output) -> None:
            x, shape = inputs[0], tuple(output.shape[1:])
            row = {
                "layer": name,
                "type": type(module).__name__,
                "output shape": shape,
                "parameters": sum(p.numel() for p in module.parameters(recurse=False)),
                "multiply-adds": multiply_adds(module, tuple(x.shape[1:]), shape),
                "formula": formula(module, tuple(x.shape[-2:]), lang) if x.dim() == 4 else "",
            }
            rows.append({ARITHMETIC_WORDS(head, lang): value for head, value in row.items()})

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
    headings = ["layer", "type", "output shape", "parameters", "multiply-adds", "formula"]
    table = pd.DataFrame(rows, columns=[ARITHMETIC_WORDS(h, lang) for h in headings])
    return table.set_index(ARITHMETIC_WORDS("layer", lang))


# --------------------------------------------------------------------------- receptive fields
class ReceptiveFieldError(FmnistError, ValueError):
    """A layer that the receptive-field arithmetic cannot follow (not square, or not spatial)."""


#: Layers that act on each pixel (or each channel) alone: the receptive field passes through.
#: ``BatchNorm2d`` only in eval mode, where it is a per-channel affine map.
PASS_THROUGH: tuple[type[nn.Module], ...] = (
    nn.Identity,
    nn.ReLU,
    nn.LeakyReLU,
    nn.PReLU,
    nn.ReLU6,
    nn.ELU,
    nn.SELU,
    nn.CELU,
    nn.GELU,
    nn.SiLU,
    nn.Mish,
    nn.Sigmoid,
    nn.Tanh,
    nn.Softplus,
    nn.Hardtanh,
    nn.Hardswish,
    nn.Hardsigmoid,
    nn.Dropout,
    nn.Dropout2d,
    nn.AlphaDropout,
    nn.BatchNorm2d,
)
#: Layers whose units each depend on every pixel: the receptive field is the whole image.
WHOLE_IMAGE: tuple[type[nn.Module], ...] = (nn.Flatten, nn.Linear)
#: Layers that the recurrence follows.
SPATIAL: tuple[type[nn.Module], ...] = (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)


@dataclass(frozen=True)
class ReceptiveField:
    """The receptive field of one layer's units, in input pixels (the same along both axes).

    Coordinates are pixel indices: input pixel ``i`` has its centre at ``i``. Along one axis,
    unit ``u`` of the layer is centred on ``start + u * jump`` and sees the ``size`` input
    pixels ``span(u)``; near the border some of them are padding, outside the image.

    ``whole_image=True`` marks the first ``Flatten`` or ``Linear``: from there on every unit
    depends on every pixel. That row has ``output_hw=None``, ``size`` = the image's longer side,
    ``jump=0`` (no neighbours in space) and ``start`` = the image's centre.
    """

    index: int  # position among the model's layers (the Sequential index for an encoder)
    name: str  # the name in ``model.named_modules()``, e.g. "4" or "encoder.4"
    layer: str  # short description, e.g. "Conv2d(1 -> 16, k=3, s=1, p=0)"
    output_hw: tuple[int, int] | None  # the layer's output (height, width)
    size: int  # receptive field r: the unit sees r x r input pixels
    jump: int  # j: input pixels between the centres of neighbouring units
    start: float  # centre of the first unit, in input pixel coordinates
    whole_image: bool = False

    def span(self, unit: int) -> tuple[int, int]:
        """First and last input pixel (inclusive) that unit ``unit`` sees along one axis."""
        first = round(self.start - (self.size - 1) / 2) + unit * self.jump
        return first, first + self.size - 1


def _leaf_layers(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """The model's layers without children, in registration order: the order in which
    ``nn.Sequential`` and the course's models apply them."""
    return [(name, m) for name, m in model.named_modules() if not list(m.children())]


def _num(value: object) -> str:
    """``3`` for 3 or (3, 3); ``(3, 5)`` and ``same`` as they are."""
    if isinstance(value, (tuple, list)):
        return str(value[0]) if len(set(value)) == 1 else str(tuple(value))
    return str(value)


def _short(layer: nn.Module) -> str:
    """``Conv2d(1 -> 16, k=3, s=2, p=1)``, ``MaxPool2d(k=2, s=2, p=0)``; else the class name."""
    if not isinstance(layer, SPATIAL):
        return type(layer).__name__
    parts = [f"k={_num(layer.kernel_size)}", f"s={_num(layer.stride)}", f"p={_num(layer.padding)}"]
    if _num(getattr(layer, "dilation", 1)) != "1":
        parts.append(f"d={_num(getattr(layer, 'dilation', 1))}")
    channels = (
        f"{layer.in_channels} -> {layer.out_channels}, " if isinstance(layer, nn.Conv2d) else ""
    )
    return f"{type(layer).__name__}({channels}{', '.join(parts)})"


def _square(layer: nn.Module, attr: str, index: int) -> int:
    """The layer's ``attr`` as one int; a ``ReceptiveFieldError`` when height and width differ."""
    value = getattr(layer, attr)
    if isinstance(value, int):
        return value
    if len(set(value)) != 1:
        raise ReceptiveFieldError(
            f"layer {index}, {_short(layer)}, has {attr}={tuple(value)}: receptive fields are "
            "computed for square kernels, strides, paddings and dilations only; make them square "
            "or apply the recurrence to height and width separately by hand"
        )
    return int(value[0])


def _geometry(layer: nn.Module, index: int) -> tuple[int, int, int, int]:
    """Kernel, stride, padding before the first pixel, dilation of a spatial layer."""
    k, s = _square(layer, "kernel_size", index), _square(layer, "stride", index)
    d = _square(layer, "dilation", index) if hasattr(layer, "dilation") else 1  # not AvgPool2d
    padding = getattr(layer, "padding", 0)
    if padding == "valid":
        return k, s, 0, d
    if padding == "same":  # PyTorch pads d(k-1) in all, the smaller half before the first pixel
        return k, s, d * (k - 1) // 2, d
    return k, s, _square(layer, "padding", index), d


def _output_1d(layer: nn.Module, size: int, geometry: tuple[int, int, int, int]) -> int:
    if isinstance(layer, nn.Conv2d):
        return size if layer.padding == "same" else _conv1d(size, *geometry)
    return _pool1d(size, *geometry, ceil_mode=bool(getattr(layer, "ceil_mode", False)))


def receptive_fields(
    model: nn.Module, input_hw: tuple[int, int] = (28, 28)
) -> list[ReceptiveField]:
    """The receptive field of every convolution and pooling layer of ``model``, in order.

    With kernel ``k``, stride ``s``, padding ``p`` and dilation ``d``, and ``r, j, start`` of
    the layer before (``1, 1, 0`` for the input image), the standard recurrence:

    * ``r_out = r_in + (k - 1) * d * j_in``: the kernel's ``k`` taps, ``d * j_in`` pixels apart;
    * ``j_out = j_in * s``: neighbouring outputs are ``s`` inputs apart;
    * ``start_out = start_in + ((k - 1) / 2 * d - p) * j_in``: the first window's centre.

    Activations, dropout and ``BatchNorm2d`` pass the field through. The first ``Flatten`` or
    ``Linear`` ends the list with a row marked ``whole_image``: each of its units sees every
    pixel. Layers are read in registration order (``model.named_modules()``), which is the
    forward order of an ``nn.Sequential`` and of the course's models. Height and width share
    ``r``, ``j`` and ``start``, so every kernel, stride, padding and dilation must be square
    (``ReceptiveFieldError`` otherwise); ``input_hw`` only sets the output sizes.
    """
    image_hw = _pair(input_hw, "input_hw")
    h, w = image_hw
    size, jump, start = 1, 1, 0.0
    rows: list[ReceptiveField] = []
    for index, (name, layer) in enumerate(_leaf_layers(model)):
        if isinstance(layer, WHOLE_IMAGE):
            side = max(image_hw)
            whole = ReceptiveField(index, name, _short(layer), None, side, 0, (side - 1) / 2, True)
            return [*rows, whole]
        if isinstance(layer, PASS_THROUGH):
            continue
        if not isinstance(layer, SPATIAL):
            raise ReceptiveFieldError(
                f"layer {index} ({name}: {type(layer).__name__}) is not one receptive_fields "
                "follows: it knows Conv2d, MaxPool2d, AvgPool2d, passes activations, dropout and "
                "BatchNorm2d through, and stops at Flatten/Linear"
            )
        geometry = _geometry(layer, index)
        k, s, p, d = geometry
        start += ((k - 1) / 2 * d - p) * jump
        size += (k - 1) * d * jump
        jump *= s
        h, w = _output_1d(layer, h, geometry), _output_1d(layer, w, geometry)
        rows.append(ReceptiveField(index, name, _short(layer), (h, w), size, jump, start))
    return rows


def _linearised(layer: nn.Module, index: int) -> nn.Module:
    """A copy of ``layer`` with its geometry and nothing that could hide a pixel: a convolution
    with all weights 1 and no bias, average pooling for max pooling, identity for the rest."""
    if isinstance(layer, nn.Conv2d):
        conv = copy.deepcopy(layer).to("cpu", torch.float64)
        with torch.no_grad():
            conv.weight.fill_(1.0)
            if conv.bias is not None:
                conv.bias.zero_()
        return conv
    if isinstance(layer, nn.MaxPool2d):
        k, s, p, d = _geometry(layer, index)
        if d != 1:
            raise ReceptiveFieldError(
                f"layer {index}, {_short(layer)}, is a dilated max pooling: the gradient check "
                "replaces max by average pooling, which has no dilation; use receptive_fields"
            )
        return nn.AvgPool2d(k, s, p, ceil_mode=layer.ceil_mode)
    if isinstance(layer, nn.AvgPool2d):
        return copy.deepcopy(layer)
    if isinstance(layer, PASS_THROUGH):
        return nn.Identity()
    raise ReceptiveFieldError(
        f"layer {index} ({type(layer).__name__}) has no receptive field to measure: choose a "
        "layer_index at or before the last Conv2d/pooling layer (after Flatten/Linear every unit "
        "sees the whole image)"
    )


def gradient_footprint(
    model: nn.Module,
    layer_index: int,
    input_hw: tuple[int, int] = (28, 28),
    unit: tuple[int, int] | None = None,
) -> tuple[tuple[int, int], tuple[int, int]]:
    """The input pixels that one unit of layer ``layer_index`` depends on, measured by autograd:
    ``((first row, last row), (first column, last column))``, inclusive, inside the image.

    The layers up to ``layer_index`` (as numbered by ``receptive_fields``) are rebuilt in a
    *linearised* copy: convolutions with all weights 1 (float64, no bias), max pooling replaced
    by average pooling of the same kernel, stride, padding and ``ceil_mode``, activations,
    dropout and batch norm replaced by the identity. The copy is a linear map with positive
    coefficients, so every input pixel the unit is connected to gets a nonzero gradient. The
    real layers would hide some: a ReLU at zero passes no gradient, max pooling sends it to the
    one largest element of each window, and signed weights (or a BatchNorm scale of 0) can
    cancel. Their footprint for one input is the *effective* field, usually smaller than the
    theoretical one that the recurrence gives. ``model`` itself is not run or changed.

    A random input (``requires_grad``) goes through the copy in eval mode; the gradient of
    channel 0 at ``unit`` (by default the middle of the map) is taken and its nonzero
    bounding box returned. Autograd runs PyTorch's own padding, strides and rounding, so this
    checks ``receptive_fields`` the way ``real`` checks the size formulas in chapter 2.
    """
    layers = _leaf_layers(model)
    if not 0 <= layer_index < len(layers) or not isinstance(layers[layer_index][1], SPATIAL):
        raise ReceptiveFieldError(
            f"layer_index={layer_index} is not a Conv2d or pooling layer of the model: pass the "
            "index of one (ReceptiveField.index from receptive_fields)"
        )
    net = nn.Sequential(*[_linearised(m, i) for i, (_, m) in enumerate(layers[: layer_index + 1])])
    convs = [m for m in net if isinstance(m, nn.Conv2d)]
    channels = convs[0].in_channels if convs else 1
    h, w = _pair(input_hw, "input_hw")
    generator = torch.Generator().manual_seed(0)
    x = torch.rand(1, channels, h, w, dtype=torch.float64, generator=generator)
    x.requires_grad_(True)
    out = net.eval()(x)
    u, v = unit if unit is not None else (out.shape[-2] // 2, out.shape[-1] // 2)
    (grad,) = torch.autograd.grad(out[0, 0, u, v], x)
    reached = grad[0].abs().sum(0) > 0
    rows = reached.any(1).nonzero().flatten().tolist()
    cols = reached.any(0).nonzero().flatten().tolist()
    if not rows:  # a field partly outside the image whose sparse taps all land on padding
        raise ReceptiveFieldError(
            f"no input pixel reaches unit ({u}, {v}) of layer {layer_index}: every tap of its "
            "field lands on padding; pass a unit nearer the middle of the map"
        )
    return (rows[0], rows[-1]), (cols[0], cols[-1])


def receptive_field_by_gradient(
    model: nn.Module,
    layer_index: int,
    input_hw: tuple[int, int] = (28, 28),
    unit: tuple[int, int] | None = None,
) -> tuple[int, int]:
    """(height, width) of ``gradient_footprint``: the measured receptive field of one unit.

    For a unit whose field lies inside the image (the middle one of the course's encoders)
    it equals ``(r, r)`` from ``receptive_fields``; near the border it is clipped to the image.
    """
    (top, bottom), (left, right) = gradient_footprint(model, layer_index, input_hw, unit)
    return bottom - top + 1, right - left + 1


def receptive_field_table(
    model: nn.Module, input_hw: tuple[int, int] = (28, 28), measure: bool = False
) -> pd.DataFrame:
    """``receptive_fields`` as a table (one row per convolution/pooling layer, then the first
    ``Flatten``/``Linear``): layer, type, output size, receptive field, jump, start.

    ``measure=True`` adds the column "measured": the gradient footprint of the middle unit
    (``receptive_field_by_gradient``), which should equal "receptive field".
    """
    h, w = _pair(input_hw, "input_hw")
    rows = []
    for rf in receptive_fields(model, (h, w)):
        spatial = rf.output_hw is not None
        row: dict[str, object] = {
            "layer": rf.name or str(rf.index),
            "type": rf.layer,
            "output size": f"{rf.output_hw[0]}x{rf.output_hw[1]}" if rf.output_hw else _say("flat"),
            "receptive field": f"{rf.size}x{rf.size}" if spatial else _say("whole image", h=h, w=w),
            "jump": rf.jump if spatial else "-",
            "start": f"{numeral(rf.start):g}" if spatial else "-",
        }
        if measure:
            measured = receptive_field_by_gradient(model, rf.index, (h, w)) if spatial else None
            row["measured"] = f"{measured[0]}x{measured[1]}" if measured else "-"
        rows.append({_say(head): value for head, value in row.items()})
    return pd.DataFrame(rows).set_index(_say("layer"))
