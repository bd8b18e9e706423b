"""The API document: every body is declared, with its fields, enumerations and limits."""

import json

import pytest

from haven.accounts.services import create_api_token
from haven.cases.models import Section
from haven.cases.tests.helpers import make_case

BODY_METHODS = ("post", "put", "patch")


@pytest.fixture(scope="module")
def document():
    from haven.api import api

    return json.loads(json.dumps(api.get_openapi_schema()))  # as clients read it


def resolve(document, schema: dict) -> dict:
    """Follow $ref, a lone allOf, and the non-null branch of an optional body."""
    while True:
        if "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].split("/")[-1]]
        elif len(schema.get("allOf", ())) == 1:
            schema = schema["allOf"][0]
        elif "anyOf" in schema:
            schema = next(part for part in schema["anyOf"] if part.get("type") != "null")
        else:
            return schema


def body_schema(document, path: str, method: str = "post", content="application/json") -> dict:
    body = document["paths"][path][method]["requestBody"]
    return resolve(document, body["content"][content]["schema"])


def prop(document, schema: dict, name: str) -> dict:
    return resolve(document, schema["properties"][name])


def test_every_operation_with_a_body_declares_its_fields(document):
    operations = [
        (method, path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if method in BODY_METHODS
    ]
    assert len(operations) >= 20
    problems = []
    for method, path, operation in operations:
        contents = operation.get("requestBody", {}).get("content", {})
        schemas = [resolve(document, content["schema"]) for content in contents.values()]
        named = [schema for schema in schemas if schema.get("properties")]
        raw_files = [schema for schema in schemas if schema.get("format") == "binary"]
        if not named or len(named) + len(raw_files) != len(schemas):
            problems.append(f"{method.upper()} {path}")
    assert problems == []


def test_enumerations_and_limits_come_from_the_forms(document):
    case = body_schema(document, "/api/v1/cases")
    assert prop(document, case, "risk")["enum"] == ["low", "medium", "high"]
    assert "VN" in prop(document, case, "country")["enum"]
    assert case["required"] == ["country"] and case["additionalProperties"] is False
    note = body_schema(document, "/api/v1/cases/{case_id}/notes")
    assert prop(document, note, "body")["maxLength"] == 20_000
    referral = body_schema(document, "/api/v1/cases/{case_id}/referrals")
    assert prop(document, referral, "sections")["items"]["enum"] == Section.values
    assert set(referral["required"]) == {"to_organisation", "reason", "sections"}
    report = body_schema(document, "/api/v1/reports")
    assert prop(document, report, "description")["maxLength"] == 10_000
    people_count = prop(document, report, "people_count")
    assert (people_count["type"], people_count["minimum"], people_count["maximum"]) == (
        "integer",
        1,
        10_000,
    )
    multipart = body_schema(document, "/api/v1/reports", content="multipart/form-data")
    assert multipart["properties"]["files"]["items"]["format"] == "binary"


def test_nested_bodies_have_nested_schemas(document):
    person = body_schema(document, "/api/v1/cases/{case_id}/people")
    assert person["required"] == ["role"]
    details = prop(document, person, "details")
    assert "ForcedLabour" in prop(document, details, "exploitation_types")["items"]["enum"]
    assert details["properties"]["exploitation_types"]["description"] == "Types of exploitation"
    assert prop(document, prop(document, person, "person"), "birthdate")["format"] == "date"
    change = body_schema(document, "/api/v1/cases/{case_id}", method="patch")
    assert "required" not in change  # a PATCH sends only what changes


def test_import_row_errors_carry_the_row(document):
    operation = document["paths"]["/api/v1/cases/import"]["post"]
    error = resolve(
        document, operation["responses"]["422"]["content"]["application/json"]["schema"]
    )
    problem = resolve(document, error["properties"]["errors"]["items"])
    assert {"row", "field", "message"} <= set(problem["properties"])
    assert "multipart/form-data" in operation["requestBody"]["content"]


@pytest.mark.django_db
class TestTypeErrors:
    """Pydantic checks the types; its messages reach the client in plain words."""

    def post(self, client, url, user, body):
        headers = {
            "Authorization": f"Bearer {create_api_token(user, actor=user, name='t')[1]}",
            "Accept-Language": "en",
        }
        return client.post(url, json.dumps(body), content_type="application/json", headers=headers)

    def test_a_wrong_type_names_the_nested_field(self, client, alice):
        case = make_case(alice)
        body = {"role": "victim", "person": {"birthdate": "2004-13-45"}, "details": []}
        response = self.post(client, f"/api/v1/cases/{case.pk}/people", alice, body)
        assert response.status_code == 422
        errors = {error["field"]: error["message"] for error in response.json()["errors"]}
        assert errors == {
            "person.birthdate": "must be a date as YYYY-MM-DD",
            "details": "must be a JSON object",
        }
        assert case.participants.count() == 1

    def test_form_rules_and_unknown_fields_are_named_together(self, client, alice):
        case = make_case(alice)
        body = {"body": "x" * 20_001, "colour": "red"}
        response = self.post(client, f"/api/v1/cases/{case.pk}/notes", alice, body)
        errors = {error["field"]: error["message"] for error in response.json()["errors"]}
        assert errors["colour"] == "unknown field"
        assert "at most 20000 characters" in errors["body"]
        assert not case.notes.exists()

    def test_a_report_with_a_number_as_text_is_refused(self, client):
        body = {"country": "VN", "description": "A job offer", "people_count": "many"}
        response = client.post(
            "/api/v1/reports",
            json.dumps(body),
            content_type="application/json",
            headers={"Accept-Language": "en"},
        )
        assert response.status_code == 422
        assert response.json() == {
            "detail": "The request has invalid values.",
            "errors": [{"field": "people_count", "message": "must be a whole number"}],
        }
