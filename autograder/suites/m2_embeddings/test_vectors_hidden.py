"""Hidden tests of vectors.py: the embedding matrix as a lookup table, cosine, top-k, analogies."""

import numpy as np
import pytest
from m2_helpers import VECTORS

# ----------------------------------------------------------------------------- one-hot, lookup


@pytest.mark.points(1)
@pytest.mark.hint("the output shape is ids.shape + (vocab_size,), dtype float64")
def test_one_hot_keeps_the_shape_of_the_ids(student):
    got = student.function(VECTORS, "one_hot")(np.array([[1, 2], [0, 0]]), 4)
    assert isinstance(got, np.ndarray) and got.shape == (2, 2, 4), "wrong shape for 2-D ids"
    assert got.dtype == np.float64, "one_hot must return float64"
    np.testing.assert_array_equal(got.argmax(-1), [[1, 2], [0, 0]], err_msg="a 1.0 is in the wrong place")
    assert got.sum() == 4.0, "each vector holds exactly one 1.0"


@pytest.mark.points(1)
@pytest.mark.parametrize("bad_id", [-1, 5])
@pytest.mark.hint("an id below 0 or at or above vocab_size is not a token: raise IndexError")
def test_one_hot_rejects_ids_out_of_range(student, bad_id):
    with pytest.raises(IndexError):
        student.function(VECTORS, "one_hot")([0, bad_id], 5)


@pytest.mark.points(1)
@pytest.mark.hint("allocate only ids.shape + (V,); np.eye(V) would build a V x V matrix first")
def test_one_hot_with_gpt2_vocabulary(student):
    got = student.function(VECTORS, "one_hot")([5, 50_256, 7], 50_257)
    assert got.shape == (3, 50_257), "wrong shape"
    assert got[1, 50_256] == 1.0 and got.sum() == 3.0, "wrong entries for a large vocabulary"


@pytest.mark.points(2)
@pytest.mark.hint("E[ids] for ids of any shape; keep E's dtype")
def test_lookup_matches_one_hot_product_on_random_data(student):
    rng = np.random.default_rng(20)
    E = rng.normal(size=(50, 8)).astype(np.float32)
    ids = rng.integers(0, 50, size=(3, 4))
    got = student.function(VECTORS, "embedding_lookup")(E, ids)
    assert isinstance(got, np.ndarray) and got.shape == (3, 4, 8), "shape must be ids.shape + (d,)"
    assert got.dtype == np.float32, "the lookup must keep E's dtype"
    np.testing.assert_allclose(got, np.eye(50)[ids] @ E, rtol=1e-6, err_msg="rows differ from one_hot @ E")


@pytest.mark.points(2)
@pytest.mark.hint("numpy reads E[-1] as the last row; check ids >= 0 yourself and raise IndexError")
def test_lookup_refuses_negative_ids(student):
    E = np.arange(12.0).reshape(4, 3)
    with pytest.raises(IndexError):
        student.function(VECTORS, "embedding_lookup")(E, [1, -1])


@pytest.mark.points(1)
@pytest.mark.hint("an id equal to V is out of range: IndexError; an E that is not 2-D: ValueError")
def test_lookup_refuses_id_equal_to_vocab_size_and_bad_matrix(student):
    lookup = student.function(VECTORS, "embedding_lookup")
    with pytest.raises(IndexError):
        lookup(np.zeros((4, 3)), [4])
    with pytest.raises(ValueError):
        lookup(np.zeros(12), [1])


@pytest.mark.points(2)
@pytest.mark.hint("a repeated id adds its gradients: dE[ids] += g keeps only one; use np.add.at")
def test_backward_accumulates_repeated_ids(student):
    got = student.function(VECTORS, "embedding_backward")([1, 1, 3], [[1.0, 0.0], [2.0, 5.0], [1.0, 1.0]], 4)
    np.testing.assert_allclose(got, [[0, 0], [3, 5], [0, 0], [1, 1]], err_msg="repeated ids must add up")


@pytest.mark.points(1)
@pytest.mark.hint("dE = one_hot(ids, V).T @ grad_output, for ids of any shape")
def test_backward_matches_one_hot_transpose_on_random_data(student):
    rng = np.random.default_rng(21)
    ids = rng.integers(0, 6, size=(4, 5))
    grad = rng.normal(size=(4, 5, 3))
    got = student.function(VECTORS, "embedding_backward")(ids, grad, 6)
    assert isinstance(got, np.ndarray) and got.shape == (6, 3), "the gradient has the shape of E"
    want = np.eye(6)[ids].reshape(-1, 6).T @ grad.reshape(-1, 3)
    np.testing.assert_allclose(got, want, atol=1e-6, err_msg="gradient differs from one_hot.T @ grad")


