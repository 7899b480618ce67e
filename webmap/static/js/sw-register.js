/* Registers the service worker (/sw.js) and shows two small banners: "a new version is available" (it posts
   SKIP_WAITING to the waiting worker, then reloads once the new one controls the page) and "you are offline".
   The worker posts OFFLINE when it answered the page from its cache. The texts come from the script tag's data-* attributes, in the page's language. */
(function () {
  "use strict";
  var script = document.currentScript;
  var texts = (script && script.dataset) || {};
  if (!("serviceWorker" in navigator)) return;

  function banner(id, message, action) {
    var box = document.getElementById(id);
    if (box) return box;
    box = document.createElement("div");
    box.id = id;
    box.className = "pwa-banner";
    box.setAttribute("role", "status");
    box.style.cssText = "position:fixed;left:.6rem;right:.6rem;bottom:.6rem;z-index:2000;display:flex;gap:.8rem;" +
      "align-items:center;justify-content:space-between;padding:.5rem .8rem;border-radius:10px;" +
      "background:#1f2a30;color:#fff;box-shadow:0 2px 8px rgba(0,0,0,.3);font-size:.92rem";
    var text = document.createElement("span");
    text.textContent = message;
    box.appendChild(text);
    if (action) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = action.label;
      button.addEventListener("click", action.run);
      box.appendChild(button);
    }
    document.body.appendChild(box);
    return box;
  }

  function offerUpdate(worker) {
    window.petaPwa.updateReady = true;
    banner("pwa-update", texts.update || "Versi baru tersedia", {
      label: texts.reload || "Muat ulang",
      run: function () { worker.postMessage({ type: "SKIP_WAITING" }); },
    });
  }

  function showOffline() {
    var box = document.getElementById("pwa-offline");
    if (navigator.onLine) {
      if (box) box.remove();
    } else {
      banner("pwa-offline", texts.offline || "Offline");
    }
  }

  window.petaPwa = { updateReady: false };
  var reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", function () {
    if (reloading || !window.petaPwa.updateReady) return;
    reloading = true;
    window.location.reload();
  });
  navigator.serviceWorker.addEventListener("message", function (event) {
    if (event.data && event.data.type === "OFFLINE") banner("pwa-offline", texts.offline || "Offline");
  });
  navigator.serviceWorker.startMessages();
  window.addEventListener("online", showOffline);
  window.addEventListener("offline", showOffline);
  showOffline();

  navigator.serviceWorker.register((script && script.dataset.worker) || "/sw.js", { scope: "/" }).then(function (reg) {
    if (reg.waiting && navigator.serviceWorker.controller) offerUpdate(reg.waiting);
    reg.addEventListener("updatefound", function () {
      var worker = reg.installing;
      if (!worker) return;
      worker.addEventListener("statechange", function () {
        if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate(worker);
      });
    });
  }).catch(function (error) {
    window.petaPwa.error = String(error);
  });
})();
