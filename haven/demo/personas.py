"""The demo organisations and personas of DESIGN.md §4, shared by `haven seed_demo` and the tests."""

from dataclasses import dataclass

from django.db import transaction

from haven.accounts import services
from haven.accounts.models import Organisation, OrganisationType, User
from haven.accounts.roles import Role


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    org_type: str
    country: str
    receives_public_reports: bool


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    role: str
    organisation: str | None


ORGANISATIONS = [
    DemoOrganisation("hotline", "Hotline VN", OrganisationType.CENTRAL_GOVERNMENT, "VN", True),
    DemoOrganisation("shelter", "Shelter HN", OrganisationType.NGO, "VN", False),
    DemoOrganisation("ministry", "Ministry", OrganisationType.CENTRAL_GOVERNMENT, "VN", False),
    DemoOrganisation("outsider", "Outsider Org", OrganisationType.NGO, "VN", False),
]

PERSONAS = [
    Persona("alice", "Alice", "Nguyen", Role.CASE_MANAGER, "hotline"),
    Persona("bob", "Bob", "Tran", Role.FRONTLINE, "hotline"),
    Persona("oscar", "Oscar", "Le", Role.ORG_ADMIN, "hotline"),
    Persona("carol", "Carol", "Pham", Role.CASE_MANAGER, "shelter"),
    Persona("dave", "Dave", "Vu", Role.ANALYST, "ministry"),
    Persona("mallory", "Mallory", "Ho", Role.CASE_MANAGER, "outsider"),
    Persona("admin", "Admin", "", Role.SYSADMIN, None),
]


@transaction.atomic
def create_demo_data(
    password_for, organisations_list=None, personas=None, accepts_cross_border=False
) -> dict[str, str]:
    """Create what is missing; return {username: password} for the accounts made now.
    Another country's demo passes its own organisations and personas (haven.demo.thailand)."""
    organisations = {}
    for demo in organisations_list or ORGANISATIONS:
        organisation = Organisation.objects.filter(name=demo.name).first()
        if organisation is None:
            organisation = services.create_organisation(
                actor=None,
                name=demo.name,
                org_type=demo.org_type,
                country=demo.country,
                receives_public_reports=demo.receives_public_reports,
                **({"accepts_cross_border": True} if accepts_cross_border else {}),
            )
        organisations[demo.key] = organisation

    created = {}
    for persona in personas or PERSONAS:
        if User.objects.filter(username=persona.username).exists():
            continue
        password = password_for(persona.username)
        services.create_member(
            actor=None,
            organisation=organisations.get(persona.organisation),
            username=persona.username,
            role=persona.role,
            password=password,
            first_name=persona.first_name,
            last_name=persona.last_name,
            email=f"{persona.username}@example.org",
        )
        created[persona.username] = password
    return created
