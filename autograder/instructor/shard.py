"""`--shard K/N`: a deterministic share of the class, so N machines split the grading.

A student belongs to shard `1 + sha256(key) mod N`. The share depends on the student alone —
not on the order of the roster, on who else is in it, or on what a machine has collected — so
every machine of a GitHub Actions matrix or a cluster job array agrees on it, and a student
added to the roster later does not move anyone else.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Shard:
    index: int  # 1 … count
    count: int

    @classmethod
    def parse(cls, text: str | None) -> "Shard":
        if text is None:
            return cls(1, 1)
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
        if not match or not 1 <= int(match[1]) <= int(match[2]):
            raise ValueError(f"--shard takes K/N with 1 ≤ K ≤ N (for example 2/4), not {text!r}")
        return cls(int(match[1]), int(match[2]))

    def __contains__(self, key: str) -> bool:
        if self.count == 1:
            return True
        digest = hashlib.sha256(key.encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % self.count + 1 == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"
