"""Notebook parameters: validate what a participant or papermill put in the parameters cell
and show a short summary at the top of the executed notebook."""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass

from kompetens_lib.data.tables import available_years, source_note
from kompetens_lib.errors import KompetensError
from kompetens_lib.reference.regions import region_name, resolve_region


@dataclass(frozen=True)
class Params:
    """Validated notebook parameters."""

    region: str
    region_name: str
    base_year: int
    source: str
    source_note: str
    target_year: int | None = None
    method: str | None = None
    interactive: bool = False

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


def _as_bool(value: object, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "ja", "yes"):
        return True
    if text in ("false", "0", "nej", "no", ""):
        return False
    raise KompetensError(f"Parametern {name} ska vara True eller False, inte {value!r}.")


def validate(region: object, base_year: object = None, source: object = None, *,
             target_year: object = None, method: object = None,
             interactive: object = False) -> Params:
    """Check the common parameters and return them normalised.

    ``region`` may be a code, a name or an integer (papermill's ``-p region 05`` gives
    ``5``); ``base_year`` must be a year of the employment history (default: the latest);
    ``source`` is the data source ("example" or a folder; default: ``$KOMPETENS_DATA`` or
    the bundled example); ``target_year`` a forecast year after the base year (default: the
    forecast's last year); ``method`` one of the breakdown methods (by code or Swedish
    name); ``interactive`` whether widgets are shown (False in batch runs).
    Raises :class:`KompetensError` in Swedish naming the valid choices.
    """
    import os

    code = resolve_region(region)
    if source in (None, ""):
        source = os.environ.get("KOMPETENS_DATA") or "example"
    source_text = str(source)
    # The notebook's choice of data source holds for every later load in this kernel.
    available_years("employed", source_text)  # an unknown source stops here, in Swedish
    os.environ["KOMPETENS_DATA"] = source_text
    years = available_years("employed", source_text)
    year = years[-1] if base_year in (None, "") else _as_year(base_year, "base_year", years)
    target = None
    if target_year not in (None, ""):
        forecast_years = [y for y in available_years("national_forecast", source_text) if y > year]
        if not forecast_years:
            raise KompetensError(f"Prognosen har inga år efter basåret {year}.")
        target = _as_year(target_year, "target_year", forecast_years)
    chosen = None
    if method not in (None, ""):
        from kompetens_lib.methods.breakdown import resolve_method

        chosen = resolve_method(method)
    return Params(code, region_name(code), year, source_text,
                  source_note("employed", source_text), target, chosen,
                  _as_bool(interactive, "interactive"))


def summary_bundle(params: Params) -> dict:
    """Display bundle summarising the parameters (HTML and plain text)."""
    rows = [("Län", f"{params.region_name} ({params.region})"),
            ("Basår", str(params.base_year))]
    if params.target_year is not None:
        rows.append(("Målår", str(params.target_year)))
    if params.method is not None:
        from kompetens_lib.methods.breakdown import METHOD_LABELS

        rows.append(("Metod", METHOD_LABELS.get(params.method, params.method)))
    rows.append(("Datakälla", params.source_note))
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
