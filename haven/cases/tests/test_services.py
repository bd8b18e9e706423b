"""The case services: open, update, close and reopen, notes, files, tasks, screenings.

People, events and support are in test_services_people.py; consent and referrals in
test_referral_rules.py.
"""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from haven.audit.models import Event
from haven.cases import services
from haven.cases.models import (
    ALPHABET,
    Attachment,
    Case,
    Change,
    Note,
    Screening,
    Source,
    Task,
)
from haven.cases.services import CaseError
from haven.cases.tests.helpers import make_case
from haven.cases.tests.stored import actions, last_event, stored
from haven.lib.uploads import CleanFile
from haven.reports import services as report_services
from haven.reports.models import Status
from haven.screening import questionnaires, scoring

pytestmark = pytest.mark.django_db
REFERENCE = re.compile(rf"C-[{ALPHABET}]{{7}}")


def history(case, section="case"):
    return {
        change.field: (change.old, change.new)
        for change in Change.objects.filter(case=case, section=section)
    }


def later_than(case, moment):
    case.refresh_from_db()
    return case.updated > moment


class TestOpenCase:
    def test_it_opens_a_case_owned_by_the_actors_organisation(self, alice):
        case = services.open_case(actor=alice, country="VN", risk="high", summary="Facts.")
        case.refresh_from_db()
        assert case.organisation == alice.organisation
        assert case.case_worker == alice
        assert case.status == "Active" and case.is_open
        assert case.source == Source.WALK_IN and case.source_report is None
        assert (str(case.country), case.risk, case.summary) == ("VN", "high", "Facts.")
        assert case.opened == timezone.localdate()

    def test_it_takes_the_worker_and_source_it_is_given(self, alice, bob):
        case = services.open_case(actor=alice, country="KH", case_worker=bob, source="hotline")
        assert case.case_worker == bob and case.source == "hotline"
        nobody = services.open_case(actor=alice, country="KH", case_worker=None)
        assert nobody.case_worker is None

    def test_it_opens_a_case_for_another_organisation_when_told_to(self, admin_user, carol):
        # Imports by a system administrator, who belongs to no organisation and works no case.
        case = services.open_case(actor=admin_user, organisation=carol.organisation, country="VN")
        assert case.organisation == carol.organisation and case.case_worker is None

    def test_its_reference_is_random_and_unique(self, alice):
        cases = [services.open_case(actor=alice, country="VN") for _ in range(5)]
        references = [case.reference for case in cases]
        assert all(REFERENCE.fullmatch(reference) for reference in references)
        assert len(set(references)) == 5

    def test_it_writes_history_for_each_value_given_and_none_for_empty_ones(self, alice):
        case = services.open_case(actor=alice, country="VN", risk="low", summary="")
        assert history(case) == {
            "country": ("", "VN"),
            "risk": ("", "low"),
            "case_worker": ("", str(alice.pk)),
        }
        change = Change.objects.filter(case=case).first()
        assert change.actor == alice and change.object_id == str(case.pk)

    def test_its_history_is_encrypted_at_rest(self, alice):
        case = services.open_case(actor=alice, country="VN", summary="Sold to a karaoke bar.")
        change = Change.objects.get(case=case, field="summary")
        assert change.new == "Sold to a karaoke bar."
        raw = stored(Change, change.pk, "new")
        assert raw.startswith("hv1:") and "karaoke" not in raw
        assert "karaoke" not in stored(Case, case.pk, "summary")

    def test_it_writes_an_audit_event_with_codes_only(self, alice):
        case = services.open_case(actor=alice, country="TH", summary="Her name is Lan.")
        event = last_event("case.opened")
        assert event.object_id == str(case.pk)
        assert event.actor_id == alice.pk and event.organisation_id == alice.organisation_id
        assert event.summary == {"source": "walk_in", "country": "TH"}

    def test_an_invalid_value_fails_and_leaves_nothing(self, alice):
        before = (Case.objects.count(), Change.objects.count(), Event.objects.count())
        with pytest.raises(ValidationError):
            services.open_case(actor=alice, country="VN", opened="not a date")
        assert (Case.objects.count(), Change.objects.count(), Event.objects.count()) == before


def new_report(**values):
    values = {
        "country": "VN",
        "description": "Two girls from our village were taken to a factory in Cambodia.",
        **values,
    }
    report, _ = report_services.submit_report(report_services.NewReport(**values), [])
    return report


