"""Attachments to an anonymous report: how many, how large, and what is inside each."""

from django.conf import settings
from django.utils.translation import gettext as _

from haven.lib.upload_handlers import TooLargeFile
from haven.lib.uploads import CleanFile, RejectedFile, clean_upload


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
