{% load static %}/* The field app's service worker (units/views.py field_service_worker).
   The app's page and its files are cached when it is installed, so the app
   opens without a network; the page and the officer's units are fetched fresh
   whenever the network answers (network first), the cache answering otherwise.
   Writes (POST) are never cached: the page queues them in IndexedDB (field.js). */
"use strict";
var CACHE = "jahesh-field-v1";
var SHELL = [
  "{% url 'units:field' %}",
  "{% static 'vendor/vazirmatn/Vazirmatn-Variable-font-face.css' %}",
  "{% static 'vendor/vazirmatn/fonts/webfonts/Vazirmatn[wght].woff2' %}",
  "{% static 'vendor/bootstrap/css/bootstrap.rtl.min.css' %}",
  "{% static 'vendor/bootstrap-icons/font/bootstrap-icons.min.css' %}",
  "{% static 'vendor/bootstrap-icons/font/fonts/bootstrap-icons.woff2' %}",
  "{% static 'css/jahesh.css' %}",
  "{% static 'units/css/field.css' %}",
  "{% static 'units/js/field.js' %}",
  "{% static 'img/favicon.svg' %}"
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
