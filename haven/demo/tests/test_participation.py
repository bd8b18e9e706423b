import pytest

from haven.demo.participation import create_demo_consultations, create_demo_progress
from haven.participation.models import Consultation, ProgressReport


@pytest.mark.django_db
def test_the_demo_history_is_made_once_and_has_every_outcome():
    assert create_demo_progress() > 0
    assert create_demo_progress() == 0
    outcomes = set(ProgressReport.objects.values_list("validation", flat=True))
    assert outcomes == {"pending", "validated", "sent_back"}
    assert not ProgressReport.objects.filter(validated_by=models_user("oscar")).exists()
    assert create_demo_consultations() == 2 and create_demo_consultations() == 0
    assert set(Consultation.objects.values_list("status", flat=True)) == {"open", "published"}
    answered = Consultation.objects.get(status="published").contributions
    assert answered.filter(kind="amendment").exclude(answer="").count() == 1
    assert answered.filter(kind="support").count() == 1


def models_user(username):
    from haven.accounts.models import User

    return User.objects.get(username=username)


@pytest.mark.django_db
def test_the_demo_has_two_dozen_fictional_commitments_with_indicator_history():
    from haven.participation.models import Commitment, Meeting

    create_demo_progress()
    demo = Commitment.objects.filter(code__startswith="demo-vn-")
    assert demo.count() == 24
    assert all(c.title_en.startswith("Demo:") for c in demo)
    validated = ProgressReport.objects.filter(commitment__in=demo, validation="validated")
    assert validated.count() > 50
    assert all(r.indicators for r in validated)
    assert Meeting.objects.get().fictional
    assert Commitment.objects.filter(recommendation__isnull=False).count() == 2
