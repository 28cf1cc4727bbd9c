// The explorer's page: picks a scenario, shows its levers (from the server's parameter table), runs it with the
// changes, follows the run (server-sent events) and draws the results with uPlot. Plain JavaScript, no build step.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { scenario: null, run: null, events: null, resolveTimer: null, charts: [] };

// ---- Numbers for people: thousands separators and units ----------------------------------------------------
const whole = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const precise = new Intl.NumberFormat("en-US", { maximumFractionDigits: 4 });
function usd(v) {
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(2)} bn USD`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)} m USD`;
  return `${whole.format(v)} USD`;
}
function byUnit(v, unit) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (unit.startsWith("USD")) return usd(v) + unit.slice(3);
  if (unit === "1") return `${(100 * v).toFixed(1)}%`;
  if (unit === "people" || unit === "operations") return `${whole.format(v)} ${unit}`;
  if (Math.abs(v) >= 100) return `${whole.format(v)} ${unit}`;
  return `${precise.format(v)} ${unit}`;
}
function leverText(v, lever) {
  if (lever.unit.startsWith("USD")) return usd(v) + lever.unit.slice(3);
  const unit = lever.unit === "-" ? "" : ` ${lever.unit}`;
  return `${Math.abs(v) >= 1000 ? whole.format(v) : precise.format(v)}${unit}`;
}

async function api(path, options) {
  const response = await fetch(path, options);
  const text = await response.text();
  let body = null;
  try { body = JSON.parse(text); } catch (e) { body = { errors: [{ key: "", message: text }] }; }
  return { ok: response.ok, status: response.status, body };
}

// ---- Scenario and levers -----------------------------------------------------------------------------------
async function loadScenarios() {
  const { body } = await api("api/scenarios");
  const select = $("scenario");
  for (const s of body.scenarios) {
    const option = document.createElement("option");
    option.value = s.id;
    option.textContent = s.id.replaceAll("_", " ");
    select.append(option);
  }
  const link = new URLSearchParams(location.hash.slice(1));
  if (link.has("s") && body.scenarios.some((s) => s.id === link.get("s"))) select.value = link.get("s");
  else if (body.scenarios.some((s) => s.id === "aftercare_funding")) select.value = "aftercare_funding";
  await showScenario(select.value, link);
  select.addEventListener("change", () => showScenario(select.value, new URLSearchParams()));
}

async function showScenario(id, link) {
  const { body } = await api(`api/scenarios/${encodeURIComponent(id)}`);
  state.scenario = body;
  $("scenario-description").textContent = body.description;
  const replicates = $("replicates");
  replicates.max = body.limits.max_replicates;
  replicates.value = link.get("r") || Math.min(3, body.limits.max_replicates);
  $("replicates-help").textContent = `1 to ${whole.format(body.limits.max_replicates)} on this server`;
  const box = $("levers");
  box.replaceChildren();
  let fieldset = null;
  body.levers.forEach((lever, i) => {
    if (!fieldset || fieldset.dataset.group !== lever.group) {
      fieldset = document.createElement("fieldset");
      fieldset.dataset.group = lever.group;
      const legend = document.createElement("legend");
      legend.textContent = lever.group;
      fieldset.append(legend);
      box.append(fieldset);
    }
    const div = document.createElement("div");
    div.className = "lever";
    const label = document.createElement("label");
    label.htmlFor = `lever-${i}`;
    label.textContent = `${lever.label} `;
    const unit = document.createElement("span");
    unit.className = "unit";
    unit.textContent = lever.unit === "-" ? "" : `(${lever.unit})`;
    label.append(unit);
    const input = document.createElement("input");
    input.type = "number";
    input.id = `lever-${i}`;
    input.dataset.key = lever.key;
    input.dataset.original = lever.value;
    input.step = lever.integer ? "1" : "any";
    if (lever.range.min !== null) input.min = lever.range.min;
    if (lever.range.max !== null) input.max = lever.range.max;
    input.value = link.has(lever.key) ? link.get(lever.key) : lever.value;
    input.setAttribute("aria-describedby", `lever-${i}-help lever-${i}-error`);
    const help = document.createElement("span");
    help.className = "help";
    help.id = `lever-${i}-help`;
    const error = document.createElement("span");
    error.className = "error";
    error.id = `lever-${i}-error`;
    error.setAttribute("role", "alert");
    const describe = () => {
      const v = Number(input.value);
      help.textContent = `${input.value === "" ? "" : leverText(v, lever) + "; "}range ${lever.range.text}; ` +
        `scenario: ${leverText(lever.value, lever)}. ${lever.description}`;
      input.classList.toggle("changed", input.value !== "" && v !== lever.value);
    };
    input.addEventListener("input", () => { describe(); scheduleResolve(); });
    describe();
    div.append(label, input, help, error);
    fieldset.append(div);
  });
  clearErrors();
  scheduleResolve();
  document.body.dataset.state = "ready";
  if (link.get("run") === "1") startRun();
}

