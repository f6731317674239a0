"""The settings' checks, written once: a learning rate, a batch size, a patience, a dropout...

``TrainConfig``, the models' constructors and the registry's overrides all check a setting with
``check`` (and a choice among names with ``check_choice``), so a setting means the same thing
wherever it is given, and a bad value is always a ``SettingsError`` (a ``ValueError``) raised
before any work, naming the setting, what it must be and what it got.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from .errors import SettingsError


def is_whole(value: Any, low: int) -> bool:
    """``value`` is an int (not a bool: ``True`` is no batch size) and ``>= low``."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def is_number(value: Any) -> bool:
    """``value`` is a finite int or float (not a bool, not NaN, not infinite)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _whole(low: int) -> Callable[[Any], bool]:
    return lambda v: is_whole(v, low)


def _flag(value: Any) -> bool:
    return isinstance(value, bool)


#: Every checked setting: name -> (whether a value is usable, what a usable value is).
RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "epochs": (_whole(1), "an int >= 1"),
    "batch_size": (_whole(1), "an int >= 1"),
    "eval_batch_size": (_whole(1), "an int >= 1"),
    "hidden_size": (_whole(1), "an int >= 1"),
    "depth": (_whole(1), "an int >= 1"),
    "updates": (_whole(1), "an int >= 1"),
    "seed": (_whole(0), "an int >= 0"),
    "patience": (lambda v: v is None or is_whole(v, 1), "None or an int >= 1"),
    "lr": (lambda v: is_number(v) and v > 0, "a finite number > 0"),
    "gain": (lambda v: is_number(v) and v > 0, "a finite number > 0"),
    "min_delta": (lambda v: is_number(v) and v >= 0, "a finite number >= 0"),
    "dropout": (
        lambda v: is_number(v) and 0 <= v < 1,
        "a number in [0, 1) (1 would zero every activation)",
    ),
    "softmax_output": (_flag, "True or False"),
    "restore_best": (_flag, "True or False"),
    "channels_last": (_flag, "True or False"),
}


def check(name: str, value: Any, prefix: str = "") -> Any:
    """``value``, if setting ``name`` (a key of ``RULES``) may take it; otherwise a
    ``SettingsError``: "<prefix><name> must be <what>, got <value>"."""
    usable, what = RULES[name]
    if not usable(value):
        raise SettingsError(f"{prefix}{name} must be {what}, got {value!r}")
    return value


def check_choice(name: str, value: Any, choices: Iterable[str]) -> Any:
    """``value``, if it is one of ``choices``; otherwise a ``SettingsError`` naming them."""
    names = list(choices)
    if value not in names:
        raise SettingsError(f"{name} must be one of {names}, got {value!r}")
    return value
