"""An upload handler that keeps files in memory, up to a limit, and never writes them to disk."""

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers


class TooLargeFile(InMemoryUploadedFile):
    """Stands in for a file that passed the size limit: its content was thrown away."""

    too_large = True


class MemoryOnlyUploadHandler(FileUploadHandler):
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
