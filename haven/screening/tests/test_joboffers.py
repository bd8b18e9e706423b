"""The job-offer check: folding, quoting, the rules files, and its figures on our own texts."""

import re
import shutil
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from haven.screening.joboffers import check_job_offer, load_rule_sets, parse_rules
from haven.screening.questionnaires import QuestionnaireError
from haven.screening.tests.jobtexts import corpus, job_texts, measure

ROOT = Path(settings.BASE_DIR) / "content" / "screening"


def codes(check) -> list[str]:
    return [flag.code for flag in check.flags]


class TestMatching:
    def test_it_matches_with_and_without_diacritics(self):
        with_marks = check_job_offer("Việc nhẹ lương cao, bao vé máy bay đi Campuchia", "vi")
        without = check_job_offer("viec nhe luong cao, bao ve may bay di campuchia", "vi")
        assert codes(with_marks) == codes(without)
        assert {"easy_money", "travel_paid", "scam_destination"} <= set(codes(without))

    def test_it_quotes_the_words_as_written(self):
        check = check_job_offer("Công ty sẽ GIỮ HỘ  HỘ\nCHIẾU của bạn", "vi")
        (flag,) = [flag for flag in check.flags if flag.code == "documents_held"]
        assert flag.evidence == ("GIỮ HỘ  HỘ\nCHIẾU",)

    def test_d_with_stroke_folds_to_d(self):
        assert "secrecy" in codes(check_job_offer("dung noi voi ai nhe", "vi"))
        assert "secrecy" in codes(check_job_offer("Đừng nói với ai nhé", "vi"))

    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("Hộ chiếu công ty giữ hộ cho an toàn.", "documents_held"),
            ("ho chieu cong ty giu ho", "documents_held"),
            ("Tuyển gấp, nhắn ngay kẻo hết suất!", "pressure"),
            ("Passport will be kept by the company for safety.", "documents_held"),
            ("Message now before the slots run out!", "pressure"),
        ],
    )
    def test_common_phrasings_are_not_missed(self, text, code):
        check = check_job_offer(
            text, "vi" if "Passport" not in text and "Message" not in text else "en"
        )
        assert code in codes(check) and check.risk in ("medium", "high")

    def test_both_together_are_high(self):
        check = check_job_offer("Tuyển gấp, nhắn ngay kẻo hết suất. Hộ chiếu công ty giữ hộ.", "vi")
        assert check.risk == "high"

    def test_keeping_your_own_passport_is_no_flag(self):
        assert "documents_held" not in codes(check_job_offer("Hộ chiếu bạn tự giữ.", "vi"))

    def test_whole_words_only(self):
        # "lao động" (labour) folds to "lao dong"; only Laos the country is a destination.
        assert "scam_destination" not in codes(check_job_offer("đi lao động ở Nhật", "vi"))
        assert "scam_destination" in codes(check_job_offer("đi làm ở Lào", "vi"))
        assert "chat_only" not in codes(check_job_offer("Ibuprofen và thuốc", "vi"))

    def test_negations_the_rules_know(self):
        assert "fees_debt" not in codes(check_job_offer("không mất phí môi giới", "vi"))
        assert "documents_held" not in codes(check_job_offer("tự giữ hộ chiếu", "vi"))
        assert "documents_held" not in codes(check_job_offer("Keep your passport yourself", "en"))

    def test_each_flag_once_with_its_message_in_the_language_asked(self):
        text = "Free flights! Free tickets! Cambodia. Telegram."
        check = check_job_offer(text, "vi", rule_languages=("vi", "en"))
        assert len(codes(check)) == len(set(codes(check)))
        (flag,) = [flag for flag in check.flags if flag.code == "travel_paid"]
        assert flag.message.startswith("Bên tuyển dụng") and len(flag.evidence) == 2

    @pytest.mark.parametrize(
        ("text", "risk"),
        [
            ("Nhà hàng tuyển phục vụ, lương 5 triệu, có hợp đồng.", "low"),
            ("Tuyển nhân viên, không cần kinh nghiệm, liên hệ Zalo.", "medium"),
            ("Bao vé máy bay đi Campuchia, không cần visa.", "high"),
        ],
    )
    def test_the_weights_make_the_level(self, text, risk):
        check = check_job_offer(text, "vi")
        assert check.risk == risk and check.advice

    def test_a_very_long_text_is_cut_not_refused(self):
        check = check_job_offer("bình thường " * 5000 + "giữ hộ chiếu", "vi")
        assert check.risk == "low"


