"""How well a peer fits what a participant hopes for, in numbers and in plain words
(docs/matching.md). Plain functions over plain data: no database here.

The fit is the sum of the organization's weights of the aspects where the peer, in what they
shared for matching, has something the participant asked for. A "must" the peer does not meet,
or has not shared, rules the pair out. Nothing the peer did not share is used or said, except
that it was not shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from beacon.matching.choices import ASPECT, ASPECTS, Strength

# A pair with equal fit goes to the peer with more room: a tie-breaker worth less than one
# point of weight, so it never outweighs anything a participant asked for.
ROOM_BONUS = 0.5


@dataclass
class Candidate:
    """A peer who could take someone: what they shared, and their room. `tokens` holds the
    shared values as "aspect:value" words and "aspect:*" for each aspect shared (the form the
    database keeps them in: PeerProfile.shared_tokens); it is made from `shared` if not given."""

    user_id: object
    name: str
    capacity: int
    caseload: int
    shared: dict[str, list[str]] = field(default_factory=dict)
    tokens: frozenset = frozenset()

    def __post_init__(self):
        if not self.tokens and self.shared:
            self.tokens = frozenset(tokens_of(self.shared).split())

    @property
    def room(self) -> int:
        return max(0, self.capacity - self.caseload)


def tokens_of(shared: dict[str, list[str]]) -> str:
    """ "language:* language:en language:es pathway:* pathway:moud": what a peer shared."""
    words = []
    for key, values in sorted(shared.items()):
        words.append(f"{key}:*")
        words.extend(f"{key}:{value}" for value in values)
    return " ".join(words)


@dataclass
class Fit:
    """One peer's fit for one participant. The words (reasons, misses) are made only when
    read: a page shows them for three peers, not for every peer scored."""

    candidate: Candidate
    score: float
    matched: list[tuple[str, list[str]]]  # (aspect, the values both have)
    missed: list[tuple[str, list[str], bool]]  # (aspect, the values asked for, shared at all)

    @property
    def aspects(self) -> list[str]:
        return [key for key, _common in self.matched]

    @property
    def reasons(self) -> list[str]:
        said = [
            str(ASPECT[key].match) % {"values": join(ASPECT[key].labels(common))}
            for key, common in self.matched
        ]
        room = self.candidate.room
        said.append(
            _("has room for %(room)s more") % {"room": room}
            if room != 1
            else _("has room for 1 more")
        )
        return said

    @property
    def misses(self) -> list[str]:
        said = []
        for key, values, shared in self.missed:
            aspect = ASPECT[key]
            if not shared:
                said.append(_("has not shared: %(aspect)s") % {"aspect": str(aspect.label).lower()})
            else:
                said.append(str(aspect.miss) % {"values": join(aspect.labels(values))})
        return said

    @property
    def points(self) -> int:
        return round(self.score - self.tie_breaker)

    @property
    def tie_breaker(self) -> float:
        candidate = self.candidate
        return ROOM_BONUS * candidate.room / candidate.capacity if candidate.capacity else 0.0


def join(labels: list[str]) -> str:
    """ "Spanish", "Spanish or Portuguese", "Monday, Tuesday or Friday evenings"."""
    if len(labels) <= 1:
        return "".join(labels)
    return _("%(first)s or %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def wanted(wants: dict, no_preference: bool = False) -> list[tuple[str, list[str], str]]:
    """(aspect, values, strength) for each aspect the participant cares about."""
    if no_preference:
        return []
    out = []
    for aspect in ASPECTS:
        want = (wants or {}).get(aspect.key) or {}
        values = [v for v in want.get("values") or [] if v in dict(aspect.options)]
        strength = want.get("strength") or Strength.NONE
        if values and strength in (Strength.LIKE, Strength.MUST):
            out.append((aspect.key, values, strength))
    return out


def fit_of(
    *, wants: list[tuple[str, list[str], str]], candidate: Candidate, weights: dict[str, int]
) -> Fit | None:
    """The fit of one peer for one participant, or None when a "must" is not met (or a must's
    aspect is not shared, or the peer has no room)."""
    if candidate.room <= 0:
        return None
    tokens = candidate.tokens
    score = 0.0
    matched: list[tuple[str, list[str]]] = []
    missed: list[tuple[str, list[str], bool]] = []
    for key, values, strength in wants:
        common = [v for v in values if f"{key}:{v}" in tokens]
        if common:
            score += weights.get(key, ASPECT[key].weight)
            matched.append((key, common))
            continue
        if strength == Strength.MUST:
            return None
        missed.append((key, values, f"{key}:*" in tokens))
    result = Fit(candidate, score, matched, missed)
    result.score = score + result.tie_breaker
    return result


def fits_for(
    *,
    wants: list[tuple[str, list[str], str]],
    candidates: list[Candidate],
    weights: dict[str, int],
    exclude: set | frozenset = frozenset(),
) -> list[Fit]:
    """Every candidate that fits, the best first (equal fits: more room first, then name)."""
    fits = []
    for candidate in candidates:
        if candidate.user_id in exclude:
            continue
        result = fit_of(wants=wants, candidate=candidate, weights=weights)
        if result is not None:
            fits.append(result)
    fits.sort(key=lambda f: (-f.score, f.candidate.name))
    return fits


def max_points(wants: list[tuple[str, list[str], str]], weights: dict[str, int]) -> int:
    """What a peer matching everything asked for would score."""
    return sum(weights.get(key, ASPECT[key].weight) for key, _values, _strength in wants)
