"""Hidden tests of skipgram.py, part 2: the SGNS loss, its gradients and one SGD step
(learning goals 1 and 2)."""

import numpy as np
import pytest

from m4_helpers import (HELPERS, SKIPGRAM, expect_numbers, assert_close, must_raise, sgns_autograd,
                        expect_sgns_outputs)

from autograder.checks import expect_float, expect_list


def _vectors(seed, d=6, k=4, scale=1.0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=d) * scale, rng.normal(size=d) * scale, rng.normal(size=(k, d)) * scale


def _sgns(student, v, u, U):
    k, d = np.shape(U)
    what = f"sgns_loss_and_grads(v_center [{d}], u_context [{d}], u_negatives [{k}, {d}])"
    return what, expect_sgns_outputs(student.function(SKIPGRAM, "sgns_loss_and_grads")(v, u, U), what, d, k)


@pytest.mark.points(2)
@pytest.mark.hint("the SGNS loss rewards a high score for the context and low scores for the "
                  "negatives; each gradient is the loss's derivative for one input")
@pytest.mark.deeper_hint("Write the loss as a function of the scores first, differentiate it "
                         "with respect to each score, then apply the chain rule to the "
                         "vectors; the negatives enter with the opposite sign of the context.")
@pytest.mark.parametrize("seed", [0, 1])
def test_sgns_matches_autograd(student, seed):
    v, u, U = _vectors(seed)
    what, (loss, gv, go, gn) = _sgns(student, v, u, U)
    want = sgns_autograd(v, u, U)
    assert loss == pytest.approx(want[0], rel=1e-9), f"{what} returned the loss {loss:.6g}, not the SGNS loss"
    assert_close(gv, want[1], f"the loss is right; the gradient for v_center of {what} is not", rtol=1e-7, atol=1e-12)
    assert_close(go, want[2], f"the loss is right; the gradient for u_context of {what} is not", rtol=1e-7, atol=1e-12)
    assert_close(gn, want[3], f"the loss is right; the gradient for u_negatives of {what} is not", rtol=1e-7, atol=1e-12)


@pytest.mark.points(1)
@pytest.mark.hint("numerical stability: the loss and gradients stay finite and exact for "
                  "scores of ±1000")
@pytest.mark.deeper_hint("exp of a large score overflows: compute log σ and σ in forms that "
                         "only ever exponentiate negative numbers.")
@pytest.mark.parametrize("sign", [1.0, -1.0], ids=["plus-1000", "minus-1000"])
def test_sgns_is_stable_at_large_scores(student, sign):
    v = np.array([sign * 1000.0, 0.0])
    u = np.array([1.0, 0.0])
    U = np.array([[1.0, 0.0], [-1.0, 0.0]])
    what, (loss, gv, go, gn) = _sgns(student, v, u, U)
    want = sgns_autograd(v, u, U)
    assert loss == pytest.approx(want[0], rel=1e-9), \
        f"{what} returned the loss {loss:.6g} for scores of ±1000: precision lost"
    assert_close(gv, want[1], f"the gradient for v_center of {what} is off for scores of ±1000", atol=1e-9)


@pytest.mark.points(1)
@pytest.mark.hint("k = 0 negatives is allowed: only the context's term remains")
def test_sgns_without_negatives(student):
    v, u, _ = _vectors(3)
    what, (loss, gv, go, gn) = _sgns(student, v, u, np.zeros((0, 6)))
    want = sgns_autograd(v, u, np.zeros((0, 6)))
    assert loss == pytest.approx(want[0]), f"{what} returned the loss {loss:.6g} with no negatives"


@pytest.mark.points(1)
@pytest.mark.hint("bad input is rejected: v_center [d], u_context [d], u_negatives [k, d], "
                  "anything else raises ValueError")
def test_sgns_rejects_mismatched_shapes(student):
    with must_raise(ValueError, "sgns_loss_and_grads(v_center [3], u_context [4], u_negatives [2, 3])"):
        student.function(SKIPGRAM, "sgns_loss_and_grads")(np.zeros(3), np.zeros(4), np.zeros((2, 3)))


def _expected_step(W_in, W_out, c, o, negs, lr):
    W_in, W_out = W_in.copy(), W_out.copy()
    loss, gv, go, gn = sgns_autograd(W_in[c], W_out[o], W_out[negs])
    W_in[c] -= lr * gv
    W_out[o] -= lr * go
    np.subtract.at(W_out, negs, lr * gn)
    return loss, W_in, W_out


