// hcc-kg web page: catalog filtering, the term type-ahead, and sorting the evidence table.
// Plain JavaScript, no library, nothing loaded from outside; every page also works without it.
(function () {
  "use strict";

  // Catalog: filter the list as one types (the form still searches on the server without JS).
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    var items = document.querySelectorAll(input.getAttribute("data-filter"));
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      items.forEach(function (li) {
        var text = (li.getAttribute("data-text") || "").toLowerCase();
        li.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
      });
    });
  });

  // Term type-ahead: suggestions from the branch's terms (English, Chinese labels, synonyms, id).
  function fold(text) { return (text || "").normalize("NFKC").toLowerCase(); }

  document.querySelectorAll("input[data-terms]").forEach(function (input) {
    var terms = JSON.parse(document.getElementById(input.getAttribute("data-terms")).textContent);
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var active = -1;

    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }

    function choose(term) { input.value = term.id; close(); }

    function show() {
      var needle = fold(input.value.trim());
      var found = terms.filter(function (t) {
        var names = [t.id, t.en, t.zh].concat(t.synonyms || []);
        return !needle || names.some(function (n) { return fold(n).indexOf(needle) >= 0; });
      }).slice(0, 15);
      list.innerHTML = "";
      found.forEach(function (t, i) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.id = list.id + "-" + i;
        li.dataset.id = t.id;
        var en = document.createElement("span");
        en.textContent = t.en || t.id;
        li.appendChild(en);
        if (t.zh) { var zh = document.createElement("span"); zh.className = "zh"; zh.lang = "zh"; zh.textContent = t.zh; li.appendChild(zh); }
        var id = document.createElement("span");
        id.className = "id";
        id.textContent = t.id;
        li.appendChild(id);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(t); });
        list.appendChild(li);
      });
      active = -1;
      list.hidden = found.length === 0;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
    }

    function highlight(index) {
      var items = list.querySelectorAll("li");
      if (!items.length) { return; }
      active = (index + items.length) % items.length;
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    input.addEventListener("input", show);
    input.addEventListener("focus", function () { if (input.value === "") { show(); } });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { if (list.hidden) { show(); } highlight(active + 1); event.preventDefault(); }
      else if (event.key === "ArrowUp") { highlight(active - 1); event.preventDefault(); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        var id = list.querySelectorAll("li")[active].dataset.id;
        choose(terms.find(function (t) { return t.id === id; }));
      }
    });
  });

  // Evidence table: sort the shown rows by a column (numbers numerically), toggling direction.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, column) {
      th.querySelector("button").addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column].textContent.trim(), y = b.cells[column].textContent.trim();
          var number = /^-?\d+(\.\d+)?$/;
          var order = number.test(x) && number.test(y) ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
          return ascending ? order : -order;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
