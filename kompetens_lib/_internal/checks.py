"""Checks of single parameter values (a number, a share, a whole number in a range), with
Swedish messages that name the parameter and the valid range."""

from __future__ import annotations

import math
from numbers import Real

from kompetens_lib.errors import KompetensError

__all__ = ["check_flag", "check_number", "check_share", "check_whole_number", "is_share"]


def is_share(value: object, *, allow_zero: bool = True) -> bool:
    """True for a real number (not a bool, not text) in [0, 1], or (0, 1] without zero.

    >>> is_share(0.5), is_share(0, allow_zero=False), is_share(True), is_share("0.5")
    (True, False, False, False)
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        return False
    number = float(value)
    return (0.0 <= number <= 1.0) if allow_zero else (0.0 < number <= 1.0)


def check_number(value: object, name: str, *, text: bool = True) -> float:
    """A finite number from a number or, with ``text``, text such as "0,7" (decimal comma).

    >>> check_number(" 0,7 ", "graduate_share")
    0.7
    """
    if isinstance(value, bool) or (isinstance(value, str) and not text):
        raise KompetensError(f"{name} ska vara ett tal, inte {value!r}.")
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise KompetensError(f"{name} ska vara ett tal, t.ex. 0.7; fick {value!r}.") from None
    if not math.isfinite(number):
        raise KompetensError(f"{name} ska vara ett ändligt tal; fick {value!r}.")
    return number


def _as_number(value: object, *, text: bool) -> float | None:
    """The finite number ``value`` stands for, or None."""
    if isinstance(value, bool) or (isinstance(value, str) and not text):
        return None
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def check_share(
    value: object, name: str, *, allow_zero: bool = True, text: bool = True, hint: str = ""
) -> float:
    """A share: a number in [0, 1] (or (0, 1] when ``allow_zero`` is false).

    ``text`` accepts "0,7" as from a notebook parameter; ``hint`` is a Swedish sentence
    appended to the error (what the ends of the range mean). Anything else, text that is
    not a number included, gets one message naming the range.

    >>> check_share("0,5", "damping")
    0.5
    """
    number = _as_number(value, text=text)
    if number is None or not is_share(number, allow_zero=allow_zero):
        span = "mellan 0 och 1" if allow_zero else "i (0, 1], dvs. större än 0 och högst 1"
        raise KompetensError(
            f"{name} ska vara en andel {span} (t.ex. 0.7 för 70 %); fick {value!r}."
            + (f" {hint}" if hint else "")
        )
    return number


def check_whole_number(
    value: object, name: str, low: int, high: int, *, unit: str = "", example: int | None = None
) -> int:
    """A whole number in [low, high] from a number or text ("67"); Swedish error otherwise.

    >>> check_whole_number("67", "exit_age (utträdesålder)", 60, 72, unit="år")
    67
    """
    number = check_number(value, name)
    if number != int(number) or not low <= number <= high:
        what = f"ett helt antal {unit}" if unit else "ett heltal"
        sample = f", t.ex. {example}" if example is not None else ""
        raise KompetensError(
            f"{name} ska vara {what} mellan {low} och {high}{sample}; fick {value!r}."
        )
    return int(number)


def check_flag(value: object, name: str) -> bool:
    """True or False from a bool or text ("ja", "nej", "True", "0", "" …); Swedish error.

    >>> check_flag("Ja", "save_mandate"), check_flag("", "interactive")
    (True, False)
    """
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in ("true", "1", "ja", "yes"):
        return True
    if text in ("false", "0", "nej", "no", ""):
        return False
    raise KompetensError(f"Parametern {name} ska vara True eller False, inte {value!r}.")
