"""The paper's models: three autoencoders, two classifiers built from their encoders, and
the transfer of encoder weights between them.

Each autoencoder has ``.encoder`` (image -> code of ``hidden_size``) and ``.decoder``
(code -> image in [0, 1], shape (N, 1, 28, 28)). Each classifier has ``.encoder`` (the same
layers, with the paper's dropout changes) and ``.head`` (``Linear(hidden_size, 10)``) and
returns raw logits: ``nn.CrossEntropyLoss`` applies log-softmax itself, and ``argmax`` of the
logits is the prediction.
"""

from __future__ import annotations

import itertools
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import torch
from torch import nn

from .checks import check, check_choice
from .data import IMAGE_SHAPE, NUM_CLASSES
from .errors import FmnistError, SettingsError
from .wording import Texts, Words


def _check_dropout(p: float) -> float:
    return float(check("dropout", p))


def _check_hidden(n: int) -> int:
    return int(check("hidden_size", n))


class Trim(nn.Module):
    """Crop the last two dimensions to ``size`` (Raschka's decoder makes 29x29; we need 28x28)."""

    def __init__(self, size: tuple[int, int] = (28, 28)) -> None:
        super().__init__()
        self.size = tuple(size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, w = self.size
        if x.shape[-2] < h or x.shape[-1] < w:
            raise ValueError(
                f"Trim to {self.size} needs at least that size, got {tuple(x.shape[-2:])}"
            )
        return x[..., :h, :w]

    def extra_repr(self) -> str:
        return f"size={self.size}"


# --------------------------------------------------------------------------- autoencoders
class Autoencoder(nn.Module):
    """An ``encoder`` (image -> code) followed by a ``decoder`` (code -> image in [0, 1])."""

    task = "reconstruction"
    encoder: nn.Sequential
    decoder: nn.Sequential

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


def feedforward_encoder(hidden_size: int, dropout: float) -> nn.Sequential:
    """784 -> ``Linear`` -> ``hidden_size`` units, ReLU, Dropout."""
    return nn.Sequential(
        nn.Flatten(), nn.Linear(28 * 28, hidden_size), nn.ReLU(), nn.Dropout(dropout)
    )


class FeedForwardAutoencoder(Autoencoder):
    """784 -> Linear -> hidden (ReLU, Dropout) -> Linear -> 784 (Sigmoid), the paper's Figure 2."""

    def __init__(self, hidden_size: int = 512, dropout: float = 0.1) -> None:
        super().__init__()
        hidden_size, dropout = _check_hidden(hidden_size), _check_dropout(dropout)
        self.encoder = feedforward_encoder(hidden_size, dropout)
        self.decoder = nn.Sequential(
            nn.Linear(hidden_size, 28 * 28), nn.Sigmoid(), nn.Unflatten(1, IMAGE_SHAPE)
        )


def consigna_encoder(hidden_size: int, dropout: float, classifier: bool = False) -> nn.Sequential:
    """The «consigna» encoder: two conv + max-pool stages, then ``Linear(800, n)`` + ReLU.

    Autoencoder: dropout after each ReLU. Classifier (the paper's change): the first two
    dropouts are removed and the third moves to just after ``Flatten``.
    """
    drop = (lambda: nn.Identity()) if classifier else (lambda: nn.Dropout(dropout))
    layers = [
        nn.Conv2d(1, 16, kernel_size=3),
        nn.ReLU(),
        drop(),  # (16, 26, 26)
        nn.MaxPool2d(kernel_size=2),  # (16, 13, 13)
        nn.Conv2d(16, 32, kernel_size=3),
        nn.ReLU(),
        drop(),  # (32, 11, 11)
        nn.MaxPool2d(kernel_size=2),  # (32, 5, 5)
        nn.Flatten(),  # 800
    ]
    if classifier:
        layers.append(nn.Dropout(dropout))
    layers += [nn.Linear(32 * 5 * 5, hidden_size), nn.ReLU()]
    if not classifier:
        layers.append(nn.Dropout(dropout))
    return nn.Sequential(*[m for m in layers if not isinstance(m, nn.Identity)])


class ConsignaAutoencoder(Autoencoder):
    """The «consigna» convolutional autoencoder (the paper's Figure 3), corrected.

    Corrections to the paper's listing:

    * ``nn.Sequential([...])`` was given a *list*; ``Sequential`` takes modules as separate
      arguments (``nn.Sequential(*layers)``), a list raises ``TypeError``.
    * The listing put a ``Dropout`` *after* the final ``Sigmoid``: in training it would zero
      output pixels (and scale the rest by 1/(1-p), beyond [0, 1]). The decoder ends in ``Sigmoid``.
    """

    def __init__(self, hidden_size: int = 128, dropout: float = 0.0) -> None:
        super().__init__()
        hidden_size, dropout = _check_hidden(hidden_size), _check_dropout(dropout)
        self.encoder = consigna_encoder(hidden_size, dropout)
        self.decoder = nn.Sequential(
            nn.Linear(hidden_size, 32 * 5 * 5),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Unflatten(1, (32, 5, 5)),
            nn.ConvTranspose2d(32, 16, kernel_size=4, stride=2, output_padding=1),  # (16, 13, 13)
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.ConvTranspose2d(16, 1, kernel_size=3, stride=2, output_padding=1),  # (1, 28, 28)
            nn.Sigmoid(),
        )


def raschka_encoder(hidden_size: int, dropout: float, classifier: bool = False) -> nn.Sequential:
    """The «Raschka» encoder: four 3x3 convs (LeakyReLU 0.01), ``Flatten`` and ``Linear(3136, n)``.

    Autoencoder: dropout after the first three activations. Classifier (the paper's change):
    no dropout between the convolutions, one ``Dropout`` just after ``Flatten``.
    """

    def act() -> list[nn.Module]:
        return [nn.LeakyReLU(0.01)] + ([] if classifier else [nn.Dropout(dropout)])

    return nn.Sequential(
        nn.Conv2d(1, 32, kernel_size=3, stride=1, padding=1),
        *act(),  # (32, 28, 28)
        nn.Conv2d(32, 64, kernel_size=3, stride=2, padding=1),
        *act(),  # (64, 14, 14)
        nn.Conv2d(64, 64, kernel_size=3, stride=2, padding=1),
        *act(),  # (64, 7, 7)
        nn.Conv2d(64, 64, kernel_size=3, stride=1, padding=1),  # (64, 7, 7)
        nn.Flatten(),  # 3136
        *([nn.Dropout(dropout)] if classifier else []),
        nn.Linear(64 * 7 * 7, hidden_size),
    )


def raschka_pool_encoder(hidden_size: int, dropout: float) -> nn.Sequential:
    """The Raschka classifier's encoder with max pooling where it has strided convolutions.

    Each stride-2 convolution becomes a stride-1 convolution followed by ``MaxPool2d(2)``: the
    same four 3x3 convolutions (the same weights' shapes, so the same parameter count), the same
    feature-map sizes (28 -> 14 -> 7), the same dropout and head. Only how the maps shrink
    differs; the pooled convolutions cost four times the multiply-adds (they run at full size).
    """
    return nn.Sequential(
        nn.Conv2d(1, 32, kernel_size=3, stride=1, padding=1),
        nn.LeakyReLU(0.01),  # (32, 28, 28)
        nn.Conv2d(32, 64, kernel_size=3, stride=1, padding=1),
        nn.LeakyReLU(0.01),
        nn.MaxPool2d(2),  # (64, 14, 14)
        nn.Conv2d(64, 64, kernel_size=3, stride=1, padding=1),
        nn.LeakyReLU(0.01),
        nn.MaxPool2d(2),  # (64, 7, 7)
        nn.Conv2d(64, 64, kernel_size=3, stride=1, padding=1),  # (64, 7, 7)
        nn.Flatten(),  # 3136
        nn.Dropout(dropout),
        nn.Linear(64 * 7 * 7, hidden_size),
    )


class RaschkaAutoencoder(Autoencoder):
    """The «Raschka» convolutional autoencoder (the paper's Figure 4, after STAT 453), corrected.

    Corrections to the paper's listing:

    * ``nn.Conv2d(1, 32, stride=1, 1, kernel_size=...)`` puts a positional argument after a
      keyword one, a ``SyntaxError``; written here with keywords only.
    * Dimension comments: the second transposed convolution is ``(7-1)*2 - 2*1 + 3 = 13``
      (the listing wrote ``(7-1)*2+2+1``) and the last ``(27-1)*1 - 0 + 3 = 29``
      (the listing wrote ``(27-1)*3+29``). ``Trim`` then crops 29x29 to 28x28.
    """

    def __init__(self, hidden_size: int = 128, dropout: float = 0.0) -> None:
        super().__init__()
        hidden_size, dropout = _check_hidden(hidden_size), _check_dropout(dropout)

        def act() -> list[nn.Module]:
            return [nn.LeakyReLU(0.01), nn.Dropout(dropout)]

        self.encoder = raschka_encoder(hidden_size, dropout)
        self.decoder = nn.Sequential(
            nn.Linear(hidden_size, 64 * 7 * 7),
            nn.Unflatten(1, (64, 7, 7)),
            nn.ConvTranspose2d(64, 64, kernel_size=3, stride=1, padding=1),
            *act(),  # (64, 7, 7)
            nn.ConvTranspose2d(64, 64, kernel_size=3, stride=2, padding=1),
            *act(),  # (64, 13, 13)
            nn.ConvTranspose2d(64, 32, kernel_size=3, stride=2, padding=0),
            *act(),  # (32, 27, 27)
            nn.ConvTranspose2d(32, 1, kernel_size=3, stride=1, padding=0),  # (1, 29, 29)
            Trim((28, 28)),
            nn.Sigmoid(),
        )


# --------------------------------------------------------------------------- classifiers
class EncoderClassifier(nn.Module):
    """An encoder followed by ``Linear(hidden_size, 10)``; returns raw logits (N, 10).

    ``softmax_output=True`` appends a ``Softmax`` — the variant the paper tried and found worse.
    ``nn.CrossEntropyLoss`` expects logits and applies log-softmax itself, so a softmax output is
    squashed twice: the loss then lives in a narrow range and its gradients shrink as soon as
    one probability dominates, so training is slower. The argmax (the prediction) is the same.
    """

    task = "classification"

    def __init__(
        self, encoder: nn.Sequential, hidden_size: int, softmax_output: bool = False
    ) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        self.encoder = encoder
        self.head = nn.Linear(hidden_size, NUM_CLASSES)
        self.output = nn.Softmax(dim=1) if softmax_output else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output(self.head(self.encoder(x)))


class FeedForwardClassifier(EncoderClassifier):
    """The feed-forward autoencoder's encoder (784 -> hidden, ReLU, Dropout) + a linear head.

    Not in the paper's tables; the course uses it to test the paper's conclusion that the
    convolutional nets beat the feed-forward one on classification too.
    """

    def __init__(
        self, hidden_size: int = 512, dropout: float = 0.1, softmax_output: bool = False
    ) -> None:
        encoder = feedforward_encoder(_check_hidden(hidden_size), _check_dropout(dropout))
        super().__init__(encoder, hidden_size, softmax_output)


class ConsignaClassifier(EncoderClassifier):
    """«consigna» encoder (dropout only after ``Flatten``) + a linear head on raw logits."""

    def __init__(
        self, hidden_size: int = 10, dropout: float = 0.8, softmax_output: bool = False
    ) -> None:
        super().__init__(
            consigna_encoder(_check_hidden(hidden_size), _check_dropout(dropout), classifier=True),
            hidden_size,
            softmax_output,
        )


class RaschkaClassifier(EncoderClassifier):
    """«Raschka» encoder (dropout only after ``Flatten``) + a linear head on raw logits.

    As in the paper, the encoder ends in ``Linear(3136, n)`` with no activation, so encoder
    output and head compose into one linear map of rank at most ``n``: a linear bottleneck.
    """

    def __init__(
        self, hidden_size: int = 10, dropout: float = 0.8, softmax_output: bool = False
    ) -> None:
        super().__init__(
            raschka_encoder(_check_hidden(hidden_size), _check_dropout(dropout), classifier=True),
            hidden_size,
            softmax_output,
        )


class RaschkaPoolClassifier(EncoderClassifier):
    """The Raschka classifier with max pooling in place of its strided convolutions
    (``raschka_pool_encoder``): the paper's second open question."""

    def __init__(
        self, hidden_size: int = 10, dropout: float = 0.8, softmax_output: bool = False
    ) -> None:
        encoder = raschka_pool_encoder(_check_hidden(hidden_size), _check_dropout(dropout))
        super().__init__(encoder, hidden_size, softmax_output)


class DeepMLP(nn.Module):
    """A plain deep classifier, ``depth`` hidden layers of ``hidden_size`` units, for the
    gradient lessons.

    With ``activation="sigmoid"`` the gradient reaching the first layers shrinks layer after
    layer (sigmoid' <= 1/4): vanishing gradients. ReLU and LeakyReLU pass gradients through
    unchanged where they are active.
    """

    task = "classification"
    ACTIVATIONS: ClassVar[dict[str, Callable[[], nn.Module]]] = {
        "sigmoid": nn.Sigmoid,
        "tanh": nn.Tanh,
        "relu": nn.ReLU,
        "leaky_relu": lambda: nn.LeakyReLU(0.01),
    }

    def __init__(
        self,
        depth: int = 8,
        hidden_size: int = 64,
        activation: str = "sigmoid",
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        check_choice("activation", activation, self.ACTIVATIONS)
        check("depth", depth)
        _check_dropout(dropout)
        layers: list[nn.Module] = [nn.Flatten()]
        sizes = [28 * 28] + [_check_hidden(hidden_size)] * depth
        for a, b in itertools.pairwise(sizes):
            layers += [nn.Linear(a, b), self.ACTIVATIONS[activation]()]
            if dropout:
                layers.append(nn.Dropout(dropout))
        self.encoder = nn.Sequential(*layers)
        self.head = nn.Linear(hidden_size, NUM_CLASSES)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(x))


MODELS: dict[str, type[nn.Module]] = {
    cls.__name__: cls
    for cls in (
        FeedForwardAutoencoder,
        ConsignaAutoencoder,
        RaschkaAutoencoder,
        FeedForwardClassifier,
        ConsignaClassifier,
        RaschkaClassifier,
        RaschkaPoolClassifier,
        DeepMLP,
    )
}


def model_class(name: str) -> type[nn.Module]:
    """A model class by name; a ``SettingsError`` naming the choices otherwise."""
    if name not in MODELS:
        raise SettingsError(f"unknown model {name!r}; choose one of {sorted(MODELS)}")
    return MODELS[name]


def model_task(name: str) -> str:
    """What model class ``name`` is trained for: ``"reconstruction"`` or ``"classification"``."""
    return str(getattr(model_class(name), "task"))  # noqa: B009 - a class attribute of ours


def build_model(name: str, **kwargs: Any) -> nn.Module:
    """A model by class name, e.g. ``build_model("RaschkaAutoencoder", hidden_size=64)``."""
    return model_class(name)(**kwargs)


#: Variance of a weight, before ``gain``, from its layer's fan-in and fan-out (inputs and outputs
#: per unit: channels x kernel positions for a convolution).
INIT_SCHEMES: dict[str, Callable[[int, int], float]] = {
    "lecun": lambda fan_in, fan_out: 1 / fan_in,  # keeps the variance for tanh near 0
    "glorot": lambda fan_in, fan_out: 2 / (fan_in + fan_out),  # Glorot & Bengio (2010)
    "he": lambda fan_in, fan_out: 2 / fan_in,  # He et al. (2015): ReLU halves the variance
}


def init_weights(model: nn.Module, scheme: str = "he", gain: float = 1.0) -> nn.Module:
    """Redraw every ``Linear`` and ``Conv2d`` weight from a normal distribution with standard
    deviation ``gain * sqrt(INIT_SCHEMES[scheme](fan_in, fan_out))``; biases to zero.

    ``gain`` below 1 makes the signal shrink layer after layer, above 1 grow: the lesson on
    initialisation. Uses the global random generator (seed it first). Returns ``model``.
    """
    check_choice("scheme", scheme, INIT_SCHEMES)
    check("gain", gain)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.Linear, nn.Conv2d)):
                w = module.weight
                per_unit = w[0][0].numel()  # kernel positions (1 for a Linear)
                fan_in, fan_out = w.shape[1] * per_unit, w.shape[0] * per_unit
                w.normal_(0.0, gain * INIT_SCHEMES[scheme](fan_in, fan_out) ** 0.5)
                if module.bias is not None:
                    module.bias.zero_()
    return model


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


