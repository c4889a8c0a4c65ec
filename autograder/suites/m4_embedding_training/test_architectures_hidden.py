"""Hidden tests of architectures.py: masks, masked attention, encoder versus decoder
(learning goal 4)."""

import numpy as np
import pytest

from m4_helpers import ARCH, HELPERS, attention_oracle


@pytest.mark.points(1)
@pytest.mark.hint("rows are the querying positions: row i is True at columns 0..i (np.tril)")
def test_causal_mask(student):
    n = 6
    got = np.asarray(student.function(ARCH, "causal_mask")(n))
    assert got.dtype == bool, "the mask must be boolean"
    assert np.array_equal(got, np.tril(np.ones((n, n), dtype=bool))), "not the causal mask"


@pytest.mark.points(1)
@pytest.mark.hint("causal_mask(0) is an empty [0, 0] mask, causal_mask(1) is [[True]]; a negative n raises ValueError")
def test_causal_mask_edges(student):
    f = student.function(ARCH, "causal_mask")
    assert np.asarray(f(0)).shape == (0, 0)
    assert np.asarray(f(1)).tolist() == [[True]]
    with pytest.raises(ValueError):
        f(-2)


@pytest.mark.points(1)
@pytest.mark.hint("row b is True exactly at positions < lengths[b]")
def test_padding_mask_random(student):
    lengths = [0, 5, 3, 7, 1]
    got = np.asarray(student.function(ARCH, "padding_mask")(lengths, 7))
    want = np.array([[j < n for j in range(7)] for n in lengths])
    assert got.dtype == bool and np.array_equal(got, want), "padding mask differs"


@pytest.mark.points(1)
@pytest.mark.hint("a length above n or below 0 raises ValueError")
def test_padding_mask_rejects_bad_lengths(student):
    for lengths in ([2, 5], [-1, 2]):
        with pytest.raises(ValueError):
            student.function(ARCH, "padding_mask")(lengths, 4)


@pytest.mark.points(1)
@pytest.mark.hint("scores = q k^T / sqrt(d), softmax over the allowed keys only, then weights @ v")
def test_masked_attention_random_masks(student):
    rng = np.random.default_rng(50)
    q, k = rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 6, 4))
    v = rng.normal(size=(2, 6, 3))
    mask = rng.random((2, 5, 6)) < 0.6
    mask[:, :, 0] = True
    got = student.function(ARCH, "masked_attention")(q, k, v, mask)
    np.testing.assert_allclose(got, attention_oracle(q, k, v, mask), rtol=1e-7, atol=1e-10)


@pytest.mark.points(2)
@pytest.mark.hint("masked keys need exactly zero weight: fill with -inf, not -1e4 (real scores can be below -1e4)")
def test_masked_attention_exactly_zero_weight(student):
    q = np.array([[-300.0, 0.0]])
    k = np.array([[100.0, 0.0], [0.0, 0.0], [-1.0, 0.0]])  # scores -21213, 0, 212: masked are 1 and 2
    v = np.array([[1.0], [1e6], [-1e6]])
    mask = np.array([[True, False, False]])
    got = np.asarray(student.function(ARCH, "masked_attention")(q, k, v, mask))
    assert got.shape == (1, 1)
    assert got[0, 0] == pytest.approx(1.0), "masked positions still get weight"


@pytest.mark.points(1)
@pytest.mark.hint("a query with no allowed key gives a zero row, never NaN")
def test_masked_attention_fully_masked_row(student):
    rng = np.random.default_rng(51)
    q, k, v = rng.normal(size=(3, 4, 2))
    mask = np.ones((4, 4), dtype=bool)
    mask[2] = False
    got = np.asarray(student.function(ARCH, "masked_attention")(q, k, v, mask))
    assert np.all(np.isfinite(got)), "NaN or inf in the output"
    assert np.allclose(got[2], 0.0), "a fully masked row must be zeros"
    np.testing.assert_allclose(got, attention_oracle(q, k, v, mask), rtol=1e-7, atol=1e-10)


