"""What a match is made of, as data in one place (docs/matching.md).

Each aspect names its options, how a match on it and a miss are said in plain words, and the
organization's default weight with the reason for it (DOMAIN.md, "Matching peers and
participants"). Forms, scoring, the weights page and the learning page all read this list;
adding an option or an aspect is a change here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from beacon.participants.models import RecoveryPathway

LIVED_EXPERIENCE = [
    ("justice", _("Justice involvement")),
    ("homelessness", _("Homelessness")),
    ("parenting", _("Parenting")),
    ("military", _("Military service")),
    ("lgbtq", _("LGBTQ+")),
    ("family_recovery", _("A family member in recovery")),
    ("mental_health", _("Mental health")),
    ("chronic_pain", _("Chronic pain")),
    ("foster_care", _("Foster care")),
    ("domestic_violence", _("Domestic violence")),
]
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("ht", _("Haitian Creole")),
    ("vi", _("Vietnamese")),
    ("zh", _("Chinese")),
    ("ar", _("Arabic")),
    ("ru", _("Russian")),
    ("fr", _("French")),
    ("asl", _("American Sign Language")),
]
AGE_BANDS = [
    ("18_25", _("18 to 25")),
    ("26_35", _("26 to 35")),
    ("36_50", _("36 to 50")),
    ("51_64", _("51 to 64")),
    ("65_up", _("65 or older")),
]
GENDERS = [
    ("woman", _("woman")),
    ("man", _("man")),
    ("nonbinary", _("non-binary person")),
    ("transgender", _("transgender person")),
]
FAITHS = [
    ("christian", _("Christian")),
    ("muslim", _("Muslim")),
    ("jewish", _("Jewish")),
    ("buddhist", _("Buddhist")),
    ("indigenous", _("Indigenous spirituality")),
    ("spiritual", _("Spiritual, not religious")),
    ("secular", _("Not religious")),
]
SETTINGS = [
    ("ed", _("emergency departments")),
    ("jail", _("jails and re-entry")),
    ("street", _("street outreach")),
    ("college", _("colleges")),
    ("online", _("online")),
    ("community", _("the recovery center")),
    ("treatment", _("treatment programs")),
    ("housing", _("recovery housing")),
]
DAYS = [
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
    ("sat", _("Saturday")),
    ("sun", _("Sunday")),
]
PARTS = [("morning", _("mornings")), ("afternoon", _("afternoons")), ("evening", _("evenings"))]
AVAILABILITY = [
    (f"{day}_{part}", format_lazy("{} {}", day_label, part_label))
    for day, day_label in DAYS
    for part, part_label in PARTS
]
PLACES = [
    ("office", _("in person at the recovery center")),
    ("community", _("in person in the community")),
    ("phone", _("by phone")),
    ("video", _("by video")),
]


@dataclass(frozen=True)
class Aspect:
    key: str
    label: str  # what it is, for staff
    question: str  # what the participant is asked
    options: list[tuple[str, str]]
    match: str  # said when the peer shared it and it fits: %(values)s
    miss: str  # said when it does not fit: %(values)s are what the participant asked for
    weight: int  # the default weight, 0 to 10
    why: str  # why the default is what it is
    multiple: bool = True  # a peer may have several (pathways, languages), or one (age band)

    def labels(self, values) -> list[str]:
        names = dict(self.options)
        return [str(names[v]) for v in values if v in names]


ASPECTS: list[Aspect] = [
    Aspect(
        "pathway",
        _("Recovery pathways"),
        _("Someone on the same recovery pathway"),
        list(RecoveryPathway.choices),
        _("both on the %(values)s pathway"),
        _("not on the %(values)s pathway"),
        5,
        _(
            "A better working relationship went with feeling alike in recovery pathway "
            "(Tillson and Lewis 2024, 100 peers' participants)."
        ),
    ),
    Aspect(
        "language",
        _("Languages"),
        _("Someone who speaks my language"),
        LANGUAGES,
        _("both speak %(values)s"),
        _("does not speak %(values)s"),
        5,
        _(
            "Programs match on language and culture on purpose (Boston University's Project "
            "RECOVER); without a shared language there is no conversation."
        ),
    ),
    Aspect(
        "age_band",
        _("Age"),
        _("Someone about my age"),
        AGE_BANDS,
        _("aged %(values)s, as asked"),
        _("not aged %(values)s"),
        4,
        _(
            "Feeling alike in age went with a better relationship (Tillson and Lewis 2024), and "
            "age matching helped in online peer support (7 Cups, CSCW 2022)."
        ),
        multiple=False,
    ),
    Aspect(
        "faith",
        _("Faith or spirituality"),
        _("Someone who shares my faith or spirituality"),
        FAITHS,
        _("shares faith or spirituality: %(values)s"),
        _("does not share faith or spirituality: %(values)s"),
        4,
        _(
            "Feeling alike in spirituality went with a better relationship "
            "(Tillson and Lewis 2024)."
        ),
    ),
    Aspect(
        "lived_experience",
        _("Lived experience"),
        _("Someone who has lived what I have"),
        LIVED_EXPERIENCE,
        _("has lived it too: %(values)s"),
        _("has not shared lived experience of %(values)s"),
        3,
        _(
            "Feeling alike in family relationships mattered (Tillson and Lewis 2024); "
            "incarceration and treatment history did not, so this counts less than pathway."
        ),
    ),
    Aspect(
        "gender",
        _("Gender"),
        _("A peer of a gender I choose"),
        GENDERS,
        _("a %(values)s, as asked"),
        _("not a %(values)s"),
        2,
        _(
            "Gender matching helped in online peer support, most for people in a hard place "
            "(JMIR Form Res 2024), but not in Tillson and Lewis 2024: it counts when asked for."
        ),
        multiple=False,
    ),
    Aspect(
        "availability",
        _("When they can meet"),
        _("When I can meet"),
        AVAILABILITY,
        _("available %(values)s"),
        _("not available %(values)s"),
        3,
        _(
            "Meeting when the person can keeps them coming; a perfect match they never see "
            "helps nobody."
        ),
    ),
    Aspect(
        "place",
        _("How and where they meet"),
        _("How I can meet"),
        PLACES,
        _("can meet %(values)s"),
        _("cannot meet %(values)s"),
        2,
        _("Practical: the person must be able to get there, or to talk by phone or video."),
    ),
    Aspect(
        "setting",
        _("Settings they work in"),
        _("Someone who works where I am"),
        SETTINGS,
        _("works in %(values)s"),
        _("does not work in %(values)s"),
        1,
        _("Mostly practical; no study ties it to the relationship."),
    ),
]
ASPECT = {aspect.key: aspect for aspect in ASPECTS}
MAX_WEIGHT = 10


class Strength:
    """How much a participant's wish counts: a "must" is never broken; "would like" adds to
    the fit."""

    NONE = ""
    LIKE = "like"
    MUST = "must"
    CHOICES = [
        (NONE, _("No preference")),
        (LIKE, _("Would like")),
        (MUST, _("Must")),
    ]
