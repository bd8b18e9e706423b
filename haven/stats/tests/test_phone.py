"""The public statistics page on a 360-pixel phone, in Chromium: no label cut, no table wider than
the screen unless it scrolls in its own box that the keyboard can reach, age bands in order,
numbers in the locale's format; axe-core finds nothing."""

import re

import pytest

from haven.reports.tests.test_browser import shoot
from haven.stats.tests.builders import add_victims
from haven.tests.test_browser import (  # noqa: F401 (fixtures)
    PHONE,
    assert_accessible,
    browser,
    personas,
)

pytestmark = pytest.mark.browser

OVERFLOW = """() => {
  const cut = [];
  for (const svg of document.querySelectorAll("svg.chart")) {
    const box = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll("text")) {
      const r = text.getBoundingClientRect();
      if (r.width && (r.left < box.left - 1 || r.right > box.right + 1)) cut.push(text.textContent);
    }
  }
  const tables = [];
  for (const table of document.querySelectorAll("main table")) {
    const holder = table.closest(".table-scroll");
    const fits = table.getBoundingClientRect().right <= document.documentElement.clientWidth;
    const scrolls = holder && holder.tabIndex === 0 && holder.getAttribute("role") === "region";
    if (!fits && !scrolls) tables.push(table.caption ? table.caption.textContent : "?");
  }
  // A caption as wide as a scrolling table would be cut: notes stand outside the table.
  for (const text of document.querySelectorAll("main caption:not(.visually-hidden), main p")) {
    if (text.getBoundingClientRect().right > document.documentElement.clientWidth + 1) cut.push(text.textContent);
  }
  return {cut, tables, page: document.documentElement.scrollWidth};
}"""


@pytest.mark.parametrize("language", ["vi", "en"])
def test_statistics_fit_a_phone(browser, live_server, personas, language):  # noqa: F811
    for age, count in ((30, 11), (15, 12), (19, 14), (45, 10)):
        add_victims("Hotline VN", count, age_when_trafficked=age)
    for citizenship, country in (("KH", "TH"), ("LA", "MY"), ("MM", "CN"), ("TH", "KR")):
        add_victims(
            "Shelter HN", 10, person={"citizenship": [citizenship]}, exploitation_country=country
        )
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/{language}/stats/")
    found = page.evaluate(OVERFLOW)
    assert found["cut"] == [] and found["tables"] == []
    assert found["page"] <= PHONE["width"]  # the page itself never scrolls sideways
    ages = page.locator("#agebroadatentry table tbody th").all_inner_texts()
    dash = "\u2013"
    assert ages == [f"9{dash}17", f"18{dash}20", f"30{dash}38", f"39{dash}47"]  # youngest first
    shares = page.locator("#gender table tbody td:nth-child(3)").all_inner_texts()
    mark = "," if language == "vi" else "."
    assert shares and all(
        re.fullmatch(rf"\d+{re.escape(mark)}\d\u00a0%", share) for share in shares
    )
    shoot(page, f"stats-{language}")
    assert_accessible(page)
