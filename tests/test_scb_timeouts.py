"""Every call to the API has a connect and a read timeout (issue 15): a server that takes
the connection and never answers stops the fetch with a Swedish message that names the host
and the time waited, instead of hanging forever."""

from __future__ import annotations

import socket
import time

import pytest
from pxweb_server import PxWebServer

from kompetens_lib.data.scb_api import ScbApiError, ScbClient
from kompetens_lib.errors import KompetensError


@pytest.fixture
def silent_server():
    """A socket that accepts connections (the kernel's backlog) and never says a word."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/api/v2"
    finally:
        sock.close()


def test_a_server_that_never_answers_config_stops_the_client_in_time(silent_server):
    started = time.monotonic()
    with pytest.raises(ScbApiError) as err:
        ScbClient(silent_server, timeout=0.5)
    waited = time.monotonic() - started
    assert waited < 5, f"waited {waited:.1f} s for a 0.5 s timeout"
    message = str(err.value)
    host = silent_server.split("/")[2]
    assert host in message
    assert "svarade inte inom 0,5 sekunder" in message
    assert "/config" in message
    assert err.value.kind == "network"


def test_config_that_hangs_on_a_pxweb_server_is_a_timeout_not_a_hang():
    with PxWebServer() as server:
        server.never_answer_config(seconds=20)
        started = time.monotonic()
        with pytest.raises(ScbApiError, match="svarade inte inom 0,3 sekunder"):
            ScbClient(server.url, timeout=0.3)
        assert time.monotonic() - started < 5
        assert [r.path for r in server.requests] == ["/api/v2/config"]


def test_a_data_call_that_never_answers_is_stopped_and_named():
    with PxWebServer() as server:
        client = ScbClient(server.url, timeout=0.4)
        server.answer_data_with("hang")
        started = time.monotonic()
        with pytest.raises(ScbApiError) as err:
            client.fetch("TAB638", {"Region": ["12"], "Tid": ["2023"]})
        assert time.monotonic() - started < 5
        assert "data ur tabell TAB638" in str(err.value)
        assert "0,4 sekunder" in str(err.value)
        # the next call is answered normally: the client is still usable
        frame = client.fetch("TAB638", {"Region": ["12"], "Tid": ["2023"]})
        assert not frame.empty


def test_the_timeouts_reach_every_call_of_the_client():
    with PxWebServer() as server:
        client = ScbClient(server.url, timeout=7, connect_timeout=2)
        session = client._api._client.session  # pxwebpy's session, as the adapter sees it
        adapter = session.get_adapter(server.url)
        assert client.timeouts == (2.0, 7.0)
        assert type(adapter).__name__ == "_Adapter"


@pytest.mark.parametrize("bad", [0, -1, float("inf"), "60"])
def test_a_timeout_that_is_not_a_positive_number_is_refused_in_swedish(bad):
    with pytest.raises(KompetensError, match="positivt antal sekunder"):
        ScbClient("http://127.0.0.1:9/api/v2", timeout=bad)
