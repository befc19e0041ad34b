/* govkg viewer: draws a page's graph with vis-network and wires the search box, the kind
   and status filters, the details panel, neighbour highlighting and PNG export.

   Safety: every string from the data reaches the page through textContent, an
   attribute set by the DOM (href, which the renderer has already limited to relative
   and http(s) links), or vis-network, which draws labels on the canvas and writes
   string tooltips with innerText. Nothing here uses innerHTML.

   Tests and tools read window.kgReady (true once the graph is drawn and settled; also
   <html data-kg-ready="true">, for waiting on a selector) and window.kgView (the network, its DataSets and the functions below). */
(function () {
  "use strict";
  window.kgReady = false;

  /* Table filters work on every page, with or without a graph. */
  document.querySelectorAll("input.table-filter").forEach(function (input) {
    var table = document.getElementById(input.dataset.table);
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      table.querySelectorAll("tbody tr").forEach(function (row) {
        row.hidden = query !== "" && row.textContent.toLowerCase().indexOf(query) < 0;
      });
    });
  });

  var source = document.getElementById("kg-data");
  if (!source || typeof vis === "undefined") {
    window.kgReady = true;
    document.documentElement.dataset.kgReady = "true";
    return;
  }
  var data = JSON.parse(source.textContent);
  var container = document.getElementById("kg-graph");
  var panel = document.getElementById("kg-details");
  var status = document.getElementById("kg-status");
  var hint = panel.firstElementChild;
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var edgeById = {};
  data.edges.forEach(function (e) { edgeById[e.id] = e; });
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);

  /* ---- small DOM helpers (text only) ---- */
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function legendColour(kind) {
    var box = document.querySelector('input[data-kind="' + CSS.escape(kind) + '"]');
    var shape = box && box.parentNode.querySelector("svg [fill]");
    return shape ? shape.getAttribute("fill") : "#999999";
  }
  function legendText(selector, fallback) {
    var box = document.querySelector(selector);
    return box ? box.parentNode.querySelector("span").textContent : fallback;
  }

  /* ---- ready: drawn, and settled when physics is on ---- */
  function markReady() {
    if (window.kgReady) return;
    document.getElementById("kg-loading").hidden = true;
    window.kgReady = true;
    document.documentElement.dataset.kgReady = "true"; // for waiting on a selector
    performance.mark("kg-ready"); // navigation → usable, read by benchmarks/bench_views.py
    container.dispatchEvent(new CustomEvent("kg-ready"));
  }
  if (data.physics) {
    network.on("stabilizationProgress", function (p) {
      document.getElementById("kg-progress").textContent = Math.round(100 * p.iterations / p.total) + "%";
    });
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: false }); // settled: stop moving, stop using the CPU
      network.fit();
      network.once("afterDrawing", markReady);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", markReady);
    network.fit();
    network.redraw();
  }

  /* A white background, so a saved PNG is not transparent. */
  network.on("beforeDrawing", function (ctx) {
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.restore();
  });

  /* ---- highlight: keep a node and its neighbours, dim the rest ---- */
  var DIM_NODE = { background: "#e9ecef", border: "#e9ecef",
                   highlight: { background: "#e9ecef", border: "#adb5bd" },
                   hover: { background: "#e9ecef", border: "#adb5bd" } };
  var FONT = { color: "#212529", strokeWidth: 3 };
  /* on a big view, the labels and edges of thousands of dimmed nodes would still fog the
     picture: there they vanish */
  var DIM_FONT = { color: data.big ? "rgba(0,0,0,0)" : "rgba(120,130,140,0.3)", strokeWidth: 0 };
  var DIM_EDGE = { color: data.big ? "rgba(190,198,208,0.08)" : "rgba(190,198,208,0.25)",
                   highlight: "#212529", hover: "#495057", inherit: false };
  var dimmed = false;
  function highlight(keepNodes, keepEdges) {
    var n = new Set(keepNodes), e = new Set(keepEdges);
    nodes.update(data.nodes.map(function (d) {
      return n.has(d.id) ? { id: d.id, color: d.color, font: FONT }
                         : { id: d.id, color: DIM_NODE, font: DIM_FONT };
    }));
    edges.update(data.edges.map(function (d) {
      return e.has(d.id) ? { id: d.id, color: d.color, font: { color: "#495057" } }
                         : { id: d.id, color: DIM_EDGE, font: { color: "rgba(0,0,0,0)" } };
    }));
    dimmed = true;
  }
  function restore() {
    if (!dimmed) return;
    nodes.update(data.nodes.map(function (d) { return { id: d.id, color: d.color, font: FONT }; }));
    edges.update(data.edges.map(function (d) { return { id: d.id, color: d.color, font: { color: "#495057" } }; }));
    dimmed = false;
  }

  /* ---- details panel ---- */
  /* Evidence rows ("evidence 证据 …") come first, as quotes: they are what a reader
     clicked a line for. */
  var EVIDENCE = /^evidence|证据/i;
  function showPanel(badgeText, badgeColour, heading, rows, link, linkText) {
    panel.replaceChildren();
    var badge = el("span", "badge", badgeText);
    badge.style.background = badgeColour;
    panel.append(badge, el("h2", null, heading));
    rows.filter(function (row) { return EVIDENCE.test(row[0]) && row[1]; }).forEach(function (row) {
      var quote = el("blockquote", "evidence");
      quote.append(el("span", "field", row[0]), el("q", null, row[1]));
      panel.append(quote);
    });
    if (link) {
      var a = el("a", "open", linkText);
      a.href = link;
      panel.append(a);
    }
    var rest = rows.filter(function (row) { return !(EVIDENCE.test(row[0]) && row[1]); });
    if (rest.length) {
      var dl = el("dl");
      rest.forEach(function (row) { dl.append(el("dt", null, row[0]), el("dd", null, row[1])); });
      panel.append(dl);
    }
  }
  function selectNode(id) {
    var d = byId[id];
    if (!d) return false;
    var around = network.getConnectedNodes(id);
    highlight([id].concat(around), network.getConnectedEdges(id));
    network.selectNodes([id]);
    var kindText = legendText('input[data-kind="' + CSS.escape(d.kind) + '"]', d.kind);
    var rows = d.grp ? [["group 分组", d.grp]].concat(d.details) : d.details;
    showPanel(kindText, legendColour(d.kind), d.label, rows, d.url, "Open its page 打开页面 →");
    if (around.length) {
      panel.append(el("h3", null, "Connected 相连 (" + around.length + ")"));
      var list = el("ul", "neighbours");
      around.slice(0, 60).forEach(function (other) {
        var item = el("li"), button = el("button", null, byId[other].label);
        button.type = "button";
        button.addEventListener("click", function () { focusNode(other); });
        item.append(button);
        list.append(item);
      });
      panel.append(list);
    }
    return true;
  }
  function selectEdge(id) {
    var d = edgeById[id];
    if (!d) return false;
    highlight([d.from, d.to], [id]);
    network.selectEdges([id]);
    var badge = d.status ? legendText('input[data-status="' + CSS.escape(d.status) + '"]', d.status) : d.kind;
    var colour = d.status ? d.color.color : "#5f6b7a";
    var rows = [["relation 关系", d.kind]].concat(d.label ? [["label 标注", d.label]] : [], d.details);
    showPanel(badge, colour, byId[d.from].label + " → " + byId[d.to].label, rows, d.url,
              "Source document 来源文件 →");
    return true;
  }
  function clearSelection() {
    restore();
    network.unselectAll();
    panel.replaceChildren(hint);
  }
  network.on("click", function (params) {
    if (params.nodes.length) selectNode(params.nodes[0]);
    else if (params.edges.length) selectEdge(params.edges[0]);
    else clearSelection();
  });
  /* vis-network 9 leaves its tooltip up when the pointer leaves the drawing: close it */
  container.addEventListener("mouseleave", function () {
    var handler = network.interactionHandler;
    if (handler) clearTimeout(handler.popupTimer); // a tooltip due after the pointer left
    if (handler && handler.popup) {
      handler.popup.hide();
      handler.popupObj = undefined;
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") clearSelection();
  });

  /* ---- filters: node kinds and adoption statuses ---- */
  var hiddenKinds = new Set();
  function setKind(kind, visible) {
    if (visible) hiddenKinds.delete(kind); else hiddenKinds.add(kind);
    var box = document.querySelector('input[data-kind="' + CSS.escape(kind) + '"]');
    if (box) box.checked = visible;
    nodes.update(data.nodes.filter(function (d) { return d.kind === kind; })
      .map(function (d) { return { id: d.id, hidden: !visible }; }));
  }
  function setStatus(value, visible) {
    var box = document.querySelector('input[data-status="' + CSS.escape(value) + '"]');
    if (box) box.checked = visible;
    edges.update(data.edges.filter(function (d) { return d.status === value; })
      .map(function (d) { return { id: d.id, hidden: !visible }; }));
  }
  document.querySelectorAll("input[data-kind]").forEach(function (box) {
    box.addEventListener("change", function () { setKind(box.dataset.kind, box.checked); });
  });
  document.querySelectorAll("input[data-status]").forEach(function (box) {
    box.addEventListener("change", function () { setStatus(box.dataset.status, box.checked); });
  });

  /* ---- search: exact name first, then names containing the text; Enter again cycles ---- */
  var lastQuery = "", lastHit = -1;
  function focusNode(id) {
    var d = byId[id];
    if (!d) return false;
    if (hiddenKinds.has(d.kind)) setKind(d.kind, true);
    selectNode(id);
    network.focus(id, { scale: Math.max(network.getScale(), 1.1),
                        animation: { duration: 450, easingFunction: "easeInOutQuad" } });
    return true;
  }
  function search(text) {
    var query = String(text).trim().toLowerCase();
    if (!query) { status.textContent = ""; return null; }
    var exact = data.nodes.filter(function (d) { return d.label.toLowerCase() === query; });
    var hits = exact.length ? exact : data.nodes.filter(function (d) {
      return d.label.toLowerCase().indexOf(query) >= 0;
    });
    if (!hits.length) {
      status.textContent = "No match 未找到: " + text;
      return null;
    }
    lastHit = query === lastQuery ? (lastHit + 1) % hits.length : 0;
    lastQuery = query;
    var hit = hits[lastHit];
    status.textContent = hits.length > 1 ? (lastHit + 1) + " / " + hits.length + " (Enter for next 回车下一个)" : "";
    focusNode(hit.id);
    return hit.id;
  }
  var input = document.getElementById("kg-search-input");
  document.getElementById("kg-search").addEventListener("submit", function (event) {
    event.preventDefault();
    search(input.value);
  });
  input.addEventListener("input", function (event) {
    /* choosing a suggestion from the list focuses it at once */
    if (event.inputType === "insertReplacementText") search(input.value);
  });

  /* ---- toolbar: fit and PNG ---- */
  document.getElementById("kg-fit").addEventListener("click", function () {
    network.fit({ animation: { duration: 400, easingFunction: "easeInOutQuad" } });
  });
  function savePng() {
    var canvas = container.querySelector("canvas");
    var url = canvas.toDataURL("image/png");
    var link = document.getElementById("kg-png-link");
    link.href = url;
    link.click();
    return url;
  }
  document.getElementById("kg-png").addEventListener("click", savePng);

  window.kgView = { network: network, nodes: nodes, edges: edges, data: data, search: search,
                    focusNode: focusNode, selectNode: selectNode, selectEdge: selectEdge,
                    clearSelection: clearSelection, setKind: setKind, setStatus: setStatus, savePng: savePng };
})();
