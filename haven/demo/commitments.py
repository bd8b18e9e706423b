"""Fictional commitments for the demo: two dozen Vietnamese actions with indicators and a history
of progress reports over four half-years, so that the pages per country, area and instrument have
charts. Every title starts with "Demo:"; every figure is invented."""

from pathlib import Path

from django.conf import settings

from haven.participation.content import load_commitments
from haven.participation.models import Commitment, Indicator, Instrument
from haven.participation.services import submit_progress, validate_progress

MEETINGS = Path(__file__).resolve().parent / "meetings"
PROVINCES = [("Lào Cai", "Lào Cai"), ("An Giang", "An Giang")]
PERIODS = ["2024-H2", "2025-H1", "2025-H2", "2026-H1"]
# (instrument, area, title en, title vi, indicator code, name en, name vi, unit en, unit vi,
#  baseline, target)
THEMES = [
    ("bohol", "prevention", "job-offer checks taught in schools", "dạy học sinh kiểm tra lời mời làm việc",
     "schools", "Schools reached", "Số trường được đến", "schools", "trường", 0, 60),
    ("bohol", "prevention", "safe-migration talks in villages", "nói chuyện di cư an toàn ở thôn bản",
     "villages", "Villages reached", "Số thôn bản được đến", "villages", "thôn", 5, 80),
    ("bohol", "prevention", "warnings on commune loudspeakers", "cảnh báo trên loa phát thanh xã",
     "broadcasts", "Broadcasts", "Số buổi phát thanh", "broadcasts", "buổi", 0, 200),
    ("bohol", "protection", "a reception desk for people coming home", "bàn tiếp đón người trở về",
     "people", "People received", "Số người được tiếp đón", "people", "người", 0, 150),
    ("bohol", "protection", "trained social workers at the border", "cán bộ xã hội được tập huấn ở biên giới",
     "trained", "Social workers trained", "Cán bộ xã hội được tập huấn", "people", "người", 2, 40),
    ("bohol", "protection", "safe rooms in the district shelter", "phòng an toàn ở nhà tạm lánh huyện",
     "rooms", "Safe rooms open", "Số phòng an toàn", "rooms", "phòng", 1, 8),
    ("bohol", "law_enforcement", "police trained to interview victims", "công an được tập huấn phỏng vấn nạn nhân",
     "officers", "Officers trained", "Cán bộ được tập huấn", "officers", "cán bộ", 0, 90),
    ("bohol", "law_enforcement", "cases referred within 48 hours", "chuyển gửi vụ việc trong 48 giờ",
     "within-48h", "Referrals within 48 hours", "Chuyển gửi trong 48 giờ", "%", "%", 35, 90),
    ("bohol", "cooperation", "a border liaison meeting every quarter", "họp liên lạc biên giới mỗi quý",
     "meetings", "Liaison meetings held", "Số cuộc họp liên lạc", "meetings", "cuộc họp", 0, 12),
    ("vn-programme", "protection", "calls to 111 answered in the province", "cuộc gọi 111 được trả lời ở tỉnh",
     "answered", "Calls answered", "Cuộc gọi được trả lời", "%", "%", 70, 98),
    ("vn-programme", "prevention", "commune officials briefed on the 2024 law", "cán bộ xã được phổ biến Luật năm 2024",
     "officials", "Officials briefed", "Cán bộ được phổ biến", "people", "người", 0, 300),
    ("vn-programme", "cooperation", "a provincial steering meeting each half-year", "họp ban chỉ đạo tỉnh mỗi sáu tháng",
     "steering", "Steering meetings", "Số cuộc họp chỉ đạo", "meetings", "cuộc họp", 0, 10),
]  # fmt: skip


def _status(value: int, goal: int, step: int, seed: int) -> str:
    """Made-up statuses, varied so that every status shows on the pages."""
    if value >= goal or (seed % 6 == 5 and step >= 2):
        return "completed"
    if seed % 8 == 7 and step == len(PERIODS) - 2:
        return "dropped"
    if step == 0 and seed % 4 == 0:
        return "not_started"
    return "ongoing" if seed % 3 == 1 else "in_progress"


def _value(baseline: int, target: int, step: int, seed: int) -> int:
    """A made-up value that climbs from the baseline toward the target, unevenly."""
    share = (step + 1) / (len(PERIODS) + 1) + ((seed * 7) % 5 - 2) / 40
    return round(baseline + (target - baseline) * max(0.05, min(share, 1.0)))


def create_demo_commitments(hotline, oscar, dave) -> int:
    """The demo meeting and 24 fictional commitments led by Hotline VN, with history; once."""
    load_commitments(Path(settings.BASE_DIR) / "content" / "commitments", MEETINGS)
    Commitment.objects.filter(code__startswith="demo-hanoi-").update(lead_organisation=hotline)
    if Commitment.objects.filter(code__startswith="demo-vn-").exists():
        return 0
    instruments = {i.slug: i for i in Instrument.objects.all()}
    made = 0
    for p, (province_en, province_vi) in enumerate(PROVINCES):
        for t, theme in enumerate(THEMES):
            slug, area, title_en, title_vi, code, name_en, name_vi, unit_en, unit_vi, base, goal = (
                theme
            )
            seed = p * len(THEMES) + t
            commitment = Commitment.objects.create(
                instrument=instruments[slug], code=f"demo-vn-{seed + 1:02d}",
                reference="Area " + "ABCD"[["prevention", "protection", "law_enforcement",
                                            "cooperation"].index(area)]
                if slug == "bohol" else "Objective 1",
                area=area, country="VN", lead_organisation=hotline, position=200 + seed,
                title_en=f"Demo: {title_en}, {province_en}",
                title_vi=f"Demo: {title_vi}, {province_vi}",
                summary_en="A fictional commitment for the demonstration.",
                summary_vi="Cam kết hư cấu để minh hoạ.",
                responsible_body=f"Demo: {province_en} provincial team",
            )  # fmt: skip
            Indicator.objects.create(
                commitment=commitment, code=code, name_en=name_en, name_vi=name_vi,
                unit_en=unit_en, unit_vi=unit_vi, baseline=base, target=goal,
            )  # fmt: skip
            _history(commitment, code, base, goal, seed, oscar, dave)
            made += 1
    return made


def _history(commitment, code, base, goal, seed, oscar, dave) -> None:
    # Later commitments started later; the newest period of every third one waits for dave,
    # and one in seven had a report sent back before a corrected one was validated.
    for step, period in enumerate(PERIODS[seed % 2 :], start=seed % 2):
        value = _value(base, goal, step, seed)
        status = _status(value, goal, step, seed)
        text = f"Demo: {value} ({period})."
        if step == 2 and seed % 7 == 3:
            first = submit_progress(oscar, commitment, period=period, status=status, text=text,
                                    indicators={code: value + 9})  # fmt: skip
            validate_progress(dave, first, decision="send_back",
                              reason="Demo: số liệu chưa khớp với sổ sách.")  # fmt: skip
        report = submit_progress(
            oscar, commitment, period=period, status=status, text=text, indicators={code: value}
        )
        if not (step == len(PERIODS) - 1 and seed % 3 == 0):
            validate_progress(dave, report, decision="validate", reason="Demo: đã đối chiếu.")
