"""The optimal assignment (issue 19, "Match everyone waiting at once"): no database.

The reference for small cases is scipy's linear_sum_assignment over the capacity-expanded
matrix (one column per free place) plus one "stays waiting" column per person, solved in floats:
an independent method, exact for these sizes.
"""

import itertools
import math

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from beacon.matching import assignment as solver
from beacon.matching.assignment import Assignment, greedy_assignment, optimal_assignment

NAN = np.nan


def reference_total(fit, capacity):
    """The best total fit by a different method (dense Hungarian over places)."""
    fit = np.asarray(fit, dtype=float)
    n, m = fit.shape
    allowed = np.isfinite(fit) & (fit >= 0)
    places = np.repeat(np.arange(m), capacity)
    gain = np.where(allowed[:, places], fit[:, places], -1e9) if places.size else np.zeros((n, 0))
    gain = np.hstack([gain, np.zeros((n, n))])  # each person may stay waiting, for 0
    rows, cols = linear_sum_assignment(gain, maximize=True)
    return float(gain[rows, cols].sum())


def brute_force_total(fit, capacity):
    """Every way to give each person a peer or none: for the tiniest cases only."""
    n, m = fit.shape
    best = 0.0
    for choice in itertools.product(range(-1, m), repeat=n):
        load = np.bincount([j for j in choice if j >= 0], minlength=m)
        if (load > capacity).any():
            continue
        pairs = [fit[i, j] for i, j in enumerate(choice) if j >= 0]
        if all(np.isfinite(p) and p >= 0 for p in pairs):
            best = max(best, math.fsum(pairs))
    return best


def assert_feasible(result: Assignment, fit, capacity):
    fit = np.asarray(fit, dtype=float)
    capacity = np.asarray(capacity)
    assert result.peer_of.shape == (fit.shape[0],)
    made = np.flatnonzero(result.peer_of >= 0)
    pairs = fit[made, result.peer_of[made]]
    assert np.isfinite(pairs).all(), "a pair breaking a must was made"
    assert (pairs >= 0).all(), "a pair with a negative fit was made"
    assert (result.load(fit.shape[1]) <= capacity).all(), "a peer was given more than their room"
    assert result.total == pytest.approx(math.fsum(pairs.tolist()), abs=1e-9)


def random_case(rng, n, m, *, not_allowed=0.2, negative=0.05, max_capacity=3):
    fit = rng.integers(0, 10, size=(n, m)).astype(float)  # integers: many ties, the hard case
    fit[rng.random((n, m)) < not_allowed] = NAN
    fit[rng.random((n, m)) < negative] = -1.0
    capacity = rng.integers(0, max_capacity + 1, size=m)
    return fit, capacity


# Crafted cases where the best-pair-first pass is strictly worse, with the optimum by hand.


def test_two_people_two_peers_greedy_takes_the_best_pair_and_loses():
    # Greedy gives Ana (row 0) her 10 and leaves Ben with a 0; the best is 9 + 8 = 17.
    fit = np.array([[10.0, 9.0], [8.0, 0.0]])
    capacity = np.array([1, 1])
    best = optimal_assignment(fit, capacity)
    greedy = greedy_assignment(fit, capacity)
    assert best.peer_of.tolist() == [1, 0]
    assert best.total == 17.0
    assert best.proven_optimal
    assert greedy.peer_of.tolist() == [0, 1]
    assert greedy.total == 10.0
    assert not greedy.proven_optimal


def test_a_must_leaves_one_peer_for_one_person_and_greedy_gives_it_away():
    # Only peer 0 meets Ben's must (a Spanish speaker); peer 0 has one place. Greedy hands it
    # to Ana (her best, 6) and Ben waits: 6. The best: Ana with peer 1 (5), Ben with peer 0 (4).
    fit = np.array([[6.0, 5.0], [4.0, NAN]])
    best = optimal_assignment(fit, np.array([1, 3]))
    greedy = greedy_assignment(fit, np.array([1, 3]))
    assert best.peer_of.tolist() == [1, 0]
    assert best.total == 9.0
    assert greedy.peer_of.tolist() == [0, -1]
    assert greedy.total == 6.0


def test_capacity_shared_across_a_chain_of_three():
    # Peer 0 has room for 2. Greedy: (0,0)=9, (1,0)=8 fill it, then Cy takes peer 1 for 1: 18.
    # Best: Ana and Cy with peer 0 (9 + 7), Ben with peer 1 (6): 22.
    fit = np.array([[9.0, 1.0], [8.0, 6.0], [7.0, 1.0]])
    capacity = np.array([2, 1])
    best = optimal_assignment(fit, capacity)
    assert best.peer_of.tolist() == [0, 1, 0]
    assert best.total == 22.0
    assert greedy_assignment(fit, capacity).total == 18.0


