"""Small helpers shared by tests that post GOV.UK forms."""

from datetime import date


def date_fields(prefix: str, day: date) -> dict:
    """A GOV.UK date input's three fields, as a browser would post them."""
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}
