"""The public statistics page, the staff dashboard and their CSV files."""

import csv
import io

import pytest
from django.test import override_settings

from haven.audit.models import Event
from haven.conftest import sign_in
from haven.stats.export import anonymise
from haven.stats.tests.builders import add_victims, refuse_research

pytestmark = pytest.mark.django_db


@pytest.fixture
def victims():
    """Hotline VN: 25 women and 12 men from Viet Nam exploited in Cambodia. Shelter HN: 11 women
    from Myanmar and 4 men from Laos exploited in Thailand."""
    made = add_victims("Hotline VN", 25)
    made += add_victims("Hotline VN", 12, person={"gender": "Masculine"})
    made += add_victims("Shelter HN", 11, person={"citizenship": ["MM"]}, exploitation_country="TH")
    made += add_victims("Shelter HN", 4, person={"gender": "Masculine", "citizenship": ["LA"]},
                        exploitation_country="TH")  # fmt: skip
    return made


def rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


class TestPublicPage:
    def test_it_shows_the_published_figures_without_small_cells(self, client, victims):
        response = client.get("/en/stats/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Statistics: identified victims" in html and "<svg" in html
        assert "&lt;10" in html  # the four from Laos
        assert ">4<" not in html
        assert ">36<" in html  # women

    def test_it_draws_from_the_cache_until_the_cases_change(
        self, client, victims, django_assert_max_num_queries
    ):
        first = client.get("/en/stats/").content
        with django_assert_max_num_queries(5):  # the source and its fingerprint
            assert client.get("/en/stats/").content == first
        add_victims("Hotline VN", 1)
        assert ">37<" in client.get("/en/stats/").content.decode()

    def test_it_speaks_vietnamese(self, client, victims):
        assert '<html lang="vi">' in client.get("/vi/stats/").content.decode()

    @override_settings(HAVEN_STATS_EPSILON=1.0)
    def test_it_states_the_noise(self, client, victims):
        assert "ε = 1.0" in client.get("/en/stats/").content.decode()

    def test_refused_research_consent_is_not_published(self, client, victims):
        refuse_research(victims[0])
        assert ">35<" in client.get("/en/stats/").content.decode()

    def test_the_csv_of_a_figure(self, client, victims):
        response = client.get("/en/stats/figure.csv?by=gender")
        assert response["Content-Type"].startswith("text/csv")
        assert rows(response) == [
            ["gender", "count", "suppressed"],
            ["Female", "36", "false"],
            ["Male", "16", "false"],
            ["(denominator)", "52", "false"],
        ]

    def test_the_public_cannot_filter(self, client, victims):
        response = client.get("/en/stats/figure.csv?by=gender&citizenship=LA")
        assert response.status_code == 400
        assert "citizenship: published figures take no filters" in response.content.decode()


class TestDashboard:
    def test_it_needs_a_sign_in(self, client):
        response = client.get("/en/staff/stats/")
        assert response.status_code == 302 and "/staff/login/" in response["Location"]

    def test_case_workers_may_not(self, client, mallory, alice):
        assert sign_in(client, mallory).get("/en/staff/stats/").status_code == 403
        assert sign_in(client, alice).get("/en/staff/stats/").status_code == 403

    def test_an_analyst_sees_every_organisation(self, client, dave, victims):
        html = sign_in(client, dave).get("/en/staff/stats/").content.decode()
        assert "Hotline VN" in html and "Shelter HN" in html
        assert "&lt;10" in html  # victims' small cells stay hidden for staff too

    def test_an_organisation_administrator_sees_their_own(self, client, oscar, victims):
        html = sign_in(client, oscar).get("/en/staff/stats/").content.decode()
        assert "Shelter HN" not in html
        assert "alice" not in html or "Case worker" in html
        response = client.get("/en/staff/stats/figure.csv?by=gender")
        assert rows(response)[1:] == [
            ["Female", "25", "false"],
            ["Male", "12", "false"],
            ["(denominator)", "37", "false"],
        ]

    def test_the_filters(self, client, dave, victims, hotline):
        sign_in(client, dave)
        response = client.get(f"/en/staff/stats/figure.csv?by=gender&organisation={hotline.pk}")
        assert rows(response)[-1] == ["(denominator)", "37", "false"]
        response = client.get("/en/staff/stats/figure.csv?by=gender&date_from=2025-01-01")
        assert rows(response)[-1] == ["(denominator)", "", "true"]
        response = client.get("/en/staff/stats/figure.csv?by=citizenship&country=VN")
        assert rows(response)[1:] == [
            ["LA", "", "true"],
            ["MM", "", "true"],  # hidden too, or LA would be 52 - 37 - 11
            ["VN", "37", "false"],
            ["(denominator)", "52", "false"],
        ]

    def test_a_bad_filter_is_explained(self, client, dave, victims):
        response = sign_in(client, dave).get(
            "/en/staff/stats/?date_from=2025-01-01&date_to=2024-01-01"
        )
        assert response.status_code == 200
        assert "The start date is after the end date." in response.content.decode()
        response = client.get("/en/staff/stats/figure.csv?by=nothing")
        assert (
            response.status_code == 400 and "unknown variable nothing" in response.content.decode()
        )

    def test_exports_are_audited(self, client, dave, victims):
        sign_in(client, dave).get("/en/staff/stats/figure.csv?by=gender")
        assert Event.objects.filter(action="stats.exported", actor_id=dave.pk).exists()

    def test_the_ctdc_file_is_k_anonymous(self, client, dave, victims):
        response = sign_in(client, dave).get("/en/staff/stats/ctdc.csv")
        table = rows(response)
        header, body = table[0], table[1:]
        assert header[:3] == ["yearOfRegistration", "Datasource", "gender"]
        assert len(body) == 48  # the four from Laos are withheld: fewer than ten look alike
        assert all(body.count(row) >= 10 for row in body)
        assert Event.objects.get(action="stats.ctdc_exported").summary == {"withheld": 4}


def test_anonymise_generalises_before_withholding():
    rows = [{"a": "x", "b": str(i % 2), "isForcedLabour": "1"} for i in range(20)]
    rows += [{"a": "y", "b": "1", "isForcedLabour": ""} for _ in range(3)]
    released, withheld = anonymise(rows)
    assert withheld == 3 and len(released) == 20


def test_the_working_figures(hotline, outsider_org):
    from datetime import timedelta

    from django.utils import timezone

    from haven.cases.models import Task
    from haven.reports.models import Report
    from haven.stats import dashboard

    [victim] = add_victims("Hotline VN", 1)
    Task.objects.create(
        case=victim.case, title="call back", due=timezone.localdate() - timedelta(days=2)
    )
    now = timezone.now()
    for number, (organisation, hours) in enumerate(
        [(hotline, 2), (hotline, 4), (outsider_org, None)]
    ):
        report = Report.objects.create(
            receipt_hash=f"{number:064x}", country="VN", description="x", created=now - timedelta(days=1),
            triaged_at=None if hours is None else now - timedelta(days=1) + timedelta(hours=hours),
        )  # fmt: skip
        report.recipients.add(organisation)
    mine = dashboard.Scope(organisations=[hotline.pk], per_worker=True)
    assert dashboard.reports(mine) == {
        "received": 2,
        "triaged": 2,
        "mean_to_triage": timedelta(hours=3),
    }
    everyone = dashboard.Scope(organisations=None, per_worker=False)
    assert dashboard.reports(everyone)["received"] == 3
    assert dashboard.overdue_tasks(everyone) == [("Hotline VN", 1)]
    assert dashboard.workload(everyone) == [("Hotline VN", 1)]