@pytest.mark.points(1)
@pytest.mark.hint("subtract each row's maximum before exp: scores of several thousand must not overflow")
def test_masked_attention_large_scores(student):
    rng = np.random.default_rng(52)
    q, k, v = rng.normal(size=(3, 5, 4)) * 60
    mask = np.tril(np.ones((5, 5), dtype=bool))
    got = np.asarray(student.function(ARCH, "masked_attention")(q, k, v, mask))
    assert np.all(np.isfinite(got)), "overflow"
    np.testing.assert_allclose(got, attention_oracle(q, k, v, mask), rtol=1e-7, atol=1e-9)


@pytest.mark.points(1)
@pytest.mark.hint("the mask broadcasts against [..., n_q, n_k]: a padding mask [B, 1, n] hides padded keys")
def test_masked_attention_with_padding_mask(student):
    rng = np.random.default_rng(53)
    x = rng.normal(size=(3, 4, 5))
    mask = (np.arange(4)[None, :] < np.array([4, 2, 1])[:, None])[:, None, :]
    got = student.function(ARCH, "masked_attention")(x, x, x, mask)
    np.testing.assert_allclose(got, attention_oracle(x, x, x, mask), rtol=1e-7, atol=1e-10)


@pytest.mark.points(1)
@pytest.mark.hint("a decoder layer uses causal_mask(n); an encoder layer uses no mask at all")
@pytest.mark.parametrize("causal", [True, False], ids=["decoder", "encoder"])
def test_self_attention(student, causal):
    rng = np.random.default_rng(54)
    x = rng.normal(size=(6, 4))
    w_q, w_k, w_v = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    mask = np.tril(np.ones((6, 6), dtype=bool)) if causal else np.ones((6, 6), dtype=bool)
    got = student.function(ARCH, "self_attention")(x, w_q, w_k, w_v, causal)
    np.testing.assert_allclose(got, attention_oracle(x @ w_q, x @ w_k, x @ w_v, mask),
                               rtol=1e-7, atol=1e-10)


@pytest.mark.points(1)
@pytest.mark.hint("compare the layer's output before and after replacing one row; list every row that moved")
@pytest.mark.parametrize("causal,position,want", [(True, 3, [3, 4, 5]), (False, 3, [0, 1, 2, 3, 4, 5]),
                                                  (True, 0, [0, 1, 2, 3, 4, 5])],
                         ids=["decoder", "encoder", "decoder-first-token"])
def test_changed_positions(student, causal, position, want):
    rng = np.random.default_rng(55)
    ws = rng.normal(size=(3, 4, 4))
    layer = student.worker_helper(f"{HELPERS}:attention_layer", *ws, causal)
    got = student.function(ARCH, "changed_positions")(layer, rng.normal(size=(6, 4)), position,
                                                      rng.normal(size=4))
    assert list(got) == want, "wrong set of changed positions"


@pytest.mark.points(1)
@pytest.mark.hint("a replacement equal to the old token changes nothing; a position outside [0, n) raises IndexError")
def test_changed_positions_edges(student):
    rng = np.random.default_rng(56)
    ws = rng.normal(size=(3, 4, 4))
    layer = student.worker_helper(f"{HELPERS}:attention_layer", *ws, False)
    x = rng.normal(size=(5, 4))
    f = student.function(ARCH, "changed_positions")
    assert list(f(layer, x, 2, x[2].copy())) == [], "nothing changed"
    for position in (5, -1):
        with pytest.raises(IndexError):
            f(layer, x, position, x[0])


@pytest.mark.points(1)
@pytest.mark.hint("encoders read text into vectors (retrieval, classification, NER, ...); decoders write text token by token")
def test_architecture_for_every_task(student):
    f = student.function(ARCH, "architecture_for")
    encoder = ["retrieval", "semantic_search", "classification", "sentiment_analysis", "ner", "clustering"]
    decoder = ["generation", "chat", "code_completion", "story_writing"]
    assert [f(t) for t in encoder] == ["encoder"] * 6, "some encoder task is misplaced"
    assert [f(t) for t in decoder] == ["decoder"] * 4, "some decoder task is misplaced"


@pytest.mark.points(1)
@pytest.mark.hint("an unknown task raises ValueError")
def test_architecture_for_unknown_task(student):
    with pytest.raises(ValueError):
        student.function(ARCH, "architecture_for")("translation-by-telepathy")
