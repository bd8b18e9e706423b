"""`make run` starts the worker beside the server, in one shell, and stops it with the server."""

import re
from pathlib import Path

MAKEFILE = Path(__file__).resolve().parents[3] / "Makefile"


def recipe(target: str) -> list[str]:
    """The target's shell lines, continuation lines joined (make runs each in its own shell)."""
    text = MAKEFILE.read_text()
    body = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", text, re.MULTILINE).group(1)
    lines = body.replace("\\\n\t", " ").splitlines()
    return [line.strip() for line in lines if not line.strip().startswith("@#")]


def test_make_run_starts_the_worker_in_the_servers_shell_and_kills_it_on_exit():
    lines = recipe("run")
    [shell] = [line for line in lines if "runserver" in line]
    worker, _, rest = shell.partition("$(BIN)/haven worker &")
    assert rest, "the worker runs in the background, in the same shell as runserver"
    assert worker.strip() == "HAVEN_DEBUG=true"
    assert "worker=$$!" in rest
    assert "trap 'kill $$worker" in rest and "EXIT" in rest
    assert "trap 'exit 130' INT TERM" in rest  # Ctrl+C ends the shell, so EXIT kills the worker
    assert rest.index("trap") < rest.index("runserver")
    assert lines.index(shell) > max(
        index for index, line in enumerate(lines) if "migrate" in line
    )  # migrations first: the worker reads the queue table
