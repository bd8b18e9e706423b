"""Help-lines for people abroad: the selector, the API, the help pages and the data file."""

import re
import shutil

import pytest
import yaml

from haven.conftest import CONTENT
from haven.hub.content import ASEAN, ContentError, load_content
from haven.hub.models import HelpLine
from haven.hub.selectors import lines_for

CITIZEN_PROTECTION = "+84 981 84 84 84"
THAIS_ABROAD = {"+66 99 130 1300", "+66 2 575 1047", "+66 2 572 8442"}
UNCONFIRMED = "Haven has not yet confirmed this number with an official source."


def numbers(lines) -> list[str]:
    return [line.number for line in lines]


@pytest.mark.django_db
class TestSelector:
    def test_a_vietnamese_person_in_thailand(self):
        selection = lines_for("TH", "VN")
        assert {"191", "1155", "1669", "1300"} <= set(numbers(selection.local))
        assert all(not line.nationalities for line in selection.local)
        assert [line.kind for line in selection.missions] == ["embassy", "consulate"]
        assert numbers(selection.missions)[0] == "+66 2 251 3552"
        assert selection.missions[1].text("city", "en") == "Khon Kaen"
        assert CITIZEN_PROTECTION in numbers(selection.home)
        assert not THAIS_ABROAD & set(numbers(selection.lines))  # lines for Thais abroad
        assert "+84 90 454 4800" not in numbers(selection.lines)  # Thailand's embassy in Hà Nội

    def test_in_danger_only_lines_with_a_number_and_no_labour_line(self):
        danger = lines_for("TH", "VN").for_danger()
        assert numbers(danger)[0] == "191" and "1300" in numbers(danger)
        assert "+66 2 251 3552" in numbers(danger) and CITIZEN_PROTECTION in numbers(danger)
        assert "" not in numbers(danger)  # the consulate in Khon Kaen has no confirmed number
        assert "6438 5122" not in numbers(lines_for("SG", "VN").for_danger())  # labour line

    def test_a_thai_person_at_home_gets_no_embassy_but_the_lines_for_family_abroad(self):
        selection = lines_for("TH", "TH")
        assert selection.missions == [] and not selection.abroad
        assert set(numbers(selection.home)) == THAIS_ABROAD
        assert not THAIS_ABROAD & set(numbers(selection.for_danger()))

    def test_a_thai_person_in_viet_nam(self):
        selection = lines_for("VN", "TH")
        assert numbers(selection.missions) == ["+84 90 454 4800"]
        assert set(numbers(selection.home)) == THAIS_ABROAD
        assert CITIZEN_PROTECTION not in numbers(selection.lines)

    def test_without_a_nationality_every_line_in_the_country_as_before(self):
        selection = lines_for("th")
        assert sorted(numbers(selection.lines)) == sorted(
            numbers(HelpLine.objects.filter(country="TH"))
        )
        assert CITIZEN_PROTECTION not in numbers(selection.lines)
        assert all(not line.nationalities for line in selection.local)
        assert numbers(selection.for_danger()) == ["191", "1155", "1669", "1300"]

    @pytest.mark.parametrize("code", [code for code in ASEAN if code != "VN"])
    def test_viet_nam_has_a_mission_in_every_other_member_state(self, code):
        selection = lines_for(code, "VN")
        assert any(line.kind == "embassy" for line in selection.missions), code
        assert CITIZEN_PROTECTION in numbers(selection.home)

    def test_tel_links_are_e164_or_short_codes(self):
        for line in HelpLine.objects.exclude(number=""):
            assert re.fullmatch(r"\+[1-9][0-9]{6,14}|[0-9]{3,6}", line.dial), line
        assert HelpLine.objects.get(number="03 8000 8000").dial == "+60380008000"
        assert HelpLine.objects.get(number="6435 0000").dial == "+6564350000"
        assert HelpLine.objects.get(number=CITIZEN_PROTECTION).dial == "+84981848484"