@pytest.mark.points(1)
@pytest.mark.parametrize("model", ["bert-base-uncased", "gpt2", "Meta-Llama-3-8B"])
@pytest.mark.hint("parameters = vocab_size * dim; bytes = parameters * bytes_per_param, in Python ints")
def test_table_size_of_real_vocabularies(student, model):
    sizes = student.module(VECTORS).REAL_VOCABULARIES.fetch()
    vocab_size, dim = {"bert-base-uncased": (30_522, 768), "gpt2": (50_257, 768),
                       "Meta-Llama-3-8B": (128_256, 4_096)}[model]
    assert tuple(sizes[model]) == (vocab_size, dim), "REAL_VOCABULARIES was changed"
    parameters, size = student.function(VECTORS, "embedding_table_size")(vocab_size, dim)
    assert parameters == vocab_size * dim, f"parameter count of the {model} table is wrong"
    assert size == 4 * vocab_size * dim, f"float32 size of the {model} table is wrong"


@pytest.mark.points(1)
@pytest.mark.hint("bytes = ceil(parameters * bytes_per_param); sizes that are not positive ints raise ValueError")
def test_table_size_other_precisions_and_bad_sizes(student):
    size = student.function(VECTORS, "embedding_table_size")
    assert tuple(size(50_257, 768, 2)) == (38_597_376, 77_194_752), "float16 size is wrong"
    assert tuple(size(3, 3, 0.5)) == (9, 5), "4-bit size must round up to whole bytes"
    with pytest.raises(ValueError):
        size(0, 768)


# ----------------------------------------------------------------------------- cosine


@pytest.mark.points(2)
@pytest.mark.hint("guard the division: a zero vector has similarity 0.0 with everything")
def test_cosine_zero_vectors_give_zero_not_nan(student):
    cosine = student.function(VECTORS, "cosine_similarity")
    assert cosine(np.zeros(3), np.array([1.0, 2.0, 3.0])) == 0.0, "zero vector: expected 0.0"
    got = cosine(np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]), np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 0.0]]))
    assert not np.isnan(got).any(), "a zero vector gave NaN"
    np.testing.assert_allclose(got, [[0.0, 0.0], [0.0, 2**-0.5]], err_msg="wrong similarities around zero vectors")


SHAPES = {"d,d": ((5,), (5,)), "n,d x m,d": ((4, 5), (3, 5)), "d x m,d": ((5,), (3, 5)), "n,d x d": ((4, 5), (5,))}


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(SHAPES))
@pytest.mark.hint("[n, d] with [m, d] gives [n, m]; a 1-D side drops its axis; two 1-D vectors give a float")
def test_cosine_shapes_match_the_definition(student, case):
    rng = np.random.default_rng(len(case))
    a, b = (rng.normal(size=shape) for shape in SHAPES[case])
    got = student.function(VECTORS, "cosine_similarity")(a, b)
    unit = lambda x: x / np.linalg.norm(x, axis=-1, keepdims=True)  # noqa: E731
    want = unit(a) @ unit(b).T
    if want.ndim == 0:
        assert isinstance(got, float), "two 1-D vectors give a Python float"
    else:
        assert isinstance(got, np.ndarray) and got.shape == want.shape, f"wrong output shape for {case}"
    np.testing.assert_allclose(got, want, atol=1e-6, err_msg=f"wrong similarities for {case}")


@pytest.mark.points(1)
@pytest.mark.hint("rounding can give 1.0000000000000002: clip the result to [-1, 1]")
def test_cosine_is_clipped(student):
    rng = np.random.default_rng(22)
    x = rng.normal(size=(200, 7)) * rng.uniform(0.1, 10, size=(200, 1))
    got = student.function(VECTORS, "cosine_similarity")(x, np.concatenate([x, -x]))
    assert np.abs(got).max() <= 1.0, "a similarity lies outside [-1, 1]"
    np.testing.assert_allclose(np.diag(got[:, :200]), 1.0, atol=1e-6, err_msg="a vector is not similar to itself")


@pytest.mark.points(1)
@pytest.mark.hint("cosine ignores length: scale vectors before squaring so 1e200 or 1e-200 do not overflow")
def test_cosine_ignores_extreme_lengths(student):
    cosine = student.function(VECTORS, "cosine_similarity")
    assert cosine([1e200, 1e200], [1e200, 0.0]) == pytest.approx(2**-0.5), "huge vectors"
    assert cosine([1e-200, 0.0], [1e-200, 1e-200]) == pytest.approx(2**-0.5), "tiny vectors"


