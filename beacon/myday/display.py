"""What My day prints for each row of its lists, worked out once per page.

Through the template language a row cost 150-200 µs at org scale: three `{% include %}`s, a
`{% url %}` or two (a reverse() each) and four `{% blocktranslate %}`s (each rebuilding its
message, finding the active language and translating). Here each message is translated once
per page, each kind of link reversed once per page, each date formatted once, and the row
templates print ready strings (markup stays in the templates). The messages are the ones the
templates had, word for word, so translations carry over. The sentences are plain text and the
templates escape them whole (`{% blocktranslate %}` escaped the values only: the same HTML for
words without `<`, `>`, `&` or quotes, and no less safe for those with).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext

from beacon.crisis.models import JUST_NOW, CrisisStatus
from beacon.myday.selectors import MyDay, Section

_PLACEHOLDER = str(uuid.UUID(int=0))


class Words:
    """Translations, links and dates for one page."""

    def __init__(self):
        self._texts: dict[Any, str] = {}
        self._links: dict[str, tuple[str, str]] = {}
        self._dates: dict[Any, str] = {}

    def __call__(self, message: str) -> str:
        try:
            return self._texts[message]
        except KeyError:
            text = self._texts[message] = gettext(message)
            return text

    def plural(self, singular: str, plural: str, count: int) -> str:
        key = (singular, count)
        try:
            return self._texts[key]
        except KeyError:
            text = self._texts[key] = ngettext(singular, plural, count)
            return text

    def fill(self, pattern: str, **values) -> str:
        """The translated sentence with its values (numbers localized). Plain text: the
        template escapes it whole, the values and the words around them alike."""
        return pattern % {name: self._value(v) for name, v in values.items()}

    def _value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            # What formats.localize() gives a whole number without a thousands separator.
            return formats.localize(value) if settings.USE_THOUSAND_SEPARATOR else str(value)
        return value

    def choice(self, instance, field: str) -> str:
        """instance.get_<field>_display(), translated once per page and value."""
        key = (type(instance), field, getattr(instance, field))
        try:
            return self._texts[key]
        except KeyError:
            text = self._texts[key] = str(getattr(instance, f"get_{field}_display")())
            return text

    def link(self, name: str, pk=None) -> str:
        """reverse(name, args=[pk]) for a URL whose one argument is a UUID (or reverse(name)
        without `pk`), reversed once per page."""
        try:
            before, after = self._links[name]
        except KeyError:
            args = [_PLACEHOLDER] if pk is not None else []
            before, _, after = reverse(name, args=args).partition(_PLACEHOLDER)
            self._links[name] = (before, after)
        return before if pk is None else f"{before}{pk}{after}"

    def date(self, value: datetime.date | datetime.datetime) -> str:
        """As `|date:"DATE_FORMAT"` prints it (a moment on its local day)."""
        if isinstance(value, datetime.datetime):
            value = timezone.localdate(value)
        try:
            return self._dates[value]
        except KeyError:
            text = self._dates[value] = formats.date_format(value, "DATE_FORMAT")
            return text


@dataclass(frozen=True)
class Item:
    """One row: who it is about, what is due, and what to do."""

    url: str
    name: str
    pronouns: str
    record: str
    # Bold, in the danger colour: how late (empty when not late).
    late: str
    # The rest of the line about what is due.
    detail: str
    # "Primary peer: ..." on the organization-wide day, else empty.
    peer: str
    # The row's button: where it goes and, for screen readers, whom it is for.
    action_url: str
    action_for: str
    # A second link in the detail line (the crisis flag's follow-through), and its words.
    link_url: str = ""
    link_label: str = ""


def _item(words: Words, participant, *, whole: bool, peer_name=None, **fields) -> Item:
    if whole:
        peer = (
            words.fill(words("Primary peer: %(peer_name)s"), peer_name=peer_name)
            if peer_name
            else words("No primary peer yet")
        )
    else:
        peer = ""
    fields.setdefault("late", "")
    return Item(
        url=words.link("participants:detail", participant.pk),
        name=participant.display_name,
        pronouns=participant.pronouns,
        record=words.fill(words("Record %(number)s"), number=participant.record_number),
        peer=peer,
        **fields,
    )


def _log_encounter(words: Words, participant) -> dict:
    return {
        "action_url": f"{words.link('encounters:new')}?participant={participant.pk}",
        "action_for": words.fill(words("with %(name)s"), name=participant.display_name),
    }


def follow_up_items(words: Words, section: Section, *, whole: bool) -> list[Item]:
    items = []
    for row in section.rows:
        participant = row.participant
        if row.days:
            late = words.fill(
                words.plural("%(counter)s day overdue", "%(counter)s days overdue", row.days),
                counter=row.days,
            )
            detail = words.fill(
                words("due %(date)s"), date=words.date(participant.next_follow_up_on)
            )
        else:
            late, detail = "", words("Due today")
        items.append(
            _item(
                words,
                participant,
                whole=whole,
                peer_name=row.peer_name,
                late=late,
                detail=detail,
                **_log_encounter(words, participant),
            )
        )
    return items


def no_contact_items(words: Words, section: Section, *, whole: bool) -> list[Item]:
    items = []
    for row in section.rows:
        participant = row.participant
        if row.days is None:
            detail = words.fill(
                words("No contact yet since enrolling on %(date)s"),
                date=words.date(participant.enrolled_on),
            )
        else:
            detail = words.fill(
                words.plural(
                    "Last contact %(counter)s day ago (%(date)s)",
                    "Last contact %(counter)s days ago (%(date)s)",
                    row.days,
                ),
                counter=row.days,
                date=words.date(participant.last_contact_at),
            )
        items.append(
            _item(
                words,
                participant,
                whole=whole,
                peer_name=row.peer_name,
                detail=detail,
                **_log_encounter(words, participant),
            )
        )
    return items


def new_assignment_items(words: Words, section: Section, *, whole: bool) -> list[Item]:
    items = []
    for assignment in section.rows:
        values = {
            "role": words.choice(assignment, "role"),
            "date": words.date(assignment.started_at),
            "by": assignment.assigned_by.name,
        }
        if whole:
            detail = words.fill(
                words("%(peer)s, %(role)s, since %(date)s (assigned by %(by)s)"),
                peer=assignment.peer.name,
                **values,
            )
        else:
            detail = words.fill(
                words("You, %(role)s, since %(date)s (assigned by %(by)s)"), **values
            )
        items.append(
            _item(
                words,
                assignment.participant,
                whole=False,
                detail=detail,
                **_log_encounter(words, assignment.participant),
            )
        )
    return items


def crisis_items(words: Words, section: Section, *, whole: bool) -> list[Item]:
    """Each flag: its status and age first ("Open, flagged 12 minutes ago"), in bold while it
    is not resolved; the link goes to the flag's follow-through."""
    items = []
    now = timezone.now()
    for row in section.rows:
        encounter = row.encounter
        detail = words.fill(
            words("%(kind)s on %(when)s, logged by %(peer)s"),
            kind=words.choice(encounter, "kind"),
            when=formats.date_format(timezone.localtime(encounter.occurred_at), "DATETIME_FORMAT"),
            peer=encounter.peer.name,
        )
        if now - row.flagged_at < JUST_NOW:
            flagged = words("flagged just now")
        else:
            flagged = words.fill(
                words("flagged %(age)s ago"), age=timesince(row.flagged_at, now, depth=1)
            )
        if row.status == CrisisStatus.OPEN:
            late = words.fill(words("Open, %(flagged)s: not acknowledged yet"), flagged=flagged)
        elif row.status == CrisisStatus.ACKNOWLEDGED:
            late = words.fill(words("Acknowledged, %(flagged)s"), flagged=flagged)
        else:
            late = ""
            detail = words.fill(
                words("%(status)s. %(detail)s"),
                status=words("Resolved") if row.status else words("No follow-through record"),
                detail=detail,
            )
        if row.flag_id is not None:
            link_url = words.link("crisis:detail", row.flag_id)
            link_label = (
                words("See what was done")
                if row.status == CrisisStatus.RESOLVED
                else words("Follow through")
            )
        else:
            link_url = words.link("encounters:detail", encounter.pk)
            link_label = words("View encounter")
        items.append(
            _item(
                words,
                encounter.participant,
                whole=False,
                detail=detail,
                late=late,
                link_url=link_url,
                link_label=link_label,
                **_log_encounter(words, encounter.participant),
            )
        )
    return items


