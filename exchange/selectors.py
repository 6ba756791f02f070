from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import ImportRun


def imports_of(*, user: User):
    return ImportRun.objects.filter(virtual_school=user.virtual_school_id).select_related(
        "created_by", "applied_by"
    )


def import_get_for_user(*, user: User, run_id: int) -> ImportRun:
    """Another council's import is not found (its existence is not revealed)."""
    return get_object_or_404(imports_of(user=user), pk=run_id)
