"""The background task behind a meeting feed's scheduled fetch, run by `beacon worker`
(django-tasks, database backend). Each run queues the next one (services.feed_run)."""

from __future__ import annotations

from django_tasks import task

from beacon.meetings.services import feed_run


@task()
def meeting_feed_task(feed_id: str, due: str) -> str:
    return feed_run(feed_id=feed_id, due=due)
