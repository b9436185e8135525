"""The demo participant has messages with their peer to look at (docs/portal.md)."""

import pytest

from beacon.accounts.models import User
from beacon.messaging.models import Message
from beacon.myday.selectors import my_day
from beacon.participants.models import Participant
from conftest import member_of


@pytest.mark.django_db
def test_riley_and_pat_have_a_conversation(demo):
    riley = User.objects.get(email="participant@harbor.demo")
    pat = User.objects.get(email="peer@harbor.demo")
    record = Participant.objects.get(account=riley)
    thread = list(Message.objects.filter(participant=record).order_by("created_at"))
    assert len(thread) >= 4
    assert {m.author for m in thread} == {riley, pat}
    assert thread[-1].from_participant and thread[-1].read_at is None
    day = my_day(member=member_of(pat, record.organization))
    assert record.pk in {row.participant.pk for row in day.unread_messages.rows}
