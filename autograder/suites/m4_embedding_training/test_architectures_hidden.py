"""Hidden tests of architectures.py: masks, masked attention, encoder versus decoder
(learning goal 4)."""

import numpy as np
import pytest

from m4_helpers import ARCH, HELPERS, expect_numbers, assert_close, attention_oracle, must_raise

from autograder.checks import expect_list, expect_str


def _mask(student, name, *args, shape, what):
    return expect_numbers(student.function(ARCH, name)(*args), what, shape=shape, dtype_kind="b")


def _attention(student, q, k, v, mask, what="masked_attention"):
    q, k, v = (np.asarray(a) for a in (q, k, v))
    shape = np.broadcast_shapes(q.shape[:-2], k.shape[:-2]) + (q.shape[-2], v.shape[-1])
    what = f"{what}(q {list(q.shape)}, k {list(k.shape)}, v {list(v.shape)}, mask {list(np.shape(mask))})"
    return what, expect_numbers(student.function(ARCH, "masked_attention")(q, k, v, mask), what,
                          shape=shape, dtype_kind="f", finite=False)


@pytest.mark.points(1)
@pytest.mark.hint("the causal mask lets position i attend to itself and to the positions before it")
@pytest.mark.deeper_hint("Rows are the querying positions, columns the positions attended to: "
                         "the allowed entries form the lower triangle, diagonal included.")
def test_causal_mask(student):
    n = 6
    got = _mask(student, "causal_mask", n, shape=(n, n), what="causal_mask(6)")
    want = np.tril(np.ones((n, n), dtype=bool))
    assert np.array_equal(got, want), \
        f"causal_mask(6) differs at {int((got != want).sum())} of 36 entries, the first at " \
        f"row {np.argwhere(got != want)[0][0]}"


@pytest.mark.points(1)
@pytest.mark.hint("the edges of causal_mask: n = 0 and n = 1 are valid sizes; a negative n raises ValueError")
def test_causal_mask_edges(student):
    _mask(student, "causal_mask", 0, shape=(0, 0), what="causal_mask(0)")
    one = _mask(student, "causal_mask", 1, shape=(1, 1), what="causal_mask(1)")
    assert one.tolist() == [[True]], "causal_mask(1) must let the only position attend to itself"
    with must_raise(ValueError, "causal_mask(-2)"):
        student.function(ARCH, "causal_mask")(-2)


@pytest.mark.points(1)
@pytest.mark.hint("a padding mask marks the real tokens of each sequence: its first `length` positions")
def test_padding_mask_random(student):
    lengths = [0, 5, 3, 7, 1]
    got = _mask(student, "padding_mask", lengths, 7, shape=(5, 7), what="padding_mask([0, 5, 3, 7, 1], 7)")
    want = np.array([[j < n for j in range(7)] for n in lengths])
    wrong = [b for b in range(5) if not np.array_equal(got[b], want[b])]
    assert not wrong, f"padding_mask([0, 5, 3, 7, 1], 7): the rows of length {[lengths[b] for b in wrong]} are wrong"


@pytest.mark.points(1)
@pytest.mark.hint("bad input is rejected: a length above n or below 0 raises ValueError")
def test_padding_mask_rejects_bad_lengths(student):
    for lengths in ([2, 5], [-1, 2]):
        with must_raise(ValueError, f"padding_mask({lengths}, 4)"):
            student.function(ARCH, "padding_mask")(lengths, 4)


@pytest.mark.points(1)
@pytest.mark.hint("scaled dot-product attention: a softmax over the keys a query may see, "
                  "weighting the values")
@pytest.mark.deeper_hint("The scores are divided by the square root of the key dimension; the "
                         "softmax runs over the last axis (the keys), not over the queries.")
def test_masked_attention_random_masks(student):
    rng = np.random.default_rng(50)
    q, k = rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 6, 4))
    v = rng.normal(size=(2, 6, 3))
    mask = rng.random((2, 5, 6)) < 0.6
    mask[:, :, 0] = True
    what, got = _attention(student, q, k, v, mask)
    assert_close(got, attention_oracle(q, k, v, mask), f"{what} is not attention over the allowed keys",
                 rtol=1e-7, atol=1e-10)


@pytest.mark.points(1)
@pytest.mark.hint("numerical stability: scores of several thousand must not overflow the softmax")
@pytest.mark.deeper_hint("Shifting all the scores of a row by the same amount leaves the softmax unchanged.")
def test_masked_attention_large_scores(student):
    rng = np.random.default_rng(52)
    q, k, v = rng.normal(size=(3, 5, 4)) * 60
    mask = np.tril(np.ones((5, 5), dtype=bool))
    what, got = _attention(student, q, k, v, mask)
    assert np.all(np.isfinite(got)), f"{what} overflows (inf or NaN) for scores of several thousand"
    assert_close(got, attention_oracle(q, k, v, mask), f"{what} is wrong for large scores",
                 rtol=1e-7, atol=1e-9)


@pytest.mark.points(2)
@pytest.mark.hint("masked keys get exactly zero weight, however low the real scores are")
@pytest.mark.deeper_hint("A large negative number is not minus infinity: a real score can be "
                         "lower still, and then the masked key wins.")
def test_masked_attention_exactly_zero_weight(student):
    q = np.array([[-300.0, 0.0]])
    k = np.array([[100.0, 0.0], [0.0, 0.0], [-1.0, 0.0]])  # scores -21213, 0, 212: masked are 1 and 2
    v = np.array([[1.0], [1e6], [-1e6]])
    mask = np.array([[True, False, False]])
    what, got = _attention(student, q, k, v, mask)
    assert got[0, 0] == pytest.approx(1.0), \
        f"{what} gave {got[0, 0]:.6g} where only key 0 (score -21213) is allowed: masked keys got weight"


