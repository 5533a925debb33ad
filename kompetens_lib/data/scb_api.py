"""Fetch any table from SCB's Statistical Database (PxWeb API v2) into a tidy frame.

The HTTP work is pxwebpy's (``import pxweb``): it reads ``/config``, splits a selection that
is larger than ``maxDataCells`` into several calls, keeps to ``maxCallsPerTimeWindow`` calls
per ``timeWindow`` seconds, retries a 429 answer after the server's ``Retry-After`` and
unpacks json-stat2. This module adds what the workbook needs on top of it: the base URL
(``--api-url``, ``KOMPETENS_SCB_API_URL``, or SCB's own), a selection checked against the
table's metadata, a tidy frame with a code and a label column for every variable, a
provenance record, and a Swedish message for every failure.

Two pieces of hand-written plumbing remain, both in an HTTP adapter mounted on pxwebpy's
session (:func:`_adapter`), because pxwebpy 0.6.0 cannot do them:

* timeouts (issue 15): pxwebpy stores ``timeout`` but never passes it to requests, so a
  server that accepts the connection and never answers kept ``kompetens data fetch``
  waiting forever. Every call gets a connect timeout and a read timeout. pxwebpy makes two
  calls while it is constructed (``/config``, ``/tables``), before any code of ours could
  touch its session, so the adapter is mounted on the session as it is created
  (:func:`_sessions_with`); the call limit is set once ``/config`` has been read.
* the calls-per-time-window limit: pxwebpy records the time *before* it sleeps for the
  limit, so the calls after a wait can come in a burst above ``maxCallsPerTimeWindow``.
  The adapter times each call when it is sent (:class:`_CallWindow`); pxwebpy's own limiter
  and its retries after 429 stay in place.
"""

from __future__ import annotations

import collections
import contextlib
import json
import logging
import math
import os
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from kompetens_lib._internal.files import atomic_write_text
from kompetens_lib.data.scb_cells import snake_name
from kompetens_lib.data.writing import readable, write_tidy
from kompetens_lib.errors import KompetensError, ScbApiError

__all__ = [
    "API_URL_ENV",
    "DEFAULT_API_URL",
    "ScbApiError",
    "ScbClient",
    "Variable",
    "check_table_id",
    "describe_table",
    "fetch_table",
    "parse_select",
    "provenance_path",
    "read_provenance",
    "readable",
    "resolve_api_url",
    "summary",
    "write_table",
]

DEFAULT_API_URL = "https://statistikdatabasen.scb.se/api/v2"
API_URL_ENV = "KOMPETENS_SCB_API_URL"
DEFAULT_TIMEOUT = 60.0  # seconds to wait for an answer (read timeout)
CONNECT_TIMEOUT = 10.0  # seconds to wait for the connection itself
LANGUAGE = "sv"
SOURCE = "SCB, Statistikdatabasen"

logger = logging.getLogger(__name__)


def resolve_api_url(url: str | None = None) -> str:
    """The base URL: ``url`` if given, else ``$KOMPETENS_SCB_API_URL``, else SCB's.

    >>> resolve_api_url("http://127.0.0.1:8080/api/v2/")
    'http://127.0.0.1:8080/api/v2'
    """
    chosen = url or os.environ.get(API_URL_ENV) or DEFAULT_API_URL
    chosen = chosen.strip().rstrip("/")
    if not re.match(r"^https?://[^/\s]+", chosen):
        raise KompetensError(
            f"Ogiltig adress till SCB:s API: {chosen!r}. Ange en adress som börjar med "
            f"http:// eller https://, t.ex. {DEFAULT_API_URL} (flaggan --api-url eller "
            f"miljövariabeln {API_URL_ENV})."
        )
    return chosen


@dataclass(frozen=True)
class Variable:
    """One variable of a table, as its metadata describes it."""

    code: str  # "Region"
    label: str  # "region"
    values: dict[str, str]  # code -> label, in the table's order
    elimination: bool  # may be left out of a selection (SCB then sums or uses a total)
    time: bool  # the table's time variable ("Tid")


