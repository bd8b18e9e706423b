"""The cases API: same scope, roles and rules as the pages; errors name field and rule."""

import json

import pytest

from haven.accounts.services import create_api_token
from haven.audit.models import Event
from haven.cases.models import Case, Referral
from haven.cases.tests.helpers import ALL_CONSENT, make_case

pytestmark = pytest.mark.django_db
API = "/api/v1"


def token(user):
    """The token header, and English answers (the API follows Accept-Language)."""
    return {
        "Authorization": f"Bearer {create_api_token(user, actor=user, name='t')[1]}",
        "Accept-Language": "en",
    }


def post(client, url, user, body):
    return client.post(url, json.dumps(body), content_type="application/json", headers=token(user))


class TestScopeAndRoles:
    def test_without_a_token_401(self, client, alice):
        case = make_case(alice)
        assert client.get(f"{API}/cases").status_code == 401
        assert client.get(f"{API}/cases/{case.pk}").status_code == 401

    def test_outsiders_404_and_analysts_403(self, client, alice, mallory, dave):
        case = make_case(alice)
        for url in (f"/cases/{case.pk}", f"/cases/{case.pk}/people", f"/cases/{case.pk}/notes"):
            assert client.get(API + url, headers=token(mallory)).status_code == 404
        assert (
            post(client, f"{API}/cases/{case.pk}/notes", mallory, {"body": "x"}).status_code == 404
        )
        assert client.get(f"{API}/cases", headers=token(dave)).status_code == 403
        items = client.get(f"{API}/cases", headers=token(mallory)).json()["items"]
        assert case.reference not in [item["reference"] for item in items]

    def test_frontline_cannot_refer(self, client, alice, bob, carol):
        case = make_case(alice, consent=ALL_CONSENT)
        body = {
            "to_organisation": str(carol.organisation_id),
            "reason": "Other",
            "sections": ["summary"],
        }
        assert post(client, f"{API}/cases/{case.pk}/referrals", bob, body).status_code == 403


class TestCases:
    def test_create_read_update(self, client, alice):
        response = post(
            client, f"{API}/cases", alice, {"country": "VN", "risk": "high", "summary": "Call."}
        )
        assert response.status_code == 201, response.content
        case_id = response.json()["id"]
        detail = client.get(f"{API}/cases/{case_id}", headers=token(alice)).json()
        assert detail["risk"] == "high" and detail["summary"] == "Call."
        assert Event.objects.filter(action="case.viewed", object_id=case_id).exists()
        response = client.patch(
            f"{API}/cases/{case_id}",
            json.dumps({"risk": "low"}),
            content_type="application/json",
            headers=token(alice),
        )
        assert response.status_code == 200 and response.json()["risk"] == "low"
        assert response.json()["summary"] == "Call."

    def test_validation_names_field_and_rule(self, client, alice):
        response = post(client, f"{API}/cases", alice, {"country": "ZZ", "risk": "extreme"})
        assert response.status_code == 422
        fields = {error["field"] for error in response.json()["errors"]}
        assert {"country", "risk"} <= fields
        assert not Case.objects.filter(risk="extreme").exists()
        case = make_case(alice)
        response = post(
            client,
            f"{API}/cases/{case.pk}/people",
            alice,
            {
                "role": "victim",
                "person": {"gender": "Unknown", "shoe_size": 40},
                "details": {"control_methods": ["Magic"]},
            },
        )
        assert response.status_code == 422
        errors = {e["field"]: e["message"] for e in response.json()["errors"]}
        assert "person.gender" in errors and "person.shoe_size" in errors
        assert "details.control_methods" in errors and "Magic" in errors["details.control_methods"]
        assert case.participants.count() == 1

    def test_people_events_services_consent_notes(self, client, alice):
        case = make_case(alice)
        response = post(
            client,
            f"{API}/cases/{case.pk}/people",
            alice,
            {
                "role": "victim",
                "person": {"first_name": "Mai", "citizenship": ["VN"]},
                "details": {"exploitation_types": ["ForcedMarriage"], "exploitation_country": "CN"},
            },
        )
        assert response.status_code == 201, response.content
        person = response.json()
        assert person["identity"]["first_name"] == "Mai"
        assert person["details"]["exploitation_types"] == ["ForcedMarriage"]
        event = post(
            client, f"{API}/cases/{case.pk}/events", alice, {"type": "Transit", "country": "CN"}
        )
        assert event.status_code == 201 and event.json()["country"] == "CN"
        bad = post(client, f"{API}/cases/{case.pk}/events", alice, {"type": "Holiday"})
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "type"
        service = post(
            client,
            f"{API}/cases/{case.pk}/services",
            alice,
            {"type": "Legal", "provider": "Shelter HN"},
        )
        assert service.status_code == 201 and service.json()["provider"] == "Shelter HN"
        consent = post(
            client,
            f"{API}/cases/{case.pk}/consent",
            alice,
            {"person_id": person["person_id"], "answers": {"interview": True, "purpose": True}},
        )
        assert consent.status_code == 201 and consent.json()["shareable"] == []  # Lan has none
        bad = post(
            client,
            f"{API}/cases/{case.pk}/consent",
            alice,
            {"person_id": "x", "answers": {"fly": 1}},
        )
        assert {e["field"] for e in bad.json()["errors"]} == {"answers.fly", "person_id"}
        note = post(client, f"{API}/cases/{case.pk}/notes", alice, {"body": "Called back."})
        assert note.status_code == 201
        notes = client.get(f"{API}/cases/{case.pk}/notes", headers=token(alice)).json()
        assert [n["body"] for n in notes] == ["Called back."]


