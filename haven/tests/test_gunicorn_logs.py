"""gunicorn's own error log keeps no client address (its access log leaves them out already)."""

import socket

import pytest

from haven.tests.gunicorn_server import gunicorn, production_environment


@pytest.mark.django_db
def test_a_too_long_request_line_is_logged_without_the_address(tmp_path):
    log = tmp_path / "error.log"
    environ = production_environment(tmp_path)
    line = b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with gunicorn(environ, "--workers", "1", "--log-level", "info", log_file=log) as port:
        connection = socket.create_connection(("127.0.0.1", port), timeout=10)
        connection.sendall(line)
        answer = connection.recv(200)
        connection.close()
    assert answer.startswith(b"HTTP/1.1 414")
    text = log.read_text()
    assert "Invalid request from ip=[address removed]" in text
    assert "127.0.0.1" not in text.replace("Listening at: http://127.0.0.1", "")
