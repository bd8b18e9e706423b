"""Request schemas generated from forms: types, enumerations, limits, required, partial."""

from datetime import date

import pytest
from django import forms
from pydantic import ValidationError

from haven.lib.schemas import form_data, schema_from_form


class PetForm(forms.Form):
    name = forms.CharField(label="Name", max_length=20, min_length=2)
    kind = forms.ChoiceField(choices=[("", "—"), ("cat", "Cat"), ("dog", "Dog")])
    size = forms.TypedChoiceField(choices=[(1, "Small"), (2, "Large")], coerce=int, required=False)
    tricks = forms.MultipleChoiceField(choices=[("sit", "Sit"), ("roll", "Roll")], required=False)
    born = forms.DateField(required=False)
    vaccinated = forms.BooleanField(required=False)
    neutered = forms.NullBooleanField(required=False)
    legs = forms.IntegerField(min_value=0, max_value=4, required=False)
    owner_email = forms.EmailField(required=False, help_text="Where to write")


KEYWORDS = ("type", "enum", "items", "format", "maxLength", "minLength", "minimum", "maximum")


def properties(schema):
    """The document, and each property's type keywords (an optional field's non-null branch)."""
    document = schema.json_schema()
    props = {}
    for name, prop in document["properties"].items():
        typed = next((p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"), prop)
        props[name] = {key: value for key, value in typed.items() if key in KEYWORDS}
    return document, props


def test_it_describes_each_kind_of_field():
    document, props = properties(schema_from_form(PetForm, name="PetIn"))
    assert document["required"] == ["name", "kind"]
    assert document["additionalProperties"] is False
    assert props["name"] == {"type": "string", "maxLength": 20, "minLength": 2}
    assert props["kind"]["enum"] == ["cat", "dog"]  # the blank choice is not a value
    assert props["size"] == {"type": "integer", "enum": [1, 2]}
    assert props["tricks"]["items"] == {"type": "string", "enum": ["sit", "roll"]}
    assert props["born"] == {"type": "string", "format": "date"}
    assert props["vaccinated"]["type"] == "boolean" and props["neutered"]["type"] == "boolean"
    assert (props["legs"]["minimum"], props["legs"]["maximum"]) == (0, 4)
    assert props["owner_email"]["format"] == "email"
    assert document["properties"]["owner_email"]["description"] == "Where to write"


def test_partial_requires_nothing_and_defaults_are_not_required():
    assert "required" not in schema_from_form(PetForm, name="PetPatch", partial=True).json_schema()
    document = schema_from_form(PetForm, name="PetIn2", defaults={"kind": "cat"}).json_schema()
    assert document["required"] == ["name"]
    assert document["properties"]["kind"]["default"] == "cat"


def test_it_checks_types_and_leaves_values_to_the_form():
    schema = schema_from_form(PetForm, name="PetIn3")
    with pytest.raises(ValidationError) as caught:
        schema.model_validate({"legs": "many", "born": "yesterday"})
    assert {error["loc"][0] for error in caught.value.errors()} == {"legs", "born"}
    # A value the form refuses (too long, not a choice) and an unknown field pass the types...
    payload = schema.model_validate({"name": "x" * 30, "kind": "bird", "colour": "red"})
    assert form_data(payload) == {"name": "x" * 30, "kind": "bird", "colour": "red"}
    # ...and the form, the one place that holds the rules, refuses them.
    form = PetForm(form_data(payload))
    assert not form.is_valid() and {"name", "kind"} <= set(form.errors)


def test_fields_can_be_added_or_replaced_and_dates_arrive_as_dates():
    schema = schema_from_form(
        PetForm, name="PetIn4", exclude=("owner_email",), fields={"chip": (str | None, None)}
    )
    assert "owner_email" not in schema.model_fields and "chip" in schema.model_fields
    assert form_data(schema.model_validate({"born": "2020-02-29"})) == {"born": date(2020, 2, 29)}


def test_a_field_it_cannot_describe_is_an_error():
    class Upload(forms.Form):
        file = forms.FileField()

    with pytest.raises(TypeError, match="FileField"):
        schema_from_form(Upload, name="UploadIn")
