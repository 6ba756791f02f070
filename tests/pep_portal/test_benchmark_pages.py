"""The page benchmark's results table (`benchmarks/pages.md`): what each column says, from
figures made up here; the benchmark itself is not run."""

import pytest
from django.db import connection

from benchmarks.pages import BareView, Page, write

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the heading names the PostgreSQL version"
    ),
]


def _pages():
    listed = Page(
        "Virtual School list", "Virtual School officer", "/virtual-school/children/", None, 2000
    )
    listed.queries, listed.small_queries, listed.small_children = 13, 13, 500
    listed.times = [100.0] * 20 + [120.0] * 10
    listed.render_times = [25.0] * 30
    overview = Page("PEP overview", "Virtual School officer", "/peps/13/", None, 2000)
    overview.queries, overview.small_queries, overview.small_children = 13, 12, 500
    overview.times = [24.0] * 30
    overview.render_note = "not measured: its template makes 3 queries of its own (voice)"
    ledger = Page("PP+ ledger CSV", "Virtual School officer", "/ledger.csv", None, 2000)
    ledger.queries = 10  # not counted on the small set
    ledger.times = [96.0] * 30
    ledger.render_note = "not measured: no template (a file download)"
    return [listed, overview, ledger]


def _bare():
    signed_in, anonymous = BareView(object()), BareView(None)
    signed_in.queries, signed_in.small_queries = 1, 1
    anonymous.queries, anonymous.small_queries = 0, 0
    signed_in.times = [10.0] * 30
    anonymous.times = [8.0] * 30
    return [signed_in, anonymous]


def test_the_table_gives_both_sizes_queries_and_the_page_against_its_render(tmp_path):
    path = tmp_path / "pages.md"

    text = write(_pages(), path=path, rounds=30, bare=_bare())

    assert "load average" in text.splitlines()[0]
    assert (
        "| page | role | children (1,000 / national) | queries (1,000 / national) | p50 ms "
        "| p95 ms | page/render |"
    ) in text
    # page/render is render p50 over page p50: 25 ms against 100 ms.
    assert (
        "| Virtual School list (`/virtual-school/children/`) | Virtual School officer "
        "| 500 / 2,000 | 13 / 13 | 100 | 120 | 0.25 (render 25.0 ms) |"
    ) in text
    assert "| 500 / 2,000 | 12 / 13 | 24 | 24 | not measured: its template makes 3" in text
    assert "| - / 2,000 | - / 10 | 96 | 96 | not measured: no template (a file download) |" in text
    # The bare view: signed-in throughput over anonymous is 8 ms / 10 ms.
    bare_line = text.strip().splitlines()[-1]
    assert bare_line.startswith("Signed-in bare view: `/accessibility/`")
    assert "queries 1 / 1" in bare_line and "queries 0 / 0" in bare_line
    assert bare_line.endswith("Signed-in throughput over anonymous: **0.80**.")


def test_results_are_appended_under_one_heading(tmp_path):
    path = tmp_path / "pages.md"

    write(_pages(), path=path, rounds=30, bare=_bare())
    write(_pages(), path=path, rounds=3, note="A short run.")

    text = path.read_text()
    assert text.count("# Pages at national size") == 1
    assert text.count("\n## ") == 2
    assert "A short run." in text
    assert text.count("Signed-in bare view") == 1  # the second run measured none
