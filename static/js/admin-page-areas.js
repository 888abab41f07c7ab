// The admin's drawing helper for story areas: drag a rectangle over the page image and
// its position, in fractions of the image (0–1), fills the first empty row of the
// areas inline (a new row is added when none is empty). The rows' areas are drawn over
// the image, numbered as the rows are, and follow their fields as they are edited.
(function () {
  "use strict";

  function round(value) {
    return Math.round(Math.min(1, Math.max(0, value)) * 10000) / 10000;
  }

  function start() {
    var drawer = document.querySelector(".page-area-drawer");
    if (!drawer) return;
    var prefix = drawer.dataset.prefix;
    var image = drawer.querySelector("img");
    var status = document.querySelector(".page-area-drawer__status");
    var names = ["x", "y", "width", "height"];

    function rows() {
      var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
      var found = [];
      for (var i = 0; i < Number(total ? total.value : 0); i++) {
        var fields = names.map(function (name) {
          return document.getElementById("id_" + prefix + "-" + i + "-" + name);
        });
        if (fields.every(Boolean)) found.push({ index: i, fields: fields });
      }
      return found;
    }

    function box(values, label, isNew) {
      var element = document.createElement("div");
      element.className = "page-area-drawer__box" + (isNew ? " is-new" : "");
      element.style.left = values[0] * 100 + "%";
      element.style.top = values[1] * 100 + "%";
      element.style.width = values[2] * 100 + "%";
      element.style.height = values[3] * 100 + "%";
      if (label) {
        var tag = document.createElement("span");
        tag.textContent = label;
        element.appendChild(tag);
      }
      drawer.appendChild(element);
      return element;
    }

    function redraw() {
      drawer.querySelectorAll(".page-area-drawer__box").forEach(function (b) { b.remove(); });
      rows().forEach(function (row, n) {
        var values = row.fields.map(function (f) { return parseFloat(f.value); });
        if (values.some(isNaN)) return;
        var deleted = document.getElementById("id_" + prefix + "-" + row.index + "-DELETE");
        if (deleted && deleted.checked) return;
        box(values, String(n + 1), false);
      });
    }

    function emptyRow(callback) {
      var empty = rows().filter(function (row) {
        return row.fields.every(function (f) { return f.value === ""; });
      })[0];
      if (empty) return callback(empty);
      var add = document.querySelector("#" + prefix + "-group .add-row a");
      if (!add) return callback(null);
      add.click();
      window.setTimeout(function () { callback(emptyRow(function (row) { return row; })); }, 0);
      return undefined;
    }

    var origin = null;
    var drawn = null;

    function point(event) {
      var rect = drawer.getBoundingClientRect();
      return [(event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height];
    }

    function current(event) {
      var end = point(event);
      var left = Math.min(origin[0], end[0]);
      var top = Math.min(origin[1], end[1]);
      return [
        round(left),
        round(top),
        round(Math.min(1, Math.max(origin[0], end[0])) - Math.max(0, left)),
        round(Math.min(1, Math.max(origin[1], end[1])) - Math.max(0, top)),
      ];
    }

    drawer.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      drawer.setPointerCapture(event.pointerId);
      origin = point(event);
      drawn = box([round(origin[0]), round(origin[1]), 0, 0], "", true);
    });
    drawer.addEventListener("pointermove", function (event) {
      if (!origin) return;
      var values = current(event);
      drawn.style.left = values[0] * 100 + "%";
      drawn.style.top = values[1] * 100 + "%";
      drawn.style.width = values[2] * 100 + "%";
      drawn.style.height = values[3] * 100 + "%";
    });
    drawer.addEventListener("pointerup", function (event) {
      if (!origin) return;
      var values = current(event);
      origin = null;
      drawn.remove();
      if (values[2] < 0.005 || values[3] < 0.005) return; // a click, not a rectangle
      emptyRow(function (row) {
        if (!row) return;
        row.fields.forEach(function (field, i) { field.value = values[i]; });
        redraw();
        var story = document.getElementById("id_" + prefix + "-" + row.index + "-article");
        if (story) story.focus();
        if (status) {
          status.textContent = "已填入第 " + (row.index + 1) +
            " 行：请在该行选择报道。";
        }
      });
    });

    document.addEventListener("input", function (event) {
      if (event.target.name && event.target.name.indexOf(prefix + "-") === 0) redraw();
    });
    document.addEventListener("change", function (event) {
      if (event.target.name && event.target.name.indexOf(prefix + "-") === 0) redraw();
    });
    if (image.complete) redraw();
    else image.addEventListener("load", redraw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
