"""Anchor the audit chain's head outside the database, and check the chain against the anchors.

The keyed hash stops someone who can write the database from rewriting events; it cannot stop
them from removing the newest ones. An anchor, a line saying "event N had hash H at time T" kept
where the database writer cannot reach (an append-only file, a central log collector), can.
`anchor_audit_head` is what `haven anchor_audit` and the background worker call.
"""

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from haven.audit.models import Event
from haven.audit.services import ChainReport, verify_chain

logger = logging.getLogger("haven.audit.anchor")
MARKER = "audit-anchor "


@dataclass
class Anchor:
    seq: int
    hash: str
    time: str

    def line(self) -> str:
        return MARKER + json.dumps({"seq": self.seq, "hash": self.hash, "time": self.time})


def anchor_audit_head() -> Anchor | None:
    """Write the head of the chain where HAVEN_AUDIT_ANCHOR says; None when there are no events."""
    head = Event.objects.order_by("-seq").only("seq", "hash").first()
    if head is None:
        return None
    anchor = Anchor(head.seq, head.hash, timezone.now().isoformat(timespec="seconds"))
    if settings.HAVEN_AUDIT_ANCHOR in ("file", "both"):
        path = Path(settings.HAVEN_AUDIT_ANCHOR_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_APPEND: each line is added at the end, never over what is there; chattr +a on the
        # file (docs/operations.md) stops even its owner from rewriting it.
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(descriptor, (anchor.line() + "\n").encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    if settings.HAVEN_AUDIT_ANCHOR in ("log", "both"):
        logger.info("%s", anchor.line())
    return anchor


def read_anchors(lines) -> list[Anchor]:
    """Anchors found in lines of an anchor file or of collected logs (other lines are skipped)."""
    anchors = []
    for line in lines:
        start = line.find(MARKER)
        if start < 0:
            continue
        try:
            data = json.loads(line[start + len(MARKER) :])
            anchors.append(Anchor(int(data["seq"]), str(data["hash"]), str(data["time"])))
        except (ValueError, KeyError, TypeError):
            continue  # a damaged line proves nothing either way; the others still count
    return anchors


def configured_anchor_lines() -> list[str]:
    path = Path(settings.HAVEN_AUDIT_ANCHOR_FILE)
    if settings.HAVEN_AUDIT_ANCHOR not in ("file", "both") or not path.exists():
        return []
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


@dataclass
class AuditReport:
    chain: ChainReport
    anchors_checked: int = 0
    anchor_problem: str = ""

    @property
    def intact(self) -> bool:
        return self.chain.intact and not self.anchor_problem


def verify_audit(anchor_lines=None) -> AuditReport:
    """Check the keyed chain, then that every anchored event is still there with its hash."""
    chain = verify_chain()
    anchors = read_anchors(configured_anchor_lines() if anchor_lines is None else anchor_lines)
    report = AuditReport(chain, len(anchors))
    hashes = dict(
        Event.objects.filter(seq__in={anchor.seq for anchor in anchors}).values_list("seq", "hash")
    )
    for anchor in sorted(anchors, key=lambda anchor: anchor.seq):
        found = hashes.get(anchor.seq)
        if found is None:
            report.anchor_problem = (
                f"event {anchor.seq}, anchored at {anchor.time}, is missing: "
                "events were removed from the end of the log"
            )
        elif found != anchor.hash:
            report.anchor_problem = (
                f"event {anchor.seq} does not have the hash anchored at {anchor.time}"
            )
        if report.anchor_problem:
            break
    return report
