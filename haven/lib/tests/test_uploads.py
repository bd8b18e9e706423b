import io
import struct
import wave
import zipfile

import pytest
from django.utils import translation
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from haven.lib.uploads import MAX_FILE_BYTES, CleanFile, RejectedFile, clean_upload

NOT_ACCEPTED = (
    "This kind of file is not accepted. "
    "You can send photos, PDF documents, text files or sound recordings."
)
DAMAGED_IMAGE = "This image could not be read. It may be damaged or incomplete."
TOO_LARGE_IMAGE = "This image is too large to process. Please send a smaller version of it."
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf'
    b'-syntax-ns#"><rdf:Description photoshop:City="Hai Phong"/></rdf:RDF></x:xmpmeta>'
)
# One empty page, written by hand (no cross-reference table: readers rebuild it).
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
    b"trailer << /Root 1 0 R >>\n"
    b"%%EOF\n"
)


@pytest.fixture(autouse=True)
def _english():
    """The messages are checked in English; the project's default language is Vietnamese."""
    with translation.override("en"):
        yield


def _camera_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "HavenTestMaker"  # Make
    exif[0x0110] = "HavenTestModel"  # Model
    exif[0x0132] = "2024:05:01 10:00:00"  # DateTime
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (20.0, 51.0, 54.0)
    gps[3], gps[4] = "E", (106.0, 41.0, 17.0)
    return exif


def _image_bytes(image: Image.Image, image_format: str, **options) -> bytes:
    output = io.BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue()


