"""Forms of the curation pages. The edit form carries rows (phones, addresses, hours) as
numbered fields (`phones-0-number`), so it works without JavaScript: one blank row is offered
for adding, and a row left empty is removed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beacon.core.search import SearchField
from beacon.directory import curation, selectors
from beacon.directory.models import CapacityStatus, RecoveryResidenceLevel

MAX_ROWS = 20
YES_NO = [("", _("Not known")), ("yes", _("Yes")), ("no", _("No"))]
DAYS = [
    ("MO", _("Mon")),
    ("TU", _("Tue")),
    ("WE", _("Wed")),
    ("TH", _("Thu")),
    ("FR", _("Fri")),
    ("SA", _("Sat")),
    ("SU", _("Sun")),
]

FIELD_LABELS = {
    "name": _("Name of the service"),
    "alternate_name": _("Other name"),
    "description": _("Description"),
    "status": _("Status"),
    "url": _("Website"),
    "email": _("Email"),
    "application_process": _("How to get this service"),
    "eligibility_description": _("Who can get it"),
    "fees_description": _("Fees"),
    "wait_time": _("Wait time"),
    "capacity_status": _("Capacity now"),
    "same_day_intake": _("Same-day intake"),
    "accepts_medicaid": _("Accepts Medicaid"),
    "accepts_uninsured": _("Accepts people without insurance"),
    "sliding_fee": _("Sliding-scale fee"),
    "offers_moud": _("Offers medication for opioid use disorder (MOUD)"),
    "populations_served": _("Who it is for"),
    "recovery_residence_level": _("Recovery residence level (NARR)"),
}


def _yes_no(value) -> str:
    return {True: "yes", False: "no"}.get(value, "")


def _row_count(data, name: str, default: int) -> int:
    if data is None:
        return default
    try:
        return max(0, min(int(data.get(name, default)), MAX_ROWS))
    except (TypeError, ValueError):
        return default


class ServiceEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=FIELD_LABELS["name"], max_length=300)
    alternate_name = forms.CharField(
        label=FIELD_LABELS["alternate_name"], max_length=300, required=False
    )
    description = forms.CharField(
        label=FIELD_LABELS["description"],
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    status = forms.ChoiceField(
        label=FIELD_LABELS["status"],
        choices=curation.STATUS_CHOICES,
        help_text=_("Inactive and defunct entries are not shown in Find Help."),
    )
    url = forms.CharField(label=FIELD_LABELS["url"], max_length=500, required=False)
    email = forms.CharField(label=FIELD_LABELS["email"], max_length=254, required=False)
    application_process = forms.CharField(
        label=FIELD_LABELS["application_process"],
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    eligibility_description = forms.CharField(
        label=FIELD_LABELS["eligibility_description"],
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    fees_description = forms.CharField(
        label=FIELD_LABELS["fees_description"],
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    wait_time = forms.CharField(label=FIELD_LABELS["wait_time"], max_length=200, required=False)
    capacity_status = forms.ChoiceField(
        label=FIELD_LABELS["capacity_status"],
        choices=CapacityStatus.choices,
        help_text=_("A change is dated today."),
    )
    same_day_intake = forms.ChoiceField(
        label=FIELD_LABELS["same_day_intake"], choices=YES_NO, required=False
    )
    accepts_medicaid = forms.ChoiceField(
        label=FIELD_LABELS["accepts_medicaid"], choices=YES_NO, required=False
    )
    accepts_uninsured = forms.ChoiceField(
        label=FIELD_LABELS["accepts_uninsured"], choices=YES_NO, required=False
    )
    sliding_fee = forms.ChoiceField(
        label=FIELD_LABELS["sliding_fee"], choices=YES_NO, required=False
    )
    offers_moud = forms.ChoiceField(
        label=FIELD_LABELS["offers_moud"], choices=YES_NO, required=False
    )
    populations_served = forms.MultipleChoiceField(
        label=FIELD_LABELS["populations_served"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recovery_residence_level = forms.ChoiceField(
        label=FIELD_LABELS["recovery_residence_level"],
        choices=RecoveryResidenceLevel.choices,
        required=False,
    )
    phone_rows = forms.IntegerField(widget=forms.HiddenInput, required=False)
    hours_rows = forms.IntegerField(widget=forms.HiddenInput, required=False)
    verify = forms.BooleanField(
        label=_("I checked all of this: mark the entry verified today"), required=False
    )

    def __init__(self, data=None, *, locations: list, phones: int = 0, hours: int = 0, **kwargs):
        """`locations`: the service's locations (their addresses are edited in place);
        `phones`, `hours`: how many rows the entry has now (a blank row is added to each)."""
        super().__init__(data, **kwargs)
        self.fields["populations_served"].choices = list(curation.populations().items())
        self.locations = locations
        n_phones = _row_count(data, "phone_rows", phones + 1)
        n_hours = _row_count(data, "hours_rows", hours + 1)
        self.initial.setdefault("phone_rows", n_phones)
        self.initial.setdefault("hours_rows", n_hours)
        self.phone_prefixes = [f"phones-{i}" for i in range(n_phones)]
        self.hours_prefixes = [f"schedules-{i}" for i in range(n_hours)]
        self.address_prefixes = [f"addresses-{i}" for i in range(len(locations))]
        for i, p in enumerate(self.phone_prefixes, start=1):
            self.fields[f"{p}-number"] = forms.CharField(
                label=_("Phone %(n)d: number") % {"n": i}, max_length=40, required=False
            )
            self.fields[f"{p}-extension"] = forms.IntegerField(
                label=_("Phone %(n)d: extension") % {"n": i}, min_value=0, required=False
            )
            self.fields[f"{p}-description"] = forms.CharField(
                label=_("Phone %(n)d: what it is for") % {"n": i}, max_length=200, required=False
            )
        for i, p in enumerate(self.hours_prefixes, start=1):
            self.fields[f"{p}-byday"] = forms.MultipleChoiceField(
                label=_("Hours %(n)d: days") % {"n": i},
                choices=DAYS,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[f"{p}-opens_at"] = forms.TimeField(
                label=_("Hours %(n)d: opens at") % {"n": i},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            self.fields[f"{p}-closes_at"] = forms.TimeField(
                label=_("Hours %(n)d: closes at") % {"n": i},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            self.fields[f"{p}-description"] = forms.CharField(
                label=_("Hours %(n)d: note") % {"n": i}, max_length=500, required=False
            )
        labels = {
            "address_1": _("street address"),
            "address_2": _("address line 2"),
            "city": _("city or town"),
            "state_province": _("state"),
            "postal_code": _("ZIP code"),
        }
        for p, location in zip(self.address_prefixes, locations, strict=True):
            place = location.name or _("Location")
            for name, limit in curation.ADDRESS_FIELDS.items():
                self.fields[f"{p}-{name}"] = forms.CharField(
                    label=f"{place}: {labels[name]}", max_length=limit, required=False
                )
        self._phone_index: list[int] = []
        self._hours_index: list[int] = []

    @classmethod
    def for_service(cls, values: dict, *, version: int, locations: list) -> ServiceEditForm:
        """An unbound form showing `values` (selectors.service_edit_values)."""
        f = values["fields"]
        initial = {
            **{name: f[name] for name in selectors.CURATION_FIELDS},
            **{name: _yes_no(f[name]) for name in curation.YES_NO_FIELDS},
            "version": version,
        }
        for i, row in enumerate(values["phones"]):
            for name, value in row.items():
                initial[f"phones-{i}-{name}"] = value
        for i, row in enumerate(values["schedules"]):
            for name, value in row.items():
                initial[f"schedules-{i}-{name}"] = value
        for i, row in enumerate(values["addresses"]):
            for name in curation.ADDRESS_FIELDS:
                initial[f"addresses-{i}-{name}"] = row[name]
        return cls(
            initial=initial,
            locations=locations,
            phones=len(values["phones"]),
            hours=len(values["schedules"]),
        )

    def row_groups(self, prefixes: list[str]) -> list[list]:
        return [[self[name] for name in self.fields if name.startswith(f"{p}-")] for p in prefixes]

    @property
    def phone_groups(self):
        return self.row_groups(self.phone_prefixes)

    @property
    def hours_groups(self):
        return self.row_groups(self.hours_prefixes)

    @property
    def address_groups(self):
        return list(zip(self.locations, self.row_groups(self.address_prefixes), strict=True))

    @property
    def main_fields(self):
        return [self[name] for name in selectors.CURATION_FIELDS]

    def clean(self):
        data = super().clean()
        # The service's rules on what could be read (addresses, a web or email address, phone
        # numbers, hours) with the form's own errors, all at once (issue 15).
        values = self.values(readable_only=True)
        problems = curation.service_problems(
            changes=values["changes"], phones=values["phones"], schedules=values["schedules"]
        )
        for key, messages in problems.items():
            field = self.field_for_error(key)
            if field is None or field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        return data

    def values(self, *, readable_only: bool = False) -> dict:
        """The cleaned form in the shape curation.service_update takes; `readable_only`: only
        the entry's fields that have no error of their own (while the form is being cleaned)."""
        data = self.cleaned_data
        names = selectors.CURATION_FIELDS
        if readable_only:
            names = [n for n in names if n in data and n not in self.errors]
        changes = {name: data[name] for name in names}
        for name in curation.YES_NO_FIELDS:
            if name in changes:
                changes[name] = {"yes": True, "no": False}.get(data[name])
        if "recovery_residence_level" in changes:
            changes["recovery_residence_level"] = data["recovery_residence_level"] or ""
        phones, self._phone_index = [], []
        for i, p in enumerate(self.phone_prefixes):
            row = {k: data.get(f"{p}-{k}") for k in ("number", "extension", "description")}
            if row["number"] or row["extension"] is not None or row["description"]:
                phones.append(row)
                self._phone_index.append(i)
        schedules, self._hours_index = [], []
        for i, p in enumerate(self.hours_prefixes):
            row = {
                k: data.get(f"{p}-{k}") for k in ("byday", "opens_at", "closes_at", "description")
            }
            if row["byday"] or row["opens_at"] or row["closes_at"] or row["description"]:
                schedules.append(row)
                self._hours_index.append(i)
        addresses = [
            {
                "location": location.pk,
                **{k: data.get(f"{p}-{k}", "") for k in curation.ADDRESS_FIELDS},
            }
            for p, location in zip(self.address_prefixes, self.locations, strict=True)
        ]
        return {
            "changes": changes,
            "phones": phones,
            "schedules": schedules,
            "addresses": addresses,
        }

    def field_for_error(self, key: str) -> str | None:
        """The form field a service error key ("phones.1.number") belongs to, or None."""
        parts = key.split(".")
        if len(parts) == 3:
            kind, index, name = parts
            rows = {"phones": self._phone_index, "schedules": self._hours_index}.get(kind)
            try:
                i = rows[int(index)] if rows is not None else int(index)
            except (ValueError, IndexError):
                return None
            key = f"{kind}-{i}-{name}"
        return key if key in self.fields else None

    def apply_service_errors(self, exc) -> None:
        for key, errors in exc.error_dict.items():
            self.add_error(self.field_for_error(key), errors)


