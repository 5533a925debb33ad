"""Text helpers with no domain words: accent folding, slugs and near-miss suggestions."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "DASH", "MINUS", "closest", "fold", "format_count", "format_list", "format_range",
    "format_signed", "format_years", "person_key", "short_slug", "slugify", "strip_accents",
]

#: The minus sign (U+2212) every formatted negative number uses, never a hyphen.
MINUS = "\u2212"
#: The en dash between the ends of a range: '2 100–2 400', '2023–2035'.
DASH = "\u2013"


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


def format_count(x: float, space: str = " ") -> str:
    """4912345.2 → '4 912 345' (Swedish thousands separator, no decimals); a negative
    number gets the minus sign U+2212, not a hyphen. Tables and pages pass
    ``space="\u00a0"`` so that a number never breaks over two lines.

    >>> format_count(4912345.2), format_count(-2400) == "\u22122 400"
    ('4 912 345', True)
    """
    return f"{x:,.0f}".replace(",", space).replace("-", MINUS)


def format_signed(x: float) -> str:
    """A change with its sign: '+1 200', '−900', '0'.

    >>> format_signed(1200), format_signed(-900) == "\u2212900"
    ('+1 200', True)
    """
    text = format_count(x)
    return f"+{text}" if round(x) > 0 else text


def format_range(low: float, high: float, space: str = " ") -> str:
    """The one way to write a range of counts: '2 100–2 400' (en dash, no spaces around it;
    a negative end gets U+2212). Equal ends give one number.

    >>> format_range(2400, 2100)
    '2 100–2 400'
    """
    a, b = sorted((float(low), float(high)))
    first, last = format_count(a, space), format_count(b, space)
    return first if first == last else f"{first}{DASH}{last}"


def format_list(items: Iterable[object], limit: int = 8) -> str:
    """Items joined by commas, the rest counted: 'a, b, … (12 st)'.

    >>> format_list(range(10), limit=3)
    '0, 1, 2, … (10 st)'
    """
    texts = [str(i) for i in items]
    if len(texts) <= limit:
        return ", ".join(texts)
    return ", ".join(texts[:limit]) + f", … ({len(texts)} st)"


def format_years(years: Iterable[int]) -> str:
    """Years as runs: [2010, 2011, 2012, 2015] → '2010–2012, 2015'.

    >>> format_years([2015, 2010, 2011, 2012])
    '2010–2012, 2015'
    """
    ys = sorted({int(y) for y in years})
    if not ys:
        return "(inga år)"
    parts: list[str] = []
    start = prev = ys[0]
    for y in ys[1:] + [None]:  # type: ignore[list-item]
        if y is not None and y == prev + 1:
            prev = y
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(parts)


# --- people's names (issue 15): who is who, and a safe folder name ---------------------------

def person_key(name: str) -> str:
    """The key that tells two people apart: Unicode-normalised, case-folded, spaces and
    separators collapsed as in :func:`fold`, but accents KEPT ("Eva Öberg" and "Eva Oberg"
    are two people; "eva  öberg" and "Eva-Öberg" one). The one rule by which the roster,
    release and collect compare names.

    >>> person_key(" Eva  ÖBERG ") == person_key("Eva Öberg") != person_key("Eva Oberg")
    True
    """
    text = unicodedata.normalize("NFC", str(name)).casefold()
    return re.sub(r"[\s\-_.,]+", " ", text).strip()


def short_slug(text: str, limit: int = 60, fallback: str = "deltagare") -> str:
    """:func:`slugify`, at most ``limit`` characters: a longer slug is cut and given a
    hash of the full text, so that two long names that begin alike stay apart.

    >>> len(short_slug("a" * 300)) <= 60
    True
    """
    import hashlib

    slug = slugify(text) or fallback
    if len(slug) <= limit:
        return slug
    digest = hashlib.sha256(person_key(text).encode("utf-8")).hexdigest()[:8]
    return slug[:limit - 9].rstrip("-") + "-" + digest
