"""A certificate is downloaded under the type its bytes prove, never the name it came with
(issue 14): a PDF uploaded as "report.html" would otherwise be saved as an HTML page and its
script run when opened."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from beacon.workforce.models import Training
from beacon.workforce.tests.factories import PDF, PNG, training

pytestmark = pytest.mark.django_db

YESTERDAY = date.today() - timedelta(days=1)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def _post(client, name, content, content_type="text/html"):
    return client.post(
        reverse("workforce:training_new"),
        {
            "course": "Ethics for peers",
            "provider": "Recovery Academy",
            "completed_on": YESTERDAY.isoformat(),
            "hours_ethics": "6",
            # The browser's claimed type is the uploader's too: it is never used.
            "certificate": SimpleUploadedFile(name, content, content_type=content_type),
        },
    )


def _download(client, t):
    response = client.get(reverse("workforce:certificate", args=[t.pk]))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("name", "content", "content_type", "filename"),
    [
        ("report.html", PDF, "application/pdf", "report.pdf"),
        ("x.pdf", PNG, "image/png", "x.png"),
        ("scan.svg", JPEG, "image/jpeg", "scan.jpg"),
        ('a"b.pdf.html', PDF, "application/pdf", "a_b_pdf.pdf"),
        ("..html", PDF, "application/pdf", "certificate.pdf"),
    ],
)
def test_a_certificate_is_named_and_typed_from_its_content(
    client_for, pat, name, content, content_type, filename
):
    client = client_for(pat)
    assert _post(client, name, content).status_code == 302
    t = Training.objects.get()
    assert t.certificate_name == filename
    assert t.certificate_type == content_type
    response = _download(client, t)
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content


def test_a_certificate_recorded_under_an_html_name_before_is_downloaded_as_what_it_is(
    client_for, pat, pat_member
):
    """A certificate stored before this rule keeps its old name in the database; the download
    still takes its type and extension from the file's bytes."""
    t = training(pat_member, on=YESTERDAY, hours={"ethics": 1})
    from django.core.files.base import ContentFile

    t.certificate.save("certificates/old.pdf", ContentFile(PDF), save=False)
    Training.objects.filter(pk=t.pk).update(
        certificate=t.certificate.name, certificate_name="report.html", certificate_type="text/html"
    )
    response = _download(client_for(pat), t)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'


def test_content_matching_no_accepted_type_is_refused_on_the_certificate_field(client_for, pat):
    html_page = b"<html><script>alert(1)</script></html>"
    response = _post(client_for(pat), "cert.pdf", html_page, content_type="application/pdf")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["certificate"] == [
        "This file is not a PDF, PNG or JPEG (whatever its name says). Upload the certificate as "
        "a PDF, PNG or JPEG file."
    ]
    assert not Training.objects.exists()
