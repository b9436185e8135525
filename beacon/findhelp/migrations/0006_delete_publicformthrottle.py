"""The public forms' rate limit is counted with every other one in core.RateLimitCounter
(beacon/core/ratelimit.py); its counters here lasted an hour at most, so none is carried over."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('findhelp', '0005_search_languages'),
    ]

    operations = [
        migrations.DeleteModel(
            name='PublicFormThrottle',
        ),
    ]
