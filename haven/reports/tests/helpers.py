"""Shared helpers for the reports tests: real images, forms as a browser sends them."""

import io
import re

from PIL import Image

from haven.lib.public_forms import form_token

DESCRIPTION = "Ở khu trọ số 7 có 5 cô gái bị giữ hộ chiếu và không được ra ngoài."


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (21.0, 1.0, 30.0)
    gps[3] = "E"
    gps[4] = (105.0, 51.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def report_data(**overrides) -> dict:
    data = {
        "form_token": form_token(),
        "description": DESCRIPTION,
        "country": "VN",
        "province": "Hà Nội",
        "when": "hôm qua",
        "people_count": "5",
        "children_involved": "unknown",
        "exploitation_types": ["ForcedLabour", "SexualExploitation"],
        "contact": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def receipt_from(response) -> str:
    match = re.search(r'id="receipt">([\d ]{19})<', response.content.decode())
    assert match, "no receipt on the page"
    return match.group(1).replace(" ", "")
