"""An upload handler that keeps files in memory, up to a limit, and never writes them to disk."""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.utils.translation import gettext as _

from haven.lib.uploads import CleanFile, RejectedFile, clean_upload


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


class AttachmentError(ValueError):
    """Why the attachments were refused, for the person sending them; `number` counts from 1."""

    def __init__(self, message: str, number: int | None = None):
        super().__init__(message)
        self.number = number


def clean_attachments(uploads) -> list[CleanFile]:
    """Check every uploaded file (count, size, content); refuse them all if one is bad."""
    if len(uploads) > settings.HAVEN_MAX_ATTACHMENTS:
        raise AttachmentError(
            _("You can attach at most %(count)d files.") % {"count": settings.HAVEN_MAX_ATTACHMENTS}
        )
    cleaned = []
    for number, upload in enumerate(uploads, start=1):
        if isinstance(upload, TooLargeFile):
            raise AttachmentError(
                _("File %(number)d is larger than %(limit)d MB.")
                % {"number": number, "limit": settings.HAVEN_ATTACHMENT_MAX_MB},
                number,
            )
        try:
            data = upload.read()
            cleaned.append(
                clean_upload(data, max_bytes=settings.HAVEN_ATTACHMENT_MAX_MB * 1024 * 1024)
            )
        except RejectedFile as error:
            raise AttachmentError(
                _("File %(number)d: %(problem)s") % {"number": number, "problem": str(error)},
                number,
            ) from None
    return cleaned
