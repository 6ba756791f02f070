"""Pages of the several long lists one page shows (deadlines, the QA queue, a report's tables):
each list has its own page number in the query string, `<name>_page`, and the links of one
list keep the others' numbers and the page's filters."""

from django.core.paginator import Paginator


class CountedPaginator(Paginator):
    """A paginator told its length, counted with the page's other figures in one query."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # fills the cached property


def paged_lists(request, lists: dict, *, per_page: int, counts: dict | None = None) -> dict:
    """For each named list: its page (`context[name]`) and the query string its page links
    add their number to (`context[f"{name}_query"]`). A page number that is not one gives the
    first or the last page, never an error."""
    context = {}
    for name, rows in lists.items():
        if counts is None:
            paginator = Paginator(rows, per_page)
        else:
            paginator = CountedPaginator(rows, per_page, count=counts[name])
        context[name] = paginator.get_page(request.GET.get(f"{name}_page"))
        query = request.GET.copy()
        query.pop(f"{name}_page", None)
        context[f"{name}_query"] = query.urlencode()
    return context


class KeptRows:
    """A long list kept as its rows' ids in order (`pep_portal.kept`): its length is known
    without a query, and a page of it is fetched by primary key, in that order, in one query.
    A row gone since it was kept is left out."""

    def __init__(self, ids: list[int], queryset):
        self.ids = ids
        self.queryset = queryset

    def __len__(self) -> int:
        return len(self.ids)

    def count(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: slice) -> list:
        if not isinstance(index, slice):
            raise TypeError("KeptRows is read a page (a slice) at a time")
        ids = self.ids[index]
        found = self.queryset.in_bulk(ids) if ids else {}
        return [found[pk] for pk in ids if pk in found]
