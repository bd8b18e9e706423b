"""Before accepting, the receiver sees the request only: reason, urgency, country, age band and
the sections offered. No name, phone, e-mail or free text, on the page or in the API."""

import pytest
from django.test import Client

from haven.accounts.services import create_api_token
from haven.cases import referrals, services
from haven.cases.tests.helpers import ALL_CONSENT, VICTIM, make_case
from haven.conftest import sign_in

pytestmark = pytest.mark.django_db
BASE = "/en/staff/cases/"
API = "/api/v1"
EMAIL = "ngoclan.tran@example.org"
SECRETS = (
    "Ngọc Lan",
    "Tran Thi",
    VICTIM["mobile_phone"],
    "0901234567",
    EMAIL,
    VICTIM["identity_number"],
    "Nghe An",
    "Facebook",  # the summary
    "Lan needs",  # the sender's free text, which names her
)


def token(user):
    return {
        "Authorization": f"Bearer {create_api_token(user, actor=user, name='t')[1]}",
        "Accept-Language": "en",
    }


@pytest.fixture
def case(alice):
    case = make_case(alice, consent=ALL_CONSENT, risk="high")
    participant = case.participants.get()
    services.update_participant(
        participant, actor=alice, person={"email": EMAIL}, details={"role": "victim"}
    )
    return case


@pytest.fixture
def referral(case, alice, carol):
    return referrals.refer(
        case,
        actor=alice,
        to_organisation=carol.organisation,
        reason="AdditionalServicesRequired",
        sections=["summary", "exploitation", "identity", "contact"],
        details="Lan needs a bed tonight; call her on 0901234567.",
    )


def assert_no_secret(body: str):
    for secret in SECRETS:
        assert secret not in body, secret


def test_the_pending_page_shows_the_request_and_nothing_personal(case, referral, carol):
    response = sign_in(Client(), carol).get(f"{BASE}{case.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_secret(html)
    assert case.participants.get().person.pseudonym not in html
    assert "Referral request" in html and "High" in html and "Viet Nam" in html
    assert "18 to 24" in html  # born 2004: the age band, not the birth date
    assert "Identity: names, birth date, identity number" in html  # what would be shared
    assert "Additional services required" in html or "AdditionalServicesRequired" not in html
    assert f'action="/en/staff/cases/referrals/{referral.pk}/accept/"' in html


def test_the_api_answers_the_request_only(client, case, referral, carol):
    headers = token(carol)
    detail = client.get(f"{API}/cases/{case.pk}", headers=headers)
    assert detail.status_code == 200
    data = detail.json()
    assert data["risk"] == "high" and data["country"] == "VN"
    assert data["age_bands"] == ["18-24"] and data["state"] == "pending"
    assert data["referrals"][0]["sections"] == ["summary", "exploitation", "identity", "contact"]
    assert_no_secret(detail.content.decode())
    listed = client.get(f"{API}/referrals", headers=headers)
    assert listed.json()[0]["details"] == ""
    assert_no_secret(listed.content.decode())
    for part in ("people", "events", "services", "notes"):
        response = client.get(f"{API}/cases/{case.pk}/{part}", headers=headers)
        assert response.status_code == 404, part
    html = sign_in(Client(), carol).get(f"{BASE}referrals/").content.decode()
    assert_no_secret(html)


def test_after_accepting_the_shared_sections_appear(client, case, referral, carol):
    referrals.accept(referral, actor=carol)
    html = sign_in(Client(), carol).get(f"{BASE}{case.pk}/").content.decode()
    assert "Ngọc Lan" in html and EMAIL in html
    data = client.get(f"{API}/cases/{case.pk}", headers=token(carol)).json()
    assert data["people"][0]["identity"]["first_name"] == "Ngọc Lan"


def test_the_sender_still_sees_everything(client, case, referral, alice):
    html = sign_in(Client(), alice).get(f"{BASE}{case.pk}/").content.decode()
    assert "Ngọc Lan" in html and "Lan needs a bed tonight" in html


def test_outsiders_404_and_a_wrong_role_403(client, case, referral, mallory, dave, oscar):
    for user in (mallory, dave):
        assert sign_in(Client(), user).get(f"{BASE}{case.pk}/").status_code == 404
        assert client.get(f"{API}/cases/{case.pk}", headers=token(user)).status_code == 404
    assert sign_in(Client(), oscar).get(f"{BASE}{case.pk}/").status_code == 403
