"""Exercise 8, borrow an example (ovning8_lana_ett_exempel): another region's notebook set
to the participant's county and run, and a comparison of the two regions' key figures."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pandas as pd

from kompetens_lib.errors import KompetensError
from kompetens_lib.exercises.answers import (
    answer_text,
    count_phrase,
    has_number,
    mentions,
    region_words,
    words,
)
from kompetens_lib.exercises.framework import FILL_IN, Context, check, display, is_missing
from kompetens_lib.reference.regions import region_name, regions, resolve_region


def _notebook(path: object, name: str):
    import nbformat

    if not isinstance(path, (str, os.PathLike)):
        raise KompetensError(f"{name} ska vara sökvägen till en anteckningsbok som text, t.ex. "
                             f"\"01_nulage_halland.ipynb\", inte {type(path).__name__}.")
    file = Path(path)
    if not file.is_file():
        raise KompetensError(f"Hittar ingen fil {str(path)!r} ({name}). Sökvägen räknas från "
                             f"mappen där den här anteckningsboken ligger ({Path.cwd().name}/).")
    try:
        return nbformat.read(file, as_version=4)
    except Exception:  # noqa: BLE001
        raise KompetensError(f"{str(path)!r} går inte att läsa som en anteckningsbok "
                             "(.ipynb).") from None


def notebook_region(nb) -> str | None:
    """The county a notebook is set up for: its injected parameters, else its parameters
    cell, else its key figures; None if none of them names a county."""
    from kompetens_lib.present import keyfigures

    def from_cell(tag: str) -> str | None:
        found = None
        for cell in nb.cells:
            if cell.cell_type != "code" or tag not in cell.get("metadata", {}).get("tags", []):
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for node in tree.body:
                if (isinstance(node, ast.Assign) and len(node.targets) == 1
                        and isinstance(node.targets[0], ast.Name)
                        and node.targets[0].id == "region"):
                    try:
                        found = resolve_region(ast.literal_eval(node.value))
                    except (ValueError, KompetensError):
                        pass
        return found

    for tag in ("injected-parameters", "parameters"):
        code = from_cell(tag)
        if code:
            return code
    for record in keyfigures.read(nb):
        if record.get("region"):
            return str(record["region"])
    return None


@check("ovning8", "lanad_anteckningsbok", "Den lånade anteckningsboken gäller ditt län",
        ["lanad_anteckningsbok", "original_anteckningsbok"])
def check_adapted_notebook(ctx: Context, lanad_anteckningsbok: object,
                           original_anteckningsbok: object = ...) -> list[str]:
    """The adapted notebook is set to the participant's county, has been run, and its key
    figures are the county's; the original is another region's."""
    from kompetens_lib.present import keyfigures

    problems = []
    nb = _notebook(lanad_anteckningsbok, "lanad_anteckningsbok")
    if not is_missing(original_anteckningsbok):
        same = Path(str(original_anteckningsbok)).resolve() == Path(
            str(lanad_anteckningsbok)).resolve()
        if same:
            return ["Det är samma fil två gånger. Spara din anpassade kopia under ett nytt namn."]
        original = _notebook(original_anteckningsbok, "original_anteckningsbok")
        other = notebook_region(original)
        if other == ctx.region:
            problems.append("Originalet är redan för ditt län. Låna en anteckningsbok från en "
                            "annan region.")
    region = notebook_region(nb)
    if region is None:
        problems.append("Hittar inget län i den lånade anteckningsboken: den behöver en "
                        "parametercell med region = \"…\".")
    elif region != ctx.region:
        problems.append(f"Den lånade anteckningsboken är inställd på {region_name(region)}. "
                        f"Ställ in den på ditt län, t.ex. med kompetens adapt FIL --region "
                        f"{ctx.region}, och kör den.")
    code_cells = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    if not any(c.get("execution_count") for c in code_cells):
        problems.append("Den lånade anteckningsboken är inte körd. Öppna den och kör alla "
                        "celler (Run → Run All Cells), och spara.")
    errors = [o for c in code_cells for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    if errors:
        found = count_phrase(len(errors), 'fel', 'fel')
        problems.append(f"Den lånade anteckningsboken har {found} "
                        f"(första: {errors[0].get('ename', 'fel')}). Rätta felet och kör om.")
    shown = {str(r.get("region")) for r in keyfigures.read(nb) if r.get("region")}
    if region == ctx.region and shown and shown != {ctx.region}:
        problems.append("Parametern är ändrad men nyckeltalen gäller fortfarande den andra "
                        "regionen. Kör om alla celler och spara.")
    return problems


@check("ovning8", "jamforelse", "Jämförelsen mellan regionerna",
        ["jamforelse", "original_anteckningsbok"])
def check_comparison(ctx: Context, jamforelse: object, original_anteckningsbok: object = ...
                     ) -> list[str]:
    """A comparison that names both regions and carries a number."""
    text = answer_text(jamforelse, "jamforelse")
    problems = []
    if len(words(text)) < 25:
        problems.append("Skriv lite mer, minst 25 ord: vad skiljer era län åt, och vad tar du "
                        "med dig från den andra regionens exempel?")
    if not mentions(text, region_words(ctx.region)):
        problems.append(f"Nämn ditt eget län ({ctx.short_region}).")
    other = None
    if not is_missing(original_anteckningsbok):
        try:
            other = notebook_region(_notebook(original_anteckningsbok, "original_anteckningsbok"))
        except KompetensError:
            other = None
    if other and other != ctx.region:
        if not mentions(text, region_words(other)):
            problems.append(f"Nämn regionen du lånade från ({region_name(other)}).")
    else:
        others = [w for code in regions()["code"] if code != ctx.region
                  for w in region_words(code)]
        if not mentions(text, others):
            problems.append("Nämn regionen du lånade från.")
    if not has_number(text):
        problems.append("Ta med minst en siffra från var och en av regionerna.")
    return problems


def region_of(path: object) -> str:
    """The name of the county a notebook is set up for ('Hallands län'), for texts."""
    code = notebook_region(_notebook(path, "anteckningsboken"))
    if code is None:
        raise KompetensError(f"Hittar inget län i {str(path)!r}: den behöver en parametercell "
                             "med region = \"…\".")
    return region_name(code)


def compare_key_figures(original: object, adapted: object) -> pd.DataFrame | None:
    """Key figures of two executed notebooks side by side: one row per figure, one column
    per notebook's county (as formatted in the notebooks). Shows a note and returns None
    while a path is not filled in."""
    from kompetens_lib.present import keyfigures
    from kompetens_lib.workbook.profile import KEY_FIGURE_LABELS

    if is_missing(original) or is_missing(adapted):
        display({"text/plain": f"{FILL_IN}: skriv sökvägarna till båda anteckningsböckerna.",
                  "text/html": f"<p>{FILL_IN}: skriv sökvägarna till båda "
                               "anteckningsböckerna.</p>"})
        return None
    columns = {}
    for path, name in ((original, "original_anteckningsbok"), (adapted, "lanad_anteckningsbok")):
        nb = _notebook(path, name)
        figures = keyfigures.by_section(keyfigures.read(nb))
        merged = {k: v for section in figures.values() for k, v in section.items()}
        if not merged:
            raise KompetensError(f"{str(path)!r} har inga nyckeltal. Kör alla celler i den och "
                                 "spara, och försök igen.")
        label = str(merged.get("region_name") or notebook_region(nb) or path)
        if label in columns:
            label = f"{label} ({Path(str(path)).name})"
        columns[label] = {key: keyfigures.format_value(key, merged[key])
                          for key in KEY_FIGURE_LABELS if key in merged}
    frame = pd.DataFrame(columns)
    frame.index = [KEY_FIGURE_LABELS[k] for k in frame.index]
    frame.index.name = "Nyckeltal"
    return frame