def plan_review_items(words: Words, section: Section, *, whole: bool) -> list[Item]:
    items = []
    for row in section.rows:
        if row.days:
            late = words.fill(
                words.plural(
                    "Review %(counter)s day overdue", "Review %(counter)s days overdue", row.days
                ),
                counter=row.days,
            )
            detail = words.fill(words("due %(date)s"), date=words.date(row.plan.next_review_on))
        else:
            late, detail = "", words("Review due today")
        items.append(
            _item(
                words,
                row.participant,
                whole=whole,
                peer_name=row.peer_name,
                late=late,
                detail=detail,
                action_url=words.link("plans:review", row.plan.pk),
                action_for=words.fill(words("with %(name)s"), name=row.participant.display_name),
            )
        )
    return items


def referral_items(words: Words, section: Section, *, whole: bool) -> list[Item]:
    items = []
    for row in section.rows:
        referral = row.referral
        detail = words.fill(
            words("Referral to %(to)s, sent %(sent)s: %(status)s."),
            to=referral.recipient_name,
            status=words.choice(referral, "status"),
            sent=words.date(referral.created_at),
        )
        if row.days:
            late = words.fill(
                words.plural(
                    "Follow-up %(counter)s day overdue",
                    "Follow-up %(counter)s days overdue",
                    row.days,
                ),
                counter=row.days,
            )
        else:
            late = ""
        items.append(
            _item(
                words,
                row.participant,
                whole=False,
                detail=detail,
                late=late,
                action_url=words.link("referrals:detail", referral.pk),
                action_for=words.fill(words("for %(name)s"), name=row.participant.display_name),
            )
        )
    return items