class TestThaiAndIndonesian:
    def test_thai_patterns_match_inside_unspaced_text(self):
        check = check_job_offer("รับสมัครด่วนทำงานสบายรายได้ดีที่กัมพูชาบินฟรี", "th")
        assert {"pressure", "easy_money", "scam_destination", "travel_paid"} <= set(codes(check))
        assert check.risk == "high" and check.rules_language == "th"
        flag = next(f for f in check.flags if f.code == "scam_destination")
        assert flag.evidence == ("กัมพูชา",) and flag.message.startswith("ปลายทาง")

    def test_thai_patterns_are_written_not_to_match_inside_other_words(self):
        # "ลาว" (Laos) is inside "เวลาว่าง" (free time); "line" inside "online".
        assert "scam_destination" not in codes(check_job_offer("ทำงานช่วงเวลาว่าง", "th"))
        assert "scam_destination" in codes(check_job_offer("ไปทำงานที่ลาว", "th"))
        assert "chat_only" not in codes(check_job_offer("สมัคร online ได้", "th"))
        assert "chat_only" in codes(check_job_offer("ติดต่อ LINE @job", "th"))
        assert "high_pay" not in codes(check_job_offer("เงินเดือน 12,000 บาท", "th"))
        assert "high_pay" in codes(check_job_offer("เงินเดือน 45,000 บาท", "th"))

    def test_thai_negations(self):
        assert "documents_held" not in codes(check_job_offer("นายจ้างไม่เก็บพาสปอร์ต", "th"))
        assert "documents_held" in codes(check_job_offer("นายจ้างเก็บพาสปอร์ตไว้ให้", "th"))

    def test_indonesian_matches_whole_words(self):
        check = check_job_offer(
            "Kerja di Kamboja, tiket gratis, paspor ditahan agen. Chat WA", "id"
        )
        assert {"scam_destination", "travel_paid", "documents_held", "chat_only"} <= set(
            codes(check)
        )
        assert check.risk == "high"
        assert "chat_only" not in codes(check_job_offer("Kami warga Bandung", "id"))
        assert "documents_held" not in codes(check_job_offer("paspor dipegang sendiri", "id"))

    @pytest.mark.parametrize("lang", ["km", "lo", "my", "ms", "fil"])
    def test_other_languages_read_the_english_rules(self, lang):
        check = check_job_offer("easy money in Cambodia, free flights", lang)
        assert check.rules_language == "en" and check.risk == "high"
        assert check.flags[0].message == "Promises of easy money for light work"


class TestTheRulesFiles:
    def test_every_language_with_a_file_loads_with_the_same_codes(self):
        sets = load_rule_sets()
        assert set(sets) == {"vi", "en", "th", "id"}
        for language in ("en", "th", "id"):
            assert {r.code for r in sets[language].rules} == {r.code for r in sets["vi"].rules}

    def test_whole_words_must_be_true_or_false(self, copy):
        path = copy / "job-offers" / "th.yaml"
        self.edit(path, lambda d: d.update(whole_words="no"))
        with pytest.raises(QuestionnaireError, match=re.escape("th.yaml: 'whole_words'")):
            parse_rules(path)

    @pytest.fixture
    def copy(self, tmp_path):
        target = tmp_path / "screening"
        shutil.copytree(ROOT, target)
        return target

    def edit(self, path, change):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    def test_a_bad_pattern_is_refused_by_file_and_flag(self, copy):
        path = copy / "job-offers" / "vi.yaml"
        self.edit(path, lambda d: d["flags"][0]["patterns"].append("(unclosed"))
        with pytest.raises(
            QuestionnaireError, match=r"vi.yaml, flag easy_money: pattern '\(unclosed'"
        ):
            parse_rules(path)

    def test_a_bad_weight_is_refused(self, copy):
        path = copy / "job-offers" / "en.yaml"
        self.edit(path, lambda d: d["flags"][1].update(weight=9))
        with pytest.raises(QuestionnaireError, match=re.escape("en.yaml, flag high_pay: 'weight'")):
            parse_rules(path)

    def test_a_code_missing_in_the_other_language_is_refused(self, copy):
        path = copy / "job-offers" / "en.yaml"
        self.edit(path, lambda d: d["flags"].pop())
        with pytest.raises(
            QuestionnaireError, match=re.escape("vi.yaml, flag task_scam: has no message in en")
        ):
            load_rule_sets(copy)

    def test_thresholds_must_make_sense(self, copy):
        path = copy / "job-offers" / "vi.yaml"
        self.edit(path, lambda d: d.update(risk={"high": 2, "medium": 3}))
        with pytest.raises(QuestionnaireError, match=re.escape("vi.yaml: 'risk'")):
            parse_rules(path)


