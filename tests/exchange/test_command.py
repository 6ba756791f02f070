"""`manage.py import_ssda903`, for councils that script the import."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from children.models import Child
from tests.exchange.files import two_children


def _write(tmp_path, files: dict) -> list[str]:
    paths = []
    for name, content in files.values():
        path = tmp_path / name
        path.write_bytes(content)
        paths.append(str(path))
    return paths


def _run(*args) -> str:
    out = StringIO()
    call_command("import_ssda903", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_prints_the_plan_and_applies_it_with_apply(tmp_path, virtual_school, school):
    paths = _write(tmp_path, two_children(school.urn))
    code = virtual_school.local_authority_code
    out = _run("--virtual-school", code, *reversed(paths))  # files are told by their columns
    assert "2 children to create, 0 to change, 0 left alone, 0 rows refused" in out
    assert (
        "A1: new child, in care since 1 May 2023 (full care order); placement foster care "
        "(independent agency) from 10 January 2024"
    ) in out
    assert "Dry run: nothing was changed" in out
    assert not Child.objects.exists()
    out = _run("--virtual-school", code, "--apply", *paths)
    assert "Applied: 2 created, 0 changed, 0 left alone, 0 rows skipped." in out
    assert Child.objects.count() == 2
    out = _run("--virtual-school", code, "--apply", *paths)
    assert "Applied: 0 created, 0 changed, 2 left alone" in out


def test_refused_rows_exit_non_zero_unless_skipped(tmp_path, virtual_school, school):
    paths = _write(tmp_path, two_children("999999"))
    code = virtual_school.local_authority_code
    with pytest.raises(CommandError) as error:
        _run("--virtual-school", code, "--apply", *paths)
    assert error.value.returncode == 1
    assert not Child.objects.exists()
    out = _run("--virtual-school", code, "--apply", "--skip-refused", *paths)
    assert "episodes.csv line 4: URN 999999 is not a school in PEP Portal's register" in out
    assert "Applied: 1 created, 0 changed, 0 left alone, 1 rows skipped." in out
    assert AuditEvent.objects.get(action="import.applied").changes["skipped_refused_rows"] == [
        None,
        True,
    ]


def test_an_unknown_council_or_an_unreadable_file_is_an_error(tmp_path, virtual_school, school):
    paths = _write(tmp_path, two_children(school.urn))
    with pytest.raises(CommandError, match="No Virtual School has the code 000"):
        _run("--virtual-school", "000", *paths)
    (tmp_path / "header.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(CommandError, match="header.csv: This is not a CSV file"):
        _run("--virtual-school", virtual_school.local_authority_code, *paths)
