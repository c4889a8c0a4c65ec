"""Public tests of architectures.py: masks, masked attention, encoder versus decoder."""

import numpy as np
import pytest

ARCH = "m4_embedding_training.architectures"
HELPERS = "autograder.worker_helpers.m4_embedding_training"


@pytest.mark.points(1)
@pytest.mark.hint("row i may see columns j <= i")
def test_causal_mask_of_three(student):
    got = student.function(ARCH, "causal_mask")(3)
    assert np.asarray(got).tolist() == [[True, False, False], [True, True, False], [True, True, True]]


@pytest.mark.points(1)
@pytest.mark.hint("True at positions < length")
def test_padding_mask_example(student):
    got = student.function(ARCH, "padding_mask")([2, 3], 4)
    assert np.asarray(got).tolist() == [[True, True, False, False], [True, True, True, False]]


@pytest.mark.points(1)
@pytest.mark.hint("under a causal mask the first query sees only the first key: its output is v[0]")
def test_masked_attention_first_row_is_first_value(student):
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(3, 4, 4))
    mask = np.tril(np.ones((4, 4), dtype=bool))
    out = student.function(ARCH, "masked_attention")(q, k, v, mask)
    np.testing.assert_allclose(out[0], v[0])


@pytest.mark.points(1)
@pytest.mark.hint("causal=True: causal_mask(n); causal=False: everything may attend to everything")
def test_self_attention_decoder_ignores_the_future(student):
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(4, 3)), rng.normal(size=(3, 3))
    f = student.function(ARCH, "self_attention")
    changed = x.copy()
    changed[3] += 1.0
    np.testing.assert_allclose(f(x, w, w, w, True)[:3], f(changed, w, w, w, True)[:3])
    assert not np.allclose(f(x, w, w, w, False)[0], f(changed, w, w, w, False)[0])


@pytest.mark.points(1)
@pytest.mark.hint("run the layer before and after replacing x[position]; report the rows that differ")
def test_changed_positions_decoder(student):
    rng = np.random.default_rng(2)
    ws = rng.normal(size=(3, 3, 3))
    layer = student.worker_helper(f"{HELPERS}:attention_layer", *ws, True)
    got = student.function(ARCH, "changed_positions")(layer, rng.normal(size=(5, 3)), 2,
                                                      rng.normal(size=3))
    assert got == [2, 3, 4]


@pytest.mark.points(1)
@pytest.mark.hint("encoders turn text into vectors; decoders write text")
def test_architecture_for_two_tasks(student):
    f = student.function(ARCH, "architecture_for")
    assert (f("retrieval"), f("chat")) == ("encoder", "decoder")