# --------------------------------------------------------------------------- errors


class _LastAnswer:
    """The last HTTP answer the client's adapter received (see :func:`_adapter`).

    pxwebpy raises ``requests.HTTPError`` with only a text (``"Error 429: …"``, or "Reached
    max amount of retries."): no ``response`` attribute, no ``__cause__``. The answer that
    made it fail is the last one the adapter saw, so the status comes from there.
    """

    def __init__(self) -> None:
        self.response = None


def _status_of(exc: BaseException, last: _LastAnswer | None) -> int | None:
    response = getattr(exc, "response", None)
    if response is None and last is not None:
        response = last.response
    if response is not None and getattr(response, "status_code", None):
        return int(response.status_code)
    # The constructor's two calls (/config, /tables) are not given the client's record of
    # answers, and pxwebpy's HTTPError carries only text: for those, and only those, the
    # status is read from that text.
    match = re.search(r"Error (\d{3})", str(exc))
    return int(match.group(1)) if match else None


def _detail_of(exc: BaseException, last: _LastAnswer | None) -> str:
    response = getattr(exc, "response", None)
    if response is None and last is not None:
        response = last.response
    if response is not None:
        try:
            body = response.json()
        except ValueError:
            body = {}
        detail = str(body.get("detail") or "").strip() if isinstance(body, dict) else ""
    else:  # constructed client: text only, as in _status_of
        match = re.search(r"Detail: (.*)", str(exc))
        detail = match.group(1).strip() if match else ""
    return "" if detail in ("", "None") else detail


def _seconds(value: float) -> str:
    """Seconds in Swedish: ``0.5`` → "0,5 sekunder", ``60`` → "60 sekunder"."""
    text = f"{float(value):g}".replace(".", ",")
    return f"{text} sekund" if text == "1" else f"{text} sekunder"


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc or url


