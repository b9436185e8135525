"""The four standard credential definitions every organization shares (DOMAIN.md, "Peer
credentials"). They belong to no organization and are read-only; an organization admin copies
one to change it. The figures are written here, not imported, so this migration means the same
thing forever."""

from django.db import migrations

IC_RC_DOMAINS = {"advocacy": 10, "mentoring": 10, "recovery_wellness": 10, "ethics": 16}

STANDARD = [
    {
        "name": "IC&RC Peer Recovery (PR)",
        "issuer": "IC&RC",
        "description": (
            "46 education hours (10 advocacy, 10 mentoring/education, 10 recovery/wellness "
            "support, 16 ethical responsibility); 500 hours of paid or volunteer experience; "
            "25 hours of supervision; exam. Renewal every 2 years with 20 continuing education "
            "hours, 6 of them ethics."
        ),
        "education_hours": 46,
        "education_by_domain": IC_RC_DOMAINS,
        "experience_hours": 500,
        "supervision_hours": 25,
        "exam_required": True,
        "renewal_months": 24,
        "ce_hours": 20,
        "ce_by_domain": {"ethics": 6},
    },
    {
        "name": "Pennsylvania Certified Recovery Specialist (CRS)",
        "issuer": "Pennsylvania Certification Board",
        "description": (
            "78 hours of standardized training. Recertification every 2 years with 30 hours "
            "(6 ethics, 3 confidentiality)."
        ),
        "education_hours": 78,
        "education_by_domain": {},
        "experience_hours": 0,
        "supervision_hours": 0,
        "exam_required": False,
        "renewal_months": 24,
        "ce_hours": 30,
        "ce_by_domain": {"ethics": 6, "confidentiality": 3},
    },
    {
        "name": "Texas Recovery Support Peer Specialist (RSPS)",
        "issuer": "Texas Certification Board",
        "description": (
            "250 supervised work hours during a 6-month initial certification, then a 2-year "
            "certification."
        ),
        "education_hours": 0,
        "education_by_domain": {},
        "experience_hours": 250,
        "experience_window_months": 6,
        "supervision_hours": 0,
        "exam_required": False,
        "renewal_months": 24,
        "ce_hours": 0,
        "ce_by_domain": {},
    },
    {
        "name": "Delaware Certified Peer Recovery Specialist (CPRS)",
        "issuer": "Delaware Certification Board",
        "description": (
            "IC&RC's requirements with a fifth education domain, harm reduction (10 hours): "
            "56 education hours, 500 experience hours, 25 supervision hours, exam; renewal "
            "every 2 years with 20 continuing education hours, 6 of them ethics."
        ),
        "education_hours": 56,
        "education_by_domain": {**IC_RC_DOMAINS, "harm_reduction": 10},
        "experience_hours": 500,
        "supervision_hours": 25,
        "exam_required": True,
        "renewal_months": 24,
        "ce_hours": 20,
        "ce_by_domain": {"ethics": 6},
    },
]


def create(apps, schema_editor):
    CredentialDefinition = apps.get_model("workforce", "CredentialDefinition")
    for values in STANDARD:
        CredentialDefinition.objects.update_or_create(
            organization=None, name=values["name"], defaults=values
        )


def remove(apps, schema_editor):
    CredentialDefinition = apps.get_model("workforce", "CredentialDefinition")
    CredentialDefinition.objects.filter(
        organization=None, name__in=[v["name"] for v in STANDARD], peer_credentials=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("workforce", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
