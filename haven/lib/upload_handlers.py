"""The upload handler the whole site uses: files stay in memory, up to a limit, never on disk.

settings.FILE_UPLOAD_HANDLERS names it. A file over HAVEN_ATTACHMENT_MAX_MB arrives as an empty
`TooLargeFile`, so the form can say which file was too large instead of failing the request.
"""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers


class TooLargeFile(InMemoryUploadedFile):
    """Stands in for a file that passed the size limit: its content was thrown away."""

    too_large = True


class MemoryOnlyUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Refuse a body larger than every allowed file together before reading any of it.
        limit = (
            (settings.HAVEN_MAX_ATTACHMENTS * settings.HAVEN_ATTACHMENT_MAX_MB + 2) * 1024 * 1024
        )
        if content_length and content_length > limit:
            raise RequestDataTooBig("The upload is larger than the attachments allowed.")
        return None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer, self.size, self.over = BytesIO(), 0, False
        raise StopFutureHandlers

    def receive_data_chunk(self, raw_data, start):
        self.size += len(raw_data)
        if self.size > settings.HAVEN_ATTACHMENT_MAX_MB * 1024 * 1024:
            self.over = True
            self.buffer = BytesIO()
        if not self.over:
            self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.buffer.seek(0)
        kind = TooLargeFile if self.over else InMemoryUploadedFile
        return kind(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
