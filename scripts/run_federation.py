"""`make run-federation`: two demo deployments on this machine, paired, a referral waiting.

    .venv/bin/python scripts/run_federation.py            # Viet Nam on :8000, Thailand on :8001
    .venv/bin/python scripts/run_federation.py --check    # set up, wait for the referral, stop

Viet Nam (`haven seed_demo`) and Thailand (`haven seed_demo --country TH`), each with its own
data directory (its own development secrets, so its own federation keys) and SQLite file under
var/federation/, its server (runserver --noreload) and its `haven worker`. Each pins the other by
fingerprint (`federation_identity`, `add_peer`), once. Then Viet Nam's alice refers a fictional
case to Shelter BKK (once) and Viet Nam's worker delivers it over HTTP: it waits for `somchai`
at http://127.0.0.1:8001. Ctrl+C stops both deployments; their data stays for the next run.
"""

import argparse
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from haven.federation.live import Deployment, in_parallel, pair, wait_for  # noqa: E402

REFER = (
    "import json; from haven.demo.abroad import refer_demo_case; "
    "print(json.dumps(str(refer_demo_case('alice', 'Shelter BKK').pk)))"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vn-port", type=int, default=8000)
    parser.add_argument("--th-port", type=int, default=8001)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "federation")
    parser.add_argument("--check", action="store_true", help="Stop once the referral arrived")
    parser.add_argument(
        "--quick", action="store_true", help="Viet Nam's people only, not its 200 demo cases"
    )
    parser.add_argument("--timeout", type=float, default=120, help="Seconds to wait for delivery")
    args = parser.parse_args()

    vn = Deployment(name="Haven Viet Nam", country="VN", data_dir=args.data_dir / "vn",
                    port=args.vn_port, server="runserver")  # fmt: skip
    th = Deployment(name="Haven Thailand", country="TH", data_dir=args.data_dir / "th",
                    port=args.th_port, server="runserver")  # fmt: skip
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    try:
        print("Preparing Viet Nam and Thailand (migrations, demo people) ...", flush=True)
        seeded = in_parallel(
            lambda: vn.prepare(("--people-only",) if args.quick else ()),
            lambda: th.prepare(("--country", "TH")),
        )
        for deployment, output in zip((vn, th), seeded, strict=True):
            print(f"\n{deployment.name} ({deployment.url}):\n{output}", flush=True)
        in_parallel(vn.start, th.start)
        if th.url not in vn.haven("peers") or vn.url not in th.haven("peers"):
            pair(vn, th)
            print("Paired by fingerprint (haven federation_identity, haven add_peer).")
        if not vn.query("SELECT 1 FROM federation_peerreferral WHERE NOT incoming"):
            vn.python(REFER)
        wait_for(
            lambda: th.query("SELECT 1 FROM federation_peerreferral WHERE incoming"),
            args.timeout,
            what="the referral to reach Thailand",
        )
        print(
            f"\nA cross-border referral from Haven Viet Nam is waiting at Shelter BKK.\n"
            f"  Thailand: {th.url}/staff/  sign in as somchai (case manager, Shelter BKK)\n"
            f"  Viet Nam: {vn.url}/staff/  sign in as alice (who sent it)\n"
            f"Accept it as somchai; alice sees it accepted a moment later. Ctrl+C stops both.",
            flush=True,
        )
        if args.check:
            return 0
        while vn.web.poll() is None and th.web.poll() is None:
            time.sleep(1)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        vn.stop()
        th.stop()


if __name__ == "__main__":
    sys.exit(main())