def _two_colour_photo(size=(40, 20)) -> Image.Image:
    """Red on the left half, blue on the right: enough to see which way it was turned."""
    image = Image.new("RGB", size, (220, 0, 0))
    image.paste((0, 0, 220), (size[0] // 2, 0, size[0], size[1]))
    return image


def _refusal(data: bytes, **options) -> str:
    with pytest.raises(RejectedFile) as caught:
        clean_upload(data, **options)
    return str(caught.value)


class TestImages:
    def test_it_strips_gps_camera_and_xmp_from_a_jpeg(self):
        icc_profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        original = _image_bytes(
            _two_colour_photo(),
            "JPEG",
            exif=_camera_exif(),
            xmp=XMP,
            icc_profile=icc_profile,
            comment=b"HavenTestComment",
        )
        assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # GPS really there

        clean = clean_upload(original)

        assert (clean.kind, clean.content_type, clean.extension) == ("image", "image/jpeg", "jpg")
        stored = Image.open(io.BytesIO(clean.data))
        assert stored.format == "JPEG" and stored.size == (40, 20)
        assert dict(stored.getexif()) == {}
        assert not {"exif", "xmp", "icc_profile", "comment"} & stored.info.keys()
        for leak in (b"Exif", b"HavenTest", b"xmpmeta", b"Hai Phong", b"ICC_PROFILE", b"2024:05"):
            assert leak not in clean.data

    def test_it_turns_a_photo_upright_before_dropping_the_orientation(self):
        original = _image_bytes(_two_colour_photo(), "JPEG", exif=_camera_exif(orientation=6))

        stored = Image.open(io.BytesIO(clean_upload(original).data))

        # Orientation 6 means "turn 90° clockwise to view": the left (red) half ends up on top.
        assert stored.size == (20, 40)
        assert dict(stored.getexif()) == {}
        top_red, _, top_blue = stored.getpixel((10, 5))
        bottom_red, _, bottom_blue = stored.getpixel((10, 35))
        assert top_red > 150 > top_blue and bottom_blue > 150 > bottom_red

    def test_it_keeps_only_the_first_picture_of_a_multi_picture_jpeg(self):
        # Phones store depth maps and extra exposures this way, each with metadata of its own.
        pictures = [Image.new("RGB", (30, 20), colour) for colour in ("red", "blue")]
        original = _image_bytes(
            pictures[0], "MPO", save_all=True, append_images=pictures[1:], exif=_camera_exif()
        )
        assert Image.open(io.BytesIO(original)).n_frames == 2

        stored = Image.open(io.BytesIO(clean_upload(original).data))

        assert stored.format == "JPEG" and getattr(stored, "n_frames", 1) == 1
        assert stored.getpixel((0, 0))[0] > 200 and dict(stored.getexif()) == {}

    def test_it_writes_cmyk_and_greyscale_jpegs_as_jpegs(self):
        for mode, stored_mode in (("CMYK", "RGB"), ("L", "L")):
            original = _image_bytes(Image.new(mode, (8, 8)), "JPEG", exif=_camera_exif())
            stored = Image.open(io.BytesIO(clean_upload(original).data))
            assert (stored.format, stored.mode) == ("JPEG", stored_mode)

    def test_it_strips_text_chunks_and_exif_from_a_png(self):
        info = PngInfo()
        info.add_text("Author", "HavenTestAuthor")
        info.add_text("Comment", "HavenTestZipped", zip=True)
        info.add_itxt("Description", "Hải Phòng HavenTestItxt", lang="vi", tkey="Mô tả")
        original = _image_bytes(
            Image.new("RGBA", (30, 10), (0, 128, 0, 100)), "PNG", pnginfo=info, exif=_camera_exif()
        )

        clean = clean_upload(original)

        assert (clean.kind, clean.content_type, clean.extension) == ("image", "image/png", "png")
        stored = Image.open(io.BytesIO(clean.data))
        assert (stored.size, stored.mode) == ((30, 10), "RGBA")
        assert stored.getpixel((0, 0)) == (0, 128, 0, 100)
        assert stored.text == {} and dict(stored.getexif()) == {}
        for chunk in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"HavenTest"):
            assert chunk not in clean.data

    def test_it_keeps_palette_transparency_and_16_bit_grey(self):
        palette = Image.new("P", (4, 4), 1)
        palette.putpalette([0, 0, 0, 255, 0, 0])
        stored = Image.open(
            io.BytesIO(clean_upload(_image_bytes(palette, "PNG", transparency=0)).data)
        )
        assert stored.mode == "RGBA" and stored.getpixel((0, 0)) == (255, 0, 0, 255)

        grey = Image.new("I;16", (4, 4), 40000)
        stored = Image.open(io.BytesIO(clean_upload(_image_bytes(grey, "PNG")).data))
        assert stored.mode == "I;16" and stored.getpixel((0, 0)) == 40000

    def test_it_strips_exif_and_xmp_from_a_webp(self):
        original = _image_bytes(
            _two_colour_photo(), "WEBP", exif=_camera_exif(orientation=6), xmp=XMP
        )
        assert b"EXIF" in original and b"XMP " in original

        clean = clean_upload(original)

        assert (clean.kind, clean.content_type, clean.extension) == ("image", "image/webp", "webp")
        stored = Image.open(io.BytesIO(clean.data))
        assert stored.format == "WEBP" and stored.size == (20, 40)
        assert dict(stored.getexif()) == {} and "xmp" not in stored.info
        for leak in (b"EXIF", b"XMP ", b"HavenTest", b"Hai Phong"):
            assert leak not in clean.data

    def test_it_turns_a_gif_into_a_png_of_its_first_frame(self):
        frames = [Image.new("P", (12, 6), colour) for colour in (1, 2)]
        for frame in frames:
            frame.putpalette([0, 0, 0, 255, 0, 0, 0, 0, 255])
        original = _image_bytes(
            frames[0], "GIF", save_all=True, append_images=frames[1:], comment=b"HavenTestGif"
        )

        clean = clean_upload(original)

        assert (clean.kind, clean.content_type, clean.extension) == ("image", "image/png", "png")
        stored = Image.open(io.BytesIO(clean.data))
        assert stored.format == "PNG" and stored.size == (12, 6)
        assert stored.convert("RGB").getpixel((0, 0)) == (255, 0, 0)
        assert b"HavenTestGif" not in clean.data

    @pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
    def test_it_accepts_a_photo_whose_exif_is_damaged(self):
        photo = _image_bytes(_two_colour_photo(), "JPEG")
        broken_exif = b"Exif\x00\x00II*\x00\xff\xff\xff\x7fHavenTestBroken"
        segment = b"\xff\xe1" + struct.pack(">H", len(broken_exif) + 2) + broken_exif
        clean = clean_upload(photo[:2] + segment + photo[2:])
        assert clean.kind == "image" and b"HavenTestBroken" not in clean.data

    def test_it_refuses_a_truncated_jpeg(self):
        photo = Image.effect_noise((200, 200), 60).convert("RGB")
        original = _image_bytes(photo, "JPEG")
        assert _refusal(original[: len(original) // 2]) == DAMAGED_IMAGE

    def test_it_refuses_an_image_signature_followed_by_rubbish(self):
        assert _refusal(b"\x89PNG\r\n\x1a\n" + b"rubbish" * 20) == DAMAGED_IMAGE
        assert _refusal(b"\xff\xd8\xff" + b"rubbish" * 20) == DAMAGED_IMAGE

    @pytest.mark.parametrize(
        ("mode", "size"),
        [
            ("L", (8000, 5001)),  # above Haven's limit, below Pillow's
            ("1", (10000, 10000)),  # where Pillow warns
            ("1", (20000, 20000)),  # where Pillow refuses
        ],
    )
    def test_it_refuses_a_decompression_bomb(self, mode, size):
        bomb = _image_bytes(Image.new(mode, size), "PNG")
        assert len(bomb) < 200_000
        assert _refusal(bomb) == TOO_LARGE_IMAGE

    @pytest.mark.parametrize(
        ("image_format", "mode"), [("TIFF", "RGB"), ("BMP", "RGB"), ("ICO", "RGBA")]
    )
    def test_it_refuses_other_image_formats(self, image_format, mode):
        image = Image.new(mode, (16, 16))
        assert _refusal(_image_bytes(image, image_format, exif=_camera_exif())) == NOT_ACCEPTED

    def test_it_refuses_svg_which_can_carry_scripts(self):
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        assert _refusal(svg) == NOT_ACCEPTED
        assert _refusal(b'<?xml version="1.0"?>\n' + svg) == NOT_ACCEPTED

    def test_it_refuses_heic(self):
        heic = struct.pack(">I", 24) + b"ftypheic" + b"\x00\x00\x00\x00mif1heic" + b"\x00" * 64
        assert _refusal(heic) == NOT_ACCEPTED


class TestDocuments:
    def test_it_rewrites_a_pdf_keeping_its_pages(self):
        import pikepdf

        cleaned = clean_upload(PDF)
        assert (cleaned.kind, cleaned.content_type, cleaned.extension) == (
            "pdf",
            "application/pdf",
            "pdf",
        )
        with pikepdf.open(io.BytesIO(cleaned.data)) as pdf:
            assert len(pdf.pages) == 1

    def test_it_refuses_a_pdf_that_was_cut_short(self):
        assert _refusal(PDF[:-7]) == (
            "This PDF document could not be read. It may be damaged or incomplete."
        )

    def test_it_keeps_vietnamese_text_unchanged(self):
        text = "Tôi bị giữ ở nhà máy ở Hải Phòng.\r\nXin hãy giúp đỡ!\tCảm ơn.\n".encode()
        assert clean_upload(text) == CleanFile("text", "text/plain; charset=utf-8", "txt", text)

    @pytest.mark.parametrize(
        "text", ["\ufeffTuổi của em < 18.", "<3 Em nhớ mẹ", "<<Quan trọng>> 3<5"]
    )
    def test_it_accepts_a_byte_order_mark_and_angle_brackets_that_are_not_markup(self, text):
        assert clean_upload(text.encode()).data == text.encode()

    def test_it_refuses_text_with_nul_or_control_characters(self):
        assert _refusal(b"hello\x00world") == NOT_ACCEPTED
        assert _refusal(b"hello \x1b[31mworld") == NOT_ACCEPTED
        assert _refusal("hello \x85 world".encode()) == NOT_ACCEPTED

    def test_it_refuses_text_that_is_not_utf_8(self):
        message = _refusal("Café à Hà Nội".encode("latin-1", errors="replace"))
        assert "UTF-8" in message and "copy the text into the report" in message
        assert _refusal("Xin chào".encode("utf-16")) == NOT_ACCEPTED  # it has NUL bytes

    @pytest.mark.parametrize(
        "markup",
        [
            b"<!DOCTYPE html><html><body>photo.jpg</body></html>",
            b"\n  <html><script>alert(1)</script></html>",
            b"\xef\xbb\xbf<script>alert(1)</script>",
            b"Look at this: <iframe src='https://example.org'></iframe>",
            b"<p>Hello</p>",
            b"<!-- comment --><x>",
        ],
    )
    def test_it_refuses_html(self, markup):
        assert _refusal(markup) == NOT_ACCEPTED

    def test_it_refuses_scripts_with_an_interpreter_line(self):
        assert _refusal(b"#!/bin/sh\nrm -rf ~\n") == NOT_ACCEPTED


class TestSoundRecordings:
    def test_it_accepts_a_wav_made_by_the_wave_module(self):
        output = io.BytesIO()
        with wave.open(output, "wb") as recording:
            recording.setnchannels(1)
            recording.setsampwidth(2)
            recording.setframerate(8000)
            recording.writeframes(b"\x00\x01" * 800)
        data = output.getvalue()
        assert clean_upload(data) == CleanFile("audio", "audio/wav", "wav", data)

    @pytest.mark.parametrize(
        ("data", "content_type", "extension"),
        [
            (b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x64", "audio/mpeg", "mp3"),
            (b"\xff\xfb\x90\x64" + b"\x00" * 413, "audio/mpeg", "mp3"),
            (b"\xff\xf1\x50\x80\x02\x1f\xfc" + b"\x00" * 9, "audio/aac", "aac"),
            (b"OggS\x00\x02" + b"\x00" * 22 + b"\x13OpusHead", "audio/ogg", "ogg"),
            (struct.pack(">I", 24) + b"ftypM4A \x00\x00\x00\x00M4A isom", "audio/mp4", "m4a"),
            (struct.pack(">I", 20) + b"ftyp3gp4\x00\x00\x00\x00" + b"3gp4", "audio/mp4", "m4a"),
            (b"#!AMR\n\x3c\x48\xf5\x1f", "audio/amr", "amr"),
            (b"#!AMR-WB\n\x04\x10\x20", "audio/amr-wb", "awb"),
            (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "audio/webm", "webm"),
        ],
    )
    def test_it_recognises_recordings_by_their_signature(self, data, content_type, extension):
        assert clean_upload(data) == CleanFile("audio", content_type, extension, data)

    def test_it_refuses_bytes_that_only_look_like_a_frame_sync(self):
        assert _refusal(b"\xff\xff\xff\xff" + b"\x00" * 16) == NOT_ACCEPTED  # reserved fields
        assert _refusal(b"\xff\xfe\x90\x64" + b"\x00" * 16) == NOT_ACCEPTED  # layer I
        assert _refusal(struct.pack(">I", 20) + b"ftypqt  \x00\x00\x00\x00qt  ") == NOT_ACCEPTED


class TestEverythingElse:
    def test_it_refuses_executables_and_archives(self):
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("word/document.xml", "<w:document/>")
        for data in (
            b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56,
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00",
            archive.getvalue(),
        ):
            assert _refusal(data) == NOT_ACCEPTED

    def test_it_refuses_an_empty_file(self):
        assert _refusal(b"") == "The file is empty."

    def test_it_refuses_a_file_over_the_limit_naming_it_in_megabytes(self):
        assert clean_upload(b"x" * 1024, max_bytes=1024).kind == "text"
        with translation.override("en"):
            message = _refusal(b"x" * (512 * 1024 + 1), max_bytes=512 * 1024)
            assert message == "The file is too large. Files can be up to 0.5 MB."
            assert _refusal(b"x" * (MAX_FILE_BYTES + 1)).endswith("up to 10 MB.")

    def test_the_limit_is_written_the_local_way(self):
        with translation.override("vi"):
            message = _refusal(b"x" * (1536 * 1024 + 1), max_bytes=1536 * 1024)
        assert "1,5" in message

    def test_a_clean_file_keeps_its_bytes_out_of_logs(self):
        assert "Hải Phòng" not in repr(clean_upload("Hải Phòng".encode()))


def _pdf_with_active_content() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    script = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('pwned')"))
    )
    pdf.Root.OpenAction = script
    pdf.Root.AA = pikepdf.Dictionary(WC=script)
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("run"), script])),
        EmbeddedFiles=pikepdf.Dictionary(
            Names=pikepdf.Array(
                [
                    pikepdf.String("payload.exe"),
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Filespec,
                        F=pikepdf.String("payload.exe"),
                        EF=pikepdf.Dictionary(F=pdf.make_stream(b"MZ-embedded-payload")),
                    ),
                ]
            )
        ),
    )
    page = pdf.pages[0]
    page.obj.AA = pikepdf.Dictionary(O=script)
    launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
    uri = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("http://tracker.example/x"))
    inside = pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=pikepdf.Array([page.obj, pikepdf.Name.Fit]))
    page.obj.Annots = pdf.make_indirect(
        pikepdf.Array(
            [
                pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, A=action)
                for action in (launch, uri, inside)
            ]
        )
    )
    pdf.docinfo["/Author"] = "Nguyen Van Secret"
    with pdf.open_metadata() as meta:
        meta["dc:creator"] = ["Nguyen Van Secret"]
    output = io.BytesIO()
    pdf.save(output, compress_streams=False)
    return output.getvalue()


