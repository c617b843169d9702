// Shared by the steps after a run (versand.js, druck.js): JSON answers with German errors, polling.
window.briefeSchritt = (function () {
  "use strict";
  function antwort(r) {
    return r.json().then(function (d) {
      if (!r.ok) { throw new Error(d.detail || d.meldung || "Fehler " + r.status); }
      return d;
    }, function () { throw new Error("Fehler " + r.status); });
  }
  function frage(url, zeige, text) {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(antwort).then(zeige).catch(function (f) { text.textContent = f.message; });
  }
  return { antwort: antwort, frage: frage };
}());
