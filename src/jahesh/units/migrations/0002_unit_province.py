# The unit's province on its own row, so provincial lists filter and sort on an
# index instead of joining geo_county (bench/units_list.py).

import django.db.models.deletion
from django.db import migrations, models


def fill_province(apps, schema_editor):
    Unit = apps.get_model("units", "Unit")
    County = apps.get_model("geo", "County")
    for county_id, province_id in County.objects.filter(units__isnull=False).distinct().values_list(
        "pk", "province_id"
    ):
        Unit.objects.filter(county_id=county_id).update(province_id=province_id)


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0002_village_name_id_index"),
        ("units", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="province",
            field=models.ForeignKey(
                null=True, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="units",
                to="geo.province", verbose_name="استان",
            ),
        ),
        migrations.RunPython(fill_province, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="unit",
            name="province",
            field=models.ForeignKey(
                editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="units",
                to="geo.province", verbose_name="استان",
            ),
        ),
        migrations.AddField(
            model_name="historicalunit",
            name="province",
            field=models.ForeignKey(
                blank=True, db_constraint=False, editable=False, null=True,
                on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="geo.province",
                verbose_name="استان",
            ),
        ),
        migrations.AddIndex(
            model_name="unit",
            index=models.Index(fields=["province", "-id"], name="units_unit_province_id_idx"),
        ),
        migrations.AddIndex(
            model_name="unit",
            index=models.Index(fields=["county", "-risk_score", "-id"], name="units_unit_county_risk_idx"),
        ),
        migrations.AddIndex(
            model_name="unit",
            index=models.Index(fields=["province", "-risk_score", "-id"], name="units_unit_province_risk_idx"),
        ),
    ]
