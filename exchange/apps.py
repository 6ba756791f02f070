from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """Data in and out of the council's other systems: children from the SSDA903 return and the
    day-to-day feed, schools from the national register, the API and the exports. It builds on
    every other app and nothing builds on it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "exchange"
    verbose_name = "Data exchange"
