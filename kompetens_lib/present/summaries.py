"""Summaries shown at the top of a notebook: the run's parameters, the participant's mandate
(and whether it was saved), and the key figures of notebook 01 (nuläge)."""

from __future__ import annotations

import datetime as dt
import html
import os
from typing import Any

from kompetens_lib.present import keyfigures
from kompetens_lib.workbook.forecast import method_label
from kompetens_lib.workbook.mandate import (
    EXAMPLE_TITLE,
    FIELD_LABELS,
    Mandate,
    NotSaved,
    Saved,
    check,
    hints,
)
from kompetens_lib.workbook.mandate import load as load_mandate
from kompetens_lib.workbook.mandate import save as save_mandate_file
from kompetens_lib.workbook.mandate import save_if as _save_if
from kompetens_lib.workbook.params import SCENARIO_DEFAULTS, Params
from kompetens_lib.workbook.profile import KEY_FIGURE_LABELS

__all__ = [
    "HIDDEN_NAME",
    "KEY_FIGURES_MIME",
    "NAMES_ENV",
    "PERSONAL_FIELDS",
    "SaveNote",
    "key_figures_bundle",
    "mandate_bundle",
    "mandate_html",
    "mandate_text",
    "names_hidden",
    "params_bundle",
    "read_key_figures",
    "save_mandate",
    "save_mandate_if",
    "show_key_figures",
    "show_mandate",
    "show_params",
]

#: The MIME type the key figures are embedded under in an executed notebook.
KEY_FIGURES_MIME = keyfigures.MIME


# ----------------------------------------------------------------------------------------
# Parameters
# ----------------------------------------------------------------------------------------


def params_bundle(params: Params) -> dict:
    """Display bundle summarising the parameters (HTML and plain text)."""
    rows = [("Län", f"{params.region_name} ({params.region})"),
            ("Basår", str(params.base_year))]
    if params.target_year is not None:
        rows.append(("Målår", str(params.target_year)))
    if params.method is not None:
        rows.append(("Metod", method_label(params.method)))
    rows.append(("Datakälla", params.source_note.removeprefix("Källa: ")))
    rows.extend(_scenario_rows(params))
    body = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                   f"<td style='text-align:left'>{html.escape(v)}</td></tr>" for k, v in rows)
    return {
        "text/html": f"<table class='kompetens-parametrar'><caption>Parametrar för den här "
                     f"körningen</caption>{body}</table>",
        "text/plain": "Parametrar: " + "; ".join(f"{k}: {v}" for k, v in rows),
    }


#: Swedish names of the scenario parameters, shown when a run departs from the default.
SCENARIO_NAMES: dict[str, str] = {
    "damping": "Dämpning λ",
    "credibility": "Felbandets k (personer)",
    "band_quantile": "Andel av felen inom felbandet",
    "ras_totals": "RAS-länstotaler",
    "exit_age": "Utträdesålder",
    "net_out_migration": "Nettoutflyttning av förvärvsarbetande per år",
    "net_migration": "Nettoinflyttning per år, andel av arbetskraften",
    "participation_change": "Förändrat arbetskraftsdeltagande till målåret, procentenheter",
    "participation_bands": "Åldersgrupper med förändrat deltagande",
    "openings": "Rekryteringsbehovets läsart",
    "basis": "Balansens grund",
}


def _scenario_rows(params: Params) -> list[tuple[str, str]]:
    """One row per scenario parameter that differs from its default (no scenario, no rows);
    the age bands only with a participation change."""
    rows = []
    for name, label in SCENARIO_NAMES.items():
        value, default = getattr(params, name), SCENARIO_DEFAULTS[name]
        if value == default or (name == "participation_bands"
                                and not params.participation_change):
            continue
        text = ", ".join(value) if isinstance(value, tuple) else str(value)
        rows.append((f"Scenario: {label}", text.replace(".", ",") if isinstance(value, float)
                     else text))
    return rows


def show_params(params: Params) -> None:
    """Display the parameter summary in a notebook."""
    from IPython.display import display

    display(params_bundle(params), raw=True)


# ----------------------------------------------------------------------------------------
# Mandate
# ----------------------------------------------------------------------------------------


#: Environment variable of a batch run: "dolj" (hide; ``kompetens run``'s default) leaves
#: the names of a mandate's people out of what the run writes, "visa" shows them (``kompetens
#: run --med-namn``). Unset, as in a participant's own JupyterLab, names are shown.
NAMES_ENV = "KOMPETENS_NAMN"
#: The mandate's fields that name people.
PERSONAL_FIELDS = ("requested_by", "recipient")
HIDDEN_NAME = "(namn visas inte i bygget)"


def names_hidden() -> bool:
    """Whether the names of people are left out of what this process shows (see
    :data:`NAMES_ENV`)."""
    return os.environ.get(NAMES_ENV, "").strip().casefold() in ("dolj", "döljs", "dölj")


def _value_text(mandate: Mandate, name: str) -> str:
    value = getattr(mandate, name)
    if isinstance(value, dt.date):
        return value.isoformat()
    if value and name in PERSONAL_FIELDS and not mandate.example and names_hidden():
        return HIDDEN_NAME
    return value


def mandate_text(mandate: Mandate) -> str:
    """Plain-text rendering (for logs and the text/plain output)."""
    head = EXAMPLE_TITLE if mandate.example else f"Uppdrag för {mandate.region_name}"
    lines = [head]
    for name, label in FIELD_LABELS.items():
        lines.append(f"  {label}: {_value_text(mandate, name) or '(saknas)'}")
    problems = check(mandate)
    if problems:
        lines.append("  Saknas: " + " ".join(problems))
    return "\n".join(lines)


