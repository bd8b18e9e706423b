"""Check an uploaded file by its content and return what may be stored: photos without metadata.

Only photos (re-encoded from their pixels, so EXIF with GPS, XMP, IPTC, ICC profiles and comments
are gone), PDF documents, UTF-8 text and common sound recordings are accepted. The file's name
and declared content type are never consulted: both come from the uploader's device and may lie.
"""

import contextlib
import io
import re
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, ImageOps


class RejectedFile(ValueError):
    """The message (str(error)) is for the person uploading, already translated with gettext."""


@dataclass(frozen=True)
class CleanFile:
    kind: str  # "image" | "pdf" | "text" | "audio"
    content_type: str
    extension: str
    # Left out of repr() so a logged CleanFile never carries what someone reported.
    data: bytes = field(repr=False)


MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 30_000_000

# Pillow format read → (format written, content type, extension, save options).
# GIF becomes PNG: the first frame is enough for evidence and PNG carries no comment blocks.
IMAGE_OUTPUTS = {
    "JPEG": ("JPEG", "image/jpeg", "jpg", {"quality": 85}),
    "PNG": ("PNG", "image/png", "png", {}),
    "WEBP": ("WEBP", "image/webp", "webp", {"quality": 85}),
    "GIF": ("PNG", "image/png", "png", {}),
}
# Modes each written format stores as they are; anything else becomes RGB (or RGBA). PNG keeps
# 16-bit grey because Pillow would clip it to white when converting.
KEPT_MODES = {"JPEG": {"L", "RGB"}, "PNG": {"1", "L", "I;16", "RGB"}, "WEBP": {"RGB"}}

MP4_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"mp42", b"isom", b"3gp4", b"3gp5"}
# Browsers that sniff content (old ones, or any when nosniff gets lost) render markup found near
# the start of a file, so text with HTML, XML or SVG tags there is refused. The tags are those
# of the WHATWG sniffing rules, plus a few that run code; "<3" and "x < 5" stay text.
MARKUP = re.compile(
    r"<(?:!doctype|\?xml|!--|(?:html|head|body|script|style|svg|iframe|object|embed|title|div"
    r"|table|font|h1|a|b|br|p)[\s/>])",
    re.IGNORECASE,
)
SNIFFED_CHARACTERS = 1445
# Control bytes other than tab, line feed and carriage return: binary files nearly always have
# some, so finding them first keeps the "save it as UTF-8" advice for files that are text.
CONTROL_BYTE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
C1_CONTROL_CHARACTER = re.compile("[\x80-\x9f]")


def clean_upload(data: bytes, *, max_bytes: int = MAX_FILE_BYTES) -> CleanFile:
    """Return the file to store, or raise RejectedFile saying why it cannot be accepted."""
    if not data:
        raise RejectedFile(_("The file is empty."))
    if len(data) > max_bytes:
        megabytes = round(max_bytes / (1024 * 1024), 1)
        limit = number_format(int(megabytes) if megabytes.is_integer() else megabytes)
        raise RejectedFile(
            _("The file is too large. Files can be up to %(limit)s MB.") % {"limit": limit}
        )
    if image_format := _image_format(data):
        return _clean_image(data, image_format)
    if data.startswith(b"%PDF-"):
        return _check_pdf(data)
    if audio := _audio_type(data):
        content_type, extension = audio
        # Kept as is: tags (ID3, MP4 and Vorbis comments) are not stripped, and a video in an
        # MP4 or WebM container passes as sound.
        return CleanFile("audio", content_type, extension, data)
    return _check_text(data)


def _not_accepted() -> RejectedFile:
    return RejectedFile(
        _(
            "This kind of file is not accepted. "
            "You can send photos, PDF documents, text files or sound recordings."
        )
    )


def _image_too_large() -> RejectedFile:
    return RejectedFile(
        _("This image is too large to process. Please send a smaller version of it.")
    )


