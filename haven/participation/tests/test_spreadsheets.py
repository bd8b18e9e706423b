"""CSV import and export of commitments and progress: all or nothing, errors by row and column in
the reader's language, formulas guarded, and the usual guards on the staff page and the API."""

import csv
import io

import pytest

from haven.conftest import sign_in
from haven.participation.models import Commitment, Indicator, ProgressReport
from haven.participation.tests.conftest import auth

pytestmark = pytest.mark.django_db
PAGE = "/en/staff/participation/spreadsheets/"
HEADER = "commitment,period,status,narrative,evidence,indicators\n"
GOOD = HEADER + (
    "bohol-a,2025-H2,in_progress,Sessions in schools.,https://example.org/a,people-reached=300\n"
    'bohol-b,2026-H1,ongoing,"Training, second round.",,staff-trained=12\n'
)
BAD = HEADER + (
    "bohol-a,2025-H2,in_progress,Fine row.,,people-reached=300\n"
    "bohol-b,soon,maybe,,,staff-trained=lots\n"
    "nowhere,2026-H1,ongoing,x,,\n"
)


def upload(client, url, text, name="progress.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(url, {"file": file})


def api_import(client, user, path, text):
    return client.post(path, text, content_type="text/csv", headers=auth(user) if user else {})


class TestProgressImport:
    def test_good_rows_are_all_submitted_and_wait(self, client, commitments, oscar):
        response = api_import(client, oscar, "/api/v1/progress/import", GOOD)
        assert response.status_code == 201 and response.json() == {"imported": 2}
        first = ProgressReport.objects.get(commitment__code="bohol-a")
        assert first.indicators == {"people-reached": 300} and first.validation == "pending"
        assert ProgressReport.objects.get(commitment__code="bohol-b").text == (
            "Training, second round."
        )

    def test_the_api_also_takes_the_csv_as_a_form_file(self, client, commitments, oscar):
        from django.core.files.uploadedfile import SimpleUploadedFile

        file = SimpleUploadedFile("progress.csv", GOOD.encode("utf-8"), content_type="text/csv")
        response = client.post("/api/v1/progress/import", {"file": file}, headers=auth(oscar))
        assert response.status_code == 201 and response.json() == {"imported": 2}

    def test_a_form_without_the_file_field_is_refused_naming_it(self, client, commitments, oscar):
        response = client.post("/api/v1/progress/import", {"csv": "x"}, headers=auth(oscar))
        assert response.status_code == 422 and "file" in response.content.decode()
        assert not ProgressReport.objects.filter(period="2025-H2").exists()

    def test_one_bad_row_writes_nothing_and_every_error_is_named(self, client, commitments, oscar):
        response = api_import(client, oscar, "/api/v1/progress/import", BAD)
        assert response.status_code == 422
        named = {e["field"] for e in response.json()["errors"]}
        assert {"rows.3.period", "rows.3.status", "rows.3.narrative", "rows.3.indicators",
                "rows.4.commitment"} <= named  # fmt: skip
        assert "rows.2.period" not in named
        assert not ProgressReport.objects.exists()

    def test_the_page_lists_errors_in_vietnamese(self, client, commitments, oscar):
        sign_in(client, oscar)
        response = upload(client, "/vi/staff/participation/spreadsheets/progress/", BAD)
        page = response.content.decode()
        assert response.status_code == 400
        assert "Dòng 3, cột “status”" in page and "Không có gì được nhập" in page
        assert not ProgressReport.objects.exists()

    def test_missing_columns_and_non_utf8_are_refused(self, client, commitments, oscar):
        response = api_import(client, oscar, "/api/v1/progress/import", "commitment,period\n")
        assert {"rows.1.status", "rows.1.narrative"} <= {
            e["field"] for e in response.json()["errors"]
        }
        response = client.post(
            "/api/v1/progress/import",
            "commitment,period,status,narrative\nbohol-a,2026-H1,ongoing,caf\xe9\n".encode(
                "latin-1"
            ),
            content_type="text/csv",
            headers=auth(oscar),
        )
        assert response.status_code == 422 and not ProgressReport.objects.exists()

    def test_another_organisations_commitment_is_a_row_error(
        self, client, commitments, shelter_admin
    ):
        response = api_import(client, shelter_admin, "/api/v1/progress/import", GOOD)
        assert response.status_code == 422
        assert "rows.2.commitment" in {e["field"] for e in response.json()["errors"]}
        assert not ProgressReport.objects.exists()

    def test_roles_and_outsiders(self, client, commitments, dave, alice):
        assert api_import(client, None, "/api/v1/progress/import", GOOD).status_code == 401
        assert api_import(client, dave, "/api/v1/progress/import", GOOD).status_code == 403
        assert sign_in(client, alice).get(PAGE).status_code == 403
        assert upload(client, f"{PAGE}progress/", GOOD).status_code == 403
        assert not ProgressReport.objects.exists()

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, commitments):
        response = upload(client, f"{PAGE}progress/", GOOD)
        assert response.status_code == 302 and "/staff/login/" in response["Location"]

    def test_csrf_is_enforced(self, csrf_client, commitments, oscar):
        sign_in(csrf_client, oscar)
        assert upload(csrf_client, f"{PAGE}progress/", GOOD).status_code == 403
        assert not ProgressReport.objects.exists()

    def test_the_page_imports(self, client, commitments, oscar):
        sign_in(client, oscar)
        assert client.get(PAGE).status_code == 200
        response = upload(client, f"{PAGE}progress/", GOOD)
        assert response.status_code == 302 and ProgressReport.objects.count() == 2
        exported = client.get(f"{PAGE}progress.csv").content.decode()
        assert "people-reached=300" in exported and "pending" in exported