@pytest.mark.django_db
class TestApi:
    def test_lines_for_a_vietnamese_person_in_thailand(self, client):
        response = client.get("/api/v1/helplines", {"country": "TH", "for": "VN"})
        assert response.status_code == 200
        (country,) = response.json()["countries"]
        lines = country["lines"]
        assert country["code"] == "TH"
        groups = [line["group"] for line in lines]
        assert groups == sorted(groups, key=["local", "mission", "home"].index)
        embassy = next(line for line in lines if line["kind"] == "embassy")
        assert embassy["for"] == ["VN"] and embassy["country"] == "TH"
        assert embassy["dial"] == "+6622513552" and embassy["city"]["vi"] == "Băng Cốc"
        home = next(line for line in lines if line["number"] == CITIZEN_PROTECTION)
        assert home["country"] == "VN" and home["abroad"] is True and home["group"] == "home"
        assert home["verified"] is True and home["grade"] == "official"
        main = next(line for line in lines if line["number"] == "191")
        assert main["main"] is True and main["verified"] is True and main["sources"]
        assert not THAIS_ABROAD & {line["number"] for line in lines}

    def test_without_for_the_answer_is_as_before(self, client):
        lines = client.get("/api/v1/helplines", {"country": "TH"}).json()["countries"][0]["lines"]
        assert {line["country"] for line in lines} == {"TH"}
        assert {line["number"] for line in lines} >= THAIS_ABROAD

    @pytest.mark.parametrize("value", ["FR", "V", "", "VNM"])
    def test_a_bad_nationality_is_refused_naming_the_field(self, client, value):
        response = client.get("/api/v1/helplines", {"country": "TH", "for": value})
        assert response.status_code == 422
        assert [error["field"] for error in response.json()["errors"]] == ["for"]


@pytest.mark.django_db
class TestHelpPage:
    def test_vietnamese_readers_see_their_embassy_in_thailand(self, client):
        html = client.get("/vi/help/th/").content.decode()
        assert "Nếu bạn là người Việt Nam" in html
        assert "Đại sứ quán Việt Nam tại Thái Lan" in html and 'href="tel:+6622513552"' in html
        assert "Tổng Lãnh sự quán Việt Nam tại Khon Kaen" in html
        assert 'href="tel:+84981848484"' in html
        assert '<option value="VN" selected>' in html
        assert 'href="tel:+66991301300"' not in html
        assert html.index('href="tel:191"') < html.index('href="tel:+6622513552"')

    @pytest.mark.parametrize(
        ("path", "name"),
        [
            ("/th/help/th/", "ศูนย์ช่วยเหลือสังคม สายด่วน 1300"),
            ("/km/help/kh/", "ខ្សែជំនួយកុមារកម្ពុជា"),
            ("/lo/help/la/", "ສາຍດ່ວນໃຫ້ຄຳປຶກສາ ຂອງສະຫະພັນແມ່ຍິງລາວ"),
            ("/my/help/mm/", "မီးသတ်နှင့် အရေးပေါ်"),
            ("/id/help/id/", "SAPA 129 (Sahabat Perempuan dan Anak)"),
            ("/ms/help/my/", "Talian MAPO bagi pemerdagangan orang dan penyeludupan migran"),
            ("/fil/help/ph/", "1343 Actionline laban sa human trafficking"),
        ],
    )
    def test_each_country_names_its_lines_in_its_own_language(self, client, path, name):
        html = client.get(path).content.decode()
        assert name in html

    def test_the_nationality_can_be_changed_without_javascript(self, client):
        html = client.get("/vi/help/th/", {"for": "PH"}).content.decode()
        assert '<form method="get" action="#yours"' in html and 'name="for"' in html
        assert '<option value="PH" selected>' in html
        assert "Đại sứ quán Việt Nam tại Thái Lan" not in html
        assert 'href="tel:+6321348"' in html  # the Philippines' line for Filipinos abroad
        assert 'href="tel:191"' in html

    def test_an_english_reader_chooses_a_nationality_first(self, client):
        html = client.get("/en/help/th/").content.decode()
        assert "Choose your nationality" in html and "Embassy of Viet Nam" not in html
        html = client.get("/en/help/th/", {"for": "vn"}).content.decode()
        assert "If you are from Viet Nam" in html and "Embassy of Viet Nam in Thailand" in html

    def test_an_unknown_nationality_falls_back_to_the_language(self, client):
        html = client.get("/vi/help/th/", {"for": "FR"}).content.decode()
        assert '<option value="VN" selected>' in html

    def test_a_mission_without_a_number_points_to_the_citizen_protection_line(self, client):
        html = client.get("/en/help/id/", {"for": "VN"}).content.decode()
        embassy = html[html.index("Embassy of Viet Nam in Indonesia") :]
        embassy = embassy[: embassy.index("</li>")]
        assert "To reach it, call the citizen-protection line below." in embassy
        assert 'href="tel:' not in embassy

    def test_at_home_the_section_is_for_family_abroad(self, client):
        html = client.get("/vi/help/vn/").content.decode()
        assert "Nếu bạn hoặc người thân đang ở nước khác" in html
        assert 'href="tel:+84981848484"' in html


