"""API field types built from the vocabulary: checked at call time, listed in the OpenAPI document."""

from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic_core import PydanticCustomError, core_schema

from haven.lib import vocabulary


class _LanguageCodeSchema:
    """A language code Haven speaks; the list is read when a value is checked, not at import."""

    def __get_pydantic_core_schema__(self, source: Any, handler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema, handler) -> dict:
        return {"type": "string", "enum": list(vocabulary.language_codes())}

    @staticmethod
    def check(value: str) -> str:
        codes = vocabulary.language_codes()
        if value not in codes:
            message = _("must be one of %(codes)s") % {"codes": " ".join(codes)}
            raise PydanticCustomError("language", message)
        return value


LanguageCode = Annotated[str, _LanguageCodeSchema()]
