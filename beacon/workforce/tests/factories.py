from datetime import date

from beacon.workforce import services
from beacon.workforce.models import CredentialDefinition

ICRC = "IC&RC Peer Recovery (PR)"
PDF = b"%PDF-1.4\n% a certificate\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def standard(name: str = ICRC) -> CredentialDefinition:
    return CredentialDefinition.objects.get(organization=None, name=name)


def training(member, *, on: date, hours: dict, course="Ethics for peers", certificate=None):
    return services.training_create(
        member=member,
        values={
            "course": course,
            "provider": "Recovery Academy",
            "completed_on": on,
            "hours": hours,
        },
        certificate=certificate,
    )


def credential(member, person=None, definition=None, **values):
    return services.credential_add(
        member=member,
        person=person or member,
        definition=definition or standard(),
        values={"status": "working_toward", **values},
    )
