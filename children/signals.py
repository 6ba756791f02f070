"""Signals children sends for the apps built on it (it imports none of them)."""

from django.dispatch import Signal

# A fact that moves the statutory PEP clock changed: a school started or ended, a change of
# attendance pattern, entering or leaving care. Sent inside the change's transaction with
# `child`; receivers work in that transaction too.
education_changed = Signal()

# Rows about children were written in bulk, without their models' save and delete signals (an
# import's access rows, the daily job's dates). Sent with `child_ids` or `virtual_school_ids`
# (neither: every child), so that figures kept from the old rows are counted again.
children_changed_in_bulk = Signal()
