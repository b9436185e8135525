"""The fit of a peer for a participant: plain functions, no database."""

from beacon.matching import scoring
from beacon.matching.choices import ASPECT, ASPECTS

WEIGHTS = {a.key: a.weight for a in ASPECTS}


def peer(name="Pat", capacity=10, caseload=2, **shared):
    return scoring.Candidate(
        user_id=name, name=name, capacity=capacity, caseload=caseload, shared=shared
    )


def wants(**aspects):
    return scoring.wanted(
        {k: {"values": v[0], "strength": v[1]} for k, v in aspects.items()}, False
    )


def test_reasons_in_plain_words_and_room():
    fit = scoring.fit_of(
        wants=wants(
            pathway=(["moud"], "like"),
            language=(["es"], "must"),
            availability=(["tue_evening"], "like"),
        ),
        candidate=peer(
            pathway=["moud", "12_step"], language=["en", "es"], availability=["tue_evening"]
        ),
        weights=WEIGHTS,
    )
    assert fit.reasons == [
        "both on the Medication for opioid use disorder pathway",
        "both speak Spanish",
        "available Tuesday evenings",
        "has room for 8 more",
    ]
    assert fit.misses == []
    assert fit.points == ASPECT["pathway"].weight + ASPECT["language"].weight + 3
    assert set(fit.aspects) == {"pathway", "language", "availability"}


def test_a_must_not_met_rules_the_peer_out():
    asked = wants(gender=(["woman"], "must"))
    assert scoring.fit_of(wants=asked, candidate=peer(gender=["man"]), weights=WEIGHTS) is None
    # Not shared is not met: Beacon never guesses what a peer kept private.
    assert scoring.fit_of(wants=asked, candidate=peer(), weights=WEIGHTS) is None
    assert scoring.fit_of(wants=asked, candidate=peer(gender=["woman"]), weights=WEIGHTS)


def test_what_does_not_fit_is_said_and_private_items_are_only_named():
    fit = scoring.fit_of(
        wants=wants(
            availability=(["sat_morning", "sun_morning"], "like"), faith=(["muslim"], "like")
        ),
        candidate=peer(availability=["mon_morning"]),
        weights=WEIGHTS,
    )
    assert fit.misses == [
        "has not shared: faith or spirituality",
        "not available Saturday mornings or Sunday mornings",
    ]
    assert fit.points == 0


def test_no_room_no_fit_and_ties_go_to_more_room():
    assert scoring.fit_of(wants=[], candidate=peer(caseload=10), weights=WEIGHTS) is None
    fits = scoring.fits_for(
        wants=[], candidates=[peer("Full", caseload=9), peer("Empty", caseload=0)], weights=WEIGHTS
    )
    assert [f.candidate.name for f in fits] == ["Empty", "Full"]
    assert fits[1].reasons == ["has room for 1 more"]


def test_weights_decide_the_order():
    asked = wants(pathway=(["smart"], "like"), age_band=(["26_35"], "like"))
    a = peer("A", pathway=["smart"])
    b = peer("B", age_band=["26_35"])
    first = scoring.fits_for(wants=asked, candidates=[a, b], weights={"pathway": 5, "age_band": 1})
    assert first[0].candidate.name == "A"
    second = scoring.fits_for(wants=asked, candidates=[a, b], weights={"pathway": 1, "age_band": 5})
    assert second[0].candidate.name == "B"


def test_no_preference_uses_nothing_asked():
    assert scoring.wanted({"pathway": {"values": ["smart"], "strength": "must"}}, True) == []
    # Unknown options and a wish without strength are dropped.
    assert scoring.wanted({"pathway": {"values": ["nope"], "strength": "must"}}) == []
    assert scoring.wanted({"pathway": {"values": ["smart"], "strength": ""}}) == []
