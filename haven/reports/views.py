"""The reporter's pages: in danger now?, the report form, the receipt, and follow-up.

Nothing here sets a cookie or puts anything about a report in a URL: the receipt is shown in the
answer to the form (never at an address of its own) and is sent back in forms, not links.
"""

from django.conf import settings
from django.db import DatabaseError
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from haven.hub.selectors import default_nationality, emergency_lines
from haven.lib.public_forms import form_token, public_form
from haven.lib.ratelimit import begin_attempt, forgive, hit
from haven.reports import services
from haven.reports.forms import DangerForm, FollowUpForm, ReceiptForm, ReportForm
from haven.reports.presenters import answers_of, reporter_answers, reporter_thread
from haven.reports.receipts import (
    RECEIPT_LIMITS,
    RECEIPT_SCOPE,
    BadReceipt,
    format_receipt,
    normalize_receipt,
)


def not_saved_message() -> str:
    return _(
        "Your report could not be saved because of a problem on our side, and nothing was "
        "stored. Please try again in a moment. If someone is in danger, call for help now."
    )


def _page(request, template, context, status=200):
    context = {**context, "form_token": form_token()}
    response = render(request, template, context, status=status)
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store"
    return response


def _too_many(request, retry_after: int):
    response = _page(
        request,
        "reports/too_many.html",
        {"minutes": max(1, (retry_after + 59) // 60)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


@public_form
@require_http_methods(["GET", "POST"])
def start(request):
    """First question: is someone in danger now? Yes shows who to call before anything else.

    The answer is posted, not put in the address, so the browser's history does not keep it;
    the report form comes in the same answer, under the numbers to call.
    """
    initial = {
        "country": settings.HAVEN_COUNTRY,
        "nationality": default_nationality(get_language()) or "",
    }
    form = DangerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        country = form.cleaned_data["country"] or settings.HAVEN_COUNTRY
        danger = form.cleaned_data["danger_now"] == "yes"
        nationality = form.cleaned_data["nationality"] or None
        context = {
            "form": ReportForm(initial={"country": country, "danger_now": danger}),
            "lines": emergency_lines(country, nationality) if danger else None,
        }
        return _page(request, "reports/new.html", context)
    return _page(request, "reports/start.html", {"form": form}, status=422 if form.errors else 200)


CARRIED_OUT = {"form_token", "change", "files"}


def _limits() -> dict:
    """Said before the upload, not after."""
    return {"max_files": settings.HAVEN_MAX_ATTACHMENTS, "max_mb": settings.HAVEN_ATTACHMENT_MAX_MB}


def _carried(post) -> list[tuple[str, str]]:
    """The answers so far, as hidden fields: nothing is stored before "Send"."""
    return [
        (name, value)
        for name, values in post.lists()
        if name not in CARRIED_OUT
        for value in values
    ]


def _answers_so_far(post) -> dict:
    multiple = set(ReportForm.multiple_fields())
    return {name: values if name in multiple else values[-1] for name, values in post.lists()}


def _check_page(request, form, status=200):
    answers = answers_of(form.cleaned_data, [], unanswered=_("Not answered"))
    context = {"form": form, "answers": answers, "carried": _carried(request.POST), **_limits()}
    return _page(request, "reports/check.html", context, status=status)


@public_form
@require_http_methods(["POST"])
def check(request):
    """Check your answers (or change one): the answers come and go in the form, never stored."""
    if "change" in request.POST:
        form = ReportForm(initial=_answers_so_far(request.POST))
        return _page(request, "reports/new.html", {"form": form})
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _page(request, "reports/new.html", {"form": form}, status=422)
    return _check_page(request, form)


@public_form
@require_http_methods(["GET", "POST"])
def new(request):
    if request.method == "GET":
        initial = {"country": settings.HAVEN_COUNTRY}
        return _page(request, "reports/new.html", {"form": ReportForm(initial=initial)})
    # Counted before the (costly) checks of the files, so bad posts cannot be free.
    verdict = hit(request, "report", settings.HAVEN_REPORTS_PER_HOUR, 3600)
    if not verdict.allowed:
        return _too_many(request, verdict.retry_after)
    form = ReportForm(request.POST, files_list=request.FILES.getlist("files"))
    if not form.is_valid():
        if set(form.errors) == {"files"}:  # the files are chosen on the check page
            return _check_page(request, form, status=422)
        return _page(request, "reports/new.html", {"form": form}, status=422)
    return _send(request, form)


def _send(request, form):
    data = form.cleaned_data
    language = get_language() or settings.LANGUAGE_CODE
    try:
        report, receipt = services.submit_report(
            services.NewReport.of({**data, "language": language}), data["files"]
        )
    except DatabaseError:
        # Nothing was stored (one transaction): say so plainly, keep what they wrote.
        form.add_error(None, not_saved_message())
        return _check_page(request, form, status=503)
    nationality = default_nationality(language)
    lines = emergency_lines(report.country, nationality) if report.danger_now else None
    context = {"receipt": format_receipt(receipt), "lines": lines}
    return _page(request, "reports/receipt.html", context, status=201)


def _status_page(request, report, receipt, form=None, status=200, added=False):
    context = {
        "report": report,
        "status_text": services.reporter_status(report),
        "answers": reporter_answers(report),
        # Not "messages": base.html shows Django's messages framework under that name.
        "thread": reporter_thread(report),
        "receipt": receipt,
        "form": form or FollowUpForm(initial={"receipt": receipt}),
        "added": added,
        **_limits(),
    }
    return _page(request, "reports/status.html", context, status=status)


def _report_for(request):
    try:
        receipt = normalize_receipt(request.POST.get("receipt", ""))
    except BadReceipt:
        return None, ""
    return services.find_by_receipt(receipt), receipt


@public_form
@require_http_methods(["GET", "POST"])
def follow_up(request):
    if request.method == "GET":
        return _page(request, "reports/follow_up.html", {"form": ReceiptForm()})
    verdict = begin_attempt(request, RECEIPT_SCOPE, **RECEIPT_LIMITS)
    if not verdict.allowed:
        return _too_many(request, verdict.retry_after)
    report, receipt = _report_for(request)
    if report is None:
        # A malformed receipt, an unknown one, one of a deleted report: the same answer.
        form = ReceiptForm(request.POST)
        form.is_valid()
        form.add_error(None, _("No report has this receipt. Check the 16 digits and try again."))
        return _page(request, "reports/follow_up.html", {"form": form}, status=404)
    forgive(request, RECEIPT_SCOPE)
    shown = format_receipt(receipt)
    if "body" not in request.POST:
        services.record_reporter_visit(report)
        return _status_page(request, report, shown)
    form = FollowUpForm(request.POST, files_list=request.FILES.getlist("files"))
    if not form.is_valid():
        return _status_page(request, report, shown, form, status=422)
    services.add_reporter_message(report, form.cleaned_data["body"], form.cleaned_data["files"])
    return _status_page(request, report, shown, added=True)
