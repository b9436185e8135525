"""Reading and writing the Meeting Guide format (no database)."""

import json

import pytest

from beacon.meetings import feed as mg


def parse(records, zone="America/New_York"):
    return mg.parse_feed(json.dumps(records), default_time_zone=zone)


def test_a_record_becomes_meeting_values():
    parsed = parse(
        [
            {
                "name": "Sunday Serenity",
                "slug": "sunday-serenity-14",
                "day": [0, 3],
                "time": "18:00",
                "end_time": "19:30",
                "timezone": "America/Chicago",
                "types": ["O", "T", "LGBTQ"],
                "location": "Alano Club",
                "address": "123 Main Street",
                "city": "Anytown",
                "state": "CA",
                "postal_code": "98765",
                "notes": "Ring <b>buzzer</b>.",
                "updated": "2014-05-31 14:32:23",
                "entity": "District 123",
            }
        ]
    )
    assert parsed.errors == []
    (values,) = parsed.meetings
    assert values["days"] == "03"
    assert values["time"].isoformat() == "18:00:00"
    assert values["timezone"] == "America/Chicago"
    assert values["types"] == ",O,T,LGBTQ,"
    assert values["notes"] == "Ring buzzer."  # the specification: HTML is stripped
    assert values["updated"].isoformat() == "2014-05-31T14:32:23+00:00"
    assert values["extra"] == {"entity": "District 123"}


def test_a_single_day_and_the_default_time_zone():
    (values,) = parse([{"name": "A", "slug": "a", "day": 4, "time": "7:05"}]).meetings
    assert values["days"] == "4"
    assert values["time"].isoformat() == "07:05:00"
    assert values["timezone"] == "America/New_York"


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"name": "A"}, "`slug` is missing"),
        ({"slug": "a"}, "`name` is missing"),
        ({"name": "A", "slug": "a", "day": 7, "time": "19:00"}, "`day` must be 0 (Sunday)"),
        (
            {"name": "A", "slug": "a", "day": 1, "time": "7pm"},
            '`time` must be a time as HH:MM (24-hour), not "7pm"',
        ),
        ({"name": "A", "slug": "a", "day": 1}, "`time` is missing"),
        ({"name": "A", "slug": "a", "timezone": "Mars/Base"}, '`timezone` "Mars/Base"'),
        ({"name": "A", "slug": "a b"}, "`slug` may hold only"),
        (
            {"name": "A", "slug": "a", "conference_url": "javascript:alert(1)"},
            "`conference_url` must be a web address",
        ),
        ({"name": "A", "slug": "a", "types": "O", "latitude": 123}, "`latitude` must be between"),
    ],
)
def test_a_bad_record_is_skipped_with_a_message_naming_it(record, message):
    parsed = parse([{"name": "Good", "slug": "good"}, record])
    assert [m["slug"] for m in parsed.meetings] == ["good"]
    (error,) = parsed.errors
    assert error.startswith("Record 2")
    assert message in error


def test_the_record_is_named_by_its_slug():
    parsed = parse([{"name": "Night Owls", "slug": "night-owls", "day": 2, "time": "25:00"}])
    assert parsed.errors[0].startswith('Record 1 (slug "night-owls") was skipped: `time`')
    assert parsed.skipped_slugs == {"night-owls"}


def test_a_slug_twice_is_refused_the_second_time():
    parsed = parse([{"name": "A", "slug": "x"}, {"name": "B", "slug": "x"}])
    assert [m["name"] for m in parsed.meetings] == ["A"]
    assert "the same as record 1's" in parsed.errors[0]


@pytest.mark.parametrize(
    "raw", ["not json", '{"name": "A"}', "42", json.dumps([{}] * (mg.MAX_RECORDS + 1))]
)
def test_what_is_not_a_feed_is_refused_whole(raw):
    with pytest.raises(mg.FeedRefused):
        mg.parse_feed(raw, default_time_zone="UTC")


# Anonymity -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("Dana", "Dana"),
        ("Dana R.", "Dana R."),
        ("Dana R", "Dana R."),
        ("Dana Roberts", "Dana R."),
        ("Mary Ann Roberts", "Mary R."),
        ("  Luis   ", "Luis"),
    ],
)
def test_first_names_only(name, kept):
    assert mg.first_name_only(name) == kept


def test_contact_last_names_are_cut_on_import_with_a_warning():
    parsed = parse(
        [
            {
                "name": "A",
                "slug": "a",
                "contact_1_name": "Dana Roberts",
                "contact_1_phone": "508-555-0100",
                "contact_2_name": "Luis",
            }
        ]
    )
    extra = parsed.meetings[0]["extra"]
    assert extra["contact_1_name"] == "Dana R."
    assert extra["contact_2_name"] == "Luis"
    assert parsed.warnings == [
        'Record 1 (slug "a"): `contact_1_name` shortened to "Dana R.": no last names in '
        "meeting data (the Meeting Guide anonymity rule)."
    ]


# Types -----------------------------------------------------------------------------------------


def test_type_names_in_english_and_spanish():
    assert mg.type_name("S", "en") == "Spanish"
    assert mg.type_name("S", "es") == "Español"
    assert mg.type_name("C", "es") == "Cerrada"
    assert mg.type_name("CUSTOM") == "CUSTOM"
    codes = [code for code, _name in mg.type_choices("en")]
    assert codes[:4] == ["O", "C", "SP", "D"]
    assert len(codes) == len(mg.type_codes())
