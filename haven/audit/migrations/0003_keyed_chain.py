"""Key the audit chain: every existing event is re-hashed with HMAC-SHA256 under HAVEN_AUDIT_KEY.

Before, each hash was a plain SHA-256 that anyone able to write the database could recompute.
The migration first checks the old chain (and refuses to go on if it is broken, naming the
event: re-keying a tampered chain would launder it), then re-hashes every event in order under
the first configured key. See docs/security.md, "Audit log".
"""

import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings
from django.db import migrations, models

GENESIS_HASH = "0" * 64
BATCH = 1000


def _content(event, key_id):
    items = [
        event.seq,
        event.created.astimezone(UTC).isoformat(timespec="microseconds"),
        str(event.actor_id or ""),
        event.actor_username,
        str(event.organisation_id or ""),
        event.action,
        event.object_type,
        event.object_id,
        event.summary,
    ]
    if key_id is not None:
        items.insert(0, key_id)
    return json.dumps(items, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def legacy_hash(event):
    return hashlib.sha256((event.previous_hash + _content(event, None)).encode()).hexdigest()


def rechain(apps, schema_editor):
    Event = apps.get_model("audit", "Event")
    key_id, key = settings.HAVEN_AUDIT_KEY[0]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
    expected_seq, old_previous, new_previous = 1, GENESIS_HASH, GENESIS_HASH
    changed = []
    for event in Event.objects.order_by("seq").iterator(chunk_size=BATCH):
        if event.key_id:  # already keyed (a re-run): nothing more to do from here
            break
        if (
            event.seq != expected_seq
            or event.previous_hash != old_previous
            or legacy_hash(event) != event.hash
        ):
            raise RuntimeError(
                f"The audit chain is broken at event {event.seq}: it is not re-keyed. "
                "Investigate (haven verify_audit on the previous release) before upgrading."
            )
        old_previous = event.hash
        event.previous_hash = new_previous
        event.key_id = key_id
        message = (new_previous + _content(event, key_id)).encode()
        event.hash = new_previous = hmac.new(key, message, hashlib.sha256).hexdigest()
        expected_seq += 1
        changed.append(event)
        if len(changed) >= BATCH:
            Event.objects.bulk_update(changed, ["previous_hash", "hash", "key_id"])
            changed = []
    if changed:
        Event.objects.bulk_update(changed, ["previous_hash", "hash", "key_id"])
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]
    operations = [
        migrations.AddField(
            model_name="event",
            name="key_id",
            field=models.CharField(default="", editable=False, max_length=16),
            preserve_default=False,
        ),
        migrations.RunPython(rechain, migrations.RunPython.noop),
    ]
