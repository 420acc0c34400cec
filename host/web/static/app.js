// jobbox dashboard script. The pages are rendered on the server; this adds
// what a page cannot do alone: send actions to the admin API (/v1), follow
// its event stream, and the code editor. No framework, no build step.
"use strict";

const api = async (method, path, body, headers = {}) => {
  const init = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin" };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const res = await fetch(path, init);
  let data = null;
  try { data = await res.json(); } catch { /* an empty answer */ }
  if (!res.ok) {
    const err = new Error((data && data.error) || res.status + " " + res.statusText);
    err.status = res.status;
    err.data = data;
    throw err;
  }
  return { data, etag: res.headers.get("ETag") };
};

const $ = (sel, root = document) => root.querySelector(sel);
const say = (el, text) => { if (el) el.textContent = text; };
const jobPath = (name) => "/v1/jobs/" + encodeURIComponent(name);

// Header: reload and log out.
function initHeader() {
  $("#reload")?.addEventListener("click", async () => {
    say($("#service-status"), "Reloading");
    $("#service-status").className = "pill reloading";
    try { await api("POST", "/v1/reload"); } catch (e) { alert("Reload failed: " + e.message); }
    refreshStatus();
  });
  $("#logout")?.addEventListener("click", async () => {
    try { await api("POST", "/v1/logout"); } finally { location.href = "/login"; }
  });
}

async function refreshStatus() {
  try {
    const { data } = await api("GET", "/v1/status");
    const pill = $("#service-status");
    pill.textContent = data.state[0].toUpperCase() + data.state.slice(1);
    pill.className = "pill " + data.state;
  } catch { /* the next event tries again */ }
}

function initLogin() {
  const form = $("#login-form");
  form?.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("POST", "/v1/login", { user: form.user.value, password: form.password.value });
      location.href = form.dataset.next || "/jobs";
    } catch (e) {
      say($("#login-problem"), e.message);
    }
  });
}

// Job actions: run now, activate, deactivate, delete (after the dialog).
function initActions() {
  document.addEventListener("click", async (ev) => {
    const btn = ev.target.closest("button[data-action]");
    if (!btn) return;
    const name = btn.dataset.job, action = btn.dataset.action;
    if (action === "delete") return confirmDelete(name);
    btn.disabled = true;
    try {
      await api("POST", jobPath(name) + "/" + action);
      say($("#action-result"), action === "run-now" ? "Run requested." : "Done: " + action + ".");
      refreshMain();
    } catch (e) {
      say($("#action-result"), e.message);
    } finally {
      btn.disabled = false;
    }
  });
}

function confirmDelete(name) {
  const dialog = $("#confirm-delete");
  dialog.returnValue = "";
  dialog.showModal();
  dialog.addEventListener("close", async () => {
    if (dialog.returnValue !== "delete") return;
    try {
      // The delete names the version of the config file it read, as an
      // update does, so it never removes a job a hand edit just changed.
      const { etag } = await api("GET", jobPath(name) + "/config");
      await api("DELETE", jobPath(name), undefined, etag ? { "If-Match": etag } : {});
      location.href = "/jobs";
    } catch (e) {
      say($("#action-result"), e.message);
    }
  }, { once: true });
}

// refreshMain re-renders the parts of the page that show jobs from the
// server, so the icons and times come from the same templates as the first
// render. It starts at once; events that arrive while a fetch is in flight
// cost one more fetch after it, not one each.
let refreshing = false, refreshAgain = false;
async function refreshMain() {
  if (refreshing) { refreshAgain = true; return; }
  refreshing = true;
  try {
    const res = await fetch(location.href, { credentials: "same-origin" });
    if (res.ok) swapFrom(new DOMParser().parseFromString(await res.text(), "text/html"));
  } catch { /* the next event tries again */ }
  refreshing = false;
  if (refreshAgain) { refreshAgain = false; refreshMain(); }
}

function swapFrom(doc) {
  for (const id of ["jobs", "runs", "last-error", "service-status"]) {
    const now = document.getElementById(id), next = doc.getElementById(id);
    if (now && next && now.outerHTML !== next.outerHTML) {
      now.replaceWith(next);
      next.classList.add("flash");
    }
  }
  const settings = $(".settings"), nextSettings = $(".settings", doc);
  if (settings && nextSettings) settings.replaceWith(nextSettings);
  const title = $("main h1"), nextTitle = $("main h1", doc);
  if (title && nextTitle) title.replaceWith(nextTitle);
}