@contextlib.contextmanager
def _translated(url: str, what: str, table_id: str | None = None,
                last: _LastAnswer | None = None,
                timeouts: tuple[float, float] | None = None) -> Iterator[None]:
    """Turn requests/pxwebpy exceptions into :class:`ScbApiError` with a Swedish message.

    ``last`` is the client's record of the answers its adapter receives; it is cleared here
    so that the status of a failure is that of an answer to this call. ``timeouts``
    (connect, read) are named in the message when a call times out.
    """
    import requests

    untouched = "Inga filer har skrivits; tidigare hämtade data är orörda."
    if last is not None:
        last.response = None
    try:
        yield
    except KompetensError:
        raise
    except requests.exceptions.Timeout as exc:
        connect, read = timeouts or (CONNECT_TIMEOUT, DEFAULT_TIMEOUT)
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            waited = f"gick inte att ansluta till inom {_seconds(connect)}"
        else:
            waited = f"svarade inte inom {_seconds(read)}"
        raise ScbApiError(
            f"Servern {_host(url)} ({url}) {waited} när {what}, så hämtningen avbröts. "
            f"Kontrollera nätverket och adressen (--api-url / {API_URL_ENV}) och försök igen "
            f"senare. Utan nätverk: använd en förberedd cache (kompetens data cache) eller "
            f"läs in nedladdade filer (kompetens data import). {untouched}",
            "network",
        ) from exc
    except requests.exceptions.ConnectionError as exc:
        reason = str(exc.args[0]) if exc.args else type(exc).__name__
        reason = re.sub(r"\s+", " ", reason)[:200]
        raise ScbApiError(
            f"Kunde inte nå SCB:s API på {url} när {what}: anslutningen misslyckades eller "
            f"bröts ({reason}). Kontrollera nätverket (eller adressen i --api-url / "
            f"{API_URL_ENV}) och försök igen. Utan nätverk: använd en förberedd cache "
            f"(kompetens data cache) eller läs in nedladdade filer (kompetens data import). "
            f"{untouched}",
            "network",
        ) from exc
    except requests.exceptions.HTTPError as exc:
        status = _status_of(exc, last)
        detail = _detail_of(exc, last)
        logger.debug("SCB:s API svarade %s: %s", status, exc)
        extra = f" SCB:s förklaring: {detail}" if detail else ""
        if status == 404:
            raise ScbApiError(
                f"Tabellen {table_id or '?'} finns inte hos SCB:s API på {url} (404).{extra} "
                "Kontrollera tabellens id (t.ex. TAB638) i statistikdatabasen; tabeller byter "
                "ibland id när SCB gör om dem.",
                "table",
            ) from exc
        if status in (400, 403, 413):
            raise ScbApiError(
                f"SCB:s API avvisade frågan mot tabell {table_id or '?'} ({status}).{extra} "
                "Kontrollera variabler och koder: 'kompetens data fetch TABELL --variables' "
                "visar vad tabellen har.",
                "query",
            ) from exc
        if status == 429:
            raise ScbApiError(
                f"SCB:s API tar inte emot fler anrop just nu (429, för många anrop) trots att "
                f"hämtningen väntat den tid servern angav. Vänta en stund och försök igen. "
                f"{untouched}",
                "limit",
            ) from exc
        raise ScbApiError(
            f"SCB:s API på {url} svarade med fel {status or '?'} när {what}.{extra} "
            f"Försök igen senare. {untouched}",
            "server",
        ) from exc
    except requests.exceptions.JSONDecodeError as exc:
        raise ScbApiError(
            f"Svaret från {url} när {what} var inte JSON ({exc}). Kontrollera att adressen går "
            f"till ett PxWeb API version 2 (SCB:s är {DEFAULT_API_URL}). {untouched}",
            "response",
        ) from exc
    except requests.exceptions.RequestException as exc:
        raise ScbApiError(
            f"Anropet till SCB:s API på {url} misslyckades när {what} ({exc}). {untouched}",
            "network",
        ) from exc
    except (ValueError, KeyError, TypeError) as exc:
        # pxwebpy's version/configuration errors, undecodable JSON, malformed json-stat2.
        name = type(exc).__name__
        raise ScbApiError(
            f"Svaret från {url} när {what} gick inte att tolka som PxWeb API v2 "
            f"({name}: {exc}). Kontrollera att adressen går till ett PxWeb API version 2 "
            f"(SCB:s är {DEFAULT_API_URL}). {untouched}",
            "response",
        ) from exc
    except Exception as exc:
        if type(exc).__module__.startswith("pxweb"):
            raise ScbApiError(
                f"{url} är inte ett användbart PxWeb API v2 ({type(exc).__name__}: {exc}). "
                f"SCB:s adress är {DEFAULT_API_URL}. {untouched}",
                "response",
            ) from exc
        raise


# --------------------------------------------------------------------------- client


class _CallWindow:
    """At most ``calls`` calls in any ``seconds`` seconds, timed when each call is sent."""

    def __init__(self, calls: int, seconds: float) -> None:
        self.calls, self.seconds = int(calls), float(seconds)
        self.sent: collections.deque[float] = collections.deque()
        self.lock = threading.Lock()

    def wait(self) -> None:
        if self.calls <= 0 or self.seconds <= 0:
            return
        with self.lock:
            while True:
                now = time.monotonic()
                while self.sent and now - self.sent[0] >= self.seconds:
                    self.sent.popleft()
                if len(self.sent) < self.calls:
                    break
                time.sleep(self.seconds - (now - self.sent[0]) + 0.001)
            self.sent.append(time.monotonic())


def _adapter(timeout: float | tuple[float, float], window: _CallWindow, on_data_call,
             last: _LastAnswer):
    """An HTTP adapter for pxwebpy's session: a default (connect, read) timeout, the API's
    call limit, a count of the calls for data, and the last answer (``last``)."""
    from requests.adapters import HTTPAdapter

    class _Adapter(HTTPAdapter):
        def send(self, request, stream=False, timeout=None, verify=True, cert=None,
                 proxies=None):  # type: ignore[override]
            window.wait()
            if request.path_url.split("?")[0].endswith("/data"):
                on_data_call()
            response = super().send(request, stream=stream,
                                    timeout=default_timeout if timeout is None else timeout,
                                    verify=verify, cert=cert, proxies=proxies)
            last.response = response
            return response

    default_timeout = timeout
    return _Adapter()