class TestOpenCaseFromReport:
    def test_it_carries_the_facts_over_and_accepts_the_report(self, alice):
        report = new_report(
            province="Nghe An",
            when="Last month",
            people_count=2,
            children_involved=True,
            exploitation_types=["SexualExploitation", "ForcedLabour"],
        )
        case = services.open_case_from_report(report, actor=alice)
        case.refresh_from_db()
        assert case.source == Source.REPORT and case.source_report == report
        assert case.exploitation_types == ["ForcedLabour", "SexualExploitation"]
        assert case.risk == "high" and str(case.country) == "VN"  # children: high
        assert case.summary.startswith("Two girls from our village")
        assert "Where: Nghe An. When: Last month." in case.summary
        assert "People at risk: 2." in case.summary
        assert "Children are among them." in case.summary
        report.refresh_from_db()
        assert report.status == Status.ACCEPTED
        assert last_event("report.made_case").summary == {
            "case": str(case.pk),
            "attachments": 0,
            "notes": 0,
        }

    def test_danger_now_makes_a_high_risk_case(self, alice):
        case = services.open_case_from_report(new_report(danger_now=True), actor=alice)
        assert case.risk == "high"
        assert "The reporter said someone is in danger now." in case.summary

    @pytest.mark.parametrize(
        "values, risk",
        [
            ({}, "medium"),
            ({"children_involved": False}, "medium"),
            ({"children_involved": True}, "high"),
            ({"exploitation_types": ["OrganRemoval"]}, "high"),
            ({"exploitation_types": ["ForcedLabour"]}, "medium"),
            ({"danger_now": True, "children_involved": True}, "high"),
        ],
    )
    def test_the_risk_is_read_from_the_report(self, alice, values, risk):
        assert services.open_case_from_report(new_report(**values), actor=alice).risk == risk

    def test_the_reports_files_are_carried_over_encrypted_anew(self, alice):
        photo = CleanFile(kind="text", content_type="text/plain", extension="txt", data=b"photo")
        report, _ = report_services.submit_report(
            report_services.NewReport(country="VN", description="Held for ransom."), [photo]
        )
        later = CleanFile(kind="text", content_type="text/plain", extension="txt", data=b"later")
        report_services.add_reporter_message(report, "Another photo.", [later])
        case = services.open_case_from_report(report, actor=alice)
        files = list(case.attachments.order_by("created"))
        assert [file.data for file in files] == [b"photo", b"later"]
        assert [file.size for file in files] == [5, 5] and files[0].kind == "text"
        with connection.cursor() as cursor:
            cursor.execute("SELECT data FROM cases_attachment ORDER BY created")
            stored = [bytes(row[0]) for row in cursor.fetchall()]
            cursor.execute("SELECT data FROM reports_attachment ORDER BY created")
            original = [bytes(row[0]) for row in cursor.fetchall()]
        assert len(stored) == 2 and all(b"photo" not in value for value in stored)
        assert set(stored).isdisjoint(original)  # encrypted anew, not the report's ciphertext

    def test_the_follow_up_thread_becomes_notes_in_its_order(self, alice, bob):
        report = new_report()
        report_services.add_reporter_message(report, "They moved her to Bavet.", [])
        report_services.add_staff_message(report, actor=bob, body="Is she safe?", internal=False)
        report_services.add_staff_message(report, actor=bob, body="Call 111.", internal=True)
        case = services.open_case_from_report(report, actor=alice)
        notes = list(case.notes.order_by("created"))
        assert [note.body.split("\n\n", 1)[1] for note in notes] == [
            "They moved her to Bavet.",
            "Is she safe?",
            "Call 111.",
        ]
        assert notes[0].body.startswith(f"The reporter wrote (report {report.reference}):")
        assert notes[1].body.startswith("Reply to the reporter")
        assert notes[2].body.startswith("Internal note on report")
        assert [note.author for note in notes] == [None, bob, bob]
        assert last_event("report.made_case").summary["notes"] == 3

    def test_nothing_is_carried_when_the_case_cannot_be_opened(self, alice, bob):
        report = new_report()
        report_services.add_reporter_message(report, "More.", [])
        services.open_case_from_report(report, actor=alice)
        with pytest.raises(CaseError):
            services.open_case_from_report(report, actor=bob)
        assert Note.objects.count() == 1

    def test_it_leaves_out_the_facts_a_report_does_not_have(self, alice):
        case = services.open_case_from_report(new_report(), actor=alice)
        assert case.summary == "Two girls from our village were taken to a factory in Cambodia."

    def test_a_report_already_accepted_is_left_as_it_is(self, alice):
        report = new_report()
        report_services.change_status(report, actor=alice, status=Status.ACCEPTED)
        services.open_case_from_report(report, actor=alice)
        assert Event.objects.filter(action="report.status_changed").count() == 1

    def test_a_report_becomes_a_case_once_per_organisation(self, alice, bob, carol):
        report = new_report()
        services.open_case_from_report(report, actor=alice)
        with pytest.raises(CaseError, match="already a case of your organisation"):
            services.open_case_from_report(report, actor=bob)
        assert report.cases.count() == 1
        services.open_case_from_report(report, actor=carol)
        assert report.cases.count() == 2


