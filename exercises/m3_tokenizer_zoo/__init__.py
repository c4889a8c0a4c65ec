"""Module 3: the tokenizer zoo (real tokenizers, special tokens, token tax, byte-level models)."""
