from django.dispatch import Signal

# Sent inside the sign-off transaction with `pep` (now signed off) and `next_pep` (next term's,
# or None when the next term's dates are not set). Receivers that start work elsewhere enqueue
# it with transaction.on_commit.
pep_signed_off = Signal()
