"""The reporter's side: danger first, the form, the receipt, follow-up; no trace left."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection
from django_tasks_db.models import DBTaskResult
from PIL import Image

from haven.audit.models import Event
from haven.lib.public_forms import form_token
from haven.reports.models import Attachment, Message, Report, Status
from haven.reports.receipts import hash_receipt
from haven.reports.tests.helpers import DESCRIPTION, jpeg_with_gps, receipt_from, report_data

NEW = "/vi/report/new/"
FOLLOW_UP = "/vi/report/follow-up/"


@pytest.mark.django_db
class TestDangerFirst:
    def answer(self, client, path="/vi/report/", **data):
        return client.post(path, {"form_token": form_token(), **data})

    def test_danger_shows_who_to_call_before_the_form(self, client):
        response = self.answer(client, danger_now="yes", country="VN")
        html = response.content.decode()
        assert response["Cache-Control"] == "no-store"
        assert html.index('href="tel:111"') < html.index('name="description"')
        assert 'name="danger_now" id="id_danger_now" checked' in html

    def test_another_country_shows_its_numbers(self, client):
        html = self.answer(client, "/en/report/", danger_now="yes", country="TH").content.decode()
        assert 'href="tel:1300"' in html and 'href="tel:111"' not in html
        assert '<option value="TH" selected>' in html

    def test_a_vietnamese_person_in_thailand_sees_their_embassy_and_home_line(self, client):
        html = self.answer(
            client, "/vi/report/", danger_now="yes", country="TH", nationality="VN"
        ).content.decode()
        assert 'href="tel:191"' in html and 'href="tel:1300"' in html
        assert 'href="tel:+6622513552"' in html  # Viet Nam's embassy in Bangkok
        assert 'href="tel:+84981848484"' in html  # Viet Nam's citizen-protection line
        assert 'href="tel:+66991301300"' not in html  # Thailand's line for Thais abroad
        assert html.index('href="tel:+84981848484"') < html.index('name="description"')

    def test_the_nationality_starts_from_the_language(self, client):
        html = client.get("/vi/report/").content.decode()
        assert 'name="nationality"' in html and '<option value="VN" selected>' in html
        html = self.answer(client, "/en/report/", danger_now="yes", country="TH").content.decode()
        assert 'href="tel:191"' in html and 'href="tel:+84981848484"' not in html

    def test_no_danger_goes_straight_to_the_form(self, client):
        html = self.answer(client, danger_now="no", country="KH").content.decode()
        assert 'name="description"' in html and 'href="tel:' not in html
        assert '<option value="KH" selected>' in html

    def test_the_answer_never_appears_in_an_address(self, client):
        html = client.get("/vi/report/").content.decode()
        assert '<form method="post"' in html

    def test_an_unanswered_question_is_explained(self, client):
        response = self.answer(client, country="VN")
        assert response.status_code == 422 and 'name="danger_now"' in response.content.decode()

    def test_a_forged_answer_is_refused(self, client):
        assert client.post("/vi/report/", {"danger_now": "yes", "country": "VN"}).status_code == 403


@pytest.mark.django_db
class TestSubmit:
    def test_a_report_is_stored_and_a_receipt_shown_once(self, client, hotline):
        response = client.post(NEW, report_data())
        assert response.status_code == 201
        assert response["Cache-Control"] == "no-store"
        assert len(response.cookies) == 0
        receipt = receipt_from(response)
        report = Report.objects.get()
        assert report.receipt_hash == hash_receipt(receipt) and receipt not in report.receipt_hash
        assert report.description == DESCRIPTION and report.province == "Hà Nội"
        assert report.people_count == 5 and report.children_involved is None
        assert report.exploitation_types == ["ForcedLabour", "SexualExploitation"]
        assert list(report.recipients.all()) == [hotline] and report.status == Status.NEW
        event = Event.objects.get(action="report.received")
        assert event.actor_id is None and DESCRIPTION not in str(event.summary)

    def test_staff_are_told_that_a_report_arrived_but_not_what_it_says(self, client, run_jobs):
        client.post(NEW, report_data(danger_now="on"))
        assert mail.outbox == []  # not in the request: a job
        assert run_jobs() == 1
        [message] = mail.outbox
        assert message.subject.startswith("Khẩn:")  # in the deployment's language
        assert set(message.to) == {"alice@example.org", "bob@example.org"}
        text = message.subject + message.body
        for secret in (DESCRIPTION, "Hà Nội", "hôm qua", "5 cô gái"):
            assert secret not in text

    def test_a_mail_server_down_loses_nothing_and_logs_no_address(
        self, client, settings, caplog, run_jobs
    ):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
        assert client.post(NEW, report_data()).status_code == 201
        run_jobs()
        assert Report.objects.count() == 1
        assert "Job send_notification failed on attempt 1 (ConnectionRefusedError)" in caplog.text
        assert "@example.org" not in caplog.text and DESCRIPTION not in caplog.text
        failed, retry = DBTaskResult.objects.order_by("enqueued_at")
        assert failed.status == "FAILED" and retry.status == "READY"  # tried again later
        assert retry.args_kwargs["kwargs"]["attempt"] == 2
        assert "@example.org" not in failed.traceback

    def test_the_text_is_encrypted_in_the_database(self, client):
        client.post(NEW, report_data(contact="zalo 0912345678"))
        with connection.cursor() as cursor:
            cursor.execute('SELECT description, contact, province, "when" FROM reports_report')
            row = cursor.fetchone()
        assert all(value.startswith("hv1:") for value in row)
        assert DESCRIPTION not in str(row) and "0912345678" not in str(row)

    def test_a_photo_loses_its_location(self, client):
        photo = SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), content_type="image/jpeg")
        response = client.post(NEW, {**report_data(), "files": [photo]})
        assert response.status_code == 201
        attachment = Attachment.objects.get()
        stored = Image.open(io.BytesIO(attachment.data))
        assert attachment.content_type == "image/jpeg" and stored.size == (64, 48)
        assert not stored.getexif() and b"PhoneMaker" not in attachment.data

    def test_a_missing_description_is_explained_and_nothing_stored(self, client):
        response = client.post(NEW, report_data(description=""))
        assert response.status_code == 422
        html = response.content.decode()
        assert "Hãy kể điều đã xảy ra, dù chỉ vài chữ." in html  # in the user's language
        assert 'href="#id_description"' in html  # the error summary links to the field
        assert not Report.objects.exists()

    def test_a_bad_attachment_stops_the_whole_report(self, client):
        page = SimpleUploadedFile(
            "photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
        )
        response = client.post("/en/report/new/", {**report_data(), "files": [page]})
        assert response.status_code == 422
        assert "File 1: This kind of file is not accepted" in response.content.decode()
        assert not Report.objects.exists() and not Attachment.objects.exists()

    def test_too_many_files_are_refused(self, client, settings):
        settings.HAVEN_MAX_ATTACHMENTS = 1
        files = [
            SimpleUploadedFile(f"{n}.txt", b"notes", content_type="text/plain") for n in range(2)
        ]
        response = client.post("/en/report/new/", {**report_data(), "files": files})
        assert response.status_code == 422 and "at most 1 files" in response.content.decode()
        assert not Report.objects.exists()

    def test_a_database_failure_leaves_nothing_and_says_so(self, client):
        photo = SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")

        def fail_on_attachments(execute, sql, params, many, context):
            if "reports_attachment" in sql and sql.lstrip().upper().startswith("INSERT"):
                raise DatabaseError("disk full")
            return execute(sql, params, many, context)

        with connection.execute_wrapper(fail_on_attachments):
            response = client.post("/en/report/new/", {**report_data(), "files": [photo]})
        assert response.status_code == 503
        assert "nothing was stored" in response.content.decode()
        assert (
            not Report.objects.exists()
            and not Event.objects.filter(action="report.received").exists()
        )
        assert DESCRIPTION in response.content.decode()  # what they wrote is still in the form

    def test_a_forged_post_is_refused(self, client):
        assert client.post(NEW, report_data(form_token="forged")).status_code == 403
        response = client.post(NEW, report_data(), headers={"Sec-Fetch-Site": "cross-site"})
        assert response.status_code == 403
        response = client.post(NEW, report_data(), headers={"Origin": "https://evil.example"})
        assert response.status_code == 403
        assert not Report.objects.exists()

    def test_submissions_are_rate_limited(self, client, settings):
        settings.HAVEN_REPORTS_PER_HOUR = 2
        assert client.post(NEW, report_data()).status_code == 201
        assert client.post(NEW, report_data()).status_code == 201
        response = client.post(NEW, report_data())
        assert response.status_code == 429 and int(response["Retry-After"]) > 0
        assert Report.objects.count() == 2

    def test_a_country_without_receivers_goes_to_the_fallback(self, client, settings, carol):
        settings.HAVEN_REPORT_FALLBACK_ORGANISATION = "Shelter HN"
        client.post(NEW, report_data(country="MM"))
        assert [org.name for org in Report.objects.get().recipients.all()] == ["Shelter HN"]

    def test_a_report_nobody_receives_is_kept_and_the_administrators_told(
        self, client, hotline, run_jobs
    ):
        from haven.accounts.models import Organisation

        Organisation.objects.update(receives_public_reports=False)
        assert client.post(NEW, report_data()).status_code == 201
        run_jobs()
        assert Report.objects.get().recipients.count() == 0
        [message] = mail.outbox
        assert message.to == ["admin@example.org"] and DESCRIPTION not in message.body
        assert Event.objects.filter(action="report.unrouted").exists()

    def test_without_a_fallback_the_home_country_receives(self, client):
        client.post(NEW, report_data(country="LA"))
        assert [org.name for org in Report.objects.get().recipients.all()] == ["Hotline VN"]


@pytest.fixture
def filed(client):
    response = client.post(NEW, report_data())
    return Report.objects.get(), receipt_from(response)


@pytest.mark.django_db
class TestFollowUp:
    def open(self, client, receipt, **extra):
        return client.post(FOLLOW_UP, {"form_token": form_token(), "receipt": receipt, **extra})

    def test_the_receipt_opens_the_status_and_replies(self, client, filed, alice):
        report, receipt = filed
        Message.objects.create(
            report=report, author="staff", staff_user=alice, body="Chúng tôi đã nhận tin."
        )
        Message.objects.create(
            report=report, author="staff", staff_user=alice, body="internal-secret", internal=True
        )
        response = self.open(client, " ".join(receipt[i : i + 4] for i in range(0, 16, 4)))
        html = response.content.decode()
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        assert "Chúng tôi đã nhận tin." in html and "internal-secret" not in html
        assert "Nobody has read it yet" in html or "Chưa có ai đọc" in html

    def test_the_reporter_sees_no_internal_strings(self, client, filed, alice):
        import datetime as dt

        report, receipt = filed
        sent = dt.datetime(2026, 12, 4, 20, 30, tzinfo=dt.UTC)  # 5 December in Ha Noi
        for author, body in (("reporter", "Tôi gửi thêm."), ("staff", "Chúng tôi đã nhận tin.")):
            Message.objects.create(
                report=report, author=author, staff_user=alice, body=body, created=sent
            )
        html = self.open(client, receipt).content.decode()
        main = html[html.index("<main") : html.index("</main>")]
        assert report.reference not in html
        assert "reporter" not in main and "staff" not in main
        assert "2026-12-04" not in html and "2026-12-05" not in html
        assert 'class="messages"' not in html  # nothing leaks into the site-wide notices
        assert "<strong>Bạn</strong>" in main and "<strong>Cán bộ</strong>" in main
        assert "05/12/2026" in main  # the local date, as Vietnamese write it

    def test_the_reporter_sees_what_they_sent_in_words(self, client, filed):
        report, receipt = filed
        html = self.open(client, receipt).content.decode()
        main = html[html.index("<main") : html.index("</main>")]
        assert "Nội dung bạn đã gửi" in main
        assert DESCRIPTION in main and "Hà Nội" in main and "hôm qua" in main
        assert "Việt Nam" in main and "<dd>5</dd>" in main
        assert "Bị ép làm việc" in main  # the kind of exploitation, in words, not "ForcedLabour"
        assert "ForcedLabour" not in main and report.reference not in main
        assert "Bạn đã chọn giấu tên." in main
        assert "Chưa có ai đọc" in main  # the status, in words
        assert Event.objects.filter(action="report.reporter_opened").count() == 1

    def test_the_files_sent_are_listed_by_kind_and_size_never_by_name(self, client):
        photo = SimpleUploadedFile("ho-chieu-NguyenVanA.jpg", jpeg_with_gps(), "image/jpeg")
        receipt = receipt_from(client.post(NEW, report_data(files=[photo])))
        html = self.open(client, receipt).content.decode()
        assert "ảnh, 1 KB" in html and "NguyenVanA" not in html

    def test_a_file_alone_can_be_added(self, client, filed):
        report, receipt = filed
        note = SimpleUploadedFile("n.txt", "Biển số 51A".encode(), content_type="text/plain")
        response = self.open(client, receipt, body="", files=[note])
        assert response.status_code == 200
        assert report.messages.get().attachments.count() == 1
        assert "văn bản, 1 KB" in response.content.decode()

    def test_nothing_to_add_is_explained_in_the_users_language(self, client, filed):
        report, receipt = filed
        response = self.open(client, receipt, body="   ")
        html = response.content.decode()
        assert response.status_code == 422 and not report.messages.exists()
        assert "Có chỗ cần sửa" in html and 'href="#id_body"' in html
        assert "Hãy viết thêm điều gì đó hoặc gửi kèm một tệp." in html

    def test_adding_needs_the_form_token(self, client, filed):
        report, receipt = filed
        response = client.post(FOLLOW_UP, {"form_token": "forged", "receipt": receipt, "body": "x"})
        assert response.status_code == 403 and not report.messages.exists()

    def test_the_reporter_adds_information(self, client, filed):
        report, receipt = filed
        response = self.open(client, receipt, body="Thêm: họ chuyển đi tối nay.")
        assert response.status_code == 200
        message = report.messages.get()
        assert message.author == "reporter" and message.body == "Thêm: họ chuyển đi tối nay."
        assert Event.objects.filter(action="report.reporter_message").exists()

    def test_the_reporter_adds_a_file(self, client, filed):
        report, receipt = filed
        note = SimpleUploadedFile(
            "note.txt", "Biển số xe: 51A-123.45".encode(), content_type="text/plain"
        )
        response = self.open(client, receipt, body="Ảnh và ghi chú", files=[note])
        assert response.status_code == 200
        assert report.messages.get().attachments.get().data == "Biển số xe: 51A-123.45".encode()

    def test_a_bad_file_in_follow_up_is_explained(self, client, filed):
        report, receipt = filed
        bad = SimpleUploadedFile("x.txt", b"\x7fELF\x02\x01", content_type="text/plain")
        response = self.open(client, receipt, body="x", files=[bad])
        assert response.status_code == 422 and not report.messages.exists()

    @pytest.mark.parametrize("receipt", ["0000000000000000", "12345", "abcd efgh ijkl mnop", ""])
    def test_a_wrong_receipt_is_404_like_an_unknown_one(self, client, filed, receipt):
        response = self.open(client, receipt)
        assert response.status_code == 404
        assert "Không có báo tin nào" in response.content.decode()

    def test_wrong_receipts_are_slowed_then_refused(self, client, filed):
        _, receipt = filed
        for _ in range(3):
            assert self.open(client, "1111222233334444").status_code == 404
        response = self.open(client, receipt)  # even the right one must wait now
        assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 30

    def test_a_right_receipt_does_not_reset_the_count_of_wrong_ones(
        self, client, filed, monkeypatch
    ):
        from haven.reports import receipts

        monkeypatch.setitem(receipts.RECEIPT_LIMITS, "pause", 0)
        _, receipt = filed
        for _ in range(5):  # two guesses, then the right receipt, again and again
            self.open(client, "1111222233334444")
            self.open(client, "1111222233334445")
            self.open(client, receipt)
        assert self.open(client, receipt).status_code == 429

    def test_a_visitor_is_refused_after_ten_failures(self, client, filed, monkeypatch):
        from haven.reports import receipts

        monkeypatch.setitem(receipts.RECEIPT_LIMITS, "pause", 0)  # no waiting between tries
        _, receipt = filed
        for _ in range(10):
            assert self.open(client, "1111222233334444").status_code == 404
        response = self.open(client, receipt)
        assert response.status_code == 429 and int(response["Retry-After"]) == 3600


@pytest.mark.django_db
class TestLimits:
    def test_a_body_larger_than_every_allowed_file_is_refused_unread(self, client, settings):
        settings.HAVEN_MAX_ATTACHMENTS = 1
        settings.HAVEN_ATTACHMENT_MAX_MB = 1
        big = SimpleUploadedFile("big.txt", b"a" * (4 * 1024 * 1024), content_type="text/plain")
        response = client.post(NEW, {**report_data(), "files": [big]})
        assert response.status_code == 413
        assert not Report.objects.exists()

    def test_bad_posts_count_toward_the_limit(self, client, settings):
        settings.HAVEN_REPORTS_PER_HOUR = 2
        assert client.post(NEW, report_data(description="")).status_code == 422
        assert client.post(NEW, report_data(description="")).status_code == 422
        assert client.post(NEW, report_data()).status_code == 429

    def test_the_browser_is_asked_not_to_remember_the_answers(self, client):
        html = client.get(NEW).content.decode()
        for name in ("description", "province", "when", "contact"):
            assert f'name="{name}"' in html
        assert html.count('autocomplete="off"') >= 4
