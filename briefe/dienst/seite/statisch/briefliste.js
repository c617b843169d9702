// Search in the letters of a finished run: shows the search field and hides rows that do
// not match. Without JS the whole list stays visible.
(function () {
  "use strict";
  var tabelle = document.getElementById("briefe-tabelle");
  var feld = document.getElementById("briefe-suche");
  if (!tabelle || !feld) { return; }
  var zeilen = Array.prototype.slice.call(tabelle.tBodies[0].rows);
  var treffer = document.getElementById("briefe-treffer");
  var texte = zeilen.map(function (z) { return z.textContent.toLocaleLowerCase("de-DE"); });
  feld.parentNode.hidden = false;

  function filtere() {
    var worte = feld.value.toLocaleLowerCase("de-DE").split(/\s+/).filter(Boolean);
    var anzahl = 0;
    zeilen.forEach(function (zeile, i) {
      var passt = worte.every(function (w) { return texte[i].indexOf(w) !== -1; });
      zeile.hidden = !passt;
      if (passt) { anzahl += 1; }
    });
    treffer.textContent = worte.length ? anzahl + " von " + zeilen.length + " Briefen" : zeilen.length + " Briefe";
  }
  feld.addEventListener("input", filtere);
}());
