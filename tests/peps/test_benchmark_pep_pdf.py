"""The PDF benchmark's measuring code, run once on a small PEP so that it keeps working."""

from audit.models import AuditEvent
from peps.management.commands import benchmark_pep_pdf as benchmark
from peps.models import SignedOffCopy
from tests.accounts.factories import UserFactory
from tests.peps.factories import SectionAnswerFactory, SignedOffCopyFactory, TargetFactory


def test_one_round_renders_the_copy_and_times_each_variant(db):
    pep = SignedOffCopyFactory(pep__signed_off_by=UserFactory()).pep
    SectionAnswerFactory(pep=pep)
    TargetFactory(pep=pep)
    benchmark.meeting_add(pep)

    result = benchmark.measure(pep, runs=1)

    assert result.pages >= 1 and result.rounds == 1
    for timings in (result.task, result.whole, result.alone, result.templating):
        assert len(timings.times) == 1 and timings.p50() == timings.p95() > 0
    assert result.gathering_queries > 0 and result.task_queries > result.gathering_queries
    assert result.ratio > 0
    assert SignedOffCopy.objects.get(pep=pep).is_ready
    # The warm-up and the round each rendered the copy from owed, as the worker would.
    assert AuditEvent.objects.filter(action="pep.copy_stored", object_id=str(pep.pk)).count() == 2
    assert "| 1 |" in result.row("pep_test")


def test_rows_go_at_the_end_of_the_table_above_what_is_written_under_it(tmp_path):
    results = tmp_path / "pep_pdf.md"
    benchmark.results_append(results, "| first |")
    results.write_text(results.read_text() + "\nWhat the rows show.\n")

    benchmark.results_append(results, "| second |")

    text = results.read_text()
    assert text.count(benchmark.TABLE_TITLE) == 1
    assert text.index("| first |") < text.index("| second |") < text.index("What the rows")
