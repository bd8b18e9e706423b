"""Read what the database holds, under the model layer: for tests of encryption at rest and audit."""

from django.db import connection

from haven.audit.models import Event


def stored(model, pk, field: str):
    """The raw column value of one row, as stored (ciphertext for an encrypted field)."""
    sql, params = model.objects.filter(pk=pk).values(field).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        value = cursor.fetchone()[0]
    return bytes(value) if isinstance(value, memoryview) else value


def actions(obj) -> list[str]:
    """The audit actions written about an object, oldest first."""
    return list(
        Event.objects.filter(object_id=str(obj.pk)).order_by("seq").values_list("action", flat=True)
    )


def last_event(action: str) -> Event:
    return Event.objects.filter(action=action).order_by("-seq").first()
