from django.dispatch import Signal

# Sent inside the sign-off transaction with `pep` (now signed off) and `next_pep` (next term's,
# or None when the next term's dates are not set). Receivers that start work elsewhere enqueue
# it with transaction.on_commit.
pep_signed_off = Signal()

# Sent inside the transaction that changes a target's PP+ amount, with `target` and `before`
# (the previous amount). The funding app reopens any decision made on the old amount.
target_amount_changed = Signal()