# Against independent references.


@pytest.mark.parametrize("seed", range(40))
def test_small_random_cases_equal_the_reference_and_beat_or_equal_greedy(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 13)), int(rng.integers(1, 7))
    fit, capacity = random_case(rng, n, m)
    best = optimal_assignment(fit, capacity, candidates=2)
    greedy = greedy_assignment(fit, capacity)
    assert_feasible(best, fit, capacity)
    assert_feasible(greedy, fit, capacity)
    assert best.proven_optimal
    assert best.total == pytest.approx(reference_total(fit, capacity), abs=best.gap_bound + 1e-9)
    assert best.total >= greedy.total - best.gap_bound


@pytest.mark.parametrize("seed", range(8))
def test_tiny_cases_equal_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    fit, capacity = random_case(rng, 4, 3, max_capacity=2)
    fit[rng.random(fit.shape) < 0.5] += rng.random()  # some fractions too
    best = optimal_assignment(fit, capacity, candidates=1)
    assert best.proven_optimal
    assert best.total == pytest.approx(brute_force_total(fit, capacity), abs=best.gap_bound)


def test_larger_random_fits_equal_the_reference_and_greedy_falls_short():
    rng = np.random.default_rng(7)
    fit = rng.random((300, 25)) * 100
    fit[rng.random(fit.shape) < 0.1] = NAN
    capacity = rng.integers(0, 16, size=25)
    best = optimal_assignment(fit, capacity, candidates=5)
    greedy = greedy_assignment(fit, capacity)
    assert_feasible(best, fit, capacity)
    assert best.proven_optimal
    assert best.pairs_considered < best.pairs_allowed  # proven without giving every pair
    assert best.total == pytest.approx(reference_total(fit, capacity), abs=best.gap_bound)
    assert best.total > greedy.total


# Musts and capacity.


def test_every_must_is_respected_even_when_breaking_it_would_pay():
    # Ben's only allowed peer is full; a pair breaking his must would add 100, and is not made.
    fit = np.array([[5.0, NAN], [-np.inf, 100.0], [NAN, 1.0]])
    result = optimal_assignment(fit, np.array([1, 1]))
    assert_feasible(result, fit, [1, 1])
    assert result.peer_of.tolist() == [0, 1, -1]


def test_a_peer_with_no_room_is_given_no_one():
    fit = np.array([[9.0, 1.0], [9.0, 2.0]])
    result = optimal_assignment(fit, np.array([0, 5]))
    assert result.peer_of.tolist() == [1, 1]
    assert result.total == 3.0
    assert greedy_assignment(fit, np.array([0, 5])).peer_of.tolist() == [1, 1]


def test_people_wait_when_places_run_out_and_the_best_pairs_are_kept():
    fit = np.array([[3.0], [7.0], [5.0], [1.0], [6.0]])
    result = optimal_assignment(fit, np.array([2]))
    assert result.peer_of.tolist() == [-1, 0, -1, -1, 0]
    assert result.total == 13.0
    assert result.matched == 2


def test_a_negative_fit_is_never_made_even_with_room_to_spare():
    fit = np.array([[-0.5, NAN], [2.0, -3.0]])
    result = optimal_assignment(fit, np.array([5, 5]))
    assert result.peer_of.tolist() == [-1, 0]
    assert greedy_assignment(fit, np.array([5, 5])).peer_of.tolist() == [-1, 0]


def test_a_fit_of_zero_still_gives_the_person_a_peer():
    # Nothing in common but no must broken: having a peer beats waiting, at no cost to anyone.
    fit = np.zeros((3, 2))
    result = optimal_assignment(fit, np.array([1, 1]))
    assert result.matched == 2
    assert result.total == 0.0
    assert result.proven_optimal


def test_people_seated_at_no_cost_do_not_take_a_place_someone_gains_from():
    # Cy fits nobody (0s); Ana and Ben gain from peer 0 and peer 1. Cy gets the place left.
    fit = np.array([[5.0, 0.0, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 0.0]])
    result = optimal_assignment(fit, np.array([1, 1, 1]))
    assert result.peer_of.tolist() == [0, 1, 2]
    assert result.total == 9.0
    assert result.proven_optimal


# The proof: pruning to each person's best candidates first, then adding what the proof finds.


