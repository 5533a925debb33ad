"""``kompetens_lib.mandate`` of the flat layout: the mandate and its files
(:mod:`kompetens_lib.workbook.mandate`) and its display, saving with a note for the notebook
(:mod:`kompetens_lib.present.summaries`)."""

from __future__ import annotations

from kompetens_lib.present.summaries import mandate_bundle as bundle
from kompetens_lib.present.summaries import mandate_html as to_html
from kompetens_lib.present.summaries import mandate_text as to_text
from kompetens_lib.present.summaries import save_mandate as save
from kompetens_lib.present.summaries import save_mandate_if as save_if
from kompetens_lib.present.summaries import show_mandate as show
from kompetens_lib.workbook.mandate import (
    ENV_VAR,
    EXAMPLE_DEADLINE,
    EXAMPLE_TITLE,
    FIELD_LABELS,
    FOLDER,
    FORMAT,
    HISTORY,
    Mandate,
    NotSaved,
    Saved,
    check,
    example,
    hints,
    is_complete,
    load,
    mandate_dir,
    mandate_path,
)

__all__ = [
    "ENV_VAR",
    "EXAMPLE_DEADLINE",
    "EXAMPLE_TITLE",
    "FIELD_LABELS",
    "FOLDER",
    "FORMAT",
    "HISTORY",
    "Mandate",
    "NotSaved",
    "Saved",
    "bundle",
    "check",
    "example",
    "hints",
    "is_complete",
    "load",
    "mandate_dir",
    "mandate_path",
    "save",
    "save_if",
    "show",
    "to_html",
    "to_text",
]