def main_lines():
    data = yaml.safe_load((CONTENT / "helplines.yaml").read_text())
    for country in data["countries"]:
        for line in country["lines"]:
            if line.get("main"):
                yield country["code"], line


class TestData:
    def test_every_country_has_a_main_emergency_number_and_none_is_unconfirmed(self):
        codes = set()
        for code, line in main_lines():
            codes.add(code)
            assert line["kind"] == "emergency", (code, line["number"])
            assert line["verified"] is True and line["sources"], (code, line["number"])
            assert line["grade"] in ("official", "secondary"), (code, line["number"])
        assert codes == set(ASEAN)

    # The language of the people most likely to call each country's lines (issue 15).
    OWN_LANGUAGE = {
        "BN": "ms", "KH": "km", "ID": "id", "LA": "lo", "MY": "ms", "MM": "my", "PH": "fil",
        "SG": "ms", "TH": "th", "VN": "vi",
    }  # fmt: skip

    def test_every_line_is_named_in_the_country_language_english_and_vietnamese(self):
        data = yaml.safe_load((CONTENT / "helplines.yaml").read_text(encoding="utf-8"))
        for country in data["countries"]:
            wanted = {"en", "vi", self.OWN_LANGUAGE[country["code"]]}
            for line in country["lines"]:
                assert wanted <= set(line["name"]), (country["code"], line["name"]["en"])

    def test_the_thai_embassy_in_viet_nam_is_named_in_thai(self):
        data = yaml.safe_load((CONTENT / "helplines.yaml").read_text(encoding="utf-8"))
        viet_nam = next(c for c in data["countries"] if c["code"] == "VN")
        embassy = next(line for line in viet_nam["lines"] if line.get("for") == ["TH"])
        assert embassy["name"]["th"].startswith("สถานเอกอัครราชทูต")

    def test_viet_nam_113_114_115_are_main(self):
        main = {line["number"] for code, line in main_lines() if code == "VN"}
        assert main == {"113", "114", "115"}


@pytest.mark.django_db
class TestMainNumbersOnThePages:
    @pytest.mark.parametrize("code", ASEAN)
    def test_no_main_number_is_shown_as_unconfirmed(self, client, code):
        html = client.get(f"/en/help/{code.lower()}/").content.decode()
        for line in HelpLine.objects.filter(country=code, main=True):
            item = html[html.index(f'id="line-{line.pk}"') :]
            item = item[: item.index("</li>")]
            assert UNCONFIRMED not in item and "Checked by Haven on" in item, line


@pytest.fixture
def content(tmp_path):
    """A copy of content/ that a test may change."""
    return shutil.copytree(CONTENT, tmp_path / "content")


@pytest.mark.django_db
class TestLoaderRefusals:
    def edit(self, content, change):
        path = content / "helplines.yaml"
        data = yaml.safe_load(path.read_text())
        thailand = next(country for country in data["countries"] if country["code"] == "TH")
        change(thailand["lines"])
        path.write_text(yaml.safe_dump(data, allow_unicode=True))

    def refused(self, content, change, message):
        before = HelpLine.objects.count()
        self.edit(content, change)
        with pytest.raises(ContentError, match=message):
            load_content(content)
        assert HelpLine.objects.count() == before

    def test_an_unknown_kind(self, content):
        def change(lines):
            lines[0]["kind"] = "hospital"

        self.refused(content, change, r"^helplines\.yaml: TH line 1: 'kind' must be one of")

    def test_a_nationality_that_is_not_asean(self, content):
        def change(lines):
            lines[-1]["for"] = ["FR"]

        self.refused(content, change, r"helplines\.yaml: TH line 9: 'for' must be a list of ASEAN")

    def test_an_embassy_for_nobody(self, content):
        def change(lines):
            del lines[-1]["for"]

        self.refused(content, change, r"TH line 9: 'for' must name the nationalities")

    def test_a_main_number_marked_unconfirmed(self, content):
        def change(lines):
            lines[0]["verified"] = False

        self.refused(content, change, r"TH line 1: 'verified' must be true on a main")

    def test_a_news_report_does_not_confirm_an_ordinary_line(self, content):
        def change(lines):
            lines[3].update(verified=True, verified_on=lines[0]["verified_on"])  # 1300

        self.refused(content, change, r"TH line 4: 'verified' needs grade: official")

    def test_an_abroad_line_under_another_state(self, content):
        def change(lines):
            lines[4]["for"] = ["VN"]  # +66 99 130 1300

        self.refused(content, change, r"TH line 5: 'abroad' lines are listed under their own")