_SESSION_PATCH = threading.Lock()


@contextlib.contextmanager
def _sessions_with(adapter) -> Iterator[None]:
    """While pxwebpy builds its client, mount ``adapter`` on the session it creates.

    pxwebpy 0.6.0 creates its ``requests_cache.CachedSession`` and calls ``/config`` and
    ``/tables`` in the same constructor; without this, those two calls have no timeout.
    If pxwebpy's layout changes, nothing is patched and the adapter is mounted afterwards.
    """
    try:
        from pxweb._internal import client as px_client
    except ImportError:  # pragma: no cover - another pxwebpy layout
        yield
        return
    original = getattr(px_client, "CachedSession", None)
    if original is None:  # pragma: no cover
        yield
        return

    def make_session(*args, **kwargs):
        session = original(*args, **kwargs)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    with _SESSION_PATCH:
        px_client.CachedSession = make_session
        try:
            yield
        finally:
            px_client.CachedSession = original


class ScbClient:
    """A connection to a PxWeb API v2 (SCB's, a mirror, or a local test server).

    Parameters
    ----------
    url
        Base URL; ``None`` reads ``$KOMPETENS_SCB_API_URL`` and falls back to SCB's.
    timeout
        Seconds to wait for each answer (read timeout), the calls made while the client is
        constructed (``/config``, ``/tables``) included.
    connect_timeout
        Seconds to wait for the connection to the server.

    The client reads ``/config`` when it is made; metadata are cached in memory for its
    lifetime. ``data_calls`` counts the calls for data sent to the server (retries after
    429 included; answers from pxwebpy's in-memory cache not).

    >>> client = ScbClient()  # doctest: +SKIP
    >>> client.limits  # doctest: +SKIP
    {'maxDataCells': 150000, 'maxCallsPerTimeWindow': 30, 'timeWindow': 10}
    """

    def __init__(self, url: str | None = None, *, timeout: float = DEFAULT_TIMEOUT,
                 connect_timeout: float = CONNECT_TIMEOUT) -> None:
        from pxweb import PxApi

        self.url = resolve_api_url(url)
        for name, value in (("timeout", timeout), ("connect_timeout", connect_timeout)):
            if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
                raise KompetensError(f"Väntetiden {name}={value!r} ska vara ett positivt antal "
                                     "sekunder, t.ex. 60.")
        self.timeouts = (float(connect_timeout), float(timeout))
        self.data_calls = 0
        self._metadata: dict[str, dict] = {}
        #: Table ids looked up in the index for this client (recipes' ``find``).
        self.found_tables: dict[str, str] = {}
        self._last = _LastAnswer()
        window = _CallWindow(0, 0)  # no limit until /config has told it
        adapter = _adapter(self.timeouts, window, self._count_data_call, self._last)
        with _translated(self.url, "inställningarna (/config) hämtades",
                         timeouts=self.timeouts), _sessions_with(adapter):
            self._api = PxApi(self.url, language=LANGUAGE, timeout=math.ceil(timeout),
                              max_workers=1)
            self.config: dict[str, Any] = self._api.get_config()
        window.calls = int(self.config.get("maxCallsPerTimeWindow") or 0)
        window.seconds = float(self.config.get("timeWindow") or 0)
        session = getattr(getattr(self._api, "_client", None), "session", None)
        if session is not None and session.get_adapter(self.url) is not adapter:
            session.mount("http://", adapter)
            session.mount("https://", adapter)

    def _count_data_call(self) -> None:
        self.data_calls += 1

    @property
    def limits(self) -> dict[str, int]:
        """The API's limits from ``/config``: cells per call and calls per time window."""
        return {key: self.config[key] for key in
                ("maxDataCells", "maxCallsPerTimeWindow", "timeWindow")}

    @property
    def api_version(self) -> str:
        return str(self.config.get("apiVersion", ""))

    @property
    def licence(self) -> str:
        return str(self.config.get("license", ""))

    @property
    def source_reference(self) -> str:
        """The credit line the API asks for, in Swedish ("Källa: SCB")."""
        for reference in self.config.get("sourceReferences") or []:
            if reference.get("language") == LANGUAGE and reference.get("text"):
                return str(reference["text"])
        return "Källa: SCB"

    def metadata(self, table_id: str) -> dict:
        """The table's ``/metadata`` answer (json-stat2 without values)."""
        table_id = check_table_id(table_id)
        if table_id not in self._metadata:
            with _translated(self.url, f"metadata för tabell {table_id} hämtades", table_id,
                             self._last, self.timeouts):
                meta = self._api.get_table_metadata(table_id)
                if not isinstance(meta, dict) or "dimension" not in meta or "id" not in meta:
                    raise ValueError("svaret saknar 'id' eller 'dimension'")
            self._metadata[table_id] = meta
        return self._metadata[table_id]

    def search_tables(self, query: str) -> list[dict[str, Any]]:
        """The tables SCB's v2 index (``GET /tables?query=…``) finds for ``query``.

        Each is the index's own entry (``id``, ``label``, ``variableNames``, ``discontinued``
        …); discontinued tables are left out, as the index does by default.
        """
        with _translated(self.url, f"tabellindexet söktes efter {query!r}",
                         last=self._last, timeouts=self.timeouts):
            answer = self._api.search(query=query, page_size=100)
        tables = answer.get("tables") if isinstance(answer, dict) else None
        return [t for t in tables or [] if isinstance(t, dict) and t.get("id")
                and not t.get("discontinued")]

    def variables(self, table_id: str) -> list[Variable]:
        """The table's variables in the table's order."""
        meta = self.metadata(table_id)
        time_codes = set((meta.get("role") or {}).get("time") or [])
        result = []
        for code in meta["id"]:
            dim = meta["dimension"][code]
            category = dim.get("category") or {}
            labels = category.get("label") or {}
            index = category.get("index") or {}
            order = sorted(labels, key=lambda k: index.get(k, 0)) if index else list(labels)
            ext = dim.get("extension") or {}
            result.append(Variable(code=code, label=str(dim.get("label", code)),
                                   values={k: str(labels[k]) for k in order},
                                   elimination=bool(ext.get("elimination", False)),
                                   time=code in time_codes))
        return result

    def resolve_selection(
        self, table_id: str, select: Mapping[str, Sequence[str]] | None = None
    ) -> dict[str, list[str]]:
        """Check a selection against the metadata and complete it.

        Variables may be named by code ("Region") or label ("region", "kön"); values by
        code, with ``*`` for all and ``01*`` / ``*01`` for codes that start or end so.
        A variable that is not named gets all its values if it cannot be eliminated, and
        is left out (SCB's total) if it can.
        """
        variables = self.variables(table_id)
        by_name: dict[str, Variable] = {}
        for var in variables:
            by_name[_fold(var.code)] = var
            by_name.setdefault(_fold(var.label), var)
        chosen: dict[str, list[str]] = {}
        for name, codes in (select or {}).items():
            var = by_name.get(_fold(name))
            if var is None:
                listing = ", ".join(f"{v.code} ({v.label})" for v in variables)
                raise KompetensError(
                    f"Tabell {table_id} har ingen variabel {name!r}. Giltiga variabler: "
                    f"{listing}."
                )
            chosen[var.code] = _expand(table_id, var, codes)
        result: dict[str, list[str]] = {}
        for var in variables:  # the table's order
            if var.code in chosen:
                result[var.code] = chosen[var.code]
            elif not var.elimination:
                result[var.code] = list(var.values)
        return result

    def fetch(
        self, table_id: str, select: Mapping[str, Sequence[str]] | None = None
    ) -> pd.DataFrame:
        """Fetch a selection of a table as a tidy frame; see :func:`fetch_table`."""
        table_id = check_table_id(table_id)
        meta = self.metadata(table_id)
        selection = self.resolve_selection(table_id, select)
        cells = math.prod(len(v) for v in selection.values()) if selection else 0
        calls_before = self.data_calls
        with _translated(self.url, f"data ur tabell {table_id} hämtades", table_id,
                         self._last, self.timeouts):
            rows = self._api.get_table_data(table_id, value_codes=selection,
                                            show="code_value")
            frame = _tidy(rows, self.variables(table_id))
        fetched = datetime.now(UTC).replace(microsecond=0).isoformat()
        missing = int(frame["value"].isna().sum())
        frame.attrs["provenance"] = {
            "table_id": table_id,
            "title": str(meta.get("label", "")),
            "source": SOURCE,
            "source_note": f"{self.source_reference}, tabell {table_id}",
            "api_url": self.url,
            "api_version": self.api_version,
            "licence": self.licence,
            "language": LANGUAGE,
            "query": {"selection": [{"variableCode": k, "valueCodes": v}
                                    for k, v in selection.items()]},
            "cells": cells,
            "calls": self.data_calls - calls_before,
            "max_cells_per_call": self.config.get("maxDataCells"),
            "fetched": fetched,
            "updated": meta.get("updated"),
            "rows": len(frame),
            "missing_values": missing,
            "columns": frame.attrs.pop("columns"),
            "synthetic": False,
        }
        return frame


