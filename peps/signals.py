from django.dispatch import Signal

# Sent inside the sign-off transaction with `pep` (now signed off) and `next_pep` (next term's,
# or None when the next term's dates are not set). Receivers that start work elsewhere enqueue
# it with transaction.on_commit.
pep_signed_off = Signal()

# Sent inside the transaction that changes a target's PP+ amount, with `target` and `before`
# (the previous amount). The funding app reopens any decision made on the old amount.
target_amount_changed = Signal()

# Sent while a PEP's facts are gathered, with `pep`. Each receiver returns a list of
# `rules.PpPlusFact`, one for each target that asks for PP+: the funding app answers whether
# each request is decided and who arranges its tuition, so the rules and the sign-off can see
# open money questions without peps knowing how PP+ is kept.
pep_ppplus_facts = Signal()

# Sent inside the transaction that saves a target, before it is saved, with `pep` and `amount`
# (the PP+ asked for). The funding app refuses an amount above its Virtual School's ceiling by
# raising ValidationError({"ppplus_amount": ...}), which reaches the person.
target_amount_checked = Signal()

# Sent while a PEP's facts are gathered, with `pep`. A receiver returns True when the child's
# own answers to a questionnaire reached this PEP (the voice app), which records their views.
pep_child_views_given = Signal()
