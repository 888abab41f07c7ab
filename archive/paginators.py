"""A paginator for the admin's lists over a table of millions."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """Counts at most ``COUNT_CAP`` rows, so a page costs the same at any archive size.

    Past the cap the admin shows the cap as the total and its last page is the
    cap's; editors narrow a search with filters rather than paging that deep.
    """

    @cached_property
    def count(self):
        return self.object_list.order_by()[:COUNT_CAP].count()
