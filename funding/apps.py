from django.apps import AppConfig


class FundingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "funding"
    verbose_name = "Pupil Premium Plus"

    def ready(self):
        from peps.signals import pep_ppplus_facts, target_amount_changed, target_amount_checked

        from .services import (
            ppplus_facts_for_pep,
            refuse_amount_over_the_ceiling,
            reopen_decision_on_amount_change,
        )

        target_amount_changed.connect(
            reopen_decision_on_amount_change, dispatch_uid="funding_reopen_on_amount_change"
        )
        pep_ppplus_facts.connect(ppplus_facts_for_pep, dispatch_uid="funding_ppplus_facts")
        target_amount_checked.connect(
            refuse_amount_over_the_ceiling, dispatch_uid="funding_amount_ceiling"
        )
