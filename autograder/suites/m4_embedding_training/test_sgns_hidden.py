"""Hidden tests of skipgram.py, part 2: the SGNS loss, its gradients and one SGD step
(learning goals 1 and 2)."""

import numpy as np
import pytest

from m4_helpers import HELPERS, SKIPGRAM, sgns_autograd


def _vectors(seed, d=6, k=4, scale=1.0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=d) * scale, rng.normal(size=d) * scale, rng.normal(size=(k, d)) * scale


@pytest.mark.points(2)
@pytest.mark.hint("loss = -log σ(u_o·v_c) - Σ log σ(-u_k·v_c): the negatives enter with a minus sign")
@pytest.mark.parametrize("seed", [0, 1])
def test_sgns_matches_autograd(student, seed):
    v, u, U = _vectors(seed)
    loss, gv, go, gn = student.function(SKIPGRAM, "sgns_loss_and_grads")(v, u, U)
    want = sgns_autograd(v, u, U)
    assert loss == pytest.approx(want[0], rel=1e-9), "loss differs from the SGNS formula"
    np.testing.assert_allclose(gv, want[1], rtol=1e-7, atol=1e-12, err_msg="grad of v_center")
    np.testing.assert_allclose(go, want[2], rtol=1e-7, atol=1e-12, err_msg="grad of u_context")
    np.testing.assert_allclose(gn, want[3], rtol=1e-7, atol=1e-12, err_msg="grad of u_negatives")


@pytest.mark.points(1)
@pytest.mark.hint("use -log σ(x) = logaddexp(0, -x) and a sigmoid that cannot overflow")
@pytest.mark.parametrize("sign", [1.0, -1.0], ids=["plus-1000", "minus-1000"])
def test_sgns_is_stable_at_large_scores(student, sign):
    v = np.array([sign * 1000.0, 0.0])
    u = np.array([1.0, 0.0])
    U = np.array([[1.0, 0.0], [-1.0, 0.0]])
    loss, gv, go, gn = student.function(SKIPGRAM, "sgns_loss_and_grads")(v, u, U)
    want = sgns_autograd(v, u, U)
    values = [loss, *np.ravel(gv), *np.ravel(go), *np.ravel(gn)]
    assert np.all(np.isfinite(values)), "overflow: inf or NaN"
    assert loss == pytest.approx(want[0], rel=1e-9), "loss is off at large scores"
    np.testing.assert_allclose(gv, want[1], atol=1e-9, err_msg="grad of v_center")


@pytest.mark.points(1)
@pytest.mark.hint("k = 0 negatives is allowed: only the positive term remains")
def test_sgns_without_negatives(student):
    v, u, _ = _vectors(3)
    loss, gv, go, gn = student.function(SKIPGRAM, "sgns_loss_and_grads")(v, u, np.zeros((0, 6)))
    want = sgns_autograd(v, u, np.zeros((0, 6)))
    assert loss == pytest.approx(want[0]), "loss with no negatives"
    assert np.asarray(gn).shape == (0, 6), "grad of u_negatives must be shaped [0, d]"


@pytest.mark.points(1)
@pytest.mark.hint("v_center [d], u_context [d], u_negatives [k, d]; anything else raises ValueError")
def test_sgns_rejects_mismatched_shapes(student):
    with pytest.raises(ValueError):
        student.function(SKIPGRAM, "sgns_loss_and_grads")(np.zeros(3), np.zeros(4), np.zeros((2, 3)))


def _expected_step(W_in, W_out, c, o, negs, lr):
    W_in, W_out = W_in.copy(), W_out.copy()
    loss, gv, go, gn = sgns_autograd(W_in[c], W_out[o], W_out[negs])
    W_in[c] -= lr * gv
    W_out[o] -= lr * go
    np.subtract.at(W_out, negs, lr * gn)
    return loss, W_in, W_out


def _step(student, W_in, W_out, c, o, negs, lr):
    pair = student.worker_helper(f"{HELPERS}:EmbeddingPair", W_in, W_out)
    loss = pair.step(c, o, negs, lr)
    return (loss, *pair.matrices())


@pytest.mark.points(2)
@pytest.mark.hint("compute every gradient from the values before the step, then update W_in and W_out")
def test_sgns_step_uses_values_before_the_step(student):
    rng = np.random.default_rng(5)
    W_in, W_out = rng.normal(size=(8, 4)), rng.normal(size=(8, 4))
    got = _step(student, W_in, W_out, 2, 5, [1, 7, 3], 0.5)
    want = _expected_step(W_in, W_out, 2, 5, [1, 7, 3], 0.5)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-9, err_msg="W_in after the step")
    np.testing.assert_allclose(got[2], want[2], rtol=1e-9, err_msg="W_out after the step")


@pytest.mark.points(2)
@pytest.mark.hint("a negative drawn twice contributes twice: np.subtract.at, not W_out[negs] -= ...")
def test_sgns_step_duplicate_negatives_count_twice(student):
    rng = np.random.default_rng(6)
    W_in, W_out = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    got = _step(student, W_in, W_out, 0, 1, [4, 4, 2, 4], 0.3)
    want = _expected_step(W_in, W_out, 0, 1, [4, 4, 2, 4], 0.3)
    np.testing.assert_allclose(got[2][4], want[2][4], rtol=1e-9, err_msg="the repeated negative's row")
    np.testing.assert_allclose(got[2], want[2], rtol=1e-9, err_msg="W_out after the step")


@pytest.mark.points(1)
@pytest.mark.hint("a negative equal to the context gets the positive and the negative update")
def test_sgns_step_negative_equal_to_context(student):
    rng = np.random.default_rng(7)
    W_in, W_out = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    got = _step(student, W_in, W_out, 0, 3, [3, 1], 0.2)
    want = _expected_step(W_in, W_out, 0, 3, [3, 1], 0.2)
    np.testing.assert_allclose(got[2], want[2], rtol=1e-9, err_msg="W_out after the step")


@pytest.mark.points(1)
@pytest.mark.hint("return the loss computed before the update, as a float; touch no other rows")
def test_sgns_step_returns_loss_before_and_leaves_other_rows(student):
    rng = np.random.default_rng(8)
    W_in, W_out = rng.normal(size=(7, 3)), rng.normal(size=(7, 3))
    loss, new_in, new_out = _step(student, W_in, W_out, 6, 0, [2], 0.1)
    assert isinstance(loss, float), "sgns_step must return a float"
    assert loss == pytest.approx(_expected_step(W_in, W_out, 6, 0, [2], 0.1)[0]), "loss before the step"
    np.testing.assert_array_equal(new_in[:6], W_in[:6])
    np.testing.assert_array_equal(new_out[[1, 3, 4, 5, 6]], W_out[[1, 3, 4, 5, 6]])


@pytest.mark.points(1)
@pytest.mark.hint("ids outside [0, V) raise IndexError: no negative wrap-around")
@pytest.mark.parametrize("center,context,negs", [(-1, 0, [1]), (0, 1, [2, 5])],
                         ids=["negative-center", "negative-id-too-large"])
def test_sgns_step_rejects_bad_ids(student, center, context, negs):
    W = np.zeros((5, 2))
    with pytest.raises(IndexError):
        _step(student, W, W, center, context, negs, 0.1)
