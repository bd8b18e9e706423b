"""Case pages: scope and roles for every view, the lists, the case page, and the forms."""

import pytest
from django.test import Client
from django.urls import reverse

from haven.audit.models import Event
from haven.cases import referrals
from haven.cases.models import Case, Change, Consent, Note, Participant, Task
from haven.cases.tests.helpers import ALL_CONSENT, VICTIM, make_case
from haven.conftest import sign_in
from haven.reports import services as report_services
from haven.reports.models import Status

pytestmark = pytest.mark.django_db
BASE = "/en/staff/cases/"


def case_urls(case):
    participant = case.participants.first()
    service = case.services.first()
    task = case.tasks.first()
    urls = [
        f"{BASE}{case.pk}/",
        f"{BASE}{case.pk}/edit/",
        f"{BASE}{case.pk}/close/",
        f"{BASE}{case.pk}/refer/",
        f"{BASE}{case.pk}/people/new/",
        f"{BASE}{case.pk}/events/new/",
        f"{BASE}{case.pk}/services/new/",
        f"{BASE}{case.pk}/consent/",
        f"{BASE}{case.pk}/tasks/new/",
        f"{BASE}{case.pk}/files/new/",
    ]
    if participant:
        urls.append(f"{BASE}{case.pk}/people/{participant.pk}/")
    if service:
        urls.append(f"{BASE}{case.pk}/services/{service.pk}/")
    if task:
        urls.append(f"{BASE}{case.pk}/tasks/{task.pk}/done/")
    return urls


@pytest.fixture
def case(alice):
    from datetime import date

    from haven.cases import services

    case = make_case(alice, consent=ALL_CONSENT)
    services.add_service(case, actor=alice, values={"type": "Health", "objectives": "Check-up"})
    services.add_task(case, actor=alice, title="Call the family", due=date(2020, 1, 1))
    services.add_note(case, actor=alice, body="She is safe at her aunt's house.")
    return case


class TestScope:
    def test_outsiders_get_404_on_every_url(self, client, case, mallory):
        sign_in(client, mallory)
        for url in case_urls(case):
            if not url.endswith("/done/"):  # POST only: a GET is 405 for everyone
                assert client.get(url).status_code == 404, url
            assert client.post(url, {}).status_code == 404, url

    def test_an_analyst_elsewhere_gets_404_and_the_list_403(self, client, case, dave):
        sign_in(client, dave)
        assert client.get(f"{BASE}{case.pk}/").status_code == 404
        assert client.get(BASE).status_code == 403

    def test_the_organisation_admin_without_case_rights_gets_403(self, client, case, oscar):
        sign_in(client, oscar)
        assert client.get(f"{BASE}{case.pk}/").status_code == 403
        assert client.get(BASE).status_code == 403

    def test_frontline_reads_and_writes_but_cannot_refer(self, client, case, bob):
        sign_in(client, bob)
        assert client.get(f"{BASE}{case.pk}/").status_code == 200
        assert client.get(f"{BASE}{case.pk}/refer/").status_code == 403

    def test_anonymous_is_sent_to_sign_in(self, client, case):
        response = client.get(f"{BASE}{case.pk}/")
        assert response.status_code == 302 and "/staff/login/" in response["Location"]

    def test_a_bad_id_is_404(self, client, alice):
        sign_in(client, alice)
        assert client.get(f"{BASE}00000000-0000-0000-0000-000000000000/").status_code == 404

    def test_csrf_is_enforced(self, case, alice):
        client = sign_in(Client(enforce_csrf_checks=True), alice)
        response = client.post(f"{BASE}{case.pk}/notes/", {"body": "x"})
        assert response.status_code == 403
        assert [note.body for note in Note.objects.filter(case=case)] == [
            "She is safe at her aunt's house."
        ]