class TestReferrals:
    def test_the_whole_cycle(self, client, alice, carol, mallory):
        case = make_case(alice, consent=ALL_CONSENT)
        body = {
            "to_organisation": str(carol.organisation_id),
            "reason": "Other",
            "sections": ["summary", "contact"],
            "details": "Bring her at 5.",
        }
        response = post(client, f"{API}/cases/{case.pk}/referrals", alice, body)
        assert response.status_code == 201, response.content
        referral_id = response.json()["id"]
        incoming = client.get(f"{API}/referrals", headers=token(carol)).json()
        assert [r["id"] for r in incoming] == [referral_id]
        seen = client.get(f"{API}/cases/{case.pk}", headers=token(carol)).json()
        assert "people" not in seen and seen["state"] == "pending"  # the request only
        assert client.get(f"{API}/cases/{case.pk}/notes", headers=token(carol)).status_code == 404
        assert post(client, f"{API}/referrals/{referral_id}/accept", mallory, {}).status_code == 404
        assert post(client, f"{API}/referrals/{referral_id}/complete", carol, {}).status_code == 422
        assert post(client, f"{API}/referrals/{referral_id}/accept", carol, {}).status_code == 200
        seen = client.get(f"{API}/cases/{case.pk}", headers=token(carol)).json()
        assert "contact" in seen["people"][0] and "identity" not in seen["people"][0]
        assert "summary" not in seen and "events" not in seen and seen["tasks"] == []
        assert client.get(f"{API}/cases/{case.pk}/events", headers=token(carol)).status_code == 404
        assert client.get(f"{API}/cases/{case.pk}/notes", headers=token(carol)).json() == []
        assert post(client, f"{API}/referrals/{referral_id}/revoke", carol, {}).status_code == 403
        assert (
            post(client, f"{API}/referrals/{referral_id}/complete", carol, {}).json()["state"]
            == "completed"
        )
        assert Referral.objects.get(pk=referral_id).state == "completed"

    def test_refused_without_consent(self, client, alice, carol):
        case = make_case(alice)
        body = {
            "to_organisation": str(carol.organisation_id),
            "reason": "Other",
            "sections": ["summary"],
        }
        response = post(client, f"{API}/cases/{case.pk}/referrals", alice, body)
        assert response.status_code == 422
        assert "does not allow" in response.json()["errors"][0]["message"]
        bad = post(
            client, f"{API}/cases/{case.pk}/referrals", alice, {"reason": "x", "sections": ["all"]}
        )
        assert {e["field"] for e in bad.json()["errors"]} == {
            "to_organisation",
            "reason",
            "sections",
        }

    def test_decline_then_the_receiver_sees_nothing(self, client, alice, carol):
        case = make_case(alice, consent=ALL_CONSENT)
        body = {
            "to_organisation": str(carol.organisation_id),
            "reason": "Other",
            "sections": ["summary"],
        }
        referral_id = post(client, f"{API}/cases/{case.pk}/referrals", alice, body).json()["id"]
        response = post(client, f"{API}/referrals/{referral_id}/decline", carol, {"note": "Full."})
        assert response.json()["state"] == "declined"
        assert client.get(f"{API}/cases/{case.pk}", headers=token(carol)).status_code == 404