class TestActiveContent:
    def test_it_removes_scripts_actions_files_and_metadata_from_a_pdf(self):
        import pikepdf

        original = _pdf_with_active_content()
        for marker in (b"app.alert", b"MZ-embedded-payload", b"cmd.exe", b"Secret"):
            assert marker in original
        cleaned = clean_upload(original)
        assert cleaned.kind == "pdf"
        for marker in (
            b"app.alert",
            b"/JavaScript",
            b"/OpenAction",
            b"MZ-embedded-payload",
            b"/Launch",
            b"cmd.exe",
            b"tracker.example",
            b"Secret",
            b"/Metadata",
        ):
            assert marker not in cleaned.data, marker
        with pikepdf.open(io.BytesIO(cleaned.data)) as pdf:
            assert len(pdf.pages) == 1
            assert "/AA" not in pdf.Root and "/AA" not in pdf.pages[0].obj
            actions = [annot.get("/A") for annot in pdf.pages[0].obj.Annots]
            # A link inside the document stays; the launch and the web address lost their action.
            assert [a.S if a is not None else None for a in actions] == [None, None, "/GoTo"]
            assert "/Info" not in pdf.trailer

    def test_it_refuses_a_pdf_with_a_password(self):
        import pikepdf

        pdf = pikepdf.new()
        pdf.add_blank_page()
        output = io.BytesIO()
        pdf.save(output, encryption=pikepdf.Encryption(user="secret", owner="secret"))
        assert "protected by a password" in _refusal(output.getvalue())

    @pytest.mark.parametrize(("depth", "accepted"), [(400, True), (50_000, False)])
    def test_deeply_nested_arrays_are_walked_or_refused_never_a_crash(self, depth, accepted):
        nested = b"[" * depth + b"]" * depth
        data = PDF.replace(b"/Count 1 >>", b"/Count 1 /Deep " + nested + b" >>")
        if accepted:
            assert clean_upload(data).kind == "pdf"
        else:  # qpdf stops parsing past its own nesting limit
            assert "could not be read" in _refusal(data)

    def test_it_removes_id3_tags_from_an_mp3(self):
        from mutagen.id3 import ID3, TIT2, TPE1

        frames = (b"\xff\xfb\x90\x64" + b"\x00" * 413) * 20
        tags = ID3()
        tags.add(TIT2(encoding=3, text="Secret Title"))
        tags.add(TPE1(encoding=3, text="Nguyen Van Secret"))
        buffer = io.BytesIO(frames)
        tags.save(buffer)
        data = buffer.getvalue()
        assert b"Secret" in data
        cleaned = clean_upload(data)
        assert cleaned.content_type == "audio/mpeg"
        assert b"Secret" not in cleaned.data and cleaned.data.endswith(frames[-400:])

    def test_it_removes_info_chunks_from_a_wav(self):
        output = io.BytesIO()
        with wave.open(output, "wb") as recording:
            recording.setnchannels(1)
            recording.setsampwidth(2)
            recording.setframerate(8000)
            recording.writeframes(b"\x00\x01" * 800)
        plain = output.getvalue()
        info = b"INFOINAM" + struct.pack("<I", 12) + b"Secret Name\x00"
        chunk = b"LIST" + struct.pack("<I", len(info)) + info
        body = plain[12:] + chunk
        tagged = b"RIFF" + struct.pack("<I", len(body) + 4) + b"WAVE" + body
        cleaned = clean_upload(tagged)
        assert b"Secret" not in cleaned.data
        assert cleaned.data == plain
        with wave.open(io.BytesIO(cleaned.data)) as recording:
            assert recording.getnframes() == 800


class TestLargeImages:
    def test_a_large_jpeg_is_decoded_at_a_reduced_scale(self):
        photo = _image_bytes(Image.new("RGB", (6000, 4000), (10, 120, 30)), "JPEG")
        cleaned = clean_upload(photo)
        with Image.open(io.BytesIO(cleaned.data)) as image:
            assert image.size == (3000, 2000)  # the decoder's 1/2 scale
            assert image.width * image.height <= 16_000_000

    def test_a_large_png_is_refused_before_decoding(self):
        png = _image_bytes(Image.new("1", (5470, 5470)), "PNG")
        assert len(png) < 200_000
        assert _refusal(png) == TOO_LARGE_IMAGE

    def test_an_image_under_the_cap_keeps_its_size(self):
        photo = _image_bytes(Image.new("RGB", (4000, 3000)), "JPEG")
        with Image.open(io.BytesIO(clean_upload(photo).data)) as image:
            assert image.size == (4000, 3000)
