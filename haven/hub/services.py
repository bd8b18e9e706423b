"""Changes to the services organisations list on help pages, audited and re-indexed."""

from django.db import transaction
from django.utils import timezone

from haven.audit.services import record_event
from haven.hub.content import index_service
from haven.hub.models import Service
from haven.lib.changes import apply_changes


@transaction.atomic
def create_service(*, actor, organisation, **values) -> Service:
    service = Service.objects.create(organisation=organisation, **values)
    index_service(service)
    record_event(
        "service.created",
        actor=actor,
        obj=service,
        organisation=organisation,
        summary={"kind": service.kind, "country": str(service.country)},
    )
    return service


@transaction.atomic
def update_service(service: Service, *, actor, **values) -> list[str]:
    service.updated = timezone.now()
    changed = apply_changes(service, values, also_save=("updated",))
    if changed:
        index_service(service)
        record_event(
            "service.changed",
            actor=actor,
            obj=service,
            organisation=service.organisation,
            summary={"fields": changed},
        )
    return changed