# --------------------------------------------------------------------------- transfer learning
#: What ``transfer_encoder`` reports and refuses, in every language of the course (the
#: notebook's language, ``wording.language``, picks one).
TRANSFER_TEXTS: Texts = {
    "copied": {"en": "copied {n} tensors: {names}", "es": "se copiaron {n} tensores: {names}"},
    "refused": {"en": "refused: {layer}", "es": "rechazada: {layer}"},
    "cannot_go": {"en": "{source} cannot go into {target}", "es": "{source} no cabe en {target}"},
    "architecture": {
        "en": "the encoders have {a} and {b} weighted layers: they are not the same architecture",
        "es": "los codificadores tienen {a} y {b} capas con pesos: no son la misma arquitectura",
    },
    "whole": {
        "en": "cannot copy the whole encoder: {refused}. Build the target with the source's "
        "hidden_size, or pass allow_partial=True to copy only the compatible layers.",
        "es": "no se puede copiar el codificador entero: {refused}. Construye el destino con el "
        "hidden_size de la fuente, o pasa allow_partial=True para copiar solo las capas "
        "compatibles.",
    },
}
TRANSFER_WORDS = Words(TRANSFER_TEXTS, "fmnist_lib.models.TRANSFER_TEXTS")
_transfer_text = TRANSFER_WORDS.here  # a text in the notebook's language