def _step(student, W_in, W_out, c, o, negs, lr):
    """One sgns_step on matrices kept in the worker; the loss and both matrices afterwards,
    checked for kind and shape (the matrices were in the student's process all along)."""
    pair = student.worker_helper(f"{HELPERS}:EmbeddingPair", W_in, W_out)
    what = f"sgns_step(W_in {list(W_in.shape)}, W_out, center={c}, context={o}, negatives={negs}, lr={lr})"
    loss = expect_float(pair.step(c, o, negs, lr), what)
    matrices = expect_list(pair.matrices(), f"the matrices after {what}", length=2)
    return (what, loss, *(expect_numbers(m, f"{name} after {what}", shape=W.shape, dtype_kind="f")
                          for m, name, W in zip(matrices, ("W_in", "W_out"), (W_in, W_out))))


@pytest.mark.points(2)
@pytest.mark.hint("one SGD step: every gradient comes from the values before the step")
@pytest.mark.deeper_hint("If W_in[center] is updated before W_out's gradients are computed, "
                         "those gradients use the new vector; keep copies of the rows first.")
def test_sgns_step_uses_values_before_the_step(student):
    rng = np.random.default_rng(5)
    W_in, W_out = rng.normal(size=(8, 4)), rng.normal(size=(8, 4))
    what, _, new_in, new_out = _step(student, W_in, W_out, 2, 5, [1, 7, 3], 0.5)
    assert not np.array_equal(new_in, W_in), \
        f"W_in is unchanged after {what}: the step must update the matrices it is given, in place"
    want = _expected_step(W_in, W_out, 2, 5, [1, 7, 3], 0.5)
    assert_close(new_in, want[1], f"W_in after {what} is not one SGD step", rtol=1e-9)
    assert_close(new_out, want[2], f"W_out after {what} is not one SGD step", rtol=1e-9)


@pytest.mark.points(2)
@pytest.mark.hint("a negative drawn twice is two negatives: its row gets both updates")
@pytest.mark.deeper_hint("Fancy-indexed assignment with a repeated index writes the row once, "
                         "keeping one update; numpy has an unbuffered way to subtract at indices.")
def test_sgns_step_duplicate_negatives_count_twice(student):
    rng = np.random.default_rng(6)
    W_in, W_out = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    what, _, _, new_out = _step(student, W_in, W_out, 0, 1, [4, 4, 2, 4], 0.3)
    want = _expected_step(W_in, W_out, 0, 1, [4, 4, 2, 4], 0.3)
    assert_close(new_out[4], want[2][4], f"W_out's row 4 after {what} (id 4 drawn three "
                 "times) did not get three updates", rtol=1e-9)
    assert_close(new_out, want[2], f"W_out after {what} is not one SGD step", rtol=1e-9)


@pytest.mark.points(1)
@pytest.mark.hint("a negative equal to the context gets both the context's and the negative's update")
def test_sgns_step_negative_equal_to_context(student):
    rng = np.random.default_rng(7)
    W_in, W_out = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    what, _, _, new_out = _step(student, W_in, W_out, 0, 3, [3, 1], 0.2)
    want = _expected_step(W_in, W_out, 0, 3, [3, 1], 0.2)
    assert_close(new_out, want[2], f"W_out after {what} (negative 3 is the context)", rtol=1e-9)


@pytest.mark.points(1)
@pytest.mark.hint("sgns_step returns the loss before the update, as a float, and touches only "
                  "the rows of the ids it was given")
def test_sgns_step_returns_loss_before_and_leaves_other_rows(student):
    rng = np.random.default_rng(8)
    W_in, W_out = rng.normal(size=(7, 3)), rng.normal(size=(7, 3))
    what, loss, new_in, new_out = _step(student, W_in, W_out, 6, 0, [2], 0.1)
    assert loss == pytest.approx(_expected_step(W_in, W_out, 6, 0, [2], 0.1)[0]), \
        f"{what} returned {loss:.6g}, not the loss before the step"
    assert np.array_equal(new_in[:6], W_in[:6]), f"{what} changed rows of W_in other than the center's"
    assert np.array_equal(new_out[[1, 3, 4, 5, 6]], W_out[[1, 3, 4, 5, 6]]), \
        f"{what} changed rows of W_out other than the context's and the negative's"


@pytest.mark.points(1)
@pytest.mark.hint("ids outside [0, V) raise IndexError; a negative id is not counted from the end")
@pytest.mark.parametrize("center,context,negs", [(-1, 0, [1]), (0, 1, [2, 5])],
                         ids=["negative-center", "negative-id-too-large"])
def test_sgns_step_rejects_bad_ids(student, center, context, negs):
    W = np.zeros((5, 2))
    pair = student.worker_helper(f"{HELPERS}:EmbeddingPair", W, W)
    with must_raise(IndexError, f"sgns_step(W_in [5, 2], W_out [5, 2], center={center}, context={context}, negatives={negs}, lr=0.1)"):
        pair.step(center, context, negs, 0.1)