function request() {
  const set = {};
  for (const input of document.querySelectorAll("#levers input")) {
    if (input.value !== "" && Number(input.value) !== Number(input.dataset.original)) set[input.dataset.key] = Number(input.value);
    else if (input.value === "") set[input.dataset.key] = null;  // the server says what is wrong with it
  }
  return { scenario: state.scenario.id, replicates: Number($("replicates").value), set };
}

function permalink(req) {
  const p = new URLSearchParams({ s: req.scenario, r: req.replicates });
  for (const [k, v] of Object.entries(req.set)) p.set(k, v);
  p.set("run", "1");
  return `${location.origin}${location.pathname}#${p.toString()}`;
}

function clearErrors() {
  for (const e of document.querySelectorAll(".error")) e.textContent = "";
  for (const i of document.querySelectorAll("input[aria-invalid]")) i.removeAttribute("aria-invalid");
}

// Each error beside its lever: by the key the loader names, else by a lever key in its message.
function showErrors(errors) {
  clearErrors();
  const inputs = [...document.querySelectorAll("#levers input")];
  for (const error of errors) {
    let input = inputs.find((i) => i.dataset.key === error.key) ||
      inputs.find((i) => error.message.includes(`--set ${i.dataset.key}=`));
    if (!input && (error.key === "replicates")) input = $("replicates");
    const target = input ? $(`${input.id}-error`) : $("form-error");
    if (input) input.setAttribute("aria-invalid", "true");
    // Beside its lever the loader's location ("--set key=v: error: events.7.field: ") says nothing more; the whole
    // message stays in the tooltip.
    const text = input ? error.message.replace(/^.*?error: [^ ]+: /, "") : error.message;
    target.title = error.message;
    target.textContent += (target.textContent ? " " : "") + text;
  }
}

function scheduleResolve() {
  clearTimeout(state.resolveTimer);
  state.resolveTimer = setTimeout(async () => {
    const { ok, body } = await api("api/resolve", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(request()),
    });
    if (ok) clearErrors(); else showErrors(body.errors);
  }, 300);
}

// ---- Running ---------------------------------------------------------------------------------------------------
async function startRun() {
  const req = request();
  $("run").disabled = true;
  $("status").textContent = "Sending…";
  const { ok, body } = await api("api/runs", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(req),
  });
  if (!ok) {
    $("run").disabled = false;
    $("status").textContent = "Not run: see the messages beside the levers.";
    showErrors(body.errors);
    document.body.dataset.state = "error";
    return;
  }
  clearErrors();
  history.replaceState(null, "", permalink(req).replace("&run=1", ""));
  state.run = { id: body.id, request: req, command: body.command };
  document.body.dataset.state = "running";
  $("cancel").disabled = false;
  $("progress").hidden = false;
  follow(body.id);
}

function follow(id) {
  if (state.events) state.events.close();
  const events = new EventSource(`api/runs/${id}/events`);
  state.events = events;
  events.addEventListener("status", (e) => {
    const s = JSON.parse(e.data);
    const progress = $("progress");
    progress.value = s.steps_total ? s.steps_done / s.steps_total : 0;
    if (s.state === "queued") $("status").textContent = `Waiting: number ${s.position} in the queue`;
    else if (s.state === "running") $("status").textContent = `Running: ${Math.floor(100 * progress.value)}%`;
    if (s.state === "queued" || s.state === "running") return;
    events.close();
    finished(id, s);
  });
  events.addEventListener("gone", () => { events.close(); finished(id, { state: "failed", message: "the run is gone" }); });
}

async function finished(id, s) {
  $("cancel").disabled = true;
  $("run").disabled = false;
  $("progress").hidden = true;
  if (s.state !== "done") {
    $("status").textContent = s.state === "cancelled" ? "Cancelled." : `Failed: ${s.message}`;
    document.body.dataset.state = s.state;
    return;
  }
  $("status").textContent = "Done.";
  const [{ body }, toml] = await Promise.all([api(`api/runs/${id}/results`),
    fetch(`api/runs/${id}/scenario.toml`).then((r) => r.text())]);
  render(id, body, toml);
  document.body.dataset.state = "done";
  $("results").focus();
}

