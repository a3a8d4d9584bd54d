// The page's only script. Everything from the server or the user goes in with textContent.
"use strict";

const MAX_HISTORY = 20; // earlier questions POST /ask reads (retriever/limits.py)

const $ = (id) => document.getElementById(id);
const form = $("ask-form");
const input = $("question");
const button = $("ask-button");
const status = $("status");
const thread = $("thread");
const announcer = $("announcer");
const composer = document.querySelector(".composer");
const asked = []; // this conversation's questions, oldest first: the next one's history
let pending = null; // the /ask in flight, aborted by "New conversation"
let conversation = 0; // bumped by "New conversation", so a late answer cannot join the new one

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

function showConversation() {
  const n = asked.length;
  $("conversation").hidden = n === 0;
  $("conversation-bar").hidden = n === 0;
  $("examples").hidden = n > 0; // examples start a conversation; in one, follow-ups do
  document.documentElement.classList.toggle("conversing", n > 0);
  keepClearOfComposer();
  $("conversation-count").textContent =
    n === 1 ? "1 question so far" : n + " questions so far";
}

// In a conversation the composer sticks to the bottom of the screen: whatever is scrolled or
// tabbed into view (a passage, a button) stops above it rather than behind it.
function keepClearOfComposer() {
  const conversing = document.documentElement.classList.contains("conversing");
  document.documentElement.style.scrollPaddingBottom = conversing ? composer.offsetHeight + "px" : "";
}
new ResizeObserver(keepClearOfComposer).observe(composer);

// One answered question: its text, what it was read with, its own sources, passage and feedback.
function renderTurn(number, question, body) {
  const citations = body.citations || [];
  const answerId = body.id || null;
  let opened = null; // the [n] the reader opened last in THIS answer: it goes with the verdict

  const turn = el("li", undefined, "turn");
  if (answerId) turn.dataset.answerId = answerId;
  const heading = el("h2", "You asked: " + question, "asked");
  heading.id = "asked-" + number;
  turn.setAttribute("aria-labelledby", heading.id);

  const passage = el("article", undefined, "passage");
  passage.tabIndex = -1;
  passage.hidden = true;
  const passageTitle = el("h4", "", "passage-title");
  const passageMeta = el("p", "", "meta passage-meta");
  const passageText = el("p", "", "passage-text");
  passage.append(passageTitle, passageMeta, passageText);

  function showPassage(n) {
    const c = citations.find((x) => x.n === n);
    if (!c) return;
    passageTitle.textContent = "[" + c.n + "] " + c.section;
    passageMeta.textContent = "Document: " + c.document + " · score " + c.score.toFixed(2);
    passageText.textContent = c.text;
    opened = n;
    passage.hidden = false;
    turn.querySelectorAll(".cite").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.dataset.n === String(n)));
    });
    passage.focus({ preventScroll: true });
    passage.scrollIntoView({ block: "nearest" });
  }

  function citeButton(n, label, name) {
    const b = el("button", label, "cite");
    b.type = "button";
    b.dataset.n = String(n);
    if (name) b.setAttribute("aria-label", name);
    b.addEventListener("click", () => showPassage(n));
    return b;
  }

  // The answer as text; each "[n]" marker that names a citation becomes a button.
  const kind = body.social ? " social" : body.abstained ? " abstained" : "";
  const answer = el("p", undefined, "answer" + kind);
  if (body.social) {
    // "hi" or "thanks!": the assistant's reply, not a question the guide failed to answer.
    answer.append(body.answer);
  } else if (body.abstained) {
    answer.append(el("strong", "No answer in the guide. "), body.answer);
  } else {
    const known = new Set(citations.map((c) => c.n));
    let last = 0;
    for (const m of body.answer.matchAll(/\[(\d+)\]/g)) {
      const n = Number(m[1]);
      if (!known.has(n)) continue;
      answer.append(body.answer.slice(last, m.index), citeButton(n, "[" + n + "]", "Show source " + n));
      last = m.index + m[0].length;
    }
    answer.append(body.answer.slice(last));
  }
  turn.append(heading, answer);

  const readWith = body.read_with || [];
  if (readWith.length > 0) turn.append(el("p", "read with: " + readWith.join(" · "), "meta read-with"));

  const feedback = el("div", undefined, "feedback");
  feedback.setAttribute("role", "group");
  feedback.setAttribute("aria-label", "Was answer " + number + " helpful?");
  feedback.hidden = !answerId || body.abstained;
  const said = el("span", "", "meta feedback-status");
  said.setAttribute("role", "status");
  const verdicts = [
    ["Helpful", "helpful"],
    ["Not helpful", "not_helpful"],
  ].map(([label, verdict]) => {
    const b = el("button", label);
    b.type = "button";
    b.dataset.verdict = verdict;
    return b;
  });
  async function sendFeedback(verdict) {
    verdicts.forEach((b) => (b.disabled = true));
    const payload = { answer_id: answerId, verdict: verdict };
    if (opened !== null) payload.citation = opened;
    try {
      const response = await fetch("/feedback", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(payload),
      });
      const reply = await response.json().catch(() => null);
      said.textContent = response.ok
        ? "Thanks, recorded."
        : (reply && reply.message) || "Could not record it (HTTP " + response.status + ").";
      if (!response.ok) verdicts.forEach((b) => (b.disabled = false));
    } catch (err) {
      said.textContent = "Could not reach the server.";
      verdicts.forEach((b) => (b.disabled = false));
    }
  }
  verdicts.forEach((b) => b.addEventListener("click", () => sendFeedback(b.dataset.verdict)));
  feedback.append(el("span", "Was this helpful?"), ...verdicts, said);
  turn.append(feedback);

  if (citations.length > 0) {
    const sources = el("div", undefined, "sources");
    const title = el("h3", "Sources ");
    title.append(el("span", "(select a number to read the passage)", "hint"));
    const list = el("ol", undefined, "citations");
    for (const c of citations) {
      const li = el("li");
      li.append(citeButton(c.n, "[" + c.n + "] " + c.section));
      list.append(li);
    }
    sources.append(title, list, passage);
    turn.append(sources);
  }
  return turn;
}

