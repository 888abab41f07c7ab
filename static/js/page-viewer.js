// The page viewer: the printed page as deep-zoom tiles (OpenSeadragon, vendored under
// static/vendor/) with each story's areas as links over the image. Without this script
// the page shows its plain image and the list of stories beside it; the list stays the
// keyboard's way to the stories (the areas over the image are for the mouse and touch).
// ?area=<story id> marks that story's areas and zooms to them.
(function () {
  "use strict";

  function start() {
    var holder = document.getElementById("page-viewer");
    if (!holder || typeof OpenSeadragon === "undefined") return;
    var width = Number(holder.dataset.width);
    var height = Number(holder.dataset.height);
    var links = Array.prototype.slice.call(document.querySelectorAll(".page-areas__link"));
    var marked = new URLSearchParams(window.location.search).get("area");

    holder.classList.add("page-viewer--zoomable");
    // OpenSeadragon's own buttons say their names in English: in Chinese here.
    var names = { ZoomIn: "放大", ZoomOut: "缩小", Home: "复位", FullPage: "全屏" };
    Object.keys(names).forEach(function (key) {
      OpenSeadragon.setString("Tooltips." + key, names[key]);
    });
    // OpenSeadragon adds an inline <style> to the head (a focus-outline rule, in
    // page-viewer.css here), which the CSP refuses and reports: it is left out.
    document.head.appendChild = function (node) {
      if (node.hasAttribute && node.hasAttribute("data-openseadragon-mobile-css")) return node;
      return Node.prototype.appendChild.call(this, node);
    };
    var viewer;
    try {
      viewer = OpenSeadragon({
        element: holder,
        prefixUrl: holder.dataset.icons,
        tileSources: {
          width: width,
          height: height,
          tileSize: Number(holder.dataset.tileSize),
          tileOverlap: Number(holder.dataset.overlap),
          minLevel: 8,
          getTileUrl: function (level, x, y) {
            return holder.dataset.tiles + level + "/" + x + "_" + y + ".jpg";
          },
        },
        showNavigator: false,
        visibilityRatio: 0.5,
        gestureSettingsMouse: { clickToZoom: false },
        gestureSettingsTouch: { clickToZoom: false },
        navPrevNextWrap: false,
      });
    } finally {
      delete document.head.appendChild;
    }

    var overlaysOf = {};
    var markedBounds = null;
    var aspect = height / width; // OpenSeadragon's viewport: the image is 1 wide
    links.forEach(function (link) {
      var story = link.dataset.story;
      overlaysOf[story] = [];
      (link.dataset.areas || "").split(";").forEach(function (text) {
        var box = text.split(",").map(Number);
        if (box.length !== 4 || box.some(isNaN)) return;
        var area = document.createElement("a");
        area.href = link.href;
        area.className = "page-area";
        area.title = link.textContent;
        // The list beside the image is the keyboard's and screen readers' way in.
        area.tabIndex = -1;
        area.setAttribute("aria-hidden", "true");
        area.dataset.story = story;
        var rect = new OpenSeadragon.Rect(box[0], box[1] * aspect, box[2], box[3] * aspect);
        viewer.addOverlay({ element: area, location: rect });
        overlaysOf[story].push(area);
        if (story === marked) {
          markedBounds = markedBounds ? markedBounds.union(rect) : rect;
        }
        // OpenSeadragon takes pointer presses on the image for dragging: a click (a
        // press without a drag) on an area opens its story.
        new OpenSeadragon.MouseTracker({
          element: area,
          clickHandler: function (event) {
            if (event.quick) window.location.href = area.href;
          },
          enterHandler: function () { highlight(story, true); },
          leaveHandler: function () { highlight(story, false); },
        });
      });
      link.addEventListener("mouseenter", function () { highlight(story, true); });
      link.addEventListener("mouseleave", function () { highlight(story, false); });
      link.addEventListener("focus", function () { highlight(story, true); });
      link.addEventListener("blur", function () { highlight(story, false); });
      if (story === marked) {
        link.classList.add("is-marked");
        link.setAttribute("aria-current", "true");
      }
    });

    function highlight(story, on) {
      (overlaysOf[story] || []).forEach(function (area) {
        area.classList.toggle("is-active", on);
      });
      links.forEach(function (link) {
        if (link.dataset.story === story) link.classList.toggle("is-active", on);
      });
    }

    if (marked && overlaysOf[marked]) {
      overlaysOf[marked].forEach(function (area) { area.classList.add("is-marked"); });
      if (markedBounds) {
        viewer.addOnceHandler("open", function () {
          var b = markedBounds;
          var margin = Math.max(b.width, b.height) * 0.2;
          viewer.viewport.fitBoundsWithConstraints(
            new OpenSeadragon.Rect(b.x - margin, b.y - margin, b.width + 2 * margin, b.height + 2 * margin),
            true
          );
        });
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
