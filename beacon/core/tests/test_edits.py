"""save_edit: the sequence every versioned edit page shares (not valid, refused, saved, stale),
on a real record saved with save_versioned."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from beacon.core.concurrency import save_versioned
from beacon.core.edits import Edit, save_edit
from beacon.participants.models import Participant

pytestmark = pytest.mark.django_db


class NotesForm(forms.Form):
    contact_notes = forms.CharField(max_length=40)
    version = forms.IntegerField(widget=forms.HiddenInput)


def posted(**values) -> QueryDict:
    """As request.POST arrives: immutable."""
    data = QueryDict(mutable=True)
    data.update(values)
    data._mutable = False
    return data


def notes_save(participant):
    def save(form):
        participant.contact_notes = form.cleaned_data["contact_notes"]
        save_versioned(
            participant, expected_version=form.cleaned_data["version"], fields=["contact_notes"]
        )
        return participant

    return save


def someone_else_saves(participant, notes: str) -> None:
    theirs = Participant.objects.get(pk=participant.pk)
    theirs.contact_notes = notes
    save_versioned(theirs, expected_version=theirs.version, fields=["contact_notes"])


def test_a_page_not_posted_yet_answers_200_with_its_form():
    edit = Edit(NotesForm(initial={"version": 1}))
    assert (edit.status, edit.saved, edit.stale, edit.current) == (200, False, False, None)


def test_a_save_based_on_the_stored_version_goes_through(jordan):
    edit = save_edit(
        NotesForm(posted(contact_notes="Mornings", version="1")),
        notes_save(jordan),
        rebind=NotesForm,
    )
    assert edit.saved and not edit.stale
    assert edit.result is jordan
    jordan.refresh_from_db()
    assert (jordan.contact_notes, jordan.version) == ("Mornings", 2)


def test_a_stale_save_writes_nothing_and_keeps_what_was_typed_on_the_version_now_stored(jordan):
    someone_else_saves(jordan, "Evenings")
    post = posted(contact_notes="Mornings", version="1")
    typed = NotesForm(post)
    rebound = []
    edit = save_edit(
        typed,
        notes_save(jordan),
        rebind=lambda data: rebound.append(data) or NotesForm(data),
    )
    assert (edit.status, edit.saved, edit.stale) == (409, False, True)
    # The record as it is now, to show beside what was typed.
    assert (edit.current.pk, edit.current.contact_notes, edit.current.version) == (
        jordan.pk,
        "Evenings",
        2,
    )
    # What was typed, in a new form based on the version stored: saving again is a choice.
    assert edit.form is not typed and edit.form.is_bound and edit.form.is_valid()
    assert edit.form.cleaned_data == {"contact_notes": "Mornings", "version": 2}
    assert 'name="version" value="2"' in str(edit.form["version"])
    assert 'value="Mornings"' in str(edit.form["contact_notes"])
    assert len(rebound) == 1 and rebound[0]["version"] == "2"
    assert post["version"] == "1"  # the request's own data is left as it came
    assert Participant.objects.get(pk=jordan.pk).contact_notes == "Evenings"

    again = save_edit(edit.form, notes_save(edit.current), rebind=NotesForm)
    assert again.saved
    jordan.refresh_from_db()
    assert (jordan.contact_notes, jordan.version) == ("Mornings", 3)


def test_a_form_that_is_not_valid_answers_400_and_is_never_saved(jordan):
    def save(form):
        raise AssertionError("not valid: nothing may be saved")

    form = NotesForm(posted(contact_notes="x" * 41, version="1"))
    edit = save_edit(form, save, rebind=NotesForm)
    assert (edit.status, edit.saved, edit.stale) == (400, False, False)
    assert edit.form is form and "contact_notes" in form.errors


def test_a_refusal_from_the_service_is_shown_beside_its_field(jordan):
    def save(form):
        raise ValidationError({"contact_notes": "Not like that.", "elsewhere": "Nor that."})

    form = NotesForm(posted(contact_notes="Mornings", version="1"))
    edit = save_edit(form, save, rebind=NotesForm)
    assert (edit.status, edit.saved, edit.stale) == (400, False, False)
    assert edit.form is form
    assert form.errors == {"contact_notes": ["Not like that."], "__all__": ["Nor that."]}
    # What was typed stays in the form.
    assert 'value="Mornings"' in str(form["contact_notes"])


def test_a_page_can_show_a_refusal_its_own_way(jordan):
    shown = []

    def save(form):
        raise ValidationError("No.")

    form = NotesForm(posted(contact_notes="Mornings", version="1"))
    edit = save_edit(
        form, save, rebind=NotesForm, invalid=lambda f, exc: shown.append((f, exc.messages))
    )
    assert edit.status == 400
    assert shown == [(form, ["No."])]
