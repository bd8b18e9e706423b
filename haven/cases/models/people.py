"""The people in a case (`prs_`, `vic_`, `per_`) and what happened to them (`hte_`)."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from haven.accounts.models import Organisation
from haven.cases import htcds
from haven.cases.models.case import Case, new_pseudonym
from haven.lib.crypto import EncryptedTextField


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
