"""Signals children sends for the apps built on it (it imports none of them)."""

from django.dispatch import Signal

# A fact that moves the statutory PEP clock changed: a school started or ended, a change of
# attendance pattern, entering or leaving care. Sent inside the change's transaction with
# `child`; receivers work in that transaction too.
education_changed = Signal()
