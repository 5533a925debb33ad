"""Text helpers with no domain words: accent folding, slugs and near-miss suggestions."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["closest", "fold", "slugify", "strip_accents"]


def strip_accents(text: str) -> str:
    """Lower-case and strip accents (å→a, ä→a, ö→o, é→e); nothing else changes.

    >>> strip_accents("Västra Götaland")
    'vastra gotaland'
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse separators to one space: the key to compare by.

    >>> fold(" Skåne-län ")
    'skane lan'
    """
    return re.sub(r"[\s\-_.,]+", " ", strip_accents(text)).strip()


def slugify(text: str) -> str:
    """ASCII slug for file and folder names: 'Västra Götaland' → 'vastra-gotaland'.

    Anything but letters a–z and digits becomes one hyphen, so a chart title such as
    'Efterfrågan 2035: spannet 2015–2023' gives a name every system accepts.

    >>> slugify("Efterfrågan 2035: spannet 2015–2023")
    'efterfragan-2035-spannet-2015-2023'
    """
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate most like ``word`` (for "Menade du …?"), or None.

    >>> closest("skaane", ["skane", "halland"])
    'skane'
    """
    match = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
    return match[0] if match else None
