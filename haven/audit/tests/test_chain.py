import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, connections, transaction
from django.db.utils import DatabaseError

from haven.audit.models import GENESIS_HASH, AppendOnlyError, Event
from haven.audit.services import compute_hash, record_event, verify_chain


def raw(sql, params=()):
    """Change the table behind the application's back, as an intruder with database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")


@pytest.mark.django_db
class TestRecordEvent:
    def test_events_link_to_the_one_before(self, alice):
        first = record_event("test.one", actor=alice, summary={"n": 1})
        second = record_event("test.two", actor=alice, obj=alice)
        assert second.seq == first.seq + 1
        assert second.previous_hash == first.hash
        assert second.object_type == "accounts.user" and second.object_id == str(alice.pk)
        assert second.organisation_id == alice.organisation_id
        assert first.hash == compute_hash(Event.objects.get(pk=first.pk))

    def test_the_first_event_links_to_genesis(self):
        assert Event.objects.order_by("seq").first().previous_hash == GENESIS_HASH

    def test_an_event_rolls_back_with_its_transaction(self, alice):
        before = Event.objects.count()
        with pytest.raises(RuntimeError), transaction.atomic():
            record_event("test.rolled_back", actor=alice)
            raise RuntimeError
        assert Event.objects.count() == before
        assert verify_chain().intact


@pytest.mark.django_db
class TestAppendOnly:
    def test_the_model_refuses_changes(self, alice):
        event = record_event("test.x", actor=alice)
        event.action = "test.y"
        with pytest.raises(AppendOnlyError):
            event.save()
        with pytest.raises(AppendOnlyError):
            event.delete()
        with pytest.raises(AppendOnlyError):
            Event.objects.filter(pk=event.pk).update(action="test.y")
        with pytest.raises(AppendOnlyError):
            Event.objects.all().delete()

    def test_the_database_refuses_raw_changes_on_postgresql(self, alice):
        event = record_event("test.x", actor=alice)
        if connection.vendor == "postgresql":
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute("UPDATE audit_event SET action = 'x' WHERE id = %s", [event.pk])
        else:
            # SQLite has no trigger (see the migration); verify_audit is what catches it there.
            raw("UPDATE audit_event SET action = 'x' WHERE id = %s", [event.pk])
            assert not verify_chain().intact

    def test_sequence_numbers_are_unique(self, alice):
        event = record_event("test.x", actor=alice)
        with pytest.raises(IntegrityError), transaction.atomic():
            Event.objects.create(seq=event.seq, action="x", previous_hash="", hash="y" * 64)


@pytest.mark.django_db
class TestVerify:
    def make_events(self, alice, count=5):
        return [record_event("test.n", actor=alice, summary={"n": n}) for n in range(count)]

    def test_an_intact_chain_passes(self, alice):
        self.make_events(alice)
        report = verify_chain()
        assert report.intact and report.count == Event.objects.count()
        assert report.head == Event.objects.order_by("-seq").first().hash

    def test_it_detects_an_altered_summary(self, alice):
        events = self.make_events(alice)
        raw("UPDATE audit_event SET summary = %s WHERE id = %s", ['{"n": 99}', events[2].pk])
        report = verify_chain()
        assert report.broken_seq == events[2].seq and "altered" in report.problem

    def test_it_detects_a_changed_actor(self, alice, mallory):
        events = self.make_events(alice)
        raw("UPDATE audit_event SET actor_username = 'mallory' WHERE id = %s", [events[1].pk])
        assert verify_chain().broken_seq == events[1].seq

    def test_it_detects_a_removed_event(self, alice):
        events = self.make_events(alice)
        raw("DELETE FROM audit_event WHERE id = %s", [events[3].pk])
        report = verify_chain()
        assert report.broken_seq == events[3].seq and "missing" in report.problem

    def test_it_detects_a_removed_and_renumbered_event(self, alice):
        events = self.make_events(alice)
        raw("DELETE FROM audit_event WHERE id = %s", [events[1].pk])
        for event in events[2:]:
            raw("UPDATE audit_event SET seq = seq - 1 WHERE id = %s", [event.pk])
        report = verify_chain()
        assert report.broken_seq == events[1].seq and "does not link" in report.problem

    def test_it_detects_a_rewritten_hash(self, alice):
        events = self.make_events(alice)
        raw("UPDATE audit_event SET summary = %s WHERE id = %s", ['{"n": 7}', events[0].pk])
        forged = Event.objects.get(pk=events[0].pk)
        raw("UPDATE audit_event SET hash = %s WHERE id = %s", [compute_hash(forged), events[0].pk])
        # Recomputing one hash is not enough: the next event still points to the old one.
        assert verify_chain().broken_seq == events[1].seq


@pytest.mark.django_db
class TestVerifyCommand:
    def test_it_prints_the_count(self):
        out = StringIO()
        call_command("verify_audit", stdout=out)
        assert f"Audit log intact: {Event.objects.count()} events" in out.getvalue()

    def test_it_fails_naming_the_broken_event(self, alice):
        event = record_event("test.x", actor=alice)
        raw("UPDATE audit_event SET object_id = 'other' WHERE id = %s", [event.pk])
        with pytest.raises(CommandError, match=f"broken at event {event.seq}") as error:
            call_command("verify_audit")
        assert error.value.returncode == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    """Writers in separate connections must not fork the chain."""
    errors = []

    def write(worker):
        try:
            for n in range(10):
                record_event("test.concurrent", summary={"worker": worker, "n": n})
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Event.objects.filter(action="test.concurrent").count() == 40
    report = verify_chain()
    assert report.intact, report.problem
