"""Staff pages: sign in with two-factor, the staff home, API tokens and the organisation's team."""

import base64
import time

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import signals as auth_signals
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import services, throttle
from haven.accounts.access import (
    access_member,
    access_organisation,
    has_capability,
    require_capability,
    staff_view,
    two_factor_satisfied,
)
from haven.accounts.forms import (
    CodeForm,
    MemberChangeForm,
    MemberCreateForm,
    NewPasswordForm,
    SignInCodeForm,
    TokenForm,
)
from haven.accounts.models import ApiToken, User
from haven.accounts.roles import Capability, capability_labels
from haven.audit.services import record_event

PENDING_KEY = "haven_pending_login"
ENROL_KEY = "haven_enrol_device"
PENDING_SECONDS = 300


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("workspace:home")


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


def _pending_user(request) -> User | None:
    """The user who gave a correct password and still owes a second factor."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


def _two_factor_user(request) -> User | None:
    if request.user.is_authenticated:
        return request.user
    return _pending_user(request)


def _complete_login(request, user: User, device=None):
    backend = request.session.get(PENDING_KEY, {}).get("backend")
    request.session.pop(PENDING_KEY, None)
    if not request.user.is_authenticated:
        login(request, user, backend=backend or settings.AUTHENTICATION_BACKENDS[-1])
    if device is not None:
        otp_login(request, device)
    throttle.clear(user.username)
    recovery = isinstance(device, StaticDevice)
    summary = {"two_factor": device is not None}
    if recovery:
        summary["recovery_code"] = True
    record_event("auth.login", actor=user, summary=summary)
    if recovery:
        _recovery_code_used(request, user)
    failures = services.take_failed_sign_ins(user)
    if failures:
        messages.warning(
            request,
            ngettext(
                "There was %(count)d failed attempt to sign in to your account since your last "
                "sign-in. If it was not you, tell your organisation's administrator.",
                "There were %(count)d failed attempts to sign in to your account since your last "
                "sign-in. If they were not you, tell your organisation's administrator.",
                failures,
            )
            % {"count": failures},
        )


def _recovery_code_used(request, user: User) -> None:
    left = services.recovery_codes_left(user)
    messages.warning(
        request,
        ngettext(
            "You signed in with a recovery code. It cannot be used again: %(count)d code is "
            "left. If you lost your phone, ask your organisation's administrator to reset "
            "your two-factor sign-in.",
            "You signed in with a recovery code. It cannot be used again: %(count)d codes are "
            "left. If you lost your phone, ask your organisation's administrator to reset "
            "your two-factor sign-in.",
            left,
        )
        % {"count": left},
    )


def _second_factor_failed(request, user: User):
    """Count a wrong code like a wrong password, so guessing codes also ends in a lockout."""
    request.haven_lockout_user = user
    auth_signals.user_login_failed.send(
        sender=__name__, credentials={"username": user.username}, request=request
    )
    throttle.count_failure(user.username)
    services.note_failed_sign_in(user)
    record_event("auth.login_failed", actor=user, summary={"reason": "two_factor"})


def _password_failed(request) -> None:
    typed = request.POST.get("username", "")
    known = User.objects.filter(username=typed).first()
    reason = "locked" if getattr(request, "axes_locked_out", False) else "password"
    throttle.count_failure(typed)
    if known is not None:
        services.note_failed_sign_in(known)
    record_event(
        "auth.login_failed",
        actor=known,
        summary={"reason": reason, "known_user": known is not None},
    )


def _slow_down(request, template: str, form, next_url: str, wait: int):
    """Too many failures on this account from anywhere: this attempt waits, nobody is locked."""
    form.errors.clear()
    form.add_error(
        None,
        ngettext(
            "There were many wrong attempts on this account. Please wait %(seconds)d second "
            "and try again.",
            "There were many wrong attempts on this account. Please wait %(seconds)d seconds "
            "and try again.",
            wait,
        )
        % {"seconds": wait},
    )
    response = render(request, template, {"form": form, "next": next_url}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _is_locked(request, user: User) -> bool:
    return AxesProxyHandler.is_locked(request, credentials={"username": user.username})


@never_cache
def login_view(request):
    next_url = _next_url(request)
    if request.user.is_authenticated:
        if two_factor_satisfied(request.user):
            return redirect(next_url)
        return redirect(_with_next(reverse("accounts:verify"), next_url))

    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST":
        wait = throttle.wait_seconds(request.POST.get("username", ""))
        if wait:
            return _slow_down(request, "accounts/login.html", form, next_url, wait)
        if form.is_valid():
            user = form.get_user()
            if user.requires_two_factor or user_has_device(user, confirmed=True):
                request.session.cycle_key()
                request.session[PENDING_KEY] = {
                    "user": str(user.pk),
                    "at": time.time(),
                    "backend": user.backend,
                }
                step = (
                    "accounts:verify" if user_has_device(user, confirmed=True) else "accounts:enrol"
                )
                return redirect(_with_next(reverse(step), next_url))
            _complete_login(request, user)
            return redirect(next_url)
        _password_failed(request)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@never_cache
def verify_view(request):
    next_url = _next_url(request)
    user = _two_factor_user(request)
    if user is None:
        messages.info(request, _("Your sign-in took too long. Please start again."))
        return redirect(_with_next(reverse("accounts:login"), next_url))
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(next_url)
    if not user_has_device(user, confirmed=True):
        return redirect(_with_next(reverse("accounts:enrol"), next_url))
    if _is_locked(request, user):
        request.session.pop(PENDING_KEY, None)
        return lockout_response(request)

    form = SignInCodeForm(request.POST or None)
    wait = throttle.wait_seconds(user.username) if request.method == "POST" else 0
    if wait:
        return _slow_down(request, "accounts/verify.html", form, next_url, wait)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"])
        if device is not None:
            _complete_login(request, user, device)
            return redirect(next_url)
        _second_factor_failed(request, user)
        if _is_locked(request, user):
            request.session.pop(PENDING_KEY, None)
            return lockout_response(request)
        form.add_error(
            "code",
            _("That code is not right, or was already used. Wait for a new code and try again."),
        )
    return render(request, "accounts/verify.html", {"form": form, "next": next_url})


def lockout_response(request, original_response=None, credentials=None):
    """The page for a locked account (also django-axes' AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked.html", {"minutes": minutes}, status=429)


def _enrol_device(request, user):
    """The unconfirmed device this session enrols; None when a POST's device is gone."""
    # Every visit makes a fresh secret, known only to this session: whoever else reaches this
    # page (with a phished or temporary password) can never learn the secret that gets confirmed.
    if request.method == "POST":
        return TOTPDevice.objects.filter(
            pk=request.session.get(ENROL_KEY), user=user, confirmed=False
        ).first()
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    request.session[ENROL_KEY] = device.pk
    return device


def _enrolment_code(device) -> dict:
    """The secret as a QR code and as groups of four letters, for typing by hand."""
    secret = base64.b32encode(device.bin_key).decode()
    return {
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(
            scale=5, dark="#000", light="#fff", omitsize=False
        ),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }


@never_cache
def enrol_view(request):
    next_url = _next_url(request)
    user = _two_factor_user(request)
    if user is None:
        return redirect(_with_next(reverse("accounts:login"), next_url))
    if user_has_device(user, confirmed=True):
        if request.user.is_authenticated and request.user.is_verified():
            messages.info(request, _("Two-factor sign-in is already set up."))
            return redirect(next_url)
        return redirect(_with_next(reverse("accounts:verify"), next_url))
    if _is_locked(request, user):
        request.session.pop(PENDING_KEY, None)
        return lockout_response(request)

    device = _enrol_device(request, user)
    if device is None:
        return redirect(_with_next(reverse("accounts:enrol"), next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = services.confirm_two_factor(device)
            request.session.pop(ENROL_KEY, None)
            _complete_login(request, user, device)
            messages.success(request, _("Two-factor sign-in is set up."))
            # Shown in this answer only, never stored where a later page could show them again.
            context = {"codes": codes, "next": next_url, "first": True}
            return render(request, "accounts/recovery_codes.html", context)
        _second_factor_failed(request, user)
        form.add_error(
            "code",
            _("That code is not right. Check that your phone's clock is correct and try again."),
        )

    context = {"form": form, "next": next_url, **_enrolment_code(device)}
    return render(request, "accounts/enrol.html", context)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        record_event("auth.logout", actor=request.user)
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("accounts:login")


@staff_view()
def home(request):
    user = request.user
    context = {
        "capabilities": capability_labels(user.capabilities),
        "two_factor": user_has_device(user, confirmed=True),
    }
    return render(request, "accounts/home.html", context)


@staff_view(before_password_change=True)
def password_view(request):
    form = NewPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.set_member_password(
            request.user, actor=request.user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password was changed."))
        return redirect(_next_url(request))
    context = {
        "form": form,
        "next": _next_url(request),
        "forced": request.user.must_change_password,
    }
    return render(request, "accounts/password.html", context)


@staff_view()
def recovery_codes(request):
    """How many recovery codes are left; a POST makes ten new ones and shows them once."""
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:enrol")
    if request.method == "POST":
        codes = services.create_recovery_codes(request.user, actor=request.user)
        return render(request, "accounts/recovery_codes.html", {"codes": codes})
    left = services.recovery_codes_left(request.user)
    return render(request, "accounts/recovery_codes.html", {"left": left})


@staff_view()
def tokens(request):
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _, new_token = services.create_api_token(
            request.user,
            actor=request.user,
            name=form.cleaned_data["name"],
            valid_days=form.cleaned_data["valid_days"],
        )
        form = TokenForm()
    context = {
        "form": form,
        "new_token": new_token,
        "tokens": ApiToken.objects.filter(user=request.user),
    }
    return render(request, "accounts/tokens.html", context)


@require_POST
@staff_view()
def revoke_token(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.revoke_api_token(token, actor=request.user)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")


@staff_view()
def organisation(request, organisation_id):
    org = access_organisation(request.user, organisation_id)
    members = org.members.order_by("username")
    context = {
        "organisation": org,
        "members": members,
        "can_manage": has_capability(request.user, Capability.ORG_ADMIN),
    }
    return render(request, "accounts/organisation.html", context)


@staff_view()
def add_member(request, organisation_id):
    org = access_organisation(request.user, organisation_id)
    require_capability(request.user, Capability.ORG_ADMIN)
    form = MemberCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        password = services.generate_password()
        member = services.create_member(
            actor=request.user,
            organisation=org,
            password=password,
            temporary=True,
            **form.cleaned_data,
        )
        context = {"member": member, "password": password, "organisation": org}
        return render(request, "accounts/member_created.html", context)
    return render(request, "accounts/member_add.html", {"form": form, "organisation": org})


@staff_view()
def member(request, member_id):
    target = access_member(request.user, member_id)
    form = MemberChangeForm(request.POST or None, instance=target, actor=request.user)
    if request.method == "POST" and form.is_valid():
        values = {field: form.cleaned_data[field] for field in form.changed_data}
        # ModelForm.is_valid() already copied the values onto the instance: reload to compare.
        target.refresh_from_db()
        services.change_member(target, actor=request.user, **values)
        messages.success(request, _("The changes were saved."))
        return redirect("accounts:organisation", organisation_id=target.organisation_id)
    context = {
        "member": target,
        "form": form,
        "two_factor": user_has_device(target, confirmed=True),
    }
    return render(request, "accounts/member.html", context)


@require_POST
@staff_view()
def reset_member_two_factor(request, member_id):
    target = access_member(request.user, member_id)
    services.reset_two_factor(target, actor=request.user)
    messages.success(
        request, _("Two-factor sign-in was reset. They will set it up again at their next sign-in.")
    )
    return redirect("accounts:member", member_id=target.pk)


@require_POST
@staff_view()
def reset_member_password(request, member_id):
    target = access_member(request.user, member_id)
    password = services.generate_password()
    services.set_member_password(target, actor=request.user, password=password)
    context = {"member": target, "password": password, "organisation": target.organisation}
    return render(request, "accounts/member_created.html", context)