class TestUpdateCase:
    def test_it_changes_fields_and_keeps_one_history_row_each(self, alice, bob):
        case = make_case(alice)
        moment = case.updated
        changed = services.update_case(
            case, actor=alice, values={"risk": "high", "case_worker": bob, "status": "FollowUp"}
        )
        assert changed == ["case_worker", "risk", "status"]
        case.refresh_from_db()
        assert (case.risk, case.case_worker, case.status) == ("high", bob, "FollowUp")
        rows = Change.objects.filter(case=case, section="case", actor=alice, at__gt=moment)
        assert {row.field: (row.old, row.new) for row in rows} == {
            "risk": ("medium", "high"),
            "case_worker": (str(alice.pk), str(bob.pk)),
            "status": ("Active", "FollowUp"),
        }
        assert later_than(case, moment)
        assert last_event("case.updated").summary == {"fields": changed}

    def test_nothing_changed_writes_nothing(self, alice):
        case = make_case(alice)
        case.refresh_from_db()
        moment, rows, events = case.updated, Change.objects.count(), Event.objects.count()
        same = {"risk": case.risk, "country": "VN", "summary": case.summary, "case_worker": alice}
        assert services.update_case(case, actor=alice, values=same) == []
        assert (Change.objects.count(), Event.objects.count()) == (rows, events)
        assert not later_than(case, moment)

    def test_dates_are_kept_in_history_as_iso_dates(self, alice):
        case = make_case(alice)
        services.update_case(case, actor=alice, values={"opened": date(2025, 12, 24)})
        assert Change.objects.get(case=case, field="opened").new == "2025-12-24"

    @pytest.mark.parametrize("field", ["organisation", "reference", "closure_reason", "source"])
    def test_fields_outside_the_form_are_refused_by_name(self, alice, field):
        case = make_case(alice)
        with pytest.raises(CaseError, match=f"cannot be changed here: {field}"):
            services.update_case(case, actor=alice, values={field: "x", "risk": "low"})
        case.refresh_from_db()
        assert case.risk == "medium"

    def test_a_worker_from_another_organisation_is_refused(self, alice, carol):
        case = make_case(alice)
        with pytest.raises(CaseError, match="must belong to the organisation"):
            services.update_case(case, actor=alice, values={"case_worker": carol})
        case.refresh_from_db()
        assert case.case_worker == alice

    def test_the_worker_may_be_removed(self, alice):
        case = make_case(alice)
        assert services.update_case(case, actor=alice, values={"case_worker": None}) == [
            "case_worker"
        ]

    @pytest.mark.parametrize("status", ["Closed", "ClosedReferred"])
    def test_closing_through_an_update_is_refused(self, alice, status):
        case = make_case(alice)
        with pytest.raises(CaseError, match="closing form"):
            services.update_case(case, actor=alice, values={"status": status})
        case.refresh_from_db()
        assert case.is_open

    def test_an_edit_does_not_reopen_a_closed_case(self, alice):
        # The page's edit form offers only open statuses: saving it must not reopen in silence.
        case = make_case(alice)
        services.close_case(case, actor=alice, reason="Back home.")
        with pytest.raises(CaseError, match="Reopen the case"):
            services.update_case(case, actor=alice, values={"status": "Active", "risk": "low"})
        case.refresh_from_db()
        assert case.status == "Closed" and case.closed is not None and case.risk == "medium"

    def test_a_closed_case_can_still_be_corrected(self, alice):
        case = make_case(alice)
        services.close_case(case, actor=alice, reason="Back home.")
        changed = services.update_case(
            case, actor=alice, values={"status": "Closed", "summary": "Corrected."}
        )
        assert changed == ["summary"]
        case.refresh_from_db()
        assert case.status == "Closed" and case.summary == "Corrected."

    def test_the_incoming_referral_fields_are_kept_encrypted(self, alice):
        case = make_case(alice)
        services.update_case(
            case,
            actor=alice,
            values={
                "referring_organisation": "Border police",
                "referring_case_worker": "Officer Hùng",
                "incoming_referral_details": "Found at the Moc Bai crossing.",
            },
        )
        assert "Hùng" not in stored(Case, case.pk, "referring_case_worker")
        assert "Moc Bai" not in stored(Case, case.pk, "incoming_referral_details")
        assert stored(Case, case.pk, "referring_organisation") == "Border police"


