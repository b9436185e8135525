"""The federal instruments' item sets (SUPRT, legacy GPRA) and the SPARS column mapping, read
from the TOML files in beacon/programs/data/ (each names its sources there). Data, not code:
an organization updates the files when SAMHSA publishes a new guide or codebook."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

DATA = Path(__file__).parent / "data"
TYPES = frozenset({"choice", "yesno", "number", "date", "month", "text"})
PARTS = frozenset({"staff", "client"})
VALUES = frozenset(
    {
        "client_id",
        "grant_number",
        "client_type",
        "site_id",
        "assessment_code",
        "conducted_on",
        "episode",
        "administrative",
    }
)


@dataclass(frozen=True)
class Item:
    key: str
    section: str
    part: str
    label: str
    type: str
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False
    kinds: tuple[str, ...] = ()
    prefill: str = ""
    confirmed: bool = False

    def asked_at(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds

    def choice_label(self, code: str) -> str:
        return dict(self.choices).get(code, code)


@dataclass(frozen=True)
class ItemSet:
    name: str
    items: tuple[Item, ...]
    confirmed: bool

    def for_kind(self, kind: str, part: str | None = None) -> list[Item]:
        return [i for i in self.items if i.asked_at(kind) and (part is None or i.part == part)]

    def get(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)


@dataclass(frozen=True)
class Column:
    name: str
    value: str


@dataclass(frozen=True)
class Mapping:
    columns: tuple[Column, ...]
    assessment_codes: dict
    date_format: str
    confirmed: bool

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]


def _item(raw: dict, where: str) -> Item:
    try:
        item = Item(
            key=raw["key"],
            section=str(raw.get("section", "")),
            part=raw.get("part", "staff"),
            label=raw["label"],
            type=raw["type"],
            choices=tuple((str(c), str(w)) for c, w in raw.get("choices", ())),
            required=bool(raw.get("required", False)),
            kinds=tuple(raw.get("kinds", ())),
            prefill=raw.get("prefill", ""),
            confirmed=bool(raw.get("confirmed", False)),
        )
    except KeyError as exc:
        raise ValueError(f"{where}: an item without {exc.args[0]}") from None
    if item.type not in TYPES:
        raise ValueError(f"{where}: item {item.key} has an unknown type {item.type!r}")
    if item.part not in PARTS:
        raise ValueError(f"{where}: item {item.key} has an unknown part {item.part!r}")
    if item.type == "choice" and not item.choices:
        raise ValueError(f"{where}: choice item {item.key} has no choices")
    return item


@functools.cache
def item_set(instrument: str) -> ItemSet:
    path = DATA / f"{instrument}.toml"
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    items = tuple(_item(r, path.name) for r in raw.get("items", ()))
    keys = [i.key for i in items]
    if len(keys) != len(set(keys)):
        raise ValueError(f"{path.name}: an item key appears twice")
    return ItemSet(name=raw.get("name", instrument), items=items, confirmed=raw["confirmed"])


def mapping_path() -> Path:
    custom = getattr(settings, "BEACON_SPARS_COLUMNS", "")
    return Path(custom) if custom else DATA / "spars_columns.toml"


@functools.lru_cache(maxsize=4)
def _mappings(path: str, mtime: float) -> dict[str, Mapping]:
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    mappings = {}
    for instrument, section in raw.items():
        columns = tuple(Column(name=c["name"], value=c["value"]) for c in section["columns"])
        for column in columns:
            if column.value not in VALUES and not column.value.startswith("item:"):
                raise ValueError(f"{path}: column {column.name} has an unknown value")
        names = [c.name for c in columns]
        if len(names) != len(set(names)):
            raise ValueError(f"{path}: [{instrument}] names a column twice")
        mappings[instrument] = Mapping(
            columns=columns,
            assessment_codes=dict(section.get("assessment_codes", {})),
            date_format=section.get("date_format", "%m/%d/%Y"),
            confirmed=bool(section.get("confirmed", False)),
        )
    return mappings


def spars_mapping(instrument: str) -> Mapping:
    """The SPARS columns for an instrument, from the mapping file (re-read when it changes)."""
    path = mapping_path()
    return _mappings(str(path), path.stat().st_mtime)[instrument]
