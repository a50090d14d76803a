{% load static %}/* The field app's service worker (units/views.py field_service_worker).
   The app's page and its files are cached when it is installed, so the app
   opens without a network; the page and the officer's units are fetched fresh
   whenever the network answers (network first), the cache answering otherwise.
   Writes (POST) are never cached: the page queues them in IndexedDB (field.js). */
"use strict";
var CACHE = "jahesh-field-{{ version }}";  // a digest of the shell's files (views.field_shell_version)
var SHELL = [
  "{% url 'units:field' %}",{% for path in shell %}
  "{% static path %}"{% if not forloop.last %},{% endif %}{% endfor %}
];
var FRESH = ["{% url 'units:field' %}"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (FRESH.indexOf(url.pathname) >= 0) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(url.pathname).then(function (hit) { return hit || Response.error(); });
    }));
    return;
  }
  if (SHELL.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(url.pathname).then(function (hit) { return hit || fetch(request); }));
  }
});