class TestCloseAndReopen:
    def test_closing_records_status_reason_and_date(self, alice):
        case = make_case(alice)
        services.close_case(case, actor=alice, reason="  Back home with her family.  ")
        case.refresh_from_db()
        assert case.status == "Closed" and not case.is_open
        assert case.closure_reason == "Back home with her family."
        assert case.closed == timezone.localdate()
        assert set(history(case)) >= {"status", "closure_reason", "closed"}
        assert last_event("case.closed").summary == {"status": "Closed"}
        assert "family" not in stored(Case, case.pk, "closure_reason")

    def test_closing_because_referred_is_its_own_status(self, alice):
        case = make_case(alice)
        services.close_case(case, actor=alice, reason="Referred to the shelter.", referred=True)
        case.refresh_from_db()
        assert case.status == "ClosedReferred" and not case.is_open

    def test_closing_needs_a_reason(self, alice):
        case = make_case(alice)
        with pytest.raises(CaseError, match="Say why"):
            services.close_case(case, actor=alice, reason="   ")
        case.refresh_from_db()
        assert case.is_open and case.closed is None
        assert not Event.objects.filter(action="case.closed").exists()

    def test_a_closed_case_cannot_be_closed_again(self, alice):
        case = make_case(alice)
        services.close_case(case, actor=alice, reason="Done.")
        with pytest.raises(CaseError, match="already closed"):
            services.close_case(case, actor=alice, reason="Again.")
        assert Event.objects.filter(action="case.closed", object_id=str(case.pk)).count() == 1

    def test_reopening_makes_it_active_and_clears_the_closing_date(self, alice):
        case = make_case(alice)
        services.close_case(case, actor=alice, reason="Done.")
        services.reopen_case(case, actor=alice)
        case.refresh_from_db()
        assert case.status == "Active" and case.is_open and case.closed is None
        statuses = Change.objects.filter(case=case, field="status").order_by("id")
        assert [(row.old, row.new) for row in statuses] == [
            ("Active", "Closed"),
            ("Closed", "Active"),
        ]
        assert actions(case)[-2:] == ["case.closed", "case.reopened"]

    def test_an_open_case_cannot_be_reopened(self, alice):
        case = make_case(alice)
        with pytest.raises(CaseError, match="already open"):
            services.reopen_case(case, actor=alice)

    def test_a_follow_up_case_counts_as_open(self, alice):
        case = make_case(alice)
        services.update_case(case, actor=alice, values={"status": "FollowUp"})
        with pytest.raises(CaseError, match="already open"):
            services.reopen_case(case, actor=alice)
        services.close_case(case, actor=alice, reason="Done.")
        assert not case.is_open


class TestNotes:
    def test_a_note_is_kept_encrypted_and_audited_without_its_text(self, alice):
        case = make_case(alice)
        moment = case.updated
        note = services.add_note(case, actor=alice, body="  She called from a new number.  ")
        assert Note.objects.get(pk=note.pk).body == "She called from a new number."
        assert note.author == alice
        assert "new number" not in stored(Note, note.pk, "body")
        event = last_event("case.note_added")
        assert event.object_id == str(case.pk) and "new number" not in str(event.summary)
        assert later_than(case, moment)

    def test_an_empty_note_is_refused(self, alice):
        case = make_case(alice)
        with pytest.raises(CaseError, match="Write the note"):
            services.add_note(case, actor=alice, body=" \n ")
        assert not case.notes.exists()


