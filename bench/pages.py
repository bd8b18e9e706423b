"""Page weight and server time for the pages that exist so far.

Run with `make bench`. Builds a throw-away SQLite database (or uses HAVEN_DATABASE_URL when set),
then requests each page many times in-process and prints sizes and timings.
"""

import gzip
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("HAVEN_DEBUG", "true")
    os.environ.setdefault("HAVEN_DATA_DIR", tempfile.mkdtemp(prefix="haven-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from haven.accounts.models import User
    from haven.accounts.services import create_api_token
    from haven.demo.personas import create_demo_data

    create_demo_data(lambda username: "bench-password-123456")
    dave = User.objects.get(username="dave")
    _, token = create_api_token(dave, actor=dave, name="bench")

    client = Client()
    staff = Client()
    staff.force_login(dave)
    pages = [
        ("home /vi/", client, "/vi/", {}),
        ("staff login", client, "/en/staff/login/", {}),
        ("healthz", client, "/healthz", {}),
        ("staff home (analyst)", staff, "/en/staff/", {}),
        ("API /me", client, "/api/v1/me", {"Authorization": f"Bearer {token}"}),
    ]
    print(f"{'page':<22} {'bytes':>7} {'gzip':>6} {'p50 ms':>7} {'p95 ms':>7}  ({ROUNDS} rounds)")
    for name, who, path, headers in pages:
        response = who.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
        body = response.content
        timings = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            who.get(path, headers=headers)
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{name:<22} {len(body):>7} {len(gzip.compress(body)):>6} "
            f"{statistics.median(timings):>7.2f} {p95:>7.2f}"
        )
    css = (Path(__file__).resolve().parent.parent / "static" / "haven.css").read_bytes()
    print(f"{'haven.css':<22} {len(css):>7} {len(gzip.compress(css)):>6}")


if __name__ == "__main__":
    main()
