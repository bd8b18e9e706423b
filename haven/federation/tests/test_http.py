"""The real HTTP paths: fetching a peer's document and posting to an inbox, on 127.0.0.1."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from haven.federation.outbox import http_transport
from haven.federation.peers import fetch_document
from haven.federation.tests.conftest import TH, document_of

pytestmark = pytest.mark.django_db


def serve(answers: dict):
    """A server on a free port answering {path: (status, body)}; returns (address, server)."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.server.received.append(self.rfile.read(length))
            status, body = answers.get(self.path, (404, {}))
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def test_a_document_is_fetched_from_the_well_known_address(db):
    signed = document_of(TH)
    address, server = serve({"/.well-known/haven-federation.json": (200, signed)})
    try:
        assert fetch_document(address + "/") == signed
    finally:
        server.shutdown()
    with pytest.raises(ValueError):
        fetch_document("file:///etc/passwd")


def test_the_transport_reads_acceptance_refusal_and_silence():
    address, server = serve(
        {
            "/ok": (202, {"status": "accepted"}),
            "/again": (409, {"status": "refused", "reason": "replay"}),
            "/broken": (500, {}),
        }
    )
    try:
        assert http_transport(address + "/ok", "a.b.c.d.e") == (202, "accepted")
        assert server.received[-1] == b"a.b.c.d.e"
        assert http_transport(address + "/again", "x") == (409, "replay")
        assert http_transport(address + "/broken", "x") == (500, "http_500")
    finally:
        server.shutdown()
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    assert http_transport(f"http://127.0.0.1:{port}/inbox", "x") == (0, "unreachable")
    assert http_transport("file:///etc/passwd", "x") == (0, "bad_address")
