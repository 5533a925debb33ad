"""The whole-country computations each notebook asks for again and again, memoised once per
process, and the one channel for warnings to the participant (each shown once).

The state (:data:`MEMO`, :data:`WARNED`) exists here only: modules that re-export it bind
the same objects, never copies.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Sequence
from typing import Any

import pandas as pd

from kompetens_lib.data.tables import load, source_dir
from kompetens_lib.errors import KompetensWarning
from kompetens_lib.methods.balance import DEFAULT_THRESHOLDS, balance
from kompetens_lib.methods.breakdown import (
    DEFAULT_DAMPING,
    METHODS,
    breakdown,
)
from kompetens_lib.workbook.forecast import (
    HISTORY_TABLES,
    base_judgements,
    breakdown_options,
    forecast_base_year,
    national_forecast,
)

__all__ = [
    "MEMO",
    "MEMO_SIZE",
    "WARNED",
    "balance_all",
    "breakdown_all",
    "forecast_for",
    "memoised",
    "prime",
    "warn_once",
]

#: Messages already shown in this process (see :func:`warn_once`).
WARNED: set[str] = set()
_recording = 0  # > 0 while a memoised computation runs (its warnings are kept, not shown)


def warn_once(message: str, category: type[Warning] = KompetensWarning) -> None:
    """A Swedish warning about the data, shown once per process however often the table
    is recomputed (a notebook recomputes the breakdown in several cells).

    The one channel for notes to the participant from the workbook's tables; the category
    is :class:`~kompetens_lib.errors.KompetensWarning` unless a computation raised another.
    """
    if _recording:
        warnings.warn(message, category, stacklevel=3)  # kept with the memoised result
    elif message not in WARNED:
        WARNED.add(message)
        warnings.warn(message, category, stacklevel=3)


# Whole-country computations (every county by a method) are memoised per process: the
# notebooks ask for the same breakdown in several cells, for one county at a time. The key
# holds the data files' names, sizes and modification times, so new data is recomputed.
# Warnings raised while computing are kept with the result and shown (once) on its use.
MEMO: dict[tuple, tuple[pd.DataFrame, list[tuple[str, type[Warning]]]]] = {}
MEMO_SIZE = 48


def _data_signature(source: Any) -> tuple:
    directory = source_dir(source)
    files = []
    for path in sorted(directory.iterdir()):
        if path.is_file():
            stat = path.stat()
            files.append((path.name, stat.st_mtime_ns, stat.st_size))
    return (str(directory), tuple(files))


def memoised(key: tuple, source: Any, compute) -> pd.DataFrame:
    """A copy of ``compute()``, computed once per ``key`` and state of the source's files.

    Warnings raised while computing are kept with the result and replayed through
    :func:`warn_once` on every use, so a process that only uses the result sees them once.
    """
    global _recording
    full_key = (*key, _data_signature(source))
    hit = MEMO.get(full_key)
    if hit is None:
        _recording += 1
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                frame = compute()
        finally:
            _recording -= 1
        hit = (frame, [(str(w.message), w.category) for w in caught])
        while len(MEMO) >= MEMO_SIZE:
            MEMO.pop(next(iter(MEMO)))
        MEMO[full_key] = hit
    frame, raised = hit
    for message, category in raised:
        warn_once(message, category)
    out = frame.copy()
    out.attrs = copy.deepcopy(frame.attrs)
    return out


def prime(source: Any = None, base_year: int | None = None) -> None:
    """Compute the whole-country breakdowns and balances by every method now (as a batch
    run's template process does before it forks the notebooks' kernels); what a notebook
    asks for later is then a copy. Warnings are kept for the notebooks, not shown here."""
    base = forecast_base_year(base_year, source)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for method in METHODS:
            balance_all(base, method, source, DEFAULT_DAMPING, DEFAULT_THRESHOLDS)
    WARNED.clear()


def forecast_for(history: pd.DataFrame, source: Any, base: int) -> pd.DataFrame:
    """The national forecast from the base year on, for the groups the history has; the
    others are named in a warning (a T&P table may hold groups the regional statistics do
    not)."""
    national = national_forecast(source)
    national = national[national["year"] >= base]
    known = set(history["education_group"].unique())
    missing = sorted(set(national["education_group"].unique()) - known)
    if missing:
        warn_once(
            f"Riksprognosen har utbildningsgrupper som saknas i länens statistik och därför "
            f"inte kan brytas ned: {', '.join(missing)}. De utelämnas."
        )
        national = national[national["education_group"].isin(known)]
    return national


def breakdown_all(
    column: str, method: str, base: int, source: Any, damping: float
) -> pd.DataFrame:
    """Every county's breakdown of one side of the forecast by ``method`` (memoised)."""
    def compute() -> pd.DataFrame:
        history = load(HISTORY_TABLES[column], source)
        national = forecast_for(history, source, base)
        out = breakdown(
            national, history, method, base, column=column,
            **breakdown_options(method, damping, column=column, base=base, source=source)
        )
        return out[out["year"] >= base].reset_index(drop=True)

    return memoised(("breakdown", column, method, base, float(damping)), source, compute)


def balance_all(
    base: int, method: str, source: Any, damping: float, thresholds: Sequence[float]
) -> pd.DataFrame:
    """Every county's balance and judgement per group by ``method`` (memoised)."""
    def compute() -> pd.DataFrame:
        demand = breakdown_all("demand", method, base, source, damping)
        supply = breakdown_all("supply", method, base, source, damping)
        start = base_judgements(national_forecast(source), base)
        return balance(supply, demand, start if len(start) else None, base_year=base,
                       thresholds=thresholds)

    key = ("balance", method, base, float(damping), tuple(float(t) for t in thresholds))
    return memoised(key, source, compute)
