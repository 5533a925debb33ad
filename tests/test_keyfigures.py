"""Key figures display in Swedish and round-trip through an executed notebook's outputs."""

from __future__ import annotations

import nbformat
import pytest

from kompetens_lib.present import keyfigures


@pytest.mark.parametrize("key, value, shown", [
    ("employed", 1234567, "1\u00a0234\u00a0567"),
    ("share_55plus", 0.2346, "23,5 %"),
    ("lq", 1.234, "1,23"),
    ("groups", ["A", "B"], "A, B"),
    ("top", [{"group": "Läkare", "lq": 1.5}], "Läkare (1,50)"),
    # A range reads the same whether a notebook gives it as a pair or by name (issue 17).
    ("demand_range", [146500, 152500], "146\u00a0500–152\u00a0500"),
    ("demand_range", {"lägst": 146500, "högst": 152500}, "146\u00a0500–152\u00a0500"),
])
def test_values_are_formatted_the_swedish_way(key, value, shown):
    assert keyfigures.format_value(key, value) == shown


def test_bundle_round_trips_through_a_notebook(tmp_path):
    figures = {"need": 1200, "share_replacement": 0.8}
    data = keyfigures.bundle(figures, section="behov", title="Behov",
                             labels={"need": "Rekryteringsbehov", "share_replacement": "Andel"})
    assert "Rekryteringsbehov" in data["text/html"] and "80,0 %" in data["text/plain"]
    cell = nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
        "display_data", data=data)])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    records = keyfigures.read(path)
    assert records == [{"section": "behov", **figures}]
    assert keyfigures.by_section(records) == {"behov": figures}


def test_non_plain_values_are_refused_in_the_notebook():
    with pytest.raises(TypeError):
        keyfigures.bundle({"x": object()}, section="s", title="t", labels={})
