"""Commitments tracked in the open: instruments, the commitments made under them, and the
progress reports organisations submit on them, which an analyst validates before publication."""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Organisation


def in_language(obj, field: str) -> str:
    """The field in the reader's language (Vietnamese or English), English when missing."""
    language = (get_language() or "en")[:2]
    if language == "vi" and getattr(obj, f"{field}_vi"):
        return getattr(obj, f"{field}_vi")
    return getattr(obj, f"{field}_en")


class Area(models.TextChoices):
    """The four areas of the ASEAN Plan of Action, on which the Bohol Work Plan is organised."""

    PREVENTION = "prevention", _("Prevention")
    PROTECTION = "protection", _("Protection of victims")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement and prosecution")
    COOPERATION = "cooperation", _("Regional and international cooperation")


class Instrument(models.Model):
    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200, blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_vi = models.TextField(_("summary (Vietnamese)"), blank=True)
    adopted = models.DateField(_("adopted"), null=True, blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        return in_language(self, "name")

    @property
    def summary(self) -> str:
        return in_language(self, "summary")


class Commitment(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="commitments")
    code = models.SlugField(_("code"), max_length=60, unique=True)
    reference = models.CharField(_("article or paragraph"), max_length=60)
    area = models.CharField(_("area"), max_length=20, choices=Area.choices, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=200, blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_vi = models.TextField(_("summary (Vietnamese)"), blank=True)
    responsible_body = models.CharField(_("responsible body"), max_length=200)
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("lead organisation"),
        help_text=_("The organisation on Haven that reports on it, when there is one."),
    )
    verified = models.BooleanField(_("verified against the text"), default=True)
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        help_text=_("Two-letter code of the member state; empty for a regional commitment."),
    )
    recommendation = models.ForeignKey(
        "Recommendation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("follows the recommendation"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["instrument__position", "position", "code"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self) -> str:
        return f"{self.instrument.slug} {self.reference}"

    @property
    def title(self) -> str:
        return in_language(self, "title")

    @property
    def summary(self) -> str:
        return in_language(self, "summary")

    @property
    def country_label(self) -> str:
        from haven.lib.vocabulary import country_name

        return country_name(self.country, (get_language() or "en")[:2]) if self.country else ""

    @property
    def reference_label(self) -> str:
        """The reference in the reader's language: "Area A" is "Lĩnh vực A" in Vietnamese."""
        return translate_reference(self.reference)


REFERENCE = re.compile(r"(Area|Art\.|Ch\.|Objective) (.+)")


def translate_reference(reference: str) -> str:
    found = REFERENCE.fullmatch(reference or "")
    if not found:
        return reference
    words = {
        "Area": pgettext("reference", "Area %s"),
        "Art.": pgettext("reference", "Art. %s"),
        "Ch.": pgettext("reference", "Ch. %s"),
        "Objective": pgettext("reference", "Objective %s"),
    }
    return words[found.group(1)] % found.group(2)


class Indicator(models.Model):
    """What a commitment measures: a unit, where it started (baseline) and where it should get."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=60)
    unit_vi = models.CharField(_("unit (Vietnamese)"), max_length=60, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["commitment", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "code"], name="indicator_code_unique")
        ]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.commitment.code}/{self.code}"

    @property
    def name(self) -> str:
        return in_language(self, "name")

    @property
    def unit(self) -> str:
        return in_language(self, "unit")


class Meeting(models.Model):
    """A meeting (a regional workshop, a senior officials' meeting) and what it recommended."""

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=120, blank=True)
    place_vi = models.CharField(_("place (Vietnamese)"), max_length=120, blank=True)
    held = models.DateField(_("held on"), null=True, blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_vi = models.TextField(_("summary (Vietnamese)"), blank=True)
    fictional = models.BooleanField(_("fictional (demonstration)"), default=False)
    sources = models.JSONField(_("sources"), default=list, blank=True)

    class Meta:
        ordering = ["-held", "slug"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        return in_language(self, "name")

    @property
    def place(self) -> str:
        return in_language(self, "place")

    @property
    def summary(self) -> str:
        return in_language(self, "summary")


class Recommendation(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="recommendations")
    code = models.SlugField(_("code"), max_length=60, unique=True)
    text_en = models.TextField(_("text (English)"))
    text_vi = models.TextField(_("text (Vietnamese)"), blank=True)
    serves = models.ManyToManyField(
        Commitment, blank=True, related_name="recommended_by", verbose_name=_("articles it serves")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "position", "code"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return self.code

    @property
    def text(self) -> str:
        return in_language(self, "text")


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    ONGOING = "ongoing", _("Ongoing")
    DROPPED = "dropped", _("Dropped")


class Validation(models.TextChoices):
    PENDING = "pending", _("Waiting for validation")
    VALIDATED = "validated", _("Validated")
    SENT_BACK = "sent_back", _("Sent back")


class ProgressReport(models.Model):
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="progress_reports"
    )
    period = models.CharField(_("period"), max_length=7)  # 2026-H1
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    text = models.TextField(_("narrative"))
    evidence = models.URLField(_("evidence link"), blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="progress_reports"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="progress_submitted",
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    validation = models.CharField(
        _("validation"), max_length=20, choices=Validation.choices, default=Validation.PENDING
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_validated",
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # {indicator code: value}, a number for each indicator the organisation measured this period.
    indicators = models.JSONField(_("indicator values"), default=dict, blank=True)

    class Meta:
        ordering = ["-period", "-submitted_at"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.commitment} {self.period}"


class Phase(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for comments")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Response published")


class Consultation(models.Model):
    """A policy document put out for comments, and what the organiser heard and changed."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=2000)
    document = models.TextField(_("policy document"), max_length=100_000, blank=True)
    sections = models.JSONField(_("sections"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    public = models.BooleanField(_("open to the public"), default=True)
    opens = models.DateField(_("opens"))
    closes = models.DateField(_("closes"))
    status = models.CharField(_("status"), max_length=10, choices=Phase.choices, default="draft")
    response = models.TextField(_("what we heard and what changed"), blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="consultations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens", "-pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return self.title

    @property
    def numbered_sections(self) -> list[dict]:
        """The sections numbered from 1; an older consultation's document is section 1."""
        sections = self.sections or (
            [{"title": "", "body": self.document}] if self.document else []
        )
        return [{"number": n, **s} for n, s in enumerate(sections, start=1)]


class Kind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    AMENDMENT = "amendment", _("Proposed amendment")
    SUPPORT = "support", _("Support")
    SUBMISSION = "submission", _("Stakeholder submission")


class Answer(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")


class Moderation(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


class Contribution(models.Model):
    """A public comment (no account, nothing kept about who sent it) or an organisation's
    submission; either is published only after moderation."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="contributions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    section = models.PositiveIntegerField(_("section"), null=True, blank=True)
    proposal = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="supports"
    )
    body = models.TextField(_("text"), blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Moderation.choices, default=Moderation.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer = models.CharField(_("answer"), max_length=16, choices=Answer.choices, blank=True)
    answer_reason = models.TextField(_("reasons for the answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self) -> str:
        return f"{self.consultation_id}/{self.pk}"
