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
    Role.ANALYST: frozenset(
        {Capability.STATS_READ, Capability.COMMITMENT_VALIDATE, Capability.CONSULT_MANAGE}
    ),
    Role.ORG_ADMIN: frozenset(
        {Capability.ORG_ADMIN, Capability.STATS_READ, Capability.COMMITMENT_REPORT}
    ),
    Role.SYSADMIN: frozenset(
        {Capability.ORG_ADMIN, Capability.STATS_READ, Capability.SYSTEM_ADMIN}
    ),
}

# Roles that read personal data, or that control who can: two-factor is required for them.
# An analyst sees aggregates only and may choose two-factor without being forced to.
TWO_FACTOR_REQUIRED = frozenset({Role.CASE_MANAGER, Role.FRONTLINE, Role.ORG_ADMIN, Role.SYSADMIN})

# Roles an organisation administrator may give; only a system administrator makes another.
ASSIGNABLE_BY_ORG_ADMIN = [Role.CASE_MANAGER, Role.FRONTLINE, Role.ANALYST, Role.ORG_ADMIN]


def capabilities_of(role: str) -> frozenset[Capability]:
    return CAPABILITIES.get(role, frozenset())