@pytest.mark.points(1)
@pytest.mark.hint("a query with no allowed key gives a zero row, never NaN")
def test_masked_attention_fully_masked_row(student):
    rng = np.random.default_rng(51)
    q, k, v = rng.normal(size=(3, 4, 2))
    mask = np.ones((4, 4), dtype=bool)
    mask[2] = False
    what, got = _attention(student, q, k, v, mask)
    assert np.all(np.isfinite(got)), f"{what} holds NaN or inf (row 2 may attend to nothing)"
    assert np.allclose(got[2], 0.0), f"{what}: row 2, which may attend to nothing, is not zeros"
    assert_close(got, attention_oracle(q, k, v, mask), f"{what}: the other rows are wrong",
                 rtol=1e-7, atol=1e-10)


@pytest.mark.points(1)
@pytest.mark.hint("a mask broadcasts against the [..., n_q, n_k] scores: a padding mask [B, 1, n] hides padded keys")
def test_masked_attention_with_padding_mask(student):
    rng = np.random.default_rng(53)
    x = rng.normal(size=(3, 4, 5))
    mask = (np.arange(4)[None, :] < np.array([4, 2, 1])[:, None])[:, None, :]
    what, got = _attention(student, x, x, x, mask)
    assert_close(got, attention_oracle(x, x, x, mask), f"{what} with a [3, 1, 4] padding mask",
                 rtol=1e-7, atol=1e-10)


@pytest.mark.points(1)
@pytest.mark.hint("a decoder layer sees only the past (a causal mask); an encoder layer sees every position")
@pytest.mark.parametrize("causal", [True, False], ids=["decoder", "encoder"])
def test_self_attention(student, causal):
    rng = np.random.default_rng(54)
    x = rng.normal(size=(6, 4))
    w_q, w_k, w_v = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    mask = np.tril(np.ones((6, 6), dtype=bool)) if causal else np.ones((6, 6), dtype=bool)
    what = f"self_attention(x [6, 4], w_q [4, 3], w_k [4, 3], w_v [4, 2], causal={causal})"
    got = expect_numbers(student.function(ARCH, "self_attention")(x, w_q, w_k, w_v, causal), what,
                   shape=(6, 2), dtype_kind="f")
    assert_close(got, attention_oracle(x @ w_q, x @ w_k, x @ w_v, mask), f"{what} is wrong",
                 rtol=1e-7, atol=1e-10)


def _positions(value, what):
    return [int(i) for i in expect_list(value, what, of=(int, np.integer))]


@pytest.mark.points(1)
@pytest.mark.hint("changing one token moves every output position that attends to it, and only those")
@pytest.mark.deeper_hint("Run the layer on the original and on the changed input and compare the "
                         "outputs row by row.")
@pytest.mark.parametrize("causal,position,want", [(True, 3, [3, 4, 5]), (False, 3, [0, 1, 2, 3, 4, 5]),
                                                  (True, 0, [0, 1, 2, 3, 4, 5])],
                         ids=["decoder", "encoder", "decoder-first-token"])
def test_changed_positions(student, causal, position, want):
    rng = np.random.default_rng(55)
    ws = rng.normal(size=(3, 4, 4))
    layer = student.worker_helper(f"{HELPERS}:attention_layer", *ws, causal)
    what = f"changed_positions({'decoder' if causal else 'encoder'} layer, x [6, 4], position={position}, ...)"
    got = _positions(student.function(ARCH, "changed_positions")(
        layer, rng.normal(size=(6, 4)), position, rng.normal(size=4)), what)
    assert got == want, f"{what} returned {got}"


@pytest.mark.points(1)
@pytest.mark.hint("a replacement equal to the old token changes nothing; a position outside [0, n) raises IndexError")
def test_changed_positions_edges(student):
    rng = np.random.default_rng(56)
    ws = rng.normal(size=(3, 4, 4))
    layer = student.worker_helper(f"{HELPERS}:attention_layer", *ws, False)
    x = rng.normal(size=(5, 4))
    f = student.function(ARCH, "changed_positions")
    what = "changed_positions(layer, x, 2, x[2]) (the same token again)"
    got = _positions(f(layer, x, 2, x[2].copy()), what)
    assert got == [], f"{what} returned {got}"
    for position in (5, -1):
        with must_raise(IndexError, f"changed_positions(layer, x [5, 4], position={position}, ...)"):
            f(layer, x, position, x[0])


@pytest.mark.points(1)
@pytest.mark.hint("encoders read text into vectors (understanding tasks); decoders write text token by token")
def test_architecture_for_every_task(student):
    f = student.function(ARCH, "architecture_for")
    tasks = {"retrieval": "encoder", "semantic_search": "encoder", "classification": "encoder",
             "sentiment_analysis": "encoder", "ner": "encoder", "clustering": "encoder",
             "generation": "decoder", "chat": "decoder", "code_completion": "decoder",
             "story_writing": "decoder"}
    got = {task: expect_str(f(task), f"architecture_for({task!r})") for task in tasks}
    wrong = [task for task in tasks if got[task] != tasks[task]]
    assert not wrong, f"architecture_for puts {', '.join(wrong)} in the wrong family"


@pytest.mark.points(1)
@pytest.mark.hint("bad input is rejected: an unknown task raises ValueError")
def test_architecture_for_unknown_task(student):
    with must_raise(ValueError, "architecture_for('translation-by-telepathy')"):
        student.function(ARCH, "architecture_for")("translation-by-telepathy")
