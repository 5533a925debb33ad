"""Read a participant's establishment scenario from a TOML or CSV file (format: docs/scenarier.md).

The file only lists events; :func:`kompetens_lib.methods.establishments.parse_events`
validates them, with Swedish messages that name the event and the field.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tomllib
from pathlib import Path

from kompetens_lib.data.tables import example_dir
from kompetens_lib.errors import ScenarioError
from kompetens_lib.methods.establishments import Establishment, parse_events

__all__ = ["EXAMPLE_SCENARIO", "example_scenario_path", "read_events", "read_scenario",
           "scenario_title", "scenario_toml"]

EXAMPLE_SCENARIO = "norrbotten_grön_industri.toml"
#: Keys of the TOML file's list of events (Swedish first); other top-level keys describe it.
_EVENT_KEYS = ("etablering", "etableringar", "establishment", "establishments")
_INFO_KEYS = ("beskrivning", "description", "syntetiskt", "synthetic", "titel", "title")


def example_scenario_path() -> Path:
    """The worked example scenario for the example data (a synthetic green-industry plant)."""
    return example_dir() / EXAMPLE_SCENARIO


def read_events(path: str | os.PathLike) -> list[dict]:
    """The events of a scenario file as plain dicts (not yet validated).

    TOML: an array of tables ``[[etablering]]``; CSV: one event per row with the field names
    as headers (comma or semicolon separated; ``utbildningsmix`` as ``505:0.4 | 501:0.6``).
    """
    file = Path(path)
    origin = file.name
    if not file.is_file():
        raise ScenarioError([f"filen {str(file)!r} finns inte."], origin)
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError(["filen är inte sparad som UTF-8; spara om den som UTF-8."],
                            origin) from None
    suffix = file.suffix.lower()
    if suffix == ".toml":
        return _toml_events(text, origin)
    if suffix in (".csv", ".txt"):
        return _csv_events(text, origin)
    raise ScenarioError([f"filtypen {suffix or '(ingen)'} stöds inte; använd .toml eller .csv."],
                        origin)


def _toml_events(text: str, origin: str) -> list[dict]:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"filen är inte giltig TOML ({exc}). Jämför med exemplet i "
                             "docs/scenarier.md: varje etablering börjar med [[etablering]], "
                             "text står inom citattecken och nycklar med å, ä eller ö också "
                             "(\"län\" = \"25\"), eller skrivs utan prickar (lan = \"25\")."],
                            origin) from None
    unknown = [k for k in document if k not in _EVENT_KEYS + _INFO_KEYS]
    if unknown:
        raise ScenarioError([f"okända nycklar {', '.join(map(repr, unknown))} överst i filen. "
                             "Etableringar skrivs som [[etablering]]; överst får bara "
                             f"{', '.join(_INFO_KEYS[::2])} stå."], origin)
    events: list = []
    for key in _EVENT_KEYS:
        value = document.get(key)
        if isinstance(value, dict):
            value = [value]
        if value:
            events.extend(value)
    if not events:
        raise ScenarioError(["filen har inga etableringar; skriv varje etablering som en "
                             "tabell [[etablering]]."], origin)
    return events


def _csv_events(text: str, origin: str) -> list[dict]:
    sample = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    events = []
    problems = []
    for n, row in enumerate(reader, 2):
        event = {str(k).strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if not any(event.values()):
            continue
        mix_key = next((k for k in event if k.casefold() in ("utbildningsmix", "mix")), None)
        if mix_key is not None:
            mix_text = event.pop(mix_key)
            if mix_text:
                mix = {}
                for part in mix_text.split("|"):
                    group, sep, share = part.partition(":")
                    if not sep:
                        problems.append(f"rad {n}: 'utbildningsmix' ska skrivas som "
                                        f"grupp:andel | grupp:andel, t.ex. 505:0,4 | 501:0,6; "
                                        f"fick {mix_text!r}.")
                        break
                    mix[group.strip()] = share.strip()
                event["utbildningsmix"] = mix
        events.append(event)
    if problems:
        raise ScenarioError(problems, origin)
    if not events:
        raise ScenarioError(["filen har inga rader med etableringar under rubrikraden."],
                            origin)
    return events


def read_scenario(path: str | os.PathLike, years: list[int] | range | None = None,
                  ) -> list[Establishment]:
    """Read and validate a scenario file; ``years`` is the horizon start years must lie in.

    >>> events = read_scenario(example_scenario_path(), years=range(2023, 2036))
    >>> [(e.region, e.industry, int(e.jobs), e.start_year, e.ramp_years) for e in events][:1]
    [('25', 'C', 3000, 2026, 4)]
    """
    return parse_events(read_events(path), years=years, origin=Path(path).name)


def scenario_title(path: str | os.PathLike) -> str:
    """The description a TOML scenario gives itself (``beskrivning`` or ``titel``), else ""."""
    file = Path(path)
    if file.suffix.lower() != ".toml":
        return ""
    try:
        document = tomllib.loads(file.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""
    for key in ("titel", "title", "beskrivning", "description"):
        value = document.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        # A JSON string is a valid TOML basic string (same escapes, no "\/").
        return json.dumps(value, ensure_ascii=False)
    number = float(value)  # type: ignore[arg-type]
    return str(int(number)) if number.is_integer() else repr(number)


def scenario_toml(events: list[Establishment], description: str = "") -> str:
    """Validated events as a TOML scenario in the format of docs/scenarier.md: only the
    fields (codes for county, industry and groups), no comments, so a copy of a participant's
    file carries nothing but the scenario.

    >>> text = scenario_toml(read_scenario(example_scenario_path()))
    >>> [(e.name, e.jobs) for e in parse_events(tomllib.loads(text)["etablering"])][:1]
    [('Grönt industriverk (exempel)', 3000.0)]
    """
    lines = []
    if description:
        lines += [f"beskrivning = {_toml_value(description)}", ""]
    for event in events:
        lines += ["[[etablering]]", f"namn = {_toml_value(event.name)}",
                  f"\"län\" = {_toml_value(event.region)}",
                  f"\"näringsgren\" = {_toml_value(event.industry)}",
                  f"jobb = {_toml_value(event.jobs)}",
                  f"\"startår\" = {_toml_value(event.start_year)}",
                  f"\"upptrappningsår\" = {_toml_value(event.ramp_years)}"]
        if event.mix:
            lines.append("[etablering.utbildningsmix]")
            lines += [f"{_toml_value(str(group))} = {_toml_value(share)}"
                      for group, share in event.mix.items()]
        lines.append("")
    return "\n".join(lines)