class TransferError(FmnistError, ValueError):
    """Encoder weights that cannot be copied (different layers or shapes)."""


@dataclass
class TransferReport:
    copied: list[str] = field(default_factory=list)  # target tensor names, e.g. "encoder.0.weight"
    refused: list[str] = field(
        default_factory=list
    )  # "encoder.8: Linear(800 -> 128) into Linear(800 -> 10)"

    def __str__(self) -> str:
        names = ", ".join(self.copied) or "-"
        lines = [_transfer_text("copied", n=len(self.copied), names=names)]
        lines += [_transfer_text("refused", layer=r) for r in self.refused]
        return "\n".join(lines)


def _weighted_layers(seq: nn.Module) -> list[tuple[str, nn.Module]]:
    return [
        (n, m) for n, m in seq.named_children() if any(True for _ in m.parameters(recurse=False))
    ]


def _describe(m: nn.Module) -> str:
    if isinstance(m, nn.Linear):
        return f"Linear({m.in_features} -> {m.out_features})"
    if isinstance(m, nn.Conv2d):
        return f"Conv2d({m.in_channels} -> {m.out_channels}, k={m.kernel_size})"
    return type(m).__name__


def transfer_encoder(
    source: nn.Module, target: nn.Module, allow_partial: bool = False
) -> TransferReport:
    """Copy ``source.encoder``'s weights into ``target.encoder``, layer by layer, in order.

    Layers are matched by position among the layers that have weights (dropout and activations
    may differ, as they do between an autoencoder and its classifier). A layer whose type or
    tensor shapes differ cannot be copied: with ``allow_partial=False`` nothing is copied and a
    ``TransferError`` says why; with ``allow_partial=True`` the compatible layers are copied, the
    others keep their fresh initialisation, and the report lists both.
    """
    src_layers = _weighted_layers(encoder_of(source))
    dst_layers = _weighted_layers(encoder_of(target))
    if len(src_layers) != len(dst_layers):
        raise TransferError(_transfer_text("architecture", a=len(src_layers), b=len(dst_layers)))
    report, pairs = TransferReport(), []
    for (_, sm), (dn, dm) in zip(src_layers, dst_layers, strict=True):
        s_state, d_state = sm.state_dict(), dm.state_dict()
        same = (
            type(sm) is type(dm)
            and s_state.keys() == d_state.keys()
            and all(s_state[k].shape == d_state[k].shape for k in s_state)
        )
        if same:
            pairs.append((dm, s_state))
            report.copied += [f"encoder.{dn}.{k}" for k in d_state]
        else:
            wont = _transfer_text("cannot_go", source=_describe(sm), target=_describe(dm))
            report.refused.append(f"encoder.{dn}: {wont}")
    if report.refused and not allow_partial:
        raise TransferError(_transfer_text("whole", refused="; ".join(report.refused)))
    with torch.no_grad():
        for module, state in pairs:
            module.load_state_dict(state)
    return report


def encoder_of(model: nn.Module) -> nn.Module:
    """The model's ``encoder``; a ``TypeError`` for a model without one."""
    encoder = getattr(model, "encoder", None)
    if not isinstance(encoder, nn.Module):
        raise TypeError(f"{type(model).__name__} has no encoder")
    return encoder


def _always_eval(self: nn.Module, mode: bool = True) -> nn.Module:
    return nn.Module.train(self, False)


def freeze(module: nn.Module) -> nn.Module:
    """Make ``module`` a fixed part of its model (feature extraction: train only the head): no
    gradient reaches its parameters, and it stays in eval mode when the model is put in train
    mode, so its dropout stays off in training as it is at test time.

    Every layer inside ``module`` is fixed, not only ``module`` itself: a slice such as
    ``model.encoder[:8]`` is a new ``Sequential`` that the model never calls ``train`` on, but
    it holds the model's own layers, and those are what ``model.train()`` reaches."""
    for p in module.parameters():
        p.requires_grad_(False)
    for layer in module.modules():
        layer.train = types.MethodType(_always_eval, layer)  # type: ignore[method-assign]
    module.eval()
    return module
