"""The site's upload handler: files stay in memory, a file over the limit arrives empty."""

import pytest
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import StopFutureHandlers
from django.test import RequestFactory, override_settings

from haven.lib.upload_handlers import MemoryOnlyUploadHandler, TooLargeFile

MB = 1024 * 1024


def receive(chunks: list[bytes]):
    handler = MemoryOnlyUploadHandler()
    with pytest.raises(StopFutureHandlers):  # no later handler may write the file to disk
        handler.new_file("attachment", "photo.jpg", "image/jpeg", None)
    for chunk in chunks:
        assert handler.receive_data_chunk(chunk, 0) is None
    return handler.file_complete(sum(len(chunk) for chunk in chunks))


def test_it_is_the_handler_of_every_request():
    request = RequestFactory().post("/", {"file": ""})
    assert [type(handler) for handler in request.upload_handlers] == [MemoryOnlyUploadHandler]
    assert settings.FILE_UPLOAD_HANDLERS == ["haven.lib.upload_handlers.MemoryOnlyUploadHandler"]


def test_it_keeps_a_file_in_memory():
    upload = receive([b"abc", b"def"])
    assert type(upload) is InMemoryUploadedFile
    assert upload.read() == b"abcdef" and upload.name == "photo.jpg"


@override_settings(HAVEN_ATTACHMENT_MAX_MB=1)
def test_a_file_over_the_limit_arrives_empty_and_marked():
    upload = receive([b"x" * MB, b"x"])
    assert isinstance(upload, TooLargeFile) and upload.too_large
    assert upload.read() == b""


@override_settings(HAVEN_MAX_ATTACHMENTS=2, HAVEN_ATTACHMENT_MAX_MB=1)
def test_a_body_larger_than_every_file_together_is_refused_before_reading():
    handler = MemoryOnlyUploadHandler()
    assert handler.handle_raw_input(None, {}, 4 * MB, b"boundary") is None
    with pytest.raises(RequestDataTooBig):
        handler.handle_raw_input(None, {}, 4 * MB + 1, b"boundary")
