"""Staff pages where organisation administrators list their services on the help pages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from haven.accounts.access import organisations_visible_to, require_capability, staff_view
from haven.accounts.roles import Capability
from haven.hub import services
from haven.hub.forms import ServiceForm
from haven.hub.models import Service


def _get_service_for_user(user, service_id) -> Service:
    try:
        return Service.objects.select_related("organisation").get(
            pk=service_id, organisation__in=organisations_visible_to(user)
        )
    except (Service.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


@staff_view(Capability.ORG_ADMIN)
def service_list(request):
    items = Service.objects.filter(
        organisation__in=organisations_visible_to(request.user)
    ).select_related("organisation")
    return render(request, "hub/staff/services.html", {"services": items})


@staff_view(Capability.ORG_ADMIN)
def service_add(request):
    if request.user.organisation is None:
        messages.info(request, _("System administrators add services in the administration."))
        return redirect("hub_staff:services")
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.create_service(
            actor=request.user, organisation=request.user.organisation, **form.cleaned_data
        )
        messages.success(request, _("The service was added."))
        return redirect("hub_staff:services")
    return render(request, "hub/staff/service_form.html", {"form": form, "service": None})


@staff_view()
def service_edit(request, service_id):
    service = _get_service_for_user(request.user, service_id)
    require_capability(request.user, Capability.ORG_ADMIN)
    form = ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.changed_data}
        service.refresh_from_db()
        services.update_service(service, actor=request.user, **values)
        messages.success(request, _("The changes were saved."))
        return redirect("hub_staff:services")
    return render(request, "hub/staff/service_form.html", {"form": form, "service": service})
