"""How the service writes money and dates for people, the same on every page, PDF, email and
message: "£99,999.00" and "30 November 2026", never "£99999.00" or "2026-11-30"."""

from datetime import date
from decimal import Decimal


def pounds(value) -> str:
    """Money as people read it: £1,234.50 (a dash when there is none)."""
    if value is None or value == "":
        return "–"
    amount = Decimal(value)
    return f"-£{-amount:,.2f}" if amount < 0 else f"£{amount:,.2f}"


def long_date(day: date | str | None) -> str:
    """A date as GOV.UK writes it: 30 November 2026 (ISO text is read first)."""
    if day in (None, ""):
        return ""
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day)
        except ValueError:
            return day
    return f"{day.day} {day:%B %Y}"
