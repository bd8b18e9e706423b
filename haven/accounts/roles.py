"""Roles: a few coarse capabilities each, and whether the role sees personal data.

This module is the one place that says who may do what; pages and the API both ask it.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Capability(StrEnum):
    REPORT_TRIAGE = "report.triage"
    CASE_READ = "case.read"
    CASE_WRITE = "case.write"
    CASE_REFER = "case.refer"
    SCREENING_USE = "screening.use"
    STATS_READ = "stats.read"
    ORG_ADMIN = "org.admin"
    SYSTEM_ADMIN = "system.admin"
    COMMITMENT_REPORT = "commitment.report"
    COMMITMENT_VALIDATE = "commitment.validate"
    CONSULT_MANAGE = "consult.manage"
    CONTENT_REVIEW = "content.review"


# Capabilities as pages show them: in words, never as codes.
CAPABILITY_LABELS: dict[Capability, str] = {
    Capability.REPORT_TRIAGE: _("Read and sort the reports sent to your organisation"),
    Capability.CASE_READ: _("Read the cases of your organisation and those referred to it"),
    Capability.CASE_WRITE: _("Open cases and add to them"),
    Capability.CASE_REFER: _("Refer cases to other organisations"),
    Capability.SCREENING_USE: _("Use the screening questions"),
    Capability.STATS_READ: _("See statistics (numbers only, no names)"),
    Capability.ORG_ADMIN: _("Manage the members of your organisation"),
    Capability.SYSTEM_ADMIN: _("Administer the whole system"),
    Capability.COMMITMENT_REPORT: _("Report progress on your organisation's commitments"),
    Capability.COMMITMENT_VALIDATE: _("Check and validate progress reports on commitments"),
    Capability.CONSULT_MANAGE: _("Run public consultations and moderate comments"),
    Capability.CONTENT_REVIEW: _("Review translations of the public articles and correct them"),
}


def capability_labels(capabilities) -> list[str]:
    """The capabilities in words, in the order of the table above."""
    return [str(label) for code, label in CAPABILITY_LABELS.items() if code in capabilities]


class Role(models.TextChoices):
    CASE_MANAGER = "case_manager", _("Case manager")
    FRONTLINE = "frontline", _("Frontline worker")
    ANALYST = "analyst", _("Analyst")
    ORG_ADMIN = "org_admin", _("Organisation administrator")
    SYSADMIN = "sysadmin", _("System administrator")


CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.CASE_MANAGER: frozenset(
        {
            Capability.REPORT_TRIAGE,
            Capability.CASE_READ,
            Capability.CASE_WRITE,
            Capability.CASE_REFER,
            Capability.SCREENING_USE,
        }
    ),
    Role.FRONTLINE: frozenset(
        {
            Capability.REPORT_TRIAGE,
            Capability.CASE_READ,
            Capability.CASE_WRITE,
            Capability.SCREENING_USE,
        }
    ),
    # Analysts look after what the public reads: consultations, and the articles' translations.
    Role.ANALYST: frozenset(
        {
            Capability.STATS_READ,
            Capability.COMMITMENT_VALIDATE,
            Capability.CONSULT_MANAGE,
            Capability.CONTENT_REVIEW,
        }
    ),
    Role.ORG_ADMIN: frozenset(
        {Capability.ORG_ADMIN, Capability.STATS_READ, Capability.COMMITMENT_REPORT}
    ),
    Role.SYSADMIN: frozenset(
        {
            Capability.ORG_ADMIN,
            Capability.STATS_READ,
            Capability.SYSTEM_ADMIN,
            Capability.CONTENT_REVIEW,
        }
    ),
}

# Roles that read personal data, or that control who can: two-factor is required for them.
# An analyst sees aggregates only and may choose two-factor without being forced to.
TWO_FACTOR_REQUIRED = frozenset({Role.CASE_MANAGER, Role.FRONTLINE, Role.ORG_ADMIN, Role.SYSADMIN})

# Roles an organisation administrator may give; only a system administrator makes another.
ASSIGNABLE_BY_ORG_ADMIN = [Role.CASE_MANAGER, Role.FRONTLINE, Role.ANALYST, Role.ORG_ADMIN]


def capabilities_of(role: str) -> frozenset[Capability]:
    return CAPABILITIES.get(role, frozenset())