class TestList:
    def test_lists_show_no_personal_data_and_filter(self, client, case, alice):
        other = make_case(alice, risk="high", country="KH")
        html = sign_in(client, alice).get(BASE).content.decode()
        assert case.reference in html and other.reference in html
        for secret in (VICTIM["first_name"], VICTIM["mobile_phone"], "aunt"):
            assert secret not in html
        html = client.get(BASE, {"risk": "high"}).content.decode()
        assert other.reference in html and case.reference not in html
        html = client.get(BASE, {"country": "kh"}).content.decode()
        assert other.reference in html and case.reference not in html
        html = client.get(BASE, {"q": case.reference[2:].lower()}).content.decode()
        assert case.reference in html and other.reference not in html
        html = client.get(BASE, {"kind": "SexualExploitation"}).content.decode()
        assert case.reference not in html
        html = client.get(BASE, {"kind": "ForcedLabour", "opened_from": "2000-01-01"}).content
        assert case.reference in html.decode()

    def test_my_cases_and_closed(self, client, case, alice, bob):
        from haven.cases import services

        bobs = services.open_case(actor=bob, country="VN")
        sign_in(client, alice)
        html = client.get(BASE, {"scope": "mine"}).content.decode()
        assert case.reference in html and bobs.reference not in html
        services.close_case(bobs, actor=bob, reason="Back home and safe.")
        assert bobs.reference not in client.get(BASE).content.decode()
        assert bobs.reference in client.get(BASE, {"status": "Closed"}).content.decode()

    def test_other_organisations_cases_never_listed(self, client, case, mallory, carol):
        assert case.reference not in sign_in(client, mallory).get(BASE).content.decode()
        html = sign_in(client, carol).get(BASE, {"scope": "referred"}).content.decode()
        assert case.reference not in html

    def test_queries_do_not_grow_with_cases(self, client, alice, django_assert_max_num_queries):
        for _ in range(3):
            make_case(alice)
        sign_in(client, alice)
        client.get(BASE)
        with django_assert_max_num_queries(12):
            client.get(BASE)
        for _ in range(10):
            make_case(alice)
        with django_assert_max_num_queries(12):
            assert client.get(BASE).status_code == 200

    def test_overdue_tasks(self, client, case, alice):
        html = sign_in(client, alice).get(f"{BASE}tasks/").content.decode()
        assert case.reference in html
        assert "Call the family" not in html  # task titles stay on the case page


class TestCasePage:
    def test_the_owner_sees_everything_and_the_view_is_logged(self, client, case, alice):
        html = sign_in(client, alice).get(f"{BASE}{case.pk}/").content.decode()
        for text in ("Ngọc Lan", "+84901234567", "Withholds documents", "Check-up", "aunt"):
            assert text in html
        assert "Access log" in html and "History" in html
        assert Event.objects.filter(
            action="case.viewed", object_id=str(case.pk), actor_username="alice"
        ).exists()

    def test_the_page_is_translated(self, client, case, alice):
        html = sign_in(client, alice).get(f"/vi/staff/cases/{case.pk}/").content.decode()
        assert '<html lang="vi">' in html and "Tóm tắt" in html

    def test_a_receiver_sees_only_what_is_shared(self, client, case, alice, carol):
        referral = referrals.refer(
            case,
            actor=alice,
            to_organisation=carol.organisation,
            reason="AdditionalServicesRequired",
            sections=["summary"],
        )
        referrals.accept(referral, actor=carol)
        html = sign_in(client, carol).get(f"{BASE}{case.pk}/").content.decode()
        assert case.reference in html and case.participants.get().person.pseudonym in html
        for secret in ("Ngọc Lan", "+84901234567", "Withholds documents", "Check-up", "aunt"):
            assert secret not in html
        assert "Access log" not in html
        own_work = (f"{BASE}{case.pk}/services/new/", f"{BASE}{case.pk}/tasks/new/")
        for url in case_urls(case)[1:]:
            expected = (200,) if url in own_work else (403, 404)  # its own work: a form again
            assert client.post(url, {}).status_code in expected, url
        referrals.revoke(referral, actor=alice)
        assert client.get(f"{BASE}{case.pk}/").status_code == 404


