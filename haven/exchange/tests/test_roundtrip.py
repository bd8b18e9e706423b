"""HTCDS exchange: the JSON document both ways, round trips between organisations, commands."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.audit.models import Event
from haven.cases.models import Case
from haven.exchange.export import cases_for_export, export_json
from haven.exchange.importer import import_json
from haven.exchange.tests.helpers import (
    GOOD,
    TEMPLATE_HEADER,
    closed_case,
    csv_file,
    empty_case,
    export_of,
    load,
    records,
    rich_case,
    rows_of,
    text_of,
)

pytestmark = pytest.mark.django_db


class TestJsonExport:
    def test_a_case_in_full(self, alice, carol):
        case = rich_case(alice, carol)
        document = json.loads(text_of(export_json(cases_for_export(alice.organisation))))
        assert document["format"] == "haven-htcds" and document["standard"] == "HTCDS 2.0"
        (item,) = document["cases"]
        assert item["cas_Reference"] == case.reference and item["cas_Risk"] == "high"
        assert item["cas_Summary"].startswith("Tuyển qua Facebook")
        roles = [participant["role"] for participant in item["participants"]]
        assert roles == ["perpetrator", "victim", "victim"]
        perpetrator, lan, _duc = item["participants"]
        assert perpetrator["per_RoleInProcess"] == ["RecruiterOrIntermediary"]
        assert perpetrator["person"]["prs_FirstName"] == "Hải"
        assert lan["person"]["prs_Citizenship"] == ["VN", "KH"]
        assert lan["vic_TypeOfExploitation"] == ["ForcedLabour", "SexualExploitation"]
        assert lan["vic_ExploitationStartDate"] == "2023-06-01"
        assert len(lan["consents"]) == 7 and all(c["con_Given"] for c in lan["consents"])
        withdrawn = [c for c in _duc["consents"] if c["con_WithdrawnAt"]]
        assert [c["con_Item"] for c in withdrawn] == ["retention"]
        events = {event["hte_Type"]: event for event in item["events"]}
        assert events["Recruitment"]["participant"] == 2
        assert events["Recruitment"]["hte_Date"] == "2023-05-20"
        assert events["Exploitation"]["participant"] is None
        assert item["services"][0]["spl_Provider"] == "Shelter HN"
        assert item["services"][0]["participant"] == 2
        assert item["referrals"][0]["state"] == "accepted"
        assert item["cas_ReferredOrganisation"] == "Shelter HN"
        assert "notes" not in item and "history" not in item

    def test_no_cases_is_still_a_document(self, mallory):
        document = json.loads(text_of(export_json(cases_for_export(mallory.organisation))))
        assert document["cases"] == []


class TestJsonImport:
    def test_errors_name_the_case_and_the_path(self, alice):
        document = {
            "format": "haven-htcds",
            "cases": [
                {"cas_Status": "Active", "participants": [{"role": "victim", "person": {}}]},
                {
                    "cas_Status": "Open",
                    "colour": "red",
                    "participants": [
                        {"role": "witness", "person": {"prs_Email": "no"}},
                        {"role": "victim", "consents": [{"con_Item": "interview"}]},
                    ],
                    "events": [{"hte_Date": "2024-01-01", "participant": 3}],
                },
            ],
        }
        options = {"organisation": alice.organisation, "actor": alice}
        result = import_json(document, **options)
        assert result.blocked and result.cases == 1
        assert [str(p) for p in result.problems] == [
            "row 2, field colour: unknown field",
            "row 2, field cas_Status: “Open” is not an allowed value; use one of Active, "
            "FollowUp, Closed, ClosedReferred",
            "row 2, field participants.1.role: “witness” is not an allowed value; use one of "
            "victim, perpetrator, other",
            "row 2, field participants.1.person.prs_Email: is not a valid e-mail address",
            "row 2, field participants.2.consents.1.con_Given: is required",
            "row 2, field events.1.hte_Type: is required",
            "row 2, field events.1.participant: must be the number of a participant of the "
            "case, from 1",
        ]
        result = import_json({"cases": ["not a case"]}, **options)
        assert [str(p) for p in result.problems] == ["row 1: must be an object"]
        result = import_json({"format": "other", "cases": {}}, **options)
        assert [str(p) for p in result.problems] == [
            "field format: must be haven-htcds",
            "field cases: must be a list of cases",
        ]


def _owner(rows, old, new):
    for row in rows:
        if row.get("cas_CaseOwner") == old:
            row["cas_CaseOwner"] = new
    return rows


class TestRoundTrip:
    def test_extended_csv_into_another_organisation(self, alice, carol):
        rich_case(alice, carol)
        closed_case(alice)
        empty_case(alice)
        first = records(export_of(alice.organisation, extended=True))
        assert len(first) == 4
        # Usernames do not travel: the receiving organisation names its own case worker.
        moved = csv_file(*_owner([dict(row) for row in first], "alice", "carol"), extended=True)
        result = load(moved, carol)
        assert result.problems == [] and (result.cases, result.people) == (3, 3)
        second = records(export_of(carol.organisation, extended=True))
        for row in second:
            row["cas_Reference"] = {new: old for old, new in result.references.items()}[
                row["cas_Reference"]
            ]
        assert second == _owner(first, "alice", "carol")

    def test_core_csv_keeps_every_row(self, alice, carol):
        rich_case(alice, carol)
        closed_case(alice)
        first = export_of(alice.organisation)
        result = load(first, alice)  # back into the same organisation, as a restore would
        assert result.problems == [] and result.cases == 3  # no reference: a case per row
        rows = rows_of(export_of(alice.organisation))
        assert sorted(rows[1:]) == sorted(rows_of(first)[1:] * 2)

    def test_json_into_another_organisation(self, alice, carol):
        rich_case(alice, carol)
        closed_case(alice)
        empty_case(alice)
        first = json.loads(text_of(export_json(cases_for_export(alice.organisation))))
        for item in first["cases"]:
            if item["cas_CaseOwner"] == "alice":
                item["cas_CaseOwner"] = "carol"
        result = import_json(first, organisation=carol.organisation, actor=carol)
        assert result.problems == [] and result.cases == 3 and result.events == 2
        second = json.loads(text_of(export_json(cases_for_export(carol.organisation))))

        def comparable(document):
            # References are new; referrals made in Haven are a record, not re-created.
            return [
                {
                    key: value
                    for key, value in item.items()
                    if key not in ("cas_Reference", "referrals")
                }
                for item in document["cases"]
            ]

        assert comparable(second) == comparable(first)
        assert second["cases"][0]["referrals"] == []
        assert result.consents == 7 + 7 + 1


class TestCommands:
    def test_export_to_standard_output_and_to_a_file(self, alice, carol, tmp_path, capsys):
        rich_case(alice, carol)
        call_command("export_htcds", "--org", "Hotline VN")
        out = capsys.readouterr().out
        assert rows_of(out)[0] == [*TEMPLATE_HEADER, "prs_MiddleName"] and len(rows_of(out)) == 3
        target = tmp_path / "cases.json"
        call_command("export_htcds", "--format", "json", "--output", str(target))
        assert len(json.loads(target.read_text())["cases"]) == 1
        assert target.stat().st_mode & 0o077 == 0
        events = Event.objects.filter(action="cases.exported").order_by("seq")
        assert [(e.summary["format"], e.summary["scope"], e.summary["cases"]) for e in events] == [
            ("csv", "organisation", 1),
            ("json", "all", 1),
        ]

    def test_export_needs_a_known_organisation(self, db):
        with pytest.raises(CommandError, match="No organisation"):
            call_command("export_htcds", "--org", "Nowhere")

    def test_import_prints_each_problem_and_fails(self, alice, tmp_path, capsys):
        path = tmp_path / "cases.csv"
        path.write_text(csv_file(GOOD, {**GOOD, "prs_Gender": "?"}))
        with pytest.raises(CommandError, match="Nothing was imported") as error:
            call_command("import_htcds", str(path), "--org", "Hotline VN", "--actor", "alice")
        assert error.value.returncode == 1
        assert "row 3, field prs_Gender: “?” is not an allowed value" in capsys.readouterr().err
        with pytest.raises(CommandError, match="Nothing would be imported"):
            call_command("import_htcds", str(path), "--actor", "alice", "--dry-run")
        call_command("import_htcds", str(path), "--actor", "alice", "--skip-invalid")
        assert "Imported 1 cases with 1 people into Hotline VN" in capsys.readouterr().out
        assert Case.objects.filter(organisation=alice.organisation).count() == 1

    def test_import_json_by_content_and_dry_run(self, alice, carol, tmp_path, capsys):
        rich_case(alice, carol)
        path = tmp_path / "backup"
        path.write_text(text_of(export_json(cases_for_export(alice.organisation))))
        call_command("import_htcds", str(path), "--org", "Hotline VN", "--dry-run")
        assert "Dry run: 1 cases with 3 people are valid" in capsys.readouterr().out
        assert Case.objects.filter(organisation=alice.organisation).count() == 1
        call_command("import_htcds", str(path), "--org", "Hotline VN")
        assert Case.objects.filter(organisation=alice.organisation).count() == 2

    def test_import_needs_an_organisation_and_a_member_actor(self, alice, tmp_path):
        path = tmp_path / "cases.csv"
        path.write_text(csv_file(GOOD))
        with pytest.raises(CommandError, match="--org"):
            call_command("import_htcds", str(path))
        with pytest.raises(CommandError, match="not a member"):
            call_command("import_htcds", str(path), "--org", "Shelter HN", "--actor", "alice")
        with pytest.raises(CommandError, match="Cannot read"):
            call_command("import_htcds", str(tmp_path / "missing.csv"), "--actor", "alice")
