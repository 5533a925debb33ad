"""A local stand-in for SCB's PxWeb API v2 that serves the recorded answers in fixtures/pxweb.

``/config``, ``/tables``, ``/tables/{id}/metadata`` and ``/tables/{id}/data`` (GET and POST)
answer as the real API does; a data selection is cut out of the table's recorded
``data.json`` (every value); a variable left out is answered with its
``eliminationValueCode`` (the table's total) or summed when it may be eliminated, and
refused (400) when it may not. The server listens on 127.0.0.1 on a free port, runs in a
daemon thread, records every request, can answer 429, break the connection or hang (never
answer) on demand, and stops by itself after ``lifetime`` seconds if a test forgets to stop it.

>>> with PxWebServer() as server:  # doctest: +SKIP
...     ScbClient(server.url).fetch("TAB638", {"Region": ["12"]})
"""

from __future__ import annotations

import copy
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

import numpy as np

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pxweb"
PREFIX = "/api/v2"


@dataclass
class Seen:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    at: float  # time.monotonic()
    status: int = 0


@dataclass
class _Faults:
    data: list[str] = field(default_factory=list)  # "429", "break" or "hang", in order
    retry_after: str = "0.2"
    hang_config: bool = False  # /config never answers (issue 15)
    hang_seconds: float = 30.0  # how long "never" lasts before the handler gives up


