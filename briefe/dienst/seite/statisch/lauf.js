// Live progress of a run: polls the status API and reloads the page when the run ends.
(function () {
  "use strict";
  var bereich = document.getElementById("lauf");
  if (!bereich) { return; }
  var status = bereich.getAttribute("data-status");
  if (status !== "wartet" && status !== "laeuft") { return; }
  var id = bereich.getAttribute("data-lauf");
  var balken = document.getElementById("fortschritt");
  var text = document.getElementById("fortschritt-text");
  var anzeige = document.getElementById("status");
  var schrittHinweis = document.getElementById("schritt-text");
  var zuletzt = "";

  function frage() {
    fetch("/api/laeufe/" + id, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (antwort) {
        if (!antwort.ok) { throw new Error(String(antwort.status)); }
        return antwort.json();
      })
      .then(function (lauf) {
        if (lauf.status !== "wartet" && lauf.status !== "laeuft") {
          window.location.reload();
          return;
        }
        var f = lauf.fortschritt;
        var schritt = lauf.schritt || {};
        var zahlen = schritt.text ? schritt : f;  // after the last letter: the step's own progress
        balken.max = Math.max(zahlen.gesamt, 1);
        balken.value = zahlen.fertig;
        if (schrittHinweis) { schrittHinweis.hidden = !schritt.text; }
        var neu = lauf.status === "wartet" ? "Wartet auf einen freien Arbeitsprozess …"
          : schritt.text ? schritt.text + " " + schritt.fertig + " von " + schritt.gesamt
          : f.fertig + " von " + f.gesamt + " Briefen erstellt";
        if (neu !== zuletzt) { text.textContent = neu; zuletzt = neu; }
        anzeige.textContent = lauf.status_text;
        window.setTimeout(frage, 1000);
      })
      .catch(function () { window.setTimeout(frage, 3000); });
  }
  window.setTimeout(frage, 500);
}());