_BOX = ("border:1px solid {border};border-left:6px solid {border};background:{background};"
        "padding:10px 14px;margin:6px 0 12px 0;max-width:860px;font-size:14px;"
        "line-height:1.45;color:#1b1b1b")


def mandate_html(mandate: Mandate, *, heading_level: int = 3) -> str:
    """An HTML box for the top of a notebook, report or brief; the example is marked."""
    level = min(max(int(heading_level), 2), 6)
    if mandate.example:
        style = _BOX.format(border="#d9822b", background="#fff6ea")
        title = EXAMPLE_TITLE
        intro = (
            "<p style='margin:4px 0 8px 0'>Det här är arbetsbokens exempel på ett uppdrag för "
            f"{html.escape(mandate.region_name)}. Formulera ditt eget tillsammans med din chef "
            "i anteckningsboken <em>00_kom_igang</em>, så står det här i stället.</p>"
        )
    else:
        style = _BOX.format(border="#1f5f8b", background="#f3f7fa")
        title = f"Uppdrag för {mandate.region_name}"
        intro = ""
    rows = []
    for name, label in FIELD_LABELS.items():
        value = _value_text(mandate, name)
        shown = (html.escape(value) if value
                 else "<em style='color:#c2495b'>saknas</em>")
        rows.append(
            f"<tr><th style='text-align:left;vertical-align:top;padding:2px 12px 2px 0;"
            f"white-space:nowrap;font-weight:600'>{html.escape(label)}</th>"
            f"<td style='text-align:left;padding:2px 0'>{shown}</td></tr>"
        )
    problems = check(mandate)
    foot = ""
    if problems:
        items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
        foot = (f"<p style='margin:8px 0 2px 0;font-weight:600'>Det här behöver uppdraget "
                f"innan det kan styra analysen:</p><ul style='margin:0'>{items}</ul>")
    elif not mandate.example:
        tips = hints(mandate)
        foot = "".join(f"<p style='margin:6px 0 0 0'>Tips: {html.escape(t)}</p>" for t in tips)
    return (
        f"<div class='kompetens-uppdrag' style='{style}'>"
        f"<h{level} style='margin:0 0 4px 0'>{html.escape(title)}</h{level}>{intro}"
        f"<table style='border-collapse:collapse'>{''.join(rows)}</table>{foot}</div>"
    )


def mandate_bundle(mandate: Mandate) -> dict:
    """Display bundle of a mandate (HTML and plain text)."""
    return {"text/html": mandate_html(mandate), "text/plain": mandate_text(mandate)}


def show_mandate(mandate: Mandate | object) -> None:
    """Show a mandate in a notebook; given a county (code or name) show its saved mandate
    (or the example)."""
    from IPython.display import display

    if not isinstance(mandate, Mandate):
        mandate = load_mandate(mandate)
    display(mandate_bundle(mandate), raw=True)


class SaveNote:
    """What saving a mandate did (:class:`~kompetens_lib.workbook.mandate.Saved` or
    :class:`~kompetens_lib.workbook.mandate.NotSaved`), shown as a note in a notebook.

    Every attribute of the result (``path``, ``previous``, ``unchanged``) reads through.
    """

    def __init__(self, result: Saved | NotSaved) -> None:
        self.result = result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.result, name)

    def _repr_html_(self) -> str:
        return f"<p class='kompetens-uppdrag-sparat'>{html.escape(self.result.message())}</p>"

    def __str__(self) -> str:
        return str(self.result)

    def __repr__(self) -> str:
        return repr(self.result)


def save_mandate(mandate: Mandate, directory: str | os.PathLike | None = None, **options: Any
                 ) -> SaveNote:
    """:func:`kompetens_lib.workbook.mandate.save`, as a note for the notebook."""
    return SaveNote(save_mandate_file(mandate, directory, **options))


def save_mandate_if(flag: object, mandate: Mandate,
                    directory: str | os.PathLike | None = None) -> SaveNote:
    """:func:`kompetens_lib.workbook.mandate.save_if`, as a note for the notebook."""
    return SaveNote(_save_if(flag, mandate, directory))


# ----------------------------------------------------------------------------------------
# Key figures of notebook 01 (nuläge)
# ----------------------------------------------------------------------------------------


def _key_figures_title(figures: dict) -> str:
    return f"Nyckeltal för {figures['region_name']} {figures['year']}"


def key_figures_bundle(figures: dict, *, note: str = "") -> dict:
    """Display bundle of :func:`kompetens_lib.workbook.profile.key_figures` (see
    :mod:`kompetens_lib.present.keyfigures`)."""
    return keyfigures.bundle(figures, section="nulage", title=_key_figures_title(figures),
                             labels=KEY_FIGURE_LABELS, note=note)


def show_key_figures(figures: dict, *, note: str = "") -> None:
    """Display the nuläge key figures in a notebook."""
    keyfigures.show(figures, section="nulage", title=_key_figures_title(figures),
                    labels=KEY_FIGURE_LABELS, note=note)


def read_key_figures(notebook) -> list[dict]:
    """Key figures shown in an executed notebook, without their ``section`` tag."""
    return [{k: v for k, v in r.items() if k != "section"} for r in keyfigures.read(notebook)]