# ----------------------------------------------------------------------------- top-k


@pytest.mark.points(2)
@pytest.mark.hint("equal scores: the lower index first (a stable sort of -scores, not argsort()[::-1])")
def test_top_k_breaks_ties_by_lower_index(student):
    matrix = np.array([[0.0, 1.0], [2.0, 0.0], [1.0, 0.0], [3.0, 0.0], [1.0, 1.0]])
    indices, scores = student.function(VECTORS, "top_k")(np.array([1.0, 0.0]), matrix, 3)
    np.testing.assert_array_equal(indices, [1, 2, 3], err_msg="ties are not broken by the lower index")
    np.testing.assert_allclose(scores, [1.0, 1.0, 1.0])


@pytest.mark.points(1)
@pytest.mark.hint("k larger than the number of rows returns every row, best first")
def test_top_k_with_k_larger_than_n(student):
    indices, scores = student.function(VECTORS, "top_k")(np.array([1.0, 0.0]), np.array([[0.0, 1.0], [1.0, 0.2]]), 10)
    np.testing.assert_array_equal(indices, [1, 0], err_msg="k > n must return all rows")
    assert len(scores) == 2, "one score per returned row"


@pytest.mark.points(1)
@pytest.mark.hint("rank every row by cosine similarity (not the dot product) and keep the best k")
def test_top_k_on_random_data(student, solution):
    rng = np.random.default_rng(23)
    matrix = rng.normal(size=(40, 6)) * rng.uniform(0.1, 5, size=(40, 1))
    query = rng.normal(size=6)
    indices, scores = student.function(VECTORS, "top_k")(query, matrix, 7)
    want_indices, want_scores = solution.function(VECTORS, "top_k")(query, matrix, 7)
    np.testing.assert_array_equal(indices, want_indices, err_msg="wrong rows")
    np.testing.assert_allclose(scores, want_scores, atol=1e-6, err_msg="wrong scores")


# ----------------------------------------------------------------------------- analogies

# Three directions: royalty, gender (+ male, - female), fruit.
ANALOGY_VOCAB = ["man", "woman", "king", "queen", "prince", "girl", "apple"]
ANALOGY_E = np.array([
    [0.0, 1.0, 0.0],    # man
    [0.0, -1.0, 0.0],   # woman
    [1.0, 1.0, 0.0],    # king
    [1.0, -1.0, 0.0],   # queen
    [0.9, 0.8, 0.1],    # prince
    [0.1, -1.0, 0.1],   # girl
    [0.0, 0.0, 1.0],    # apple
])


@pytest.mark.points(2)
@pytest.mark.hint("exclude a, b and c from the answers: the nearest word to b - a + c is often b itself")
def test_analogy_never_returns_an_input_word(student):
    got = student.function(VECTORS, "analogy")(ANALOGY_E, ANALOGY_VOCAB, "man", "king", "woman", k=3)
    assert not {"man", "king", "woman"} & set(got), "an input word was returned"
    assert got == ["queen", "girl", "apple"], "wrong ranking of the remaining words"


@pytest.mark.points(1)
@pytest.mark.hint("unit-normalize every vector before forming b - a + c and before ranking")
def test_analogy_uses_unit_vectors(student, solution):
    E = ANALOGY_E * np.array([[1.0], [4.0], [1.0], [1.0], [1.0], [1.0], [1.0]])  # a long "woman"
    got = student.function(VECTORS, "analogy")(E, ANALOGY_VOCAB, "man", "king", "woman", k=2)
    assert got == solution.function(VECTORS, "analogy")(E, ANALOGY_VOCAB, "man", "king", "woman", k=2), (
        "vector lengths changed the answer: normalize first")


@pytest.mark.points(1)
@pytest.mark.hint("a word missing from the vocabulary raises KeyError; equal scores keep the lower index first")
def test_analogy_unknown_word_and_ties(student):
    analogy = student.function(VECTORS, "analogy")
    with pytest.raises(KeyError):
        analogy(ANALOGY_E, ANALOGY_VOCAB, "man", "king", "duchess")
    E = np.vstack([ANALOGY_E, ANALOGY_E[3]])  # "queen" and a second word with the same vector
    assert analogy(E, ANALOGY_VOCAB + ["reine"], "man", "king", "woman", k=2) == ["queen", "reine"], (
        "equal scores must keep the lower index first")

