/* sesguard HTML report: draws the summary, charts and the findings table from the embedded data.
   No network access: everything is in this file. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("sesguard-data").textContent);
  /* The vocabulary comes with the data (sesguard/findings/format.py), most urgent first. */
  var SEVERITIES = data.severities;
  var STATUSES = data.statuses;
  var FAILING = data.failing;
  var COLORS = {
    critical: "#b91c1c", high: "#ea580c", medium: "#ca8a04", low: "#2563eb", info: "#6b7280",
    fail: "#dc2626", error: "#7c3aed", waived: "#0891b2", skip: "#9ca3af", pass: "#16a34a"
  };
  var SVGNS = "http://www.w3.org/2000/svg";
  var col = {};
  data.columns.forEach(function (name, i) { col[name] = i; });

  function $(id) { return document.getElementById(id); }
  function esc(value) {
    return String(value === null || value === undefined ? "" : value)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function pct(value, digits) {
    if (value === null || value === undefined) { return "n/a"; }
    if (typeof value !== "number") { return "unknown"; }  // a rate that could not be read
    var text = (value * 100).toFixed(digits === undefined ? 2 : digits);
    return (text.indexOf(".") < 0 ? text : text.replace(/0+$/, "").replace(/\.$/, "")) + "%";
  }
  function rank(list, value) { var i = list.indexOf(value); return i < 0 ? list.length : i; }
  function count(rows, key) {
    var out = {};
    rows.forEach(function (r) { out[r[col[key]]] = (out[r[col[key]]] || 0) + 1; });
    return out;
  }
  function isFailing(r) { return FAILING.indexOf(r[col.status]) >= 0; }
  /* Per row, the causes that blocked it (each cause is drawn once; its rows stay in the table,
     filterable); two problems of one template set block the same rows. */
  var causeOf = {};
  data.causes.forEach(function (c, n) { c.rows.forEach(function (i) { (causeOf[i] = causeOf[i] || []).push(n); }); });
  function shortDate(iso) { return String(iso || "").replace("T", " ").replace(/:\d\d(\.\d+)?Z?$/, ""); }

  /* ---------- header and cards ---------- */
  function header() {
    var verdict = (data.summary && data.summary.verdict) || "unknown";
    var badge = $("verdict");
    badge.textContent = verdict;
    badge.className = "badge " + verdict;
    var run = data.run || {};
    $("runline").textContent = "Sources " + (run.sources || []).join(", ") + " · inputs " +
      (run.inputs || []).join(", ") + " · " + (run.policy_count || "?") + " policies · fail on " +
      (run.fail_on || "?") + " · started " + shortDate(run.started_at) + " UTC";
  }

  function cards() {
    var byStatus = count(data.rows, "status");
    var failing = (byStatus.fail || 0) + (byStatus.error || 0);
    var evaluated = failing + (byStatus.pass || 0) + (byStatus.waived || 0);
    var expired = data.waivers.filter(function (w) { return w.state === "expired"; }).length;
    var stale = data.waivers.filter(function (w) { return w.state === "stale"; }).length;
    var review = data.rates.filter(function (r) { return r.enforcement_status && r.enforcement_status !== "HEALTHY"; }).length;
    var items = [
      ["Failing rows", failing, failing ? "bad" : "good"],
      ["Pass rate", evaluated ? pct((byStatus.pass || 0) / evaluated, 1) : "n/a", ""],
      ["Critical failing", data.rows.filter(function (r) { return isFailing(r) && r[col.severity] === "critical"; }).length, ""],
      ["Errors", byStatus.error || 0, byStatus.error ? "bad" : ""],
      ["Waived", byStatus.waived || 0, ""],
      ["Skipped", byStatus.skip || 0, ""],
      ["Passed", byStatus.pass || 0, "good"],
      ["Expired / stale waivers", expired + " / " + stale, expired + stale ? "bad" : ""]
    ];
    if (data.rates.length) { items.push(["Accounts·regions under review", review, review ? "bad" : "good"]); }
    var box = $("cards");
    items.forEach(function (item) {
      var card = el("div", { "class": "card " + item[2] });
      card.appendChild(el("div", { "class": "value" }, String(item[1])));
      card.appendChild(el("div", { "class": "label" }, item[0]));
      box.appendChild(card);
    });
  }

  /* ---------- charts ---------- */
  function figure(parent, title, id) {
    var fig = el("figure", { id: id });
    fig.appendChild(el("figcaption", {}, title));
    parent.appendChild(fig);
    return fig;
  }
  function legend(fig, names) {
    var box = el("div", { "class": "legend" });
    names.forEach(function (n) {
      var span = el("span");
      var swatch = el("i");
      swatch.style.background = COLORS[n] || "#999";
      span.appendChild(swatch);
      span.appendChild(document.createTextNode(n));
      box.appendChild(span);
    });
    fig.appendChild(box);
  }
  /* Horizontal stacked bars: items = [{label, parts: {name: value}}], keys = stacking order. */
  function barChart(parent, title, id, items, keys) {
    var fig = figure(parent, title, id);
    if (!items.length) { fig.appendChild(el("p", { "class": "muted" }, "Nothing to show.")); return; }
    var width = 480, labelW = 170, rowH = 20, pad = 4;
    var max = Math.max.apply(null, items.map(function (it) {
      return keys.reduce(function (s, k) { return s + (it.parts[k] || 0); }, 0);
    })) || 1;
    var height = items.length * (rowH + pad) + pad;
    var chart = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": title });
    items.forEach(function (it, i) {
      var y = pad + i * (rowH + pad), x = labelW, total = 0;
      var label = it.label.length > 28 ? it.label.slice(0, 27) + "…" : it.label;
      chart.appendChild(svg("text", { x: labelW - 6, y: y + rowH * 0.7, "text-anchor": "end" }, label));
      keys.forEach(function (k) {
        var v = it.parts[k] || 0;
        if (!v) { return; }
        var w = (width - labelW - 40) * v / max;
        var rect = svg("rect", { x: x, y: y, width: Math.max(w, 1), height: rowH, fill: COLORS[k] || "#999" });
        rect.appendChild(svg("title", {}, it.label + " · " + k + ": " + v));
        chart.appendChild(rect);
        x += w; total += v;
      });
      chart.appendChild(svg("text", { x: x + 4, y: y + rowH * 0.7 }, String(total)));
    });
    fig.appendChild(chart);
    legend(fig, keys.filter(function (k) { return items.some(function (it) { return it.parts[k]; }); }));
  }
  /* Line chart: labels on x, series = [{name, color, values}], lines = [{value, label, color}]. */
  function lineChart(parent, title, id, labels, series, opts) {
    opts = opts || {};
    var fig = figure(parent, title, id);
    var width = 480, height = 200, left = 46, right = 12, top = 10, bottom = 28;
    var values = [];
    series.forEach(function (s) { s.values.forEach(function (v) { if (v !== null && v !== undefined) { values.push(v); } }); });
    (opts.lines || []).forEach(function (l) { values.push(l.value); });
    var max = opts.max !== undefined ? opts.max : Math.max.apply(null, values.concat([0])) * 1.1 || 1;
    var fmt = opts.format || function (v) { return String(Math.round(v)); };
    var chart = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": title });
    var plotW = width - left - right, plotH = height - top - bottom;
    function xAt(i) { return left + (labels.length < 2 ? plotW / 2 : plotW * i / (labels.length - 1)); }
    function yAt(v) { return top + plotH - plotH * v / max; }
    [0, 0.5, 1].forEach(function (f) {
      var y = yAt(max * f);
      chart.appendChild(svg("line", { x1: left, x2: width - right, y1: y, y2: y, "class": "axis" }));
      chart.appendChild(svg("text", { x: left - 4, y: y + 4, "text-anchor": "end" }, fmt(max * f)));
    });
    (opts.lines || []).forEach(function (l) {
      var y = yAt(l.value);
      chart.appendChild(svg("line", { x1: left, x2: width - right, y1: y, y2: y, stroke: l.color, "class": "threshold" }));
      chart.appendChild(svg("text", { x: width - right, y: y - 2, "text-anchor": "end", fill: l.color }, l.label));
    });
    var step = Math.max(1, Math.ceil(labels.length / 6));
    labels.forEach(function (label, i) {
      if (i % step === 0 || i === labels.length - 1) {
        var anchor = labels.length > 1 && i === labels.length - 1 ? "end" : (i === 0 && labels.length > 1 ? "start" : "middle");
        chart.appendChild(svg("text", { x: xAt(i), y: height - 8, "text-anchor": anchor }, label.slice(5, 16)));
      }
    });
    series.forEach(function (s) {
      var d = "", pen = "M";
      s.values.forEach(function (v, i) {
        if (v === null || v === undefined) { pen = "M"; return; }
        d += pen + xAt(i).toFixed(1) + " " + yAt(v).toFixed(1) + " ";
        pen = "L";
        var dot = svg("circle", { cx: xAt(i), cy: yAt(v), r: 2.5, fill: s.color });
        dot.appendChild(svg("title", {}, s.name + " · " + labels[i] + ": " + fmt(v)));
        chart.appendChild(dot);
      });
      chart.appendChild(svg("path", { d: d, fill: "none", stroke: s.color, "stroke-width": 2 }));
    });
    fig.appendChild(chart);
    var box = el("div", { "class": "legend" });
    series.forEach(function (s) {
      var span = el("span"), swatch = el("i");
      swatch.style.background = s.color;
      span.appendChild(swatch);
      span.appendChild(document.createTextNode(s.name));
      box.appendChild(span);
    });
    fig.appendChild(box);
  }

  function charts() {
    var box = $("charts");
    barChart(box, "Rows by severity", "chart-severity", SEVERITIES.map(function (sev) {
      var parts = {};
      data.rows.forEach(function (r) { if (r[col.severity] === sev) { parts[r[col.status]] = (parts[r[col.status]] || 0) + 1; } });
      return { label: sev, parts: parts };
    }).filter(function (it) { return Object.keys(it.parts).length; }), STATUSES);
    var byStatus = count(data.rows, "status");
    barChart(box, "Rows by status", "chart-status", STATUSES.filter(function (s) { return byStatus[s]; }).map(function (s) {
      var parts = {}; parts[s] = byStatus[s]; return { label: s, parts: parts };
    }), STATUSES);
    var failing = data.rows.filter(isFailing);
    function bySeverityOf(key, limit) {
      var groups = {};
      failing.forEach(function (r) {
        var g = groups[r[col[key]]] = groups[r[col[key]]] || {};
        g[r[col.severity]] = (g[r[col.severity]] || 0) + 1;
      });
      return Object.keys(groups).map(function (k) {
        var total = SEVERITIES.reduce(function (s, sev) { return s + (groups[k][sev] || 0); }, 0);
        return { label: k, parts: groups[k], total: total };
      }).sort(function (a, b) { return b.total - a.total || (a.label < b.label ? -1 : 1); }).slice(0, limit);
    }
    barChart(box, "Failing rows by policy (top 15)", "chart-policy", bySeverityOf("policy", 15), SEVERITIES);
    var live = data.rates.length > 0;
    barChart(box, live ? "Failing rows by account and region" : "Failing rows by file or set", "chart-where",
      bySeverityOf("group", 15), SEVERITIES);
  }

  function trends() {
    var runs = data.history;
    if (runs.length < 2) { return; }
    $("trends-section").hidden = false;
    var box = $("trends");
    var labels = runs.map(function (r) { return shortDate(r.started_at); });
    lineChart(box, "Pass rate", "trend-pass-rate", labels,
      [{ name: "pass rate", color: COLORS.pass, values: runs.map(function (r) { return r.pass_rate; }) }],
      { max: 1, format: function (v) { return pct(v, 0); } });
    lineChart(box, "Failing rows by severity", "trend-failing", labels, SEVERITIES.map(function (sev) {
      return { name: sev, color: COLORS[sev], values: runs.map(function (r) { return (r.failing_by_severity || {})[sev] || 0; }) };
    }));
    var keys = [];
    runs.forEach(function (r) { (r.rates || []).forEach(function (x) {
      var k = x.account + "/" + x.region; if (keys.indexOf(k) < 0) { keys.push(k); } }); });
    keys.sort();
    var palette = ["#1d4ed8", "#be185d", "#047857", "#92400e", "#6d28d9", "#0f766e", "#b45309", "#374151"];
    function rateSeries(field) {
      return keys.map(function (k, i) {
        return { name: k, color: palette[i % palette.length], values: runs.map(function (r) {
          var m = (r.rates || []).filter(function (x) { return x.account + "/" + x.region === k; })[0];
          return m && typeof m[field] === "number" ? m[field] : null;
        }) };
      });
    }
    if (keys.length) {
      lineChart(box, "Bounce rate by account and region", "trend-bounce", labels, rateSeries("bounce_rate"), {
        format: function (v) { return pct(v, 1); },
        lines: [{ value: 0.02, label: "2% recommended", color: COLORS.medium },
                { value: 0.05, label: "5% review", color: COLORS.high },
                { value: 0.10, label: "10% pause", color: COLORS.critical }] });
      lineChart(box, "Complaint rate by account and region", "trend-complaint", labels, rateSeries("complaint_rate"), {
        format: function (v) { return pct(v, 2); },
        lines: [{ value: 0.001, label: "0.1% review", color: COLORS.high },
                { value: 0.005, label: "0.5% pause", color: COLORS.critical }] });
    }
  }

  function changes() {
    var c = data.changes;
    if (!c || !c.previous) { return; }
    $("changes-section").hidden = false;
    var box = $("changes");
    box.appendChild(el("p", {}, c["new"].length + " new failures · " + c.fixed.length + " fixed · " +
      c.still.length + " still failing (previous run " + shortDate(c.previous.started_at) + ")"));
    [["New failures", c["new"].map(function (i) { return i; })],
     ["Fixed", c.fixed.map(function (f) { return f.id + " (now " + f.now + ")"; })],
     ["Still failing", c.still]].forEach(function (part) {
      if (!part[1].length) { return; }
      box.appendChild(el("h3", {}, part[0] + " (" + part[1].length + ")"));
      var ul = el("ul", { "class": "changes" });
      part[1].slice(0, 200).forEach(function (t) { ul.appendChild(el("li", {}, t)); });
      if (part[1].length > 200) { ul.appendChild(el("li", { "class": "muted" }, "… " + (part[1].length - 200) + " more")); }
      box.appendChild(ul);
    });
  }

  function causes() {
    /* each problem once, not once per policy: an AWS failure (account, regions, code, what failed and
       the fix), a template input that could not be read (its set, file and line, what is wrong) */
    if (!data.causes.length) { return; }
    $("causes-section").hidden = false;
    function button(n) {
      var c = data.causes[n];
      return "<button type=\"button\" class=\"show-cause\" data-cause=\"" + n + "\">Show its " + c.rows.length +
        " rows</button>";
    }
    var live = "", input = "";
    data.causes.forEach(function (c, n) {
      if (c.kind === "input") {
        input += "<tr data-cause=\"" + n + "\"><td><code>" + esc(c.name) + "</code></td><td>" + esc(c.places.join(", ")) +
          "</td><td>" + esc(c.text) + "</td><td>" + esc(c.count) + "</td><td>" + esc(c.policies) + "</td><td>" + button(n) +
          "</td></tr>";
      } else {
        live += "<tr data-cause=\"" + n + "\"><td>" + esc(c.name) + "</td><td>" + esc(c.places.join(", ")) +
          "</td><td class=\"flag\">" + esc(c.code) + "</td><td>" + esc(c.count) + "</td><td>" + esc(c.text) + "</td><td>" +
          button(n) + "</td></tr>";
      }
    });
    var html = "";
    if (live) {
      html += "<table id=\"causes-live\"><caption>Accounts and regions</caption><thead><tr><th>Account</th><th>Where</th>" +
        "<th>AWS code</th><th>Rows not evaluated</th><th>What failed and the fix</th><th>Rows</th></tr></thead><tbody>" +
        live + "</tbody></table>";
    }
    if (input) {
      html += "<table id=\"causes-input\"><caption>Template inputs</caption><thead><tr><th>Set</th><th>Where</th>" +
        "<th>Input problem</th><th>Rows not evaluated</th><th>Policies</th><th>Rows</th></tr></thead><tbody>" +
        input + "</tbody></table>";
    }
    $("causes").innerHTML = html;
    document.querySelectorAll("#causes button.show-cause").forEach(function (b) {
      b.addEventListener("click", function () {
        var select = $("f-cause");
        select.value = b.getAttribute("data-cause");
        select.dispatchEvent(new Event("change"));
        $("findings-section").scrollIntoView();
      });
    });
  }

  function rates() {
    if (!data.rates.length) { return; }
    $("rates-section").hidden = false;
    var html = "<table><thead><tr><th>Account</th><th>Region</th><th>Enforcement status</th><th>Bounce rate</th>" +
      "<th>at</th><th>Complaint rate</th><th>at</th></tr></thead><tbody>";
    data.rates.forEach(function (r) {
      var badB = (r.bounce_rate || 0) >= 0.05, badC = (r.complaint_rate || 0) >= 0.001;
      html += "<tr><td>" + esc(r.account) + "</td><td>" + esc(r.region) + "</td><td" +
        (r.enforcement_status !== "HEALTHY" ? " class=\"flag\"" : "") + ">" + esc(r.enforcement_status) + "</td><td" +
        (badB ? " class=\"flag\"" : "") + ">" + esc(pct(r.bounce_rate)) + "</td><td>" + esc(shortDate(r.bounce_rate_at)) +
        "</td><td" + (badC ? " class=\"flag\"" : "") + ">" + esc(pct(r.complaint_rate, 3)) + "</td><td>" +
        esc(shortDate(r.complaint_rate_at)) + "</td></tr>";
    });
    $("rates").innerHTML = html + "</tbody></table>" + (data.review.length ?
      "<p>Review response drafts: " + data.review.map(function (r) { return "<code>" + esc(r) + "</code>"; }).join(", ") + "</p>" : "");
  }

  /* ---------- findings table ---------- */
  var PAGE = 500;  /* rows drawn at a time: a 10,000-row table takes seconds to lay out */
  var state = { key: "severity", dir: 1, text: "", status: "", severity: "", policy: "", where: "", cause: "", limit: PAGE };
  var SORTERS = {
    severity: function (r) { return [rank(SEVERITIES, r[col.severity]), rank(STATUSES, r[col.status]), r[col.id]]; },
    status: function (r) { return [rank(STATUSES, r[col.status]), rank(SEVERITIES, r[col.severity]), r[col.id]]; },
    policy: function (r) { return [r[col.policy], r[col.id]]; },
    resource: function (r) { return [r[col.resource], r[col.id]]; },
    where: function (r) { return [r[col.where], r[col.id]]; },
    message: function (r) { return [r[col.message], r[col.id]]; },
    fix: function (r) { return [fixOf(r), r[col.id]]; }
  };
  function fixOf(r) { var p = data.policies[r[col.policy]] || {}; return (p.remediation || {}).summary || ""; }
  function compare(a, b) {
    for (var i = 0; i < a.length; i++) { if (a[i] < b[i]) { return -1; } if (a[i] > b[i]) { return 1; } }
    return 0;
  }
  var haystack = data.rows.map(function (r) {
    var p = data.policies[r[col.policy]] || {};
    return [r[col.id], r[col.policy], p.title, r[col.severity], r[col.status], r[col.rtype], r[col.resource],
      r[col.where], r[col.group], r[col.message], r[col.waiver]].join(" ").toLowerCase();
  });
  var order = data.rows.map(function (_, i) { return i; });

  function visible() {
    var text = state.text.toLowerCase().split(/\s+/).filter(Boolean);
    return order.filter(function (i) {
      var r = data.rows[i];
      if (state.status && (state.status === "failing" ? !isFailing(r) : r[col.status] !== state.status)) { return false; }
      if (state.severity && r[col.severity] !== state.severity) { return false; }
      if (state.policy && r[col.policy] !== state.policy) { return false; }
      if (state.where && r[col.group] !== state.where) { return false; }
      if (state.cause !== "" && (causeOf[i] || []).indexOf(Number(state.cause)) < 0) { return false; }
      return text.every(function (t) { return haystack[i].indexOf(t) >= 0; });
    });
  }
  function renderTable() {
    var matching = visible(), shown = matching.slice(0, state.limit), parts = [];
    shown.forEach(function (i) {
      var r = data.rows[i], p = data.policies[r[col.policy]] || {};
      parts.push("<tr data-id=\"" + esc(r[col.id]) + "\"><td><span class=\"sev " + esc(r[col.severity]) + "\">" +
        esc(r[col.severity]) + "</span></td><td><span class=\"st " + esc(r[col.status]) + "\">" + esc(r[col.status]) +
        "</span></td><td title=\"" + esc(p.title) + "\">" + esc(r[col.policy]) + "</td><td><code>" + esc(r[col.resource]) +
        "</code><br><span class=\"muted\">" + esc(r[col.rtype]) + "</span></td><td>" + esc(r[col.where]) + "</td><td>" +
        esc(r[col.message]) + (r[col.waiver] ? "<br><span class=\"muted\">waiver: " + esc(r[col.waiver]) + "</span>" : "") +
        "</td><td class=\"fix\">" + (isFailing(r) || r[col.status] === "waived" ? esc(fixOf(r)) : "") + "</td></tr>");
    });
    document.querySelector("#findings tbody").innerHTML = parts.join("");
    $("shown").textContent = shown.length < matching.length ?
      "Showing " + shown.length + " of " + matching.length + " matching rows (" + data.rows.length + " in all)" :
      "Showing " + shown.length + " of " + data.rows.length + " rows";
    var more = $("more");
    more.hidden = shown.length >= matching.length;
    $("more-next").textContent = "Show " + Math.min(PAGE, matching.length - shown.length) + " more";
    $("more-all").textContent = "Show all " + matching.length;
    document.querySelectorAll("#findings th").forEach(function (th) {
      th.setAttribute("aria-sort", th.getAttribute("data-key") === state.key ? (state.dir > 0 ? "ascending" : "descending") : "none");
    });
  }
  function sort() {
    var f = SORTERS[state.key], keys = data.rows.map(f);
    order.sort(function (a, b) { return state.dir * compare(keys[a], keys[b]); });
  }
  function fillSelect(id, label, values) {
    var select = $(id);
    select.appendChild(el("option", { value: "" }, label));
    values.forEach(function (v) { select.appendChild(el("option", { value: v[0] }, v[1])); });
  }
  function table() {
    var statuses = count(data.rows, "status"), severities = count(data.rows, "severity");
    fillSelect("f-status", "All statuses", [["failing", "failing (fail + error)"]].concat(
      STATUSES.filter(function (s) { return statuses[s]; }).map(function (s) { return [s, s + " (" + statuses[s] + ")"]; })));
    fillSelect("f-severity", "All severities", SEVERITIES.filter(function (s) { return severities[s]; })
      .map(function (s) { return [s, s + " (" + severities[s] + ")"]; }));
    fillSelect("f-policy", "All policies", Object.keys(data.policies).map(function (p) { return [p, p + " " + data.policies[p].title]; }));
    var groups = Object.keys(count(data.rows, "group")).filter(Boolean).sort();
    fillSelect("f-where", data.rates.length ? "All accounts and regions" : "All files and sets", groups.map(function (g) { return [g, g]; }));
    if (data.causes.length) {
      $("f-cause").hidden = false;
      fillSelect("f-cause", "Any cause", data.causes.map(function (c, n) {
        var text = String(c.text || "");
        return [String(n), "not evaluated: " + c.name + ": " + (text.length > 80 ? text.slice(0, 79) + "…" : text) +
          " (" + c.rows.length + ")"];
      }));
    }
    var timer = null;
    $("filter").addEventListener("input", function (ev) {
      clearTimeout(timer);
      timer = setTimeout(function () { state.text = ev.target.value; state.limit = PAGE; renderTable(); },
        data.rows.length > 2000 ? 150 : 0);
    });
    [["f-status", "status"], ["f-severity", "severity"], ["f-policy", "policy"], ["f-where", "where"], ["f-cause", "cause"]].forEach(function (pair) {
      $(pair[0]).addEventListener("change", function (ev) { state[pair[1]] = ev.target.value; state.limit = PAGE; renderTable(); });
    });
    $("more-next").addEventListener("click", function () { state.limit += PAGE; renderTable(); });
    $("more-all").addEventListener("click", function () { state.limit = Infinity; renderTable(); });
    document.querySelectorAll("#findings th").forEach(function (th) {
      th.tabIndex = 0;
      function activate() {
        var key = th.getAttribute("data-key");
        state.dir = state.key === key ? -state.dir : 1;
        state.key = key;
        sort();
        renderTable();
      }
      th.addEventListener("click", activate);
      th.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); activate(); } });
    });
    sort();
    renderTable();
  }

  /* ---------- remediation, waivers, metadata ---------- */
  function remediation() {
    var failingPolicies = {};
    /* a row blocked by a cause is fixed by fixing the cause (drawn once under "Could not be read") */
    data.rows.forEach(function (r, i) {
      if (isFailing(r) && causeOf[i] === undefined) { failingPolicies[r[col.policy]] = (failingPolicies[r[col.policy]] || 0) + 1; }
    });
    var ids = Object.keys(failingPolicies).sort(function (a, b) {
      return rank(SEVERITIES, data.policies[a].severity) - rank(SEVERITIES, data.policies[b].severity) || (a < b ? -1 : 1);
    });
    var box = $("remediation");
    if (!ids.length) {
      box.appendChild(el("p", { "class": "muted" }, data.causes.length ?
        "No failing policy beyond the rows under \u201cCould not be read\u201d." : "No failing policy."));
      return;
    }
    var labels = { console: "Console", cli: "AWS CLI", cloudformation: "CloudFormation", terraform: "Terraform" };
    ids.forEach(function (id) {
      var p = data.policies[id], rem = p.remediation || {};
      var html = "<h3><span class=\"sev " + esc(p.severity) + "\">" + esc(p.severity) + "</span> " + esc(id) + " " +
        esc(p.title) + " <span class=\"muted\">(" + failingPolicies[id] + " failing)</span></h3><p>" + esc(rem.summary || "") + "</p>";
      Object.keys(labels).forEach(function (k) {
        if (rem[k]) { html += "<div><strong>" + labels[k] + "</strong><pre>" + esc(rem[k]) + "</pre></div>"; }
      });
      if ((p.compliance || []).length) {
        html += "<p class=\"compliance\"><strong>Also checks</strong> " + esc(p.compliance.join("; ")) + "</p>";
      }
      if ((p.references || []).length) {
        html += "<p class=\"references\"><strong>References</strong> " + p.references.map(function (ref) {
          return esc(ref.title) + " <code>" + esc(ref.url) + "</code>";
        }).join(" · ") + "</p>";
      }
      box.appendChild(el("div", { "class": "policy-fix", id: "fix-" + id })).innerHTML = html;
    });
  }
  function waivers() {
    if (!data.waivers.length) { return; }
    $("waivers-section").hidden = false;
    var notes = { expired: "expired: no longer waives", stale: "stale: the resource passes now, remove it", unused: "matches no row",
      invalid: "no reason: suppresses nothing" };
    var html = "<table><thead><tr><th>Policy</th><th>Resource</th><th>State</th><th>Expires</th><th>Reason</th></tr></thead><tbody>";
    data.waivers.forEach(function (w) {
      var flag = w.state === "expired" || w.state === "stale" || w.state === "invalid";
      html += "<tr><td>" + esc(w.policy_id) + "</td><td><code>" + esc(w.resource) + "</code></td><td" +
        (flag ? " class=\"flag\"" : "") + ">" + esc(notes[w.state] || w.state) + "</td><td>" + esc(w.expires || "never") +
        "</td><td>" + esc(w.reason) + (w.kind && w.kind !== "waiver" ? " <span class=\"muted\">(" + esc(w.kind) + ": " + esc(w.origin) + ")</span>" : "") + "</td></tr>";
    });
    $("waivers").innerHTML = html + "</tbody></table>";
  }
  function meta() {
    var dl = el("dl", { "class": "meta" });
    Object.keys(data.run || {}).forEach(function (k) {
      var v = data.run[k];
      dl.appendChild(el("dt", {}, k));
      dl.appendChild(el("dd", {}, Array.isArray(v) ? v.join(", ") : (v === null ? "—" : String(v))));
    });
    $("meta").appendChild(dl);
  }

  header();
  cards();
  charts();
  trends();
  changes();
  causes();
  rates();
  table();
  remediation();
  waivers();
  meta();
  /* A hook for automated checks (the browser test): the number of table rows shown. */
  window.sesguardReport = { ready: true, shownRows: function () { return document.querySelectorAll("#findings tbody tr").length; } };
}());
