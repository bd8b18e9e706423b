from datetime import timedelta

import pytest
from django.utils import timezone

from haven.accounts.models import Organisation, User
from haven.accounts.roles import Role
from haven.accounts.services import create_api_token
from haven.conftest import CONTENT
from haven.participation.content import load_commitments
from haven.participation.models import Commitment, Consultation


def auth(user):
    _, secret = create_api_token(user, actor=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def commitments(db, hotline):
    load_commitments(CONTENT / "commitments")
    Commitment.objects.filter(code__in=["bohol-a", "bohol-b"]).update(lead_organisation=hotline)
    return Commitment.objects


@pytest.fixture
def outsider_admin(db, outsider_org):
    """An organisation administrator of another organisation."""
    return User.objects.create_user(
        "olga", password="x-correct-horse-9", organisation=outsider_org, role=Role.ORG_ADMIN
    )


@pytest.fixture
def shelter_admin(db):
    """Shelter HN's administrator, with a second factor so that pages let them in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = User.objects.create_user(
        "sam",
        password="x-correct-horse-9",
        organisation=Organisation.objects.get(name="Shelter HN"),
        role=Role.ORG_ADMIN,
    )
    TOTPDevice.objects.create(user=user, name="phone", key="42" * 20, confirmed=True)
    return user


@pytest.fixture
def open_consultation(dave):
    today = timezone.localdate()
    return Consultation.objects.create(
        title="Draft national plan",
        summary="What we plan to do.",
        sections=[
            {"title": "Prevention", "body": "Awareness sessions in schools."},
            {"title": "Protection", "body": "One shelter in each province."},
        ],
        opens=today - timedelta(days=1),
        closes=today + timedelta(days=30),
        status="open",
        organisation=dave.organisation,
        created_by=dave,
    )
