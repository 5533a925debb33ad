"""Every exception and warning the library raises: one root class, Swedish messages.

A message says what was wrong and what is valid. Callers branch on the class (and on
attributes such as ``ScbApiError.kind``), never on the text of a message.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence

__all__ = [
    "AnswerMissing",
    "ConvergenceWarning",
    "DataValidationError",
    "InconsistentPopulationError",
    "KompetensError",
    "KompetensWarning",
    "PlanningAreaError",
    "RecipeError",
    "ScenarioError",
    "ScbApiError",
    "ScbImportError",
    "TemplateError",
    "plain_warnings",
]


class KompetensError(ValueError):
    """A user-facing error with a Swedish message.

    Subclasses ``ValueError`` so that generic callers can still catch it.
    """


class DataValidationError(KompetensError):
    """A data table broke a validation rule (the message names file, rule and a row)."""


class AnswerMissing(KompetensError):
    """An answer an exercise check needs is not given yet (message in Swedish): the check
    reports "not answered", not "wrong" (raised through ``exercises.framework.missing``)."""


class InconsistentPopulationError(KompetensError):
    """Population and labour force do not fit together (more in the labour force than live)."""


class ScbApiError(KompetensError):
    """Something went wrong talking to the API; the Swedish message says what and what to do.

    ``kind`` is ``"network"`` (the API could not be reached: nothing else will work either),
    ``"table"`` (no such table), ``"query"`` (the API refused the selection), ``"limit"``
    (too many calls even after waiting), ``"server"`` (the API failed) or ``"response"``
    (an answer that is not PxWeb v2 json-stat2).
    """

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class RecipeError(KompetensError):
    """SCB's table does not look as a recipe assumes, or a recipe cannot be made."""


class PlanningAreaError(KompetensError):
    """A planning area (a named list of municipalities) is not valid; the Swedish message
    lists every problem."""


class ScbImportError(DataValidationError):
    """A downloaded SCB file could not be read; the Swedish message names file and line."""


class TemplateError(DataValidationError):
    """A T&P template broke one or more rules; ``problems`` lists them all."""

    def __init__(self, name: str, problems: Sequence[object]) -> None:
        self.problems = list(problems)
        count = "ett problem" if len(self.problems) == 1 else f"{len(self.problems)} problem"
        lines = "\n".join(f"- {p}" for p in self.problems)
        super().__init__(
            f"T&P-mallen {name} har {count}:\n{lines}\nSe docs/tp-mall.md för hur mallen fylls i."
        )


class ScenarioError(KompetensError):
    """Establishment events (a scenario file or a list of dicts) broke one or more rules;
    ``problems`` lists each in Swedish, naming the event, what was wrong and what is valid."""

    def __init__(self, problems: Sequence[object], origin: str = "scenariot") -> None:
        self.problems = list(problems)
        count = "ett problem" if len(self.problems) == 1 else f"{len(self.problems)} problem"
        lines = "\n".join(f"- {p}" for p in self.problems)
        super().__init__(
            f"Etableringarna i {origin} har {count}:\n{lines}\nSe docs/scenarier.md för "
            "formatet."
        )


class KompetensWarning(UserWarning):
    """A warning to the participant (Swedish): the one channel for "look at this" notes."""


class ConvergenceWarning(KompetensWarning):
    """RAS did not meet the county totals within the tolerance (message in Swedish)."""


def plain_warnings() -> None:
    """Show a :class:`KompetensWarning` to the participant as one Swedish line ("Obs! …"),
    without the library's file name, the class name and a line of its code; other warnings
    keep Python's format. Installed once per process (by ``kl.setup()``, ``ex.start()`` and
    the command line)."""
    if getattr(warnings.showwarning, "kompetens_plain", False):
        return
    original = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if isinstance(category, type) and issubclass(category, KompetensWarning):
            print(f"Obs! {message}", file=file if file is not None else sys.stderr)
            return
        original(message, category, filename, lineno, file, line)

    show.kompetens_plain = True  # type: ignore[attr-defined]
    warnings.showwarning = show
