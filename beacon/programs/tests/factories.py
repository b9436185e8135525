import datetime

from django.utils import timezone

from beacon.programs import services
from conftest import member_of


def program_for(user, *, days_in: int = 180, length: int = 365, **values):
    """A SUPRT program of the user's organization that started `days_in` days ago."""
    today = timezone.localdate()
    starts = today - datetime.timedelta(days=days_in)
    fields = {
        "name": "Recovery Community Services",
        "grant_number": "TI-000001",
        "starts_on": starts,
        "ends_on": starts + datetime.timedelta(days=length),
    }
    fields.update(values)
    return services.program_create(member=member_of(user), **fields)


def enroll(user, program, participant, *, days_ago: int):
    return services.EnrollInProgram(
        member=member_of(user),
        program=program,
        participant=participant,
        started_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    ).execute()