def check_table_id(table_id: str) -> str:
    """``table_id`` stripped, or a Swedish :class:`KompetensError` if it is no table id.

    >>> check_table_id(" TAB638 ")
    'TAB638'
    """
    text = str(table_id).strip()
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", text):
        raise KompetensError(
            f"Ogiltigt tabell-id: {table_id!r}. Ett tabell-id är bokstäver och siffror, "
            "t.ex. TAB638 (se tabellens sida i statistikdatabasen)."
        )
    return text


def _fold(text: str) -> str:
    return " ".join(str(text).casefold().split())


def _expand(table_id: str, var: Variable, codes: Sequence[str]) -> list[str]:
    out: list[str] = []
    for raw in codes:
        code = str(raw).strip()
        if code == "*":
            matched = list(var.values)
        elif code.endswith("*") and not code.startswith("*"):
            matched = [c for c in var.values if c.startswith(code[:-1])]
        elif code.startswith("*") and not code.endswith("*"):
            matched = [c for c in var.values if c.endswith(code[1:])]
        elif code in var.values:
            matched = [code]
        else:
            # Accept a value's label too ("män"), as analysts read them in the web page.
            matched = [c for c, label in var.values.items() if _fold(label) == _fold(code)]
        if not matched:
            shown = ", ".join(f"{c} ({label})" for c, label in list(var.values.items())[:12])
            more = " …" if len(var.values) > 12 else ""
            raise KompetensError(
                f"Variabeln {var.code} ({var.label}) i tabell {table_id} har inget värde "
                f"{code!r}. Giltiga värden är t.ex. {shown}{more}; '*' väljer alla."
            )
        out.extend(c for c in matched if c not in out)
    return out


