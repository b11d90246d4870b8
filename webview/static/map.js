// The web view's maps: every <div class="map" data-tiles data-attribution data-points> becomes a Leaflet
// map with a marker per point ({lat, lon, label, href}). No inline script (the CSP allows none): the
// page carries its data in attributes. Without Leaflet or tiles the page keeps its coordinates as text.
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  document.querySelectorAll("div.map[data-points]").forEach(function (box) {
    var points = JSON.parse(box.getAttribute("data-points") || "[]");
    if (!points.length) { return; }
    var map = L.map(box, { scrollWheelZoom: false });
    L.tileLayer(box.getAttribute("data-tiles"), {
      maxZoom: 19, attribution: box.getAttribute("data-attribution") || ""
    }).addTo(map);
    var bounds = [];
    points.forEach(function (p) {
      var label = document.createElement(p.href ? "a" : "span");
      label.textContent = p.label || "";
      if (p.href) { label.href = p.href; }
      L.marker([p.lat, p.lon]).addTo(map).bindPopup(label);
      bounds.push([p.lat, p.lon]);
    });
    if (bounds.length === 1) { map.setView(bounds[0], 16); } else { map.fitBounds(bounds, { padding: [24, 24] }); }
    box.setAttribute("data-ready", "1");
  });
})();
