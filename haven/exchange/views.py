"""Export and import in the staff pages: download buttons, and an import checked before writing.

The import is two steps. The upload is checked (a dry run) and the person sees how many cases,
people and consents the file holds, and every problem by row and field. The file waits in their
session, encrypted with the data key, until they confirm, cancel or sign out; nothing is written
before they confirm.
"""

import base64
import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.access import staff_view
from haven.accounts.roles import Capability
from haven.exchange import xlsx
from haven.exchange.export import cases_for_export, export_csv, export_json, record_export
from haven.exchange.forms import ExportForm, ImportForm
from haven.exchange.importer import import_bytes
from haven.lib.crypto import decrypt_bytes, encrypt_bytes

PENDING = "exchange.pending_import"
BOM = "\ufeff"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _organisation(request):
    if request.user.organisation_id is None:
        raise PermissionDenied
    return request.user.organisation


@staff_view(Capability.CASE_READ)
def page(request):
    _organisation(request)
    return render(
        request,
        "exchange/page.html",
        {
            "export_form": ExportForm(),
            "import_form": ImportForm(),
            "can_import": _can_import(request),
        },
    )


def _can_import(request) -> bool:
    return Capability.CASE_WRITE in request.user.capabilities


@staff_view(Capability.CASE_READ)
def download(request):
    organisation = _organisation(request)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(request, "exchange/page.html", {"export_form": form}, status=400)
    choice = form.cleaned_data["format"]
    cases = cases_for_export(organisation)
    fmt, extended = ExportForm.FORMATS[choice]
    record_export(
        actor=request.user, organisation=organisation, format=fmt, extended=extended,
        count=cases.count(), via="page",
    )  # fmt: skip
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx.workbook_from_csv(export_csv(cases)), content_type=xlsx.XLSX_CONTENT_TYPE
        )
    else:
        pieces = export_json(cases) if fmt == "json" else export_csv(cases, extended=extended)
        if choice == "csv-excel":
            pieces = _with_bom(pieces)
        response = StreamingHttpResponse(pieces, content_type=CONTENT_TYPES[fmt])
    filename = f"haven-cases-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response


def _with_bom(pieces):
    """Excel opens a CSV as UTF-8 (Vietnamese intact) only when it starts with a byte-order mark."""
    yield BOM
    yield from pieces


@require_POST
@staff_view(Capability.CASE_WRITE)
def check(request):
    organisation = _organisation(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        context = {"export_form": ExportForm(), "import_form": form, "can_import": True}
        return render(request, "exchange/page.html", context, status=422)
    upload = form.cleaned_data["file"]
    content = upload.read()
    result = import_bytes(
        content, filename=upload.name, organisation=organisation, actor=request.user,
        dry_run=True, skip_invalid=True,
    )  # fmt: skip
    token = secrets.token_urlsafe(16)
    if result.cases:
        request.session[PENDING] = {
            "token": token,
            "name": upload.name,
            "file": base64.b64encode(encrypt_bytes(content, _bound(request, token))).decode(),
        }
    return render(
        request,
        "exchange/preview.html",
        {"result": result, "name": upload.name, "token": token},
        status=200 if result.cases else 422,
    )


def _bound(request, token: str) -> bytes:
    """The pending file opens only for this member and this check."""
    return f"exchange:{request.user.pk}:{token}".encode()


@require_POST
@staff_view(Capability.CASE_WRITE)
def confirm(request):
    organisation = _organisation(request)
    pending = request.session.pop(PENDING, None)
    token = request.POST.get("token", "")
    if not pending or not secrets.compare_digest(pending["token"], token):
        messages.error(request, _("That import is no longer waiting. Check the file again."))
        return redirect("exchange:page")
    if request.POST.get("action") != "import":
        messages.success(request, _("Import cancelled. Nothing was written."))
        return redirect("exchange:page")
    content = decrypt_bytes(base64.b64decode(pending["file"]), _bound(request, token))
    result = import_bytes(
        content, filename=pending["name"], organisation=organisation, actor=request.user,
        skip_invalid=request.POST.get("skip_invalid") == "on",
    )  # fmt: skip
    return render(
        request,
        "exchange/preview.html",
        {"result": result, "name": pending["name"], "done": True},
        status=200 if result.written else 422,
    )
