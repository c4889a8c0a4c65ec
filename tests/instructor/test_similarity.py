"""The similarity report: copies survive renaming and reformatting, the template and
independent work do not count."""

from __future__ import annotations

import textwrap
from pathlib import Path

from autograder.instructor.similarity import code_print, compare, template_grams, tokens, units

TEMPLATE = '''
"""Byte-pair encoding, step by step."""


def read_corpus(path):
    """A helper every student received, used as it is."""
    with open(path, encoding="utf-8") as handle:
        lines = [line.rstrip("\\n") for line in handle if line.strip()]
    return [line.encode("utf-8") for line in lines if not line.startswith("#")]


def count_pairs(ids):
    """Counts of adjacent pairs."""
    raise NotImplementedError("count every adjacent pair")


def merge_pair(ids, pair, new_id):
    """Replace each occurrence of `pair`, left to right, by `new_id`."""
    raise NotImplementedError("scan left to right")
'''

ORIGINAL = TEMPLATE.replace('    raise NotImplementedError("count every adjacent pair")', '''
    counts = {}
    for left, right in zip(ids, ids[1:]):
        counts[(left, right)] = counts.get((left, right), 0) + 1
    return counts''').replace('    raise NotImplementedError("scan left to right")', '''
    out = []
    i = 0
    while i < len(ids):
        if i + 1 < len(ids) and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out''')

# The same code with every name changed, comments added and the layout redone.
DISGUISED = TEMPLATE.replace('    raise NotImplementedError("count every adjacent pair")', '''
    # my own pair counter
    tally = {}
    for a, b in zip(ids, ids[1:]):   # neighbours
        tally[(a, b)] = tally.get((a, b),
                                  0) + 1
    return tally''').replace('    raise NotImplementedError("scan left to right")', '''
    """Merges."""
    result = []
    position = 0
    while position < len(ids):
        # a match?
        if (position + 1 < len(ids) and ids[position] == pair[0]
                and ids[position + 1] == pair[1]):
            result.append(new_id); position += 2
        else:
            result.append(ids[position]); position += 1
    return result''')

INDEPENDENT = TEMPLATE.replace('    raise NotImplementedError("count every adjacent pair")', '''
    from collections import Counter
    return dict(Counter(tuple(ids[k:k + 2]) for k in range(len(ids) - 1)))''').replace(
    '    raise NotImplementedError("scan left to right")', '''
    if len(ids) < 2:
        return list(ids)
    if (ids[0], ids[1]) == tuple(pair):
        return [new_id] + merge_pair(ids[2:], pair, new_id)
    return [ids[0]] + merge_pair(ids[1:], pair, new_id)''')

ANOTHER = TEMPLATE.replace('    raise NotImplementedError("count every adjacent pair")', '''
    result = {}
    previous = None
    for index, token in enumerate(ids):
        if index > 0:
            key = (previous, token)
            if key not in result:
                result[key] = 0
            result[key] += 1
        previous = token
    return result''').replace('    raise NotImplementedError("scan left to right")', '''
    merged, skip = [], False
    for index, token in enumerate(ids):
        if skip:
            skip = False
            continue
        nxt = ids[index + 1] if index + 1 < len(ids) else None
        if token == pair[0] and nxt == pair[1]:
            merged.append(new_id)
            skip = True
        else:
            merged.append(token)
    return merged''')

# Wrote count_pairs alone, copied merge_pair from ORIGINAL.
PARTIAL = ANOTHER[:ANOTHER.index("def merge_pair")] + ORIGINAL[ORIGINAL.index("def merge_pair"):]


def submission(root: Path, source: str) -> Path:
    module = root / "exercises" / "m1_tokenization"
    module.mkdir(parents=True)
    (module / "bpe.py").write_text(textwrap.dedent(source))
    (module / "tests").mkdir()
    (module / "tests" / "test_bpe.py").write_text(ORIGINAL)   # tests never count
    return root


def flagged(tmp_path, sources: dict[str, str], **options):
    prints = [code_print(name, submission(tmp_path / name, source))
              for name, source in sources.items()]
    template = template_grams(submission(tmp_path / "template", TEMPLATE))
    pairs, scores = compare(prints, template, **options)
    return {(p.a, p.b): p for p in pairs}, scores


def test_renaming_and_reformatting_do_not_hide_a_copy():
    assert tokens("total = count + 1  # sum") == ["V", "=", "V", "+", "N"]
    one = units("def f(x):\n    '''doc'''\n    y = (x + 1); return len('a')\n")
    two = units("def f(z):\n    # note\n    w = z + 1\n    return len(\n        \"b\")\n")
    assert tokens(one["f"]) == tokens(two["f"]) == [
        "def", "V", "(", "V", ")", ":", "V", "=", "V", "+", "N", "return", "len", "(", "S", ")"]


def test_copies_are_flagged_and_independent_work_is_not(tmp_path):
    pairs, scores = flagged(tmp_path, {"ana": ORIGINAL, "ben": DISGUISED, "cho": INDEPENDENT,
                                       "dan": ANOTHER, "eli": PARTIAL, "fay": TEMPLATE})
    assert set(pairs) == {("ana", "ben"), ("ana", "eli"), ("ben", "eli"), ("dan", "eli")}
    assert pairs[("ana", "ben")].score > 0.8
    partial = pairs[("ana", "eli")]
    assert partial.score < 0.8   # only one function was copied …
    assert partial.functions[0] == ("m1_tokenization/bpe.py:merge_pair", 1.0)   # … this one
    assert pairs[("dan", "eli")].functions[0][0].endswith(":count_pairs")
    assert len(scores) < 15      # fay shares nothing beyond the template


def test_the_template_never_counts(tmp_path):
    pairs, scores = flagged(tmp_path, {"one": TEMPLATE, "two": TEMPLATE, "three": INDEPENDENT})
    assert pairs == {} and scores == []
