"""Import-time speed-ups for notebook kernels and workers.

jsonschema (pulled in by altair and nbformat) runs ``from rfc3987_syntax import
is_valid_syntax`` at start-up, and that module compiles a large Lark grammar at import: 1–2 s
of every kernel's start here (python-jsonschema/jsonschema#1428). It is only needed to check
the "iri" string formats, which the workbook never validates. So, before jsonschema is
imported, a small stand-in module takes its place: its ``is_valid_syntax`` (and any other
attribute) imports the real module on first use and delegates to it. Nothing is uninstalled
(``pip check`` stays clean) and behaviour is unchanged, only deferred.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

DEFERRED = "rfc3987_syntax"


def _stand_in(name: str) -> types.ModuleType:
    module = types.ModuleType(
        name, f"Deferred stand-in for {name} (see kompetens_lib._internal.speedups).")

    def real() -> types.ModuleType:
        if sys.modules.get(name) is module:
            del sys.modules[name]
        loaded = importlib.import_module(name)
        return loaded

    def is_valid_syntax(term, value):
        return real().is_valid_syntax(term, value)

    def __getattr__(attribute: str):  # noqa: N807 - module-level __getattr__ (PEP 562)
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return getattr(real(), attribute)

    module.is_valid_syntax = is_valid_syntax
    module.__getattr__ = __getattr__
    module.__kompetens_deferred__ = True
    return module


def defer(name: str = DEFERRED) -> bool:
    """Put a stand-in for ``name`` in ``sys.modules``; True if it was installed."""
    if name in sys.modules or "jsonschema" in sys.modules:
        return False
    if importlib.util.find_spec(name) is None:
        return False
    sys.modules[name] = _stand_in(name)
    return True


def apply() -> None:
    defer()
