// The page's only script. Everything from the server or the user goes in with textContent.
"use strict";

const $ = (id) => document.getElementById(id);
const form = $("ask-form");
const input = $("question");
const button = $("ask-button");
const status = $("status");
let citations = [];
let answerId = null; // the shown answer's id, for POST /feedback
let shownCitation = null; // the [n] the reader opened last: what answered, for feedback
const history = []; // this page's earlier questions: follow-ups are read with them

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function setStatus(text, kind) {
  status.textContent = text;
  status.className = "status" + (kind ? " " + kind : "");
  status.setAttribute("role", kind === "error" ? "alert" : "status");
  status.hidden = !text;
}

function citeButton(n, label) {
  const b = el("button", label, "cite");
  b.type = "button";
  b.dataset.n = String(n);
  b.setAttribute("aria-label", "Show source " + n);
  b.addEventListener("click", () => showPassage(n));
  return b;
}

function showPassage(n) {
  const c = citations.find((x) => x.n === n);
  if (!c) return;
  $("passage-title").textContent = "[" + c.n + "] " + c.section;
  $("passage-meta").textContent = "Document: " + c.document + " · score " + c.score.toFixed(2);
  $("passage-text").textContent = c.text;
  shownCitation = n;
  const panel = $("passage");
  panel.hidden = false;
  document.querySelectorAll(".cite").forEach((b) => {
    b.setAttribute("aria-pressed", String(b.dataset.n === String(n)));
  });
  panel.focus({ preventScroll: true });
  panel.scrollIntoView({ block: "nearest" });
}

// The answer as text; each " [n]" marker that names a citation becomes a button.
function renderAnswer(text) {
  const answer = $("answer");
  answer.replaceChildren();
  const known = new Set(citations.map((c) => c.n));
  let last = 0;
  for (const m of text.matchAll(/\[(\d+)\]/g)) {
    const n = Number(m[1]);
    if (!known.has(n)) continue;
    answer.append(text.slice(last, m.index), citeButton(n, "[" + n + "]"));
    last = m.index + m[0].length;
  }
  answer.append(text.slice(last));
}

function render(question, body) {
  citations = body.citations || [];
  answerId = body.id || null;
  shownCitation = null;
  $("feedback").hidden = !answerId || body.abstained;
  $("feedback-status").textContent = "";
  document.querySelectorAll("#feedback button").forEach((b) => (b.disabled = false));
  $("asked").textContent = "You asked: " + question;
  const answer = $("answer");
  answer.className = "answer" + (body.abstained ? " abstained" : "");
  if (body.abstained) {
    answer.replaceChildren(el("strong", "No answer in the guide. "), body.answer);
  } else {
    renderAnswer(body.answer);
  }
  const list = $("citations");
  list.replaceChildren();
  for (const c of citations) {
    const li = el("li");
    li.append(citeButton(c.n, "[" + c.n + "] " + c.section));
    list.append(li);
  }
  $("sources").hidden = citations.length === 0;
  $("passage").hidden = true;
  $("result").hidden = false;
}

function showError(message) {
  setStatus(message, "error");
  $("result").hidden = true;
}

async function ask(question) {
  button.disabled = true;
  setStatus("Searching the guide…", "loading");
  try {
    const response = await fetch("/ask", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ question: question, top_k: 5, history: history.slice(-5) }),
    });
    const body = await response.json().catch(() => null);
    if (response.ok && body) {
      setStatus("");
      render(question, body);
      history.push(question);
    } else if (response.status < 500 && body && typeof body.message === "string") {
      showError(body.message);
    } else {
      showError("The server could not answer (HTTP " + response.status + "). Try again.");
    }
  } catch (err) {
    showError("Could not reach the server. Check that it is running and try again.");
  } finally {
    button.disabled = false;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  ask(input.value); // sent even when empty: the server says what is wrong
});

document.querySelectorAll(".example").forEach((b) => {
  b.addEventListener("click", () => {
    input.value = b.textContent;
    ask(input.value);
  });
});

async function sendFeedback(verdict) {
  if (!answerId) return;
  const buttons = document.querySelectorAll("#feedback button");
  buttons.forEach((b) => (b.disabled = true));
  const payload = { answer_id: answerId, verdict: verdict };
  if (shownCitation !== null) payload.citation = shownCitation;
  try {
    const response = await fetch("/feedback", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(payload),
    });
    const body = await response.json().catch(() => null);
    $("feedback-status").textContent = response.ok
      ? "Thanks, recorded."
      : (body && body.message) || "Could not record it (HTTP " + response.status + ").";
    if (!response.ok) buttons.forEach((b) => (b.disabled = false));
  } catch (err) {
    $("feedback-status").textContent = "Could not reach the server.";
    buttons.forEach((b) => (b.disabled = false));
  }
}

document.querySelectorAll("#feedback button").forEach((b) => {
  b.addEventListener("click", () => sendFeedback(b.dataset.verdict));
});
