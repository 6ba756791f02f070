from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """The Virtual School's view of all its children: the dashboard, the annual report and
    quality moderation. It builds on every other app and nothing builds on it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        from .cached import connect
        from .filters import register_list_filters

        register_list_filters()
        connect()
