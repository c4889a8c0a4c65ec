// GPT-2's byte-level BPE in the browser: the algorithm of Module 1, from GPT-2's own files.
//
//   text -> cut out "<|endoftext|>" -> GPT-2's regex -> UTF-8 bytes -> printable characters
//        -> merges by rank (earliest learned first) -> ids from encoder.json
//
// Used by the playground when no server is running (the course site, or the file opened
// directly). It gives exactly GPT-2's ids; tests/course/test_playground.py checks that.
"use strict";

const GPT2_PATTERN =
  /'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
const END_OF_TEXT = "<|endoftext|>";

// GPT-2's reversible map from bytes to printable characters (a space is stored as "Ġ").
function bytesToUnicode() {
  const printable = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const map = new Array(256);
  printable.forEach((b) => { map[b] = String.fromCodePoint(b); });
  let shift = 0;
  for (let b = 0; b < 256; b++) {
    if (map[b] === undefined) { map[b] = String.fromCodePoint(256 + shift); shift++; }
  }
  return map;
}

class GPT2Tokenizer {
  constructor(encoder, mergesText) {
    this.encoder = encoder;
    this.decoder = new Map(Object.entries(encoder).map(([token, id]) => [id, token]));
    this.byteToChar = bytesToUnicode();
    this.charToByte = new Map(this.byteToChar.map((c, b) => [c, b]));
    this.ranks = new Map();
    const lines = mergesText.split("\n").filter((l) => l && !l.startsWith("#version"));
    lines.forEach((line, rank) => this.ranks.set(line, rank));  // key: "a b"
    this.cache = new Map();
    this.utf8 = new TextEncoder();
  }

  // One pre-token (already mapped to printable characters) -> its BPE tokens.
  bpe(word) {
    const hit = this.cache.get(word);
    if (hit) return hit;
    let parts = Array.from(word);
    while (parts.length > 1) {
      let best = -1, bestRank = Infinity;
      for (let i = 0; i < parts.length - 1; i++) {
        const rank = this.ranks.get(parts[i] + " " + parts[i + 1]);
        if (rank !== undefined && rank < bestRank) { bestRank = rank; best = i; }
      }
      if (best < 0) break;
      const [a, b] = [parts[best], parts[best + 1]];
      const merged = [];
      for (let i = 0; i < parts.length; i++) {  // every occurrence, left to right
        if (i < parts.length - 1 && parts[i] === a && parts[i + 1] === b) {
          merged.push(a + b); i++;
        } else {
          merged.push(parts[i]);
        }
      }
      parts = merged;
    }
    if (this.cache.size > 50000) this.cache.clear();
    this.cache.set(word, parts);
    return parts;
  }

  encode(text) {
    const ids = [];
    const pieces = text.split(END_OF_TEXT);
    pieces.forEach((piece, k) => {
      if (k > 0) ids.push(this.encoder[END_OF_TEXT]);
      for (const match of piece.matchAll(GPT2_PATTERN)) {
        const chars = Array.from(this.utf8.encode(match[0]), (b) => this.byteToChar[b]).join("");
        for (const token of this.bpe(chars)) ids.push(this.encoder[token]);
      }
    });
    return ids;
  }

  tokenBytes(id) {
    const token = this.decoder.get(id);
    if (token === END_OF_TEXT) return this.utf8.encode(END_OF_TEXT);
    return Uint8Array.from(Array.from(token), (c) => this.charToByte.get(c));
  }

  decode(ids) {
    const bytes = ids.flatMap((id) => Array.from(this.tokenBytes(id)));
    return new TextDecoder("utf-8", { fatal: false }).decode(Uint8Array.from(bytes));
  }
}

if (typeof module !== "undefined") module.exports = { GPT2Tokenizer, bytesToUnicode };
