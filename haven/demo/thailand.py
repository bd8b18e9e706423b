"""A Thai demo deployment (`haven seed_demo --country TH`): organisations and people of Thailand.

Used beside the Vietnamese demo by `make run-federation` and the live federation tests: two
deployments, each with its own database, exchanging cross-border referrals. Every organisation
here takes referrals from other countries, so each is in the signed directory peers read.
"""

from django.db import transaction

from haven.accounts import services
from haven.accounts.models import Organisation, OrganisationType, User
from haven.accounts.roles import Role
from haven.demo.personas import DemoOrganisation, Persona

ORGANISATIONS = [
    DemoOrganisation("shelter", "Shelter BKK", OrganisationType.NGO, "TH", False),
    DemoOrganisation("hotline", "Hotline 1300 TH", OrganisationType.CENTRAL_GOVERNMENT, "TH", True),
    DemoOrganisation("north", "Shelter Chiang Mai", OrganisationType.NGO, "TH", False),
]

PERSONAS = [
    Persona("somchai", "Somchai", "Srisuk", Role.CASE_MANAGER, "shelter"),
    Persona("malee", "Malee", "Chaiyaporn", Role.FRONTLINE, "shelter"),
    Persona("niran", "Niran", "Boonmee", Role.CASE_MANAGER, "north"),
    Persona("admin", "Admin", "", Role.SYSADMIN, None),
]


@transaction.atomic
def create_thai_demo_data(password_for) -> dict[str, str]:
    """Create what is missing; return {username: password} for the accounts made now."""
    organisations = {}
    for demo in ORGANISATIONS:
        organisation = Organisation.objects.filter(name=demo.name).first()
        if organisation is None:
            organisation = services.create_organisation(
                actor=None,
                name=demo.name,
                org_type=demo.org_type,
                country=demo.country,
                receives_public_reports=demo.receives_public_reports,
                accepts_cross_border=True,
            )
        organisations[demo.key] = organisation
    created = {}
    for persona in PERSONAS:
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
