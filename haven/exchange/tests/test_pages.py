"""The exchange page: export buttons (XLSX like the HTCDS template, CSV with a byte-order mark
for Excel, CSV, JSON) and an import that is checked and previewed before anything is written."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from haven.audit.models import Event
from haven.cases.models import Case
from haven.cases.tests.helpers import ALL_CONSENT, make_case
from haven.conftest import sign_in
from haven.exchange import views, xlsx
from haven.exchange.tests.helpers import rich_case

pytestmark = pytest.mark.django_db
PAGE = "/vi/staff/cases/exchange/"


def download(client, choice):
    response = client.get(PAGE + "download/", {"format": choice})
    assert response.status_code == 200, response.content[:500]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


def upload(client, name, content):
    return client.post(PAGE + "import/", {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def hotline_case(alice, carol):
    return rich_case(alice, carol)


class TestAccess:
    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.get(PAGE)
        assert response.status_code == 302 and "/staff/login/" in response["Location"]

    @pytest.mark.parametrize("who", ["dave", "oscar"])
    def test_roles_without_cases_get_403(self, client, who, request):
        sign_in(client, request.getfixturevalue(who))
        assert client.get(PAGE).status_code == 403
        assert client.get(PAGE + "download/", {"format": "csv"}).status_code == 403
        assert upload(client, "a.csv", b"x").status_code == 403
        assert client.post(PAGE + "import/confirm/", {"token": "x"}).status_code == 403

    def test_the_forms_need_csrf(self, csrf_client, alice):
        sign_in(csrf_client, alice)
        assert csrf_client.get(PAGE).status_code == 200
        response = csrf_client.post(PAGE + "import/", {"file": SimpleUploadedFile("a.csv", b"x")})
        assert response.status_code == 403
        assert csrf_client.post(PAGE + "import/confirm/", {"token": "x"}).status_code == 403

    def test_import_and_check_are_post_only(self, client, alice):
        sign_in(client, alice)
        assert client.get(PAGE + "import/").status_code == 405
        assert client.get(PAGE + "import/confirm/").status_code == 405

    def test_an_export_holds_only_my_organisations_cases(self, client, alice, mallory):
        make_case(alice)
        sign_in(client, mallory)
        _, content = download(client, "csv")
        assert content.decode().count("\n") == 1  # the header alone


class TestExport:
    def test_the_page_offers_every_format_in_vietnamese(self, client, alice):
        sign_in(client, alice)
        page = client.get(PAGE).content.decode()
        for choice in views.ExportForm.FORMATS:
            assert f'value="{choice}"' in page
        assert "Xuất" in page and "Nhập" in page

    def test_xlsx_is_laid_out_like_the_template(self, client, alice, hotline_case):
        sign_in(client, alice)
        response, content = download(client, "xlsx")
        assert response["Content-Type"] == xlsx.XLSX_CONTENT_TYPE
        assert response["Content-Disposition"].endswith('.xlsx"')
        sheet = load_workbook(io.BytesIO(content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:4] == (None, "cas_CaseOwner", "prs_Salutation", "prs_FirstName")
        assert sheet.row_dimensions[1].hidden
        assert rows[1][:4] == (None, "Case Owner", "Salutation", "First Name")
        names = rows[0]
        assert rows[1][names.index("prs_MailingCity")] == "Mailing City"
        first, second = rows[2], rows[3]
        assert (first[0], second[0]) == (1, 2)
        assert first[names.index("prs_FirstName")] == "Lan"
        assert first[names.index("prs_SecondName")] == "Nguyễn Thị"
        assert first[names.index("prs_MobilePhone")] == "+84901234567"
        assert first[names.index("prs_Birthdate")] == "2004-03-09"  # text, not a date

    def test_xlsx_cells_are_text_never_formulas(self, alice):
        case = make_case(alice)
        person = case.participants.get().person
        person.first_name = '=HYPERLINK("http://evil.example","Bấm")'
        person.save()
        content = xlsx.workbook_from_csv(
            views.export_csv(views.cases_for_export(alice.organisation))
        )
        sheet = load_workbook(io.BytesIO(content)).active
        cells = [cell for row in sheet.iter_rows(min_row=3) for cell in row]
        assert all(cell.data_type in ("s", "inlineStr", "n") for cell in cells)
        assert '=HYPERLINK("http://evil.example","Bấm")' in [cell.value for cell in cells]
        assert not any(cell.data_type == "f" for cell in cells)

    def test_csv_for_excel_starts_with_a_byte_order_mark(self, client, alice, hotline_case):
        sign_in(client, alice)
        _, excel = download(client, "csv-excel")
        _, plain = download(client, "csv")
        assert excel.startswith("\ufeff".encode()) and not plain.startswith(b"\xef\xbb\xbf")
        assert excel[3:] == plain
        assert "Nguyễn Thị" in excel.decode("utf-8-sig")

    def test_extended_and_json(self, client, alice, hotline_case):
        sign_in(client, alice)
        _, extended = download(client, "csv-extended")
        _, core = download(client, "csv")
        header = next(csv.reader(io.StringIO(extended.decode())))
        assert (
            len(header) > len(next(csv.reader(io.StringIO(core.decode())))) == 39
        )  # 38 + middle name
        response, document = download(client, "json")
        assert response["Content-Type"] == "application/json"
        assert b"Nguy" in document

    def test_every_export_is_audited_without_personal_data(self, client, alice, hotline_case):
        sign_in(client, alice)
        download(client, "xlsx")
        event = Event.objects.filter(action="cases.exported").latest("created")
        assert event.summary["format"] == "xlsx" and event.summary["via"] == "page"
        assert event.summary["cases"] == 1
        assert "Lan" not in str(event.summary)

    def test_an_unknown_format_is_refused_with_a_reason(self, client, alice):
        sign_in(client, alice)
        response = client.get(PAGE + "download/", {"format": "exe"})
        assert response.status_code == 400
        assert "exe" in response.content.decode()


class TestImport:
    def _exported_workbook(self, alice, carol):
        rich_case(alice, carol)
        return xlsx.workbook_from_csv(views.export_csv(views.cases_for_export(alice.organisation)))

    def test_a_workbook_is_checked_then_imported_on_confirmation(self, client, alice, carol):
        content = self._exported_workbook(alice, carol)
        sign_in(client, alice)
        before = Case.objects.filter(organisation=alice.organisation).count()
        response = upload(client, "ho-so.xlsx", content)
        assert response.status_code == 200
        page = response.content.decode()
        assert "ho-so.xlsx" in page and 'name="token"' in page
        assert Case.objects.filter(organisation=alice.organisation).count() == before
        token = response.context["token"]
        response = client.post(PAGE + "import/confirm/", {"token": token, "action": "import"})
        assert response.status_code == 200, response.content.decode()[:800]
        result = response.context["result"]
        assert result.written and result.cases == 2  # the 38 columns hold no case key: a row each
        imported = Case.objects.filter(organisation=alice.organisation)
        assert imported.count() == before + 2
        lan = imported.latest("created").participants.filter(role="victim").first().person
        assert lan.second_name in ("Nguyễn Thị", "Trần Văn")
        # The pending file is gone: the same confirmation cannot import twice.
        client.post(PAGE + "import/confirm/", {"token": token, "action": "import"})
        assert Case.objects.filter(organisation=alice.organisation).count() == before + 2

    def test_the_pending_file_is_encrypted_in_the_session(self, client, alice, carol):
        content = self._exported_workbook(alice, carol)
        sign_in(client, alice)
        upload(client, "ho-so.xlsx", content)
        stored = client.session[views.PENDING]["file"]
        assert "Lan" not in stored and content[:200] not in stored.encode()

    def test_problems_are_listed_by_row_and_nothing_is_written(self, client, alice):
        good = make_case(alice)
        rows = list(
            csv.reader(
                io.StringIO("".join(views.export_csv(views.cases_for_export(alice.organisation))))
            )
        )
        header = rows[0]
        bad = list(rows[1])
        bad[header.index("prs_Gender")] = "Nữ?"
        text = io.StringIO()
        csv.writer(text).writerows([header, rows[1], bad])
        sign_in(client, alice)
        count = Case.objects.count()
        response = upload(client, "cases.csv", text.getvalue().encode())
        page = response.content.decode()
        assert response.context["result"].invalid_rows == 1
        assert "<td>3</td>" in page and "prs_Gender" in page
        token = response.context["token"]
        # Without "leave out the others": all or nothing, so nothing.
        response = client.post(PAGE + "import/confirm/", {"token": token, "action": "import"})
        assert response.status_code == 422 and Case.objects.count() == count
        assert good.pk

    def test_leaving_out_the_invalid_rows(self, client, alice):
        make_case(alice)
        rows = list(
            csv.reader(
                io.StringIO("".join(views.export_csv(views.cases_for_export(alice.organisation))))
            )
        )
        header, bad = rows[0], list(rows[1])
        bad[header.index("prs_Birthdate")] = "yesterday"
        text = io.StringIO()
        csv.writer(text).writerows([header, rows[1], bad])
        sign_in(client, alice)
        count = Case.objects.count()
        token = upload(client, "cases.csv", text.getvalue().encode()).context["token"]
        client.post(
            PAGE + "import/confirm/", {"token": token, "action": "import", "skip_invalid": "on"}
        )
        assert Case.objects.count() == count + 1

    def test_cancel_writes_nothing_and_forgets_the_file(self, client, alice, carol):
        content = self._exported_workbook(alice, carol)
        sign_in(client, alice)
        count = Case.objects.count()
        token = upload(client, "ho-so.xlsx", content).context["token"]
        response = client.post(PAGE + "import/confirm/", {"token": token, "action": "cancel"})
        assert response.status_code == 302 and Case.objects.count() == count
        assert views.PENDING not in client.session

    def test_a_wrong_token_imports_nothing(self, client, alice, carol):
        content = self._exported_workbook(alice, carol)
        sign_in(client, alice)
        count = Case.objects.count()
        upload(client, "ho-so.xlsx", content)
        response = client.post(PAGE + "import/confirm/", {"token": "guess", "action": "import"})
        assert response.status_code == 302 and Case.objects.count() == count

    def test_a_damaged_workbook_is_refused_with_a_reason(self, client, alice):
        sign_in(client, alice)
        response = upload(client, "broken.xlsx", xlsx.ZIP_MAGIC + b"not really a zip")
        assert response.status_code == 422
        assert "Excel" in response.content.decode()
        assert views.PENDING not in client.session

    def test_an_empty_upload_is_a_form_error_in_vietnamese(self, client, alice):
        sign_in(client, alice)
        response = client.post(PAGE + "import/", {})
        assert response.status_code == 422
        assert "Trường này là bắt buộc" in response.content.decode()

    def test_a_file_over_the_limit_is_a_form_error(self, client, alice, settings):
        settings.HAVEN_ATTACHMENT_MAX_MB = 1
        sign_in(client, alice)
        response = upload(client, "big.csv", b"a," * 600_000)
        assert response.status_code in (413, 422)
        if response.status_code == 422:
            assert "1 MB" in response.content.decode()


def test_a_workbook_round_trip_keeps_every_value(alice, carol):
    """Export to XLSX and read it back: the same CSV the export wrote, row for row."""
    rich_case(alice, carol)
    make_case(alice, consent=ALL_CONSENT)
    text = "".join(views.export_csv(views.cases_for_export(alice.organisation)))
    back = xlsx.csv_text_from_workbook(xlsx.workbook_from_csv([text]))
    original = list(csv.reader(io.StringIO(text)))
    read = list(csv.reader(io.StringIO(back)))
    assert read[0] == ["", *original[0]]
    assert read[1][1:4] == ["Case Owner", "Salutation", "First Name"]
    assert len(read) - 2 == len(original) - 1 == 3
    for number, (row, exported) in enumerate(zip(read[2:], original[1:], strict=True), start=1):
        # Column A numbers the rows; empty cells at the end of a row are not stored.
        assert row[0] == str(number)
        values = row[1:]
        assert values == exported[: len(values)]
        assert not any(exported[len(values) :])


def test_a_referral_made_in_haven_exports_as_a_code_and_imports_again(alice, carol):
    """The sender writes the reason in their own words; HTCDS's column takes a code. The
    export writes "Other" and keeps the words in the details, so the file imports again."""
    from haven.cases import referrals
    from haven.exchange.importer import import_bytes

    case = make_case(alice, consent=ALL_CONSENT)
    referrals.refer(
        case,
        actor=alice,
        to_organisation=carol.organisation,
        reason="Cần chỗ ở an toàn.",
        sections=["summary"],
        details="Gọi trước khi đến.",
    )
    text = "".join(views.export_csv(views.cases_for_export(alice.organisation)))
    header, row = list(csv.reader(io.StringIO(text)))
    exported = dict(zip(header, row, strict=True))
    assert exported["cas_ReasonForOutgoingReferral"] == "Other"
    assert exported["cas_OutgoingReferralDetails"] == "Cần chỗ ở an toàn.\nGọi trước khi đến."
    result = import_bytes(
        text.encode(), filename="a.csv", organisation=alice.organisation, actor=alice
    )
    assert result.problems == [] and result.written


@pytest.mark.parametrize("value", ["=1+1", "'=1", "-", "+84912345678", "@home", "Lan"])
def test_the_workbook_takes_the_csv_guard_off_and_puts_it_back(value):
    """Cells are text in the workbook (nothing runs), and reading it back gives the CSV the
    export wrote, guard included, so the importer's unguard returns the value typed."""
    from haven.lib.spreadsheets import SafeWriter, unguard

    buffer = io.StringIO()
    SafeWriter(buffer).writerows([["prs_FirstName"], [value]])
    book = xlsx.workbook_from_csv([buffer.getvalue()])
    sheet = load_workbook(io.BytesIO(book)).active
    assert sheet.cell(row=3, column=2).value == value
    back = list(csv.reader(io.StringIO(xlsx.csv_text_from_workbook(book))))
    assert unguard(back[2][1]) == value
