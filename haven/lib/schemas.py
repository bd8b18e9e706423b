"""Request schemas for the JSON API, generated from the Django forms that hold the rules.

A form is the single source of an input's rules: the page and the API run it, so a rule
(a choice, a length, a cross-field check) holds in both places, with its message in the
reader's language. The schema made here says the same thing to machines: each field's type,
whether it is required, its choices as an `enum` and its limits (`maxLength`, `minimum`, ...),
as they appear in `/api/v1/openapi.json`. Pydantic checks only the types and the shape; the
form checks the values, so every value error comes from one place (docs/api.md says why).
"""

from datetime import date, datetime
from typing import Annotated, Any, ClassVar
from uuid import UUID

from django import forms
from django.forms.models import model_to_dict
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import ValidationError
from pydantic import ConfigDict, Field, create_model, model_validator


class FormSchema(Schema):
    """The base of generated schemas.

    Pydantic checks types only, so that the form can report every value error at once, in the
    reader's language: a required field may be missing here (the form says it is required), and
    an unknown field is kept for the view to name with the others. The document still says
    what is required and that nothing else is accepted.
    """

    model_config = ConfigDict(extra="allow")
    required_fields: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        # A JSON body is a dict: validated as it is, so that unknown fields stay in model_extra
        # (ninja's own wrapper reads attributes, which drops them).
        return handler(values)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        target["additionalProperties"] = False
        if cls.required_fields:
            target["required"] = list(cls.required_fields)
            for name in cls.required_fields:
                target["properties"][name].pop("default", None)
        return schema


def _choices(field) -> list:
    """The values a choice field accepts, flattened from option groups."""
    values = []
    for value, label in field.choices:
        if isinstance(label, list | tuple):
            values += [inner for inner, _label in label]
        else:
            values.append(value)
    if field.required:
        values = [value for value in values if value not in ("", None)]
    return [value.value if hasattr(value, "value") else value for value in values]


def _describe(field) -> tuple[Any, dict]:
    """(python type, JSON-schema keywords) of a form field."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return list[str], {}
    if isinstance(field, forms.ModelChoiceField):
        return str, {}
    if isinstance(field, forms.MultipleChoiceField):
        if hasattr(field, "schema_type"):  # it also reads another shape, e.g. "VN, KH"
            return field.schema_type, {}
        return list[str], {"items": {"type": "string", "enum": _choices(field)}}
    if isinstance(field, forms.ChoiceField):
        enum = _choices(field)
        kind = int if enum and all(isinstance(value, int) for value in enum) else str
        return kind, {"enum": enum}
    if isinstance(field, forms.NullBooleanField):
        return bool | None, {}
    if isinstance(field, forms.BooleanField):
        return bool, {}
    if isinstance(field, forms.IntegerField):
        limits = {"minimum": field.min_value, "maximum": field.max_value}
        return int, {key: value for key, value in limits.items() if value is not None}
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return float, {}
    if isinstance(field, forms.DateTimeField):
        return datetime, {}
    if isinstance(field, forms.DateField):
        return date, {}
    if isinstance(field, forms.UUIDField):
        return UUID, {}
    if isinstance(field, forms.JSONField):
        return Any, {}
    if isinstance(field, forms.CharField):
        limits = {"maxLength": field.max_length, "minLength": field.min_length}
        extra = {key: value for key, value in limits.items() if value is not None}
        if isinstance(field, forms.EmailField):
            extra["format"] = "email"
        return getattr(field, "schema_type", str), extra
    raise TypeError(f"no schema for {type(field).__name__}; pass it in `fields` or `exclude`")


def schema_from_form(
    form_class,
    *,
    name: str,
    init: dict | None = None,
    partial: bool = False,
    exclude: tuple[str, ...] = (),
    defaults: dict | None = None,
    fields: dict | None = None,
    required: tuple[str, ...] = (),
) -> type[Schema]:
    """A ninja Schema named `name` with the fields of `form_class`; with `init`, the fields of
    an unbound form made with those arguments (for a form whose `__init__` changes its fields).

    `partial` makes every field optional (PATCH). `defaults` are values the API fills in, so
    those fields are not required. `fields` adds or replaces fields: {name: (type, Field(...))};
    `required` names those of them the document lists as required (the view checks them).
    """
    defaults = defaults or {}
    with translation.override("en"):  # the document is in English, whatever is active
        form_fields = form_class(**init).fields if init is not None else form_class.base_fields
    definitions, required = {}, [*required]
    for field_name, field in form_fields.items():
        if field_name in exclude:
            continue
        kind, extra = _describe(field)
        if extra:  # on the type itself, so that an optional field's enum is not beside `null`
            kind = Annotated[kind, Field(json_schema_extra=extra)]
        with translation.override("en"):  # the document is in English, whatever is active
            description = str(field.help_text or field.label or "") or None
        if field.required and not partial and field_name not in defaults:
            required.append(field_name)
            definitions[field_name] = (kind, Field(None, description=description))
        else:
            default = defaults.get(field_name)
            definitions[field_name] = (kind | None, Field(default, description=description))
    definitions.update(fields or {})
    schema = create_model(name, __base__=FormSchema, **definitions)
    schema.required_fields = tuple(dict.fromkeys(required))
    return schema


def form_data(payload: Schema) -> dict:
    """The fields the client sent (with unknown ones), ready for a form; null means "not sent"."""
    data = payload.model_dump(exclude_unset=True)
    data.update(payload.model_extra or {})
    return {key: value for key, value in data.items() if value is not None}


def invalid(errors: list[tuple[str, str]]):
    """Answer 422 with these (field, message) pairs, in the API's error shape."""
    raise ValidationError(
        [{"loc": ("body", "payload", field), "msg": msg} for field, msg in errors]
    )


def validated_form(
    form_class, payload, *, prefix: str = "", instance=None, errors=None, **kwargs
) -> forms.BaseForm:
    """Run a page's form on a request body: fields not sent keep their current values (PATCH).

    Errors name the field as the client sent it (`person.birthdate`) and are raised as 422, or
    added to `errors` when the caller checks several parts before answering.
    """
    collect = errors
    payload = form_data(payload) if isinstance(payload, Schema) else (payload or {})
    data = {}
    if instance is not None:
        data = {
            key: value
            for key, value in model_to_dict(instance).items()
            if value not in (None, "") and key in form_class.base_fields
        }
    unknown = sorted(set(payload) - set(form_class.base_fields))
    errors = [(f"{prefix}{name}", _("unknown field")) for name in unknown]
    data.update(payload)
    form = form_class(data=data, **kwargs)
    if not form.is_valid():
        errors += [
            (f"{prefix}{name}" if name != "__all__" else prefix.rstrip(".") or "body", str(msg))
            for name, messages in form.errors.items()
            for msg in messages
        ]
    if collect is not None:
        collect += errors
    elif errors:
        invalid(errors)
    return form
