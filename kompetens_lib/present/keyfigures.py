"""Key figures that a notebook shows: an HTML table for readers and the same figures as JSON
under :data:`MIME`, so that runs, reports, the cohort overview and tests can read them back
from the executed notebook."""

from __future__ import annotations

import html
import json
import os
from typing import Any

from kompetens_lib._internal.text import MINUS, format_range

MIME = "application/vnd.kompetens.keyfigures+json"


def format_value(key: str, value: Any) -> str:
    """Swedish display of a value: thousands with a space, decimal comma, shares as percent.

    Keys starting with ``share`` (or containing ``_share``) and floats in [0, 1] under such
    keys are percentages; other floats get two decimals; lists are joined.
    """
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u00a0").replace("-", MINUS)
    if isinstance(value, float):
        if key.startswith("share") or "_share" in key:
            return f"{value * 100:.1f} %".replace(".", ",").replace("-", MINUS)
        return f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",").replace("-", MINUS)
    if (key.endswith("_range") and isinstance(value, (list, tuple)) and len(value) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
        return format_range(*value, space="\u00a0")
    if key.endswith("_range") and isinstance(value, dict) and set(value) == {"lägst", "högst"}:
        # Shown as every other range is (146 500–152 500); the JSON keeps its two names.
        return format_value(key, [value["lägst"], value["högst"]])
    if isinstance(value, dict):
        return ", ".join(f"{k}: {format_value(key, v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        parts = []
        for item in value:
            if isinstance(item, dict) and "group" in item:
                rest = [format_value(k, v) for k, v in item.items() if k != "group"]
                parts.append(f"{item['group']} ({', '.join(rest)})" if rest else str(item["group"]))
            else:
                parts.append(format_value(key, item))
        return ", ".join(parts)
    return str(value)


def bundle(figures: dict, *, section: str, title: str, labels: dict[str, str],
           note: str = "") -> dict:
    """Display bundle: HTML table (rows in the order of ``labels``), plain text, and JSON.

    ``figures`` must be JSON-serialisable plain values; the JSON carries them unchanged
    plus ``section`` (e.g. "nulage") so that figures of several notebooks can be told apart.
    """
    json.dumps(figures)  # fail early, in the notebook, if a value is not plain data
    rows = [(label, format_value(key, figures[key])) for key, label in labels.items()
            if key in figures]
    body = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                   f"<td style='text-align:right'>{html.escape(v)}</td></tr>" for k, v in rows)
    foot = f"<p><small>{html.escape(note)}</small></p>" if note else ""
    table = (f"<table class='kompetens-nyckeltal'><caption>{html.escape(title)}</caption>"
             f"{body}</table>{foot}")
    text = title + "\n" + "\n".join(f"  {k}: {v}" for k, v in rows)
    if note:
        text += "\n" + note
    return {"text/html": table, "text/plain": text, MIME: {"section": section, **figures}}


def show(figures: dict, *, section: str, title: str, labels: dict[str, str],
         note: str = "") -> None:
    """Display key figures in a notebook."""
    from IPython.display import display

    display(bundle(figures, section=section, title=title, labels=labels, note=note), raw=True,
            metadata={MIME: {"labels": [[k, v] for k, v in labels.items()], "title": title}})


def read(notebook) -> list[dict]:
    """Key figures shown in an executed notebook (path or nbformat node), in order."""
    import nbformat

    if isinstance(notebook, (str, os.PathLike)):
        notebook = nbformat.read(notebook, as_version=4)
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if MIME in data:
                value = data[MIME]
                found.append(json.loads(value) if isinstance(value, str) else dict(value))
    return found


def read_labels(notebook) -> dict[str, str]:
    """Swedish labels of the key figures shown in an executed notebook (key → label)."""
    import nbformat

    if isinstance(notebook, (str, os.PathLike)):
        notebook = nbformat.read(notebook, as_version=4)
    labels: dict[str, str] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get(MIME, {})
            # Stored as [key, label] pairs: notebook files sort mapping keys on save.
            labels.update({k: v for k, v in meta.get("labels", [])})
    return labels


def by_section(records: list[dict]) -> dict[str, dict]:
    """Group key-figure records by section (later records of a section update earlier)."""
    out: dict[str, dict] = {}
    for record in records:
        section = record.get("section", "övrigt")
        out.setdefault(section, {}).update({k: v for k, v in record.items() if k != "section"})
    return out
