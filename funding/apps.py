from django.apps import AppConfig


class FundingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "funding"
    verbose_name = "Pupil Premium Plus"

    def ready(self):
        from peps.signals import target_amount_changed

        from .services import reopen_decision_on_amount_change

        target_amount_changed.connect(
            reopen_decision_on_amount_change, dispatch_uid="funding_reopen_on_amount_change"
        )