class PxWebServer:
    """Serve the fixtures on ``http://127.0.0.1:<port>/api/v2`` (see module docstring).

    Parameters
    ----------
    config
        Keys that replace those of the recorded ``/config`` (e.g. ``{"maxDataCells": 500}``).
    lifetime
        Seconds after which the server stops by itself.
    """

    def __init__(self, fixtures: Path = FIXTURES, *, config: dict | None = None,
                 lifetime: float = 120.0) -> None:
        self.fixtures = Path(fixtures)
        self.config = json.loads((self.fixtures / "config.json").read_text(encoding="utf-8"))
        self.config.update(config or {})
        self.requests: list[Seen] = []
        self.faults = _Faults()
        self.lifetime = lifetime
        self._cubes: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None

    # -- life cycle ---------------------------------------------------------------------

    def start(self) -> PxWebServer:
        handler = type("Handler", (_Handler,), {"owner": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        self._timer = threading.Timer(self.lifetime, self.stop)
        self._timer.daemon = True
        self._timer.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if self._timer is not None and self._timer is not threading.current_thread():
            self._timer.cancel()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._httpd is not None, "the server is not running"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{PREFIX}"

    # -- test controls ------------------------------------------------------------------

    def answer_data_with(self, *faults: str, retry_after: str = "0.2") -> None:
        """The next data requests get these answers in turn: "429", "break" or "hang"."""
        with self._lock:
            self.faults.data.extend(faults)
            self.faults.retry_after = retry_after

    def never_answer_config(self, seconds: float = 30.0) -> None:
        """``/config`` accepts the request and then sends nothing (for ``seconds``)."""
        with self._lock:
            self.faults.hang_config = True
            self.faults.hang_seconds = seconds

    def _hang(self) -> None:
        deadline = time.monotonic() + self.faults.hang_seconds
        while self._httpd is not None and time.monotonic() < deadline:
            time.sleep(0.05)

    def data_requests(self, table_id: str | None = None) -> list[Seen]:
        return [r for r in self.requests if r.path.endswith("/data")
                and (table_id is None or f"/tables/{table_id}/" in r.path)]

    # -- answers ------------------------------------------------------------------------

    def metadata(self, table_id: str) -> dict | None:
        file = self.fixtures / table_id / "metadata.json"
        if not file.is_file():
            return None
        return json.loads(file.read_text(encoding="utf-8"))

    def cube(self, table_id: str) -> dict | None:
        with self._lock:
            if table_id not in self._cubes:
                file = self.fixtures / table_id / "data.json"
                if not file.is_file():
                    return None
                self._cubes[table_id] = json.loads(file.read_text(encoding="utf-8"))
            return self._cubes[table_id]

    def select(self, table_id: str, selection: list[dict]) -> tuple[int, dict]:
        """Cut a selection out of the recorded cube, as the API answers it."""
        cube = self.cube(table_id)
        if cube is None:
            return 404, _problem(404, "Not Found", f"Table {table_id} not found")
        wanted: dict[str, list[str]] = {}
        for item in selection:
            code = item.get("variableCode")
            if code not in cube["dimension"]:
                return 400, _problem(400, "Bad Request", f"Unknown variable {code}")
            wanted[code] = list(item.get("valueCodes") or [])
        values = np.array([np.nan if v is None else v for v in cube["value"]], dtype=float)
        values = values.reshape(cube["size"])
        out = copy.deepcopy({k: v for k, v in cube.items() if k not in ("value", "status")})
        out["dimension"] = {}
        kept: list[str] = []
        for dim_id in cube["id"]:
            dim = cube["dimension"][dim_id]
            order = sorted(dim["category"]["index"], key=dim["category"]["index"].get)
            if dim_id in wanted:
                codes = []
                for code in wanted[dim_id]:
                    if code == "*":
                        codes.extend(order)
                    elif code in dim["category"]["index"]:
                        codes.append(code)
                    else:
                        return 400, _problem(400, "Bad Request",
                                             f"Value {code} not found in {dim_id}")
                chosen = [c for c in order if c in set(codes)]
                values = np.take(values, [dim["category"]["index"][c] for c in chosen],
                                 axis=len(kept))
                new = copy.deepcopy(dim)
                new["category"]["index"] = {c: i for i, c in enumerate(chosen)}
                new["category"]["label"] = {c: dim["category"]["label"][c] for c in chosen}
                if "unit" in new["category"]:
                    new["category"]["unit"] = {c: dim["category"]["unit"][c] for c in chosen}
                out["dimension"][dim_id] = new
                kept.append(dim_id)
            elif dim.get("extension", {}).get("elimination"):
                total = dim["extension"].get("eliminationValueCode")
                if total in dim["category"]["index"]:  # the table's own total
                    values = np.take(values, dim["category"]["index"][total], axis=len(kept))
                else:  # no total value: the API sums the values
                    values = values.sum(axis=len(kept))
            else:
                return 400, _problem(400, "Bad Request",
                                     f"Mandatory variable {dim_id} is missing in selection")
        out["id"] = kept
        out["size"] = [len(out["dimension"][d]["category"]["index"]) for d in kept]
        flat = values.reshape(-1)
        out["value"] = [None if np.isnan(v) else (int(v) if float(v).is_integer() else float(v))
                        for v in flat]
        status = {str(i): ".." for i, v in enumerate(flat) if np.isnan(v)}
        if status:
            out["status"] = status
        out["role"] = {k: [d for d in v if d in kept] for k, v in cube.get("role", {}).items()}
        return 200, out


def _finds(query: str, table: dict) -> bool:
    """The index's search as far as the tests need it: every word of ``query`` is in the
    table's label (case and punctuation ignored), or ``query`` is the table's id."""
    if query.strip().lower() == str(table["id"]).lower():
        return True
    words = re.findall(r"\w[\w-]*", table["label"].lower())
    return all(any(w.startswith(q) for w in words)
               for q in re.findall(r"\w[\w-]*", query.lower()))


def _problem(status: int, title: str, detail: str) -> dict:
    return {"type": "https://tools.ietf.org/html/rfc9110#section-15.5", "title": title,
            "status": status, "detail": detail, "instance": None}


class _Handler(BaseHTTPRequestHandler):
    owner: PxWebServer
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle("GET", None)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw.decode("utf-8")) if raw else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            body = {"_unreadable": raw.decode("latin-1")}
        self._handle("POST", body)

    def _send(self, status: int, doc: dict, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, method: str, body: Any) -> None:
        owner = self.owner
        parts = urlsplit(self.path)
        seen = Seen(method, parts.path, parse_qs(parts.query), body, time.monotonic())
        with owner._lock:
            owner.requests.append(seen)
        path = parts.path
        if not path.startswith(PREFIX):
            seen.status = 404
            return self._send(404, _problem(404, "Not Found", "Unknown path"))
        path = path[len(PREFIX):].rstrip("/")
        status, doc, headers = 404, _problem(404, "Not Found", "Unknown path"), {}
        if path == "/config":
            if owner.faults.hang_config:
                seen.status = -2
                owner._hang()
                self.close_connection = True
                return
            status, doc = 200, owner.config
        elif path == "/tables":
            status = 200
            doc = json.loads((owner.fixtures / "tables.json").read_text(encoding="utf-8"))
            query = seen.query.get("query", [""])[0]
            if query:
                doc["tables"] = [t for t in doc["tables"] if _finds(query, t)]
                doc["page"]["totalElements"] = len(doc["tables"])
        elif path.startswith("/tables/") and path.endswith("/metadata"):
            table_id = path.split("/")[2]
            meta = owner.metadata(table_id)
            if meta is not None:
                status, doc = 200, meta
            else:
                doc = _problem(404, "Not Found", f"Table {table_id} not found")
        elif path.startswith("/tables/") and path.endswith("/data"):
            table_id = path.split("/")[2]
            with owner._lock:
                fault = owner.faults.data.pop(0) if owner.faults.data else None
                retry_after = owner.faults.retry_after
            if fault == "hang":
                seen.status = -2
                owner._hang()
                self.close_connection = True
                return
            if fault == "break":
                seen.status = -1
                self.close_connection = True
                return  # no answer at all: the client sees the connection drop
            if fault == "429":
                seen.status = 429
                return self._send(429, _problem(429, "Too Many Requests",
                                                "Rate limit exceeded"),
                                  {"Retry-After": retry_after})
            fmt = seen.query.get("outputFormat", ["json-stat2"])[0]
            if fmt != "json-stat2":
                status, doc = 400, _problem(400, "Bad Request", f"Unsupported format {fmt}")
            else:
                selection = (body or {}).get("selection", []) if isinstance(body, dict) else []
                status, doc = owner.select(table_id, selection)
        seen.status = status
        self._send(status, doc, headers)
