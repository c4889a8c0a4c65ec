"""Oracles and data for the Module 4 hidden tests (trusted side only).

Expected values come from formulas written out here, independently of the reference
solution: the skip-gram pairs by definition, word2vec's sub-sampling formula, the SGNS loss
differentiated by torch autograd in float64, sentence-transformers' MultipleNegativesRanking
loss and CLIP's symmetric loss as their authors write them, and a plain attention.
"""

from __future__ import annotations

import functools
import importlib.util
import sys

import numpy as np

from autograder.checks import describe, expect_array, expect_float, expect_list, must_raise
from autograder.course import REPO_ROOT

MODULE = "m4_embedding_training"
SKIPGRAM = f"{MODULE}.skipgram"
CONTRASTIVE = f"{MODULE}.contrastive"
ARCH = f"{MODULE}.architectures"
HELPERS = "autograder.worker_helpers.m4_embedding_training"


@functools.cache
def course_corpus():
    """The course's corpus module (the trusted copy in solutions/), loaded by its path."""
    name = "m4_trusted_corpus"
    if name not in sys.modules:
        path = REPO_ROOT / "solutions" / MODULE / "corpus.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def pairs_oracle(ids, window: int) -> list[tuple[int, int]]:
    return [(ids[i], ids[j]) for i in range(len(ids)) for j in range(len(ids))
            if 0 < abs(i - j) <= window]


def keep_oracle(counts, t: float) -> np.ndarray:
    counts = np.asarray(counts, dtype=np.float64)
    out = np.ones_like(counts)
    for i, c in enumerate(counts):
        if c > 0:
            f = c / counts.sum()
            out[i] = min(1.0, (np.sqrt(f / t) + 1) * t / f)
    return out


def sgns_autograd(v, u, U):
    """(loss, grad_v, grad_u, grad_U) by torch autograd in float64 on the SGNS formula."""
    import torch
    import torch.nn.functional as F

    v, u, U = (torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in (v, u, U))
    loss = -F.logsigmoid(u @ v) - F.logsigmoid(-(U @ v)).sum()
    loss.backward()
    return float(loss), v.grad.numpy(), u.grad.numpy(), U.grad.numpy()


def mnrl_loss(anchors, positives, scale: float):
    """sentence-transformers' MultipleNegativesRankingLoss: cos_sim * scale, labels arange."""
    import torch

    a = anchors / anchors.norm(dim=1, keepdim=True).clamp(min=1e-12)
    p = positives / positives.norm(dim=1, keepdim=True).clamp(min=1e-12)
    scores = a @ p.T * scale
    return torch.nn.CrossEntropyLoss()(scores, torch.arange(len(scores)))


def clip_reference(image, text, logit_scale: float):
    """CLIP's loss as in the paper's pseudo-code and open_clip's ClipLoss."""
    import torch
    import torch.nn.functional as F

    image = F.normalize(image, dim=-1)
    text = F.normalize(text, dim=-1)
    logits_per_image = logit_scale * image @ text.T
    logits_per_text = logits_per_image.T
    labels = torch.arange(image.shape[0])
    return (F.cross_entropy(logits_per_image, labels) + F.cross_entropy(logits_per_text, labels)) / 2


def triplet_reference(a, p, n, margin: float):
    import torch

    return torch.clamp(((a - p) ** 2).sum(1).sqrt() - ((a - n) ** 2).sum(1).sqrt() + margin,
                       min=0).mean()


def grads_of(fn, *tensors, **kwargs):
    """(value, [grads]) of fn(*tensors) by autograd, on float64 copies."""
    import torch

    leaves = [torch.tensor(np.asarray(t), dtype=torch.float64, requires_grad=True) for t in tensors]
    value = fn(*leaves, **kwargs)
    value.backward()
    return float(value.detach()), [leaf.grad.numpy() for leaf in leaves]


def attention_oracle(q, k, v, mask):
    """Attention with masked keys removed from the softmax; rows with no key give zeros."""
    q, k, v = (np.asarray(a, dtype=np.float64) for a in (q, k, v))
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    allowed = np.broadcast_to(np.asarray(mask, dtype=bool), scores.shape)
    out_shape = scores.shape[:-1] + (v.shape[-1],)
    v_b = np.broadcast_to(v, scores.shape[:-2] + v.shape[-2:])
    flat_scores = scores.reshape(-1, scores.shape[-2], scores.shape[-1])
    flat_allowed = allowed.reshape(flat_scores.shape)
    flat_v = v_b.reshape(-1, *v.shape[-2:])
    out = np.zeros((flat_scores.shape[0], flat_scores.shape[1], v.shape[-1]))
    for b in range(flat_scores.shape[0]):
        for i in range(flat_scores.shape[1]):
            keys = np.flatnonzero(flat_allowed[b, i])
            if keys.size:
                s = flat_scores[b, i, keys]
                w = np.exp(s - s.max())
                out[b, i] = (w / w.sum()) @ flat_v[b, keys]
    return out.reshape(out_shape)


