/* Share, directions and print on the share pages (/produk/<id>, /investor/peluang/<code>) and the producer cards.
   Buttons say what they do in data attributes, so HTML made later (cards, popups) works without wiring:
   [data-share] (data-share-title, -text, -url, -copied): the Web Share API, else the link is copied;
   a[data-directions] (data-lat, -lon, -label): the phone's maps app on Android (geo:), the web map elsewhere;
   [data-print]: the browser's print dialog. PetaShare.* builds the same links for scripts. */
(function () {
  'use strict';

  function isAndroid() { return /Android/i.test(navigator.userAgent); }

  function webDirections(lat, lon) {
    return 'https://www.openstreetmap.org/directions?to=' + lat + '%2C' + lon + '#map=17/' + lat + '/' + lon;
  }

  // geo: with a label opens the maps app on Android; the web map elsewhere (and without JavaScript).
  function directionsHref(lat, lon, label) {
    if (!isAndroid()) { return webDirections(lat, lon); }
    return 'geo:' + lat + ',' + lon + '?q=' + lat + ',' + lon + '(' + encodeURIComponent(label || '') + ')';
  }

  function whatsappShare(text, url) { return 'https://wa.me/?text=' + encodeURIComponent(text + ' ' + url); }

  function absolute(url) { return new URL(url || window.location.href, window.location.href).href; }

  function say(button, text) {
    var note = button.parentNode.querySelector('.share-note');
    if (!note) {
      note = document.createElement('span');
      note.className = 'share-note';
      note.setAttribute('role', 'status');
      button.parentNode.appendChild(note);
    }
    note.textContent = text;
  }

  function copy(url, button) {
    var done = function () { say(button, button.getAttribute('data-share-copied') || url); };
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(url).then(done, function () { say(button, url); });
    }
    var field = document.createElement('textarea');
    field.value = url;
    field.setAttribute('readonly', '');
    field.style.position = 'fixed';
    field.style.opacity = '0';
    document.body.appendChild(field);
    field.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(field);
    if (ok) { done(); } else { say(button, url); }
    return Promise.resolve();
  }

  function share(button) {
    var data = {
      title: button.getAttribute('data-share-title') || document.title,
      text: button.getAttribute('data-share-text') || '',
      url: absolute(button.getAttribute('data-share-url'))
    };
    if (navigator.share) {
      return navigator.share(data).catch(function (e) {
        if (!e || e.name !== 'AbortError') { return copy(data.url, button); }  // cancelled by the user: nothing
      });
    }
    return copy(data.url, button);
  }

  function upgradeDirections(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll('a[data-directions]'), function (a) {
      a.href = directionsHref(a.getAttribute('data-lat'), a.getAttribute('data-lon'), a.getAttribute('data-label'));
    });
  }

  document.addEventListener('click', function (e) {
    var target = e.target.closest ? e.target : e.target.parentNode;
    var button = target.closest('[data-share]');
    if (button) { e.preventDefault(); share(button); return; }
    if (target.closest('[data-print]')) { e.preventDefault(); window.print(); }
  });
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { upgradeDirections(); });
  } else {
    upgradeDirections();
  }

  window.PetaShare = {
    directionsHref: directionsHref,
    whatsappShare: whatsappShare,
    upgradeDirections: upgradeDirections
  };
}());