class TestOnOurOwnTexts:
    def test_there_are_enough_in_both_languages_both_kinds(self):
        texts = job_texts()
        assert len(texts) >= 30
        for lang in ("vi", "en"):
            for scam in (True, False):
                assert sum(t["lang"] == lang and t["scam"] == scam for t in texts) >= 8

    def test_precision_and_recall_of_high_stay_above_the_floor(self):
        figures = measure()
        assert figures.precision >= 0.9, figures.false_alarms
        assert figures.recall >= 0.8, figures.misses

    def test_no_honest_offer_is_rated_high(self):
        assert measure().false_alarms == []


class TestOnTheCorpus:
    """The corpus of content/screening/job-offer-corpus: rules are tuned on `dev` only."""

    def test_it_is_large_enough_and_split_without_overlap(self):
        dev, held_out = corpus("dev"), corpus("held-out")
        every = dev + held_out
        assert sum(t["lang"] == "vi" for t in every) >= 80
        assert sum(t["lang"] == "en" for t in every) >= 40
        assert len({t["id"] for t in every}) == len(every)
        assert not {t["text"] for t in dev} & {t["text"] for t in held_out}
        for lang in ("vi", "en"):
            for scam in (True, False):
                assert sum(t["lang"] == lang and t["scam"] == scam for t in held_out) >= 8

    def test_thai_and_indonesian_are_large_enough(self):
        dev, held_out = corpus("dev"), corpus("held-out")
        for lang in ("th", "id"):
            assert sum(t["lang"] == lang for t in dev + held_out) >= 40
            for scam in (True, False):
                assert sum(t["lang"] == lang and t["scam"] == scam for t in held_out) >= 8
            assert {"labour", "scam_compound", "marriage", "study"} <= {
                t["pattern"] for t in held_out if t["lang"] == lang and t["scam"]
            }

    def test_it_has_the_phrasings_people_really_write(self):
        texts = [t["text"] for t in corpus("dev") + corpus("held-out")]
        assert any("hộ chiếu công ty giữ hộ" in text.lower() for text in texts)
        assert any("ho chieu cong ty giu ho" in text for text in texts)  # no diacritics
        assert any("zalo" in text.lower() and "ib" in text.lower().split() for text in texts)
        assert {"labour", "scam_compound", "marriage", "study"} <= {
            t["pattern"] for t in corpus("held-out") if t["scam"]
        }

    def test_precision_and_recall_of_high_on_the_held_out_set_stay_above_the_floor(self):
        # Measured when the set was frozen: precision 1.00, recall 0.77 (0.67 before tuning).
        for lang, recall in (("vi", 0.75), ("en", 0.65), (None, 0.75)):
            figures = measure([t for t in corpus("held-out") if lang in (None, t["lang"])])
            assert figures.precision >= 0.95, (lang, figures.false_alarms)
            assert figures.recall >= recall, (lang, figures.misses)

    @pytest.mark.parametrize("lang", ["th", "id"])
    def test_thai_and_indonesian_on_their_held_out_texts(self, lang):
        # Measured once, after the rules were written on `dev` only: th 9/9 scams high and
        # 0/8 honest offers high, id the same (precision 1.00, recall 1.00). The floors allow
        # one miss in nine and no false alarm.
        figures = measure([t for t in corpus("held-out") if t["lang"] == lang])
        assert figures.scams == 9 and figures.texts == 17
        assert figures.precision >= 0.95, figures.false_alarms
        assert figures.recall >= 0.85, figures.misses

    def test_the_development_set_is_all_caught(self):
        figures = measure(corpus("dev"))
        assert (figures.misses, figures.false_alarms) == ([], [])

    @pytest.mark.parametrize(
        ("text", "lang", "code"),
        [
            ("Bao đỗ visa 100%, chỉ đóng 8000 euro phí trước", "vi", "visa_guaranteed"),
            ("lay chong han quoc mien phi", "vi", "marriage_brokering"),
            ("Muốn nhận nhiệm vụ lớn phải nạp trước 2 triệu", "vi", "task_scam"),
            ("Muốn nhận nhiệm vụ lớn phải nạp trước 2 triệu", "vi", "fees_debt"),
            ("Chi phí trọn gói 300tr", "vi", "fees_debt"),
            ("Enter on a visit visa, we convert it later", "en", "irregular_route"),
            ("Korean husbands looking for Vietnamese brides", "en", "marriage_brokering"),
        ],
    )
    def test_phrasings_learnt_from_the_development_set(self, text, lang, code):
        assert code in codes(check_job_offer(text, lang))

    def test_an_honest_fee_below_a_hundred_million_is_no_flag(self):
        assert "fees_debt" not in codes(check_job_offer("Chi phí 15 triệu, có hóa đơn", "vi"))