async function cancelRun() {
  if (!state.run) return;
  await api(`api/runs/${state.run.id}/cancel`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
}

// ---- Results -----------------------------------------------------------------------------------------------
const blue = "#1f5fbf", grey = "#6b7280";
const palette = ["#1f5fbf", "#d1495b", "#2e933c", "#edae49", "#7a4fbf", "#00798c", "#8c564b", "#e377c2", "#555"];

function sum(columns, key) {
  const n = columns[0][key].length;
  const out = new Array(n).fill(0);
  for (const c of columns) for (let k = 0; k < n; ++k) out[k] += c[key][k] ?? 0;
  return out;
}

function compareChart(el, time, changed, unchanged, format) {
  const series = [{}, { label: "changed", stroke: blue, width: 2, value: (u, v) => format(v) },
    { label: "changed low", stroke: "transparent", show: true }, { label: "changed high", stroke: "transparent" }];
  const data = [time, changed.mean, changed.low, changed.high];
  const bands = [{ series: [3, 2], fill: "rgba(31,95,191,0.18)" }];
  if (unchanged) {
    series.push({ label: "unchanged", stroke: grey, width: 2, dash: [6, 4], value: (u, v) => format(v) },
      { label: "unchanged low", stroke: "transparent" }, { label: "unchanged high", stroke: "transparent" });
    data.push(unchanged.mean, unchanged.low, unchanged.high);
    bands.push({ series: [6, 5], fill: "rgba(107,114,128,0.18)" });
  }
  el.classList.add("compare");  // its legend shows the two means only (app.css)
  return chart(el, series, data, bands, format);
}

function chart(el, series, data, bands, format) {
  el.replaceChildren();
  const width = Math.max(360, el.clientWidth - 4);
  const u = new uPlot({
    width, height: 240, series, bands,
    legend: { live: true },
    axes: [{}, { size: 70, values: (u, vals) => vals.map((v) => format(v)) }],
  }, data, el);
  state.charts.push(u);
  return u;
}

const short = (v) => (v === null ? "" : Math.abs(v) >= 1e9 ? `${(v / 1e9).toFixed(1)} bn` :
  Math.abs(v) >= 1e6 ? `${(v / 1e6).toFixed(1)} m` : whole.format(v));

function render(id, r, toml) {
  for (const c of state.charts) c.destroy();
  state.charts = [];
  $("placeholder").hidden = true;
  $("output").hidden = false;
  const changes = Object.keys(state.run.request.set).length;
  $("results-title").textContent = `${r.scenario}: ${r.changed.replicates} replicate${r.changed.replicates === 1 ? "" : "s"}` +
    (changes ? `, ${changes} lever${changes === 1 ? "" : "s"} changed` : ", unchanged");
  const scaleNote = $("scale-note");
  scaleNote.hidden = r.scale === 1;
  scaleNote.textContent = `A world ${r.scale} the region's size: counts and money are of that world, not scaled up.`;

  const hosts = r.countries.map((c, i) => ({ ...c, i })).filter((c) => r.changed.table.rows[c.i].some((v) => v !== 0));
  const s = r.changed.series, u = r.unchanged ? r.unchanged.series : null;
  compareChart($("chart-held"), r.time, s.held_region.columns[0], u && u.held_region.columns[0], short);
  compareChart($("chart-rerecruited"), r.time, s.rerecruited_region_cumulative.columns[0],
    u && u.rerecruited_region_cumulative.columns[0], short);
  compareChart($("chart-released"), r.time, s.released_region_cumulative.columns[0],
    u && u.released_region_cumulative.columns[0], short);
  compareChart($("chart-size"), r.time, s.mean_operation_size_region.columns[0],
    u && u.mean_operation_size_region.columns[0], (v) => (v === null ? "" : whole.format(v)));
  compareChart($("chart-small"), r.time, s.share_held_in_small_operations.columns[0],
    u && u.share_held_in_small_operations.columns[0], (v) => (v === null ? "" : `${(100 * v).toFixed(1)}%`));
  compareChart($("chart-revenue"), r.time, s.revenue_region_per_year.columns[0],
    u && u.revenue_region_per_year.columns[0], short);
  chart($("chart-countries"), [{}, ...hosts.map((c, k) => ({ label: c.name, stroke: palette[k % palette.length], width: 2,
    value: (u, v) => (v === null ? "" : whole.format(v)) }))],
    [r.time, ...hosts.map((c) => s.held.columns[c.i].mean)], [], short);

  renderHeadline(r);
  renderOutcomes(r);
  renderCountries(r, hosts);
  renderMap(r, hosts);

  const downloads = $("downloads");
  downloads.replaceChildren();
  const link = (href, text) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    li.append(a);
    downloads.append(li);
    return a;
  };
  link(`api/runs/${id}/file.h5`, "Results file (HDF5), as scamsim run writes it");
  for (const t of r.csv) {
    // A CSV table is written when first asked for: ask (HEAD) until it is there, then save it.
    const a = link(`api/runs/${id}/csv/${encodeURIComponent(t)}`, `CSV: ${t}`);
    a.addEventListener("click", async (e) => {
      e.preventDefault();
      a.textContent = `CSV: ${t} (preparing…)`;
      for (;;) {
        const response = await fetch(a.href, { method: "HEAD" });
        if (response.status === 200) break;
        if (response.status !== 202) { a.textContent = `CSV: ${t} (failed: ${response.status})`; return; }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      a.textContent = `CSV: ${t}`;
      location.href = a.href;
    });
  }
  $("command").textContent = r.command;
  $("resolved").textContent = toml;
  const href = permalink(state.run.request);
  $("permalink").href = href;
}

function card(label, value, detail) {
  const div = document.createElement("div");
  div.className = "card";
  div.innerHTML = '<div class="label"></div><div class="value"></div><div class="label"></div>';
  div.children[0].textContent = label;
  div.children[1].textContent = value;
  div.children[2].textContent = detail || "";
  return div;
}

function renderHeadline(r) {
  const box = $("headline");
  box.replaceChildren();
  const table = r.changed.table;
  const col = (name) => table.columns.indexOf(name);
  const total = (name) => table.rows.reduce((a, row) => a + row[col(name)], 0);
  box.append(card("People held at the end", whole.format(total("held_end"))),
    card("Re-recruited over the run", whole.format(total("rerecruited"))),
    card("Released over the run", whole.format(total("released"))));
  const rerec = r.outcomes.find((o) => o.name === "rerecruited");
  if (rerec && r.unchanged) {
    // The NGO's question: what each re-recruitment averted costs in extra aftercare.
    const spent = (side) => side.table.rows.reduce((a, row) => a + row[col("aftercare_spend_usd")], 0);
    const extra = spent(r.changed) - spent(r.unchanged);
    const averted = -rerec.difference;
    box.append(card("Extra aftercare spent", usd(extra), "changed − unchanged, over the run"),
      card("Cost per re-recruitment averted", averted > 0 && extra > 0 ? usd(extra / averted) : "–",
        averted > 0 ? `${whole.format(averted)} averted (mean of the pairs)` : "none averted on average"));
  }
  if (rerec) {
    box.append(card("Re-recruited: changed − unchanged", `${rerec.difference > 0 ? "+" : ""}${whole.format(rerec.difference)}`,
      rerec.pairs < 2 ? "one pair: run 2 or more replicates for an interval" :
        `95% interval ${whole.format(rerec.ci_low)} to ${whole.format(rerec.ci_high)} (${rerec.pairs} pairs)`));
  }
}

function renderOutcomes(r) {
  const t = $("outcomes");
  t.replaceChildren();
  if (!r.unchanged) {
    t.innerHTML = "<tbody><tr><td>No lever changed: the run is the scenario itself.</td></tr></tbody>";
    return;
  }
  t.innerHTML = "<thead><tr><th>outcome</th><th>unchanged</th><th>changed</th><th>difference</th>" +
    "<th>95% interval (paired)</th><th>unpaired, for contrast</th></tr></thead><tbody></tbody>";
  // Outcomes of countries that hold no one on either side say nothing.
  for (const o of r.outcomes.filter((o) => o.mean_unchanged !== 0 || o.mean_changed !== 0)) {
    const tr = document.createElement("tr");
    tr.dataset.outcome = o.name;
    tr.title = o.definition;
    const cells = [o.name.replaceAll("_", " "), byUnit(o.mean_unchanged, o.units), byUnit(o.mean_changed, o.units),
      byUnit(o.difference, o.units), `${byUnit(o.ci_low, o.units)} to ${byUnit(o.ci_high, o.units)}`,
      `${byUnit(o.unpaired_low, o.units)} to ${byUnit(o.unpaired_high, o.units)}`];
    if (o.pairs < 2) cells[4] = cells[5] = "needs 2 or more replicates";
    for (const text of cells) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    t.tBodies[0].append(tr);
  }
}

function renderCountries(r, hosts) {
  const t = $("countries");
  const cols = r.changed.table.columns;
  const heads = { held_start: "held start", held_end: "held end", share_end: "share held at end", released: "released",
    rerecruited: "re-recruited", in_aftercare_end: "in aftercare", repatriated: "repatriated", ops_start: "ops start",
    ops_end: "ops end", size_start: "size start", size_end: "size end", revenue_usd: "revenue",
    aftercare_spend_usd: "aftercare spend" };
  const order = ["held_start", "held_end", "share_end", "released", "rerecruited", "in_aftercare_end", "repatriated",
    "ops_start", "ops_end", "size_start", "size_end", "revenue_usd", "aftercare_spend_usd"];
  const heldEnd = hosts.reduce((a, c) => a + r.changed.table.rows[c.i][cols.indexOf("held_end")], 0);
  t.innerHTML = `<thead><tr><th>country</th>${order.map((k) => `<th>${heads[k]}</th>`).join("")}</tr></thead><tbody></tbody>`;
  for (const c of hosts) {
    const row = r.changed.table.rows[c.i];
    const tr = document.createElement("tr");
    const name = document.createElement("td");
    name.textContent = c.name;
    tr.append(name);
    for (const k of order) {
      const td = document.createElement("td");
      td.dataset.country = c.id;
      td.dataset.col = k;
      const v = k === "share_end" ? (heldEnd ? row[cols.indexOf("held_end")] / heldEnd : 0) : row[cols.indexOf(k)];
      td.textContent = k === "share_end" ? `${(100 * v).toFixed(1)}%` : k.startsWith("size") ? oneDecimal.format(v) :
        k.endsWith("_usd") ? usd(v) : whole.format(v);
      tr.append(td);
    }
    t.tBodies[0].append(tr);
  }
}

function renderMap(r, hosts) {
  const box = $("map");
  const lons = hosts.map((c) => c.lon), lats = hosts.map((c) => c.lat);
  const pad = 6, W = 640, H = 360;
  const x0 = Math.min(...lons) - pad, x1 = Math.max(...lons) + 3 * pad, y0 = Math.min(...lats) - pad, y1 = Math.max(...lats) + pad;
  const sx = (lon) => ((lon - x0) / (x1 - x0)) * W, sy = (lat) => H - ((lat - y0) / (y1 - y0)) * H;
  const col = r.changed.table.columns.indexOf("held_end");
  const max = Math.max(1, ...hosts.map((c) => r.changed.table.rows[c.i][col]));
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("width", W);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "People held at the end by host country, as circles on a map");
  for (const c of hosts) {
    const held = r.changed.table.rows[c.i][col];
    const circle = document.createElementNS(ns, "circle");
    circle.setAttribute("cx", sx(c.lon));
    circle.setAttribute("cy", sy(c.lat));
    circle.setAttribute("r", 4 + 36 * Math.sqrt(held / max));
    circle.setAttribute("fill", "rgba(209,73,91,0.45)");
    circle.setAttribute("stroke", "#d1495b");
    const text = document.createElementNS(ns, "text");
    text.setAttribute("x", sx(c.lon) + 6);
    text.setAttribute("y", sy(c.lat) - 6);
    text.textContent = `${c.name}: ${whole.format(held)}`;
    svg.append(circle, text);
  }
  box.replaceChildren(svg);
}

// ---- Wiring ----------------------------------------------------------------------------------------------------
window.addEventListener("DOMContentLoaded", () => {
  $("controls").addEventListener("submit", (e) => { e.preventDefault(); startRun(); });
  $("cancel").addEventListener("click", cancelRun);
  $("reset").addEventListener("click", () => showScenario(state.scenario.id, new URLSearchParams()));
  $("replicates").addEventListener("input", scheduleResolve);
  $("copy-link").addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText($("permalink").href));
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && !$("cancel").disabled) cancelRun(); });
  window.addEventListener("hashchange", () => {
    const link = new URLSearchParams(location.hash.slice(1));
    if (link.get("run") === "1" && link.has("s")) { $("scenario").value = link.get("s"); showScenario(link.get("s"), link); }
  });
  loadScenarios().catch((e) => { $("status").textContent = `Cannot reach the server: ${e}`; document.body.dataset.state = "error"; });
});