class TestAttachments:
    def test_a_file_is_kept_encrypted_with_its_size_and_kind(self, alice):
        case = make_case(alice)
        data = b"Contract signed in Phnom Penh, salary never paid."
        file = CleanFile(kind="text", content_type="text/plain", extension="txt", data=data)
        attachment = services.add_attachment(case, actor=alice, file=file)
        saved = Attachment.objects.get(pk=attachment.pk)
        assert bytes(saved.data) == data and saved.size == len(data)
        assert (saved.kind, saved.content_type, saved.extension) == ("text", "text/plain", "txt")
        assert saved.uploaded_by == alice
        raw = stored(Attachment, attachment.pk, "data")
        assert raw.startswith(b"HV1") and b"Phnom Penh" not in raw
        assert last_event("case.attachment_added").summary == {"kind": "text"}


class TestTasks:
    def test_a_task_is_added_assigned_and_audited(self, alice, bob):
        case = make_case(alice)
        moment = case.updated
        task = services.add_task(
            case, actor=alice, title="  Visit the family  ", due=date(2030, 1, 1), assigned_to=bob
        )
        task = Task.objects.get(pk=task.pk)
        assert (task.title, task.due, task.assigned_to, task.done_at) == (
            "Visit the family",
            date(2030, 1, 1),
            bob,
            None,
        )
        assert "family" not in stored(Task, task.pk, "title")
        assert actions(case)[-1] == "case.task_added"
        assert later_than(case, moment)

    def test_a_task_may_be_left_unassigned(self, alice):
        task = services.add_task(make_case(alice), actor=alice, title="Call", due=date.today())
        assert task.assigned_to is None

    def test_a_task_needs_a_title(self, alice):
        case = make_case(alice)
        with pytest.raises(CaseError, match="Say what is to be done"):
            services.add_task(case, actor=alice, title=" ", due=date.today())
        assert not case.tasks.exists()

    def test_tasks_go_only_to_members_of_the_owner(self, alice, carol):
        case = make_case(alice)
        with pytest.raises(CaseError, match="members of the organisation"):
            services.add_task(case, actor=alice, title="Call", due=date.today(), assigned_to=carol)
        assert not case.tasks.exists()

    def test_completing_a_task_marks_it_done_once(self, alice):
        case = make_case(alice)
        task = services.add_task(case, actor=alice, title="Call", due=date.today())
        services.complete_task(task, actor=alice)
        task.refresh_from_db()
        assert task.done_at is not None and task.done_at <= timezone.now()
        assert actions(case)[-1] == "case.task_done"
        with pytest.raises(CaseError, match="already done"):
            services.complete_task(task, actor=alice)
        assert actions(case).count("case.task_done") == 1

    def test_open_tasks_come_first_by_due_date(self, alice):
        case = make_case(alice)
        today = date.today()
        later = services.add_task(case, actor=alice, title="Later", due=today + timedelta(days=9))
        overdue = services.add_task(case, actor=alice, title="Late", due=today - timedelta(days=2))
        done = services.add_task(case, actor=alice, title="Done", due=today - timedelta(days=5))
        services.complete_task(done, actor=alice)
        assert list(case.tasks.all()) == [overdue, later, done]
        assert list(case.tasks.filter(done_at__isnull=True, due__lt=today)) == [overdue]


def all_yes(questionnaire_id):
    questionnaire = questionnaires.get(questionnaire_id)
    return questionnaire, {question.id: "yes" for question in questionnaire.questions}


class TestScreening:
    def test_a_result_is_kept_encrypted_with_its_version_and_outcome(self, alice):
        case = make_case(alice)
        participant = case.participants.get()
        result = scoring.evaluate(*all_yes("adult-labour"))
        screening = services.save_screening(
            case, actor=alice, result=result, participant=participant
        )
        saved = Screening.objects.get(pk=screening.pk)
        assert (saved.questionnaire, saved.version) == ("adult-labour", result.version)
        assert saved.outcome == str(result.outcome) and saved.participant == participant
        assert saved.screened_by == alice
        assert '"outcome"' in saved.record and '"outcome"' not in stored(
            Screening, saved.pk, "record"
        )
        event = last_event("case.screened")
        assert event.summary == {
            "questionnaire": "adult-labour",
            "version": result.version,
            "outcome": str(result.outcome),
        }

    def test_a_person_from_another_case_is_refused(self, alice):
        case, other = make_case(alice), make_case(alice)
        result = scoring.evaluate(*all_yes("adult-labour"))
        with pytest.raises(CaseError, match="not in this case"):
            services.save_screening(
                case, actor=alice, result=result, participant=other.participants.get()
            )
        assert not Screening.objects.filter(case=case).exists()