def test_pruning_misses_the_optimum_at_first_and_the_proof_brings_it_back():
    # Everyone's best peer is peer 0, with one place. With one candidate each, the first round
    # can place one person only; the duals show that the pairs left out (everyone's second
    # choice) would raise the total, they are added, and the second round is the optimum.
    n = 6
    fit = np.tile(np.array([10.0, 9.0, 8.0, 7.0, 6.0, 5.0]), (n, 1))
    fit[:, 0] += np.arange(n)  # person 5 gains most from peer 0
    capacity = np.ones(6, dtype=int)
    best = reference_total(fit, capacity)
    first_choices_only = np.where(fit == fit.max(axis=1, keepdims=True), fit, NAN)
    assert optimal_assignment(first_choices_only, capacity).total < best
    result = optimal_assignment(fit, capacity, candidates=1)
    assert result.proven_optimal
    assert result.rounds >= 2
    assert result.total == pytest.approx(best, abs=result.gap_bound)
    assert result.peer_of[5] == 0
    assert sorted(result.peer_of.tolist()) == list(range(6))


def test_when_rounds_run_out_every_allowed_pair_is_used_and_the_proof_still_holds():
    rng = np.random.default_rng(3)
    fit = rng.random((40, 8))
    fit[:, 0] += 1  # everyone's first choice is peer 0
    capacity = np.full(8, 5)
    result = optimal_assignment(fit, capacity, candidates=1, max_rounds=1)
    assert result.proven_optimal
    assert result.rounds == 2
    assert result.pairs_considered == result.pairs_allowed == 320
    assert result.total == pytest.approx(reference_total(fit, capacity), abs=result.gap_bound)


def test_a_wrong_answer_from_the_solver_is_never_called_proven(monkeypatch):
    fit = np.array([[10.0, 9.0], [8.0, 0.0]])
    capacity = np.array([1, 1])

    def greedy_flow(n, m, rows, cols, profit, capacity):
        # The flow greedy would make: Ana with peer 0, Ben with peer 1 (total 10, not 17).
        peer_of = np.array([0, 1])
        return peer_of, peer_of[rows] == cols

    monkeypatch.setattr(solver, "_solve_flow", greedy_flow)
    result = optimal_assignment(fit, capacity)
    assert not result.proven_optimal
    assert result.total == 10.0


def test_when_everyone_ranks_peers_alike_rounds_add_a_few_pairs_each_not_all():
    # Everyone's best peers are the same five, with 3 places each: after the first round
    # nearly every pair of a waiting person is worth adding; each round adds only each
    # person's and each peer's best few, and the proof still ends at the optimum.
    rng = np.random.default_rng(5)
    quality = np.linspace(50, 0, 40)
    fit = quality[np.newaxis, :] + rng.random((300, 40)) * 10
    capacity = np.full(40, 3)
    result = optimal_assignment(fit, capacity, candidates=3, max_rounds=50)
    assert result.proven_optimal
    assert result.rounds >= 3
    assert result.pairs_considered < result.pairs_allowed / 2
    assert result.total == pytest.approx(reference_total(fit, capacity), abs=result.gap_bound)


def test_violations_are_limited_to_each_persons_and_each_peers_best():
    # Duals of zero: every allowed pair with a positive fit could raise the total.
    work = np.array([[5.0, 4.0, 3.0, -1.0], [1.0, 2.0, 9.0, 8.0], [0.0, 0.0, 0.0, 7.0]])
    allowed = work >= 0
    zeros_u, zeros_v = np.zeros(3, dtype=np.int64), np.zeros(4, dtype=np.int64)
    (rows, cols), count, error = solver._violations(
        work, allowed, np.ones(4, dtype=int), zeros_u, zeros_v, 1.0, 1
    )
    assert count == 8  # every positive allowed pair
    assert error == 0.0
    # Person 0's best (peer 0), person 1's best (peer 2), person 2's only one (peer 3), and
    # each peer's best person: peer 0 -> 0, peer 1 -> 0, peer 2 -> 1, peer 3 -> 1.
    assert sorted(zip(rows.tolist(), cols.tolist(), strict=True)) == [
        (0, 0), (0, 1), (1, 2), (1, 3), (2, 3)
    ]  # fmt: skip


def test_fits_on_a_grid_lose_nothing_to_rounding():
    # Thirds and halves (weights and partial credit): the grid is found and the bound is 0.
    rng = np.random.default_rng(2)
    fit = rng.integers(0, 30, size=(200, 20)) / 6
    result = optimal_assignment(fit, np.full(20, 8))
    assert result.proven_optimal
    assert result.gap_bound < 1e-9
    assert result.total == pytest.approx(reference_total(fit, np.full(20, 8)), abs=1e-9)


