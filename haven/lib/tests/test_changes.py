import pytest

from haven.accounts.models import Organisation
from haven.lib.changes import apply_changes


@pytest.mark.django_db
def test_only_changed_fields_are_saved_and_named(hotline):
    changed = apply_changes(
        hotline, {"name": "Hotline 111", "country": "VN", "org_type": hotline.org_type}
    )
    assert changed == ["name"]
    assert Organisation.objects.get(pk=hotline.pk).name == "Hotline 111"


@pytest.mark.django_db
def test_nothing_changed_saves_nothing(hotline, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert apply_changes(hotline, {"name": hotline.name}) == []
