"""Hidden tests of vectors.py: the embedding matrix as a lookup table, cosine, top-k, analogies."""

import numpy as np
import pytest
from m2_helpers import VECTORS

from autograder.checks import expect_array, expect_float, expect_int, expect_list, expect_tuple


def top_k_result(result, what, k):
    """top_k's (indices, scores), each checked to be a 1-D array of k entries."""
    indices, scores = expect_tuple(result, what, length=2)
    indices = expect_array(indices, f"{what}'s indices", shape=(k,), dtype_kind="iu")
    scores = expect_array(scores, f"{what}'s scores", shape=(k,), dtype_kind="f", finite=True)
    return indices, scores

# ----------------------------------------------------------------------------- one-hot, lookup


@pytest.mark.points(1)
@pytest.mark.hint("One vector per id, whatever the shape of the ids: the ids' shape gains one axis of length vocab_size.")
def test_one_hot_keeps_the_shape_of_the_ids(student):
    got = expect_array(student.function(VECTORS, "one_hot")(np.array([[1, 2], [0, 0]]), 4),
                       "one_hot(ids of shape (2, 2), 4)", shape=(2, 2, 4))
    assert got.dtype == np.float64, f"one_hot returned {got.dtype} values; expected float64"
    np.testing.assert_array_equal(got.argmax(-1), [[1, 2], [0, 0]], err_msg="a 1.0 is in the wrong place")
    assert got.sum() == 4.0, "each vector holds exactly one 1.0"


@pytest.mark.points(1)
@pytest.mark.parametrize("bad_id", [-1, 5])
@pytest.mark.hint("An id below 0 or at or above vocab_size is not a token (IndexError).")
def test_one_hot_rejects_ids_out_of_range(student, bad_id):
    with pytest.raises(IndexError):
        student.function(VECTORS, "one_hot")([0, bad_id], 5)


@pytest.mark.points(1)
@pytest.mark.hint("Memory: only the output needs to exist, never a table of vocab_size x vocab_size (np.eye(V) builds one).")
@pytest.mark.deeper_hint("Make the output array in its final shape, all zeros, and set one entry per id; selecting rows of a square table first costs vocab_size x vocab_size numbers.")
def test_one_hot_with_gpt2_vocabulary(student):
    got = expect_array(student.function(VECTORS, "one_hot")([5, 50_256, 7], 50_257),
                       "one_hot([5, 50256, 7], 50257)", shape=(3, 50_257))
    assert got[1, 50_256] == 1.0 and got.sum() == 3.0, "wrong entries for a large vocabulary"


@pytest.mark.points(2)
@pytest.mark.hint("A lookup is the one-hot product without the product: one row of E per id, for ids of any shape, in E's dtype.")
def test_lookup_matches_one_hot_product_on_random_data(student):
    rng = np.random.default_rng(20)
    E = rng.normal(size=(50, 8)).astype(np.float32)
    ids = rng.integers(0, 50, size=(3, 4))
    got = expect_array(student.function(VECTORS, "embedding_lookup")(E, ids),
                       "embedding_lookup(E of shape (50, 8), ids of shape (3, 4))", shape=(3, 4, 8))
    assert got.dtype == np.float32, f"the lookup returned {got.dtype} for a float32 E; expected float32"
    np.testing.assert_allclose(got, np.eye(50)[ids] @ E, rtol=1e-6, err_msg="rows differ from one_hot @ E")


@pytest.mark.points(2)
@pytest.mark.hint("A negative id is not a token, even though numpy indexing would quietly read one from the end (IndexError).")
def test_lookup_refuses_negative_ids(student):
    E = np.arange(12.0).reshape(4, 3)
    with pytest.raises(IndexError):
        student.function(VECTORS, "embedding_lookup")(E, [1, -1])


@pytest.mark.points(1)
@pytest.mark.hint("Ids run from 0 to V - 1 (IndexError otherwise); an embedding matrix has two dimensions (ValueError otherwise).")
def test_lookup_refuses_id_equal_to_vocab_size_and_bad_matrix(student):
    lookup = student.function(VECTORS, "embedding_lookup")
    with pytest.raises(IndexError):
        lookup(np.zeros((4, 3)), [4])
    with pytest.raises(ValueError):
        lookup(np.zeros(12), [1])


