"""Module 4's worker-side helpers: random generators, matrices updated in place, fixed layers.

Some Module 4 exercises take objects that cannot cross the sandbox boundary as plain data:

- ``sample_negatives(probs, num, rng)`` takes a ``numpy.random.Generator``:

      rng = student.worker_helper(f"{HELPERS}:generator", 7)
      student.function("m4_embedding_training.skipgram", "sample_negatives")(probs, 10, rng)

- ``sgns_step(W_in, W_out, ...)`` updates its matrices **in place**; arrays sent to the worker
  are copies, so a test would never see the update. ``EmbeddingPair`` keeps the matrices in
  the worker, calls the student's ``sgns_step`` on them and hands back copies afterwards:

      pair = student.worker_helper(f"{HELPERS}:EmbeddingPair", W_in, W_out)
      loss = pair.step(center, context, negatives, lr)
      W_in_after, W_out_after = pair.matrices()

- Reproducibility: ``call_after_scrambling`` runs a student function after seeding the global
  random generators with a value of the test's choosing (see its docstring).

- ``changed_positions(layer, x, ...)`` takes a callable layer: ``attention_layer`` builds one
  from fixed weights with the grader's own attention (never the student's).

Everything here is trusted code that runs inside the worker; verdicts are still decided by the
test in the trusted process, from the plain values these objects return.
"""

from __future__ import annotations

import importlib
import random
import sys

import numpy as np

SKIPGRAM = "m4_embedding_training.skipgram"


def generator(seed: int) -> np.random.Generator:
    """A fresh ``numpy.random.Generator`` (PCG64) seeded with ``seed``."""
    return np.random.default_rng(seed)


def call_after_scrambling(scramble: int, qualname: str, module: str, *args, **kwargs):
    """Seed the global ``random``, ``numpy.random`` and ``torch`` generators with ``scramble``,
    then call the student's ``module.qualname(*args, **kwargs)`` and return its result.

    The worker resets the global generators before every call, so a function that (against
    the rules) draws from them instead of its own seed or generator would look reproducible
    from call to call. Called twice with different ``scramble`` values, a correct function
    returns the same thing; one that uses global randomness does not."""
    if not module.startswith("m4_embedding_training."):
        raise ValueError("only Module 4's functions are called this way")
    random.seed(scramble)
    np.random.seed(scramble)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(scramble)
    target = importlib.import_module(module)
    for name in qualname.split("."):
        target = getattr(target, name)
    return target(*args, **kwargs)


class EmbeddingPair:
    """``W_in`` and ``W_out`` living in the worker, stepped by the student's ``sgns_step``."""

    def __init__(self, W_in: np.ndarray, W_out: np.ndarray):
        self.W_in = np.array(W_in, copy=True)
        self.W_out = np.array(W_out, copy=True)

    def step(self, center: int, context: int, negatives, lr: float):
        """One call of the student's ``sgns_step`` on the stored matrices; returns its result."""
        sgns_step = importlib.import_module(SKIPGRAM).sgns_step
        return sgns_step(self.W_in, self.W_out, center, context, np.asarray(negatives), lr)

    def matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """Copies of ``(W_in, W_out)`` as they are now."""
        return self.W_in.copy(), self.W_out.copy()


def attention_layer(w_q: np.ndarray, w_k: np.ndarray, w_v: np.ndarray, causal: bool):
    """A fixed single-head attention layer ``x [n, d] -> [n, d_v]`` (decoder when ``causal``).

    Computed here, with the grader's own code, so that a test of ``changed_positions`` does
    not depend on the student's attention being right."""
    w_q, w_k, w_v = (np.array(w, dtype=np.float64) for w in (w_q, w_k, w_v))

    def layer(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        n = x.shape[0]
        scores = (x @ w_q) @ (x @ w_k).T / np.sqrt(w_q.shape[1])
        if causal:
            scores = np.where(np.tril(np.ones((n, n), dtype=bool)), scores, -np.inf)
        weights = np.exp(scores - scores.max(axis=1, keepdims=True))
        weights /= weights.sum(axis=1, keepdims=True)
        return weights @ (x @ w_v)

    return layer
