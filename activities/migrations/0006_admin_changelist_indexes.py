# Indexes only: the admin changelists' default orders at programme scale (issue 13, point 7).

from django.db import migrations, models

import unodc_portal.core.records


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0005_demo_flags_and_versions'),
    ]

    operations = [
        # admin event and participation changelists: the events' default order, newest first
        migrations.AddIndex(
            model_name='event',
            index=unodc_portal.core.records.NullsLastIndex(
                models.OrderBy(models.F('start_date'), descending=True, nulls_last=True),
                models.OrderBy(models.F('year'), descending=True, nulls_last=True),
                models.OrderBy(models.F('month'), descending=True, nulls_last=True),
                models.F('title'),
                models.OrderBy(models.F('id'), descending=True),
                name='activities_event_order_idx',
            ),
        ),
        # admin seizure changelist: the default order and its year filter's choices
        migrations.AddIndex(
            model_name='seizure',
            index=unodc_portal.core.records.NullsLastIndex(
                models.OrderBy(models.F('year'), descending=True, nulls_last=True),
                models.OrderBy(models.F('date'), descending=True, nulls_last=True),
                models.F('key'),
                name='activities_seizure_order_idx',
            ),
        ),
    ]
