// The network view: Cytoscape.js over the dashboard's network.json (same origin, same
// session cookie). Expand (a button in the table or beside the selected person, or a
// double-click) adds a person's links at the screen's depth and period; each expansion is
// a read of its own on the server (purpose, quota, audit). The picture is a tidy tree from
// the person (left to right, or top down when that draws it larger): one column per step,
// one row per leaf, so that no two labels meet; the table below holds the same nodes and
// every link in words.
(function () {
  "use strict";
  var box = document.getElementById("network");
  var data = JSON.parse(document.getElementById("network-data").textContent);
  var base = box.getAttribute("data-json-base");
  var purpose = box.getAttribute("data-purpose");
  var focus = box.getAttribute("data-focus");
  var query = new URLSearchParams({ depth: box.getAttribute("data-depth") || "1",
                                    from: box.getAttribute("data-from") || "",
                                    to: box.getAttribute("data-to") || "" }).toString();
  var selection = document.getElementById("network-selection");
  var status = document.getElementById("network-status");
  var expanded = {};
  var EDGE_LABEL = { width: 90, height: 24 };  // an edge label's largest box (text-max-width 90, two lines)
  var KIND_RANK = { household: 0, address: 1, person: 2 };

  var cy = cytoscape({
    container: box,
    elements: data.nodes.concat(data.edges),
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: { "label": "data(label)", "font-size": 11, "text-wrap": "wrap", "text-max-width": 140,
        "text-valign": "bottom", "text-margin-y": 3, "color": "#0b0c0c", "background-color": "#1d70b8",
        "text-background-color": "#fff", "text-background-opacity": 0.9, "text-background-padding": 1,
        "border-width": 1, "border-color": "#0b0c0c", "width": 24, "height": 24 } },
      { selector: "node[kind = 'household']", style: { "shape": "round-rectangle", "background-color": "#00703c" } },
      { selector: "node[kind = 'address']", style: { "shape": "round-rectangle", "background-color": "#f47738" } },
      { selector: "node[rag = 'red']", style: { "border-width": 4, "border-color": "#d4351c" } },
      { selector: "node[rag = 'amber']", style: { "border-width": 4, "border-color": "#f47738" } },
      { selector: "node[rag = 'green']", style: { "border-width": 4, "border-color": "#00703c" } },
      { selector: "node[?focus]", style: { "background-color": "#4c2c92", "width": 32, "height": 32, "font-weight": "bold" } },
      { selector: "node.aim-down", style: { "text-halign": "right", "text-valign": "center", "text-margin-x": 4,
        "text-margin-y": 0, "text-justification": "left" } },
      { selector: "node:selected", style: { "overlay-color": "#fd0", "overlay-opacity": 0.35, "overlay-padding": 5 } },
      { selector: "edge", style: { "width": 2, "line-color": "#6f777b", "curve-style": "straight", "label": "data(label)",
        "font-size": 9, "color": "#484949", "text-wrap": "wrap", "text-max-width": 90,
        "text-background-color": "#fff", "text-background-opacity": 1, "text-background-padding": 1 } },
      { selector: "edge[type = 'SHARED_EVENT']", style: { "line-style": "dashed", "line-color": "#d4351c" } },
      // A link outside the tree may cross it: dotted, its words in the table (not on the line).
      { selector: "edge.aim-cross", style: { "label": "", "line-style": "dotted" } }
    ],
    maxZoom: 1.6,
    minZoom: 0.2
  });

  function rank(a, b) {
    var ka = KIND_RANK[a.data("kind")], kb = KIND_RANK[b.data("kind")];
    return ka !== kb ? ka - kb : String(a.data("name")).localeCompare(String(b.data("name")));
  }

  // Breadth first from the person: each node's column is its distance; its children are
  // the nodes it reaches first. Leaves take the next free row, a parent sits midway
  // between its first and last child, so no two nodes share a place in a column.
  function tidy() {
    var column = {}, children = {}, seen = {}, rows = { next: 0 }, positions = {};
    cy.edges().removeClass("aim-cross");
    var tree = {};
    function spread(start) {
      var queue = [start];
      seen[start.id()] = true;
      column[start.id()] = 0;
      while (queue.length) {
        var node = queue.shift();
        children[node.id()] = [];
        node.connectedEdges().forEach(function (edge) {
          var other = edge.source().id() === node.id() ? edge.target() : edge.source();
          if (!seen[other.id()]) { seen[other.id()] = true; tree[edge.id()] = true; children[node.id()].push(other); }
        });
        children[node.id()].sort(rank).forEach(function (child) {
          column[child.id()] = column[node.id()] + 1;
          queue.push(child);
        });
      }
    }
    function place(node) {  // in steps and leaves; scaled below
      var kids = children[node.id()];
      if (!kids.length) {
        positions[node.id()] = { step: column[node.id()], leaf: rows.next };
        rows.next += 1;
        return;
      }
      kids.forEach(place);
      positions[node.id()] = { step: column[node.id()],
                               leaf: (positions[kids[0].id()].leaf + positions[kids[kids.length - 1].id()].leaf) / 2 };
    }
    var start = cy.getElementById(focus);
    var roots = start.nonempty() ? [start] : [];
    cy.nodes().sort(rank).forEach(function (node) { if (node !== start && !seen[node.id()]) { roots.push(node); } });
    roots.forEach(function (root) { if (!seen[root.id()]) { spread(root); place(root); } });
    cy.edges().forEach(function (edge) { if (!tree[edge.id()]) { edge.addClass("aim-cross"); } });
    // Whichever way round lets the picture be drawn larger in the box.
    var steps = Math.max.apply(null, Object.keys(column).map(function (id) { return column[id]; })) + 1;
    var across = spacing(false), down = spacing(true);
    var way = scale(down, steps, rows.next) > scale(across, steps, rows.next) ? down : across;
    cy.nodes().toggleClass("aim-down", way === down);
    cy.layout({ name: "preset", fit: true, padding: 30, animate: false, positions: function (node) {
      var at = positions[node.id()];
      return way === down ? { x: at.leaf * way.leaf, y: at.step * way.step } : { x: at.step * way.step, y: at.leaf * way.leaf };
    } }).run();
    if (cy.zoom() > 1.2) { cy.zoom(1.2); cy.center(); }
  }
  // The distance between steps and between leaves, from the largest node-and-label box:
  // across, labels sit under their nodes and an edge label fits between two columns; down,
  // labels sit to the right and an edge label fits between two levels (and, fanned out,
  // between two siblings' edges).
  function spacing(down) {
    var width = 0, height = 0;
    cy.nodes().toggleClass("aim-down", down);
    cy.nodes().forEach(function (node) {
      var b = node.boundingBox({ includeLabels: true, includeOverlays: false });
      width = Math.max(width, b.w);
      height = Math.max(height, b.h);
    });
    return down ? { down: true, step: height + 2 * EDGE_LABEL.height, leaf: Math.max(width + 20, 2 * EDGE_LABEL.width + 20) }
                : { down: false, step: width + EDGE_LABEL.width + 20, leaf: height + 10 };
  }
  function scale(way, steps, leaves) {
    var wide = way.down ? leaves * way.leaf : steps * way.step, tall = way.down ? steps * way.step : leaves * way.leaf;
    return Math.min(box.clientWidth / wide, box.clientHeight / tall);
  }
  tidy();

  function personUrl(key, suffix) {
    return base + encodeURIComponent(key) + (suffix || "");
  }

  function paragraph(parent, text, className) {
    var p = document.createElement("p");
    p.className = className || "govuk-body-s";
    p.textContent = text;
    parent.appendChild(p);
    return p;
  }

  function show(node) {
    var d = node.data();
    selection.innerHTML = "";
    paragraph(selection, d.name, "govuk-body govuk-!-font-weight-bold");
    paragraph(selection, [d.kind.charAt(0).toUpperCase() + d.kind.slice(1), d.activity, d.alert]
      .filter(Boolean).join(" · "));
    if (d.kind === "person") {
      var open = document.createElement("a");
      open.className = "govuk-link";
      open.href = personUrl(d.key);
      open.textContent = "Open record";
      open.id = "network-open";
      selection.appendChild(open);
      var expand = document.createElement("button");
      expand.type = "button";
      expand.className = "govuk-button govuk-button--secondary aim-small-button";
      expand.textContent = expanded[d.key] ? "Expanded" : "Expand";
      expand.disabled = !!expanded[d.key];
      expand.id = "network-expand";
      expand.addEventListener("click", function () { grow(d.key); });
      selection.appendChild(expand);
    } else if (d.kind === "household") {
      var house = document.createElement("a");
      house.className = "govuk-link";
      house.href = "/dashboard/households/" + encodeURIComponent(d.key);
      house.textContent = "Open household";
      selection.appendChild(house);
    }
  }

  function markExpanded(key) {
    expanded[key] = true;
    document.querySelectorAll("#network-list [data-expand]").forEach(function (button) {
      if (button.getAttribute("data-expand") === key) {
        button.disabled = true;
        button.firstChild.textContent = "Expanded";
      }
    });
    box.setAttribute("data-expanded", Object.keys(expanded).join(" "));
  }

  function grow(key) {
    if (expanded[key]) { return; }
    markExpanded(key);
    status.textContent = "Expanding…";
    // The purpose travels in a header, never in the URL.
    fetch(personUrl(key, "/network.json?" + query), { credentials: "same-origin",
      headers: { "Accept": "application/json", "X-AIM-Purpose": purpose } })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (more) {
        var added = 0;
        more.nodes.forEach(function (n) {
          n.data.focus = false;
          var known = cy.getElementById(n.data.id);
          if (known.empty()) { cy.add(n); addRow(n.data); added += 1; } else { addLinks(known, n.data.links); }
        });
        more.edges.forEach(function (e) { if (cy.getElementById(e.data.id).empty()) { cy.add(e); } });
        tidy();
        var node = cy.getElementById("person:" + key);
        if (node.nonempty()) { cy.nodes().unselect(); node.select(); show(node); }
        status.textContent = added + " new item(s) added to the network.";
        box.setAttribute("data-added", String(added));
      })
      .catch(function (err) {
        expanded[key] = false;
        status.textContent = "Could not expand: " + err.message;
      });
  }

  function addLinks(node, links) {
    var known = node.data("links") || [];
    var fresh = (links || []).filter(function (link) { return known.indexOf(link) < 0; });
    if (!fresh.length) { return; }
    node.data("links", known.concat(fresh));
    var list = document.querySelector("#network-list tr[data-node='" + CSS.escape(node.id()) + "'] ul");
    if (list) { fresh.forEach(function (link) { item(list, link); }); }
  }

  function item(list, text) {
    var li = document.createElement("li");
    li.textContent = text;
    list.appendChild(li);
  }

  function cell(tr) {
    var td = document.createElement("td");
    td.className = "govuk-table__cell";
    tr.appendChild(td);
    return td;
  }

  function addRow(d) {
    var tr = document.createElement("tr");
    tr.className = "govuk-table__row";
    tr.setAttribute("data-node", d.id);
    var who = cell(tr);
    var name = document.createElement("strong");
    name.textContent = d.name;
    who.appendChild(name);
    who.appendChild(document.createElement("br"));
    var kind = document.createElement("span");
    kind.className = "govuk-body-s";
    kind.textContent = d.kind.charAt(0).toUpperCase() + d.kind.slice(1);
    who.appendChild(kind);
    var list = document.createElement("ul");
    list.className = "govuk-list govuk-body-s";
    (d.links || []).forEach(function (link) { item(list, link); });
    cell(tr).appendChild(list);
    cell(tr).textContent = d.activity || "";
    var alert = cell(tr);
    if (d.alert) {
      var tag = document.createElement("strong");
      tag.className = "govuk-tag " + ({ red: "govuk-tag--red", amber: "govuk-tag--orange", green: "govuk-tag--green" }[d.rag] || "");
      tag.textContent = d.alert;
      alert.appendChild(tag);
    }
    var actions = cell(tr);
    if (d.kind === "person" || d.kind === "household") {
      var a = document.createElement("a");
      a.className = "govuk-link";
      a.href = d.kind === "person" ? personUrl(d.key) : "/dashboard/households/" + encodeURIComponent(d.key);
      a.textContent = "Open";
      actions.appendChild(a);
    }
    if (d.kind === "person") {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "govuk-button govuk-button--secondary aim-small-button";
      b.setAttribute("data-expand", d.key);
      b.appendChild(document.createTextNode("Expand"));
      var hidden = document.createElement("span");
      hidden.className = "govuk-visually-hidden";
      hidden.textContent = " " + d.name;
      b.appendChild(hidden);
      actions.appendChild(document.createTextNode(" "));
      actions.appendChild(b);
    }
    document.querySelector("#network-list tbody").appendChild(tr);
  }

  cy.on("tap", "node", function (evt) { show(evt.target); });
  cy.on("dbltap", "node[kind = 'person']", function (evt) { grow(evt.target.data("key")); });
  document.getElementById("network-list").addEventListener("click", function (evt) {
    var button = evt.target.closest("[data-expand]");
    if (button && !button.disabled) { grow(button.getAttribute("data-expand")); }
  });
  var start = cy.getElementById(focus);
  if (start.nonempty()) { show(start); markExpanded(start.data("key")); }
  box.aimNetwork = cy;  // for the browser tests' check that no two labels meet
  box.setAttribute("data-ready", "true");
})();
