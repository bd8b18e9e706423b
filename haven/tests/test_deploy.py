"""deploy/: the units' commands exist and load, the units are hardened, the proxy keeps secrets."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
INSTALLED = "/srv/haven"
UNITS = ["haven-web.service", "haven-worker.service"]


def unit(name: str) -> dict[str, list[str]]:
    """The [Service] section's settings, each key with all its values (systemd allows repeats)."""
    values: dict[str, list[str]] = {}
    section = None
    for line in (DEPLOY / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "Service":
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def local(path: str) -> Path:
    """Where an installed path is in this checkout (the venv is .venv here)."""
    path = path.replace(f"{INSTALLED}/venv/", f"{INSTALLED}/.venv/")
    return ROOT / path.removeprefix(f"{INSTALLED}/")


def run(args, **env):
    environ = {**os.environ, "HAVEN_DEBUG": "true", **env}
    return subprocess.run(args, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", UNITS)
def test_the_unit_is_hardened_and_runs_as_haven(name):
    service = unit(name)
    assert service["User"] == ["haven"] and service["Group"] == ["haven"]
    assert service["NoNewPrivileges"] == ["yes"]
    assert service["ProtectSystem"] == ["strict"]
    assert service["PrivateTmp"] == ["yes"]
    assert service["ProtectHome"] == ["yes"]
    assert service["CapabilityBoundingSet"] == [""]
    assert service["ReadWritePaths"] == [f"{INSTALLED}/var"]
    assert f"HAVEN_DATA_DIR={INSTALLED}/var" in service["Environment"]
    assert service["EnvironmentFile"] == ["/etc/haven/haven.env"]
    assert service["WorkingDirectory"] == [INSTALLED]


def test_the_web_units_command_loads_gunicorns_settings_and_haven():
    [command] = unit("haven-web.service")["ExecStart"]
    program, *args = shlex.split(command)
    assert local(program).name == "gunicorn"
    assert args[0] == "-c" and local(args[1]) == ROOT / "gunicorn.conf.py"
    result = run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", str(local(args[1])), *args[2:]]
    )
    assert result.returncode == 0, result.stderr
    broken = run([sys.executable, "-m", "gunicorn", "--check-config", "-c", args[1], "haven.nope"])
    assert broken.returncode != 0  # the check does load the application


def test_the_web_units_metrics_directory_is_its_own_runtime_directory():
    service = unit("haven-web.service")
    [directory] = service["RuntimeDirectory"]
    assert f"PROMETHEUS_MULTIPROC_DIR=/run/{directory}/metrics" in service["Environment"]


def test_the_worker_units_command_is_a_haven_command():
    [command] = unit("haven-worker.service")["ExecStart"]
    program, subcommand, *options = shlex.split(command)
    assert program == f"{INSTALLED}/venv/bin/haven"
    result = run([sys.executable, "-m", "haven", "help", subcommand])
    assert result.returncode == 0 and "--schedule-interval" in result.stdout
    for option in options[::2]:  # --abandoned-after 3600: an option the worker has
        assert option in result.stdout
    unknown = run([sys.executable, "-m", "haven", "help", "no_such_command"])
    assert unknown.returncode != 0
    assert int(unit("haven-worker.service")["TimeoutStopSec"][0]) >= 60  # a job may finish


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is needed (Debian package systemd)"
    for name in UNITS:
        text = (DEPLOY / name).read_text()
        text = text.replace(f"{INSTALLED}/venv/bin/", f"{ROOT}/.venv/bin/")
        text = text.replace(INSTALLED, str(ROOT)).replace("/etc/haven/haven.env", "/dev/null")
        (tmp_path / name).write_text(text)
    result = run([analyze, "verify", "--man=no", *[str(tmp_path / name) for name in UNITS]])
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # unknown keys are only warned about


def test_the_old_purge_timer_is_gone():
    assert not list(DEPLOY.glob("haven-purge.*"))  # the worker's schedule purges
    assert "purge_expired_reports" in settings.HAVEN_PERIODIC_JOBS


class TestProxy:
    conf = (DEPLOY / "nginx.conf").read_text()

    def directives(self, name: str) -> list[str]:
        return re.findall(rf"^\s*{name}\s+(.+?);", self.conf, re.MULTILINE)

    def test_it_overwrites_x_forwarded_for_never_appends(self):
        assert "X-Forwarded-For $remote_addr" in self.directives("proxy_set_header")
        assert "X-Forwarded-Proto $scheme" in self.directives("proxy_set_header")
        assert "$proxy_add_x_forwarded_for" not in self.conf.replace(
            "($proxy_add_x_forwarded_for would", ""
        )

    def test_its_log_holds_no_address_user_agent_or_query_string(self):
        [log_format] = self.directives("log_format")
        for leak in (
            "$remote_addr",
            "$http_user_agent",
            "$request ",
            "$request_uri",
            "$args",
            "$query_string",
            "$http_x_forwarded_for",
            "$http_referer",
        ):
            assert leak not in log_format + " ", leak
        assert all(
            line == "off" or line.endswith("haven_private")
            for line in self.directives("access_log")
        )
        assert all(line.endswith("crit") for line in self.directives("error_log"))

    def test_its_body_limit_lets_a_full_report_through(self):
        [limit] = self.directives("client_max_body_size")
        megabytes = int(limit.removesuffix("m"))
        needed = settings.HAVEN_MAX_ATTACHMENTS * settings.HAVEN_ATTACHMENT_MAX_MB
        needed += settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        assert needed <= megabytes <= needed + 20

    def test_it_adds_hsts_and_headers_on_its_own_error_pages(self):
        headers = self.directives("add_header")
        assert headers.count('Strict-Transport-Security "max-age=31536000" always') == 2
        for header in (
            "X-Frame-Options DENY",
            "Referrer-Policy no-referrer",
            "X-Content-Type-Options nosniff",
        ):
            assert f"{header} always" in headers
        assert not any("includeSubDomains" in header for header in headers)
        assert (DEPLOY / "proxy-error" / "proxy-error.html").exists()

    def test_metrics_are_closed_to_all_but_the_prometheus_server(self):
        block = self.conf.split("location = /metrics", 1)[1].split("}", 1)[0]
        assert "deny all;" in block
