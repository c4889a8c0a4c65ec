"""Module 1 — Tokenization: Byte-Pair Encoding from scratch.

    bpe.py        the algorithm: pair counts, merges, pre-tokens, training
    tokenizer.py  a GPT-2 compatible tokenizer built on the learned merges
    analysis.py   what the vocabulary size, subwords and a mismatched tokenizer do to a model
"""
