"""`haven seed_demo --country TH`: Thailand's demo organisations and people, in the directory."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from haven.accounts.models import Organisation, OrganisationType, User
from haven.accounts.roles import Role
from haven.cases.models import Case
from haven.federation.identity import directory

pytestmark = pytest.mark.django_db


def seed(*arguments) -> str:
    out = StringIO()
    call_command("seed_demo", *arguments, stdout=out)
    return out.getvalue()


def test_shelter_bkk_and_somchai_with_a_password_shown_once():
    printed = seed("--country", "TH")
    shelter = Organisation.objects.get(name="Shelter BKK")
    assert shelter.org_type == OrganisationType.NGO and str(shelter.country) == "TH"
    assert shelter.accepts_cross_border
    somchai = User.objects.get(username="somchai")
    assert somchai.role == Role.CASE_MANAGER and somchai.organisation == shelter
    password = re.search(r"somchai\s+\S+\s+(\S+)", printed).group(1)
    assert somchai.check_password(password)
    again = seed("--country", "TH")
    assert "already exist" in again and password not in again


def test_thai_organisations_are_in_the_signed_directory_and_no_case_is_made():
    cases = Case.objects.count()
    seed("--country", "TH")
    listed = {entry["name"]: entry for entry in directory()}
    assert {"Shelter BKK", "Hotline 1300 TH", "Shelter Chiang Mai"} <= set(listed)
    assert listed["Shelter BKK"]["type"] == OrganisationType.NGO
    assert listed["Shelter BKK"]["country"] == "TH"
    assert Case.objects.count() == cases


def test_people_only_makes_the_vietnamese_accounts_without_demo_cases():
    User.objects.filter(username="bob").delete()
    cases = Case.objects.count()
    printed = seed("--people-only")
    assert "bob" in printed and User.objects.filter(username="bob").exists()
    assert Case.objects.count() == cases