function announce(number, body) {
  const readWith = body.read_with || [];
  announcer.textContent =
    "Answer " + number + ": " +
    (body.abstained && !body.social ? "No answer in the guide. " : "") + body.answer +
    (readWith.length > 0 ? " Read with: " + readWith.join("; ") + "." : "");
}

async function ask(question) {
  if (pending) return;
  const mine = conversation;
  const controller = new AbortController();
  pending = controller;
  button.disabled = true;
  setStatus("Searching the guide…", "loading");
  const request = { question: question, top_k: 5 };
  if (asked.length > 0) request.history = asked.slice(-MAX_HISTORY);
  try {
    const response = await fetch("/ask", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(request),
      signal: controller.signal,
    });
    const body = await response.json().catch(() => null);
    if (mine !== conversation) return;
    if (response.ok && body) {
      setStatus("");
      asked.push(question);
      const turn = renderTurn(asked.length, question, body);
      thread.append(turn);
      showConversation();
      announce(asked.length, body);
      input.value = "";
      input.focus({ preventScroll: true }); // the next question, wherever the click came from
      turn.scrollIntoView({ block: "start" });
    } else if (response.status < 500 && body && typeof body.message === "string") {
      setStatus(body.message, "error");
    } else {
      setStatus("The server could not answer (HTTP " + response.status + "). Try again.", "error");
    }
  } catch (err) {
    if (mine === conversation) {
      setStatus("Could not reach the server. Check that it is running and try again.", "error");
    }
  } finally {
    if (pending === controller) pending = null;
    button.disabled = pending !== null;
  }
}

function newConversation() {
  conversation += 1;
  if (pending) pending.abort();
  pending = null;
  button.disabled = false;
  asked.length = 0;
  thread.replaceChildren();
  setStatus("");
  showConversation();
  announcer.textContent = "New conversation: earlier questions cleared.";
  input.focus();
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

$("new-conversation").addEventListener("click", newConversation);