class TestForms:
    def test_open_a_case_and_add_a_person(self, client, alice):
        sign_in(client, alice)
        response = client.post(
            f"{BASE}new/",
            {
                "source": "hotline",
                "country": "VN",
                "risk": "high",
                "opened": "2026-11-01",
                "summary": "Caller's sister is held in a karaoke bar.",
            },
        )
        case = Case.objects.get(summary__isnull=False, source="hotline", risk="high")
        assert response["Location"] == f"{BASE}{case.pk}/"
        response = client.post(
            f"{BASE}{case.pk}/people/new/",
            {
                "person-first_name": "Hoa",
                "person-citizenship": ["VN", "LA"],
                "person-birthdate": "2005-02-03",
                "details-role": "victim",
                "details-exploitation_types": ["SexualExploitation"],
                "details-control_methods": ["RestrictsMovement"],
            },
        )
        assert response.status_code == 302
        participant = Participant.objects.get(case=case)
        assert participant.person.citizenship == ["VN", "LA"]
        assert participant.person.birthdate == "2005-02-03"
        case.refresh_from_db()
        assert case.exploitation_types == ["SexualExploitation"]
        assert [c.new for c in Change.objects.filter(case=case, field="first_name")] == ["Hoa"]

    def test_bad_input_is_refused_and_nothing_is_written(self, client, case, alice):
        sign_in(client, alice)
        before = Participant.objects.count()
        response = client.post(
            f"{BASE}{case.pk}/people/new/",
            {
                "person-citizenship": "XX",
                "details-role": "victim",
                "details-exploitation_began": "2026-05-01",
                "details-exploitation_ended": "2026-01-01",
            },
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "Not ISO country codes: XX" in html and "The end comes before" in html
        assert Participant.objects.count() == before

    def test_consent_form(self, client, alice):
        case = make_case(alice)
        person = case.participants.get().person
        sign_in(client, alice)
        response = client.post(f"{BASE}{case.pk}/consent/", {"person": person.pk})
        assert "Answer at least one consent item" in response.content.decode()
        client.post(
            f"{BASE}{case.pk}/consent/",
            {"person": person.pk, "interview": "yes", "purpose": "no", "information_version": "v2"},
        )
        rows = {row.item: row.given for row in Consent.objects.filter(case=case)}
        assert rows == {"interview": True, "purpose": False}
        client.post(f"{BASE}{case.pk}/consent/{person.pk}/withdraw/", {"item": "interview"})
        assert Consent.objects.get(case=case, item="interview").withdrawn_at is not None

    def test_refer_through_the_page(self, client, case, alice, carol):
        sign_in(client, alice)
        response = client.post(
            f"{BASE}{case.pk}/refer/",
            {"to_organisation": carol.organisation_id, "reason": "Other", "sections": ["identity"]},
        )
        assert response.status_code == 302
        referral = case.referrals.get()
        assert referral.sections == ["summary", "identity"]
        sign_in(client, carol)
        client.post(f"{BASE}referrals/{referral.pk}/accept/", {"note": "We have a bed."})
        referral.refresh_from_db()
        assert referral.state == "accepted"
        assert "Ngọc Lan" in client.get(f"{BASE}{case.pk}/").content.decode()
        assert client.post(f"{BASE}referrals/{referral.pk}/revoke/").status_code == 403

    def test_referral_refused_without_consent_shows_why(self, client, alice, carol):
        case = make_case(alice)
        sign_in(client, alice)
        response = client.post(
            f"{BASE}{case.pk}/refer/",
            {"to_organisation": carol.organisation_id, "reason": "Other", "sections": ["summary"]},
        )
        assert response.status_code == 200
        assert "does not allow" in response.content.decode()
        assert not case.referrals.exists()

    def test_close_needs_a_reason(self, client, case, alice):
        sign_in(client, alice)
        client.post(f"{BASE}{case.pk}/close/", {"reason": ""})
        case.refresh_from_db()
        assert case.is_open
        client.post(f"{BASE}{case.pk}/close/", {"reason": "Reunited with family."})
        case.refresh_from_db()
        assert case.status == "Closed" and case.closure_reason == "Reunited with family."

    def test_task_done(self, client, case, alice):
        task = Task.objects.get(case=case)
        sign_in(client, alice).post(f"{BASE}{case.pk}/tasks/{task.pk}/done/")
        task.refresh_from_db()
        assert task.done_at is not None


class TestFromReport:
    def test_a_report_becomes_a_case(self, client, alice):
        report, _ = report_services.submit_report(
            report_services.NewReport(
                country="VN",
                description="My cousin went to Cambodia for a casino job and cannot leave.",
                danger_now=True,
                exploitation_types=["ForcedLabour"],
                people_count=2,
            ),
            [],
        )
        sign_in(client, alice)
        response = client.post(reverse("cases:from_report", args=[report.pk]))
        case = Case.objects.get(source_report=report)
        assert response["Location"].endswith(f"{case.pk}/")
        assert case.risk == "high" and case.exploitation_types == ["ForcedLabour"]
        assert "casino job" in case.summary and "2" in case.summary
        report.refresh_from_db()
        assert report.status == Status.ACCEPTED
        client.post(reverse("cases:from_report", args=[report.pk]))
        assert Case.objects.filter(source_report=report).count() == 1
        html = client.get(f"/en/staff/triage/{report.pk}/").content.decode()
        assert case.reference in html
