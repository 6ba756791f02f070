from django.apps import AppConfig


class PepsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "peps"

    def ready(self) -> None:
        from children.signals import education_changed

        from .services import peps_refresh_for_child

        education_changed.connect(peps_refresh_for_child, dispatch_uid="peps_refresh_for_child")