def _image_format(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _clean_image(data: bytes, source_format: str) -> CleanFile:
    output_format, content_type, extension, options = IMAGE_OUTPUTS[source_format]
    try:
        # Opening reads only the header: the size is known before any pixel is decoded.
        with Image.open(io.BytesIO(data), formats=[source_format]) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _image_too_large()
            image.load()
            # Unreadable EXIF only costs the orientation: the pixels are fine, the EXIF goes.
            with contextlib.suppress(Exception):
                ImageOps.exif_transpose(image, in_place=True)
            pixels = image.convert(_output_mode(image, output_format))
        # A new image has pixels only: nothing from the original's info (EXIF, XMP, ICC
        # profile, comments, text chunks) can reach the encoder, which falls back on it.
        clean = Image.new(pixels.mode, pixels.size)
        clean.paste(pixels)
        output = io.BytesIO()
        clean.save(output, format=output_format, **options)
    except RejectedFile:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow refuses very large images itself, or warns, which is an error under some
        # warning filters (the tests' among them).
        raise _image_too_large() from None
    except Exception as error:
        # Damaged files make Pillow raise many kinds of errors; its own fuzzer catches Exception.
        raise RejectedFile(
            _("This image could not be read. It may be damaged or incomplete.")
        ) from error
    return CleanFile("image", content_type, extension, output.getvalue())


def _output_mode(image: Image.Image, output_format: str) -> str:
    if output_format != "JPEG" and image.has_transparency_data:
        return "RGBA"
    return image.mode if image.mode in KEPT_MODES[output_format] else "RGB"


def _check_pdf(data: bytes) -> CleanFile:
    # Readers accept the end-of-file marker anywhere in the last 1024 bytes; without it the
    # document was cut short.
    if b"%%EOF" not in data[-1024:]:
        raise RejectedFile(
            _("This PDF document could not be read. It may be damaged or incomplete.")
        )
    # Kept as is: PDF metadata (author, software, dates) is not stripped; the upload page warns.
    return CleanFile("pdf", "application/pdf", "pdf", data)


def _audio_type(data: bytes) -> tuple[str, str] | None:
    """The content type and extension of a sound recording, recognised by its first bytes."""
    if data[:3] == b"ID3" and data[3:4] in (b"\x02", b"\x03", b"\x04"):
        return "audio/mpeg", "mp3"
    if _is_mpeg_audio_frame(data[:4]):
        return "audio/mpeg", "mp3"
    if _is_adts_frame(data[:4]):
        return "audio/aac", "aac"
    if data[:5] == b"OggS\x00":
        return "audio/ogg", "ogg"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav", "wav"
    if data[4:8] == b"ftyp" and data[8:12] in MP4_AUDIO_BRANDS:
        return "audio/mp4", "m4a"
    if data.startswith(b"#!AMR\n"):
        return "audio/amr", "amr"
    if data.startswith(b"#!AMR-WB\n"):
        return "audio/amr-wb", "awb"
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "audio/webm", "webm"
    return None


def _is_mpeg_audio_frame(header: bytes) -> bool:
    """An MP3 frame header: the 11-bit sync, layer III, and no reserved or free-format field.

    The whole header is checked because the sync alone also matches other files: UTF-16 text
    starts with FF FE, which would be a valid layer I header.
    """
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return False
    version, layer = (header[1] >> 3) & 0b11, (header[1] >> 1) & 0b11
    bitrate, sample_rate = header[2] >> 4, (header[2] >> 2) & 0b11
    return version != 0b01 and layer == 0b01 and 0 < bitrate < 0b1111 and sample_rate != 0b11


def _is_adts_frame(header: bytes) -> bool:
    """The header of a raw AAC stream (ADTS): a 12-bit sync and the layer bits at zero."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xF6 != 0xF0:
        return False
    return (header[2] >> 2) & 0b1111 < 13  # sampling frequency index; 13 and up are reserved


def _check_text(data: bytes) -> CleanFile:
    if CONTROL_BYTE.search(data):
        raise _not_accepted()
    try:
        text = data.decode("utf-8")  # a byte order mark decodes to U+FEFF, which is fine
    except UnicodeDecodeError:
        raise RejectedFile(
            _(
                "This text file could not be read. Please save it with the UTF-8 encoding, "
                "or copy the text into the report instead."
            )
        ) from None
    start = text[:SNIFFED_CHARACTERS].lstrip("\ufeff \t\r\n")
    # Scripts starting with #! are refused; any other script is stored as harmless plain text.
    if start.startswith("#!") or MARKUP.search(start) or C1_CONTROL_CHARACTER.search(text):
        raise _not_accepted()
    return CleanFile("text", "text/plain; charset=utf-8", "txt", data)
