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
