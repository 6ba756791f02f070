"""API tokens: made for one Virtual School, shown once, kept only as a SHA-256."""

import hashlib
import secrets

from django.db import transaction

from accounts.models import ApiToken, Role, User, VirtualSchool
from accounts.services import user_create
from audit.services import audit_record

PREFIX = "pep_"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, virtual_school: VirtualSchool, name: str, actor: User | None = None
) -> tuple[ApiToken, str]:
    """A new token for the Virtual School's social-care system, and its account: a Virtual
    School officer with no password, so that it reaches that Virtual School's children only.
    Returns the token's row and the token itself, which is not kept."""
    token = PREFIX + secrets.token_urlsafe(32)
    user = user_create(
        email=f"api-{secrets.token_hex(4)}@{virtual_school.local_authority_code}.api.invalid",
        full_name=f"{name} (API)",
        role=Role.VIRTUAL_SCHOOL_OFFICER,
        virtual_school=virtual_school,
    )
    row = ApiToken.objects.create(
        name=name, user=user, prefix=token[: len(PREFIX) + 4], digest=token_digest(token)
    )
    audit_record(actor=actor, action="api_token.created", obj=row, changes={"name": [None, name]})
    return row, token
