"""Public information: articles, help-lines, services, and the search index over all three."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from haven.accounts.models import Organisation
from haven.lib import vocabulary


class ArticleKind(models.TextChoices):
    GUIDE = "guide", _("Guide")
    RIGHT = "right", _("Rights")
    LAW = "law", _("Law")


class ReviewStatus(models.TextChoices):
    ORIGINAL = "original", _("original text")
    MACHINE_ASSISTED = "machine-assisted", _("not yet reviewed by a native speaker")
    REVIEWED = "reviewed", _("reviewed by a native speaker")


class Article(models.Model):
    slug = models.SlugField(_("slug"), max_length=80)
    # A callable: a language added to the vocabulary needs no migration of its own.
    language = models.CharField(_("language"), max_length=5, choices=vocabulary.django_languages)
    kind = models.CharField(_("kind"), max_length=10, choices=ArticleKind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    body = models.TextField(_("body (Markdown)"))
    countries = models.JSONField(_("countries"), default=list, blank=True)
    # Names and acronyms a reader may search for (ACTIP, Palermo): one of them alone puts the
    # article first (haven.hub.synonyms).
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    sources = models.JSONField(_("sources"), default=list)
    reviewed = models.DateField(_("last reviewed"))
    published = models.BooleanField(_("published"), default=True)
    updated = models.DateTimeField(default=timezone.now, editable=False)
    # The translation's review (front matter `review:`, or an editor's mark in the interface).
    # `review_sha256`: the file hash the review was made against; a changed file resets it.
    review = models.CharField(
        _("review"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.ORIGINAL
    )
    reviewer = models.CharField(_("reviewed by"), max_length=100, blank=True)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    review_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(fields=["slug", "language"], name="article_slug_language")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class ContentFile(models.Model):
    """A file of content/ as last loaded: `load_content` skips files whose hash is unchanged."""

    path = models.CharField(max_length=200, unique=True)
    sha256 = models.CharField(max_length=64)
    loaded = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.path


class HelpLineKind(models.TextChoices):
    ANTI_TRAFFICKING = "anti_trafficking", _("Anti-trafficking line")
    CHILD_PROTECTION = "child_protection", _("Child protection line")
    EMERGENCY = "emergency", _("Emergency")
    LABOUR = "labour", _("Labour and migrant workers")
    WOMEN = "women", _("Women and families")
    EMBASSY = "embassy", _("Embassy")
    CONSULATE = "consulate", _("Consulate")
    CITIZEN_PROTECTION = "citizen_protection", _("Citizen-protection line")


MISSION_KINDS = (HelpLineKind.EMBASSY, HelpLineKind.CONSULATE)


class SourceGrade(models.TextChoices):
    OFFICIAL = "official", _("official source")
    SECONDARY = "secondary", _("reliable secondary source")
    NONE = "none", _("no usable source")


# ITU country calling codes of the ASEAN member states.
CALLING_CODES = {
    "BN": "673",
    "KH": "855",
    "ID": "62",
    "LA": "856",
    "MY": "60",
    "MM": "95",
    "PH": "63",
    "SG": "65",
    "TH": "66",
    "VN": "84",
}


class HelpLine(models.Model):
    """A phone line in a country, loaded from content/helplines.yaml. Texts are {"vi": .., "en": ..}.

    `nationalities` empty: open to everyone in `country`. Otherwise the line serves only those
    nationals (an embassy); with `abroad`, those nationals in any other country (a
    citizen-protection line, listed under its own state).
    """

    country = CountryField(_("country"))
    position = models.PositiveSmallIntegerField(default=0)
    number = models.CharField(_("number"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=HelpLineKind.choices)
    also = models.JSONField(default=list, blank=True)
    main = models.BooleanField(_("national emergency number"), default=False)
    nationalities = models.JSONField(_("for nationals of"), default=list, blank=True)
    abroad = models.BooleanField(_("for these nationals in any other country"), default=False)
    city = models.JSONField(default=dict, blank=True)
    grade = models.CharField(
        _("best source"), max_length=10, choices=SourceGrade.choices, default=SourceGrade.NONE
    )
    name = models.JSONField(default=dict)
    operator = models.JSONField(default=dict)
    hours = models.JSONField(default=dict)
    note = models.JSONField(default=dict, blank=True)
    free = models.BooleanField(null=True)
    languages = models.JSONField(default=list, blank=True)
    verified = models.BooleanField(default=False)
    verified_on = models.DateField(null=True, blank=True)
    sources = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["country", "position"]
        verbose_name = _("help-line")
        verbose_name_plural = _("help-lines")

    def __str__(self) -> str:
        return f"{self.country} {self.number}"

    def text(self, field: str, language: str) -> str:
        return vocabulary.localised(getattr(self, field) or {}, language)

    @property
    def dial(self) -> str:
        """The number for a tel: link in E.164 (+ country code and digits); short codes as they are.

        "03 8000 8000" in Malaysia gives +60380008000; "+84 981 84 84 84" gives +84981848484;
        "113" stays 113 (short codes only work inside the country and have no E.164 form).
        """
        digits = "".join(c for c in self.number if c.isdigit())
        if not digits or self.number.strip().startswith("+"):
            return f"+{digits}" if digits else ""
        if len(digits) <= 6:
            return digits
        national = digits[1:] if digits.startswith("0") else digits
        return f"+{CALLING_CODES[str(self.country)]}{national}"

    @property
    def is_mission(self) -> bool:
        return self.kind in MISSION_KINDS


class CountryNote(models.Model):
    """A note shown on a country's help page, e.g. that no dedicated line was found."""

    country = CountryField(unique=True)
    name = models.JSONField(default=dict)
    note = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return str(self.country)


