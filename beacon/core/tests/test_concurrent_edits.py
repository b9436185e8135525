"""Twenty people editing the same record at once, through the API on real threads and real
database connections: exactly one edit per version wins, every other one gets 409 with the
current version, and retrying with that version loses nobody's change."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

THREADS = 20


def _run_together(work, count: int = THREADS) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as error:  # reported below, with the thread's index
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_edits_one_wins_the_rest_get_409_and_retries_lose_nothing(
    client_for, pat, jordan
):
    url = f"/api/v1/participants/{jordan.pk}"
    clients = [client_for(pat) for _ in range(THREADS)]
    start = clients[0].get(url).json()

    def first_try(i):
        response = clients[i].patch(
            url,
            {"version": start["version"], "contact_notes": f"note {i}"},
            content_type="application/json",
        )
        return response.status_code, response.json()

    outcomes = _run_together(first_try)
    codes = sorted(code for code, _ in outcomes)
    assert codes == [200] + [409] * (THREADS - 1)
    winner = next(body for code, body in outcomes if code == 200)
    for code, body in outcomes:
        if code == 409:
            assert body["error"]["code"] == "conflict"
            assert body["error"]["current_version"] == winner["version"]

    # Everyone adds their line, re-reading after each 409: no line is lost or doubled.
    def append_line(i):
        conflicts = 0
        while True:
            current = clients[i].get(url).json()
            response = clients[i].patch(
                url,
                {
                    "version": current["version"],
                    "contact_notes": current["contact_notes"] + f"\nline {i}",
                },
                content_type="application/json",
            )
            if response.status_code == 200:
                return conflicts
            assert response.status_code == 409, response.content
            conflicts += 1

    conflicts = _run_together(append_line)
    final = clients[0].get(url).json()
    lines = final["contact_notes"].splitlines()[1:]
    assert sorted(lines) == sorted(f"line {i}" for i in range(THREADS))
    assert final["version"] == winner["version"] + THREADS
    assert sum(conflicts) > 0  # they really did collide
