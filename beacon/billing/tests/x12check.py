"""Checks an 837P with pyx12 against the 005010X222A1 implementation guide (its own maps)."""

import io
import re

import pyx12.params
import pyx12.x12n_document


def validate_837p(text: str) -> list[str]:
    """The validator's error messages (none for a valid file)."""
    report = io.StringIO()
    valid = pyx12.x12n_document.x12n_document(
        param=pyx12.params.params(),
        src_file=io.StringIO(text),
        fd_997=None,
        fd_html=report,
        fd_xmldoc=None,
    )
    errors = [
        e.replace("&nbsp;", "").strip()
        for e in re.findall(r"class=\"error\">([^<]+)<", report.getvalue())
    ]
    if not valid and not errors:
        errors = ["pyx12 says the file is not valid"]
    return errors
