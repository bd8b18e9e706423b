"""The chain is keyed (an intruder with database access cannot recompute it) and anchored."""

import base64
import hashlib
import importlib
import json
import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from haven.audit.anchors import anchor_audit_head, verify_audit
from haven.audit.models import Event
from haven.audit.services import canonical_content, record_event, signing_key_id, verify_chain
from haven.audit.tests.test_chain import raw


def events(alice, count=5):
    return [record_event("test.n", actor=alice, summary={"n": n}) for n in range(count)]


def plain_sha256(previous_hash: str, event: Event) -> str:
    return hashlib.sha256((previous_hash + canonical_content(event)).encode()).hexdigest()


def rehash_from(first: Event) -> None:
    """What an intruder with write access to the database but not the key can do."""
    previous = Event.objects.get(seq=first.seq - 1).hash
    for event in Event.objects.filter(seq__gte=first.seq).order_by("seq"):
        new = plain_sha256(previous, event)
        raw(
            "UPDATE audit_event SET previous_hash = %s, hash = %s WHERE id = %s",
            [previous, new, event.pk],
        )
        previous = new


def key(key_id: str, byte: int) -> tuple[str, bytes]:
    return (key_id, bytes([byte]) * 32)


@pytest.mark.django_db
class TestKeyedChain:
    def test_each_event_names_the_key_that_signed_it(self, alice, settings):
        event = record_event("test.x", actor=alice)
        assert event.key_id == settings.HAVEN_AUDIT_KEY[0][0]

    def test_an_edit_rehashed_with_plain_sha256_fails(self, alice):
        made = events(alice)
        raw("UPDATE audit_event SET summary = %s WHERE id = %s", ['{"n": 99}', made[2].pk])
        rehash_from(made[2])
        report = verify_chain()
        assert report.broken_seq == made[2].seq and "altered" in report.problem

    def test_an_edit_rehashed_under_another_key_fails(self, alice, settings):
        made = events(alice, 3)
        settings.HAVEN_AUDIT_KEY = [key(settings.HAVEN_AUDIT_KEY[0][0], 7)]
        assert verify_chain().broken_seq <= made[0].seq

    def test_rotated_keys_keep_old_events_verifiable(self, alice, settings):
        old = events(alice, 2)
        settings.HAVEN_AUDIT_KEY = [key("a2", 9), *settings.HAVEN_AUDIT_KEY]
        new = events(alice, 2)
        assert {e.key_id for e in old} != {"a2"} and {e.key_id for e in new} == {"a2"}
        assert verify_chain().intact
        settings.HAVEN_AUDIT_KEY = [key("a2", 9)]  # the old key thrown away too early
        report = verify_chain()
        assert not report.intact and "not configured" in report.problem

    def test_the_key_id_cannot_be_swapped(self, alice, settings):
        made = events(alice, 2)
        settings.HAVEN_AUDIT_KEY = [
            *settings.HAVEN_AUDIT_KEY,
            ("a9", settings.HAVEN_AUDIT_KEY[0][1]),
        ]
        raw("UPDATE audit_event SET key_id = 'a9' WHERE id = %s", [made[1].pk])
        assert verify_chain().broken_seq == made[1].seq


