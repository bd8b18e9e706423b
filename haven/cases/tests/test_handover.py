"""Hand-over of a case: the sender's notes, files and history stay behind unless ticked (issue 18.11)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.accounts.services import create_api_token
from haven.audit.models import Event
from haven.cases import handover, referrals, services
from haven.cases.models import Attachment, Case, Handover, Section
from haven.cases.tests.helpers import ALL_CONSENT, make_case
from haven.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(alice, carol):
    case = make_case(alice, consent=ALL_CONSENT)
    referral = referrals.refer(
        case,
        actor=alice,
        to_organisation=carol.organisation,
        reason="Shelter",
        sections=list(Section.values),
        details="Needs a safe place tonight.",
    )
    referrals.accept(referral, actor=carol)
    services.add_note(case, actor=alice, body="Hotline only: her uncle is the broker.")
    Attachment.objects.create(
        case=case, uploaded_by=alice, kind="image", content_type="image/png",
        extension="png", size=3, data=b"png",
    )  # fmt: skip
    return referral


def transfer_url(referral) -> str:
    return reverse("cases:transfer", args=[referral.pk])


def page_of(client, case) -> str:
    return client.get(reverse("cases:detail", args=[case.pk])).content.decode()


class TestWhatMoves:
    def test_by_default_the_receiver_gets_no_notes_files_or_history(self, accepted, alice, carol):
        case = accepted.case
        referrals.transfer_ownership(accepted, actor=alice)
        assert handover.visible_notes(case).count() == 0
        assert handover.visible_attachments(case).count() == 0
        assert handover.visible_changes(case).count() == 0
        assert case.notes.count() == 1 and case.attachments.count() == 1  # kept, not deleted

    def test_ticked_records_move_and_the_others_stay(self, accepted, alice, carol):
        case = accepted.case
        referrals.transfer_ownership(accepted, actor=alice, attachments=True, history=True)
        assert handover.visible_notes(case).count() == 0
        assert handover.visible_attachments(case).count() == 1
        assert handover.visible_changes(case).count() == case.changes.count() > 0

    def test_what_the_receiver_writes_afterwards_is_its_own(self, accepted, alice, carol):
        case = accepted.case
        referrals.transfer_ownership(accepted, actor=alice)
        services.add_note(case, actor=carol, body="Arrived at the shelter.")
        assert [note.body for note in handover.visible_notes(case)] == ["Arrived at the shelter."]
        assert handover.visible_changes(case).count() == 0 or all(
            change.actor_id == carol.pk for change in handover.visible_changes(case)
        )

    def test_along_a_chain_a_sender_gives_only_what_it_had(self, accepted, alice, carol):
        case = accepted.case
        referrals.transfer_ownership(accepted, actor=alice)  # A → B: notes stay with A
        later = timezone.now() + timedelta(seconds=1)
        note = services.add_note(case, actor=carol, body="Shelter note")
        case.notes.filter(pk=note.pk).update(created=later)
        Handover.objects.create(
            case=case,
            from_organisation=carol.organisation,
            to_organisation=alice.organisation,
            at=later + timedelta(seconds=1),
            notes=True,
        )  # fmt: skip  B → C with notes: C gets B's notes, never A's
        assert [note.body for note in handover.visible_notes(case)] == ["Shelter note"]

    def test_the_receiver_has_its_own_audit_event(self, accepted, alice, carol):
        referrals.transfer_ownership(accepted, actor=alice, notes=True)
        event = Event.objects.get(action="case.received")
        assert event.organisation_id == carol.organisation_id
        assert event.object_id == str(accepted.case_id) and event.actor_id == alice.pk
        assert event.summary["notes"] is True and event.summary["attachments"] is False
        record = Handover.objects.get(case=accepted.case)
        assert (record.from_organisation, record.to_organisation) == (
            alice.organisation,
            carol.organisation,
        )


class TestPages:
    def test_the_form_says_what_moves_and_nothing_is_ticked(self, client, accepted, alice):
        page = page_of(sign_in(client, alice), accepted.case)
        assert "Always handed over" in page
        for kind in ("notes", "attachments", "history"):
            assert f'name="{kind}" value="yes">' in page  # no `checked`
        assert "checked" not in page.split("Always handed over")[1].split("</form>")[0]

    def test_after_the_hand_over_the_receivers_page_shows_none_of_it(
        self, client, accepted, alice, carol
    ):
        sign_in(client, alice)
        response = client.post(transfer_url(accepted), {"confirm": "yes"})
        assert response.status_code == 302
        assert Case.objects.get(pk=accepted.case_id).organisation == carol.organisation
        client.logout()
        page = page_of(sign_in(client, carol), accepted.case)
        assert "her uncle is the broker" not in page
        assert "No notes yet." in page and "No files." in page
        assert "stayed with the sender" in page
        assert "alice" not in page.split('id="history"')[1]  # no change or view of hers
        attachment = accepted.case.attachments.get()
        url = reverse("cases:attachment", args=[accepted.case_id, attachment.pk])
        assert client.get(url).status_code == 404

    def test_ticked_boxes_hand_them_over(self, client, accepted, alice, carol):
        sign_in(client, alice)
        client.post(
            transfer_url(accepted), {"confirm": "yes", "notes": "yes", "attachments": "yes"}
        )
        client.logout()
        page = page_of(sign_in(client, carol), accepted.case)
        assert "her uncle is the broker" in page
        attachment = accepted.case.attachments.get()
        url = reverse("cases:attachment", args=[accepted.case_id, attachment.pk])
        assert client.get(url).status_code == 200

    def test_without_the_confirmation_nothing_moves(self, client, accepted, alice):
        sign_in(client, alice)
        response = client.post(transfer_url(accepted), {"notes": "yes"}, follow=True)
        assert "Tick the box to confirm the transfer." in response.content.decode()
        assert not Handover.objects.exists()
        assert Case.objects.get(pk=accepted.case_id).organisation == alice.organisation

    def test_an_outsider_gets_404(self, client, accepted, mallory):
        response = sign_in(client, mallory).post(transfer_url(accepted), {"confirm": "yes"})
        assert response.status_code == 404 and not Handover.objects.exists()

    def test_a_member_without_the_refer_capability_gets_403(self, client, accepted, bob):
        response = sign_in(client, bob).post(transfer_url(accepted), {"confirm": "yes"})
        assert response.status_code == 403 and not Handover.objects.exists()

    def test_the_receiver_cannot_transfer_it_to_itself(self, client, accepted, carol):
        sign_in(client, carol).post(transfer_url(accepted), {"confirm": "yes"})
        assert not Handover.objects.exists()

    def test_csrf_is_enforced(self, csrf_client, accepted, alice):
        response = sign_in(csrf_client, alice).post(transfer_url(accepted), {"confirm": "yes"})
        assert response.status_code == 403 and not Handover.objects.exists()


class TestApi:
    def test_the_receivers_notes_list_leaves_out_the_senders(self, client, accepted, alice, carol):
        referrals.transfer_ownership(accepted, actor=alice)
        secret = create_api_token(carol, actor=carol, name="t")[1]
        response = client.get(
            f"/api/v1/cases/{accepted.case_id}/notes",
            headers={"Authorization": f"Bearer {secret}"},
        )
        assert response.status_code == 200 and response.json() == []
