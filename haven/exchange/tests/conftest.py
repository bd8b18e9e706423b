import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Service messages are checked in English; the pages are checked in both languages."""
    with translation.override("en"):
        yield
