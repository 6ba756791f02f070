"""Each signed-off copy keeps its child's Virtual School, filled in here from the PEP's child,
with an index of the copies still owed by Virtual School for the QA queue."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    SignedOffCopy = apps.get_model("peps", "SignedOffCopy")
    Child = apps.get_model("children", "Child")
    Pep = apps.get_model("peps", "Pep")
    school_of_child = Child.objects.filter(pk=models.OuterRef("child_id")).values(
        "virtual_school_id"
    )
    school_of_pep = Pep.objects.filter(pk=models.OuterRef("pep_id")).annotate(
        vs=models.Subquery(school_of_child)
    ).values("vs")
    SignedOffCopy.objects.filter(virtual_school__isnull=True).update(
        virtual_school_id=models.Subquery(school_of_pep)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("children", "0001_initial"),
        ("peps", "0013_my_pep_child_friendly_lines"),
    ]

    operations = [
        migrations.AddField(
            model_name="signedoffcopy",
            name="virtual_school",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.virtualschool",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="signedoffcopy",
            name="virtual_school",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.virtualschool",
            ),
        ),
        migrations.AddIndex(
            model_name="signedoffcopy",
            index=models.Index(
                condition=models.Q(("rendered_at__isnull", True)),
                fields=["virtual_school", "created_at"],
                name="signed_off_copy_owed_by_vs",
            ),
        ),
    ]