def _tidy(rows: list[dict[str, Any]], variables: list[Variable]) -> pd.DataFrame:
    """Rows from pxwebpy (``show="code_value"``) as a tidy frame with code and label columns."""
    by_label = {v.label: v for v in variables}
    raw = pd.DataFrame(rows)
    if raw.empty:
        raise ValueError("svaret innehöll inga värden")
    columns: dict[str, str] = {}
    out = pd.DataFrame(index=raw.index)
    taken = {"value"}
    for label in [c for c in raw.columns if c != "value"]:
        var = by_label.get(label)
        if var is None:
            raise KeyError(f"okänd dimension {label!r} i svaret")
        parts = raw[label].astype("string").str.partition(": ")
        codes, labels = parts[0], parts[2]
        if var.time and codes.str.fullmatch(r"\d{4}").all():
            name = "year"
            out[name] = codes.astype("int64")
        else:
            name = "region" if _fold(var.code) == "region" else (
                "period" if var.time else snake_name(var.label) or snake_name(var.code))
            if name in taken:
                name = f"{name}_{snake_name(var.code)}"
            out[name] = codes
            out[f"{name}_label"] = labels.str.strip()
            taken.add(f"{name}_label")
        taken.add(name)
        columns[var.code] = name
    values = pd.to_numeric(raw["value"], errors="coerce")
    present = values.dropna()
    if len(present) and (present == present.round()).all():
        out["value"] = values.astype("Int64")
    else:
        out["value"] = values.astype("float64")
    # A split selection comes back in pieces: put the rows in the table's order again.
    by_code = {v.code: v for v in variables}
    positions = pd.DataFrame({
        i: out[name].astype("string").map(
            {str(code): n for n, code in enumerate(by_code[var_code].values)})
        for i, (var_code, name) in enumerate(columns.items())
    })
    if len(positions.columns):
        order = positions.sort_values(list(positions.columns), kind="stable").index
        out = out.loc[order].reset_index(drop=True)
    out.attrs["columns"] = columns
    return out


