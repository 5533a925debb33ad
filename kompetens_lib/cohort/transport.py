"""Answers out of a participant's kernel as plain data, so that the checks run elsewhere.

In the feedback run a participant's notebook executes in a kernel of its own, where the
participant's code could replace any function, the checks included. So the kernel only
*exports* the answers (:func:`export_cell_source` is the cell appended to the notebook):
texts, numbers, lists, dicts, tables (as JSON), charts (as their Vega-Lite spec) and plain
objects (as their attributes), never a pickle. The facilitator's process decodes them with
:func:`decode` (which builds nothing but data) and runs the checks itself. What the kernel
sends can be anything the participant wants, but it is only ever treated as their answers:
to make a check pass they would have to give a correct answer.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from types import SimpleNamespace

__all__ = ["ANSWERS_MIME", "CONTEXT_NAMES", "MAX_BYTES", "decode", "encode",
           "export_answers", "export_cell_source"]

ANSWERS_MIME = "application/vnd.kompetens.answers+json"
#: Variables of the notebook that the checks' context is built from.
CONTEXT_NAMES = ("region", "prioriterade_grupper", "deltagare")
MAX_BYTES = 20 * 1024 * 1024  # larger answers are not read
_DEPTH = 20
_KIND = "__kompetens__"


def encode(value: object, depth: int = 0) -> object:
    """``value`` as JSON-safe data (see the module docstring)."""
    if depth > _DEPTH:
        return {_KIND: "opaque", "type": "för djupt nästlat"}
    if value is ...:
        return {_KIND: "missing"}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else {_KIND: "float", "text": repr(value)}
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        try:
            return encode(item(), depth + 1)
        except Exception:  # noqa: BLE001 - not a scalar
            pass
    try:
        import pandas as pd

        if isinstance(value, (pd.DataFrame, pd.Series)):
            kind = "frame" if isinstance(value, pd.DataFrame) else "series"
            return {_KIND: kind, "json": value.to_json(orient="split", date_format="iso",
                                                       default_handler=str)}
    except Exception:  # noqa: BLE001 - an odd table is opaque
        return {_KIND: "opaque", "type": type(value).__name__}
    if isinstance(value, (list, tuple)):
        return {_KIND: "list", "tuple": isinstance(value, tuple),
                "items": [encode(v, depth + 1) for v in value]}
    if isinstance(value, Mapping):
        return {_KIND: "dict", "items": [[encode(k, depth + 1), encode(v, depth + 1)]
                                         for k, v in value.items()]}
    if isinstance(value, (set, frozenset)):
        return {_KIND: "list", "tuple": False, "items": [encode(v, depth + 1) for v in value]}
    if type(value).__module__.startswith("altair") and callable(getattr(value, "to_dict", None)):
        try:
            return {_KIND: "chart", "spec": value.to_dict(validate=False)}
        except Exception:  # noqa: BLE001
            return {_KIND: "opaque", "type": type(value).__name__}
    if isinstance(value, (bytes, bytearray)):
        return {_KIND: "opaque", "type": type(value).__name__}
    if hasattr(value, "__fspath__"):
        return str(value)
    attributes = getattr(value, "__dict__", None)
    if isinstance(attributes, dict) and attributes:
        return {_KIND: "object", "type": type(value).__name__,
                "attrs": {str(k): encode(v, depth + 1) for k, v in attributes.items()
                          if not str(k).startswith("_")}}
    return {_KIND: "opaque", "type": type(value).__name__}


class Opaque:
    """An answer that could not be carried as data (its type's name only)."""

    def __init__(self, type_name: str):
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name}>"


def decode(data: object) -> object:
    """The answer back from :func:`encode`'s data: built-in values, pandas tables, chart
    specs as dicts, objects as attribute namespaces. Builds nothing else."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    kind = data.get(_KIND)
    if kind is None:
        return {k: decode(v) for k, v in data.items()}
    if kind == "missing":
        return ...
    if kind == "float":
        return float(data.get("text", "nan"))
    if kind == "list":
        items = [decode(v) for v in data.get("items", [])]
        return tuple(items) if data.get("tuple") else items
    if kind == "dict":
        out = {}
        for pair in data.get("items", []):
            if isinstance(pair, list) and len(pair) == 2:
                key = decode(pair[0])
                try:
                    out[key] = decode(pair[1])
                except TypeError:  # an unhashable key
                    out[str(key)] = decode(pair[1])
        return out
    if kind in ("frame", "series"):
        import io

        import pandas as pd

        try:
            reader = pd.read_json(io.StringIO(str(data.get("json", ""))), orient="split",
                                  typ="frame" if kind == "frame" else "series")
            return reader
        except Exception:  # noqa: BLE001 - a table that does not read back
            return Opaque("DataFrame")
    if kind == "chart":
        spec = data.get("spec")
        return dict(spec) if isinstance(spec, dict) else Opaque("Chart")
    if kind == "object":
        attrs = data.get("attrs", {})
        return SimpleNamespace(**{str(k): decode(v) for k, v in attrs.items()
                                  if str(k).isidentifier()})
    return Opaque(str(data.get("type", "okänd typ")))


def export_answers(names: list[str], namespace: Mapping) -> dict:
    """The display bundle of the answers ``names`` found in ``namespace`` (run in the
    participant's kernel by the appended cell)."""
    answers = {name: encode(namespace[name]) for name in names if name in namespace}
    return {ANSWERS_MIME: json.dumps(answers, ensure_ascii=False, default=str),
            "text/plain": "Svaren är skickade till återkopplingen."}


def export_cell_source(names: list[str]) -> str:
    """The cell appended to a participant's notebook: display the exported answers."""
    return ("import kompetens_lib.cohort.transport as _kompetens_transport\n"
            "from IPython.display import display as _kompetens_display\n"
            f"_kompetens_display(_kompetens_transport.export_answers({list(names)!r}, globals()),"
            " raw=True)")
