"""The data source that notebooks of the flat layout expect to hold for the whole kernel.

Before the layers, ``params.validate(source=data)`` wrote ``KOMPETENS_DATA`` so that every
later call without ``source`` read the chosen data. The library no longer does that: new
notebooks hand the validated ``Params`` to every table function. Notebooks and participant
copies already handed out still call ``results.balance_table(p.region, …)`` without a source,
so the facades in ``compat/`` remember the source of the last ``params.validate`` *of a legacy
module* and pass it on when a call names none. Nothing here writes ``os.environ``, and code
that imports the layered modules never sees this state.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from kompetens_lib.workbook.params import Params
from kompetens_lib.workbook.params import validate as validate_params

__all__ = ["chosen_source", "forget", "validate", "with_chosen_source", "wrap_module"]

_state: dict[str, Any] = {"source": None}


def chosen_source() -> Any:
    """The source of the last legacy ``params.validate`` in this process (None: none yet)."""
    return _state["source"]


def forget() -> None:
    """Forget the chosen source (tests, and a kernel that starts over)."""
    _state["source"] = None


@functools.wraps(validate_params)
def validate(*args: Any, **kwargs: Any) -> Params:
    params = validate_params(*args, **kwargs)
    _state["source"] = params.source
    return params


def with_chosen_source(function: Callable) -> Callable:
    """``function`` with its ``source`` argument, when the call gives none (and no Params),
    set to :func:`chosen_source`. Functions without a ``source`` parameter are returned as
    they are."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return function
    if "source" not in signature.parameters:
        return function

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind_partial(*args, **kwargs)
        given = bound.arguments.get("source")
        scenario = args[0] if args else None
        if given is None and not isinstance(scenario, Params) and chosen_source() is not None:
            bound.arguments["source"] = chosen_source()
            return function(*bound.args, **bound.kwargs)
        return function(*args, **kwargs)

    return call


def wrap_module(namespace: dict[str, Any], names: list[str]) -> None:
    """Replace each function named in ``names`` in ``namespace`` by its
    :func:`with_chosen_source` form (a facade module calls this on its own globals)."""
    for name in names:
        value = namespace.get(name)
        if inspect.isfunction(value):
            namespace[name] = with_chosen_source(value)