def fetch_table(
    table_id: str,
    select: Mapping[str, Sequence[str]] | None = None,
    *,
    api_url: str | None = None,
    client: ScbClient | None = None,
) -> pd.DataFrame:
    """Fetch a table (or a selection of it) from SCB's API as a tidy frame.

    Parameters
    ----------
    table_id
        SCB's table id, e.g. ``"TAB638"``.
    select
        ``{variable: [codes]}``; variables by code or label, ``"*"`` for all values. See
        :meth:`ScbClient.resolve_selection` for what happens to variables left out.
    api_url, client
        Where to fetch from: an existing client, or a base URL (default as in
        :func:`resolve_api_url`).

    Returns
    -------
    DataFrame
        One row per cell, in the table's order. For every variable a column of codes
        (named after the variable's label in snake_case: ``region``, ``alder``, ``kon``,
        ``utbildning``, ``tabellinnehall`` …) and ``<name>_label`` with SCB's Swedish label;
        the time variable is ``year`` (int64) when its codes are years, else ``period`` and
        ``period_label``; ``value`` is ``Int64`` when every number is whole, else float64
        (SCB's missing values are ``<NA>``). ``df.attrs["provenance"]`` holds table id,
        title, query, fetch time, API version, licence, source note and the column of each
        variable (``columns``). A large selection is split into several calls as the API's
        ``maxDataCells`` requires; ``calls`` in the provenance says how many.

    Raises
    ------
    KompetensError
        For an unknown variable or value (Swedish, listing valid ones).
    ScbApiError
        When the API cannot be reached or refuses (Swedish; ``kind`` says which).

    >>> df = fetch_table("TAB638", {"Region": ["12"], "Tid": ["2023"]})  # doctest: +SKIP
    """
    client = client or ScbClient(api_url)
    return client.fetch(table_id, select)


# --------------------------------------------------------------------------- files


def provenance_path(path: str | os.PathLike[str]) -> Path:
    """The sidecar of a data file: ``employed.parquet`` → ``employed.parquet.provenance.json``."""
    path = Path(path)
    return path.with_name(path.name + ".provenance.json")


def write_table(df: pd.DataFrame, path: str | os.PathLike[str]) -> list[Path]:
    """Write a fetched frame (parquet or CSV by the ending) and its provenance sidecar.

    The provenance goes to ``<file>.provenance.json`` (UTF-8 JSON) for both formats;
    parquet also keeps it inside the file (pandas stores ``df.attrs`` in the parquet
    metadata). Both files are written atomically, the data file first.
    """
    written = write_tidy(df, path)
    readable(written)
    record = df.attrs.get("provenance", {})
    side = provenance_path(written)
    text = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"
    atomic_write_text(side, text)
    return [written, side]


