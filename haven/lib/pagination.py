"""Pagination for long lists: the count stops at a cap, since an exact count can cost more than the page."""

from functools import cached_property

from django.core.paginator import Paginator


class CappedPaginator(Paginator):
    """Counts at most CAP rows: an exact count of a million cases costs more than the page."""

    CAP = 10_000

    @cached_property
    def count(self):
        return self.object_list[: self.CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.CAP
