"""Rerun another region's notebook for your own county ("låna ett exempel").

``kompetens adapt THEIR.ipynb --region 05`` finds the notebook's parameters cell, shows which
parameters change, runs it for the new county with papermill and prints the key figures of
theirs beside yours. The original notebook is never modified.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from kompetens_lib.errors import KompetensError
from kompetens_lib.present import keyfigures
from kompetens_lib.publish.executor import execute_notebook
from kompetens_lib.publish.runner import literal_parameters, parameters_cell
from kompetens_lib.reference.regions import region_name, regions, resolve_region

DEFAULT_OUT = "anpassade"


@dataclass
class Plan:
    notebook: Path
    their_region: str | None
    region: str
    current: dict
    changes: dict = field(default_factory=dict)


def _candidate_cell(nb: nbformat.NotebookNode) -> int | None:
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "region" in literal_parameters_safe(cell.source):
            return index
    return None


def literal_parameters_safe(source: str) -> dict:
    try:
        return literal_parameters(source)
    except KompetensError:
        return {}


def make_plan(path: Path, region: object, overrides: dict | None = None) -> Plan:
    """Read the notebook and work out what will change; explain if it cannot be adapted."""
    path = Path(path)
    if not path.exists():
        raise KompetensError(f"Filen {path} finns inte. Ange sökvägen till en .ipynb-fil.")
    if path.suffix != ".ipynb":
        raise KompetensError(f"{path.name} är ingen anteckningsbok (.ipynb).")
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - any reader failure becomes a Swedish message
        raise KompetensError(f"{path.name} kunde inte läsas som anteckningsbok: {exc}") from None
    code = resolve_region(region)
    index = parameters_cell(nb)
    if index is None:
        candidate = _candidate_cell(nb)
        where = (f" Cell {candidate + 1} sätter redan region – det är troligen den."
                 if candidate is not None else "")
        raise KompetensError(
            f"{path.name} saknar en parametercell, så den kan inte köras om för ett annat län."
            f"{where} Så lägger du till en: samla parametrarna (t.ex. region = \"12\") i en egen "
            "kodcell överst, markera cellen i JupyterLab, öppna kugghjulet (Property Inspector) "
            "i högerpanelen och lägg till taggen parameters under Cell Tags. Spara och försök "
            "igen."
        )
    current = literal_parameters(nb.cells[index].source)
    if "region" not in current:
        raise KompetensError(
            f"Parametercellen i {path.name} har ingen parameter region. Lägg till en rad som "
            "region = \"12\" i parametercellen, så att anteckningsboken kan köras för ett annat "
            "län.")
    their = None
    try:
        their = resolve_region(current["region"])
    except KompetensError:
        pass
    changes = {"region": code}
    for key, value in (overrides or {}).items():
        if key not in current:
            valid = ", ".join(sorted(current))
            raise KompetensError(f"Parametern {key!r} finns inte i {path.name}. Parametrar som "
                                 f"finns: {valid}.")
        changes[key] = value
    return Plan(path, their, code, current, changes)


def describe(plan: Plan) -> str:
    """Swedish lines saying which parameters change, from what to what."""
    lines = [f"Anteckningsbok: {plan.notebook.name}"]
    for key, new in plan.changes.items():
        old = plan.current.get(key)
        if key == "region":
            old_text = f"{old!r} ({region_name(plan.their_region)})" if plan.their_region \
                else repr(old)
            new_text = f"{new!r} ({region_name(new)})"
        else:
            old_text, new_text = repr(old), repr(new)
        status = "oförändrad" if old == new else "ändras"
        lines.append(f"  {key}: {old_text} → {new_text}  [{status}]")
    kept = [k for k in plan.current if k not in plan.changes]
    if kept:
        lines.append("  Oförändrade parametrar: " + ", ".join(
            f"{k} = {plan.current[k]!r}" for k in kept))
    return "\n".join(lines)


def _free_path(path: Path) -> Path:
    """``path`` if it does not exist, else ``name-2.ext``, ``name-3.ext``…: never overwrite."""
    if not path.exists():
        return path
    n = 2
    while True:
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


def execute(plan: Plan, out_dir: Path, parameters: dict, *, timeout: int = 600) -> Path:
    """Run the notebook with ``parameters`` into a new file in ``out_dir``; return its path.

    A failed run is kept (it shows where it failed) and reported in a KompetensError."""
    out_dir.mkdir(parents=True, exist_ok=True)
    slug = regions().set_index("code").loc[parameters["region"], "slug"]
    target = _free_path(out_dir / f"{plan.notebook.stem}-{parameters['region']}-{slug}.ipynb")
    run = execute_notebook(plan.notebook, target, parameters=parameters, kernel="plain",
                           cwd=plan.notebook.parent, cell_timeout=timeout, keep_failed=True)
    if not run.ok:
        where = (f" Den körda anteckningsboken med felet: {target}" if target.exists()
                 else " Ingen anteckningsbok skrevs.")
        raise KompetensError(
            f"Körningen för {region_name(parameters['region'])} misslyckades: "
            f"{run.error}.{where}")
    return target


def _is_year(key: str, value: object) -> bool:
    name = str(key).casefold()
    return (name.endswith(("year", "_ar", "år")) and isinstance(value, (int, float))
            and not isinstance(value, bool) and float(value).is_integer()
            and 1000 <= value <= 9999)


def _format(key: str, value: object) -> str:
    """A key figure as text; a year as a year ("2023", never "2 023")."""
    if _is_year(key, value):
        return str(int(value))
    return keyfigures.format_value(key, value)


def side_by_side(theirs: Path | None, yours: Path, their_name: str, your_name: str) -> str:
    """Key figures of both runs side by side, labelled in Swedish (long values on own lines)."""
    mine = keyfigures.by_section(keyfigures.read(yours))
    other = keyfigures.by_section(keyfigures.read(theirs)) if theirs else {}
    labels = keyfigures.read_labels(yours)
    if not mine:
        return "Anteckningsboken visar inga nyckeltal (keyfigures.show), så inget att jämföra."
    rows = []
    for section, figures in mine.items():
        keys = [k for k in labels if k in figures] + [k for k in figures if k not in labels]
        for key in keys:
            if key in ("region", "region_name", "year"):
                continue
            their_value = other.get(section, {}).get(key)
            rows.append((labels.get(key, key),
                         _format(key, their_value) if their_value is not None else "–",
                         _format(key, figures[key])))
    short = [r for r in rows if max(len(r[1]), len(r[2])) <= 24]
    width = max([len(r[0]) for r in short] + [9])
    col = max([len(r[1]) for r in short] + [len(their_name)])
    lines = [f"{'Nyckeltal':<{width}}  {their_name:>{col}}  {your_name}"]
    for label, a, b in rows:
        if max(len(a), len(b)) <= 24:
            lines.append(f"{label:<{width}}  {a:>{col}}  {b}")
        else:
            lines += [f"{label}:", f"    {their_name}: {a}", f"    {your_name}: {b}"]
    return "\n".join(lines)


def adapt(path: Path, region: object, *, out_dir: Path | None = None,
          overrides: dict | None = None, timeout: int = 600, echo=print) -> Path:
    """Rerun another region's notebook for ``region`` and compare key figures."""
    plan = make_plan(path, region, overrides)
    echo(describe(plan))
    out_dir = Path(out_dir or DEFAULT_OUT)
    params = {**plan.changes}
    echo(f"Kör för {region_name(plan.region)} …")
    yours = execute(plan, out_dir, params, timeout=timeout)
    echo(f"Klar: {yours}")
    theirs: Path | None = None
    their_name = "deras"
    if plan.their_region:
        their_name = region_name(plan.their_region)
        stored = nbformat.read(plan.notebook, as_version=4)
        if keyfigures.read(stored):
            theirs = plan.notebook
        elif plan.their_region != plan.region:
            echo(f"Deras anteckningsbok saknar sparade resultat; kör den även för {their_name} …")
            theirs = execute(plan, out_dir, {**params, "region": plan.their_region},
                             timeout=timeout)
        else:
            theirs = yours
    echo("")
    echo(side_by_side(theirs, yours, their_name, region_name(plan.region)))
    return yours