def test_a_fit_off_the_grid_counts_in_the_bound_and_the_answer_stays_within_it():
    # Whole numbers but one 0.3 in a row the grid's sample skips (every other row of 128):
    # the whole-number grid is used, that 0.3 is rounded, and the bound says by how much.
    fit = np.tile(np.arange(4.0), (128, 1))
    fit[1, 0] = 0.3
    capacity = np.full(4, 32)
    result = optimal_assignment(fit, capacity)
    assert result.proven_optimal
    assert result.gap_bound > 0
    assert result.total == pytest.approx(reference_total(fit, capacity), abs=result.gap_bound)


def test_the_grid_is_found_when_the_sampled_rows_allow_no_pair():
    fit = np.full((128, 3), NAN)
    fit[1::2] = [[0.5, 1.0, 1.5]]  # every other row: the sample (every second row) misses them
    result = optimal_assignment(fit, np.full(3, 64))
    assert result.matched == 64
    assert result.total == 96.0
    assert result.gap_bound < 1e-9


def test_the_gap_bound_is_tiny_against_the_fits():
    rng = np.random.default_rng(11)
    fit = rng.random((200, 30)) * 100
    result = optimal_assignment(fit, np.full(30, 10))
    assert 0 < result.gap_bound < 1e-6 * result.total


def test_the_same_queue_gets_the_same_proposal():
    # Whole-number fits tie everywhere; the answer must not depend on the run.
    rng = np.random.default_rng(8)
    fit = rng.integers(0, 4, size=(150, 12)).astype(float)
    capacity = np.full(12, 10)
    first = optimal_assignment(fit, capacity, candidates=3)
    again = optimal_assignment(fit.copy(), capacity.copy(), candidates=3)
    assert np.array_equal(first.peer_of, again.peer_of)
    every_pair = optimal_assignment(fit, capacity, candidates=0)
    assert every_pair.pairs_considered == every_pair.pairs_allowed
    assert every_pair.total == first.total


# Edge cases.


def test_no_one_waiting():
    result = optimal_assignment(np.zeros((0, 3)), np.array([1, 2, 3]))
    assert result.peer_of.shape == (0,)
    assert result.total == 0.0
    assert result.proven_optimal
    assert greedy_assignment(np.zeros((0, 3)), np.array([1, 2, 3])).peer_of.shape == (0,)


def test_no_peers():
    result = optimal_assignment(np.zeros((4, 0)), np.zeros(0, dtype=int))
    assert result.peer_of.tolist() == [-1, -1, -1, -1]
    assert result.proven_optimal
    assert greedy_assignment(np.zeros((4, 0)), np.zeros(0, dtype=int)).matched == 0


def test_no_pair_allowed_at_all():
    fit = np.full((3, 2), NAN)
    result = optimal_assignment(fit, np.array([3, 3]))
    assert result.peer_of.tolist() == [-1, -1, -1]
    assert result.total == 0.0
    assert result.proven_optimal
    assert greedy_assignment(fit, np.array([3, 3])).matched == 0


def test_ties_everywhere_fill_every_place():
    fit = np.full((5, 3), 4.0)
    result = optimal_assignment(fit, np.array([1, 2, 1]))
    assert result.matched == 4
    assert result.total == 16.0
    assert result.proven_optimal
    greedy = greedy_assignment(fit, np.array([1, 2, 1]))
    # Greedy's ties go to the earlier person, then the earlier peer.
    assert greedy.peer_of.tolist() == [0, 1, 1, 2, -1]


def test_one_peer_with_room_for_everyone():
    fit = np.array([[1.0], [2.0], [NAN]])
    result = optimal_assignment(fit, np.array([10**9]))
    assert result.peer_of.tolist() == [0, 0, -1]
    assert result.proven_optimal


def test_large_fits_keep_their_order():
    # Fits far from 1 are scaled to the solver's integers without losing which pairing is best.
    fit = np.array([[1e12 + 2, 1e12], [1e12 + 1, 0.0]])
    result = optimal_assignment(fit, np.array([1, 1]))
    assert result.peer_of.tolist() == [1, 0]
    small = optimal_assignment(fit * 1e-15, np.array([1, 1]))
    assert small.peer_of.tolist() == [1, 0]


@pytest.mark.parametrize(
    ("fit", "capacity", "message"),
    [
        (np.zeros(3), np.array([1, 1, 1]), "2-D"),
        (np.zeros((2, 3)), np.array([1, 1]), "one number per peer"),
        (np.zeros((2, 2)), np.array([1, -1]), "cannot be negative"),
        (np.zeros((2, 2)), np.array([1.5, 1]), "whole numbers"),
        (np.array([[np.inf, 0.0]]), np.array([1, 1]), "+inf"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(fit, capacity, message):
    with pytest.raises(ValueError, match=message.replace("+", r"\+")):
        optimal_assignment(fit, capacity)
    with pytest.raises(ValueError, match=message.replace("+", r"\+")):
        greedy_assignment(fit, capacity)
