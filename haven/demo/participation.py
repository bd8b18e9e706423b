"""Fictional progress reports on the real commitments, so that the public pages have a history.

Hotline VN (its administrator `oscar`) leads a few commitments and reports on them; `dave` at the
Ministry validates. Every narrative here is invented for the demonstration."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from haven.accounts.models import Organisation, User
from haven.demo.commitments import create_demo_commitments
from haven.participation.content import load_commitments
from haven.participation.models import Commitment, Consultation, Contribution, ProgressReport
from haven.participation.services import submit_progress, validate_progress

LED_BY_HOTLINE = ["actip-art-11", "actip-art-14-1", "bohol-a", "bohol-b", "apa-b"]
# (commitment, period, status, text, decision, reason)
HISTORY = [
    ("bohol-a", "2025-H1", "in_progress", "Demo: đã phát tờ rơi về lời mời làm việc lừa đảo ở hai "
     "tỉnh biên giới.", "validate", "Khớp với sổ phát tờ rơi."),
    ("bohol-a", "2025-H2", "in_progress", "Demo: nội dung tờ rơi được đọc trên loa phát thanh xã ở "
     "bốn huyện.", "validate", "Đã đối chiếu với lịch phát thanh."),
    ("bohol-a", "2026-H1", "ongoing", "Demo: Haven đã có công cụ kiểm tra lời mời làm việc.", "", ""),
    ("bohol-b", "2025-H2", "in_progress", "Demo: đã tập huấn cho nhân viên đường dây nóng về nhận diện nạn nhân.",
     "send_back", "Đề nghị ghi rõ số nhân viên đã được tập huấn."),
    ("bohol-b", "2026-H1", "in_progress", "Demo: đã tập huấn cho 24 nhân viên đường dây nóng về nhận diện "
     "nạn nhân.", "validate", "Đã có số liệu; khớp với danh sách điểm danh."),
    ("actip-art-14-1", "2025-H2", "completed", "Demo: bảng kiểm nhận diện nạn nhân của đường dây nóng "
     "theo đúng hướng dẫn quốc gia.", "validate", "Đã xem bảng kiểm."),
    ("apa-b", "2026-H1", "not_started", "Demo: đang lên kế hoạch lập danh bạ chuyển gửi.", "", ""),
]  # fmt: skip


VALUES = {
    ("bohol-a", "2025-H1"): {"people-reached": 850},
    ("bohol-a", "2025-H2"): {"people-reached": 2300},
    ("bohol-a", "2026-H1"): {"people-reached": 3100},
    ("bohol-b", "2026-H1"): {"staff-trained": 24},
}


@transaction.atomic
def create_demo_progress() -> int:
    """Load the commitments if needed, give Hotline VN its own, add the history once."""
    if not Commitment.objects.exists():
        load_commitments(Path(settings.BASE_DIR) / "content" / "commitments")
    if ProgressReport.objects.exists():
        return 0
    hotline = Organisation.objects.filter(name="Hotline VN").first()
    oscar = User.objects.filter(username="oscar").first()
    dave = User.objects.filter(username="dave").first()
    if hotline is None or oscar is None or dave is None:
        return 0
    Commitment.objects.filter(code__in=LED_BY_HOTLINE).update(lead_organisation=hotline)
    count = 0
    for code, period, status, text, decision, reason in HISTORY:
        commitment = Commitment.objects.filter(code=code).first()
        if commitment is None:
            continue
        values = VALUES.get((code, period), {})
        report = submit_progress(
            oscar, commitment, period=period, status=status, text=text, indicators=values
        )
        if decision:
            validate_progress(dave, report, decision=decision, reason=reason)
        count += 1
    create_demo_commitments(hotline, oscar, dave)
    return count


CONSULTATIONS = [
    {
        "title": "Demo: dự thảo kế hoạch của tỉnh về di cư an toàn",
        "summary": "Bản dự thảo hư cấu: tỉnh sẽ cảnh báo người dân về lời mời làm việc lừa đảo "
        "và giúp đỡ người trở về như thế nào.",
        "sections": [
            ("Thông tin", "Thông tin đến từng xã trước mùa thu hoạch."),
            ("Trở về", "Một bàn tiếp đón ở bến xe cho người từ nước ngoài trở về."),
            ("Báo cáo", "Mỗi năm báo cáo những việc đã làm."),
        ],
        "status": "open",
        "days": (-5, 40),
        "comments": [
            (1, "Đề nghị đọc thông tin trên loa phát thanh xã nữa, không chỉ dán áp phích.",
             "published"),
            (2, "Bàn tiếp đón nên mở cả buổi tối, lúc xe khách về đến bến.", "pending"),
        ],
        "amendment": (2, "Một bàn tiếp đón ở bến xe, mở cả buổi tối, cho người từ nước ngoài "
                      "trở về, có cán bộ xã hội nói được tiếng của họ.", ""),
        "response": "",
    },
    {
        "title": "Demo: dự thảo hướng dẫn chuyển gửi nạn nhân giữa các tỉnh",
        "summary": "Bản hướng dẫn hư cấu dành cho cán bộ quản lý ca.",
        "sections": [
            ("Ai gọi cho ai", "Cán bộ quản lý ca gọi đường dây nóng của tỉnh nhận."),
            ("Chia sẻ những gì", "Tóm tắt hồ sơ được chia sẻ với tổ chức nhận."),
        ],
        "status": "published",
        "days": (-90, -30),
        "comments": [(2, "Cần nói rõ: chính nạn nhân quyết định chia sẻ những gì.", "published")],
        "amendment": (2, "Tóm tắt hồ sơ chỉ được chia sẻ với tổ chức nhận khi "
                      "người đó đồng ý.", "partly_accepted"),
        "response": "Chúng tôi đã nghe ý kiến rằng sự đồng ý phải đặt lên đầu. Chúng tôi đã sửa mục 2: "
        "không chia sẻ gì khi người đó chưa đồng ý, trừ khi cần để cứu một mạng người.",
    },
]  # fmt: skip


def _demo_contributions(consultation, item, carol, alice) -> None:
    for section, body, moderation in item["comments"]:
        Contribution.objects.create(consultation=consultation, kind="comment", section=section,
                                    body=body, moderation=moderation)  # fmt: skip
    if carol is None:
        return
    section, body, answer = item["amendment"]
    proposal = Contribution.objects.create(
        consultation=consultation, kind="amendment", section=section, body=body,
        organisation=carol.organisation, author=carol, moderation="published", answer=answer,
        answer_reason="Demo: chấp nhận phần về sự đồng ý; nhưng khi tính mạng bị đe doạ thì cứu người trước." if answer else "",
    )  # fmt: skip
    if alice is not None:
        Contribution.objects.create(consultation=consultation, kind="support", section=section,
                                    proposal=proposal, organisation=alice.organisation,
                                    author=alice, moderation="published")  # fmt: skip


@transaction.atomic
def create_demo_consultations() -> int:
    """One open and one answered consultation from the Ministry, once."""
    dave = User.objects.filter(username="dave").first()
    if dave is None or Consultation.objects.exists():
        return 0
    carol = User.objects.filter(username="carol").first()
    alice = User.objects.filter(username="alice").first()
    today = timezone.localdate()
    for item in CONSULTATIONS:
        before, after = item["days"]
        consultation = Consultation.objects.create(
            title=item["title"],
            summary=item["summary"],
            sections=[{"title": title, "body": body} for title, body in item["sections"]],
            languages=["vi", "en"],
            opens=today + timedelta(days=before),
            closes=today + timedelta(days=after),
            status=item["status"],
            response=item["response"],
            organisation=dave.organisation,
            created_by=dave,
        )
        _demo_contributions(consultation, item, carol, alice)
    return len(CONSULTATIONS)
