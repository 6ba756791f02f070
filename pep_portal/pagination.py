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