class ServiceKind(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    LEGAL_AID = "legal_aid", _("Legal aid")
    HEALTH = "health", _("Health care")
    COUNSELLING = "counselling", _("Counselling")
    EMPLOYMENT = "employment", _("Jobs and training")
    OTHER = "other", _("Other support")


class Service(models.Model):
    """A service an organisation offers, added by its administrators, shown on help pages."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="services"
    )
    country = CountryField(_("country"))
    province = models.CharField(_("province or city"), max_length=100, blank=True)
    kind = models.CharField(_("kind of service"), max_length=20, choices=ServiceKind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=2000)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    languages = models.CharField(
        _("languages spoken"),
        max_length=200,
        blank=True,
        help_text=_("For example: Vietnamese, English"),
    )
    published = models.BooleanField(_("shown to the public"), default=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["country", "kind", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name


class SearchDocument(models.Model):
    """One searchable thing in one language: an article, a country's help-lines, a service.

    The *_fold columns hold lower-case folded words separated by single spaces: both engines
    index exactly these words, so they find the same documents. `words` keeps the diacritics
    for ranking exact matches higher; `text` is the original plain text for snippets.
    """

    source = models.CharField(max_length=20)  # article | helpline | service
    key = models.CharField(max_length=80)
    language = models.CharField(max_length=5, db_index=True)
    kind = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=200)
    text = models.TextField()
    title_words = models.TextField()
    title_fold = models.TextField()
    words = models.TextField()
    body_fold = models.TextField()
    length = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "key", "language"], name="search_document")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.key}:{self.language}"


class SearchTerm(models.Model):
    """How many documents contain each folded word: the rarity that ranking weighs."""

    term = models.CharField(max_length=100, unique=True)
    documents = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.term


class SearchLanguageTerm(models.Model):
    """How many documents of one language contain each analysed word: the vocabulary a typo is
    corrected to in that language (a Malay word is no English word). SearchTerm keeps the
    counts over all languages, which ranking weighs."""

    language = models.CharField(max_length=5)
    term = models.CharField(max_length=100)
    documents = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["language", "term"], name="search_language_term")
        ]

    def __str__(self) -> str:
        return f"{self.language}:{self.term}"


class SearchTotals(models.Model):
    """Corpus totals for ranking (a single row)."""

    documents = models.PositiveIntegerField(default=0)
    length = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.documents} documents"


class CorrectionStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class Correction(models.Model):
    """A content editor's replacement body for a translated article, decided by another editor.

    An accepted correction is not applied to the page: the repository's file stays the source of
    truth, so the correction is exported as that file's new content and committed there.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    body = models.TextField(_("corrected text (Markdown)"))
    # The body it was written against, to show the difference even after the file changes.
    original = models.TextField()
    status = models.CharField(
        max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.PROPOSED
    )
    proposed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    proposed = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed"]

    def __str__(self) -> str:
        return f"{self.article} ({self.status})"
