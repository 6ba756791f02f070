"""Pupil Premium Plus: requests against targets, decisions, payments, the report and exports."""

import re
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from funding import services
from funding.models import Payment, PpPlusRequest
from funding.reports import funding_report
from pep_portal.kept import figures_changed
from peps import demo, workflow
from peps.models import Pep
from tests.conftest import CAN_SEE_THE_CHILD, PERSONAS
from tests.funding.factories import FundingPolicyFactory
from tests.helpers import date_fields
from tests.spreadsheets import read_csv, read_xlsx


def _requests(world, pep):
    """The demo's three targets: English £120, maths £260, wellbeing £0."""
    demo.fill_school_part(pep, world.designated_teacher)
    english, maths = pep.targets.filter(ppplus_amount__gt=0).order_by("ppplus_amount")
    tuition = services.ppplus_request_save(
        target=english, actor=world.designated_teacher, intervention="tuition",
        tuition_arranged_by="virtual_school",
    )  # fmt: skip
    demo.say_who_arranges_tuition(pep, world.designated_teacher, "virtual_school")
    resources = services.ppplus_request_save(
        target=maths, actor=world.designated_teacher, intervention="resources"
    )
    return tuition, resources


def _submit(world, pep):
    workflow.pep_complete_school_part(pep=pep, actor=world.designated_teacher)
    demo.fill_social_worker_part(pep, world.allocated_social_worker)
    return workflow.pep_submit(pep=pep, actor=world.allocated_social_worker)


def _approve(world, *requests):
    return [
        services.ppplus_decide(
            request=r, actor=world.vs_officer, decision="approved", approved_amount=None, reason=""
        )
        for r in requests
    ]


def test_the_allowance_comes_from_the_virtual_schools_policy_by_kind(world, pep):
    assert services.allowance_for(pep) == Decimal("520.00")  # seed 004's default
    FundingPolicyFactory(
        virtual_school=world.virtual_school, academic_year=pep.term.academic_year,
        school_age_allowance=Decimal("700.00"), early_years_allowance=Decimal("300.00"),
    )  # fmt: skip
    assert services.allowance_for(pep) == Decimal("700.00")
    pep.kind = "early_years"
    assert services.allowance_for(pep) == Decimal("300.00")


def test_a_newer_policy_is_in_force_and_the_old_one_kept(world, pep):
    year = pep.term.academic_year
    for amount in ("600.00", "650.00"):
        services.funding_policy_set(
            actor=world.vs_head, virtual_school=world.virtual_school, academic_year=year,
            school_age_allowance=Decimal(amount),
        )  # fmt: skip
    assert services.allowance_for(pep) == Decimal("650.00")
    assert world.virtual_school.funding_policies.count() == 2
    with pytest.raises(PermissionDenied):
        services.funding_policy_set(
            actor=world.vs_officer, virtual_school=world.virtual_school, academic_year=year
        )


def test_tuition_needs_to_say_who_arranges_it(world, pep):
    demo.fill_school_part(pep, world.designated_teacher)
    target = pep.targets.filter(ppplus_amount__gt=0).first()
    with pytest.raises(ValidationError) as error:
        services.ppplus_request_save(
            target=target, actor=world.designated_teacher, intervention="tuition"
        )
    assert "tuition_arranged_by" in error.value.message_dict
    assert not PpPlusRequest.objects.exists()


def test_going_over_the_allowance_needs_a_reason_and_approval(world, pep):
    FundingPolicyFactory(virtual_school=world.virtual_school, academic_year=pep.term.academic_year,
                         school_age_allowance=Decimal("300.00"))  # fmt: skip
    tuition, resources = _requests(world, pep)
    pep = _submit(world, pep)
    _approve(world, tuition)
    with pytest.raises(ValidationError, match="has not said why"):
        _approve(world, resources)  # 120 + 260 > 300
    Pep.objects.filter(pk=pep.pk).update(state="draft")
    services.ppplus_justification_save(
        pep=pep, actor=world.designated_teacher, text="Maths needs a full set of resources"
    )
    Pep.objects.filter(pk=pep.pk).update(state="submitted")
    _approve(world, resources)
    assert PpPlusRequest.objects.get(pk=resources.pk).approved_amount == Decimal("260.00")


def test_part_approval_and_decline_need_an_amount_and_a_reason(world, pep):
    _, resources = _requests(world, pep)
    _submit(world, pep)
    with pytest.raises(ValidationError) as error:
        services.ppplus_decide(
            request=resources, actor=world.vs_officer, decision="part_approved",
            approved_amount=Decimal("300"), reason="",
        )  # fmt: skip
    assert {"approved_amount", "reason"} <= set(error.value.message_dict)
    decided = services.ppplus_decide(
        request=resources, actor=world.vs_officer, decision="part_approved",
        approved_amount=Decimal("100"), reason="Half now, half next term",
    )  # fmt: skip
    assert decided.approved_amount == Decimal("100")


