"""`Authorization: Bearer <token>` for the social-care system's calls."""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from accounts.models import ApiToken

from .tokens import token_digest


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Give one token after 'Bearer'")
        try:
            token = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed("The token is not valid") from error
        row = (
            ApiToken.objects.select_related("user__virtual_school")
            .filter(digest=token_digest(token))
            .first()
        )
        if row is None or not row.is_active or row.user.virtual_school_id is None:
            raise exceptions.AuthenticationFailed("The token is not valid, or was revoked")
        now = timezone.now()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        return row.user, row

    def authenticate_header(self, request):
        return self.keyword


class HasApiToken(permissions.BasePermission):
    """Only a token (not a signed-in person's session) reaches the API."""

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiToken) and request.user.is_authenticated


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "exchange.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token made for the Virtual School (manage.py create_api_token)",
        }
