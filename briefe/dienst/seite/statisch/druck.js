// The print step of a finished run: printer from CUPS, sides, tray, copies; progress; result per letter.
(function () {
  "use strict";
  var bereich = document.getElementById("druck");
  if (!bereich) { return; }
  var id = bereich.getAttribute("data-lauf");
  var csrf = bereich.getAttribute("data-csrf");
  var form = document.getElementById("druck-form");
  var wahl = document.getElementById("druck-drucker");
  var zustand = document.getElementById("druck-zustand");
  var fach = document.getElementById("druck-fach");
  var kopien = document.getElementById("druck-kopien");
  var knopf = document.getElementById("druck-knopf");
  var laeuft = document.getElementById("druck-laeuft");
  var balken = document.getElementById("druck-fortschritt");
  var text = document.getElementById("druck-text");
  var tabelle = document.getElementById("druck-tabelle");
  var drucker = [];

  function vonBriefen(n) { return "von " + n + (n === 1 ? " Brief" : " Briefen"); }

  function ergebnisText(b) {
    if (b.zustand === "gedruckt") { return "gedruckt auf " + b.drucker + " (Auftrag " + b.auftrag + ")"; }
    if (b.zustand === "fehler") { return "nicht gedruckt: " + b.meldung; }
    if (b.zustand === "an den Drucker gesendet" || b.zustand === "wird gedruckt") {
      return "an den Drucker gesendet, noch nicht als gedruckt gemeldet";
    }
    if (b.meldung) { return b.zustand + ": " + b.meldung; }
    return b.zustand;
  }

  function zeigeDrucker() {
    var d = drucker.filter(function (x) { return x.name === wahl.value; })[0];
    if (!d) { return; }
    zustand.textContent = "Zustand: " + d.zustand + (d.duplex ? " · beidseitig möglich" : " · nur einseitig")
      + (d.ort ? " · " + d.ort : "");
    fach.length = 1;
    d.faecher.forEach(function (f) { fach.add(new Option(f, f)); });
    fach.disabled = d.faecher.length === 0;
  }

  function zeige(s) {
    if (!s.verfuegbar) { bereich.hidden = true; return; }
    bereich.hidden = false;
    if (s.drucker.length) {
      var alt = wahl.value;
      drucker = s.drucker;
      wahl.length = 0;
      drucker.forEach(function (d) {
        wahl.add(new Option(d.name + (d.beschreibung && d.beschreibung !== d.name ? " – " + d.beschreibung : ""),
          d.name, false, alt ? d.name === alt : d.standard));
      });
      zeigeDrucker();
    }
    var alle = s.gesamt > 0 && s.gedruckt >= s.gesamt;
    form.hidden = s.zustand === "laeuft" || drucker.length === 0 || alle;
    knopf.textContent = s.gedruckt ? "Übrige drucken" : "Drucken";
    laeuft.hidden = s.zustand !== "laeuft";
    balken.max = Math.max(s.fortschritt.gesamt, 1);
    balken.value = s.fortschritt.fertig;
    if (s.zustand === "laeuft") {
      text.textContent = s.fortschritt.fertig + " " + vonBriefen(s.fortschritt.gesamt) + " gedruckt …";
    } else if (s.zustand === "fertig") {
      text.textContent = "Druck beendet: " + s.gedruckt + " " + vonBriefen(s.gesamt) + " gedruckt"
        + (alle ? "; ein neuer Druck wäre doppelt." : ".")
        + (s.meldung ? " " + s.meldung : "");
    } else if (s.zustand === "unterbrochen") {
      text.textContent = "Druck unterbrochen: " + s.gedruckt + " " + vonBriefen(s.gesamt) + " gedruckt. "
        + "„Übrige drucken“ verfolgt die Aufträge, die schon beim Drucker sind, und druckt nur den Rest.";
    } else {
      text.textContent = s.meldung || "";
    }
    var rumpf = tabelle.tBodies[0];
    rumpf.textContent = "";
    s.briefe.forEach(function (b) {
      var zeile = rumpf.insertRow();
      [String(b.zeile), ergebnisText(b)].forEach(function (wert) { zeile.insertCell().textContent = wert; });
    });
    tabelle.hidden = s.briefe.length === 0;
    if (s.zustand === "laeuft") { window.setTimeout(frageStand, 700); }
  }

  function frageStand() { briefeSchritt.frage("/laeufe/" + id + "/druck", zeige, text); }

  wahl.addEventListener("change", zeigeDrucker);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var seiten = form.elements.seiten.value;
    knopf.disabled = true;
    fetch("/laeufe/" + id + "/drucken", { method: "POST", credentials: "same-origin",
      headers: { "Accept": "application/json", "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ drucker: wahl.value, fach: fach.value || null, kopien: parseInt(kopien.value, 10),
        duplex: seiten === "duplex" ? true : (seiten === "einseitig" ? false : null) }) })
      .then(briefeSchritt.antwort).then(zeige).catch(function (f) { text.textContent = f.message; })
      .then(function () { knopf.disabled = false; });
  });
  frageStand();
}());
