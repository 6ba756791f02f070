"""Requests and payments keep their Virtual School and child, and requests their running paid
total, so that a council's PP+ for a financial year is read by index. Filled in from each
request's target's PEP, and each payment's request."""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models

BACKFILL_POSTGRESQL = [
    """
    UPDATE funding_ppplusrequest r
    SET child_id = p.child_id, virtual_school_id = c.virtual_school_id
    FROM peps_target t
    JOIN peps_pep p ON p.id = t.pep_id
    JOIN children_child c ON c.id = p.child_id
    WHERE t.id = r.target_id
    """,
    """
    UPDATE funding_payment y
    SET child_id = r.child_id, virtual_school_id = r.virtual_school_id
    FROM funding_ppplusrequest r
    WHERE r.id = y.request_id
    """,
    """
    UPDATE funding_ppplusrequest r
    SET paid_total = s.total
    FROM (SELECT request_id, sum(amount) AS total FROM funding_payment GROUP BY request_id) s
    WHERE s.request_id = r.id
    """,
]


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            for sql in BACKFILL_POSTGRESQL:
                cursor.execute(sql)
            # Check the new foreign keys now, so the columns can be made NOT NULL below.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        return
    PpPlusRequest = apps.get_model("funding", "PpPlusRequest")
    Payment = apps.get_model("funding", "Payment")
    for request in PpPlusRequest.objects.select_related("target__pep__child"):
        child = request.target.pep.child
        paid = sum((p.amount for p in Payment.objects.filter(request=request)), Decimal(0))
        PpPlusRequest.objects.filter(pk=request.pk).update(
            child_id=child.pk, virtual_school_id=child.virtual_school_id, paid_total=paid
        )
        Payment.objects.filter(request=request).update(
            child_id=child.pk, virtual_school_id=child.virtual_school_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_school_register_and_api_tokens"),
        ("children", "0005_child_facts_from_the_ssda903_return"),
        ("funding", "0003_ceiling_top_slice_warning_and_paying_by_rating"),
    ]

    operations = [
        migrations.AddField(
            model_name="ppplusrequest",
            name="virtual_school",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.virtualschool",
            ),
        ),
        migrations.AddField(
            model_name="ppplusrequest",
            name="child",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="children.child",
            ),
        ),
        migrations.AddField(
            model_name="ppplusrequest",
            name="paid_total",
            field=models.DecimalField(
                decimal_places=2, default=Decimal("0"), editable=False, max_digits=10
            ),
        ),
        migrations.AddField(
            model_name="payment",
            name="virtual_school",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.virtualschool",
            ),
        ),
        migrations.AddField(
            model_name="payment",
            name="child",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="children.child",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="ppplusrequest",
            name="virtual_school",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.virtualschool",
            ),
        ),
        migrations.AlterField(
            model_name="ppplusrequest",
            name="child",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="children.child"
            ),
        ),
        migrations.AlterField(
            model_name="payment",
            name="virtual_school",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.virtualschool",
            ),
        ),
        migrations.AlterField(
            model_name="payment",
            name="child",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="children.child"
            ),
        ),
        migrations.AddConstraint(
            model_name="ppplusrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(("paid_total", 0))
                | models.Q(("approved_amount__gte", models.F("paid_total"))),
                name="paid_within_approved",
            ),
        ),
        migrations.AddIndex(
            model_name="ppplusrequest",
            index=models.Index(
                fields=["virtual_school", "decided_on"], name="ppplus_request_vs_decided"
            ),
        ),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(fields=["virtual_school", "paid_on"], name="payment_vs_paid_on"),
        ),
    ]
