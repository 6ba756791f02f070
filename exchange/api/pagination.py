"""Pages of the API's lists: at most 500 at a time, and an offset the database can take."""

from rest_framework.pagination import LimitOffsetPagination

LARGEST_OFFSET = 10**9  # beyond any list here; far below the database's bigint limit


class ApiPagination(LimitOffsetPagination):
    default_limit = 100
    max_limit = 500

    def get_offset(self, request):
        return min(super().get_offset(request), LARGEST_OFFSET)
