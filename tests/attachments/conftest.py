"""The PEPs further on in their cycle, shared with the tests of what is printed."""

from tests.peps.conftest import sign_off, signed_off_pep, submitted_pep

__all__ = ["sign_off", "signed_off_pep", "submitted_pep"]