def test_only_the_virtual_school_decides_and_only_during_quality_assurance(world, pep):
    _, resources = _requests(world, pep)
    with pytest.raises(ValidationError, match="while the PEP is with the Virtual School"):
        _approve(world, resources)
    _submit(world, pep)
    with pytest.raises(PermissionDenied):
        services.ppplus_decide(
            request=resources, actor=world.designated_teacher, decision="approved",
            approved_amount=None, reason="",
        )  # fmt: skip


def test_tuition_kept_by_the_virtual_school_is_never_paid_to_the_school(world, pep):
    tuition, resources = _requests(world, pep)
    _submit(world, pep)
    _approve(world, tuition, resources)
    with pytest.raises(ValidationError, match="not paid to the school"):
        services.payment_record(
            request=tuition, actor=world.vs_officer, amount=Decimal("10"),
            paid_on=timezone.localdate(), reference="X",
        )  # fmt: skip
    assert not Payment.objects.exists()


def test_a_payment_above_the_approved_amount_is_refused(world, pep):
    _, resources = _requests(world, pep)
    _submit(world, pep)
    _approve(world, resources)
    services.payment_record(
        request=resources, actor=world.vs_officer, amount=Decimal("200"),
        paid_on=timezone.localdate(), reference="A",
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.payment_record(
            request=resources, actor=world.vs_officer, amount=Decimal("60.01"),
            paid_on=timezone.localdate(), reference="B",
        )  # fmt: skip
    assert "more than is left to pay (£60.00)" in error.value.message_dict["amount"][0]


def test_a_request_on_a_locked_pep_is_refused(world, pep):
    tuition, resources = _requests(world, pep)
    pep = _submit(world, pep)
    _approve(world, tuition, resources)
    workflow.pep_sign_off(
        pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
    )
    with pytest.raises(ValidationError, match="signed off"):
        services.ppplus_request_save(
            target=resources.target, actor=world.designated_teacher, intervention="mentoring"
        )


def test_sign_off_is_refused_while_a_request_is_undecided_and_names_it(world, pep):
    tuition, resources = _requests(world, pep)
    pep = _submit(world, pep)
    _approve(world, tuition)
    with pytest.raises(ValidationError) as error:
        workflow.pep_sign_off(
            pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
        )
    assert error.value.messages == [
        f"Decide the PP+ request for “{resources.target}” (£260.00) before signing off"
    ]
    assert Pep.objects.get(pk=pep.pk).state == "submitted"
    _approve(world, resources)
    workflow.pep_sign_off(
        pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
    )
    assert Pep.objects.get(pk=pep.pk).state == "signed_off"


def test_the_pre_check_flags_tuition_said_two_ways_and_sign_off_refuses_it(client, world, pep):
    from peps.progress import pep_facts
    from peps.rules import ppplus_requests_decided, tuition_arrangement_agrees

    tuition, resources = _requests(world, pep)
    facts = pep_facts(pep)
    assert tuition_arrangement_agrees(facts) is True
    assert ppplus_requests_decided(facts) is False
    demo.say_who_arranges_tuition(pep, world.designated_teacher, "school")
    assert tuition_arrangement_agrees(pep_facts(pep)) is False
    client.force_login(world.designated_teacher)
    page = client.get(reverse("peps:overview", args=[pep.pk])).content.decode()
    assert (
        "Who arranges tuition in the targets section is the same as in each PP+ request for "
        "tuition" in page
    )
    pep = _submit(world, pep)
    _approve(world, tuition, resources)
    with pytest.raises(ValidationError) as error:
        workflow.pep_sign_off(
            pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
        )
    assert error.value.messages == [
        "Who arranges tuition in the targets section is the same as in each PP+ request for tuition"
    ]


def test_the_sign_off_page_shows_the_undecided_request_next_to_the_form(client, world, pep):
    tuition, resources = _requests(world, pep)
    pep = _submit(world, pep)
    client.force_login(world.vs_officer)
    response = client.post(
        reverse("peps:quality", args=[pep.pk]),
        {f"rating_{key}": "green" for key in demo.all_green(pep)} | {"feedback": "Good"},
    )
    assert response.status_code == 200
    assert f"Decide the PP+ request for “{tuition.target}”" in response.content.decode()
    assert Pep.objects.get(pk=pep.pk).state == "submitted"


def test_changing_the_amount_reopens_an_unpaid_decision(world, pep):
    from peps import services as peps_services

    _, resources = _requests(world, pep)
    _submit(world, pep)
    _approve(world, resources)
    workflow.pep_return_for_amendments(
        pep=Pep.objects.get(pk=pep.pk), actor=world.vs_officer, reason="Cost it again",
        section_keys=["targets"],
    )  # fmt: skip
    target = resources.target
    peps_services.target_save(
        pep=Pep.objects.get(pk=pep.pk), actor=world.designated_teacher, target=target,
        ppplus_amount=Decimal("180.00"),
    )  # fmt: skip
    resources.refresh_from_db()
    assert resources.decision == "pending" and resources.approved_amount is None


def test_money_lands_in_the_financial_year_of_its_date(world, pep):
    tuition, resources = _requests(world, pep)
    _submit(world, pep)
    year_end = date(2027, 3, 31)
    with time_machine.travel(year_end):
        _approve(world, tuition, resources)
    with time_machine.travel(year_end + timedelta(days=2)):
        services.payment_record(
            request=resources, actor=world.vs_officer, amount=Decimal("260"),
            paid_on=timezone.localdate(), reference="April",
        )  # fmt: skip
    old = funding_report(virtual_school=world.virtual_school, financial_year=2026, today=year_end)
    new = funding_report(virtual_school=world.virtual_school, financial_year=2027, today=year_end)
    assert (old["committed"], old["paid"]) == (Decimal("380.00"), Decimal(0))
    assert (new["committed"], new["paid"]) == (Decimal(0), Decimal("260.00"))
    assert old["near_year_end"]


def test_exports_open_and_their_totals_match_the_report(client, world, pep):
    tuition, resources = _requests(world, pep)
    _submit(world, pep)
    _approve(world, tuition, resources)
    services.payment_record(
        request=resources, actor=world.vs_officer, amount=Decimal("100.50"),
        paid_on=timezone.localdate(), reference="P1",
    )  # fmt: skip
    year = services.financial_year_of(timezone.localdate())
    figures = funding_report(
        virtual_school=world.virtual_school, financial_year=year, today=timezone.localdate()
    )
    client.force_login(world.vs_officer)
    response = client.get(reverse("funding:export_xlsx"), {"year": year})
    sheet = read_xlsx(response, money_columns={"Amount (£)"}, date_columns={"Date"}).active
    rows = list(sheet.iter_rows(values_only=True))
    committed = sum(Decimal(str(r[7])) for r in rows[1:] if r[0] == "Committed")
    paid = sum(Decimal(str(r[7])) for r in rows[1:] if r[0] == "Paid")
    assert (committed, paid) == (figures["committed"], figures["paid"])
    # Totals are values (a formula has no result until Excel recalculates), under the filter.
    assert rows[-7][:2] == ("Total committed", None) and Decimal(str(rows[-7][7])) == committed
    assert Decimal(str(rows[-6][7])) == paid
    assert sheet.auto_filter.ref == f"A1:I{len(rows) - 7}"
    assert rows[-4][0] == "Kept centrally (0%)"
    assert world.child.legal_last_name not in str(rows)  # finance sees the council's IDs
    lines = read_csv(client.get(reverse("funding:export_csv"), {"year": year}))
    assert lines[-7] == ["Total committed", "", "", "", "", "", "", "380.00", ""]
    assert lines[-6] == ["Total paid", "", "", "", "", "", "", "100.50", ""]
    assert AuditEvent.objects.filter(action="ppplus.ledger_downloaded").count() == 2


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_and_does_what(as_persona, world, pep, persona):
    tuition, resources = _requests(world, pep)
    client = as_persona(persona)
    page = client.get(reverse("funding:pep", args=[pep.pk])).status_code
    edit = client.get(reverse("funding:request", args=[pep.pk, resources.target_id])).status_code
    report = client.get(reverse("funding:report")).status_code
    if persona == "anonymous":
        assert (page, edit, report) == (302, 302, 302)
    elif persona == "designated_teacher":
        assert (page, edit, report) == (200, 200, 403)
    elif persona in ("vs_officer", "vs_head"):
        assert (page, edit, report) == (200, 403, 200)
    elif persona in CAN_SEE_THE_CHILD:  # the social worker and reviewing officer read
        assert (page, edit, report) == (200, 403, 403)
    elif persona == "other_vs_officer":
        assert (page, edit, report) == (404, 404, 200)
    else:
        assert (page, edit) == (404, 404)


def test_the_report_runs_a_fixed_number_of_queries(
    client, world, pep, django_assert_max_num_queries
):
    """The report, the CSV and the workbook cost the same queries with one child's PP+ as with
    many children's, some unpaid, at other schools and terms."""
    from tests.children.factories import ChildFactory
    from tests.funding.factories import PaymentFactory, PpPlusRequestFactory
    from tests.peps.factories import DraftPepFactory, TargetFactory

    tuition, resources = _requests(world, pep)
    _submit(world, pep)
    _approve(world, tuition, resources)
    client.force_login(world.vs_officer)
    pages = ("funding:report", "funding:export_csv", "funding:export_xlsx")
    small = {}
    for page in pages:
        with django_assert_max_num_queries(20) as counted:
            response = client.get(reverse(page))
        small[page] = len(counted.captured_queries)
    for i in range(8):
        child = ChildFactory(virtual_school=world.virtual_school)
        target = TargetFactory(
            pep=DraftPepFactory(child=child, term=pep.term), ppplus_amount=Decimal("90.00")
        )
        request = PpPlusRequestFactory(
            target=target, decision="approved", approved_amount=Decimal("90.00"),
            decided_on=timezone.localdate(), school=world.school if i % 2 else None,
            intervention="mentoring",
        )  # fmt: skip
        if i % 3:
            PaymentFactory(request=request, amount=Decimal("40.00"), paid_on=timezone.localdate())
    for page in pages:
        with django_assert_max_num_queries(small[page]):
            response = client.get(reverse(page))
        assert response.status_code == 200
    html = client.get(reverse("funding:report")).content.decode()
    assert "Resources and equipment" in html and "Mentoring" in html
    assert html.count("£90.00 to ") == 8


def test_the_report_lists_the_newest_unpaid_requests_the_person_may_see(
    client, world, pep, monkeypatch
):
    """Approved for schools and not paid in full, newest decision first, only of children the
    person may see, a page's worth, saying how many there are in all."""
    from children.models import ChildGroupObjectPermission, ChildUserObjectPermission
    from funding import reports
    from tests.children.factories import ChildFactory
    from tests.funding.factories import PaymentFactory, PpPlusRequestFactory
    from tests.peps.factories import DraftPepFactory, TargetFactory

    monkeypatch.setattr(reports, "UNPAID_SHOWN", 2)
    today = timezone.localdate()

    def request(name, days_ago, **fields):
        child = ChildFactory(
            virtual_school=world.virtual_school, legal_first_name=name, preferred_name=""
        )
        target = TargetFactory(
            pep=DraftPepFactory(child=child, term=pep.term), ppplus_amount=Decimal("90.00")
        )
        made = {
            "target": target, "approved_amount": Decimal("90.00"), "school": world.school,
            "decided_on": today - timedelta(days=days_ago), "decision": "approved",
        }  # fmt: skip
        return PpPlusRequestFactory(**{**made, **fields})

    hidden = request("Hidden", 0)
    request("Newest", 1)
    request("Next", 2)
    request("Oldest", 3, decision="part_approved")
    PaymentFactory(request=request("Paid", 0), amount=Decimal("90.00"), paid_on=today)
    request("Central", 0, intervention="tuition", tuition_arranged_by="virtual_school")
    request("Pending", 0, decision="pending", approved_amount=None, decided_on=None)
    for rows in (ChildGroupObjectPermission, ChildUserObjectPermission):
        rows.objects.filter(content_object_id=hidden.child_id).delete()
    client.force_login(world.vs_officer)
    html = client.get(reverse("funding:report")).content.decode()
    unpaid = html.split("record payments</h2>")[1]
    assert "The newest 2 of 3 requests not paid in full." in unpaid
    from accounts.templatetags.govuk import number

    assert (number(3646), number(7), number("")) == ("3,646", "7", "")
    assert unpaid.index("Newest") < unpaid.index("Next")
    for absent in ("Hidden", "Oldest", "Paid", "Central", "Pending"):
        assert absent not in unpaid, absent
    monkeypatch.setattr(reports, "UNPAID_SHOWN", 100)
    figures_changed(None)  # no data changed, so the report would read its kept figures
    unpaid = client.get(reverse("funding:report")).content.decode().split("record payments</h2>")[1]
    assert "Oldest" in unpaid and "The newest" not in unpaid


def test_bad_amounts_are_refused_next_to_the_field(client, world, pep):
    tuition, resources = _requests(world, pep)
    _submit(world, pep)
    _approve(world, resources)
    client.force_login(world.vs_officer)
    url = reverse("funding:payment", args=[resources.pk])
    for amount, message in [
        ("-5", "The amount cannot be negative"),
        ("five", "Enter an amount in pounds, like 150 or 150.50"),
        ("1.234", "Enter the amount in pounds and pence, like 150.50"),
        ("999", "more than is left to pay"),
    ]:
        html = client.post(
            url,
            {"amount": amount, **date_fields("paid_on", timezone.localdate()), "reference": "R"},
        ).content.decode()
        assert message in html, amount
    assert not Payment.objects.exists()


def _paid(world, pep, amount="200"):
    tuition, resources = _requests(world, pep)
    _submit(world, pep)
    _approve(world, resources)
    services.payment_record(
        request=resources, actor=world.vs_officer, amount=Decimal(amount),
        paid_on=timezone.localdate(), reference="P",
    )  # fmt: skip
    return resources


def test_a_decision_cannot_fall_below_what_was_paid(world, pep):
    resources = _paid(world, pep)
    with pytest.raises(ValidationError, match="has been paid already"):
        services.ppplus_decide(
            request=resources, actor=world.vs_officer, decision="declined",
            approved_amount=None, reason="Changed our mind",
        )  # fmt: skip


def test_what_was_paid_for_is_fixed(client, world, pep):
    from peps import services as peps_services

    resources = _paid(world, pep)
    workflow.pep_return_for_amendments(
        pep=Pep.objects.get(pk=pep.pk), actor=world.vs_officer, reason="x", section_keys=["targets"]
    )
    with pytest.raises(ValidationError, match="what it pays for is fixed"):
        services.ppplus_request_save(
            target=resources.target, actor=world.designated_teacher, intervention="tuition",
            tuition_arranged_by="virtual_school",
        )  # fmt: skip
    with pytest.raises(ValidationError, match="the amount is fixed"):
        peps_services.target_save(
            pep=Pep.objects.get(pk=pep.pk), actor=world.designated_teacher,
            target=resources.target, ppplus_amount=Decimal("50"),
        )  # fmt: skip
    client.force_login(world.designated_teacher)
    response = client.post(
        reverse("peps:target_delete", args=[pep.pk, resources.target_id]), follow=True
    )
    assert "Money has been paid against this target" in response.content.decode()
    assert Pep.objects.get(pk=pep.pk).targets.filter(pk=resources.target_id).exists()


def test_what_remains_is_per_request_across_the_year_end(world, pep):
    tuition, resources = _requests(world, pep)
    _submit(world, pep)
    with time_machine.travel(date(2027, 3, 31)):
        _approve(world, resources)
    with time_machine.travel(date(2027, 4, 2)):
        services.payment_record(
            request=resources, actor=world.vs_officer, amount=Decimal("260"),
            paid_on=timezone.localdate(), reference="April",
        )  # fmt: skip
    old = funding_report(
        virtual_school=world.virtual_school, financial_year=2026, today=date(2027, 4, 2)
    )
    assert old["to_pay"] == Decimal(0)
    assert old["by_school"][0].paid == Decimal("260")


def test_odd_years_and_spreadsheet_formulas_are_harmless(client, world, pep):
    resources = _paid(world, pep)
    resources.school.name = '=HYPERLINK("http://example.org","x")'
    resources.school.save()
    client.force_login(world.vs_officer)
    for year in ("0", "99999", "-1", "abc"):
        assert client.get(reverse("funding:report"), {"year": year}).status_code == 200
    year = services.financial_year_of(timezone.localdate())
    text = client.get(reverse("funding:export_csv"), {"year": year}).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    sheet = load_workbook(
        BytesIO(client.get(reverse("funding:export_xlsx"), {"year": year}).content)
    ).active
    assert sheet["D2"].data_type == "s"


def test_fully_paid_requests_leave_the_payments_list(client, world, pep):
    _paid(world, pep, amount="260")
    client.force_login(world.vs_officer)
    html = client.get(reverse("funding:report")).content.decode()
    assert (
        reverse("funding:payment", args=[PpPlusRequest.objects.get(intervention="resources").pk])
        not in html
    )


def test_the_review_of_a_target_shows_what_was_approved_and_paid_not_what_was_asked(
    client, world, pep
):
    tuition, resources = _requests(world, pep)  # maths resources: £260 asked
    pep = _submit(world, pep)
    _approve(world, tuition)
    services.ppplus_decide(
        request=resources, actor=world.vs_officer, decision="part_approved",
        approved_amount=Decimal("50.00"), reason="Half the books are in school already",
    )  # fmt: skip
    workflow.pep_sign_off(
        pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
    )
    next_pep = Pep.objects.get(previous=pep)
    client.force_login(world.designated_teacher)
    page = client.get(reverse("peps:section", args=[next_pep.pk, "targets"])).content.decode()
    assert "£50.00 approved, £0.00 paid" in page
    assert "£120.00 approved, kept by the Virtual School to arrange tuition" in page
    assert "£260.00" not in page
    services.payment_record(
        request=resources, actor=world.vs_officer, amount=Decimal("20.00"),
        paid_on=timezone.localdate(), reference="PPP-9",
    )  # fmt: skip
    page = client.get(reverse("peps:section", args=[next_pep.pk, "targets"])).content.decode()
    assert "£50.00 approved, £20.00 paid" in page


def test_a_target_above_the_virtual_schools_ceiling_is_refused_next_to_the_field(
    client, world, pep
):
    from tests.peps.test_pages import TARGET

    client.force_login(world.designated_teacher)
    url = reverse("peps:target_add", args=[pep.pk])
    due = date_fields("due_by", pep.term.end_date)
    html = client.post(url, {**TARGET, "ppplus_amount": "99999", **due}).content.decode()
    assert '<a href="#id_ppplus_amount">Enter an amount of £2,630.00 or less' in html
    assert not pep.targets.exists()
    FundingPolicyFactory(
        virtual_school=world.virtual_school, academic_year=pep.term.academic_year,
        target_ceiling=Decimal("500.00"),
    )  # fmt: skip
    html = client.post(url, {**TARGET, "ppplus_amount": "500.01", **due}).content.decode()
    assert "Enter an amount of £500.00 or less" in html
    client.post(url, {**TARGET, "ppplus_amount": "500", **due})
    assert pep.targets.get().ppplus_amount == Decimal("500.00")


def test_the_policy_page_checks_the_ceiling_and_the_warning_date(client, world, pep):
    client.force_login(world.vs_head)
    url = reverse("funding:policy")
    good = {
        "academic_year": "2026", "school_age_allowance": "520", "early_years_allowance": "0",
        "post_16_allowance": "0", "central_share_percent": "20", "national_rate": "2630",
        "target_ceiling": "1500", "pay_only_rated_amber_or_better": "on",
    }  # fmt: skip
    for extra, message in [
        ({"target_ceiling": "100000.01"}, "Enter a ceiling of £100,000.00 or less"),
        ({"target_ceiling": "0"}, "Enter a ceiling above £0"),
        (date_fields("central_warning_from", date(2027, 4, 1)),
         "Enter a date from 1 September 2026 to 31 March 2027"),
    ]:  # fmt: skip
        html = client.post(url, {**good, **extra}).content.decode()
        assert message in html, extra
    assert not world.virtual_school.funding_policies.exists()
    client.post(url, {**good, **date_fields("central_warning_from", date(2027, 2, 1))})
    policy = world.virtual_school.funding_policies.get()
    assert policy.target_ceiling == Decimal("1500.00") and policy.pay_only_rated_amber_or_better
    assert policy.central_warning_from == date(2027, 2, 1)


def test_money_reads_with_a_thousands_separator_everywhere(client, world, pep):
    FundingPolicyFactory(
        virtual_school=world.virtual_school, academic_year=pep.term.academic_year,
        target_ceiling=Decimal("99999.00"), school_age_allowance=Decimal("99999.00"),
    )  # fmt: skip
    demo.fill_school_part(pep, world.designated_teacher)
    from peps import services as peps_services

    target = pep.targets.filter(ppplus_amount__gt=0).first()
    peps_services.target_save(
        pep=pep, actor=world.designated_teacher, target=target, ppplus_amount=Decimal("99999")
    )
    client.force_login(world.designated_teacher)
    for url in (
        reverse("peps:section", args=[pep.pk, "targets"]),
        reverse("funding:pep", args=[pep.pk]),
    ):
        html = client.get(url).content.decode()
        assert "£99,999.00" in html and "99999" not in html, url


def test_the_ledger_keeps_the_top_slice_centrally_and_shows_what_is_left_for_schools(
    client, world, pep
):
    from children.models import Child
    from funding import reports
    from tests.children.factories import ChildFactory

    # Counted: the world's two children (born 2015). Not counted: a toddler, a child who left
    # care before the year, and a young person the Virtual School placed in year 12.
    ChildFactory(virtual_school=world.virtual_school, date_of_birth=date(2023, 1, 1))
    ChildFactory(virtual_school=world.virtual_school, date_left_care=date(2026, 3, 1))
    ChildFactory(virtual_school=world.virtual_school, year_group_override=12)
    assert Child.objects.filter(virtual_school=world.virtual_school).count() == 5
    FundingPolicyFactory(
        virtual_school=world.virtual_school, academic_year=2026,
        central_share_percent=Decimal("20"), national_rate=Decimal("2630.00"),
        central_warning_from=date(2027, 1, 15),
    )  # fmt: skip
    tuition, resources = _requests(world, pep)  # £120 kept centrally, £260 to the school
    _submit(world, pep)
    _approve(world, tuition, resources)
    figures = funding_report(
        virtual_school=world.virtual_school, financial_year=2026, today=date(2027, 1, 14)
    )
    split = figures["top_slice"]
    assert (split.children, split.grant) == (2, Decimal("5260.00"))
    assert (split.central, split.central_uncommitted) == (Decimal("1052.00"), Decimal("932.00"))
    assert (split.for_schools, split.schools_left) == (Decimal("4208.00"), Decimal("3948.00"))
    assert not figures["near_year_end"]  # the Virtual School asked to be warned from 15 Jan
    assert funding_report(
        virtual_school=world.virtual_school, financial_year=2026, today=date(2027, 1, 15)
    )["near_year_end"]
    with time_machine.travel(date(2027, 2, 1)):
        client.force_login(world.vs_officer)
        html = client.get(reverse("funding:report") + "?year=2026").content.decode()
    assert "£932.00 held centrally is not yet committed" in html
    assert "£1,052.00 (20%)" in html and "£3,948.00 not yet committed" in html
    rows = read_csv(client.get(reverse("funding:export_csv") + "?year=2026"))
    summary = {row[0]: row[7] for row in rows[-5:]}
    assert summary["Kept centrally (20%)"] == "1052.00"
    assert summary["Left to pass to schools, not yet committed"] == "3948.00"
    assert reports.ledger_summary(virtual_school=world.virtual_school, financial_year=2026)[2] == [
        "Centrally held, not yet committed",
        Decimal("932.00"),
    ]


def test_a_virtual_school_may_pay_only_for_a_pep_rated_amber_or_better(world, pep):
    FundingPolicyFactory(
        virtual_school=world.virtual_school, academic_year=pep.term.academic_year,
        pay_only_rated_amber_or_better=True,
    )  # fmt: skip
    tuition, resources = _requests(world, pep)
    pep = _submit(world, pep)
    _approve(world, tuition, resources)

    def pay():
        return services.payment_record(
            request=resources, actor=world.vs_officer, amount=Decimal("10"),
            paid_on=timezone.localdate(), reference="L",
        )  # fmt: skip

    with pytest.raises(ValidationError, match="not signed off yet"):
        pay()
    ratings = demo.all_green(pep) | {"targets": "red"}
    workflow.pep_sign_off(pep=pep, actor=world.vs_officer, section_ratings=ratings, feedback="")
    with pytest.raises(ValidationError, match="amber or green, and this PEP was rated red"):
        pay()
    assert not Payment.objects.exists()
    Pep.objects.filter(pk=pep.pk).update(overall_rating="amber")
    assert pay().amount == Decimal("10")


def _reviewed_with_ppplus(previous, next_pep, count):
    """`count` more targets on the previous PEP, each with PP+ approved and part paid, and
    reviewed on the next PEP."""
    from tests.funding.factories import PaymentFactory, PpPlusRequestFactory
    from tests.peps.factories import TargetFactory, TargetReviewFactory

    for _ in range(count):
        target = TargetFactory(pep=previous, ppplus_amount=Decimal("80.00"))
        request = PpPlusRequestFactory(
            target=target, decision="approved", approved_amount=Decimal("80.00"),
            decided_on=timezone.localdate(),
        )  # fmt: skip
        PaymentFactory(request=request, amount=Decimal("30.00"))
        TargetReviewFactory(pep=next_pep, target=target)


def test_the_review_line_costs_the_same_queries_however_many_targets_were_paid(
    client, world, pep, django_assert_max_num_queries
):
    """The section page and the printed PEP read each reviewed target's request with the
    target, and its running paid total: no query per target."""
    from peps.documents import printing

    tuition, resources = _requests(world, pep)
    pep = _submit(world, pep)
    _approve(world, tuition, resources)
    services.payment_record(
        request=resources, actor=world.vs_officer, amount=Decimal("20.00"),
        paid_on=timezone.localdate(), reference="PPP-9",
    )  # fmt: skip
    workflow.pep_sign_off(
        pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
    )
    next_pep = Pep.objects.get(previous=pep)
    client.force_login(world.designated_teacher)
    url = reverse("peps:section", args=[next_pep.pk, "targets"])
    with django_assert_max_num_queries(60) as small:
        page = client.get(url).content.decode()
    assert "£260.00 approved, £20.00 paid" in page
    with django_assert_max_num_queries(16) as printed:
        printing.pep_html(next_pep, draft=True)
    _reviewed_with_ppplus(pep, next_pep, 6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("£80.00 approved, £30.00 paid") == 6
    with django_assert_max_num_queries(len(printed.captured_queries)):
        html = printing.pep_html(next_pep, draft=True)
    assert html.count("£80.00 approved, £30.00 paid") == 6


def test_each_payment_adds_to_the_requests_running_total_and_keeps_its_council(world, pep):
    tuition, resources = _requests(world, pep)
    assert (resources.child, resources.virtual_school) == (pep.child, world.virtual_school)
    _submit(world, pep)
    _approve(world, resources)
    for amount in ("100.00", "60.50"):
        payment = services.payment_record(
            request=resources, actor=world.vs_officer, amount=Decimal(amount),
            paid_on=timezone.localdate(), reference="PPP-1",
        )  # fmt: skip
    assert (payment.child, payment.virtual_school) == (pep.child, world.virtual_school)
    resources.refresh_from_db()
    assert (
        resources.paid_total == Decimal("160.50") == sum(p.amount for p in resources.payments.all())
    )
    with pytest.raises(ValidationError):
        services.payment_record(
            request=resources, actor=world.vs_officer, amount=Decimal("99.51"),
            paid_on=timezone.localdate(), reference="PPP-2",
        )  # fmt: skip
    resources.refresh_from_db()
    assert resources.paid_total == Decimal("160.50")


def test_the_reports_tables_by_school_and_by_child_show_a_page_at_a_time(client, world, pep):
    """A council's year has hundreds of children with PP+: fifty a page, the year kept."""
    from tests.accounts.factories import SchoolFactory
    from tests.children.factories import ChildFactory
    from tests.funding.factories import PpPlusRequestFactory
    from tests.peps.factories import DraftPepFactory, TargetFactory

    for i in range(52):
        child = ChildFactory(virtual_school=world.virtual_school, legal_last_name=f"Funded{i:02}")
        target = TargetFactory(
            pep=DraftPepFactory(child=child, term=pep.term), ppplus_amount=Decimal("90.00")
        )
        PpPlusRequestFactory(
            target=target, decision="approved", approved_amount=Decimal("90.00"),
            decided_on=timezone.localdate(), school=SchoolFactory(name=f"School {i:02}"),
        )  # fmt: skip
    client.force_login(world.vs_officer)
    year = services.financial_year_of(timezone.localdate())

    def by_child(html):  # the table alone: the payments list below names every child unpaid
        return html.split("By child</caption>")[1].split("Approved for schools")[0]

    first = client.get(reverse("funding:report"), {"year": year}).content.decode()
    assert "Children 1 to 50 of 52." in first and "Schools 1 to 50 of 52." in first
    assert "Funded49" in by_child(first) and "Funded50" not in by_child(first)
    # Each page link lands on its own table, not at the top of the report.
    assert f'href="?year={year}&amp;by_child_page=2#by-child"' in first
    assert 'id="by-child"' in first
    assert f'href="?year={year}&amp;by_school_page=2#by-school"' in first

    second = client.get(reverse("funding:report"), {"year": year, "by_child_page": 2})
    html = second.content.decode()
    assert "Funded50" in by_child(html) and "Funded49" not in by_child(html)
    assert "Schools 1 to 50 of 52." in html  # the other table stays on its own page


def _paid_to_schools(html: str) -> str:
    return html.split("Paid to schools</dt>")[1].split("</dd>")[0]


def test_the_report_keeps_its_figures_until_money_or_policy_changes(
    client, world, pep, settings, django_assert_max_num_queries
):
    """A second look reads the kept figures (and says as of when); a payment or a new policy
    of the Virtual School shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from children.school_year import academic_year_of

    settings.DASHBOARD_FIGURES_SECONDS = 600
    _paid(world, pep, amount="100")
    client.force_login(world.vs_officer)
    url = reverse("funding:report")
    client.get(url)
    figures_changed([world.virtual_school.pk])
    with CaptureQueriesContext(connection) as counting:
        first = client.get(url).content.decode()
    with django_assert_max_num_queries(len(counting) - 5):
        second = client.get(url).content.decode()
    assert _paid_to_schools(first) == _paid_to_schools(second)
    assert "£100.00" in _paid_to_schools(second)
    assert re.search(r"As of \d{1,2} \w+ \d{4} at \d\d:\d\d:", second)

    services.payment_record(
        request=PpPlusRequest.objects.get(intervention="resources"), actor=world.vs_officer,
        amount=Decimal("60"), paid_on=timezone.localdate(), reference="P2",
    )  # fmt: skip
    assert "£160.00" in _paid_to_schools(client.get(url).content.decode())

    FundingPolicyFactory(
        virtual_school=world.virtual_school, central_share_percent=Decimal("17"),
        academic_year=academic_year_of(timezone.localdate()),
    )  # fmt: skip
    assert re.search(r"17(\.00)?% kept centrally", client.get(url).content.decode())
