import pytest

from haven.accounts.models import Organisation
from haven.lib.pagination import CappedPaginator


class Capped(CappedPaginator):
    CAP = 3


@pytest.mark.django_db
class TestCappedPaginator:
    def _organisations(self, n):
        Organisation.objects.bulk_create(
            [Organisation(name=f"Org {i:02d}", country="VN") for i in range(n)]
        )
        return Organisation.objects.filter(name__startswith="Org ").order_by("name")

    def test_it_counts_exactly_below_the_cap(self):
        paginator = Capped(self._organisations(3), 2)
        assert paginator.count == 3
        assert not paginator.capped
        assert paginator.num_pages == 2

    def test_it_stops_counting_past_the_cap(self):
        paginator = Capped(self._organisations(7), 2)
        assert paginator.count == 4  # CAP + 1: "more than 3"
        assert paginator.capped
        page = paginator.get_page(2)
        assert [o.name for o in page] == ["Org 02", "Org 03"]

    def test_it_counts_with_one_query(self, django_assert_num_queries):
        paginator = Capped(self._organisations(7), 2)
        with django_assert_num_queries(1):
            assert paginator.count == 4
            assert paginator.capped
