"""The path a person at risk takes, walked in real Chromium on a 360 x 740 phone in each language
added by issue 15 (vi and en have test_accessibility.py and the hub's browser flows): home, the
help page of the language's own country, what-is-trafficking, the self-check to a result, the job
check to a verdict, and a report to its receipt and follow-up page. Every page: `<html lang>`
right, axe-core without violations, no sideways scroll, no request to another origin.

One browser walks all seven languages and the test lists every problem by language and page. It
asserts no translated sentence: the catalogues are being translated while this test stands.
"""

# ruff: noqa: F811 (pytest fixtures imported by name)

import pytest

from haven.conftest import CONTENT
from haven.hub.content import load_content
from haven.tests.test_browser import PHONE, axe_violations, browser, personas, watch  # noqa: F401

pytestmark = pytest.mark.browser

# The country whose help page each language's reader most likely needs first: its own.
COUNTRY = {"th": "th", "km": "kh", "lo": "la", "my": "mm", "id": "id", "ms": "my", "fil": "ph"}

# A short job offer in each language, with the promises traffickers use (no fee, free travel).
OFFER = {
    "th": "รับสมัครด่วน งานง่าย เงินเดือนสูง ไม่ต้องมีประสบการณ์ บินฟรีไปกัมพูชา ไม่ต้องใช้วีซ่า",
    "km": "ត្រូវការបុគ្គលិកបន្ទាន់ ការងារស្រួល ប្រាក់ខែខ្ពស់ ធ្វើដំណើរទៅថៃដោយឥតគិតថ្លៃ",
    "lo": "ຮັບສະໝັກດ່ວນ ວຽກງ່າຍ ເງິນເດືອນສູງ ບໍ່ຕ້ອງມີປະສົບການ ໄປປະເທດໄທຟຣີ",
    "my": "အလုပ်အမြန်ခေါ်သည် အလုပ်လွယ် လစာကောင်း ထိုင်းနိုင်ငံသို့ အခမဲ့ ပို့ပေးမည်",
    "id": "Dicari segera, kerja mudah gaji tinggi di Malaysia, tanpa pengalaman, tiket gratis.",
    "ms": "Kerja kosong segera, gaji tinggi, tiket kapal terbang percuma, tiada visa diperlukan.",
    "fil": "Kailangan agad, madaling trabaho, malaking sahod sa abroad, libre ang pamasahe.",
}

# What happened, in the reader's language: three people locked in a workshop.
REPORT = {
    "th": "มีผู้หญิงสามคนถูกขังอยู่ในโรงงานเย็บผ้า",
    "km": "មានស្ត្រីបីនាក់ត្រូវបានចាក់សោទុកក្នុងរោងចក្រកាត់ដេរ",
    "lo": "ມີຜູ້ຍິງສາມຄົນຖືກຂັງຢູ່ໃນໂຮງງານຕັດຫຍິບ",
    "my": "အမျိုးသမီး သုံးဦးကို အထည်ချုပ်စက်ရုံထဲတွင် ပိတ်ထားသည်",
    "id": "Ada tiga perempuan dikurung di pabrik garmen.",
    "ms": "Ada tiga wanita dikurung di kilang pakaian.",
    "fil": "May tatlong babae na nakakulong sa pagawaan ng damit.",
}


def _check(page, language: str, problems: list[str]) -> None:
    where = f"{language} {page.url}"
    lang = page.evaluate("document.documentElement.lang")
    if lang != language:
        problems.append(f"{where}: <html lang={lang!r}>")
    if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
        problems.append(f"{where}: scrolls sideways")
    problems.extend(f"{where}: axe {violation}" for violation in axe_violations(page))


def _walk(page, base: str, language: str, problems: list[str]) -> None:
    for path in ("/", f"/help/{COUNTRY[language]}/", "/articles/what-is-trafficking/"):
        page.goto(base + path)
        _check(page, language, problems)
    page.goto(f"{base}/self-check/")
    _check(page, language, problems)
    for question in ("long_hours", "passport_kept"):
        page.check(f"input[name=q_{question}][value=yes]")
    page.click("main form.screening button[type=submit]")
    page.locator("#outcome").wait_for()
    _check(page, language, problems)
    page.goto(f"{base}/job-check/")
    page.fill("textarea[name=text]", OFFER[language])
    page.click("main button[type=submit]")
    page.locator("#result").wait_for()  # a verdict, or the note that English rules were used
    _check(page, language, problems)
    page.goto(f"{base}/report/")
    page.check("input[name=danger_now][value=no]")
    page.click("main button[type=submit]")
    page.locator("#step-where").wait_for()
    _check(page, language, problems)
    page.click("#step-where a.button")  # one step per screen on a phone
    page.fill("textarea[name=description]", REPORT[language])
    page.click("#step-what a.button")
    page.click("#step-who a.button")
    page.click("button.to-check")
    page.locator("button.send").wait_for()
    _check(page, language, problems)
    page.click("button.send")
    receipt = page.locator("#receipt").inner_text()
    _check(page, language, problems)
    page.goto(f"{base}/report/follow-up/")
    page.fill("input[name=receipt]", receipt)
    page.click("main button[type=submit]")
    page.locator("textarea[name=body]").wait_for()
    _check(page, language, problems)


def test_the_path_at_risk_in_every_new_language(browser, live_server, personas):
    from haven.reports.models import Report

    load_content(CONTENT)
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    problems = watch(page)  # console errors and requests to another origin, as they happen
    for language in COUNTRY:
        _walk(page, f"{live_server.url}/{language}", language, problems)
    assert problems == [], "\n".join(problems)
    # Each report keeps the language it was written in, for staff to see.
    assert sorted(Report.objects.values_list("language", flat=True)) == sorted(COUNTRY)
