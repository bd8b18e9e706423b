"""GET /api/v1/stats and /api/v1/stats/sources: published figures for all, more with a token."""

import pytest

from haven.accounts.services import create_api_token
from haven.stats.ctdc import import_file
from haven.stats.tests.builders import add_victims
from haven.stats.tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db


EN = {"Accept-Language": "en"}  # the API answers in the language asked for


def token(user):
    return {"Authorization": f"Bearer {create_api_token(user, actor=user, name='t')[1]}", **EN}


@pytest.fixture
def victims():
    made = add_victims("Hotline VN", 30)
    made += add_victims("Shelter HN", 3, person={"gender": "Masculine", "citizenship": ["LA"]})
    return made


class TestPublished:
    def test_it_answers_without_a_token(self, client, victims):
        response = client.get("/api/v1/stats?by=gender")
        assert response.status_code == 200
        assert response.json() == {
            "source": "cases",
            "by": ["gender"],
            "denominator": 33,
            "cells": [
                {"gender": "Female", "count": None, "suppressed": True},
                {"gender": "Male", "count": None, "suppressed": True},
            ],
        }

    def test_two_variables(self, client, victims):
        body = client.get("/api/v1/stats?by=citizenship,CountryOfExploitation").json()
        assert body["by"] == ["citizenship", "CountryOfExploitation"]
        assert {
            "citizenship": "VN",
            "CountryOfExploitation": "KH",
            "count": None,
            "suppressed": True,
        } in body["cells"]

    def test_multi_valued_cells_can_sum_past_the_denominator(self, client, victims):
        body = client.get("/api/v1/stats?by=meansOfControlConcatenated").json()
        assert body["denominator"] == 33
        assert sum(cell["count"] for cell in body["cells"]) == 66

    def test_filters_are_refused(self, client, victims):
        response = client.get("/api/v1/stats?by=gender&citizenship=LA", headers=EN)
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "citizenship", "message": "published figures take no filters"}
        ]

    def test_unknown_fields_are_422_and_unpublished_sources_404(self, client, victims):
        response = client.get("/api/v1/stats?by=shoeSize", headers=EN)
        assert response.status_code == 422
        assert response.json()["errors"][0] == {
            "field": "by",
            "message": "unknown variable shoeSize",
        }
        import_file(FIXTURES / "victim_perpetrator.csv", "ctdc-vp")
        response = client.get("/api/v1/stats?by=gender&source=ctdc-vp")
        assert response.status_code == 404  # imported sources are for staff until published
        assert client.get("/api/v1/stats").status_code == 422

    def test_a_bad_token_is_401(self, client):
        response = client.get(
            "/api/v1/stats?by=gender", headers={"Authorization": "Bearer hvn_nope"}
        )
        assert response.status_code == 401

    def test_sources(self, client, victims):
        import_file(FIXTURES / "victim_perpetrator.csv", "ctdc-vp")
        body = client.get("/api/v1/stats/sources").json()
        assert [(s["name"], s["rows"]) for s in body] == [("cases", 33)]


class TestStaff:
    def test_an_analyst_filters_and_reads_every_source(self, client, dave, victims):
        import_file(FIXTURES / "victim_perpetrator.csv", "ctdc-vp")
        headers = token(dave)
        body = client.get("/api/v1/stats?by=gender&citizenship=VN", headers=headers).json()
        assert body["denominator"] == 30 and body["cells"][0]["count"] == 30
        body = client.get("/api/v1/stats?source=ctdc-vp&by=IP_Gender", headers=headers).json()
        assert body["denominator"] is None  # three rows in the fixture: too few to show
        sources = client.get("/api/v1/stats/sources", headers=headers).json()
        assert [(s["name"], s["rows"]) for s in sources] == [("cases", 33), ("ctdc-vp", 3)]

    def test_staff_filters_are_checked(self, client, dave, victims):
        headers = token(dave)
        response = client.get("/api/v1/stats?by=gender&from=May", headers=headers)
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "from", "message": "expected a date as YYYY-MM-DD"}
        ]
        response = client.get("/api/v1/stats?by=gender&isForcedLabour=yes", headers=headers)
        assert response.json()["errors"] == [
            {"field": "isForcedLabour", "message": "expected 1 or 0"}
        ]
        response = client.get("/api/v1/stats?source=ctdc-none&by=gender", headers=headers)
        assert response.status_code == 422

    def test_an_organisation_administrator_counts_their_own(self, client, oscar, victims):
        body = client.get("/api/v1/stats?by=gender", headers=token(oscar)).json()
        assert body["denominator"] == 30

    def test_a_case_worker_gets_the_published_figures(self, client, alice, victims):
        response = client.get("/api/v1/stats?by=gender&citizenship=VN", headers=token(alice))
        assert response.status_code == 422
