"""Changes to the services organisations list on help pages, audited and re-indexed."""

from django.db import transaction
from django.utils import timezone

from haven.audit.services import record_event
from haven.hub.content import index_service
from haven.hub.models import Service

SERVICE_FIELDS = [
    "name",
    "kind",
    "country",
    "province",
    "description",
    "phone",
    "hours",
    "languages",
    "published",
]


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
    changed = sorted(name for name, value in values.items() if getattr(service, name) != value)
    if changed:
        for name in changed:
            setattr(service, name, values[name])
        service.updated = timezone.now()
        service.save(update_fields=[*changed, "updated"])
        index_service(service)
        record_event(
            "service.changed",
            actor=actor,
            obj=service,
            organisation=service.organisation,
            summary={"fields": changed},
        )
    return changed