@pytest.mark.points(2)
@pytest.mark.hint("A row used several times receives the sum of all its gradients.")
@pytest.mark.deeper_hint("Adding into rows chosen by an array of ids in one vectorised step applies one of the additions when an id repeats; accumulate every occurrence.")
def test_backward_accumulates_repeated_ids(student):
    got = expect_array(student.function(VECTORS, "embedding_backward")([1, 1, 3], [[1.0, 0.0], [2.0, 5.0], [1.0, 1.0]], 4),
                       "embedding_backward([1, 1, 3], grads, 4)", shape=(4, 2), dtype_kind="f", finite=True)
    assert np.allclose(got[1], [3, 5]), f"row 1 (id 1, used twice) is {got[1].tolist()}; the two gradients add up to [3, 5]"
    np.testing.assert_allclose(got, [[0, 0], [3, 5], [0, 0], [1, 1]], err_msg="wrong gradient rows")


@pytest.mark.points(1)
@pytest.mark.hint("The gradient has the shape of E; it is the one-hot product's gradient, for ids of any shape.")
def test_backward_matches_one_hot_transpose_on_random_data(student):
    rng = np.random.default_rng(21)
    ids = rng.integers(0, 6, size=(4, 5))
    grad = rng.normal(size=(4, 5, 3))
    backward = student.function(VECTORS, "embedding_backward")
    got = expect_array(backward(ids, grad, 6), "embedding_backward(ids of shape (4, 5), grads, 6)", shape=(6, 3), dtype_kind="f", finite=True)
    want = np.eye(6)[ids].reshape(-1, 6).T @ grad.reshape(-1, 3)
    if not np.allclose(got, want, atol=1e-6):
        flat = expect_array(backward(ids.reshape(-1), grad.reshape(-1, 3), 6), "embedding_backward(the 20 ids in one dimension, grads, 6)",
                            shape=(6, 3), dtype_kind="f", finite=True)
        assert not np.allclose(flat, want, atol=1e-6), \
            "the gradient is right for the 20 ids in one dimension but wrong for the same ids of shape (4, 5)"
    np.testing.assert_allclose(got, want, atol=1e-6, err_msg="gradient differs from one_hot.T @ grad")


@pytest.mark.points(1)
@pytest.mark.parametrize("model", ["bert-base-uncased", "gpt2", "Meta-Llama-3-8B"])
@pytest.mark.hint("One number per token and dimension; the size in bytes follows from the bytes per number, as whole ints.")
def test_table_size_of_real_vocabularies(student, model):
    vocab_size, dim = {"bert-base-uncased": (30_522, 768), "gpt2": (50_257, 768),
                       "Meta-Llama-3-8B": (128_256, 4_096)}[model]
    what = f"embedding_table_size({vocab_size}, {dim})"
    parameters, size = expect_tuple(student.function(VECTORS, "embedding_table_size")(vocab_size, dim), what, length=2)
    parameters = expect_int(parameters, f"{what}'s parameters")
    size = expect_int(size, f"{what}'s bytes")
    assert parameters == vocab_size * dim, f"{what} counted {parameters} parameters; expected {vocab_size * dim}"
    assert size == 4 * vocab_size * dim, f"{what} gave {size} bytes in float32; expected {4 * vocab_size * dim}"


@pytest.mark.points(1)
@pytest.mark.hint("A table takes whole bytes, so a fractional size is rounded up; sizes that are not positive ints are errors (ValueError).")
def test_table_size_other_precisions_and_bad_sizes(student):
    size = student.function(VECTORS, "embedding_table_size")
    for args, want in (((50_257, 768, 2), (38_597_376, 77_194_752)), ((3, 3, 0.5), (9, 5))):
        got = expect_tuple(size(*args), f"embedding_table_size{args}", of=int, length=2)
        assert got[0] != want[0] or got[1] == want[1], \
            f"embedding_table_size{args} gave {got[1]} bytes for {got[0]} parameters of {args[2]} bytes each; expected {want[1]}"
        assert got == want, f"embedding_table_size{args} = {got}; expected {want}"
    with pytest.raises(ValueError):
        size(0, 768)


