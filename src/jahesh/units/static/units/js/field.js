/* The field app (units/field/app.html): the officer's units of the week and the
   visit form, working offline.

   - The units come from /api/v1/units/field and are kept in IndexedDB, so the
     list opens without a network (the page itself is kept by the service worker).
   - A saved visit goes into the IndexedDB queue with a key made here (the
     Idempotency-Key header) and its photos reduced on the phone (long side
     <= 1600 px); the queue is sent when the network is back, and a resend of
     the same key answers the same visit (200), never a second one.
   - A visit the server refuses (409: the unit changed; 404: it left the
     officer's scope; 422) stays in the queue, marked, until the officer sends
     it anyway or puts it aside: nothing is silently lost. */
(function () {
  "use strict";
  var body = document.getElementById("jh-field");
  if (!body) return;
  var T = JSON.parse(document.getElementById("jh-field-texts").textContent);
  var FAR = Number(body.dataset.farM) || 500;
  var FA = body.dataset.lang !== "en";
  var LONG_SIDE = 1600;
  var numFmt = new Intl.NumberFormat(FA ? "fa-IR" : "en-US", { maximumFractionDigits: 1 });
  var dateFmt = new Intl.DateTimeFormat(FA ? "fa-IR-u-ca-persian" : "en-GB-u-ca-persian",
    { year: "numeric", month: "long", day: "numeric" });
  var $ = function (id) { return document.getElementById(id); };

  var state = { units: [], queue: [], here: null, unit: null, photos: [], syncing: false };

  // --- IndexedDB ------------------------------------------------------------------
  var dbPromise = new Promise(function (resolve, reject) {
    var open = indexedDB.open("jahesh-field", 1);
    open.onupgradeneeded = function () {
      var db = open.result;
      db.createObjectStore("units", { keyPath: "id" });
      db.createObjectStore("queue", { keyPath: "key" });
      db.createObjectStore("meta");
    };
    open.onsuccess = function () { resolve(open.result); };
    open.onerror = function () { reject(open.error); };
  });

  function store(name, mode, work) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var result = work(tx.objectStore(name));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  var getAll = function (name) { return store(name, "readonly", function (s) { return s.getAll(); }); };
  var put = function (name, value) { return store(name, "readwrite", function (s) { s.put(value); }); };
  var remove = function (name, key) { return store(name, "readwrite", function (s) { s.delete(key); }); };

  // --- Helpers -----------------------------------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }
  function isoToday() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }
  function jdate(iso) { return iso ? dateFmt.format(new Date(iso + "T12:00:00")) : T.never; }
  function metres(m) {
    return m >= 1000 ? numFmt.format(Math.round(m / 100) / 10) + " " + T.km
                     : numFmt.format(Math.round(m)) + " " + T.m;
  }
  function distance(lat1, lon1, lat2, lon2) {
    var r = Math.PI / 180, a = Math.sin((lat2 - lat1) * r / 2), b = Math.sin((lon2 - lon1) * r / 2);
    var h = a * a + Math.cos(lat1 * r) * Math.cos(lat2 * r) * b * b;
    return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
  }
  function unitDistance(unit) {
    if (!state.here || unit.latitude === null || unit.longitude === null) return null;
    return distance(state.here.lat, state.here.lon, Number(unit.latitude), Number(unit.longitude));
  }
  var RISK_CLASS = { high: "text-bg-danger", watch: "text-bg-warning", low: "text-bg-success" };

  // --- Network state -------------------------------------------------------------------
  function setNet() {
    var online = navigator.onLine;
    var badge = $("jh-net");
    badge.textContent = online ? T.online : T.offline_badge;
    badge.className = "badge " + (online ? "text-bg-success" : "text-bg-warning");
    $("jh-offline-note").textContent = T.offline;
    $("jh-offline-note").classList.toggle("d-none", online);
  }

  // --- Units -----------------------------------------------------------------------------
  function loadUnits() {
    return fetch(body.dataset.unitsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      })
      .then(function (data) {
        state.units = data.items;
        return store("units", "readwrite", function (s) {
          s.clear();
          data.items.forEach(function (u) { s.put(u); });
        }).then(function () { return put("meta", { key: "units", at: Date.now() }); });
      })
      .catch(function () {
        return getAll("units").then(function (units) { state.units = units; });
      })
      .then(renderUnits);
  }

  function renderUnits() {
    var list = $("jh-units");
    list.textContent = "";
    var units = state.units.slice();
    units.forEach(function (u) { u._d = unitDistance(u); });
    units.sort(function (a, b) {
      if (a._d !== null && b._d !== null) return a._d - b._d;
      if (a._d !== null) return -1;
      if (b._d !== null) return 1;
      return (a.overdue === b.overdue ? 0 : a.overdue ? -1 : 1) || a.id - b.id;
    });
    if (!units.length) list.appendChild(el("li", "text-body-secondary", T.no_units));
    units.forEach(function (u) {
      var item = el("li", "card mb-2 jh-field-unit");
      item.dataset.unitId = u.id;
      var cardBody = el("div", "card-body p-3");
      var head = el("div", "d-flex align-items-start gap-2");
      head.appendChild(el("h3", "h6 m-0 flex-grow-1", u.name));
      if (u.risk_level) head.appendChild(el("span", "badge " + (RISK_CLASS[u.risk_level] || "text-bg-secondary"), u.risk_label));
      cardBody.appendChild(head);
      if (u.address) cardBody.appendChild(el("div", "small text-body-secondary", u.address));
      if (u.risk_reasons.length) cardBody.appendChild(el("div", "small mt-1", u.risk_reasons.join("، ")));
      var meta = el("div", "small mt-1 d-flex flex-wrap gap-2");
      meta.appendChild(el("span", "", T.last_visit + ": " + jdate(u.last_visit_on)));
      meta.appendChild(el("span", u.overdue ? "text-danger fw-bold" : "", u.overdue ? T.overdue : T.due + ": " + jdate(u.due_on)));
      if (u._d !== null) meta.appendChild(el("span", "jh-field-dist", metres(u._d)));
      cardBody.appendChild(meta);
      var go = el("button", "btn btn-primary btn-lg w-100 mt-2 jh-field-visit");
      go.type = "button";
      go.appendChild(el("i", "bi bi-clipboard-check"));
      go.appendChild(document.createTextNode(" " + T.record));
      go.addEventListener("click", function () { openForm(u); });
      cardBody.appendChild(go);
      item.appendChild(cardBody);
      list.appendChild(item);
    });
    getAll("meta").then(function (rows) {
      var row = rows.filter(function (r) { return r.key === "units"; })[0];
      $("jh-list-stamp").textContent = row ? T.updated + " " + new Date(row.at).toLocaleTimeString(FA ? "fa-IR" : "en-GB", { hour: "2-digit", minute: "2-digit" }) : "";
    });
  }

  // --- Position ----------------------------------------------------------------------------
  function locate() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) return resolve(null);
      navigator.geolocation.getCurrentPosition(function (p) {
        state.here = { lat: p.coords.latitude, lon: p.coords.longitude, accuracy: p.coords.accuracy };
        resolve(state.here);
      }, function () { resolve(null); }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
    });
  }

  function showPosition() {
    var box = $("jh-position");
    box.dataset.located = state.here ? "yes" : "no";
    box.className = "alert py-2 small alert-secondary";
    if (!state.here) { box.textContent = T.position_none; return; }
    var text = T.accuracy + ": " + metres(state.here.accuracy);
    var SEP = "، ";
    var d = state.unit ? unitDistance(state.unit) : null;
    if (d !== null) {
      text += SEP + T.distance + ": " + metres(d);
      if (d > FAR) { text += " — " + T.far; box.className = "alert py-2 small alert-warning"; }
    }
    box.textContent = text;
  }

  // --- The form ------------------------------------------------------------------------------
  function openForm(unit) {
    state.unit = unit;
    state.photos = [];
    $("jh-visit-form").reset();
    $("jh-thumbs").textContent = "";
    $("jh-form-title").textContent = unit.name;
    $("jh-form-address").textContent = unit.address || "";
    var noCoords = unit.latitude === null || unit.longitude === null;
    $("jh-take-box").classList.toggle("d-none", !noCoords);
    $("jh-list-box").classList.add("d-none");
    $("jh-form-box").classList.remove("d-none");
    $("jh-position").textContent = T.position_wait;
    delete $("jh-position").dataset.located;
    window.scrollTo(0, 0);
    locate().then(showPosition);
  }

  function closeForm() {
    state.unit = null;
    $("jh-form-box").classList.add("d-none");
    $("jh-list-box").classList.remove("d-none");
    renderUnits();
  }

  function reduce(file) {
    // createImageBitmap, not an <img> on a blob: URL (the CSP allows data: images only).
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve({ blob: blob, thumb: canvas.toDataURL("image/jpeg", 0.5) });
        }, "image/jpeg", 0.85);
      });
    });
  }

  $("jh-photo").addEventListener("change", function (event) {
    var files = Array.prototype.slice.call(event.target.files || []);
    event.target.value = "";
    files.reduce(function (chain, file) {
      return chain.then(function () { return reduce(file); }).then(function (out) {
        state.photos.push(out.blob);
        var img = el("img", "rounded jh-thumb");
        img.src = out.thumb;
        img.alt = T.photos + " " + numFmt.format(state.photos.length);
        $("jh-thumbs").appendChild(img);
      });
    }, Promise.resolve());
  });

  $("jh-cancel").addEventListener("click", closeForm);

  // Number boxes are text boxes with a numeric keypad (a type=number box shows
  // Latin digits and refuses a Persian keyboard's): typed digits are shown
  // Persian on a Persian page, and sent as numbers; anything else is sent as
  // typed, so the server's message says what to fix (never silently empty).
  var DIGITS_FA = "۰۱۲۳۴۵۶۷۸۹", DIGITS_AR = "٠١٢٣٤٥٦٧٨٩";
  function latinDigits(text) {
    return String(text).replace(/[۰-۹٠-٩]/g, function (d) {
      var i = DIGITS_FA.indexOf(d);
      return String(i >= 0 ? i : DIGITS_AR.indexOf(d));
    });
  }
  function persianDigits(text) {
    return String(text).replace(/[0-9]/g, function (d) { return DIGITS_FA[Number(d)]; });
  }
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!FA || !box.matches || !box.matches("input[data-jh-number]")) return;
    var value = persianDigits(latinDigits(box.value));
    if (value === box.value) return;
    var start = box.selectionStart, end = box.selectionEnd;  // digit for digit: the caret stays
    box.value = value;
    box.setSelectionRange(start, end);
  });
  function intOrNull(value) {
    var text = latinDigits(value).trim();
    if (text === "") return null;
    return /^[0-9]+$/.test(text) ? Number(text) : text;
  }

  $("jh-visit-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target, unit = state.unit;
    if (!unit) return;
    var payload = {
      visited_on: isoToday(),
      capacity_utilization: intOrNull(form.capacity_utilization.value),
      employees_now: intOrNull(form.employees_now.value),
      unpaid_wage_months: intOrNull(form.unpaid_wage_months.value) || 0,
      sales_trend: form.sales_trend.value || null,
      utility_cutoff_notice: form.utility_cutoff_notice.checked,
      owner_issue: form.owner_issue.checked,
      notes: form.notes.value,
      unit_seen_at: unit.updated_at,
    };
    if (state.here) {
      payload.latitude = state.here.lat.toFixed(6);
      payload.longitude = state.here.lon.toFixed(6);
      payload.accuracy_m = Math.round(state.here.accuracy);
      payload.set_unit_coordinates = form.set_unit_coordinates.checked;
    }
    var item = {
      key: newKey(), unit_id: unit.id, unit_name: unit.name, payload: payload,
      photos: state.photos.slice(), sent_photos: 0, visit_id: null,
      state: "waiting", message: "", created: Date.now(),
    };
    put("queue", item).then(function () {
      state.queue.push(item);
      closeForm();
      renderQueue();
      sync();
    });
  });

  // --- The queue ---------------------------------------------------------------------------------
  var LABEL = { waiting: "waiting", sending: "sending", sent: "sent", conflict: "conflict" };
  var BADGE = { waiting: "text-bg-warning", sending: "text-bg-info", sent: "text-bg-success", conflict: "text-bg-danger" };

  function renderQueue() {
    var list = $("jh-queue");
    list.textContent = "";
    state.queue.sort(function (a, b) { return a.created - b.created; });
    var pending = state.queue.filter(function (i) { return i.state !== "sent"; }).length;
    $("jh-queue-count").textContent = numFmt.format(pending);
    $("jh-queue-box").classList.toggle("d-none", !state.queue.length);
    state.queue.forEach(function (item) {
      var li = el("li", "list-group-item jh-queue-item");
      li.dataset.state = item.state;
      li.dataset.key = item.key;
      var head = el("div", "d-flex align-items-center gap-2");
      head.appendChild(el("span", "flex-grow-1", item.unit_name));
      head.appendChild(el("span", "badge " + BADGE[item.state], T[LABEL[item.state]]));
      li.appendChild(head);
      var info = [];
      if (item.photos.length) info.push(T.photos + ": " + numFmt.format(item.photos.length));
      if (item.distance_m !== undefined && item.distance_m !== null) info.push(T.distance + ": " + metres(item.distance_m));
      if (item.far) info.push(T.far);
      if (info.length) li.appendChild(el("div", "small text-body-secondary", info.join("، ")));
      if (item.state === "conflict") {
        li.appendChild(el("div", "small text-danger mt-1 jh-queue-message", item.message));
        var row = el("div", "d-flex gap-2 mt-2");
        var again = el("button", "btn btn-outline-primary btn-sm flex-grow-1", T.send_anyway);
        again.type = "button";
        again.addEventListener("click", function () {
          delete item.payload.unit_seen_at;
          item.state = "waiting";
          put("queue", item).then(sync);
        });
        var drop = el("button", "btn btn-outline-danger btn-sm", T.discard);
        drop.type = "button";
        drop.addEventListener("click", function () {
          remove("queue", item.key).then(function () {
            state.queue = state.queue.filter(function (i) { return i !== item; });
            renderQueue();
          });
        });
        row.appendChild(again);
        row.appendChild(drop);
        li.appendChild(row);
      }
      list.appendChild(li);
    });
  }

  function save(item) { renderQueue(); return put("queue", item); }

  function refuse(item, response) {
    return response.json().catch(function () { return {}; }).then(function (data) {
      item.state = "conflict";
      var details = (data.errors || []).map(function (e) { return e.message; }).join(" ");
      item.message = response.status === 404 ? T.left_scope : [data.message, details].join(" ").trim();
      return save(item);
    });
  }

  function sendVisit(item) {
    var url = body.dataset.visitUrl.replace("{id}", item.unit_id);
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json",
                 "X-CSRFToken": csrf(), "Idempotency-Key": item.key },
      body: JSON.stringify(item.payload),
    }).then(function (r) {
      if (r.status === 200 || r.status === 201) {
        return r.json().then(function (visit) {
          item.visit_id = visit.id;
          item.distance_m = visit.distance_m;
          item.far = visit.far_from_unit;
          return save(item).then(function () { return true; });
        });
      }
      if (r.status >= 400 && r.status < 500 && r.status !== 401 && r.status !== 429) {
        return refuse(item, r).then(function () { return false; });
      }
      item.state = "waiting";
      return save(item).then(function () { return false; });
    });
  }

  function sendPhotos(item) {
    if (item.sent_photos >= item.photos.length) return Promise.resolve(true);
    var form = new FormData();
    form.append("file", item.photos[item.sent_photos], "photo-" + (item.sent_photos + 1) + ".jpg");
    return fetch(body.dataset.photoUrl.replace("{id}", item.visit_id), {
      method: "POST", credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf() }, body: form,
    }).then(function (r) {
      if (r.status === 200 || r.status === 201) {
        item.sent_photos += 1;
        return save(item).then(function () { return sendPhotos(item); });
      }
      if (r.status >= 400 && r.status < 500 && r.status !== 401 && r.status !== 429) {
        return refuse(item, r).then(function () { return false; });
      }
      return false;
    });
  }

  function sendOne(item) {
    item.state = "sending";
    return save(item)
      .then(function () { return item.visit_id ? true : sendVisit(item); })
      .then(function (ok) { return ok ? sendPhotos(item) : false; })
      .then(function (ok) {
        if (ok) { item.state = "sent"; return save(item); }
        if (item.state === "sending") { item.state = "waiting"; return save(item); }
      })
      .catch(function () { item.state = "waiting"; return save(item); });
  }

  function sync() {
    if (state.syncing || !navigator.onLine) return Promise.resolve();
    state.syncing = true;
    var todo = state.queue.filter(function (i) { return i.state === "waiting" || i.state === "sending"; });
    return todo.reduce(function (chain, item) {
      return chain.then(function () { return sendOne(item); });
    }, Promise.resolve()).then(function () {
      state.syncing = false;
      body.dataset.synced = String(Date.now());
      if (todo.length) return loadUnits();
    }, function () { state.syncing = false; });
  }

  // Send every visit again, as after a lost answer: the keys make it harmless.
  function resendAll() {
    state.queue.forEach(function (item) {
      if (item.state === "sent") { item.state = "waiting"; item.visit_id = null; item.sent_photos = 0; }
    });
    return Promise.all(state.queue.map(function (i) { return put("queue", i); })).then(sync);
  }

  window.jaheshField = {
    sync: sync, resendAll: resendAll,
    queue: function () { return state.queue.map(function (i) { return { key: i.key, state: i.state, visit_id: i.visit_id, sent_photos: i.sent_photos, message: i.message }; }); },
  };

  // --- Start --------------------------------------------------------------------------------------
  window.addEventListener("online", function () { setNet(); sync(); });
  window.addEventListener("offline", setNet);
  setNet();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(body.dataset.sw, { scope: body.dataset.scope }).catch(function () {});
  }
  getAll("queue").then(function (items) {
    state.queue = items;
    renderQueue();
    return loadUnits();
  }).then(function () {
    body.dataset.ready = "1";
    return locate();
  }).then(function () {
    renderUnits();
    return sync();
  });
})();
