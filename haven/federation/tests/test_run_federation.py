"""`make run-federation`'s script: two demo deployments come up, pair and a referral arrives.

Runs scripts/run_federation.py --check (Viet Nam's people only, free ports, a temporary data
directory): the same commands `make run-federation` runs, ending once the referral is waiting at
Shelter BKK. A second run finds everything in place: no second pairing, no second referral.
"""

import sqlite3
import subprocess
import sys

import pytest

from haven.federation.live import ROOT, free_port

pytestmark = [pytest.mark.live, pytest.mark.xdist_group("federation_live")]


def run(folder, vn_port, th_port) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "run_federation.py"), "--check", "--quick",
         "--vn-port", str(vn_port), "--th-port", str(th_port), "--data-dir", str(folder),
         "--timeout", "60"],
        capture_output=True, text=True, timeout=600, cwd=ROOT, check=False,
    )  # fmt: skip


def count(path, sql: str) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchone()[0]
    finally:
        db.close()


def test_two_demo_deployments_pair_and_a_referral_waits_at_shelter_bkk(tmp_path):
    vn_port, th_port = free_port(), free_port()
    first = run(tmp_path, vn_port, th_port)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "waiting at Shelter BKK" in first.stdout and "somchai" in first.stdout
    assert "Paired by fingerprint" in first.stdout
    th = tmp_path / "th" / "haven.sqlite3"
    vn = tmp_path / "vn" / "haven.sqlite3"
    incoming = "SELECT count(*) FROM federation_peerreferral WHERE incoming"
    assert count(th, incoming) == 1
    assert count(th, "SELECT count(*) FROM federation_peer") == 1
    second = run(tmp_path, vn_port, th_port)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "Paired by fingerprint" not in second.stdout
    assert count(th, incoming) == 1 and count(vn, "SELECT count(*) FROM federation_peer") == 1
    for port in (vn_port, th_port):  # both deployments stopped
        with pytest.raises(OSError):
            import socket

            socket.create_connection(("127.0.0.1", port), timeout=1).close()
