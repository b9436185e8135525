"""Matching everyone waiting at once (issue 19): time and memory of the optimal assignment
(beacon/matching/assignment.py), against the greedy pass and the dense reference. Not a test:
run it by hand and record the figures in bench/RESULTS.md.

    .venv/bin/python bench/matching.py [--sizes issue,small] [--kinds uniform,profiles]
                                       [--runs 5] [--no-dense]

Sizes: "issue" is the issue's target, 10,000 people waiting for 700 peers with 15 places each;
"small" is 1,000 people and 70 peers with 15 places. Kinds of fit:
- "uniform": fits drawn uniformly from [0, 100), every pair allowed (the issue's "random costs");
- "profiles": made-up peer profiles and participant preferences (pathway, language, gender, age
  band, faith, lived experience; some of them "musts", which forbid pairs), fits the sum of the
  weights met: thirds, many ties, a few popular peers. The real profiles of the state-scale
  seed come later (bench/RESULTS.md);
- "popular": a hard case for a solve that starts from each person's best peers: everyone ranks
  the peers alike (half of each fit is the peer's, the same for all), so the first round's
  candidates all point at the same few peers and the proof adds pairs over several rounds.

Each measurement runs in a process of its own (no database, no network), so that its peak memory
is its own: the optimal assignment `--runs` times (median wall and CPU time), then once more under
tracemalloc (peak of the numpy and Python allocations of the solve; OR-Tools' own C++ memory is
in the process's peak RSS only); the greedy pass once (time, total, its gap to the optimum); one
person at a time in queue order, each given their best peer with room (as by hand); and
the dense reference, scipy's linear_sum_assignment on the capacity-expanded matrix (one column per
place, "uniform" only: there every pair is allowed and places outnumber people, so filling every
row is the same optimum), whose total must equal the optimal one. The machine's load average is
printed before and after: on a shared machine, CPU time is the figure to read.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SIZES = {"issue": (10_000, 700, 15), "small": (1_000, 70, 15)}
KINDS = ("uniform", "profiles", "popular")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="issue,small")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--no-dense", action="store_true")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, runs=args.runs, seed=args.seed)))
        return
    load_before = os.getloadavg()
    print(f"load average {load_before[0]:.2f} / {load_before[1]:.2f} ({os.cpu_count()} CPUs)")
    for size in args.sizes.split(","):
        for kind in args.kinds.split(","):
            n, m, cap = SIZES[size]
            print(f"\n## {size}: {n:,} people, {m:,} peers x {cap} places, {kind} fits")
            optimal = _child(f"{size}:{kind}:optimal", args)
            greedy = _child(f"{size}:{kind}:greedy", args)
            queue = _child(f"{size}:{kind}:queue", args)
            gap = 100 * (optimal["total"] - greedy["total"]) / optimal["total"]
            queue_gap = 100 * (optimal["total"] - queue["total"]) / optimal["total"]
            print(
                f"optimal: wall median {optimal['wall_median']:.3f} s "
                f"(runs {', '.join(f'{t:.3f}' for t in optimal['walls'])}), "
                f"CPU median {optimal['cpu_median']:.3f} s; total {optimal['total']:,.2f}, "
                f"{optimal['matched']:,} matched; proven optimal {optimal['proven_optimal']} "
                f"(gap bound {optimal['gap_bound']:.2g}); {optimal['rounds']} round(s), "
                f"{optimal['pairs_considered']:,} of {optimal['pairs_allowed']:,} pairs given "
                f"to the solver; peak RSS {optimal['peak_rss_mb']:.0f} MB "
                f"({optimal['fit_mb']:.0f} MB of it the fit matrix), "
                f"tracemalloc peak {optimal['traced_peak_mb']:.0f} MB"
            )
            print(
                f"greedy: wall {greedy['wall_median']:.3f} s, CPU {greedy['cpu_median']:.3f} s; "
                f"total {greedy['total']:,.2f} ({gap:.2f}% below the optimum), "
                f"{greedy['matched']:,} matched; peak RSS {greedy['peak_rss_mb']:.0f} MB"
            )
            print(
                f"one at a time in queue order: wall {queue['wall_median']:.3f} s; "
                f"total {queue['total']:,.2f} ({queue_gap:.2f}% below the optimum), "
                f"{queue['matched']:,} matched"
            )
            if kind == "uniform" and not args.no_dense:
                dense = _child(f"{size}:{kind}:dense", args)
                same = abs(dense["total"] - optimal["total"]) <= 1e-6 * optimal["total"]
                print(
                    f"dense reference (scipy linear_sum_assignment, {dense['places']:,} places): "
                    f"wall {dense['wall_median']:.3f} s, CPU {dense['cpu_median']:.3f} s; "
                    f"total {dense['total']:,.2f} ({'the same' if same else 'DIFFERENT'}); "
                    f"peak RSS {dense['peak_rss_mb']:.0f} MB"
                )
    load_after = os.getloadavg()
    print(f"\nload average {load_after[0]:.2f} / {load_after[1]:.2f} after")


def _child(what: str, args) -> dict:
    command = [sys.executable, __file__, "--measure", what, "--runs", str(args.runs)]
    command += ["--seed", str(args.seed)]
    completed = subprocess.run(  # noqa: S603 - this script, with our own arguments
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure(what: str, *, runs: int, seed: int) -> dict:
    from beacon.matching.assignment import greedy_assignment, optimal_assignment

    size, kind, how = what.split(":")
    n, m, cap = SIZES[size]
    rng = np.random.default_rng(seed)
    fit = {"uniform": uniform_fits, "profiles": profile_fits, "popular": popular_fits}[kind](
        rng, n, m
    )
    capacity = np.full(m, cap)
    figures: dict = {"fit_mb": fit.nbytes / 2**20}
    walls, cpus = [], []
    if how == "dense":
        from scipy.optimize import linear_sum_assignment

        for _ in range(min(runs, 3)):
            wall, cpu = time.perf_counter(), time.process_time()
            places = np.repeat(np.arange(m), capacity)
            expanded = fit[:, places]
            rows, cols = linear_sum_assignment(expanded, maximize=True)
            total = float(expanded[rows, cols].sum())
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            del expanded
        figures.update(total=total, places=int(places.size))
    elif how == "queue":
        wall, cpu = time.perf_counter(), time.process_time()
        peer_of = queue_order(fit, capacity)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        made = np.flatnonzero(peer_of >= 0)
        figures.update(total=float(fit[made, peer_of[made]].sum()), matched=int(made.size))
    else:
        solve = optimal_assignment if how == "optimal" else greedy_assignment
        for _ in range(runs if how == "optimal" else 1):
            wall, cpu = time.perf_counter(), time.process_time()
            result = solve(fit, capacity)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        figures.update(
            total=result.total,
            matched=result.matched,
            proven_optimal=result.proven_optimal,
            gap_bound=result.gap_bound,
            rounds=result.rounds,
            pairs_considered=result.pairs_considered,
            pairs_allowed=result.pairs_allowed,
        )
        if how == "optimal":
            tracemalloc.start()
            solve(fit, capacity)
            figures["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
    figures.update(
        walls=walls,
        wall_median=statistics.median(walls),
        cpu_median=statistics.median(cpus),
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
    return figures


def queue_order(fit: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """What a supervisor does one person at a time: the person who has waited longest (row
    order here) gets their best peer with room that breaks no must."""
    room = capacity.copy()
    peer_of = np.full(fit.shape[0], -1)
    for person in range(fit.shape[0]):
        options = np.where((room > 0) & (fit[person] >= 0), fit[person], -np.inf)
        best = int(np.argmax(options))
        if options[best] > -np.inf:
            peer_of[person] = best
            room[best] -= 1
    return peer_of


def uniform_fits(rng, n: int, m: int) -> np.ndarray:
    return rng.random((n, m)) * 100


def popular_fits(rng, n: int, m: int) -> np.ndarray:
    return rng.random(m)[np.newaxis, :] * 50 + rng.random((n, m)) * 50


def profile_fits(rng, n: int, m: int) -> np.ndarray:
    """Fits from made-up profiles: each aspect a person would like adds its weight when the peer
    has it; a "must" that the peer does not meet forbids the pair (nan)."""

    def pick(values, weights, count):
        return rng.choice(len(values), size=count, p=np.array(weights) / sum(weights))

    pathways = [35, 20, 10, 10, 10, 5, 5, 5]  # 12-step, MOUD, SMART, faith, harm reduction, ...
    peer_pathway, person_pathway = pick(pathways, pathways, m), pick(pathways, pathways, n)
    genders = [50, 45, 5]
    peer_gender, person_gender = pick(genders, genders, m), pick(genders, genders, n)
    peer_age, person_age = rng.integers(0, 4, m), rng.integers(0, 4, n)
    peer_spanish = rng.random(m) < 0.18
    peer_faith = rng.random(m) < 0.4
    peer_lived = rng.random((m, 8)) < 0.25

    fit = np.zeros((n, m))
    same_pathway = person_pathway[:, None] == peer_pathway[None, :]
    wants_pathway = rng.random(n)
    fit += 3 * (same_pathway & (wants_pathway < 0.6)[:, None])
    spanish_speaker = rng.random(n) < 0.12
    fit += 3 * (spanish_speaker[:, None] & peer_spanish[None, :])
    same_gender = person_gender[:, None] == peer_gender[None, :]
    wants_gender = rng.random(n)
    fit += 2 * (same_gender & (wants_gender < 0.35)[:, None])
    fit += 2 - np.abs(person_age[:, None] - peer_age[None, :]) * 2 / 3
    wants_faith = rng.random(n) < 0.25
    fit += 2 * (wants_faith[:, None] & peer_faith[None, :])
    wants_lived = rng.random((n, 8)) < 0.12
    fit += wants_lived.astype(float) @ peer_lived.T.astype(float)

    must = np.zeros((n, m), dtype=bool)
    must |= (wants_pathway < 0.1)[:, None] & ~same_pathway
    must |= (spanish_speaker & (rng.random(n) < 0.6))[:, None] & ~peer_spanish[None, :]
    must |= (wants_gender < 0.1)[:, None] & ~same_gender
    fit[must] = np.nan
    return fit


if __name__ == "__main__":
    main()
