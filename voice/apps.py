from django.apps import AppConfig


def _child_words_given(sender, pep, **kwargs) -> bool:
    """Whether the child sent a questionnaire for this PEP (their views are then recorded)."""
    return pep.child_views_responses.filter(submitted_at__isnull=False).exists()


class VoiceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "voice"
    verbose_name = "The child's and the carer's views"

    def ready(self):
        from peps.signals import pep_child_views_given

        pep_child_views_given.connect(_child_words_given, dispatch_uid="voice_child_words")
