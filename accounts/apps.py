from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _attach_role_permissions(sender, **kwargs):
    from django.contrib.auth.models import Group, Permission

    from .roles import sync_role_groups

    sync_role_groups(group_model=Group, permission_model=Permission)


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "People and organisations"

    def ready(self):
        # Permissions exist only after each migrate; attach them to the role groups then.
        post_migrate.connect(_attach_role_permissions, dispatch_uid="accounts_role_permissions")
        # A new session starts its idle clock at sign-in, so the first page after it writes
        # nothing more (pep_portal.middleware.SessionIdleTimeoutMiddleware).
        from django.contrib.auth.signals import user_logged_in

        from pep_portal.middleware import session_signed_in

        user_logged_in.connect(session_signed_in, dispatch_uid="session_idle_clock")