# ----------------------------------------------------------------------------- cosine


@pytest.mark.points(2)
@pytest.mark.hint("A zero vector has no direction: its similarity with anything is defined as 0.0, never NaN.")
def test_cosine_zero_vectors_give_zero_not_nan(student):
    cosine = student.function(VECTORS, "cosine_similarity")
    single = expect_float(cosine(np.zeros(3), np.array([1.0, 2.0, 3.0])), "cosine_similarity(zeros(3), [1, 2, 3])", finite=False)
    assert single == 0.0, f"cosine_similarity of a zero vector gave {single}; expected 0.0"
    got = expect_array(cosine(np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]), np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 0.0]])),
                       "cosine_similarity(2 x 3 with a zero row, 2 x 3 with a zero row)", shape=(2, 2), dtype_kind="f")
    assert not np.isnan(got).any(), "a zero vector gave NaN"
    np.testing.assert_allclose(got, [[0.0, 0.0], [0.0, 2**-0.5]], err_msg="wrong similarities around zero vectors")


SHAPES = {"d,d": ((5,), (5,)), "n,d x m,d": ((4, 5), (3, 5)), "d x m,d": ((5,), (3, 5)), "n,d x d": ((4, 5), (5,))}


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(SHAPES))
@pytest.mark.hint("The output has one axis per side that has several vectors; a single vector on a side adds no axis.")
def test_cosine_shapes_match_the_definition(student, case):
    rng = np.random.default_rng(len(case))
    a, b = (rng.normal(size=shape) for shape in SHAPES[case])
    got = student.function(VECTORS, "cosine_similarity")(a, b)
    unit = lambda x: x / np.linalg.norm(x, axis=-1, keepdims=True)  # noqa: E731
    want = unit(a) @ unit(b).T
    what = f"cosine_similarity({case})"
    if want.ndim == 0:
        got = expect_float(got, what)
    else:
        got = expect_array(got, what, shape=want.shape, dtype_kind="f", finite=True)
    np.testing.assert_allclose(got, want, atol=1e-6, err_msg=f"wrong similarities for {case}")


@pytest.mark.points(1)
@pytest.mark.hint("A cosine lies in [-1, 1]; floating-point rounding can step just outside.")
def test_cosine_is_clipped(student):
    rng = np.random.default_rng(22)
    x = rng.normal(size=(200, 7)) * rng.uniform(0.1, 10, size=(200, 1))
    got = expect_array(student.function(VECTORS, "cosine_similarity")(x, np.concatenate([x, -x])),
                       "cosine_similarity(x of 200 rows, 400 rows)", shape=(200, 400), dtype_kind="f", finite=True)
    assert np.abs(got).max() <= 1.0, "a similarity lies outside [-1, 1]"
    np.testing.assert_allclose(np.diag(got[:, :200]), 1.0, atol=1e-6, err_msg="a vector is not similar to itself")


@pytest.mark.points(1)
@pytest.mark.hint("A cosine does not depend on length, but squaring a very long or very short vector overflows or underflows.")
@pytest.mark.deeper_hint("Squaring 1e200 overflows to infinity and squaring 1e-200 underflows to zero; scale a vector down (or up) before measuring its length, or use a norm that does so.")
def test_cosine_ignores_extreme_lengths(student):
    cosine = student.function(VECTORS, "cosine_similarity")
    for a, b, name in (([1e200, 1e200], [1e200, 0.0], "huge"), ([1e-200, 0.0], [1e-200, 1e-200], "tiny")):
        got = expect_float(cosine(a, b), f"cosine_similarity({a}, {b})", finite=False)
        assert got == pytest.approx(2**-0.5), f"cosine of two {name} vectors at 45 degrees gave {got}; expected {2**-0.5:.6f}"


# ----------------------------------------------------------------------------- top-k