@pytest.mark.django_db
class TestAnchors:
    def test_it_appends_the_head_to_the_file(self, alice, settings):
        first = record_event("test.x", actor=alice)
        anchor_audit_head()
        second = record_event("test.y", actor=alice)
        anchor_audit_head()
        lines = settings.HAVEN_AUDIT_ANCHOR_FILE.read_text().splitlines()
        assert [json.loads(line.split(" ", 1)[1])["seq"] for line in lines] == [
            first.seq,
            second.seq,
        ]
        assert json.loads(lines[1].split(" ", 1)[1])["hash"] == second.hash

    def test_the_scheduled_job_anchors_the_head(self, alice, settings, run_jobs):
        from haven.audit.tasks import anchor_audit_head_job

        event = record_event("test.x", actor=alice)
        anchor_audit_head_job.enqueue()
        assert run_jobs() == 1
        line = settings.HAVEN_AUDIT_ANCHOR_FILE.read_text().splitlines()[-1]
        assert json.loads(line.split(" ", 1)[1])["seq"] == event.seq

    def test_it_can_write_to_a_log_instead(self, alice, settings, caplog):
        settings.HAVEN_AUDIT_ANCHOR = "log"
        event = record_event("test.x", actor=alice)
        with caplog.at_level(logging.INFO, logger="haven.audit.anchor"):
            anchor_audit_head()
        assert f'"hash": "{event.hash}"' in caplog.text
        assert not settings.HAVEN_AUDIT_ANCHOR_FILE.exists()
        # The collected log lines are what verify_audit then reads.
        assert verify_audit(caplog.text.splitlines()).anchors_checked == 1

    def test_truncation_after_an_anchor_is_detected(self, alice):
        made = events(alice, 4)
        anchor_audit_head()
        assert verify_audit().intact
        raw("DELETE FROM audit_event WHERE seq >= %s", [made[2].seq])
        report = verify_audit()
        assert report.chain.intact  # the chain alone cannot see a shorter end
        assert f"event {made[3].seq}" in report.anchor_problem
        assert "missing" in report.anchor_problem

    def test_a_rewritten_anchored_event_is_detected(self, alice, settings):
        made = events(alice, 3)
        anchor_audit_head()
        # Even someone holding the key, rewriting the end, cannot match the anchor.
        raw("UPDATE audit_event SET summary = %s WHERE id = %s", ['{"n": 5}', made[2].pk])
        from haven.audit.services import compute_hash

        raw(
            "UPDATE audit_event SET hash = %s WHERE id = %s",
            [compute_hash(Event.objects.get(pk=made[2].pk)), made[2].pk],
        )
        report = verify_audit()
        assert report.chain.intact
        assert f"event {made[2].seq} does not have the hash" in report.anchor_problem

    def test_the_command_fails_on_truncation(self, alice):
        made = events(alice, 3)
        call_command("anchor_audit", stdout=StringIO())
        raw("DELETE FROM audit_event WHERE seq = %s", [made[2].seq])
        with pytest.raises(CommandError, match="anchors") as error:
            call_command("verify_audit")
        assert error.value.returncode == 1

    def test_the_command_reads_anchors_from_a_given_file(self, alice, tmp_path):
        event = record_event("test.x", actor=alice)
        collected = tmp_path / "collected.log"
        collected.write_text(
            "2026-01-01 INFO haven.audit.anchor audit-anchor "
            + json.dumps({"seq": event.seq, "hash": "f" * 64, "time": "t"})
            + "\nsomething else\n"
        )
        with pytest.raises(CommandError, match=f"event {event.seq} does not have"):
            call_command("verify_audit", anchors=str(collected))
        out = StringIO()
        call_command("verify_audit", stdout=out)
        assert "0 anchors match" in out.getvalue()


@pytest.mark.django_db
class TestMigration:
    migration = importlib.import_module("haven.audit.migrations.0003_keyed_chain")

    def make_legacy(self):
        """Turn the chain back into the SHA-256 chain of the previous release."""
        previous = "0" * 64
        for event in Event.objects.order_by("seq"):
            event.key_id = None
            event.previous_hash = previous
            new = self.migration.legacy_hash(event)
            raw(
                "UPDATE audit_event SET key_id = '', previous_hash = %s, hash = %s WHERE id = %s",
                [previous, new, event.pk],
            )
            previous = new

    def rechain(self):
        from django.db.migrations.executor import MigrationExecutor

        state = MigrationExecutor(connection).loader.project_state(("audit", "0003_keyed_chain"))

        class Editor:  # the part of a schema editor the migration uses
            def __init__(self):
                self.connection = connection

            def execute(self, sql):
                with connection.cursor() as cursor:
                    cursor.execute(sql)

        self.migration.rechain(state.apps, Editor())

    def test_it_rekeys_an_intact_legacy_chain(self, alice):
        events(alice, 3)
        self.make_legacy()
        assert not verify_chain().intact
        self.rechain()
        assert verify_chain().intact
        assert set(Event.objects.values_list("key_id", flat=True)) == {signing_key_id()}

    def test_it_refuses_a_broken_legacy_chain(self, alice):
        made = events(alice, 3)
        self.make_legacy()
        raw("UPDATE audit_event SET action = 'x' WHERE id = %s", [made[1].pk])
        with pytest.raises(RuntimeError, match=f"broken at event {made[1].seq}"):
            self.rechain()


def test_keys_are_32_bytes():
    # The same ID:BASE64 format and checks as HAVEN_ENCRYPTION_KEYS.
    from haven.lib.env import parse_encryption_keys

    value = "a1:" + base64.b64encode(b"k" * 32).decode()
    assert parse_encryption_keys("HAVEN_AUDIT_KEY", value)[0][0] == "a1"
