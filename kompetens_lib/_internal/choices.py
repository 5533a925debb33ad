"""The one resolver for a choice among named codes, in code or label form."""

from __future__ import annotations

from collections.abc import Mapping

from kompetens_lib._internal.text import fold
from kompetens_lib.errors import KompetensError

__all__ = ["choice_key", "resolve_choice"]


def choice_key(text: str) -> str:
    """The form choices are compared in: case, accents, spaces, hyphens and underscores folded.

    >>> choice_key("Fixed-share") == choice_key("fixed share") == choice_key("FIXED_SHARE")
    True
    """
    return fold(text.replace("_", " "))


def resolve_choice(value: object, what: str, choices: Mapping[str, str]) -> str:
    """The code in ``choices`` (code → Swedish label) that ``value`` names, by code or label.

    ``what`` is the Swedish word for the kind of choice, used in the error ("metod").

    >>> resolve_choice("Fast andel", "metod", {"fixed_share": "Fast andel"})
    'fixed_share'
    """
    if isinstance(value, str):
        key = choice_key(value)
        for code, label in choices.items():
            if key in (choice_key(code), choice_key(label)):
                return code
    listing = ", ".join(f"'{c}' ({label})" for c, label in choices.items())
    raise KompetensError(f"Okänd {what}: {value!r}. Giltiga val: {listing}.")
