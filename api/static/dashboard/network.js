// The network view: Cytoscape.js over the dashboard's network.json (same origin, same
// session cookie). Select a node to see what it is; Expand adds a person's own links;
// Open goes to their record. Everything in the picture is also in the table below it.
(function () {
  "use strict";
  var box = document.getElementById("network");
  var data = JSON.parse(document.getElementById("network-data").textContent);
  var base = box.getAttribute("data-json-base");
  var purpose = box.getAttribute("data-purpose");
  var focus = box.getAttribute("data-focus");
  var selection = document.getElementById("network-selection");
  var expanded = {};

  var cy = cytoscape({
    container: box,
    elements: data.nodes.concat(data.edges),
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: { "label": "data(label)", "font-size": 11, "text-wrap": "wrap", "text-max-width": 120,
        "text-valign": "bottom", "text-margin-y": 4, "color": "#0b0c0c", "background-color": "#1d70b8",
        "border-width": 1, "border-color": "#0b0c0c", "width": 26, "height": 26 } },
      { selector: "node[kind = 'household']", style: { "shape": "round-rectangle", "background-color": "#00703c" } },
      { selector: "node[kind = 'address']", style: { "shape": "round-rectangle", "background-color": "#f47738" } },
      { selector: "node[kind = 'organisation'], node[kind = 'record']", style: { "shape": "diamond", "background-color": "#505a5f" } },
      { selector: "node[?focus]", style: { "background-color": "#d4351c", "width": 36, "height": 36, "font-weight": "bold" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#fd0" } },
      { selector: "edge", style: { "width": 2, "line-color": "#6f777b", "curve-style": "bezier", "label": "data(label)",
        "font-size": 9, "color": "#484949", "text-rotation": "autorotate", "text-background-color": "#fff",
        "text-background-opacity": 1 } }
    ],
    maxZoom: 2.5,
    minZoom: 0.2
  });
  // The person in the middle, then people, then households and addresses around them.
  function rank(node) {
    return node.data("focus") ? 2 : 1;
  }
  function settle() {
    cy.layout({ name: "concentric", animate: false, padding: 40, minNodeSpacing: 90, concentric: rank,
                levelWidth: function () { return 1; }, avoidOverlap: true, startAngle: Math.PI / 6 }).run();
    cy.fit(undefined, 40);
    if (cy.zoom() > 1.4) { cy.zoom(1.4); cy.center(); }
  }
  settle();

  function personUrl(key, suffix) {
    return base + encodeURIComponent(key) + (suffix || "");
  }

  function show(node) {
    var d = node.data();
    selection.innerHTML = "";
    var p = document.createElement("p");
    p.className = "govuk-body govuk-!-font-weight-bold";
    p.textContent = d.label;
    selection.appendChild(p);
    var kind = document.createElement("p");
    kind.className = "govuk-body-s";
    kind.textContent = d.kind.charAt(0).toUpperCase() + d.kind.slice(1);
    selection.appendChild(kind);
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

  function grow(key) {
    if (expanded[key]) { return; }
    expanded[key] = true;
    selection.setAttribute("aria-busy", "true");
    // The purpose travels in a header, never in the URL.
    fetch(personUrl(key, "/network.json"), { credentials: "same-origin",
      headers: { "Accept": "application/json", "X-AIM-Purpose": purpose } })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (more) {
        var added = cy.collection();
        more.nodes.forEach(function (n) {
          n.data.focus = false;
          if (cy.getElementById(n.data.id).empty()) { added = added.union(cy.add(n)); addRow(n.data); }
        });
        more.edges.forEach(function (e) { if (cy.getElementById(e.data.id).empty()) { added = added.union(cy.add(e)); } });
        settle();
        box.setAttribute("data-expanded", Object.keys(expanded).join(" "));
        var node = cy.getElementById("person:" + key);
        if (node.nonempty()) { show(node); }
        selection.removeAttribute("aria-busy");
        announce(added.nodes().length + " new item(s) added to the network.");
      })
      .catch(function (err) { expanded[key] = false; selection.removeAttribute("aria-busy"); announce("Could not expand: " + err.message); });
  }

  function announce(text) {
    var p = document.createElement("p");
    p.className = "govuk-body-s";
    p.textContent = text;
    selection.appendChild(p);
  }

  function addRow(d) {
    var tbody = document.querySelector("#network-list tbody");
    var tr = document.createElement("tr");
    tr.className = "govuk-table__row";
    tr.setAttribute("data-node", d.id);
    [d.label, d.kind.charAt(0).toUpperCase() + d.kind.slice(1)].forEach(function (text) {
      var td = document.createElement("td"); td.className = "govuk-table__cell"; td.textContent = text; tr.appendChild(td);
    });
    var actions = document.createElement("td");
    actions.className = "govuk-table__cell";
    if (d.kind === "person") {
      var a = document.createElement("a"); a.className = "govuk-link"; a.href = personUrl(d.key); a.textContent = "Open";
      actions.appendChild(a);
      var b = document.createElement("button"); b.type = "button"; b.className = "govuk-button govuk-button--secondary aim-small-button";
      b.textContent = "Expand"; b.setAttribute("data-expand", d.key); actions.appendChild(b);
    }
    tr.appendChild(actions);
    tbody.appendChild(tr);
  }

  cy.on("tap", "node", function (evt) { show(evt.target); });
  cy.on("dbltap", "node[kind = 'person']", function (evt) { grow(evt.target.data("key")); });
  document.getElementById("network-list").addEventListener("click", function (evt) {
    var key = evt.target.closest("[data-expand]");
    if (key) { grow(key.getAttribute("data-expand")); key.disabled = true; }
  });
  var start = cy.getElementById(focus);
  if (start.nonempty()) { start.select(); show(start); expanded[start.data("key")] = true; }
  box.setAttribute("data-ready", "true");
})();
