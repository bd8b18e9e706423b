"""HTCDS exchange vocabulary: the columns of the CSV and the keys of the JSON, and the results.

One `Column` per HTCDS field (or Haven extension) says where the value lives in the models and
what kind of value it is; `values` writes and reads values by kind. The export and
import modules share these tables, so the two directions cannot drift apart. The formats are
described in docs/exchange.md.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _

from haven.cases import htcds
from haven.cases.models import ConsentItem, ParticipantRole, Risk, ServiceOutcome


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    DATETIME = "datetime"
    BOOL = "bool"
    INT = "int"
    CHOICE = "choice"
    MULTI = "multi"
    COUNTRY = "country"
    COUNTRIES = "countries"
    PHONE = "phone"
    EMAIL = "email"
    LANGUAGE = "language"
    LATITUDE = "latitude"
    LONGITUDE = "longitude"
    LOCATION = "location"  # "CC" or "CC: place", into <field>_country and <field>_place
    MEMBER = "member"  # a username of the importing organisation
    ORGANISATION = "organisation"  # an organisation's name in this Haven


@dataclass(frozen=True)
class Column:
    name: str  # HTCDS system name, or a Haven extension named in the same style
    part: str  # case, person, victim (also per_ fields), consent, key, event, service
    field: str  # the model field (for a location: the prefix of its two fields)
    kind: Kind = Kind.TEXT
    choices: type | None = None
    limit: int | None = None  # longest text, or largest number
    required: bool = False  # JSON children: the value must be given


def _c(name, part, field_name, kind=Kind.TEXT, choices=None, limit=None, required=False):
    return Column(name, part, field_name, kind, choices, limit, required)


# The 38 CORE columns of the HTCDS 2.0 Excel templates, in their order. Two names differ from the
# templates' row 1, on purpose: the template misspells `vic_TraffickinStatusDecisionMakingOrg`
# (we write the ODS spelling, and read both), and leaves "Reason for Outgoing Referral" without
# a name (we write `cas_ReasonForOutgoingReferral`, the ODS name, and read a blank there too).
CORE_COLUMNS = (
    _c("cas_CaseOwner", "case", "case_worker", Kind.MEMBER),
    _c("prs_Salutation", "person", "salutation", limit=100),
    _c("prs_FirstName", "person", "first_name", limit=200),
    _c("prs_SecondName", "person", "second_name", limit=200),
    _c("con_Consent", "consent", "consent", Kind.BOOL),
    _c("prs_Birthdate", "person", "birthdate", Kind.DATE),
    _c("prs_Gender", "person", "gender", Kind.CHOICE, htcds.Gender),
    _c("prs_Citizenship", "person", "citizenship", Kind.COUNTRIES),
    _c("prs_Title", "person", "title", limit=200),
    _c("prs_Email", "person", "email", Kind.EMAIL),
    _c("prs_HomePhone", "person", "home_phone", Kind.PHONE),
    _c("prs_MobilePhone", "person", "mobile_phone", Kind.PHONE),
    _c("prs_MailingCity", "person", "mailing_city", limit=200),
    _c("prs_MailingCountry", "person", "mailing_country", Kind.COUNTRY),
    _c("prs_MailingState", "person", "mailing_state", limit=200),
    _c("prs_MailingStreet", "person", "mailing_street", limit=500),
    _c("prs_MailingPostalCode", "person", "mailing_postal_code", limit=40),
    _c(
        "vic_TraffickingStatus",
        "victim",
        "trafficking_status",
        Kind.CHOICE,
        htcds.TraffickingStatus,
    ),
    _c(
        "vic_TraffickingStatusDecisionMakingOrg",
        "victim",
        "status_decided_by",
        Kind.CHOICE,
        htcds.DecisionMaker,
    ),
    _c(
        "vic_MethodOfRecruitment",
        "victim",
        "recruitment_methods",
        Kind.MULTI,
        htcds.RecruitmentMethod,
    ),
    _c("vic_LocationOfRecruitment", "victim", "recruitment", Kind.LOCATION, limit=200),
    _c("vic_MethodsOfControl", "victim", "control_methods", Kind.MULTI, htcds.ControlMethod),
    _c(
        "vic_TypeOfExploitation", "victim", "exploitation_types", Kind.MULTI, htcds.ExploitationType
    ),
    _c("vic_ForcedLabourIndustry", "victim", "industries", Kind.MULTI, htcds.Industry),
    _c(
        "vic_TypeOfSexExploitation",
        "victim",
        "sex_exploitation_types",
        Kind.MULTI,
        htcds.SexExploitationType,
    ),
    _c("vic_LocationOfExploitation", "victim", "exploitation", Kind.LOCATION, limit=200),
    _c("cas_Status", "case", "status", Kind.CHOICE, htcds.CaseStatus),
    _c("cas_ReferringOrganisation", "case", "referring_organisation", limit=200),
    _c("cas_IncomingReferralDate", "case", "incoming_referral_date", Kind.DATE),
    _c("cas_ReferringPrimaryCaseWorker", "case", "referring_case_worker", limit=200),
    _c(
        "cas_ReasonForIncomingReferral",
        "case",
        "incoming_referral_reason",
        Kind.CHOICE,
        htcds.ReferralReason,
    ),
    _c("cas_IncomingReferralDetails", "case", "incoming_referral_details"),
    _c("cas_ReferredOrganisation", "case", "external_referred_organisation", limit=200),
    _c("cas_ReferredPrimaryCaseWorker", "case", "external_referred_case_worker", limit=200),
    _c(
        "cas_ReasonForOutgoingReferral",
        "case",
        "external_referral_reason",
        Kind.CHOICE,
        htcds.ReferralReason,
    ),
    _c("cas_OutgoingReferralDate", "case", "external_referral_date", Kind.DATE),
    _c("cas_OutgoingReferralDetails", "case", "external_referral_details"),
    _c("cas_ReasonForCaseClosure", "case", "closure_reason"),
)

# Written after the 38 in every CSV, extended or not: HTCDS leaves the middle name out of CORE,
# but a Vietnamese name is rarely whole without it ("Nguyễn Thị Lan"). Optional on import.
NAME_COLUMNS = (_c("prs_MiddleName", "person", "middle_name", limit=200),)

# Haven's extension columns, written after the 38 with `extended`: with `cas_Reference`, the rows
# of one case come back together on import; the rest carry the non-core HTCDS fields.
EXTENDED_COLUMNS = (
    _c("cas_Reference", "key", "reference", limit=40),
    _c("cas_OpenedDate", "case", "opened", Kind.DATE),
    _c("cas_ClosedDate", "case", "closed", Kind.DATE),
    _c("cas_Country", "case", "country", Kind.COUNTRY),
    _c("cas_Risk", "case", "risk", Kind.CHOICE, Risk),
    _c("prs_Deceased", "person", "deceased", Kind.BOOL),
    _c("prs_MaritalStatus", "person", "marital_status", Kind.CHOICE, htcds.MaritalStatus),
    _c("prs_NumberOfChildren", "person", "number_of_children", Kind.INT, limit=40),
    _c("prs_PrimaryLanguage", "person", "primary_language", Kind.LANGUAGE),
    _c("prs_SecondaryLanguage", "person", "secondary_language", Kind.LANGUAGE),
    _c("prs_HighestLevelOfEducation", "person", "education", Kind.CHOICE, htcds.Education),
    _c("prs_IdentityNumber", "person", "identity_number", limit=100),
    _c("prs_MailingLatitude", "person", "mailing_latitude", Kind.LATITUDE),
    _c("prs_MailingLongitude", "person", "mailing_longitude", Kind.LONGITUDE),
    _c(
        "vic_RelationshipToTrafficker",
        "victim",
        "relationship_to_trafficker",
        Kind.CHOICE,
        htcds.Relationship,
    ),
    _c("vic_AgeWhenTrafficked", "victim", "age_when_trafficked", Kind.INT, limit=120),
    _c(
        "vic_RecruitmentWebsitesAndApps",
        "victim",
        "recruitment_apps",
        Kind.MULTI,
        htcds.WebsiteOrApp,
    ),
    _c(
        "vic_ExploitationWebsitesAndApps",
        "victim",
        "exploitation_apps",
        Kind.MULTI,
        htcds.WebsiteOrApp,
    ),
    _c("vic_Vulnerabilities", "victim", "vulnerabilities", Kind.MULTI, htcds.Vulnerability),
    _c("vic_DetailsOfVulnerabilities", "victim", "vulnerability_details"),
    _c("vic_ExploitationStartDate", "victim", "exploitation_began", Kind.DATE),
    _c("vic_ExploitationEndDate", "victim", "exploitation_ended", Kind.DATE),
    _c("vic_RegistrationDate", "victim", "registered", Kind.DATE),
)

# Only in the JSON: what a spreadsheet row of one victim cannot hold.
CASE_ONLY_JSON = (_c("cas_Summary", "case", "summary"),)
PERPETRATOR_COLUMNS = (
    _c("per_RoleInProcess", "victim", "roles_in_process", Kind.MULTI, htcds.RoleInProcess),
    _c("per_RoleDetails", "victim", "role_details"),
    _c("per_Organisation", "victim", "perpetrator_organisation", limit=200),
)
EVENT_COLUMNS = (
    _c("hte_Type", "event", "type", Kind.CHOICE, htcds.EventType, required=True),
    _c("hte_Date", "event", "date", Kind.DATE),
    _c("hte_Country", "event", "country", Kind.COUNTRY),
    _c("hte_State", "event", "state", limit=100),
    _c("hte_City", "event", "city", limit=100),
    _c("hte_Street", "event", "street", limit=500),
    _c("hte_PostalCode", "event", "postal_code", limit=20),
    _c("hte_Latitude", "event", "latitude", Kind.LATITUDE),
    _c("hte_Longitude", "event", "longitude", Kind.LONGITUDE),
    _c("hte_Description", "event", "description"),
)
SERVICE_COLUMNS = (
    _c("spl_Type", "service", "type", Kind.CHOICE, htcds.SupportType, required=True),
    _c("spl_Objectives", "service", "objectives"),
    _c("spl_ActionPlan", "service", "action_plan"),
    _c("spl_PlannedEndDate", "service", "planned_end", Kind.DATE),
    _c("spl_ActualEndDate", "service", "actual_end", Kind.DATE),
    _c("spl_Provider", "service", "provider", Kind.ORGANISATION),
    _c("spl_Outcome", "service", "outcome", Kind.CHOICE, ServiceOutcome),
)
CONSENT_COLUMNS = (
    _c("con_Item", "consent", "item", Kind.CHOICE, ConsentItem, required=True),
    _c("con_Given", "consent", "given", Kind.BOOL, required=True),
    _c("con_InformationVersion", "consent", "information_version", limit=40),
    _c("con_RecordedAt", "consent", "recorded_at", Kind.DATETIME),
    _c("con_WithdrawnAt", "consent", "withdrawn_at", Kind.DATETIME),
)
ROLE_COLUMN = _c("role", "victim", "role", Kind.CHOICE, ParticipantRole, required=True)

# The template's row 1 spelling, and the column it leaves without a name.
HEADER_ALIASES = {"vic_TraffickinStatusDecisionMakingOrg": "vic_TraffickingStatusDecisionMakingOrg"}
UNNAMED_AFTER = {"cas_ReferredPrimaryCaseWorker": "cas_ReasonForOutgoingReferral"}
# Row 2 of the template: the label of each column, above its own column (the template's row 2
# puts the five mailing-address labels one column off; the workbook writes them where they
# belong, and the importer skips a label row in either layout).
COLUMN_LABELS = dict(
    zip(
        (column.name for column in CORE_COLUMNS),
        (
            "Case Owner",
            "Salutation",
            "First Name",
            "Second Name",
            "Consent",
            "Birthdate",
            "Gender",
            "Citizenship",
            "Title",
            "Email",
            "Home Phone",
            "Mobile Phone",
            "Mailing City",
            "Mailing Country",
            "Mailing State/Province",
            "Mailing Street",
            "Mailing Zip/Postal Code",
            "Trafficking Status",
            "Trafficking Status Decision Making Organization",
            "Method of Recruitment",
            "Location of Recruitment",
            "Methods of Control",
            "Type of Exploitation",
            "Forced Labour Industry",
            "Type of Sex Exploitation",
            "Location of Exploitation",
            "Status",
            "Referring Organisation",
            "Incoming Referral Date",
            "Referring Primary Case Worker",
            "Reason for Incoming Referral",
            "Incoming Referral Details",
            "Referred Organisation",
            "Referred Primary Case Worker",
            "Reason for Outgoing Referral",
            "Outgoing Referral Date",
            "Outgoing Referral Details",
            "Reason for Case Closure",
        ),
        strict=True,
    ),
    **{column.name: "Middle Name" for column in NAME_COLUMNS},  # Haven's 39th column
)
TEMPLATE_LABELS = frozenset(label.casefold() for label in COLUMN_LABELS.values())


@dataclass
class Problem:
    row: int | None  # data rows count the header as row 1; in JSON, the case's position
    field: str
    message: str

    def __str__(self) -> str:
        values = {"row": self.row, "field": self.field, "message": self.message}
        if self.row is None:
            return _("field %(field)s: %(message)s") % values
        if not self.field:
            return _("row %(row)d: %(message)s") % values
        return _("row %(row)d, field %(field)s: %(message)s") % values

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class ImportResult:
    format: str
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0  # data rows (CSV) or cases (JSON) read
    invalid_rows: int = 0  # left out, because they or another row of their case are invalid
    cases: int = 0  # valid: written, unless a dry run or blocked
    people: int = 0
    events: int = 0
    services: int = 0
    consents: int = 0
    dry_run: bool = False
    written: bool = False
    blocked: bool = False  # errors mean nothing is (or, in a dry run, would be) imported
    references: dict[str, str] = field(default_factory=dict)  # file's reference → new one

    def counts(self) -> dict:
        return {
            "rows": self.rows,
            "invalid_rows": self.invalid_rows,
            "cases": self.cases,
            "people": self.people,
            "events": self.events,
            "services": self.services,
            "consents": self.consents,
        }