def recall_oracle(queries, keys) -> float:
    """Recall@1 by cosine; scores within 1e-9 are tied and a tie goes to the lower index."""
    q = np.asarray(queries, dtype=np.float64)
    k = np.asarray(keys, dtype=np.float64)
    q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-300)
    k = k / np.maximum(np.linalg.norm(k, axis=1, keepdims=True), 1e-300)
    scores = q @ k.T
    best = np.argmax(scores >= scores.max(axis=1, keepdims=True) - 1e-9, axis=1)
    return float(np.mean(best == np.arange(len(q))))


# ---------------------------------------------------------------- checking what came back
# Everything below takes values that crossed from the student's worker, including values the
# grader's own helpers computed there (gradients, matrices): the student's code ran in that
# process and could have changed them. Kind and shape are checked before any comparison.


def expect_numbers(value, what: str, *, shape=None, dtype_kind="fiu", finite: bool = True) -> np.ndarray:
    """A numeric array of the given shape; a torch tensor counts as its numpy array."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    return expect_array(value, what, shape=shape, dtype_kind=dtype_kind, finite=finite)


def assert_close(got: np.ndarray, want, message: str, *, rtol: float = 1e-7,
                 atol: float = 0.0) -> None:
    """`got` (already checked for kind and shape) equals `want` within tolerances; otherwise
    the message says how many values differ and where the first one is."""
    want = np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        raise AssertionError(f"{message}: got shape {got.shape}, expected {want.shape}")
    close = np.isclose(got, want, rtol=rtol, atol=atol)
    if not close.all():
        where = tuple(int(i) for i in np.argwhere(~close)[0])
        raise AssertionError(f"{message}: {int((~close).sum())} of {close.size} values differ, "
                             f"the first at index {where if len(where) != 1 else where[0]} "
                             f"(yours: {float(got[where]):.6g})")



def expect_loss(value, what: str) -> float:
    """The number inside a loss tensor, which must hold exactly one finite number."""
    torch = sys.modules.get("torch")
    if torch is None or not isinstance(value, torch.Tensor):
        raise AssertionError(f"{what} returned {describe(value)}; expected a torch tensor "
                             "holding the loss")
    if value.numel() != 1:
        raise AssertionError(f"{what} returned a tensor of shape {tuple(value.shape)}; "
                             "expected a single number (a 0-d tensor)")
    return expect_float(value.detach().double().reshape(()).item(), f"{what}'s value")


def expect_sgns_outputs(value, what: str, d: int, k: int) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """(loss, grad_v, grad_u, grad_U) of sgns_loss_and_grads, each of the right kind and shape."""
    loss, gv, go, gn = expect_list(value, what, length=4)
    return (expect_float(loss, f"the loss of {what}"),
            expect_numbers(gv, f"the gradient for v_center of {what}", shape=(d,), dtype_kind="f"),
            expect_numbers(go, f"the gradient for u_context of {what}", shape=(d,), dtype_kind="f"),
            expect_numbers(gn, f"the gradient for u_negatives of {what}", shape=(k, d), dtype_kind="f"))


def expect_value_and_grad(student, module: str, name: str, tensors, wrt, what: str, **kwargs):
    """The student's loss and the gradients autograd gives in the worker, checked for kind and
    shape, and cross-checked on this side: along two random directions, the change of loss
    values requested separately (central finite differences) must match the gradients.

    The gradients are computed in the student's process; without the cross-check a submission
    could report any gradient it likes, or none (an empty list compares vacuously)."""
    import torch

    reply = expect_list(student.value_and_grad(module, name, *tensors, wrt=wrt, **kwargs),
                        f"{what} under autograd", length=2)
    value = expect_loss(reply[0], what)
    grads = expect_list(reply[1], f"the gradients of {what}", length=len(wrt))
    grads = [expect_numbers(g, f"the gradient of {what} for argument {i + 1}",
                      shape=tuple(tensors[i].shape), dtype_kind="f")
             for g, i in zip(grads, wrt, strict=True)]
    function = student.function(module, name)
    generator = torch.Generator().manual_seed(0)
    # A step large enough for a loss computed in float32 and small enough for the curvature
    # of these losses; a forged or missing gradient is off by far more than the tolerance.
    h = 1e-3
    for _ in range(2):
        directions = [torch.randn(tensors[i].shape, generator=generator, dtype=torch.float64)
                      for i in wrt]
        values = []
        for sign in (1.0, -1.0):
            moved = list(tensors)
            for i, direction in zip(wrt, directions):
                moved[i] = tensors[i] + sign * h * direction
            values.append(expect_loss(function(*moved, **kwargs), what))
        slope = (values[0] - values[1]) / (2 * h)
        predicted = sum(float((g * dr.numpy()).sum()) for g, dr in zip(grads, directions))
        assert abs(slope - predicted) <= 1e-3 * (1.0 + abs(slope)), (
            f"the gradients of {what} do not match how its value changes (finite differences "
            f"give a slope of {slope:.6g} along a random direction, the gradients {predicted:.6g}): "
            "is part of the computation outside autograd?")
    return value, grads
