"""Public dates: the Buddhist year in Thai, Django's own formats in every other language."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from haven.lib.dates import _with_year, public_date

DAY = datetime.date(2026, 12, 5)


def test_thai_long_dates_give_the_buddhist_year_and_the_gregorian_beside_it():
    with translation.override("th"):
        assert public_date(DAY) == "5 ธันวาคม 2569 (ค.ศ. 2026)"


def test_thai_short_dates_give_the_buddhist_year():
    with translation.override("th"):
        assert public_date(DAY, "short") == "5 ธ.ค. 2569"


@pytest.mark.parametrize("language", ["vi", "en", "km", "lo", "my", "id", "ms", "fil"])
@pytest.mark.parametrize(
    ("style", "name"), [("long", "DATE_FORMAT"), ("short", "SHORT_DATE_FORMAT")]
)
def test_other_languages_read_what_django_gives(language, style, name):
    with translation.override(language):
        assert public_date(DAY, style) == formats.date_format(DAY, name)
        assert "2569" not in public_date(DAY, style)


def test_a_datetime_is_shown_on_the_local_day(settings):
    settings.TIME_ZONE = "Asia/Bangkok"
    late = datetime.datetime(2026, 12, 31, 20, 0, tzinfo=datetime.UTC)  # 1 January 2027 in Bangkok
    with translation.override("th"):
        html = Template("{% load local_dates %}{{ at|public_date }}").render(Context({"at": late}))
    assert html == "1 มกราคม 2570 (ค.ศ. 2027)"


def test_the_filter_short_style_and_empty_values():
    template = Template(
        '{% load local_dates %}[{{ day|public_date:"short" }}][{{ none|public_date }}]'
    )
    with translation.override("th"):
        assert template.render(Context({"day": DAY, "none": None})) == "[5 ธ.ค. 2569][]"
    with translation.override("vi"):
        assert template.render(Context({"day": DAY, "none": None})) == "[05/12/2026][]"


def test_an_escaped_y_in_a_pattern_stays_a_letter():
    assert _with_year(r"j F Y \Y", 2569) == r"j F \2\5\6\9 \Y"
