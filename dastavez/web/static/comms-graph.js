// dastavez: the link graph on /comms, drawn with Cytoscape.js from /comms/graph.json.
// Served as a file because the CSP allows no inline script. Everything a user reads here is
// put in with textContent (never innerHTML), so names such as "<script>" stay text; graph
// labels are drawn on a canvas, which has no markup at all. Without JavaScript the page
// still lists the paths and brokers, each link opening its evidence as a page.
(function () {
  "use strict";

  var SIDE_COLOURS = {overseas: "#a4262c", local: "#1d5e34", unknown: "#7a828e"};
  var SIDE_LABELS = {overseas: "overseas", local: "local", unknown: "side unknown"};

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function text(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  function when(iso) {
    // 2026-03-01T09:15:02+00:00 → 2026-03-01 09:15 UTC (as the pages show times)
    var value = text(iso);
    var match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(value);
    return match ? match[1] + " " + match[2] + " UTC" : value;
  }

  function fact(list, term, value) {
    list.appendChild(el("dt", {}, [term]));
    list.appendChild(el("dd", {}, [value]));
  }

  function exhibitLink(id) {
    return el("a", {href: "/exhibits/" + encodeURIComponent(text(id))}, [el("code", {}, [text(id)])]);
  }

  function show(panel, children) {
    while (panel.firstChild) {
      panel.removeChild(panel.firstChild);
    }
    children.forEach(function (child) { panel.appendChild(child); });
    panel.hidden = false;
  }

  function failure(panel, message) {
    show(panel, [el("h2", {}, ["Evidence"]), el("p", {"class": "error", role: "alert"}, [message])]);
  }

  async function getJson(url) {
    var response = await fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}});
    var body = null;
    try {
      body = await response.json();
    } catch (ignored) {
      body = null;
    }
    if (!response.ok || body === null) {
      var detail = body && body.error ? body.error.detail : "";
      if (response.status === 401) {
        window.location.assign("/login?next=" + encodeURIComponent(window.location.pathname + window.location.search));
      }
      throw new Error(detail || "the request failed (" + response.status + "); reload the page");
    }
    return body;
  }

  function nodeLabel(node) {
    return text(node && (node.label || node.id));
  }

  function utc(iso) {
    return when(iso).replace(/ UTC$/, "");
  }

  function callsTable(calls) {
    var body = el("tbody");
    calls.forEach(function (call) {
      body.appendChild(el("tr", {}, [
        el("td", {}, [utc(call.start)]),
        el("td", {}, [el("span", {dir: "ltr"}, [text(call.caller)]), el("br"),
          el("span", {dir: "ltr"}, ["→ " + text(call.callee)])]),
        el("td", {"class": "num"}, [call.type === "sms" ? "SMS" : text(call.duration_s) + " s"]),
        el("td", {}, [el("code", {}, [text(call.dataset)])]),
        el("td", {"class": "num"}, [text(call.line)])
      ]));
    });
    var head = el("thead", {}, [el("tr", {}, ["When (UTC)", "Caller → callee", "Length", "Dataset", "Line"].map(
      function (name) { return el("th", {scope: "col"}, [name]); }))]);
    return el("div", {"class": "table-wrap"}, [el("table", {"class": "data comms-calls"}, [head, body])]);
  }

  function datasetsTable(datasets) {
    var body = el("tbody");
    datasets.forEach(function (ds) {
      body.appendChild(el("tr", {}, [
        el("td", {}, [el("code", {"class": "comms-dataset"}, [text(ds.dataset)])]),
        el("td", {}, [ds.exhibit ? exhibitLink(ds.exhibit) : el("span", {"class": "muted"}, ["none"])]),
        el("td", {"class": "num"}, [text(ds.calls)]),
        el("td", {"class": "num"}, [text(ds.sms)]),
        el("td", {}, [utc(ds.first), el("br"), utc(ds.last)])
      ]));
    });
    var head = el("thead", {}, [el("tr", {}, ["Dataset", "Exhibit", "Calls", "SMS", "First, last (UTC)"].map(
      function (name) { return el("th", {scope: "col"}, [name]); }))]);
    return el("div", {"class": "table-wrap"}, [el("table", {"class": "data comms-evidence-datasets"}, [head, body])]);
  }

  function edgePanel(panel, evidence, load) {
    var facts = el("dl", {"class": "facts"});
    fact(facts, "Calls", text(evidence.calls));
    fact(facts, "SMS", text(evidence.sms));
    fact(facts, "Total duration", text(evidence.duration_s) + " s");
    fact(facts, "First", when(evidence.first));
    fact(facts, "Last", when(evidence.last));
    var children = [
      el("h2", {}, ["Evidence of a link"]),
      el("p", {"class": "comms-pair"}, [
        el("bdi", {}, [nodeLabel(evidence.a)]), " ↔ ", el("bdi", {}, [nodeLabel(evidence.b)])]),
      facts,
      el("h3", {}, ["Datasets and exhibits"]),
      datasetsTable(evidence.datasets || [])
    ];
    var calls = evidence.records || [];
    var range = calls.length ? (evidence.offset + 1) + "–" + (evidence.offset + calls.length) + " of " : "";
    children.push(el("h3", {}, ["Calls " + range + text(evidence.total)]));
    children.push(callsTable(calls));
    var pager = el("p", {"class": "actions"});
    if (evidence.offset > 0) {
      var back = el("button", {type: "button", "class": "button-quiet"}, ["Earlier calls"]);
      back.addEventListener("click", function () { load(Math.max(0, evidence.offset - evidence.limit)); });
      pager.appendChild(back);
    }
    if (evidence.offset + calls.length < evidence.total) {
      var more = el("button", {type: "button", "class": "button-quiet"}, ["Later calls"]);
      more.addEventListener("click", function () { load(evidence.offset + evidence.limit); });
      pager.appendChild(more);
    }
    pager.appendChild(el("a", {href: evidence.page_url}, ["Open as a page"]));
    children.push(pager);
    show(panel, children);
  }

  var REASONS = {
    residence: "a residence claim",
    cell_country: "the cells its calls were placed from",
    number_country: "the country the number belongs to",
    numbers: "its attributed numbers",
    numbers_disagree: "its attributed numbers disagree",
    none: "nothing recorded says"
  };

  function nodePanel(panel, node) {
    var data = node.data();
    var facts = el("dl", {"class": "facts"});
    fact(facts, "Id", el("code", {}, [text(data.id)]));
    fact(facts, "Kind", text(data.kind));
    fact(facts, "Side", el("span", {"class": "comms-side comms-side-" + text(data.side)},
      [SIDE_LABELS[data.side] || text(data.side)]));
    var why = REASONS[data.side_reason] || text(data.side_reason);
    fact(facts, "Why", why + (data.country ? " (" + text(data.country) + ")" : ""));
    fact(facts, "Linked to", text(node.degree(false)) + (node.degree(false) === 1 ? " node" : " nodes"));
    fact(facts, "Calls and SMS", text(data.contacts));
    var children = [el("h2", {}, [el("bdi", {}, [text(data.label) || text(data.id)])]), facts];
    if (data.kind === "person") {
      children.push(el("p", {}, [el("a", {href: "/entities/" + encodeURIComponent(text(data.id))}, ["Open the profile"])]));
    }
    show(panel, children);
  }

  function elements(graph) {
    var most = 1;
    graph.edges.forEach(function (edge) { most = Math.max(most, (edge.calls || 0) + (edge.sms || 0)); });
    var nodes = graph.nodes.map(function (node) {
      return {group: "nodes", data: Object.assign({}, node, {label: text(node.label) || text(node.id)})};
    });
    var edges = graph.edges.map(function (edge) {
      var weight = (edge.calls || 0) + (edge.sms || 0);
      return {group: "edges", data: Object.assign({}, edge, {
        id: "e:" + edge.source + "|" + edge.target,
        width: 1 + 9 * Math.log(1 + weight) / Math.log(1 + most)
      })};
    });
    return nodes.concat(edges);
  }

  function style(dense) {
    var rules = [
      {selector: "node", style: {
        "label": "data(label)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4,
        "width": 18, "height": 18, "background-color": SIDE_COLOURS.unknown, "color": "#1b1f24",
        "text-background-color": "#ffffff", "text-background-opacity": 0.8, "text-background-padding": 1,
        "min-zoomed-font-size": 7
      }},
      {selector: "node[kind = \"person\"]", style: {"shape": "ellipse", "width": 24, "height": 24}},
      {selector: "node[kind = \"number\"]", style: {"shape": "round-rectangle"}},
      {selector: "edge", style: {
        // many links: straight "haystack" lines (much cheaper to draw), fainter
        "width": "data(width)", "line-color": "#9aa5b1", "curve-style": dense ? "haystack" : "bezier",
        "opacity": dense ? 0.3 : 0.85
      }},
      {selector: ":selected", style: {"overlay-color": "#f2a900", "overlay-opacity": 0.35, "overlay-padding": 4}}
    ];
    Object.keys(SIDE_COLOURS).forEach(function (side) {
      rules.push({selector: "node[side = \"" + side + "\"]", style: {"background-color": SIDE_COLOURS[side]}});
    });
    return rules;
  }

  // Force-directed (cose) reads best but grows with nodes × edges: the demo's 261 persons and 823
  // links take a few seconds; bigger graphs are drawn in rings, the busiest nodes in the middle.
  function layout(graph) {
    if (graph.nodes.length <= 400 && graph.edges.length <= 1500) {
      return {name: "cose", animate: false, randomize: false, nodeDimensionsIncludeLabels: true};
    }
    return {name: "concentric", animate: false, minNodeSpacing: 6, avoidOverlap: true,
      concentric: function (node) { return node.degree(false); },
      levelWidth: function (nodes) { return Math.max(1, nodes.maxDegree(false) / 4); }};
  }

  async function start(box) {
    var panel = document.getElementById(box.getAttribute("data-panel"));
    var status = document.getElementById(box.getAttribute("data-status"));
    var graph;
    try {
      graph = await getJson(box.getAttribute("data-graph-url"));
    } catch (err) {
      status.textContent = err.message;
      return;
    }
    status.textContent = graph.nodes.length + " nodes and " + graph.edges.length + " links drawn" +
      (graph.truncated ? " of " + graph.total_nodes + " nodes (persons first, then the busiest numbers;" +
        " narrow the filters to see the rest)" : "") + ".";
    if (!graph.nodes.length) {
      return;
    }
    box.classList.add("comms-graph-live");
    var cy = window.cytoscape({
      container: box, elements: elements(graph), style: style(graph.edges.length > 600), wheelSensitivity: 0.3, maxZoom: 1.6,
      layout: layout(graph)
    });
    window.dastavezGraph = cy;
    var edgeUrl = box.getAttribute("data-edge-url");

    cy.on("tap", "edge", function (event) {
      var data = event.target.data();
      var load = async function (offset) {
        var url = edgeUrl + "&a=" + encodeURIComponent(data.source) + "&b=" + encodeURIComponent(data.target) +
          "&offset=" + offset;
        panel.setAttribute("aria-busy", "true");
        try {
          edgePanel(panel, await getJson(url), load);
        } catch (err) {
          failure(panel, err.message);
        } finally {
          panel.removeAttribute("aria-busy");
        }
      };
      load(0);
    });
    cy.on("tap", "node", function (event) { nodePanel(panel, event.target); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("comms-graph");
    if (box && window.cytoscape && window.fetch) {
      start(box);
    }
  });
})();
