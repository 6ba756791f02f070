"""The child's history in words, not codes."""

import pytest

from audit import descriptions


def test_every_action_recorded_about_a_child_in_the_code_has_a_phrase():
    """Each action written with a child reads as a sentence, never its code."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    apps = [
        "audit",
        "accounts",
        "attachments",
        "children",
        "peps",
        "meetings",
        "funding",
        "reporting",
        "exchange",
    ]
    found = subprocess.run(  # noqa: S603 - a fixed grep over our own code
        ["grep", "-rhoE", r'"(pep|child|meeting|ppplus|placement|enrolment|allocation|'  # noqa: S607
         r'access_grant|school_move|moderation|attachment)\.[a-z_]+"', *apps],
        cwd=root, capture_output=True, text=True, check=False,
    ).stdout.split()  # fmt: skip
    actions = {a.strip('"') for a in found} - {"children.urls"}
    assert len(actions) > 40
    missing = sorted(a for a in actions if a not in descriptions.PHRASES)
    assert missing == [], "add a phrase to audit/descriptions.py for " + ", ".join(missing)


def test_a_known_action_reads_as_a_sentence():
    sentence = descriptions.describe_event(actor_name="Sam Okafor", action="child.viewed")
    assert sentence == "Sam Okafor viewed the child's page"


def test_the_system_is_named_when_nobody_acted():
    assert descriptions.describe_event(actor_name=None, action="pep.due_date_set") == (
        "PEP Portal worked out when the PEP is due"
    )


def test_an_action_added_later_reads_from_its_code_without_dots():
    assert descriptions.describe_action("meeting.attendance_recorded") == (
        "meeting attendance recorded"
    )


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (None, "none"),
        ("", "none"),
        (True, "yes"),
        ("2026-09-22", "22 September 2026"),
        ("2026-12-09T10:00:00+00:00", "9 December 2026 10:00"),
        ("2026-07-09T10:00:00+00:00", "9 July 2026 11:00"),  # British Summer Time
        ("foster_care", "foster care"),
        ("A clear plan.", "A clear plan."),
        ([11, 12], "Jo Bennett, 12"),
    ],
)
def test_values_read_as_words(value, words):
    assert descriptions.value_text(value, {11: "Jo Bennett"}) == words


def test_field_names_read_as_words():
    assert descriptions.field_label("date_entered_care") == "Date entered care"
    assert descriptions.field_label("upn") == "UPN"
