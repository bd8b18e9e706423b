"""Public pages per instrument, country, area and meeting: validated progress only."""

import pytest

from haven.conftest import CONTENT
from haven.participation.content import load_commitments
from haven.participation.services import submit_progress, validate_progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(commitments, oscar, dave):
    load_commitments(CONTENT / "commitments", CONTENT.parent / "haven" / "demo" / "meetings")
    bohol = commitments.get(code="bohol-a")
    bohol.country = "VN"
    bohol.save()
    first = submit_progress(oscar, bohol, period="2025-H2", status="in_progress",
                            text="Validated narrative.", indicators={"people-reached": 4321})  # fmt: skip
    validate_progress(dave, first, decision="validate", reason="Checked.")
    submit_progress(oscar, bohol, period="2026-H1", status="completed",
                    text="Pending narrative.", indicators={"people-reached": 98765})  # fmt: skip
    return bohol


@pytest.mark.parametrize(
    "path",
    [
        "/en/commitments/instrument/bohol/",
        "/en/commitments/country/vn/",
        "/en/commitments/area/prevention/",
        "/vi/commitments/country/VN/",
    ],
)
def test_validated_progress_only(client, history, path):
    response = client.get(path)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Validated narrative." in page and "4321" in page
    assert "Pending narrative." not in page and "98765" not in page
    assert "<svg" in page and "<table" in page


def test_status_counts(client, history):
    page = client.get("/en/commitments/instrument/bohol/").content.decode()
    assert '<th scope="row">In progress</th><td>1</td>' in page
    assert '<th scope="row">Completed</th><td>0</td>' in page


def test_the_meeting_page_shows_recommendations_articles_and_actions(client, history):
    page = client.get("/vi/commitments/meeting/demo-hanoi-workshop/").content.decode()
    assert "hư cấu" in page and "Điều 11" in page
    assert "demo-hanoi-r1-radio" in page


@pytest.mark.parametrize(
    "path",
    [
        "/en/commitments/instrument/nothing/",
        "/en/commitments/country/FR/",
        "/en/commitments/area/moon/",
        "/en/commitments/meeting/nothing/",
    ],
)
def test_unknown_scopes_are_404(client, commitments, path):
    assert client.get(path).status_code == 404


def test_the_index_links_to_every_scope(client, history):
    page = client.get("/en/commitments/").content.decode()
    for link in ("instrument/bohol/", "country/VN/", "area/protection/", "meeting/demo-hanoi"):
        assert link in page
    assert client.post("/en/commitments/country/VN/").status_code == 405
