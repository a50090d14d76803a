/* The units map (units/map.html), with projects and camps as layers one can turn
   off (Leaflet's layer control).

   Units: /api/v1/map/units asked again for the view on every move or zoom
   (?zoom=&bbox=). At a low zoom with many units in view the server answers grid
   clusters (properties.n: how many, r: the riskiest level), drawn as numbered
   discs; a click zooms in. Otherwise it answers the units themselves, drawn as
   circle markers on a canvas coloured by risk and clustered in the browser
   (a cluster takes the colour of its riskiest unit). Projects and camps: their
   own endpoints, read once, circle markers coloured by status / by when held.
   Tiles only when JAHESH_MAP_TILE_URL is set (without them the markers stand on
   a plain background). A marker's popup reads its record from the API when it
   is opened, so the map's data holds only what the markers need.
   When a load is drawn the page sets performance.mark("jh-map-drawn") and
   #jh-map's data-markers (units in view) and data-ms (fetch to drawn). */
(function () {
  "use strict";
  var box = document.getElementById("jh-map");
  if (!box || !window.L) return;
  var RISK = { h: "#dc3545", w: "#fd9a00", l: "#198754", n: "#6c757d" };
  var RANK = { h: 3, w: 2, l: 1, n: 0 };
  var PROJECT = { p: "#6ea8fe", i: "#0d6efd", c: "#052c65", s: "#adb5bd", x: "#adb5bd" };
  var CAMP = { u: "#d63384", o: "#6f42c1", p: "#a98eda" };
  var fa = document.documentElement.lang === "fa";
  function digits(n) { return n.toLocaleString(fa ? "fa-IR" : "en-US"); }

  var map = L.map(box, { preferCanvas: true, minZoom: 4, maxZoom: 18 }).setView([32.5, 53.7], 5);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 18, attribution: "&copy; OpenStreetMap" }).addTo(map);
  }
  var renderer = L.canvas({ padding: 0.5 });

  function disc(n, code) {
    var size = n < 100 ? 34 : n < 1000 ? 42 : 52;
    return L.divIcon({
      html: "<span>" + digits(n) + "</span>",
      className: "jh-cluster jh-cluster-" + (code === "n" ? "l" : code), iconSize: [size, size],
    });
  }
  var drawing = null;
  function done() { if (drawing) { var d = drawing; drawing = null; d(); } }
  var points = L.markerClusterGroup({
    chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 60,
    chunkProgress: function (processed, total) { if (processed >= total) done(); },
    iconCreateFunction: function (cluster) {
      var worst = "n";
      cluster.getAllChildMarkers().forEach(function (m) { if (RANK[m.options.code] > RANK[worst]) worst = m.options.code; });
      return disc(cluster.getChildCount(), worst);
    },
  });
  var cells = L.layerGroup();
  var units = L.layerGroup([points, cells]).addTo(map);
  var count = document.getElementById("jh-map-count");
  count.textContent = box.dataset.loading;

  function popup(marker, api, page) {
    var id = marker.options.recordId;
    fetch(api.replace(/0$/, id), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (record) {
        if (!record) return;
        var node = document.createElement("div");
        var title = document.createElement("strong");
        title.textContent = record.name || record.title;
        node.appendChild(title);
        if (record.address || typeof record.county === "string") {
          var meta = document.createElement("div");
          meta.textContent = (record.county || "") + (record.address ? " — " + record.address : "");
          node.appendChild(meta);
        }
        var link = document.createElement("a");
        link.href = page.replace(/0\/$/, id + "/");
        link.textContent = box.dataset.open;
        node.appendChild(link);
        marker.bindPopup(node).openPopup();
      });
  }

  function marker(f, colours, api, page, radius) {
    var c = f.geometry.coordinates, code = Object.keys(f.properties).map(function (k) { return f.properties[k]; })[0];
    var m = L.circleMarker([c[1], c[0]], {
      renderer: renderer, radius: radius, weight: 1, color: "#fff", fillColor: colours[code] || "#6c757d",
      fillOpacity: 0.9, code: code, recordId: f.id,
    });
    m.on("click", function () { popup(m, api, page); });
    return m;
  }

  function view(first) {
    if (first) return "zoom=" + map.getZoom();  // the whole scope: the first answer sets the view
    var b = map.getBounds().pad(0.2);
    var w = Math.max(b.getWest(), -180), s = Math.max(b.getSouth(), -90);
    var e = Math.min(b.getEast(), 180), n = Math.min(b.getNorth(), 90);
    return "zoom=" + map.getZoom() + "&bbox=" + [w, s, e, n].map(function (x) { return x.toFixed(4); }).join(",");
  }

  var pending = null, loads = 0;
  function loadUnits(first) {
    if (pending) pending.abort();
    pending = window.AbortController ? new AbortController() : null;
    var started = performance.now();
    var url = box.dataset.src + (box.dataset.src.indexOf("?") < 0 ? "?" : "&") + view(first);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" }, signal: pending && pending.signal })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        pending = null;
        var singles = [], discs = [], total = 0;
        data.features.forEach(function (f) {
          if (f.properties.n) {
            var c = f.geometry.coordinates, at = L.latLng(c[1], c[0]);
            var d = L.marker(at, { icon: disc(f.properties.n, f.properties.r), keyboard: false });
            d.on("click", function () { map.setView(at, Math.min(map.getZoom() + 2, 18)); });
            discs.push(d);
            total += f.properties.n;
          } else {
            singles.push(marker(f, RISK, box.dataset.unitApi, box.dataset.unitUrl, 6));
            total += 1;
          }
        });
        points.clearLayers();
        cells.clearLayers();
        discs.forEach(function (d) { cells.addLayer(d); });
        count.textContent = count.dataset.template.replace("{n}", digits(total));
        box.dataset.clustered = data.clustered ? "1" : "0";
        // Drawn: after the browser clustering's last chunk, at the next frame.
        drawing = function () {
          requestAnimationFrame(function () {
            box.dataset.markers = String(total);
            box.dataset.ms = String(Math.round(performance.now() - started));
            loads += 1;
            box.dataset.loads = String(loads);
            if (performance.mark) performance.mark("jh-map-drawn");
          });
        };
        points.addLayers(singles);
        if (!singles.length) done();
        if (first && data.features.length) {
          var at = data.features.map(function (f) { var c = f.geometry.coordinates; return [c[1], c[0]]; });
          map.fitBounds(L.latLngBounds(at), { maxZoom: 13, padding: [20, 20], animate: false });
        }
      })
      .catch(function (error) { if (error.name !== "AbortError") count.textContent = ""; });
  }

  var timer = null;
  // The first answer's fitBounds moves the map too: the view is then asked again.
  map.on("moveend", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { loadUnits(false); }, 150);
  });

  function layer(src, colours, api, page) {
    var group = L.layerGroup();
    var loaded = false;
    group.on("add", function () {
      if (loaded) return;
      loaded = true;
      fetch(src, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          data.features.forEach(function (f) { group.addLayer(marker(f, colours, api, page, 7)); });
          box.dataset[api.indexOf("projects") >= 0 ? "projects" : "camps"] = String(data.features.length);
        });
    });
    return group;
  }

  var overlays = {};
  overlays[box.dataset.labelUnits] = units;
  if (box.dataset.projects) {
    overlays[box.dataset.labelProjects] = layer(box.dataset.projects, PROJECT, box.dataset.projectApi, box.dataset.projectUrl).addTo(map);
  }
  if (box.dataset.camps) {
    overlays[box.dataset.labelCamps] = layer(box.dataset.camps, CAMP, box.dataset.campApi, box.dataset.campUrl).addTo(map);
  }
  // Open on a wide screen; on a phone a button, so the map keeps its width.
  var phone = window.matchMedia && window.matchMedia("(max-width: 575.98px)").matches;
  L.control.layers(null, overlays, { collapsed: phone, position: "topright" }).addTo(map);

  loadUnits(true);
})();
