"""The English Unique Pupil Number (UPN): a check letter, then 12 characters.

Permanent UPNs end in a digit; temporary ones end in a letter. The check letter is the sum of
characters 2 to 13, each times its position, modulo 23, written with the 23 letters below (no I,
O or S); a temporary UPN's final letter counts as its place in the same alphabet.
"""

import re

from django.core.exceptions import ValidationError

LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_FORMAT = re.compile(rf"^[{LETTERS}]\d{{11}}[\d{LETTERS}]$")


def upn_normalise(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters that follow it."""
    total = 0
    for position, character in enumerate(body, start=2):
        number = int(character) if character.isdigit() else LETTERS.index(character)
        total += number * position
    return LETTERS[total % 23]


def validate_upn(value: str) -> None:
    upn = upn_normalise(value)
    if len(upn) != 13 or not _FORMAT.match(upn):
        raise ValidationError(
            "Enter a UPN of 13 characters: a letter, 11 digits, then a digit or a letter",
            code="upn_format",
        )
    if upn[0] != upn_check_letter(upn[1:]):
        raise ValidationError(
            "This UPN's check letter is wrong: check each character against the school's record",
            code="upn_check_letter",
        )
