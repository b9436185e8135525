"""The layers (docs/architecture.md, "Layers"): the import contracts in pyproject.toml hold, and
no two modules import each other, directly or round a longer loop."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

REPO_ROOT = Path(__file__).resolve().parents[3]


def test_the_import_contracts_hold(capsys, monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    status = lint_imports(no_cache=True, no_logo=True)
    assert status == 0, capsys.readouterr().out


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    imports = graph.find_modules_directly_imported_by
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(imports(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, imported = work[-1]
            for other in imported:
                if other not in index:
                    index[other] = low[other] = len(index)
                    stack.append(other)
                    on_stack.add(other)
                    work.append((other, iter(sorted(imports(other)))))
                    break
                if other in on_stack:
                    low[module] = min(low[module], index[other])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[module])
                if low[module] == index[module]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == module:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
    return found


def test_no_module_imports_itself_round_a_loop():
    graph = grimp.build_graph("beacon", cache_dir=None)
    cycles = list(_cycles(graph))
    assert not cycles, "Modules that import each other: " + "; ".join(
        " <-> ".join(c) for c in cycles
    )


def test_the_cycle_check_finds_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("a", "a.one", "a.two", "a.three"):
        graph.add_module(name)
    graph.add_import(importer="a.one", imported="a.two")
    graph.add_import(importer="a.two", imported="a.three")
    graph.add_import(importer="a.three", imported="a.one")
    assert _cycles(graph) == [["a.one", "a.three", "a.two"]]


def test_the_audit_app_connects_the_access_mechanism_to_the_trail():
    """core cannot import the audit app; the audit app hands core its writers at start-up."""
    from beacon.audit import reads
    from beacon.audit.services import record_event
    from beacon.core import access

    assert access._trail.record_event is record_event
    assert access._trail.read is reads.loaded


def test_without_the_trail_access_fails_rather_than_go_unrecorded(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from beacon.core import access

    monkeypatch.setattr(access._trail, "record_event", None)
    monkeypatch.setattr(access._trail, "read", None)
    with pytest.raises(ImproperlyConfigured):
        access._note_read(member=None, record=None)
    with pytest.raises(ImproperlyConfigured):
        access._record_event(action="access.refused")
