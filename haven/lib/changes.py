"""Apply a set of field values to a model instance, saving only what really changed."""


def apply_changes(instance, values: dict, *, also_save: tuple[str, ...] = ()) -> list[str]:
    """Set the values that differ, save those fields, and return their names, sorted.

    The names (never the values) are what the audit log records about a change.
    """
    changed = sorted(name for name, value in values.items() if getattr(instance, name) != value)
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=[*changed, *also_save])
    return changed