class TestCommitments:
    def test_export_guards_formulas_and_reads_back_the_same(self, client, commitments, dave):
        Commitment.objects.filter(code="bohol-a").update(title_en="=HYPERLINK(1)")
        text = client.get("/api/v1/commitments.csv").content.decode()
        rows = list(csv.DictReader(io.StringIO(text)))
        row = next(r for r in rows if r["code"] == "bohol-a")
        assert row["title_en"] == "'=HYPERLINK(1)" and row["indicator"] == "people-reached"
        before = Indicator.objects.count()
        response = api_import(client, dave, "/api/v1/commitments/import", text)
        assert response.status_code == 201, response.json()
        assert Commitment.objects.get(code="bohol-a").title_en == "=HYPERLINK(1)"
        assert Indicator.objects.count() == before

    def test_new_commitments_with_indicators_and_errors(self, client, commitments, dave, oscar):
        header = ",".join(
            ["instrument", "code", "reference", "area", "country", "title_en", "title_vi",
             "summary_en", "summary_vi", "responsible_body", "indicator", "indicator_name_en",
             "indicator_name_vi", "unit_en", "unit_vi", "baseline", "target"]
        )  # fmt: skip
        good = (
            header + "\nbohol,th-1,Area A,prevention,TH,Schools,,,,MSDHS,talks,Talks,,talks,,0,40\n"
        )
        bad = good + "nowhere,th-2,,moon,XX,,,,,,i,,,,,x,\n"
        response = api_import(client, dave, "/api/v1/commitments/import", bad)
        named = {e["field"] for e in response.json()["errors"]}
        assert {"rows.3.instrument", "rows.3.area", "rows.3.country", "rows.3.title_en",
                "rows.3.indicator_name_en", "rows.3.baseline"} <= named  # fmt: skip
        assert not Commitment.objects.filter(code__startswith="th-").exists()
        assert api_import(client, oscar, "/api/v1/commitments/import", good).status_code == 403
        assert api_import(client, dave, "/api/v1/commitments/import", good).status_code == 201
        new = Commitment.objects.get(code="th-1")
        assert new.country == "TH" and new.indicators.get().target == 40
