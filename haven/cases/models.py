"""Cases in HTCDS 2.0 terms: a case, the people in it, what happened, the help, the consent.

Field names follow the standard (`cas_Status` is `Case.status`, `vic_MethodsOfControl` is
`Participant.control_methods`); codes are stored as HTCDS system names. Multi-select picklists
are JSON lists of codes. Anything that names, locates or describes a person is encrypted, and
list pages show a case's reference and a person's pseudonym only.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from haven.accounts.models import Organisation
from haven.cases import htcds
from haven.lib.crypto import EncryptedBinaryField, EncryptedTextField

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_case_reference() -> str:
    """Random like report references, so it says nothing about how many cases exist."""
    return "C-" + "".join(secrets.choice(ALPHABET) for _ in range(7))


def new_pseudonym() -> str:
    return "P-" + "".join(secrets.choice(ALPHABET) for _ in range(5))


def work_owner():  # a note's, task's or service's: the owner's (or empty), or a receiver's own
    return models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True, related_name="+")


class Source(models.TextChoices):
    REPORT = "report", _("Community report")
    SCREENING = "screening", _("Screening")
    REFERRAL = "referral", _("Incoming referral")
    HOTLINE = "hotline", _("Hotline call")
    WALK_IN = "walk_in", _("Walk-in")
    IMPORT = "import", _("Imported")


class Risk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(
        _("reference"), max_length=12, unique=True, default=new_case_reference, editable=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=htcds.CaseStatus.choices, default="Active"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("owner")
    )
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("case worker"),
    )
    opened = models.DateField(_("opened"), default=timezone.localdate)
    closed = models.DateField(_("closed"), null=True, blank=True)
    closure_reason = EncryptedTextField(_("reason for closure"), blank=True)
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.WALK_IN
    )
    source_report = models.ForeignKey(
        "reports.Report",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("report"),
    )
    country = CountryField(_("country"))
    risk = models.CharField(_("risk"), max_length=8, choices=Risk.choices, default=Risk.MEDIUM)
    summary = EncryptedTextField(_("summary"), blank=True)
    # The union of the victims' exploitation types, kept by the services for list filters.
    exploitation_types = models.JSONField(_("kinds of exploitation"), default=list, blank=True)
    # An incoming referral from outside Haven (cas_ReferringOrganisation and its fields).
    referring_organisation = models.CharField(
        _("referring organisation"), max_length=200, blank=True
    )
    referring_case_worker = EncryptedTextField(_("referring case worker"), blank=True)
    incoming_referral_date = models.DateField(_("incoming referral date"), null=True, blank=True)
    incoming_referral_reason = models.CharField(
        _("reason for incoming referral"),
        max_length=40,
        choices=htcds.ReferralReason.choices,
        blank=True,
    )
    incoming_referral_details = EncryptedTextField(_("incoming referral details"), blank=True)
    # An outgoing referral recorded elsewhere and imported; referrals made in Haven are Referral rows.
    external_referred_organisation = models.CharField(max_length=200, blank=True)
    external_referred_case_worker = EncryptedTextField(blank=True)
    external_referral_reason = models.CharField(
        max_length=40, choices=htcds.ReferralReason.choices, blank=True
    )
    external_referral_date = models.DateField(null=True, blank=True)
    external_referral_details = EncryptedTextField(blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened", "-created"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["organisation", "-opened", "-created"]),
            # The capped count of a filtered list reads only this index: without the filtered
            # columns, it read one table page per case (bench/cases.py). Key columns rather
            # than INCLUDE, which SQLite lacks.
            models.Index(
                fields=[
                    *("organisation", "status", "-opened", "-created", "id"),
                    *("country", "risk", "exploitation_types"),
                ],
                name="case_list_filters",
            ),
            models.Index(fields=["case_worker", "status", "-opened"]),
            # Statistics find the cases changed since their last build by this column.
            models.Index(fields=["updated"], name="case_updated"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in (htcds.CaseStatus.ACTIVE, htcds.CaseStatus.FOLLOW_UP)


class Person(models.Model):
    """`prs_`: one human, kept by one organisation. Identifying fields are encrypted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    pseudonym = models.CharField(max_length=8, default=new_pseudonym, editable=False)
    salutation = EncryptedTextField(_("salutation"), blank=True)
    first_name = EncryptedTextField(_("first name"), blank=True)
    middle_name = EncryptedTextField(_("middle name"), blank=True)
    second_name = EncryptedTextField(_("second name"), blank=True)
    birthdate = EncryptedTextField(_("birth date"), blank=True)  # ISO date, or empty
    gender = models.CharField(_("gender"), max_length=24, choices=htcds.Gender.choices, blank=True)
    deceased = models.BooleanField(_("deceased"), default=False)
    marital_status = models.CharField(
        _("marital status"), max_length=24, choices=htcds.MaritalStatus.choices, blank=True
    )
    number_of_children = models.PositiveSmallIntegerField(
        _("number of children"), null=True, blank=True
    )
    primary_language = models.CharField(_("primary language"), max_length=3, blank=True)
    secondary_language = models.CharField(_("secondary language"), max_length=3, blank=True)
    education = models.CharField(
        _("highest level of education"),
        max_length=40,
        choices=htcds.Education.choices,
        blank=True,
    )
    citizenship = models.JSONField(_("citizenship"), default=list, blank=True)
    identity_number = EncryptedTextField(_("identity number"), blank=True)
    title = EncryptedTextField(_("title"), blank=True)
    email = EncryptedTextField(_("email"), blank=True)
    home_phone = EncryptedTextField(_("home phone"), blank=True)
    mobile_phone = EncryptedTextField(_("mobile phone"), blank=True)
    mailing_street = EncryptedTextField(_("street"), blank=True)
    mailing_city = EncryptedTextField(_("city"), blank=True)
    mailing_state = EncryptedTextField(_("state or province"), blank=True)
    mailing_postal_code = EncryptedTextField(_("postal code"), blank=True)
    mailing_country = CountryField(_("country"), blank=True)
    mailing_latitude = EncryptedTextField(_("latitude"), blank=True)
    mailing_longitude = EncryptedTextField(_("longitude"), blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def full_name(self) -> str:
        return " ".join(
            part for part in (self.first_name, self.middle_name, self.second_name) if part
        )


class ParticipantRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    PERPETRATOR = "perpetrator", _("Perpetrator")
    OTHER = "other", _("Other")


class Participant(models.Model):
    """A person in a case, with the `vic_` or `per_` fields that describe them in it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(_("role"), max_length=12, choices=ParticipantRole.choices)
    # vic_
    trafficking_status = models.CharField(
        _("trafficking status"),
        max_length=32,
        choices=htcds.TraffickingStatus.choices,
        blank=True,
    )
    status_decided_by = models.CharField(
        _("status decided by"), max_length=40, choices=htcds.DecisionMaker.choices, blank=True
    )
    relationship_to_trafficker = models.CharField(
        _("relationship to trafficker"),
        max_length=16,
        choices=htcds.Relationship.choices,
        blank=True,
    )
    age_when_trafficked = models.PositiveSmallIntegerField(
        _("age when trafficked"), null=True, blank=True
    )
    recruitment_methods = models.JSONField(_("methods of recruitment"), default=list, blank=True)
    recruitment_apps = models.JSONField(
        _("recruitment websites and apps"), default=list, blank=True
    )
    recruitment_country = CountryField(_("country of recruitment"), blank=True)
    recruitment_place = models.CharField(_("place of recruitment"), max_length=200, blank=True)
    control_methods = models.JSONField(_("methods of control"), default=list, blank=True)
    exploitation_types = models.JSONField(_("types of exploitation"), default=list, blank=True)
    industries = models.JSONField(_("forced labour industries"), default=list, blank=True)
    sex_exploitation_types = models.JSONField(
        _("types of sexual exploitation"), default=list, blank=True
    )
    exploitation_apps = models.JSONField(
        _("exploitation websites and apps"), default=list, blank=True
    )
    exploitation_country = CountryField(_("country of exploitation"), blank=True)
    exploitation_place = models.CharField(_("place of exploitation"), max_length=200, blank=True)
    vulnerabilities = models.JSONField(_("vulnerabilities"), default=list, blank=True)
    vulnerability_details = EncryptedTextField(_("details of vulnerabilities"), blank=True)
    exploitation_began = models.DateField(_("exploitation began"), null=True, blank=True)
    exploitation_ended = models.DateField(_("exploitation ended"), null=True, blank=True)
    registered = models.DateField(_("registered"), null=True, blank=True)
    # per_
    roles_in_process = models.JSONField(_("role in the process"), default=list, blank=True)
    role_details = EncryptedTextField(_("role details"), blank=True)
    perpetrator_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["role", "created"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="one_participation_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.role} {self.person}"


class TraffickingEvent(models.Model):
    """`hte_`: recruitment, transit or exploitation, somewhere, at some time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    type = models.CharField(_("type"), max_length=16, choices=htcds.EventType.choices)
    date = models.DateField(_("date"), null=True, blank=True)
    country = CountryField(_("country"), blank=True)
    state = models.CharField(_("state or province"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    street = EncryptedTextField(_("street"), blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    latitude = EncryptedTextField(_("latitude"), blank=True)
    longitude = EncryptedTextField(_("longitude"), blank=True)
    description = EncryptedTextField(_("description"), blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["date", "created"]

    def __str__(self) -> str:
        return f"{self.case} {self.type}"


class ServiceOutcome(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined by the person")
    NOT_AVAILABLE = "not_available", _("Not available")


class SupportService(models.Model):
    """`spl_`: a support plan item, who provides it, when, and how it ended."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="services"
    )
    type = models.CharField(_("type"), max_length=40, choices=htcds.SupportType.choices)
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provider"),
    )
    objectives = EncryptedTextField(_("objectives"), blank=True)
    action_plan = EncryptedTextField(_("action plan"), blank=True)
    planned_end = models.DateField(_("planned end date"), null=True, blank=True)
    actual_end = models.DateField(_("actual end date"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=ServiceOutcome.choices, default=ServiceOutcome.PLANNED
    )
    organisation = work_owner()
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return f"{self.case} {self.type}"


class ConsentItem(models.TextChoices):
    """The seven things HTCDS 2.0 `con_Consent` says a person must agree to or be told."""

    INTERVIEW = "interview", _("Agrees to the interview")
    PURPOSE = "purpose", _("Told the purpose of the interview")
    USE_OF_DATA = "use_of_data", _("Told how the data is and may be used, sharing included")
    RESEARCH = "research", _("Agrees to non-identifying data being used for research")
    ACCESS = "access", _("Told of the right to see their data at any time")
    RETENTION = "retention", _("Told how long the data is kept")
    WITHDRAWAL = "withdrawal", _("Told how to withdraw consent")
    CROSS_BORDER = "cross_border", _("Agrees to sharing with an organisation in another country")


class Consent(models.Model):
    """One answer about one item, for one person in one case; withdrawn, never edited."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    item = models.CharField(_("item"), max_length=16, choices=ConsentItem.choices)
    given = models.BooleanField(_("given"))
    information_version = models.CharField(_("information version"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at"]
        indexes = [
            models.Index(fields=["case", "person", "item"]),
            # Statistics check the latest research answers and withdrawals from index ends.
            models.Index(fields=["item", "recorded_at"], name="consent_item_recorded"),
            models.Index(fields=["item", "withdrawn_at"], name="consent_item_withdrawn"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.item} {self.given}"


class Note(models.Model):
    """`cco_CaseComment`, encrypted, never referred; a receiver's reaches the owner if shared."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = EncryptedTextField(_("note"))
    organisation = work_owner()
    shared_with_owner = models.BooleanField(_("shared with the owner"), default=False)
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.case} note {self.created:%Y-%m-%d}"


class Attachment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=60)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    data = EncryptedBinaryField()
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"


class Task(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = EncryptedTextField(_("task"))
    due = models.DateField(_("due"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_tasks",
        verbose_name=_("assigned to"),
    )
    done_at = models.DateTimeField(null=True, blank=True)
    organisation = work_owner()
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        # Open tasks first on every database: PostgreSQL puts nulls last in ascending order.
        ordering = [models.F("done_at").asc(nulls_first=True), "due"]
        indexes = [
            # With the case in it, the overdue list is found from this index alone.
            models.Index(
                fields=["due", "case"],
                condition=models.Q(done_at__isnull=True),
                name="open_task_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} task {self.due}"


class Change(models.Model):
    """Field-level history: who changed which field of what, from what to what (encrypted)."""

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    section = models.CharField(max_length=24)
    object_id = models.CharField(max_length=40)
    field = models.CharField(max_length=40)
    old = EncryptedTextField(blank=True)
    new = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} {self.section}.{self.field}"


class Section(models.TextChoices):
    """What a referral can share. Notes, attachments and history are never shared."""

    SUMMARY = "summary", _("Case summary (no names or contacts)")
    EXPLOITATION = "exploitation", _("What happened: exploitation and events")
    SUPPORT = "support", _("Support plan and services")
    IDENTITY = "identity", _("Identity: names, birth date, identity number")
    CONTACT = "contact", _("Contact details and address")


class ReferralState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")


# While a referral is in one of these states, the receiving organisation sees what it shares.
VISIBLE_STATES = (ReferralState.PENDING, ReferralState.ACCEPTED, ReferralState.COMPLETED)
LIVE_STATES = (ReferralState.PENDING, ReferralState.ACCEPTED)


class Referral(models.Model):
    """`cas_ReferredOrganisation`: one referral, what it shares (one side a peer's when abroad)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    from_organisation = models.ForeignKey(Organisation, models.PROTECT, null=True, related_name="+")
    to_organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        related_name="incoming_referrals",
        verbose_name=_("to"),
    )
    reason = models.CharField(_("reason"), max_length=40, choices=htcds.ReferralReason.choices)
    details = EncryptedTextField(_("details"), blank=True)
    sections = models.JSONField(_("shared"), default=list)
    state = models.CharField(
        _("state"), max_length=12, choices=ReferralState.choices, default=ReferralState.PENDING
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    receiving_case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_note = EncryptedTextField(_("response"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["to_organisation", "state", "-sent_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "to_organisation"],
                condition=models.Q(state__in=["pending", "accepted"]),
                name="one_live_referral_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.to_organisation}"


class Handover(models.Model):
    """A transfer of ownership, and which of the sender's own records went with it.

    Notes, files and history written before a hand-over stay hidden from the new owner unless
    the sender ticked them (`haven.cases.handover`); the rest of the case always moves.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handovers")
    from_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    notes = models.BooleanField(_("internal notes"), default=False)
    attachments = models.BooleanField(_("files"), default=False)
    history = models.BooleanField(_("history"), default=False)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.case} handed over {self.at:%Y-%m-%d}"


class Screening(models.Model):
    """A frontline questionnaire run for a person in the case, with the version it used.

    The record (answers, dimensions, outcome) is encrypted: the answers say what happened.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screenings")
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="screenings"
    )
    questionnaire = models.CharField(max_length=40)
    version = models.PositiveIntegerField()
    outcome = models.CharField(max_length=24)
    record = EncryptedTextField()
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    screened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-screened_at"]

    def __str__(self) -> str:
        return f"{self.case} {self.questionnaire} v{self.version}"


from haven.cases.thread import ReferralMessage  # noqa: E402, F401