def values_as_text(values: dict) -> dict[str, tuple[str, str]]:
    """{key: (label, text)} of an entry's values, for showing two versions side by side."""
    populations = curation.populations()
    statuses = dict(curation.STATUS_CHOICES)
    out: dict[str, tuple[str, str]] = {}
    for name, label in FIELD_LABELS.items():
        value = values["changes"].get(name) if "changes" in values else values["fields"][name]
        if name in curation.YES_NO_FIELDS:
            text = {True: _("Yes"), False: _("No")}.get(value, _("Not known"))
        elif name == "populations_served":
            text = ", ".join(str(populations.get(p, p)) for p in sorted(value or []))
        elif name == "status":
            text = statuses.get(value, value)
        elif name == "capacity_status":
            text = CapacityStatus(value).label if value in CapacityStatus.values else value
        elif name == "recovery_residence_level":
            text = RecoveryResidenceLevel(value or "").label
        else:
            text = value or ""
        out[name] = (str(label), str(text))
    out["phones"] = (str(_("Phones")), selectors.phones_text(values["phones"]))
    out["hours"] = (
        str(_("Hours")),
        selectors.schedules_text(
            [{**r, "byday": r.get("byday") or []} for r in values["schedules"]]
        ),
    )
    for row in values["addresses"]:
        out[f"address-{row['location']}"] = (
            str(_("Address")) + (f" ({row['location_name']})" if row.get("location_name") else ""),
            selectors.address_text(row),
        )
    return out


def compare_rows(saved: dict, typed: dict) -> list[dict]:
    saved_text, typed_text = values_as_text(saved), values_as_text(typed)
    rows = []
    for key, (label, text) in saved_text.items():
        entered = typed_text.get(key, (label, ""))[1]
        rows.append({"label": label, "saved": text, "typed": entered, "differs": text != entered})
    return rows


class VerifyForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        help_text=_("How you checked, e.g. 'Called the front desk, hours confirmed'."),
        max_length=curation.NOTE_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CurationSearchForm(forms.Form):
    q = SearchField(label=_("Find an entry (name, organization or phone)"))


class MergeForm(forms.Form):
    keep = forms.UUIDField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_(
            "Yes, these are the same service: move its referrals and reports and take the "
            "duplicate out of Find Help"
        ),
        error_messages={"required": _("Tick the box to confirm the merge.")},
    )
