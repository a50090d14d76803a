/* The units map (units/map.html): /api/v1/map/units as clustered circle markers
   on a canvas, coloured by risk; a cluster takes the colour of its riskiest
   unit. Tiles only when JAHESH_MAP_TILE_URL is set (without them the markers
   stand on a plain background). A marker's popup reads the unit from the API
   when it is opened, so the map's data holds only what the markers need. */
(function () {
  "use strict";
  var box = document.getElementById("jh-map");
  if (!box || !window.L) return;
  var COLOURS = { h: "#dc3545", w: "#fd9a00", l: "#198754", n: "#6c757d" };
  var RANK = { h: 3, w: 2, l: 1, n: 0 };
  var map = L.map(box, { preferCanvas: true, minZoom: 4, maxZoom: 18 }).setView([32.5, 53.7], 5);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 18, attribution: "&copy; OpenStreetMap" }).addTo(map);
  }
  var renderer = L.canvas({ padding: 0.5 });
  var clusters = L.markerClusterGroup({
    chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 60,
    iconCreateFunction: function (cluster) {
      var worst = "n";
      cluster.getAllChildMarkers().forEach(function (m) { if (RANK[m.options.risk] > RANK[worst]) worst = m.options.risk; });
      var n = cluster.getChildCount();
      var size = n < 100 ? 34 : n < 1000 ? 42 : 52;
      return L.divIcon({
        html: "<span>" + n.toLocaleString(document.documentElement.lang === "fa" ? "fa-IR" : "en-US") + "</span>",
        className: "jh-cluster jh-cluster-" + (worst === "n" ? "l" : worst), iconSize: [size, size],
      });
    },
  });
  map.addLayer(clusters);
  var count = document.getElementById("jh-map-count");
  count.textContent = box.dataset.loading;

  function popup(marker) {
    var id = marker.options.unitId;
    fetch(box.dataset.unitApi.replace(/0$/, id), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (unit) {
        if (!unit) return;
        var node = document.createElement("div");
        var title = document.createElement("strong");
        title.textContent = unit.name;
        node.appendChild(title);
        var meta = document.createElement("div");
        meta.textContent = unit.county + (unit.address ? " — " + unit.address : "");
        node.appendChild(meta);
        var link = document.createElement("a");
        link.href = box.dataset.unitUrl.replace(/0\/$/, id + "/");
        link.textContent = box.dataset.open;
        node.appendChild(link);
        marker.bindPopup(node).openPopup();
      });
  }

  var started = performance.now();
  fetch(box.dataset.src, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var markers = data.features.map(function (f) {
        var c = f.geometry.coordinates, r = f.properties.r;
        var m = L.circleMarker([c[1], c[0]], {
          renderer: renderer, radius: 6, weight: 1, color: "#fff", fillColor: COLOURS[r] || COLOURS.n,
          fillOpacity: 0.9, risk: r, unitId: f.id,
        });
        m.on("click", function () { popup(m); });
        return m;
      });
      // The markers' own bounds: with chunkedLoading the group fills in later.
      if (markers.length) {
        map.fitBounds(L.latLngBounds(markers.map(function (m) { return m.getLatLng(); })),
          { maxZoom: 13, padding: [20, 20], animate: false });
      }
      clusters.addLayers(markers);
      count.textContent = count.dataset.template.replace("{n}", markers.length.toLocaleString(document.documentElement.lang === "fa" ? "fa-IR" : "en-US"));
      box.dataset.markers = String(markers.length);
      box.dataset.ms = String(Math.round(performance.now() - started));
    });
})();