// Live: the API's event stream says when a run starts or ends or a job's
// state changes; a page showing that job re-renders. The control pauses it.
function initLive() {
  const live = $("#live") || ($("#runs") && document.body);
  if (!live) return;
  let source = null;
  const start = () => {
    source = new EventSource("/v1/events");
    source.onmessage = onEvent;
    for (const type of ["run-start", "run-end", "job-state", "service", "lagged"]) source.addEventListener(type, onEvent);
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(source && source.readyState === EventSource.OPEN);
  };
  const stop = () => { source?.close(); source = null; setLive(false); };
  const setLive = (on) => {
    $("#live")?.setAttribute("data-live", on ? "on" : "off");
    $("#live-toggle")?.setAttribute("aria-pressed", String(on));
    say($("#live-toggle"), on ? "Live" : "Paused");
  };
  let paused = false;
  $("#live-toggle")?.addEventListener("click", () => { paused = !!source; paused ? stop() : start(); });
  // A page left for another keeps no stream open: the browser's
  // back/forward cache would hold it, and six held streams use up the
  // browser's connections to this host. One that comes back re-reads what
  // it shows and follows the stream again.
  addEventListener("pagehide", () => { source?.close(); source = null; });
  addEventListener("pageshow", (ev) => { if (ev.persisted && !source && !paused) { start(); refreshMain(); } });
  start();
}

function onEvent(ev) {
  let data = {};
  try { data = JSON.parse(ev.data); } catch { return; }
  if (ev.type === "service") return refreshStatus();
  // The stream dropped events it could not send in time: what is shown
  // may be stale, so read it again.
  if (ev.type === "lagged") { refreshStatus(); return refreshMain(); }
  const shown = document.querySelector(`[data-job="${CSS.escape(data.job || "")}"]`);
  if (shown) refreshMain();
}

// The job form: sent to the API as JSON; the API's validation (the same as
// config.toml's) answers with the field at fault, shown beside it.
function initJobForm() {
  const form = $("#job-form");
  if (!form) return;
  // An update names the version of the job's config file it edits (its
  // ETag, read when the form opened), so a hand edit made meanwhile is
  // reported instead of overwritten.
  // An update replaces the job's table, so it starts from the fields the
  // table has (limits and keys the form does not show included) and
  // overlays the form's.
  let etag = null, current = {};
  if (form.dataset.new !== "true") {
    api("GET", jobPath(form.dataset.job) + "/config").then((r) => { etag = r.etag; current = r.data || {}; }, () => {});
  }
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    for (const p of form.querySelectorAll(".problem")) p.textContent = "";
    for (const i of form.querySelectorAll("[aria-invalid]")) i.removeAttribute("aria-invalid");
    const isNew = form.dataset.new === "true";
    try {
      const edited = jobFromForm(form);
      const body = isNew ? edited : { ...current, ...edited, limits: { ...(current.limits || {}), ...(edited.limits || {}) } };
      if (!isNew && Object.keys(body.limits).length === 0) delete body.limits;
      if (Object.keys(body.grants).length === 0) delete body.grants;
      await api(isNew ? "POST" : "PUT", isNew ? "/v1/jobs" : jobPath(form.dataset.job), body,
        !isNew && etag ? { "If-Match": etag } : {});
      location.href = isNew ? "/jobs/" + encodeURIComponent(form.name.value) + "/code" : "/jobs/" + encodeURIComponent(form.dataset.job);
    } catch (e) {
      const field = e.data && e.data.field;
      const slot = field && form.querySelector(`[data-field="${CSS.escape(field)}"]`);
      // Beside its field, the problem's own words; the whole error (with
      // the file and line) goes at the top only when no field is named.
      const problem = (e.data && e.data.problems || []).find((p) => p.field === field);
      say(slot || $("#form-problem"), slot && problem ? problem.message : e.message);
      form.elements[field]?.setAttribute("aria-invalid", "true");
      form.elements[field]?.focus();
    }
  });
}

function jobFromForm(form) {
  const job = {
    name: form.name.value.trim(), file: form.file.value.trim(),
    interval: form.interval.value.trim(),
    run_once: form.run_once.checked, active: form.active.checked, grants: {},
  };
  for (const input of form.querySelectorAll("input[name^='limits.']")) {
    const v = input.value.trim();
    if (v) (job.limits ||= {})[input.name.slice(7)] = /^\d+$/.test(v) ? Number(v) : v;
  }
  for (const area of form.querySelectorAll("textarea[name^='grants.']")) {
    const list = area.value.split("\n").map((s) => s.trim()).filter(Boolean);
    if (list.length) job.grants[area.name.slice(7)] = list;
  }
  return job;
}

document.addEventListener("DOMContentLoaded", () => {
  initHeader();
  initLogin();
  initActions();
  initLive();
  initJobForm();
  if (window.initEditor) window.initEditor();
});