@pytest.mark.points(2)
@pytest.mark.hint("Equal scores keep the lower index first; reversing an ascending order reverses the ties too.")
@pytest.mark.deeper_hint("Reversing an ascending sort also reverses the order of equal scores, and among equal scores the lower index must come first.")
def test_top_k_breaks_ties_by_lower_index(student):
    matrix = np.array([[0.0, 1.0], [2.0, 0.0], [1.0, 0.0], [3.0, 0.0], [1.0, 1.0]])
    indices, scores = top_k_result(student.function(VECTORS, "top_k")(np.array([1.0, 0.0]), matrix, 3), "top_k(q, M, 3)", 3)
    np.testing.assert_array_equal(indices, [1, 2, 3], err_msg="ties are not broken by the lower index")
    np.testing.assert_allclose(scores, [1.0, 1.0, 1.0])


@pytest.mark.points(1)
@pytest.mark.hint("Asking for more rows than there are returns every row, best first.")
def test_top_k_with_k_larger_than_n(student):
    indices, scores = top_k_result(student.function(VECTORS, "top_k")(np.array([1.0, 0.0]), np.array([[0.0, 1.0], [1.0, 0.2]]), 10),
                                   "top_k(q, 2 rows, 10)", 2)
    np.testing.assert_array_equal(indices, [1, 0], err_msg="k > n must return all rows, best first")


@pytest.mark.points(1)
@pytest.mark.hint("Rows are ranked by direction (cosine), not by the dot product, which favours long rows.")
def test_top_k_on_random_data(student, solution):
    rng = np.random.default_rng(23)
    matrix = rng.normal(size=(40, 6)) * rng.uniform(0.1, 5, size=(40, 1))
    query = rng.normal(size=6)
    indices, scores = top_k_result(student.function(VECTORS, "top_k")(query, matrix, 7), "top_k(q, 40 rows, 7)", 7)
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
@pytest.mark.hint("The nearest word to the target vector is often one of the three words of the question, which are not answers.")
def test_analogy_never_returns_an_input_word(student):
    got = expect_list(student.function(VECTORS, "analogy")(ANALOGY_E, ANALOGY_VOCAB, "man", "king", "woman", k=3),
                      "analogy(E, vocab, 'man', 'king', 'woman', k=3)", of=str, length=3)
    assert not {"man", "king", "woman"} & set(got), f"analogy returned {got}, which holds a word of the question"
    assert got[0] == "queen", f"analogy returned {got}; 'queen' is the nearest word that is not in the question"


@pytest.mark.points(1)
@pytest.mark.hint("Analogies are about directions: the length of a word's vector must not change the answer.")
@pytest.mark.deeper_hint("Build the target from the directions of the three words: scale each of their vectors to length 1 before adding and subtracting.")
def test_analogy_uses_unit_vectors(student, solution):
    E = ANALOGY_E * np.array([[1.0], [4.0], [1.0], [1.0], [1.0], [1.0], [1.0]])  # a long "woman"
    got = expect_list(student.function(VECTORS, "analogy")(E, ANALOGY_VOCAB, "man", "king", "woman", k=2),
                      "analogy(E with a long 'woman', ..., k=2)", of=str, length=2)
    assert got == solution.function(VECTORS, "analogy")(E, ANALOGY_VOCAB, "man", "king", "woman", k=2), (
        f"with a longer 'woman' vector analogy returned {got}: the length changed the answer")


@pytest.mark.points(1)
@pytest.mark.hint("A word missing from the vocabulary is an error (KeyError); equal scores keep the lower index first.")
def test_analogy_unknown_word_and_ties(student):
    analogy = student.function(VECTORS, "analogy")
    with pytest.raises(KeyError):
        analogy(ANALOGY_E, ANALOGY_VOCAB, "man", "king", "duchess")
    E = np.vstack([ANALOGY_E, ANALOGY_E[3]])  # "queen" and a second word with the same vector
    got = expect_list(analogy(E, ANALOGY_VOCAB + ["reine"], "man", "king", "woman", k=2),
                      "analogy(E with 'queen' twice, ..., k=2)", of=str, length=2)
    assert got == ["queen", "reine"], f"two words with the same vector came out as {got}; equal scores keep the lower index first"

