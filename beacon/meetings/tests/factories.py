import datetime

from beacon.meetings.feed import types_text
from beacon.meetings.models import Meeting

WORCESTER = (42.2626, -71.8023)  # about ZIP 01608's centre


def meeting(organization, name="Keep It Simple", *, types=(), **fields) -> Meeting:
    values = {
        "slug": name.lower().replace(" ", "-"),
        "days": "3",
        "time": datetime.time(19, 0),
        "timezone": "America/New_York",
        "address": "1 Main Street",
        "city": "Worcester",
        "state": "MA",
        "postal_code": "01608",
        "latitude": WORCESTER[0],
        "longitude": WORCESTER[1],
        **fields,
    }
    return Meeting.objects.create(
        organization=organization, name=name, types=types_text(types), **values
    )
