"""BaseModel, the base of every Beacon record."""

from django.apps import apps
from django.db import models
from django.utils.functional import lazy

from beacon.core.models import BaseModel
from beacon.encounters.models import Encounter


def _choice_fields():
    for model in apps.get_models():
        if issubclass(model, BaseModel):
            for field in model._meta.concrete_fields:
                if field.choices:
                    yield model, field


def test_choice_labels_are_djangos_for_every_value_of_every_field():
    fields = list(_choice_fields())
    assert len(fields) > 20
    for model, field in fields:
        for value in [v for v, _label in field.flatchoices] + ["not-a-choice", None]:
            record = model(**{field.attname: value})
            ours = getattr(record, f"get_{field.name}_display")()
            assert ours == models.Model._get_FIELD_display(record, field), (model, field, value)


def test_only_the_label_shown_is_translated():
    """Django's get_<field>_display translated every choice's label on every call (hashing a
    lazy string translates it): three times a row on the timeline."""
    translated = []

    def translate(text):
        translated.append(text)
        return text.upper()

    label = lazy(translate, str)
    field = models.CharField(choices=[("a", label("one")), ("b", label("two")), ("c", label("3"))])
    field.set_attributes_from_name("kind")
    encounter = Encounter(kind="b")
    assert encounter._get_FIELD_display(field) == "TWO"
    assert encounter._get_FIELD_display(field) == "TWO"
    assert translated == ["two", "two"]
