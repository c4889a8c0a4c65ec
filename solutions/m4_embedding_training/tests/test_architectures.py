"""Public tests of architectures.py: masks, masked attention, encoder versus decoder."""

import numpy as np
import pytest

from autograder.checks import expect_array, expect_list, expect_str

ARCH = "m4_embedding_training.architectures"
HELPERS = "autograder.worker_helpers.m4_embedding_training"


@pytest.mark.points(1)
@pytest.mark.hint("rows are the positions that look, columns the positions looked at; a "
                  "position sees itself and the past")
def test_causal_mask_of_three(student):
    got = expect_array(student.function(ARCH, "causal_mask")(3), "causal_mask(3)",
                       shape=(3, 3), dtype_kind="b")
    assert got.tolist() == [[True, False, False], [True, True, False], [True, True, True]]


@pytest.mark.points(1)
@pytest.mark.hint("a padding mask is True at the real tokens of each sequence; an impossible "
                  "length raises ValueError")
def test_padding_mask_example(student):
    padding_mask = student.function(ARCH, "padding_mask")
    got = expect_array(padding_mask([2, 3], 4), "padding_mask([2, 3], 4)", shape=(2, 4),
                       dtype_kind="b")
    assert got.tolist() == [[True, True, False, False], [True, True, True, False]]
    with pytest.raises(ValueError):
        padding_mask([5], 4)


@pytest.mark.points(1)
@pytest.mark.hint("under a causal mask the first query sees only the first key; a query that "
                  "may see nothing gives zeros, not NaN")
def test_masked_attention_first_row_is_first_value(student):
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(3, 4, 4))
    mask = np.tril(np.ones((4, 4), dtype=bool))
    attention = student.function(ARCH, "masked_attention")
    out = expect_array(attention(q, k, v, mask), "masked_attention(q, k, v, causal mask)",
                       shape=(4, 4), dtype_kind="f", finite=True)
    np.testing.assert_allclose(out[0], v[0])
    mask[2] = False
    out = expect_array(attention(q, k, v, mask), "masked_attention(q, k, v, row 2 all masked)",
                       shape=(4, 4), dtype_kind="f", finite=True)
    assert np.all(out[2] == 0.0), "a query with nothing to attend to must give a zero row"


@pytest.mark.points(1)
@pytest.mark.hint("a decoder layer sees only the past; an encoder layer sees everything")
def test_self_attention_decoder_ignores_the_future(student):
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(4, 3)), rng.normal(size=(3, 3))
    f = student.function(ARCH, "self_attention")
    changed = x.copy()
    changed[3] += 1.0
    outputs = {(name, causal): expect_array(f(data, w, w, w, causal),
                                            f"self_attention({name} x, causal={causal})",
                                            shape=(4, 3), dtype_kind="f", finite=True)
               for name, data in (("original", x), ("changed", changed)) for causal in (True, False)}
    np.testing.assert_allclose(outputs["original", True][:3], outputs["changed", True][:3],
                               err_msg="the decoder's first rows moved when the last token changed")
    assert not np.allclose(outputs["original", False][0], outputs["changed", False][0]), \
        "the encoder's first row did not move when the last token changed"


@pytest.mark.points(1)
@pytest.mark.hint("compare the layer's outputs before and after the replacement; a position "
                  "outside the sequence raises IndexError")
def test_changed_positions_decoder(student):
    rng = np.random.default_rng(2)
    ws = rng.normal(size=(3, 3, 3))
    layer = student.worker_helper(f"{HELPERS}:attention_layer", *ws, True)
    changed_positions = student.function(ARCH, "changed_positions")
    x = rng.normal(size=(5, 3))
    got = expect_list(changed_positions(layer, x, 2, rng.normal(size=3)),
                      "changed_positions(decoder layer, x [5, 3], 2, ...)", of=int)
    assert got == [2, 3, 4]
    with pytest.raises(IndexError):
        changed_positions(layer, x, 5, x[0])


@pytest.mark.points(1)
@pytest.mark.hint("encoders turn text into vectors; decoders write text; an unknown task "
                  "raises ValueError")
def test_architecture_for_two_tasks(student):
    f = student.function(ARCH, "architecture_for")
    assert expect_str(f("retrieval"), "architecture_for('retrieval')") == "encoder"
    assert expect_str(f("chat"), "architecture_for('chat')") == "decoder"
    with pytest.raises(ValueError):
        f("translation-by-telepathy")
