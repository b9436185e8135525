"""Matching everyone waiting at once (issue 19): the optimal assignment, its proof, and the greedy
pass it is compared with. Plain numpy in and out, no database: the matching services build the
fit matrix and turn the result into a proposal.

The problem. `fit[i, j]` is how well peer j suits person i (higher is better); `nan` or `-inf`
marks a pair that is not allowed (one of the person's "musts" is not met). `capacity[j]` is how
many more people peer j can take (0 allowed). Each person gets at most one peer, each peer at
most `capacity[j]` people, and the total fit of the pairs made is as high as it can be. A pair
with a negative fit is never worth making: it is treated like a pair that is not allowed.

How it is solved (docs/matching.md, "Matching everyone waiting at once"):

1. Fits are turned into whole numbers, as OR-Tools' min-cost flow works on integers: `profit =
   round(fit * S)`. When the fits lie on a grid (whole numbers, halves, thirds, tenths, ...:
   sums of an organization's weights do) S is that grid's step and nothing is lost; otherwise S
   is a power of two as large as the solver's cost range allows.
2. Each person's best `candidates` peers (20 by default) go into a min-cost flow (person -> peer
   -> sink, plus "stays waiting" person -> sink), solved by OR-Tools' SimpleMinCostFlow.
3. Shortest paths from the sink over the solution's residual graph give node potentials, that is
   a dual solution of the linear program: `u[i]` for each person and `v[j]` for each peer.
4. The proof (weak duality, checked by Beacon over EVERY allowed pair, not only the candidates):
   `u >= 0`, `v >= 0`, `u[i] + v[j] >= profit[i, j]` for every allowed pair, and `sum(u) +
   sum(capacity * v)` equals the solution's total profit. Then no assignment of any kind has a
   higher total profit. Pairs left out in step 2 that break the inequality (a "positive reduced
   gain") are added, and the flow is solved again, until the proof holds; after `max_rounds`
   rounds every allowed pair is used, which the proof then covers by construction.
5. Anyone still waiting who can have a peer with room at no cost to the total (a fit of 0:
   nothing in common, but no "must" broken) is given one: having a peer beats waiting. The
   proof shows that such pairs have a profit of 0, so the total and the proof stand.

Integers and exactness: every number in steps 3-4 is an integer below 2**53, held in int64 or
as exact float64 integers, so the checks are exact. The only approximation is the rounding of
fits in step 1, which `gap_bound` accounts for: no assignment's total fit (in the caller's
units) exceeds `total + gap_bound`, where gap_bound = (pairs made + most pairs possible) *
(largest rounding error) / S: 0 up to float noise for fits on a grid, about 1e-5 for 10,000
pairs of arbitrary fits up to 100.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

#: Each person's best peers that the first round considers (the issue measured 20 to be enough
#: on random fits); the proof adds any pair left out that could improve the total.
DEFAULT_CANDIDATES = 20
#: Rounds of "add the pairs the proof points at, solve again" before every allowed pair is used.
DEFAULT_MAX_ROUNDS = 8
# Rows of the fit matrix checked at a time: bounds the memory the proof needs (about 6 MB).
_CHUNK_ROWS = 1024
# Grid steps tried for the fits (1/S): whole numbers, halves, thirds, ..., millionths.
_GRIDS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 30, 40, 48, 60, 100, 120, 240, 360, 1000)
_GRIDS += (10_000, 100_000, 1_000_000)
# A fit counts as on a grid when it is this close to it, in steps of the grid (float noise).
_GRID_TOLERANCE = 1e-6


@dataclass(frozen=True, eq=False)
class Assignment:
    """Who is matched with whom. `peer_of[i]` is person i's peer index, or -1 (still waiting)."""

    peer_of: np.ndarray
    total: float
    proven_optimal: bool
    #: No assignment has a total fit above `total + gap_bound` (the rounding of fits to the
    #: solver's integers; 0.0 for greedy, where it means nothing as no proof is made).
    gap_bound: float = 0.0
    #: Times the flow was solved (1 when the first candidates already held the optimum).
    rounds: int = 0
    #: Pairs the solver was given in its last round, and the pairs allowed in all.
    pairs_considered: int = 0
    pairs_allowed: int = 0
    seconds: float = 0.0
    method: str = "optimal"

    @property
    def matched(self) -> int:
        """How many people got a peer."""
        return int(np.count_nonzero(self.peer_of >= 0))

    def load(self, n_peers: int) -> np.ndarray:
        """How many people each peer was given."""
        return np.bincount(self.peer_of[self.peer_of >= 0], minlength=n_peers)


