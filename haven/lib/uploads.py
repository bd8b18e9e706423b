"""Check an uploaded file by its content and return what may be stored: photos without metadata.

Only photos (re-encoded from their pixels, so EXIF with GPS, XMP, IPTC, ICC profiles and comments
are gone), PDF documents (rewritten without scripts, actions, embedded files or metadata), UTF-8
text and common sound recordings (without their tags) are accepted. The file's name
and declared content type are never consulted: both come from the uploader's device and may lie.
"""

import contextlib
import ctypes
import ctypes.util
import io
import re
import struct
from dataclasses import dataclass, field

import mutagen
import pikepdf
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
# Decoded pixels cost 3-4 bytes each: 16 million (a 16-megapixel photo; phones take 12 by
# default) is about 64 MB per image in a worker. Larger JPEGs are decoded at a reduced scale
# (the decoder's own DCT scaling, cheap); larger images of other formats are refused.
MAX_IMAGE_PIXELS = 16_000_000

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


def clean_upload(
    data: bytes, *, max_bytes: int = MAX_FILE_BYTES, max_pixels: int = MAX_IMAGE_PIXELS
) -> CleanFile:
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
        return _clean_image(data, image_format, max_pixels)
    if data.startswith(b"%PDF-"):
        return _clean_pdf(data)
    if audio := _audio_type(data):
        content_type, extension = audio
        # A video in an MP4 or WebM container still passes as sound.
        return CleanFile("audio", content_type, extension, _strip_audio_tags(data, extension))
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


def _clean_image(data: bytes, source_format: str, max_pixels: int) -> CleanFile:
    output_format, content_type, extension, options = IMAGE_OUTPUTS[source_format]
    try:
        # Opening reads only the header: the size is known before any pixel is decoded.
        with Image.open(io.BytesIO(data), formats=[source_format]) as image:
            width, height = image.size
            if width * height > max_pixels and source_format == "JPEG":
                # The decoder scales by 1/2, 1/4 or 1/8: ask for the first that fits.
                scale = next((k for k in (2, 4, 8) if width * height <= max_pixels * k * k), 8)
                image.draft(image.mode, (width // scale, height // scale))
                width, height = image.size
            if width * height > max_pixels:
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
        del pixels
        output = io.BytesIO()
        clean.save(output, format=output_format, **options)
        del clean
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
    finally:
        _give_memory_back()
    return CleanFile("image", content_type, extension, output.getvalue())


_libc = ctypes.CDLL(ctypes.util.find_library("c") or None)


def _give_memory_back() -> None:
    """Return freed pixel buffers to the system: glibc keeps them otherwise, and a worker that
    decoded a few large photos would stay hundreds of megabytes larger."""
    with contextlib.suppress(AttributeError):  # not glibc: nothing to do
        _libc.malloc_trim(0)


def _output_mode(image: Image.Image, output_format: str) -> str:
    if output_format != "JPEG" and image.has_transparency_data:
        return "RGBA"
    return image.mode if image.mode in KEPT_MODES[output_format] else "RGB"


# Keys that run something, carry another file or describe the document: removed wherever they
# are. /AA are "additional actions" (on open, close, print, page view, field change), /JS and
# /JavaScript scripts, /EF embedded file streams, /XFA forms with scripts, /Metadata XMP.
PDF_REMOVED_KEYS = {
    "/OpenAction",
    "/AA",
    "/JS",
    "/JavaScript",
    "/EmbeddedFiles",
    "/EF",
    "/XFA",
    "/RichMediaContent",
    "/Metadata",
    "/PieceInfo",
}
# Actions that stay inside the document; every other kind (Launch, URI, JavaScript, SubmitForm,
# ImportData, GoToR, GoToE, Rendition, ...) is removed.
PDF_SAFE_ACTIONS = {"/GoTo", "/Named"}


def _clean_pdf(data: bytes) -> CleanFile:
    # Readers accept the end-of-file marker anywhere in the last 1024 bytes; without it the
    # document was cut short.
    if b"%%EOF" not in data[-1024:]:
        raise _damaged_pdf()
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            _remove_active_content(pdf.trailer)
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            output = io.BytesIO()
            # Only objects still reachable are written: removed scripts and files are gone.
            pdf.save(output, fix_metadata_version=False, deterministic_id=True)
    except pikepdf.PasswordError:
        raise RejectedFile(
            _("This PDF document is protected by a password. Please send it without one.")
        ) from None
    except Exception as error:  # qpdf raises several kinds for damaged files
        raise _damaged_pdf() from error
    return CleanFile("pdf", "application/pdf", "pdf", output.getvalue())


def _damaged_pdf() -> RejectedFile:
    return RejectedFile(_("This PDF document could not be read. It may be damaged or incomplete."))


def _is_active_action(value) -> bool:
    return isinstance(value, pikepdf.Dictionary) and value.get("/S") not in PDF_SAFE_ACTIONS


def _remove_active_content(root) -> None:
    """Walk every object reachable from `root` (without recursion: nesting is the sender's
    choice) and remove scripts, actions that leave the document, files and metadata."""
    seen: set[tuple[int, int]] = set()
    pending = [root]
    while pending:
        item = pending.pop()
        if item.is_indirect:
            if item.objgen in seen:
                continue
            seen.add(item.objgen)
        if isinstance(item, pikepdf.Array):
            pending.extend(child for child in item if _is_container(child))
            continue
        for key in list(item.keys()):
            value = item[key]
            if key in PDF_REMOVED_KEYS or (key in ("/A", "/Next") and _is_active_action(value)):
                del item[key]
            elif _is_container(value):
                pending.append(value)


def _is_container(value) -> bool:
    return isinstance(value, pikepdf.Array | pikepdf.Dictionary | pikepdf.Stream)


def _strip_audio_tags(data: bytes, extension: str) -> bytes:
    """Remove tags (title, artist, recording device, place) from a sound recording."""
    if extension == "wav":
        return _wav_without_extra_chunks(data)
    buffer = io.BytesIO(data)
    # mutagen raises several kinds of errors for files it cannot follow: those keep going.
    with contextlib.suppress(Exception):
        recording = mutagen.File(buffer)
        if recording is not None and recording.tags:
            buffer.seek(0)
            recording.delete(buffer)
            return buffer.getvalue()
    return _without_id3v2(data)


def _without_id3v2(data: bytes) -> bytes:
    """Cut an ID3v2 tag off the front even when the frames after it are not readable."""
    if data[:3] != b"ID3" or len(data) < 10:
        return data
    size = 0
    for byte in data[6:10]:
        size = (size << 7) | (byte & 0x7F)
    footer = 10 if data[5] & 0x10 else 0
    tag_size = 10 + size + footer
    return data[tag_size:] if size else data


def _wav_without_extra_chunks(data: bytes) -> bytes:
    """Keep only the format and sound of a WAV file: LIST/INFO, id3 and other chunks go."""
    chunks, offset = [], 12
    while offset + 8 <= len(data):
        name = data[offset : offset + 4]
        (size,) = struct.unpack("<I", data[offset + 4 : offset + 8])
        end = offset + 8 + size + (size & 1)
        if name in (b"fmt ", b"data"):
            chunks.append(data[offset:end])
        offset = end
    body = b"WAVE" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


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
