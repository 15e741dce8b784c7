# Indexes only: the admin contribution changelist's default order (issue 13, point 7).

from django.db import migrations, models

import unodc_portal.core.records


class Migration(migrations.Migration):

    dependencies = [
        ('donors', '0003_demo_flags_and_versions'),
    ]

    operations = [
        # admin contribution changelist: newest year first, and its year filter's choices
        migrations.AddIndex(
            model_name='contribution',
            index=unodc_portal.core.records.NullsLastIndex(
                models.OrderBy(models.F('year'), descending=True, nulls_last=True),
                name='donors_contrib_year_idx',
            ),
        ),
    ]
