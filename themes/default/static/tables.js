/* Sorting and filtering of the big tables (class "sortable"). The tables read fine without this:
   they are built in a sensible order (by region and town). */
(function () {
  function key(cell, numeric) {
    if (!cell) { return null; }
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    if (!numeric) { return raw; }
    return raw === "" || isNaN(Number(raw)) ? null : Number(raw);
  }
  function sortBy(table, index, th) {
    var body = table.tBodies[0];
    var numeric = th.getAttribute("data-type") === "number";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[index], numeric), y = key(b.cells[index], numeric);
      if (x === null && y === null) { return 0; }
      if (x === null) { return 1; }          /* rows without a value go last either way */
      if (y === null) { return -1; }
      var order = numeric ? x - y : String(x).localeCompare(String(y), "zh-CN");
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  function filterRows(table, text) {
    var needle = text.trim();
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      row.hidden = needle !== "" && row.textContent.indexOf(needle) === -1;
    });
  }
  function filterBox(id, before, tables) {
    var box = document.createElement("div");
    box.className = "table-filter";
    box.innerHTML = '<label for="' + id + '">筛选表格（输入镇名或地区）</label><input type="search" id="' + id + '">';
    before.parentNode.insertBefore(box, before);
    box.querySelector("input").addEventListener("input", function (event) {
      tables.forEach(function (table) { filterRows(table, event.target.value); });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter-all]"), function (scope, n) {
    var tables = Array.prototype.slice.call(scope.querySelectorAll("table.sortable"));
    if (tables.length && scope.firstElementChild) { filterBox("filter-all-" + n, scope.firstElementChild, tables); }
  });
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table, n) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      button.setAttribute("title", "按此列排序");
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, index, th); });
    });
    if (!table.closest("[data-filter-all]")) { filterBox("filter-" + n, table.closest(".table-scroll") || table, [table]); }
  });
})();
