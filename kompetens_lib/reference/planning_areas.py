"""Planning areas: named lists of municipalities that plan vocational education together.

Since 1 July 2023 municipalities plan upper-secondary and adult vocational education in
planning areas of at least three municipalities, which may cross a county border. An area
is written in a small TOML file (format in docs/data.md, "Planeringsområden"):

.. code-block:: toml

    [Skaraborg]
    kommuner = ["Skövde", "Skara", "Falköping", "1497"]
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kompetens_lib.errors import KompetensError, PlanningAreaError
from kompetens_lib.reference.geography import Area, resolve_area

__all__ = ["MIN_MUNICIPALITIES", "PlanningArea", "planning_area", "planning_areas"]

#: The law's minimum: at least three municipalities cooperate in a planning area.
MIN_MUNICIPALITIES = 3


@dataclass(frozen=True)
class PlanningArea:
    """A validated planning area: its ``name``, its ``municipalities`` (areas of type
    "kommun", in the file's order) and the ``counties`` they lie in (sorted)."""

    name: str
    municipalities: tuple[Area, ...]

    @property
    def codes(self) -> list[str]:
        """The municipality codes ("1496", …)."""
        return [m.code for m in self.municipalities]

    @property
    def counties(self) -> list[str]:
        """The county codes the area touches; more than one when it crosses a border."""
        return sorted({c for m in self.municipalities for c in m.counties})

    def table(self) -> pd.DataFrame:
        """The members as a frame: ``planning_area``, ``code``, ``name``, ``county``."""
        rows = [(self.name, m.code, m.name, m.counties[0]) for m in self.municipalities]
        return pd.DataFrame(rows, columns=["planning_area", "code", "name", "county"]).astype(
            "string"
        )


def _validate(name: str, members: object, where: str) -> PlanningArea:
    problems: list[str] = []
    if not isinstance(members, Sequence) or isinstance(members, (str, bytes)):
        raise PlanningAreaError(
            f"{where}: planeringsområdet {name!r} ska ha en lista 'kommuner' med minst "
            f"{MIN_MUNICIPALITIES} kommuner (kod eller namn), t.ex. "
            "kommuner = [\"Skövde\", \"Skara\", \"1499\"]."
        )
    found: list[Area] = []
    seen: dict[str, object] = {}
    for member in members:
        try:
            area = resolve_area(member, types=("kommun",))
        except KompetensError as exc:
            problems.append(f"{member!r}: {exc}")
            continue
        if area.code in seen:
            problems.append(
                f"{member!r} är samma kommun som {seen[area.code]!r} ({area.code} {area.name})."
            )
            continue
        seen[area.code] = member
        found.append(area)
    if not problems and len(found) < MIN_MUNICIPALITIES:
        problems.append(
            f"området har {len(found)} kommun(er); ett planeringsområde har minst "
            f"{MIN_MUNICIPALITIES} kommuner som samverkar."
        )
    if problems:
        lines = "\n".join(f"- {p}" for p in problems)
        raise PlanningAreaError(f"{where}: planeringsområdet {name!r} är inte giltigt:\n{lines}")
    return PlanningArea(name, tuple(found))


def planning_areas(source: str | os.PathLike[str] | Mapping[str, object]) -> list[PlanningArea]:
    """Read every planning area of a TOML file (or a mapping name → municipalities, or
    name → {"kommuner": [...]}) and validate each.

    Raises :class:`~kompetens_lib.errors.PlanningAreaError` (Swedish) listing every
    unknown municipality, duplicate, or area with fewer than three municipalities.
    """
    if isinstance(source, Mapping):
        data: Mapping[str, object] = source
        where = "planeringsområden"
    else:
        path = Path(source)
        where = path.name
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise PlanningAreaError(f"Filen {str(path)!r} finns inte.") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise PlanningAreaError(
                f"{where}: kan inte läsas som TOML ({exc}). Förväntade t.ex.\n"
                "[Skaraborg]\nkommuner = [\"Skövde\", \"Skara\", \"Falköping\"]"
            ) from None
    if not data:
        raise PlanningAreaError(
            f"{where}: inga planeringsområden. Förväntade en rubrik per område, t.ex. "
            "[Skaraborg], med kommuner = [\"Skövde\", \"Skara\", \"Falköping\"]."
        )
    areas = []
    for name, body in data.items():
        members = body.get("kommuner") if isinstance(body, Mapping) else body
        if isinstance(body, Mapping):
            unknown = sorted(set(body) - {"kommuner", "beskrivning"})
            if unknown:
                raise PlanningAreaError(
                    f"{where}: okända nycklar {unknown} i [{name}]. Giltiga är 'kommuner' och "
                    "'beskrivning'."
                )
        areas.append(_validate(str(name), members, where))
    return areas


def planning_area(
    source: str | os.PathLike[str] | Mapping[str, object] | Sequence[object],
    name: str | None = None,
) -> PlanningArea:
    """One validated planning area, from a TOML file (see :func:`planning_areas`) or a list
    of municipality codes/names (then ``name`` names it).

    With a file of several areas, ``name`` picks one.

    >>> planning_area(["Skövde", "Skara", "1499"], name="Skaraborg").codes
    ['1496', '1495', '1499']
    """
    if isinstance(source, Sequence) and not isinstance(source, (str, bytes)):
        return _validate(name or "planeringsområde", source, "planeringsområde")
    areas = planning_areas(source)  # type: ignore[arg-type]
    if name is None:
        if len(areas) == 1:
            return areas[0]
        raise PlanningAreaError(
            f"Filen har {len(areas)} planeringsområden: "
            + ", ".join(repr(a.name) for a in areas)
            + ". Ange vilket med name=."
        )
    for area in areas:
        if area.name == name:
            return area
    raise PlanningAreaError(
        f"Planeringsområdet {name!r} finns inte. Giltiga är: "
        + ", ".join(repr(a.name) for a in areas)
        + "."
    )
