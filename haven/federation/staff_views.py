"""The staff page that refers a case to an organisation of a partner deployment abroad."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from haven.accounts.access import staff_view
from haven.accounts.roles import Capability
from haven.cases.access import access_case
from haven.cases.services import CaseError
from haven.federation.forms import CrossBorderForm
from haven.federation.referrals import refer_abroad


@staff_view(Capability.CASE_REFER)
def refer(request, case_id):
    access = access_case(request.user, case_id, write=True, audit=request.method == "GET")
    form = CrossBorderForm(request.POST or None, case=access.case)
    if request.method == "POST" and form.is_valid():
        try:
            refer_abroad(access.case, actor=request.user, **form.refer_arguments())
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Sent to the partner deployment in the other country."))
            return redirect("cases:detail", access.case.pk)
    return render(request, "federation/refer.html", {"form": form, "case": access.case})
