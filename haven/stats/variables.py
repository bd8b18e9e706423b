"""The variables of each source, named as CTDC names them, and where a record keeps each one.

Categories live in the generic columns `c0`..`c11`; yes/no variables are one bit each of
`Record.flags` (yes) and `Record.known` (answered). A group is a multi-valued variable made of
flags (a person can have several means of control): its cells can sum to more than its
denominator, which counts the records with any information in the group (CTDC's rule).
Haven's cases use CTDC's k-anonymised data set names wherever CTDC has the variable.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from haven.stats.models import SLOTS, Format

CATEGORY, FLAG, GROUP = "category", "flag", "group"

AGE_BANDS = ("0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+")
MAJORITY = ("Adult", "Minor")
REGIONS = ("Africa", "Americas/Oceania", "Asia", "Europe")
TRAFFICK_MONTHS = ("0--12 (0-1 yr)", "13--24 (1-2 yrs)", "25+ (2+ yrs)")

# How values are checked on import: a tuple of accepted values, or one of these rules.
YEAR, YEAR_BAND, COUNTRY = "year", "year band", "country"

LABELS = {
    "yearOfRegistration": _("Year of registration"),
    "yearRegister": _("Year of registration"),
    "Datasource": _("Source of the record"),
    "gender": _("Gender"),
    "ageBroad": _("Age group at registration"),
    "ageBroadAtEntry": _("Age group on entering trafficking"),
    "majorityStatus": _("Adult or minor at registration"),
    "majorityStatusAtExploit": _("Adult or minor when exploitation began"),
    "majorityEntry": _("Adult or minor on entering trafficking"),
    "citizenship": _("Citizenship"),
    "CountryOfExploitation": _("Country of exploitation"),
    "countryOfRecruitment": _("Country of recruitment"),
    "caseCountry": _("Country of the case"),
    "traffickMonths": _("Time in trafficking"),
    "UN_COO_Region": _("Region of citizenship"),
    "UN_COE_Region": _("Region of exploitation"),
    "typeOfExploitConcatenated": _("Type of exploitation"),
    "meansOfControlConcatenated": _("Means of control"),
    "typeOfLabourConcatenated": _("Sector of forced labour"),
    "typeOfSexConcatenated": _("Form of sexual exploitation"),
    "RecruiterRelationship": _("Relationship to the recruiter"),
    "IP_Role": _("Perpetrator's role"),
}


@dataclass(frozen=True)
class Variable:
    name: str
    kind: str
    slot: str = ""  # category: the column
    bit: int = -1  # flag: the bit
    members: tuple[str, ...] = ()  # group: its flags
    check: tuple | str | None = None  # category: accepted values or a rule
    multiple: bool = False  # category: ';'-joined values published as combinations (VP file)

    @property
    def label(self):
        return LABELS.get(self.name, self.name)


@dataclass
class Layout:
    format: str
    variables: dict[str, Variable] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Variable:
        return self.variables[name]

    def __contains__(self, name: str) -> bool:
        return name in self.variables

    @property
    def categories(self) -> list[Variable]:
        return [v for v in self.variables.values() if v.kind == CATEGORY]

    @property
    def flags(self) -> list[Variable]:
        return [v for v in self.variables.values() if v.kind == FLAG]

    def mask(self, names) -> int:
        return sum(1 << self.variables[name].bit for name in names)


def _layout(format: str, categories, flags, groups) -> Layout:
    layout = Layout(format)
    if len(categories) > len(SLOTS) or len(flags) > 63:
        raise ValueError(f"{format}: too many variables for a record")
    for slot, (name, check, *multiple) in zip(SLOTS, categories, strict=False):
        layout.variables[name] = Variable(
            name, CATEGORY, slot=slot, check=check, multiple=bool(multiple)
        )
    for bit, name in enumerate(flags):
        layout.variables[name] = Variable(name, FLAG, bit=bit)
    for name, members in groups.items():
        layout.variables[name] = Variable(name, GROUP, members=tuple(members))
    return layout


KANON_MEANS = [
    "DebtBondage", "TakesEarnings", "RestrictsFinancialAccess", "Threats", "PsychologicalAbuse",
    "PhysicalAbuse", "SexualAbuse", "FalsePromises", "PsychoactiveSubstances",
    "RestrictsMovement", "RestrictsMedicalCare", "ExcessiveWorkingHours", "UsesChildren",
    "ThreatOfLawEnforcement", "WithholdsNecessities", "WithholdsDocuments", "Other",
]  # fmt: skip
KANON_EXPLOIT = [
    "isForcedLabour", "isSexualExploit", "isOtherExploit", "isForcedMarriage",
    "isForcedMilitary", "isOrganRemoval", "isSlaveryAndPractices",
]  # fmt: skip
KANON_LABOUR = [
    "Agriculture", "Aquafarming", "Begging", "Construction", "DomesticWork", "Hospitality",
    "IllicitActivities", "Manufacturing", "MiningOrDrilling", "Peddling", "Transportation", "Other",
]  # fmt: skip
SEX_TYPES = ["Prostitution", "Pornography", "RemoteInteractiveServices", "PrivateSexualServices"]
RELATIONS = ["IntimatePartner", "Friend", "Family", "Other"]

means = [f"meansOfControl{name}" for name in KANON_MEANS]
labour = [f"typeOfLabour{name}" for name in KANON_LABOUR]
sex = [f"typeOfSex{name}" for name in SEX_TYPES]
relations = [f"recruiterRelation{name}" for name in RELATIONS]

KANON = _layout(
    Format.KANON,
    [
        ("yearOfRegistration", YEAR),
        ("Datasource", ("Case Management", "Hotline")),
        ("gender", ("Female", "Male", "Transgender/NonConforming")),
        ("ageBroad", AGE_BANDS),
        ("majorityStatus", MAJORITY),
        ("majorityStatusAtExploit", MAJORITY),
        ("majorityEntry", MAJORITY),
        ("citizenship", COUNTRY),
        ("CountryOfExploitation", COUNTRY),
    ],
    [
        *means,
        "meansOfControlNotSpecified",
        *KANON_EXPLOIT,
        "isSexAndLabour",
        *labour,
        "typeOfLabourNotSpecified",
        *sex,
        "isAbduction",
        *relations,
        "recruiterRelationUnknown",
    ],
    {
        "typeOfExploitConcatenated": KANON_EXPLOIT,
        "meansOfControlConcatenated": means,
        "typeOfLabourConcatenated": labour,
        "typeOfSexConcatenated": sex,
        "RecruiterRelationship": relations,
    },
)

SYNTHETIC_MEANS = [
    "meansDebtBondageEarnings", "meansThreats", "meansAbusePsyPhySex", "meansFalsePromises",
    "meansDrugsAlcohol", "meansDenyBasicNeeds", "meansExcessiveWorkHours", "meansWithholdDocs",
]  # fmt: skip
SYNTHETIC_LABOUR = [
    "typeOfLabourAgriculture", "typeOfLabourConstruction", "typeOfLabourDomesticWork",
    "typeOfLabourHospitality",
]  # fmt: skip
SYNTHETIC = _layout(
    Format.SYNTHETIC,
    [
        ("yearOfRegistration", YEAR),
        ("gender", ("Man", "Woman", "Trans/Transgender/NonConforming")),
        ("ageBroad", AGE_BANDS),
        ("citizenship", COUNTRY),
        ("CountryOfExploitation", COUNTRY),
        ("traffickMonths", TRAFFICK_MONTHS),
    ],
    [
        *SYNTHETIC_MEANS,
        "isForcedLabour",
        "isSexualExploit",
        "isOtherExploit",
        *SYNTHETIC_LABOUR,
        "typeOfSexProstitution",
        "typeOfSexPornography",
        *relations,
    ],
    {
        "typeOfExploitConcatenated": ["isForcedLabour", "isSexualExploit", "isOtherExploit"],
        "meansOfControlConcatenated": SYNTHETIC_MEANS,
        "typeOfLabourConcatenated": SYNTHETIC_LABOUR,
        "typeOfSexConcatenated": ["typeOfSexProstitution", "typeOfSexPornography"],
        "RecruiterRelationship": relations,
    },
)

VP_ROLES = ["IP_Exploiter", "IP_RecruiterBroker", "IP_TransactionProcess", "IP_ControlAbuseKidnap"]
VICTIM_PERPETRATOR = _layout(
    Format.VICTIM_PERPETRATOR,
    [
        ("yearRegister", YEAR_BAND),
        ("gender", ("Female", "Male")),
        ("majorityStatus", MAJORITY),
        ("UN_COO_Region", REGIONS),
        ("UN_COE_Region", REGIONS),
        ("IP_Gender", ("Female", "Male"), True),
        ("IP_ageBroad", ("0--29", "30--38", "39--47", "48+"), True),
        ("IP_citizen_UNRegion", REGIONS, True),
        ("IP_Relation", ("FamilyIntimatePartner", "FriendAcquaintance", "StrangerUnknownOther"), True),
        ("IP_PayMoney", ("No", "Yes"), True),
    ],
    ["isForcedLabour", "isSexualExploit", *VP_ROLES],
    {"typeOfExploitConcatenated": ["isForcedLabour", "isSexualExploit"], "IP_Role": VP_ROLES},
)  # fmt: skip

CASES_MEANS = [name for name in means]
CASES_LABOUR = [
    f"typeOfLabour{name}"
    for name in (
        "Agriculture", "Begging", "Construction", "DomesticWork", "Hospitality", "Manufacturing",
        "MiningOrDrilling", "Transportation", "Other",
    )
]  # fmt: skip
CASES_RELATIONS = ["recruiterRelationFriend", "recruiterRelationFamily", "recruiterRelationOther"]
CASES = _layout(
    Format.CASES,
    [
        ("yearOfRegistration", YEAR),
        ("Datasource", ("Case Management", "Hotline")),
        ("gender", ("Female", "Male", "Transgender/NonConforming")),
        ("majorityEntry", MAJORITY),
        ("ageBroadAtEntry", AGE_BANDS),
        ("citizenship", COUNTRY),
        ("CountryOfExploitation", COUNTRY),
        ("countryOfRecruitment", COUNTRY),
        ("traffickMonths", TRAFFICK_MONTHS),
        ("caseCountry", COUNTRY),
    ],
    [*KANON_EXPLOIT, *CASES_MEANS, *CASES_LABOUR, *sex, *CASES_RELATIONS],
    {
        "typeOfExploitConcatenated": KANON_EXPLOIT,
        "meansOfControlConcatenated": CASES_MEANS,
        "typeOfLabourConcatenated": CASES_LABOUR,
        "typeOfSexConcatenated": sex,
        "RecruiterRelationship": CASES_RELATIONS,
    },
)

LAYOUTS = {
    Format.CASES: CASES,
    Format.KANON: KANON,
    Format.SYNTHETIC: SYNTHETIC,
    Format.VICTIM_PERPETRATOR: VICTIM_PERPETRATOR,
}

# What the public may ask of Haven's cases: one or two of these, and no filters (docs/stats.md).
PUBLIC_VARIABLES = (
    "yearOfRegistration",
    "gender",
    "majorityEntry",
    "ageBroadAtEntry",
    "citizenship",
    "CountryOfExploitation",
    "traffickMonths",
    "typeOfExploitConcatenated",
    "meansOfControlConcatenated",
    "typeOfLabourConcatenated",
    "typeOfSexConcatenated",
    "RecruiterRelationship",
)