def _check_inputs(fit, capacity) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The fit as float64, the capacity as int64, the mask of allowed pairs, and the fits with
    every pair not allowed set to -1 (below every allowed fit, which are all >= 0)."""
    fit = np.asarray(fit, dtype=np.float64)
    if fit.ndim != 2:
        raise ValueError(f"fit must be a 2-D array (people x peers), not {fit.ndim}-D.")
    capacity = np.asarray(capacity)
    if capacity.ndim != 1 or capacity.shape[0] != fit.shape[1]:
        raise ValueError(
            f"capacity must give one number per peer ({fit.shape[1]}), not shape {capacity.shape}."
        )
    if capacity.size and not np.issubdtype(capacity.dtype, np.integer):
        as_int = capacity.astype(np.int64)
        if not np.array_equal(as_int, capacity):
            raise ValueError("capacity must be whole numbers of places.")
        capacity = as_int
    capacity = capacity.astype(np.int64)
    if capacity.size and capacity.min() < 0:
        raise ValueError("capacity cannot be negative (0 means the peer has no room).")
    # nan compares False, so nan and -inf pairs are left out here; so are negative fits (never
    # worth making) and peers without room.
    allowed = (fit >= 0) & (capacity > 0)[np.newaxis, :]
    work = np.where(allowed, fit, -1.0)
    if work.size and work.max() == np.inf:
        raise ValueError("fit cannot be +inf; use a finite number, or nan / -inf for not allowed.")
    return fit, capacity, allowed, work


def _result(fit, peer_of, **fields) -> Assignment:
    people = np.flatnonzero(peer_of >= 0)
    total = math.fsum(fit[people, peer_of[people]].tolist())
    return Assignment(peer_of=peer_of, total=total, **fields)


def greedy_assignment(fit: np.ndarray, capacity: np.ndarray) -> Assignment:
    """The pass a supervisor would make by hand: the best remaining pair first.

    Pairs are taken in order of fit, highest first (ties: the earlier person, then the earlier
    peer), each one made if the person is still waiting and the peer still has room. Kept to
    compare with `optimal_assignment` and to show how much a batch gains over it.
    """
    started = time.perf_counter()
    fit, capacity, allowed, work = _check_inputs(fit, capacity)
    n, m = fit.shape
    peer_of = np.full(n, -1, dtype=np.int64)
    flat = np.flatnonzero(allowed)
    order = flat[np.argsort(-work.ravel()[flat], kind="stable")]
    remaining = capacity.copy()
    left = min(int(np.count_nonzero(allowed.any(axis=1))), int(capacity.sum()))
    # Chunks of pairs are first filtered together (person still waiting, peer with room), so the
    # Python loop sees only the pairs that may still be made.
    for start in range(0, order.size, 1 << 16):
        if left == 0:
            break
        chunk = order[start : start + (1 << 16)]
        people, peers = np.divmod(chunk, m)
        keep = (peer_of[people] < 0) & (remaining[peers] > 0)
        for i, j in zip(people[keep].tolist(), peers[keep].tolist(), strict=True):
            if peer_of[i] < 0 and remaining[j] > 0:
                peer_of[i] = j
                remaining[j] -= 1
                left -= 1
    return _result(
        fit,
        peer_of,
        proven_optimal=False,
        pairs_considered=int(flat.size),
        pairs_allowed=int(flat.size),
        seconds=time.perf_counter() - started,
        method="greedy",
    )


def optimal_assignment(
    fit: np.ndarray,
    capacity: np.ndarray,
    *,
    candidates: int = DEFAULT_CANDIDATES,
    max_rounds: int = DEFAULT_MAX_ROUNDS,
) -> Assignment:
    """The assignment with the highest total fit, with Beacon's proof that none is higher.

    See the module's docstring for the method. `candidates` is how many of each person's best
    peers the first round gives the solver (0 or less: every allowed pair); `max_rounds` how many
    rounds may add the pairs the proof points at before every allowed pair is given.
    """
    started = time.perf_counter()
    fit, capacity, allowed, work = _check_inputs(fit, capacity)
    n, m = fit.shape
    pairs_allowed = int(np.count_nonzero(allowed))
    if pairs_allowed == 0:
        return Assignment(
            peer_of=np.full(n, -1, dtype=np.int64),
            total=0.0,
            proven_optimal=True,
            seconds=time.perf_counter() - started,
        )
    sample = work[:: max(1, n // 64)]
    sample = sample[sample >= 0]
    if sample.size == 0:  # the sampled rows have no allowed pair: sample the others
        sample = work[allowed][:20_000]
    scale, on_grid = _scale(float(work.max()), sample, n + m + 1)
    if candidates <= 0 or candidates >= m:
        rows, cols = np.nonzero(allowed)
    else:
        rows = np.repeat(np.arange(n, dtype=np.int64), candidates)
        cols = _best_peers(work, candidates, 0.25 / scale if on_grid else 0.0).ravel()
        keep = allowed[rows, cols]
        rows, cols = rows[keep], cols[keep]

    rounds = 0
    while True:
        rounds += 1
        profit = _profit(work[rows, cols], scale)
        peer_of, used = _solve_flow(n, m, rows, cols, profit, capacity)
        duals = _potentials(n, m, rows, cols, profit, used, peer_of)
        if duals is None:
            missing, proven, error = (np.zeros(0, np.int64),) * 2, False, 0.5
        else:
            missing, _, error = _violations(
                work, allowed, capacity, *duals, scale, max(candidates, 1)
            )
            proven = missing[0].size == 0 and _objectives_match(
                profit[used], *duals, capacity, peer_of, rows[used], cols[used]
            )
        if proven:
            break
        if missing[0].size == 0 or rounds >= max_rounds:
            if rows.size == pairs_allowed:
                break  # every allowed pair was given and the proof still fails: say so
            rows, cols = np.nonzero(allowed)
        else:
            rows = np.concatenate([rows, missing[0]])
            cols = np.concatenate([cols, missing[1]])
    made = int(np.count_nonzero(peer_of >= 0))
    _seat_the_waiting(peer_of, work, allowed, capacity)
    most = min(int(np.count_nonzero(allowed.any(axis=1))), int(capacity.sum()))
    return _result(
        fit,
        peer_of,
        proven_optimal=bool(proven),
        gap_bound=(made + most) * error / scale,
        rounds=rounds,
        pairs_considered=int(rows.size),
        pairs_allowed=pairs_allowed,
        seconds=time.perf_counter() - started,
    )


def _best_peers(work: np.ndarray, count: int, tie_break: float) -> np.ndarray:
    """Each person's `count` best peers (in no order), a block of rows at a time.

    With whole-number fits many peers tie; taken as they come, every person would list the same
    first peers of a tie, fill them, and need a second round. So when `tie_break` > 0 (less
    than half the grid's step) each person's ties are broken from a different peer on, a
    rotation by person. The negated partition is numpy's fastest here when fits tie.
    """
    n, m = work.shape
    best = np.empty((n, count), dtype=np.int64)
    step = _CHUNK_ROWS // 2
    peers = np.arange(m, dtype=np.int64)
    for start in range(0, n, step):
        block = -work[start : start + step]
        if tie_break:
            people = np.arange(start, start + block.shape[0], dtype=np.int64)
            rotation = (people[:, np.newaxis] * 7919 + peers[np.newaxis, :]) % m
            block -= rotation * (tie_break / m)
        best[start : start + step] = np.argpartition(block, count - 1, axis=1)[:, :count]
    return best


def _scale(max_fit: float, sample: np.ndarray, nodes: int) -> tuple[float, bool]:
    """S, the number fits are multiplied by before rounding, and whether the fits lie on its
    grid: the grid of the sample of fits if any (few distinct costs keep the solver fast, and
    nothing is rounded away), else the largest power of two that keeps profits within range.

    Profits stay under 2**50 / nodes: OR-Tools multiplies costs by the number of nodes inside
    (and must not overflow int64), and every path length the potentials add up stays below 2**53.
    """
    ceiling = (2**50) // nodes - 2
    if max_fit <= 0:
        return 1.0, True
    for grid in _GRIDS:
        if max_fit * grid > ceiling:
            break
        scaled = sample * grid
        if np.abs(scaled - np.rint(scaled)).max() <= _GRID_TOLERANCE:
            return float(grid), True
    exponent = math.floor(math.log2(ceiling / max_fit))
    scale = 2.0 ** max(min(exponent, 1000), -1000)
    while max_fit * scale > ceiling:  # log2's rounding, at the very edge
        scale /= 2
    return scale, False


def _profit(fits: np.ndarray, scale: float) -> np.ndarray:
    return np.rint(fits * scale).astype(np.int64)


def _seat_the_waiting(peer_of, work, allowed, capacity) -> None:
    """Give anyone still waiting a peer with room, if a pair is allowed (best fit first, then
    the earliest peer). After a proven optimum these pairs have a profit of 0 (a positive one
    would break the proof), so the total stays the best."""
    room = capacity - np.bincount(peer_of[peer_of >= 0], minlength=capacity.size)
    for person in np.flatnonzero(peer_of < 0).tolist():
        if not room.any():
            return
        options = allowed[person] & (room > 0)
        if options.any():
            peer = int(np.argmax(np.where(options, work[person], -np.inf)))
            peer_of[person] = peer
            room[peer] -= 1


def _solve_flow(n, m, rows, cols, profit, capacity) -> tuple[np.ndarray, np.ndarray]:
    """OR-Tools' min-cost flow: each person sends one unit to a peer (cost -profit) or straight
    to the sink (stays waiting, cost 0); each peer passes at most its capacity to the sink."""
    from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

    sink = n + m
    people = np.arange(n, dtype=np.int64)
    peers = np.arange(m, dtype=np.int64)
    flow = SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([rows, people, n + peers]),
        np.concatenate([n + cols, np.full(n, sink, dtype=np.int64), np.full(m, sink, np.int64)]),
        np.concatenate([np.ones(rows.size + n, dtype=np.int64), capacity]),
        np.concatenate([-profit, np.zeros(n + m, dtype=np.int64)]),
    )
    supplies = np.ones(n + m + 1, dtype=np.int64)
    supplies[n:] = 0
    supplies[sink] = -n
    flow.set_nodes_supplies(np.arange(n + m + 1, dtype=np.int64), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"The min-cost flow solver stopped with status {status!r}.")
    used = flow.flows(np.arange(rows.size, dtype=np.int64)) > 0
    peer_of = np.full(n, -1, dtype=np.int64)
    peer_of[rows[used]] = cols[used]
    return peer_of, used


def _potentials(n, m, rows, cols, profit, used, peer_of):
    """The duals (u per person, v per peer) as shortest-path distances from the sink.

    They are distances over the solution's residual graph, written so that they are exactly the
    linear program's duals: sink -> peer (cost 0: v >= 0), person -> peer for every candidate
    pair (-profit), peer -> person for each pair made (+profit), sink -> each person still
    waiting (0). A person's distance is then fixed by its peer's (or 0 while waiting), so the
    rounds of Bellman-Ford run over the peers only: d[j] = min(0, min over candidates (i, j) of
    d[i] - profit[i, j]). Then u = d over people and v = -d over peers. Nothing here is taken
    on trust: `_violations` and `_objectives_match` check what it proposes.
    """
    made = rows[used]
    made_profit = np.zeros(n, dtype=np.int64)
    made_profit[made] = profit[used]
    assigned = peer_of >= 0
    order = np.argsort(cols, kind="stable")
    by_rows, by_cols, by_profit = rows[order], cols[order], profit[order]
    starts = np.flatnonzero(np.r_[True, by_cols[1:] != by_cols[:-1]])
    targets = by_cols[starts]
    peer_distance = np.zeros(m, dtype=np.int64)
    for _ in range(m + 2):
        person_distance = np.where(assigned, peer_distance[peer_of] + made_profit, 0)
        best = np.minimum.reduceat(person_distance[by_rows] - by_profit, starts)
        better = best < peer_distance[targets]
        if not better.any():
            break
        peer_distance[targets[better]] = best[better]
    else:
        return None  # a negative cycle: the flow is not an optimum, so there is nothing to prove
    return person_distance, -peer_distance


def _violations(work, allowed, capacity, u, v, scale, per_person):
    """The allowed pairs with round(fit * S) > u + v, which could raise the total: each
    person's `per_person` best of them by that margin (the reduced gain), and each peer's, so
    that a round adds what the prices point at and not, when everyone wants the same few peers,
    millions of pairs at once. Also how many there were in all, and the largest rounding error
    |fit * S - round(fit * S)| over allowed pairs, for the gap bound.

    Exact: every value compared is an integer below 2**53 held in float64. Pairs not allowed
    are set to -inf before the comparison."""
    uf = u.astype(np.float64)
    # A peer without room takes no one whatever v is: its pairs are not allowed, left out here.
    vf = np.where(capacity > 0, v.astype(np.float64), np.inf)
    found_rows, found_cols, peer_rows, peer_gains = [], [], [], []
    error, count = 0.0, 0
    for start in range(0, work.shape[0], _CHUNK_ROWS):
        stop = start + _CHUNK_ROWS
        ok = allowed[start:stop]
        scaled = work[start:stop] * scale
        gain = np.rint(scaled)
        scaled -= gain
        np.abs(scaled, out=scaled)
        error = max(error, float(scaled.max(initial=0.0, where=ok)))
        gain -= vf
        gain -= uf[start:stop, np.newaxis]
        gain[~ok] = -np.inf
        hits = gain > 0
        per_row = hits.sum(axis=1)
        count += int(per_row.sum())
        few = np.flatnonzero((per_row > 0) & (per_row <= per_person))
        if few.size:
            r, c = np.nonzero(hits[few])
            found_rows.append(few[r] + start)
            found_cols.append(c)
        many = np.flatnonzero(per_row > per_person)
        if many.size:
            best = np.argpartition(-gain[many], per_person - 1, axis=1)[:, :per_person]
            found_rows.append(np.repeat(many + start, per_person))
            found_cols.append(best.ravel())
        if many.size and gain.shape[0] > per_person:
            # Each peer's best people of this block too: when everyone ranks the same peers
            # first, the people's own best lists all point at the same few peers with room.
            best = np.argpartition(-gain, per_person - 1, axis=0)[:per_person]
            peer_rows.append(best + start)
            peer_gains.append(np.take_along_axis(gain, best, axis=0))
    if peer_rows:
        gains, people = np.vstack(peer_gains), np.vstack(peer_rows)
        best = np.argpartition(-gains, per_person - 1, axis=0)[:per_person]
        picked = np.take_along_axis(gains, best, axis=0) > 0
        found_rows.append(np.take_along_axis(people, best, axis=0)[picked])
        found_cols.append(np.broadcast_to(np.arange(work.shape[1]), best.shape)[picked])
    if not found_rows:
        return (np.zeros(0, np.int64), np.zeros(0, np.int64)), count, error
    # A pair found both ways is added once.
    pairs = np.unique(np.concatenate(found_rows) * work.shape[1] + np.concatenate(found_cols))
    return np.divmod(pairs, work.shape[1]), count, error


def _objectives_match(profits_made, u, v, capacity, peer_of, made_rows, made_cols) -> bool:
    """Weak duality closes the proof: the dual's value equals the assignment's total profit (and
    the assignment itself is feasible). Python integers: no overflow whatever the capacities."""
    if (u < 0).any() or (v < 0).any():
        return False
    if not np.array_equal(peer_of[made_rows], made_cols):
        return False
    load = np.bincount(peer_of[peer_of >= 0], minlength=capacity.size)
    if (load > capacity).any():
        return False
    dual = int(u.sum()) + sum(
        int(c) * int(x) for c, x in zip(capacity.tolist(), v.tolist(), strict=True) if c
    )
    return dual == sum(int(p) for p in profits_made.tolist())
