"""The demo personas of DESIGN.md §4: made once, in their organisations, with their roles."""

import pytest

from haven.accounts.models import Organisation, User
from haven.demo.personas import ORGANISATIONS, PERSONAS, create_demo_data

pytestmark = pytest.mark.django_db


def test_every_persona_exists_with_its_role_and_organisation():
    names = {demo.key: demo.name for demo in ORGANISATIONS}
    for persona in PERSONAS:
        user = User.objects.select_related("organisation").get(username=persona.username)
        assert user.role == persona.role
        if persona.organisation is None:
            assert user.organisation is None
        else:
            assert user.organisation.name == names[persona.organisation]


def test_a_second_run_makes_nothing_and_asks_for_no_password():
    asked = []
    before = (Organisation.objects.count(), User.objects.count())
    assert create_demo_data(asked.append) == {}
    assert asked == []
    assert (Organisation.objects.count(), User.objects.count()) == before


def test_a_missing_persona_is_made_again_with_a_new_password():
    User.objects.filter(username="bob").delete()
    created = create_demo_data(lambda username: f"new-password-for-{username}-0")
    assert created == {"bob": "new-password-for-bob-0"}
    bob = User.objects.get(username="bob")
    assert bob.check_password("new-password-for-bob-0")
    assert bob.organisation.name == "Hotline VN"
