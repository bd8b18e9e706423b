"""A frontline questionnaire run inside a case: scored, saved with its version, shown again."""

import json

import pytest

from haven.audit.models import Event
from haven.cases import referrals
from haven.cases.models import Screening
from haven.cases.tests.helpers import ALL_CONSENT, make_case
from haven.conftest import sign_in
from haven.screening import questionnaires

pytestmark = pytest.mark.django_db
BASE = "/en/staff/cases/"


def all_yes(questionnaire_id):
    questionnaire = questionnaires.get(questionnaire_id)
    return {f"q_{question.id}": "yes" for question in questionnaire.questions}


def test_screen_save_and_read_again(client, alice):
    case = make_case(alice)
    participant = case.participants.get()
    sign_in(client, alice)
    page = client.get(f"{BASE}{case.pk}/screen/").content.decode()
    assert "adult-labour" in page and "self-check" not in page  # frontline questionnaires only
    response = client.post(
        f"{BASE}{case.pk}/screen/",
        {"questionnaire": "adult-labour", "participant": participant.pk, **all_yes("adult-labour")},
    )
    assert response.status_code == 302
    saved = Screening.objects.get(case=case)
    assert saved.participant == participant and saved.questionnaire == "adult-labour"
    assert saved.version == questionnaires.get("adult-labour").version
    assert saved.outcome == json.loads(saved.record)["outcome"] != "none"
    assert Event.objects.filter(action="case.screened", object_id=str(case.pk)).exists()
    html = client.get(f"{BASE}{case.pk}/").content.decode()
    assert "Screening" in html and f"{BASE}{case.pk}/screenings/{saved.pk}/" in html
    detail = client.get(f"{BASE}{case.pk}/screenings/{saved.pk}/")
    assert detail.status_code == 200 and participant.person.pseudonym in detail.content.decode()


def test_unknown_or_public_questionnaires_and_bad_answers(client, alice):
    case = make_case(alice)
    sign_in(client, alice)
    assert client.get(f"{BASE}{case.pk}/screen/?questionnaire=nope").status_code == 404
    assert client.get(f"{BASE}{case.pk}/screen/?questionnaire=self-check").status_code == 404
    first = next(iter(all_yes("adult-labour")))
    response = client.post(
        f"{BASE}{case.pk}/screen/", {"questionnaire": "adult-labour", first: "maybe"}
    )
    assert response.status_code == 422
    assert not Screening.objects.exists()


def test_scope_and_roles(client, alice, mallory, dave, carol):
    case = make_case(alice, consent=ALL_CONSENT)
    sign_in(client, alice)
    client.post(f"{BASE}{case.pk}/screen/", {"questionnaire": "child", **all_yes("child")})
    saved = Screening.objects.get()
    detail = f"{BASE}{case.pk}/screenings/{saved.pk}/"
    assert sign_in(client, mallory).get(detail).status_code == 404
    assert client.post(f"{BASE}{case.pk}/screen/", {"questionnaire": "child"}).status_code == 404
    # An outsider gets 404 whatever their role, as in the API; a colleague without the role, 403.
    assert sign_in(client, dave).get(detail).status_code == 404
    assert client.get(f"{BASE}{case.pk}/screen/").status_code == 404
    # A receiver sees it only when the referral shares what happened.
    referral = referrals.refer(
        case, actor=alice, to_organisation=carol.organisation, reason="Other", sections=["summary"]
    )
    assert sign_in(client, carol).get(detail).status_code == 404
    referrals.revoke(referral, actor=alice)
    again = referrals.refer(
        case,
        actor=alice,
        to_organisation=carol.organisation,
        reason="Other",
        sections=["exploitation"],
    )
    assert client.get(detail).status_code == 404  # offered, not accepted yet
    referrals.accept(again, actor=carol)
    assert client.get(detail).status_code == 200


def test_an_administrator_gets_404_outside_and_403_inside(client, alice, carol, oscar):
    from haven.accounts.models import User

    outside = make_case(carol)
    inside = make_case(alice)
    sign_in(client, oscar)
    assert client.get(f"{BASE}{outside.pk}/screen/").status_code == 404
    assert client.get(f"{BASE}{inside.pk}/screen/").status_code == 403
    assert User.objects.get(pk=oscar.pk).organisation_id == alice.organisation_id
