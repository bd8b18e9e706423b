"""The staff page for spreadsheets: download commitments and progress as CSV, import them back.

An organisation administrator (commitment.report) imports progress reports on its commitments; a
coordinator (commitment.validate) imports commitments and their indicators. Every row is checked
first; when any row is wrong nothing is written and the page lists each row and column."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from haven.accounts.access import has_capability, staff_view
from haven.accounts.roles import Capability
from haven.participation import services, spreadsheets


def _capabilities(user) -> dict:
    return {
        "reports_progress": has_capability(user, Capability.COMMITMENT_REPORT),
        "validates": has_capability(user, Capability.COMMITMENT_VALIDATE),
    }


def _page(request, errors=None, status=200):
    context = {**_capabilities(request.user), "errors": errors or []}
    if not (context["reports_progress"] or context["validates"]):
        raise PermissionDenied
    return render(request, "participation/staff_spreadsheets.html", context, status=status)


@require_safe
@staff_view()
def spreadsheets_page(request):
    return _page(request)


@require_safe
@staff_view()
def own_progress_csv(request):
    """The reports this member may see (their organisation's, or all for a coordinator),
    whatever their validation: what they have sent and what came back."""
    capabilities = _capabilities(request.user)
    if not (capabilities["reports_progress"] or capabilities["validates"]):
        raise PermissionDenied
    text = spreadsheets.export_progress(services.reports_visible_to(request.user))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="progress-reports.csv"'
    return response


def _import(request, importer, capability):
    if not has_capability(request.user, capability):
        raise PermissionDenied
    upload = request.FILES.get("file")
    if upload is None:
        return _page(request, [_("Choose a CSV file.")], status=400)
    try:
        count = importer(request.user, upload.read(spreadsheets.MAX_BYTES + 1))
    except spreadsheets.ImportErrors as problems:
        return _page(request, problems.messages(), status=400)
    messages.success(request, _("%s rows imported.") % count)
    return redirect("participation_staff:spreadsheets")


@require_POST
@staff_view()
def import_progress(request):
    return _import(request, spreadsheets.import_progress, Capability.COMMITMENT_REPORT)


@require_POST
@staff_view()
def import_commitments(request):
    return _import(request, spreadsheets.import_commitments, Capability.COMMITMENT_VALIDATE)
