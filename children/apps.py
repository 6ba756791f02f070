from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "children"

    def ready(self):
        from pep_portal import lookups  # noqa: F401 - registers `__in_ids` and `__in_array`
