// The code editor: a textarea over a highlighted copy of its text, with
// line numbers, Lua highlighting, and the problems `jobbox check` finds
// marked at their line. Saving goes to the API, which refuses code with
// problems; the page shows them and keeps the text.
"use strict";

const LUA_KEYWORDS = new Set(("and break do else elseif end false for function goto if in local nil not " +
  "or repeat return then true until while").split(" "));

// highlight turns Lua source into escaped HTML with spans for keywords,
// strings, numbers and comments. A single pass over tokens: long strings
// and comments ([[ ]], --[==[ ]==]) included.
function highlight(src) {
  const esc = (s) => s.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" }[c]));
  const re = /(--\[(=*)\[[\s\S]*?\]\2\]|--[^\n]*)|(\[(=*)\[[\s\S]*?\]\4\]|"(?:\\[\s\S]|[^"\\\n])*"?|'(?:\\[\s\S]|[^'\\\n])*'?)|(\b(?:0[xX][0-9a-fA-F]+|\d+\.?\d*(?:[eE][+-]?\d+)?)\b)|([A-Za-z_]\w*)/g;
  let out = "", last = 0, m;
  while ((m = re.exec(src))) {
    out += esc(src.slice(last, m.index));
    const cls = m[1] ? "com" : m[3] ? "str" : m[5] ? "num" : LUA_KEYWORDS.has(m[6]) ? "kw" : "";
    out += cls ? `<span class="${cls}">${esc(m[0])}</span>` : esc(m[0]);
    last = re.lastIndex;
  }
  return out + esc(src.slice(last)) + "\n";
}

window.initEditor = async function () {
  const root = document.getElementById("editor");
  if (!root) return;
  const area = root.querySelector("textarea"), code = root.querySelector("code"), gutter = root.querySelector(".gutter");
  const status = document.getElementById("editor-status"), problems = document.getElementById("problems");
  const path = "/v1/jobs/" + encodeURIComponent(root.dataset.job) + "/code";
  let etag = null, bad = new Set();
  area.readOnly = root.dataset.readonly === "true";

  const paint = () => {
    code.innerHTML = highlight(area.value);
    const lines = area.value.split("\n").length;
    gutter.innerHTML = Array.from({ length: lines }, (_, i) =>
      bad.has(i + 1) ? `<span class="bad" title="a problem on this line">${i + 1}</span>` : String(i + 1)).join("\n");
    area.style.height = code.parentElement.scrollHeight + "px";
  };
  const show = (list) => {
    bad = new Set(list.map((p) => p.line));
    problems.innerHTML = "";
    for (const p of list) {
      const li = document.createElement("li");
      li.textContent = `line ${p.line}, column ${p.column}: ${p.message}`;
      problems.append(li);
    }
    paint();
  };
  area.addEventListener("input", paint);
  // Tab indents; Esc then Tab leaves the editor, so a keyboard user is
  // never trapped in it.
  let leaving = false;
  area.addEventListener("focus", () => { leaving = false; });
  area.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") { leaving = true; return; }
    if (ev.key !== "Tab") { leaving = false; return; }
    if (!ev.shiftKey && !area.readOnly && !leaving) {
      ev.preventDefault();
      area.setRangeText("  ", area.selectionStart, area.selectionEnd, "end");
      paint();
    }
  });

  try {
    const res = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" } });
    const data = await res.json();
    if (!res.ok) throw new Error(data.error);
    area.value = data.code;
    etag = res.headers.get("ETag");
  } catch (e) {
    status.textContent = "Could not load the code: " + e.message;
  }
  paint();

  document.getElementById("save-code")?.addEventListener("click", async () => {
    status.textContent = "Saving…";
    const res = await fetch(path, {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", ...(etag ? { "If-Match": etag } : {}) },
      body: JSON.stringify({ code: area.value }),
    });
    const data = await res.json().catch(() => ({}));
    if (res.ok) {
      etag = res.headers.get("ETag");
      show([]);
      status.textContent = "Saved. The next run uses this code.";
      return;
    }
    show(data.problems || []);
    status.textContent = "Not saved: " + (data.error || res.statusText);
  });

  document.getElementById("try-run")?.addEventListener("click", async () => {
    const section = document.getElementById("try-result");
    section.hidden = false;
    document.getElementById("try-outcome").textContent = "Running…";
    const res = await fetch(path.replace(/\/code$/, "/try"), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ code: area.value }),
    });
    const data = await res.json().catch(() => ({}));
    document.getElementById("try-outcome").textContent = res.ok
      ? `${data.status}${data.error ? ": " + data.error : ""} in ${data.duration_ms} ms` : "Refused: " + (data.error || res.statusText);
    document.getElementById("try-logs").textContent = (data.logs || []).join("\n");
  });
};
