// The playground page: text in, one column per tokenizer out, updated as you type.
//
// With the `autograder playground` server it asks /api/tokenize for every tokenizer the
// server has (Module 3's seven: BERT, GPT-2, GPT-4, Llama 3, GPT-4o, Mistral 7B, ByT5; and
// your BPE when given a submission). Without a server (the course site, or this file opened
// from disk) it runs GPT-2 and ByT5 in the browser.
"use strict";

const COLOURS = ["#8ecae6", "#ffb703", "#90be6d", "#f4a3a8", "#cdb4db", "#f9c74f", "#a8dadc", "#e9c46a"];
const DATA = window.PLAYGROUND_DATA || { texts: {}, gpt2: null };

const state = { mode: "loading", tokenizers: [], browser: null, seq: 0, timer: null };
const $ = (id) => document.getElementById(id);

function visible(token) {
  return token.replace(/ /g, "\u2423").replace(/\n/g, "\u21b5").replace(/\t/g, "\u2192");
}

function row(name, text, ids, tokens, referenceCount) {
  const count = ids.length;
  return {
    name, ids, tokens, count,
    chars_per_token: count ? Array.from(text).length / count : null,
    reference_count: referenceCount,
    tax: referenceCount ? count / referenceCount : null,
  };
}

// ByT5 needs no vocabulary: id = UTF-8 byte + 3 (0, 1, 2 are <pad>, </s>, <unk>). A byte
// that is not a character on its own shows as the replacement character, as in Python.
const UTF8 = new TextEncoder();
function byt5Ids(text) { return Array.from(UTF8.encode(text), (b) => b + 3); }
function byt5Piece(id) { return id - 3 < 0x80 ? String.fromCharCode(id - 3) : "\ufffd"; }

function browserTokenize(text, reference) {
  const tok = state.browser;
  const ids = tok.encode(text);
  const tokens = ids.map((id) => tok.decode([id]));
  const bytes = byt5Ids(text);
  return [
    row("gpt2-browser", text, ids, tokens, reference ? tok.encode(reference).length : 0),
    row("byt5-browser", text, bytes, bytes.map(byt5Piece), reference ? byt5Ids(reference).length : 0),
  ];
}

async function serverTokenize(text, reference) {
  const response = await fetch("api/tokenize", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ text, reference }),
  });
  const payload = await response.json();
  if (!response.ok) throw new Error(payload.error || response.statusText);
  return payload.results;
}

function label(name) {
  const found = state.tokenizers.find((t) => t.name === name);
  return found ? found.label : name;
}

function render(results, text) {
  const section = $("results");
  section.replaceChildren();
  for (const result of results) {
    const column = document.createElement("article");
    column.className = "tokenizer";
    column.dataset.name = result.name;
    const title = document.createElement("h2");
    title.textContent = label(result.name);
    column.append(title);
    if (result.error) {
      const error = document.createElement("p");
      error.className = "error";
      error.textContent = result.error;
      column.append(error);
      section.append(column);
      continue;
    }
    const stats = document.createElement("p");
    stats.className = "stats";
    const tax = result.tax == null ? "–" : result.tax.toFixed(2) + "×";
    const cpt = result.chars_per_token == null ? "–" : result.chars_per_token.toFixed(2);
    stats.innerHTML =
      `<span class="count"></span> tokens · <span class="cpt"></span> chars/token · ` +
      `token tax <span class="tax"></span>`;
    stats.querySelector(".count").textContent = result.count;
    stats.querySelector(".cpt").textContent = cpt;
    stats.querySelector(".tax").textContent = tax;
    stats.querySelector(".tax").title =
      `${result.count} tokens here, ${result.reference_count} for the English reference`;
    column.append(stats);
    const tokens = document.createElement("div");
    tokens.className = "tokens";
    result.tokens.forEach((token, i) => {
      const span = document.createElement("span");
      span.className = "tok";
      span.textContent = visible(token);
      span.dataset.id = result.ids[i];
      span.title = `id ${result.ids[i]}`;
      span.style.background = COLOURS[i % COLOURS.length];
      tokens.append(span);
    });
    column.append(tokens);
    section.append(column);
  }
  section.dataset.text = text;
  section.dataset.reference = $("reference").value;
}

async function update() {
  const text = $("text").value;
  const reference = $("reference").value;
  const seq = ++state.seq;
  try {
    const results = state.mode === "server"
      ? await serverTokenize(text, reference)
      : browserTokenize(text, reference);
    if (seq === state.seq) render(results, text);  // drop answers to older keystrokes
  } catch (error) {
    if (seq === state.seq) setMode("error", `Could not tokenize: ${error.message}`);
  }
}

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(update, 120);
}

function setMode(mode, message) {
  state.mode = mode === "error" ? state.mode : mode;
  $("mode").dataset.mode = mode;
  $("mode").textContent = message;
}

function languageButtons() {
  const box = $("languages");
  for (const [code, entry] of Object.entries(DATA.texts || {})) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = entry.name;
    button.dataset.lang = code;
    button.addEventListener("click", () => { $("text").value = entry.text; update(); });
    box.append(button);
  }
  if (DATA.texts && DATA.texts.en) $("reference").value = DATA.texts.en.text;
}

async function start() {
  languageButtons();
  try {
    const response = await fetch("api/tokenizers");
    if (!response.ok) throw new Error(response.statusText);
    state.tokenizers = (await response.json()).tokenizers;
    setMode("server", `Live: ${state.tokenizers.length} tokenizers from the playground server.`);
  } catch (_) {
    if (!DATA.gpt2) {
      setMode("error", "No server and no GPT-2 data: run `autograder playground`.");
      return;
    }
    state.browser = new GPT2Tokenizer(DATA.gpt2.encoder, DATA.gpt2.merges);
    state.tokenizers = [{ name: "gpt2-browser", label: "GPT-2 byte-level BPE (in your browser)" },
                        { name: "byt5-browser", label: "ByT5: one id per UTF-8 byte (in your browser)" }];
    setMode("browser", "In your browser: GPT-2 and ByT5. Run `autograder playground` " +
      "for all seven of Module 3 (BERT, GPT-4, Llama 3, GPT-4o, Mistral) and your own BPE.");
  }
  $("text").addEventListener("input", schedule);
  $("reference").addEventListener("input", schedule);
  update();
}

start();
