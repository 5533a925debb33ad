"""Notebook parameters: validate what a participant or papermill put in the parameters cell
and show a short summary at the top of the executed notebook."""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass

from .data import available_years, source_note
from .errors import KompetensError
from .regions import region_name, resolve_region


@dataclass(frozen=True)
class Params:
    """Validated notebook parameters."""

    region: str
    region_name: str
    base_year: int
    source: str
    source_note: str

    def as_dict(self) -> dict:
        return asdict(self)


def _as_year(value: object, name: str, valid: list[int]) -> int:
    span = f"{valid[0]}–{valid[-1]}"
    if isinstance(value, bool):
        raise KompetensError(f"Parametern {name} ska vara ett årtal ({span}), inte {value!r}.")
    try:
        year = int(str(value).strip())
    except ValueError:
        raise KompetensError(
            f"Parametern {name} ska vara ett årtal, t.ex. {valid[-1]}; fick {value!r}. "
            f"Giltiga år: {span}."
        ) from None
    if year not in valid:
        raise KompetensError(f"{name} = {year} finns inte i data. Giltiga år: {span}.")
    return year


def validate(region: object, base_year: object = None, source: object = None) -> Params:
    """Check the common parameters and return them normalised.

    ``region`` may be a code, a name or an integer (papermill's ``-p region 05`` gives
    ``5``); ``base_year`` must be a year of the employment history (default: the latest);
    ``source`` is the data source ("example" or a folder; default: the bundled example).
    Raises :class:`KompetensError` in Swedish naming the valid choices.
    """
    code = resolve_region(region)
    source_text = "example" if source in (None, "") else str(source)
    years = available_years("employed", source_text)
    year = years[-1] if base_year in (None, "") else _as_year(base_year, "base_year", years)
    return Params(code, region_name(code), year, source_text, source_note("employed", source_text))


def summary_bundle(params: Params) -> dict:
    """Display bundle summarising the parameters (HTML and plain text)."""
    rows = [("Län", f"{params.region_name} ({params.region})"),
            ("Basår", str(params.base_year)),
            ("Datakälla", params.source_note)]
    body = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                   f"<td style='text-align:left'>{html.escape(v)}</td></tr>" for k, v in rows)
    return {
        "text/html": f"<table class='kompetens-parametrar'><caption>Parametrar för den här "
                     f"körningen</caption>{body}</table>",
        "text/plain": "Parametrar: " + "; ".join(f"{k}: {v}" for k, v in rows),
    }


def show(params: Params) -> None:
    """Display the parameter summary in a notebook."""
    from IPython.display import display

    display(summary_bundle(params), raw=True)