def read_provenance(path: str | os.PathLike[str]) -> dict | None:
    """The provenance of a data file from its sidecar, or from parquet's metadata, or None."""
    path = Path(path)
    side = provenance_path(path)
    if side.exists():
        try:
            return json.loads(side.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise KompetensError(
                f"Proveniensfilen {side} går inte att läsa ({exc}). Den ska vara JSON; hämta "
                "tabellen igen eller ta bort filen."
            ) from None
    if path.suffix.lower() in (".parquet", ".pq") and path.exists():
        attrs = pd.read_parquet(path).attrs
        if isinstance(attrs.get("provenance"), dict):
            return dict(attrs["provenance"])
    return None


# --------------------------------------------------------------------------- text


def parse_select(items: Sequence[str]) -> dict[str, list[str]]:
    """``["Region=01,03", "Tid=2023"]`` → ``{"Region": ["01", "03"], "Tid": ["2023"]}``.

    >>> parse_select(["Region=01,03", "Tid=2023"])
    {'Region': ['01', '03'], 'Tid': ['2023']}
    """
    result: dict[str, list[str]] = {}
    for item in items:
        name, sep, codes = str(item).partition("=")
        values = [c.strip() for c in codes.split(",") if c.strip()]
        if not sep or not name.strip() or not values:
            raise KompetensError(
                f"Urvalet {item!r} ska skrivas VARIABEL=KOD,KOD, t.ex. Region=01,03 eller "
                "Tid=2022,2023 ('*' väljer alla värden)."
            )
        result.setdefault(name.strip(), []).extend(values)
    return result


def describe_table(client: ScbClient, table_id: str) -> str:
    """A table's variables and some of their codes, in Swedish (``fetch --variables``)."""
    meta = client.metadata(table_id)
    lines = [f"{table_id}: {meta.get('label', '')}"]
    for var in client.variables(table_id):
        flags = []
        if var.time:
            flags.append("tid")
        flags.append("kan utelämnas" if var.elimination else "måste väljas")
        shown = ", ".join(f"{c} ({label})" for c, label in list(var.values.items())[:8])
        more = f" … ({len(var.values)} värden)" if len(var.values) > 8 else ""
        lines.append(f"  {var.code} – {var.label} [{', '.join(flags)}]: {shown}{more}")
    return "\n".join(lines)


def summary(frame: pd.DataFrame, written: Sequence[Path] = ()) -> str:
    """A short Swedish summary of a fetched frame (what the CLI prints)."""
    record = frame.attrs.get("provenance", {})
    lines = []
    if record.get("recipe"):
        lines.append(f"Hämtade receptet {record['recipe']!r} → tabellen {record.get('table')!r} "
                     f"({record.get('title', '')}).")
        lines.append(f"  Källa: {record.get('source', '')}, tabell {record.get('table_id', '')}.")
        parts = record.get("parts", [])
    else:
        lines.append(f"Hämtade tabell {record.get('table_id')} från SCB:s API.")
        parts = [record]
    for part in parts:
        calls = part.get("calls", 0)
        split = (f" – frågan delades i {calls} anrop eftersom API:t tar högst "
                 f"{part.get('max_cells_per_call')} celler per anrop" if calls > 1 else "")
        lines.append(f"  {part.get('table_id')}: {part.get('title', '')}; {part.get('cells')} "
                     f"celler, {calls} anrop{split}.")
    lines.append(f"  Rader: {len(frame)}; kolumner: {', '.join(map(str, frame.columns))}.")
    if "year" in frame.columns and len(frame):
        lines.append(f"  År: {frame['year'].min()}–{frame['year'].max()}.")
    for note in record.get("notes", []):
        lines.append(f"  Obs: {note}")
    if record.get("missing_values"):
        lines.append(f"  Obs: {record['missing_values']} värden saknas hos SCB (..).")
    lines.append(f"  Hämtat {record.get('fetched', '')} från {record.get('api_url', '')} "
                 f"(API {record.get('api_version', '')}); licens {record.get('licence', '')}.")
    for path in written:
        lines.append(f"Skrev {path}.")
    return "\n".join(lines)
