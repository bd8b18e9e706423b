"""Every change to organisations, staff accounts and tokens, each audited in one transaction."""

import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import ApiToken, Organisation, User, hash_token
from haven.accounts.roles import Role
from haven.audit.services import record_event
from haven.lib.changes import apply_changes

ORGANISATION_FIELDS = (
    "name",
    "org_type",
    "country",
    "receives_public_reports",
    "accepts_cross_border",
)


@transaction.atomic
def create_organisation(*, actor, **values) -> Organisation:
    organisation = Organisation.objects.create(**values)
    record_event(
        "organisation.created",
        actor=actor,
        obj=organisation,
        organisation=organisation,
        summary={"org_type": organisation.org_type, "country": str(organisation.country)},
    )
    return organisation


@transaction.atomic
def update_organisation(organisation: Organisation, *, actor, **values) -> list[str]:
    changed = apply_changes(organisation, values)
    if changed:
        record_event(
            "organisation.changed",
            actor=actor,
            obj=organisation,
            organisation=organisation,
            summary={"fields": changed},
        )
    return changed


def generate_password() -> str:
    return secrets.token_urlsafe(12)


@transaction.atomic
def create_member(
    *,
    actor,
    organisation: Organisation | None,
    username: str,
    role: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    temporary: bool = False,
) -> User:
    """`temporary`: the password was chosen for the member, who must change it first."""
    user = User(
        username=username,
        organisation=organisation,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=role == Role.SYSADMIN,
        is_superuser=role == Role.SYSADMIN,
        must_change_password=temporary,
    )
    user.set_password(password)
    user.save()
    record_event(
        "user.created", actor=actor, obj=user, organisation=organisation, summary={"role": role}
    )
    return user


@transaction.atomic
def change_member(member: User, *, actor, **values) -> list[str]:
    """Change a member's profile, role or active state; the audit names the fields only."""
    if "role" in values:
        values["is_staff"] = values["is_superuser"] = values["role"] == Role.SYSADMIN
    changed = apply_changes(member, values)
    if changed:
        summary = {"fields": changed}
        if "role" in changed:
            summary["role"] = member.role
        if "is_active" in changed:
            summary["is_active"] = member.is_active
        record_event(
            "user.changed",
            actor=actor,
            obj=member,
            organisation=member.organisation,
            summary=summary,
        )
    return changed


@transaction.atomic
def set_member_password(member: User, *, actor, password: str) -> None:
    """A member's own change ends a forced change; anyone else's is a reset (`reset_by_other`)."""
    member.set_password(password)
    member.must_change_password = False
    member.save(update_fields=["password", "must_change_password"])
    record_event("user.password_set", actor=actor, obj=member, organisation=member.organisation)
    if actor != member:
        password_reset_by_other(member, actor=actor)


@transaction.atomic
def password_reset_by_other(member: User, *, actor) -> None:
    """After an administrator set a member's password: the member changes it at their next
    sign-in, and API tokens made before stop working (whoever reset it may have had cause)."""
    User.objects.filter(pk=member.pk).update(must_change_password=True)
    member.must_change_password = True
    _revoke_all_tokens(member, actor=actor)


def _revoke_all_tokens(member: User, *, actor) -> None:
    """After someone else resets a member's sign-in, tokens made before stop working too."""
    for token in member.api_tokens.filter(revoked_at__isnull=True):
        revoke_api_token(token, actor=actor)


@transaction.atomic
def reset_two_factor(member: User, *, actor) -> int:
    """Remove a member's authenticator and recovery codes so they enrol again at next login."""
    removed, _ = TOTPDevice.objects.filter(user=member).delete()
    StaticDevice.objects.filter(user=member).delete()  # recovery codes belong to the old phone
    record_event(
        "user.two_factor_reset",
        actor=actor,
        obj=member,
        organisation=member.organisation,
        summary={"devices_removed": removed},
    )
    if actor != member:
        _revoke_all_tokens(member, actor=actor)
    return removed


def note_failed_sign_in(member: User) -> None:
    User.objects.filter(pk=member.pk).update(
        failed_sign_ins=F("failed_sign_ins") + 1, last_failed_sign_in=timezone.now()
    )


def take_failed_sign_ins(member: User) -> int:
    """The failures since the member's last sign-in, counted from zero again from now on."""
    with transaction.atomic():
        count = (
            User.objects.select_for_update()
            .filter(pk=member.pk)
            .values_list("failed_sign_ins", flat=True)
            .first()
        )
        if count:
            User.objects.filter(pk=member.pk).update(failed_sign_ins=0)
    return count or 0


@transaction.atomic
def confirm_two_factor(device: TOTPDevice) -> list[str]:
    """Confirm the authenticator; returns the member's first recovery codes, to show once."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_event("auth.two_factor_enrolled", actor=device.user, obj=device.user)
    return create_recovery_codes(device.user, actor=device.user)


RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to mistake


def normalise_code(code: str) -> str:
    """What a member types (`K7M2-Q9XPA`, spaces) as stored: lower case, nothing between."""
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def create_recovery_codes(user: User, *, actor) -> list[str]:
    """New single-use recovery codes (django-otp's static device); the old ones stop working.

    Ten codes of ten characters (49 bits each), shown once, each usable once: a code is
    deleted as it is used (`StaticDevice.verify_token`).
    """
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    record_event(
        "auth.recovery_codes_created",
        actor=actor,
        obj=user,
        organisation=user.organisation,
        summary={"count": len(codes)},
    )
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def create_api_token(
    user: User, *, actor, name: str, valid_days: int | None = None
) -> tuple[ApiToken, str]:
    """Return the token row and the token itself, which is shown once and never stored."""
    secret = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        digest=hash_token(secret),
        hint=secret[:8],
        expires_at=timezone.now() + timedelta(days=valid_days) if valid_days else None,
    )
    record_event(
        "token.created",
        actor=actor,
        obj=user,
        organisation=user.organisation,
        summary={"token": str(token.pk), "valid_days": valid_days},
    )
    return token, secret


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            "token.revoked",
            actor=actor,
            obj=token.user,
            organisation=token.user.organisation,
            summary={"token": str(token.pk)},
        )
