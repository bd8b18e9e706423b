"""A Thai demo deployment (`haven seed_demo --country TH`): organisations and people of Thailand.

Used beside the Vietnamese demo by `make run-federation` and the live federation tests: two
deployments, each with its own database, exchanging cross-border referrals. Every organisation
here takes referrals from other countries, so each is in the signed directory peers read.
"""

from haven.accounts.models import OrganisationType
from haven.accounts.roles import Role
from haven.demo.personas import DemoOrganisation, Persona, create_demo_data

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


def create_thai_demo_data(password_for) -> dict[str, str]:
    """Create what is missing; return {username: password} for the accounts made now. Every
    Thai demo organisation accepts cross-border referrals."""
    return create_demo_data(password_for, ORGANISATIONS, PERSONAS, accepts_cross_border=True)