def outreach_items(words: Words, section: Section, *, whole: bool) -> list[Item]:
    """Each request: how long it has waited and where it came from; the button marks it
    answered (a POST, from the row's form), the link opens the participant's check-ins."""
    items = []
    now = timezone.now()
    for row in section.rows:
        request = row.request
        if now - request.created_at < JUST_NOW:
            asked = words("Asked just now")
        else:
            asked = words.fill(
                words("Asked %(age)s ago"), age=timesince(request.created_at, now, depth=1)
            )
        items.append(
            _item(
                words,
                row.participant,
                whole=whole,
                peer_name=row.peer_name,
                late=asked,
                detail=words.choice(request, "source"),
                action_url=words.link("checkins:outreach_answer", request.pk),
                action_for=words.fill(words("for %(name)s"), name=row.participant.display_name),
                link_url=words.link("checkins:participant", row.participant.pk),
                link_label=words("See check-ins"),
            )
        )
    return items


def plan_update_items(words: Words, section: Section, *, whole: bool) -> list[Item]:
    """What participants did to their own plans: the act in their words, and the plan."""
    items = []
    for row in section.rows:
        update = row.update
        if update.kind == "step_done":
            detail = words.fill(words("Marked a step done: “%(what)s”"), what=row.step_what)
        elif update.kind == "step_undone":
            detail = words.fill(words("Marked a step not done yet: “%(what)s”"), what=row.step_what)
        elif update.kind == "progress_note":
            detail = words.fill(
                words("Wrote how a goal is going: “%(goal)s”"), goal=row.goal_description
            )
        else:
            detail = words.fill(words("Suggested a change: “%(text)s”"), text=update.text)
        items.append(
            _item(
                words,
                row.participant,
                whole=False,
                late="",
                detail=f"{detail} ({words.date(update.created_at)})",
                action_url=words.link("plans:detail", update.plan_id),
                action_for=words.fill(words("of %(name)s"), name=row.participant.display_name),
                link_url=words.link("plans:update_handle", update.pk),
                link_label="suggestion" if update.kind == "suggestion" else "",
            )
        )
    return items


def program_assessment_items(words: Words, section: Section, *, whole: bool) -> list[Item]:
    """Funder assessments with an open window: which one, for which program, and how many days
    are left (in bold in the window's last days, when an administrative record is offered)."""
    items = []
    for row in section.rows:
        assessment = row.assessment
        detail = words.fill(
            words("%(kind)s for %(program)s, due %(due)s."),
            kind=words.choice(assessment, "kind"),
            program=row.program_name,
            due=words.date(assessment.due_on),
        )
        left = words.fill(
            words.plural(
                "Window closes in %(counter)s day",
                "Window closes in %(counter)s days",
                row.days_left,
            ),
            counter=row.days_left,
        )
        items.append(
            _item(
                words,
                row.participant,
                whole=False,
                detail=f"{detail} {left}" if not row.closing else detail,
                late=left if row.closing else "",
                action_url=words.link("programs:assessment", assessment.pk),
                action_for=words.fill(words("for %(name)s"), name=row.participant.display_name),
            )
        )
    return items


ITEMS = {
    "outreach": outreach_items,
    "follow_ups": follow_up_items,
    "no_contact": no_contact_items,
    "new_assignments": new_assignment_items,
    "crisis_flags": crisis_items,
    "plan_reviews": plan_review_items,
    "referral_follow_ups": referral_items,
    "plan_updates": plan_update_items,
    "program_assessments": program_assessment_items,
}


def day_items(day: MyDay) -> dict[str, list[Item]]:
    """The rows of each participant list on `day`, ready to print."""
    words = Words()
    return {
        name: build(words, section, whole=day.whole_organization)
        for name, build in ITEMS.items()
        if (section := getattr(day, name)) is not None
    }
