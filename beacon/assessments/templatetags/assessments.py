"""{% load assessments %}{% assessment_summary participant as summary %}: the latest BARC-10
and the current stage of change, for the participant page (two queries).

The participant page has already loaded the participant through the access check and recorded
the view; this tag only reads what hangs off that participant.
"""

from django import template

from beacon.assessments import selectors

register = template.Library()


@register.simple_tag
def assessment_summary(participant):
    return selectors.assessment_summary(participant)
