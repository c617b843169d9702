// The send step of a finished run: plan, confirmation, progress, result per letter.
(function () {
  "use strict";
  var bereich = document.getElementById("versand");
  if (!bereich) { return; }
  var id = bereich.getAttribute("data-lauf");
  var csrf = bereich.getAttribute("data-csrf");
  var plan = document.getElementById("versand-plan");
  var knopf = document.getElementById("versand-knopf");
  var dialog = document.getElementById("versand-dialog");
  var frage = document.getElementById("versand-frage");
  var laeuft = document.getElementById("versand-laeuft");
  var balken = document.getElementById("versand-fortschritt");
  var text = document.getElementById("versand-text");
  var tabelle = document.getElementById("versand-tabelle");
  var post = document.getElementById("versand-post");
  var stand = null;

  function briefe(n) { return n === 1 ? "1 Brief" : n + " Briefe"; }

  function ergebnisText(b) {
    if (b.kanal === "Post") { return "kommt in die Druckdatei" + (b.hinweis ? " – " + b.hinweis : ""); }
    if (b.zustand === "gesendet") { return "gesendet (" + b.antwort + ")"; }
    if (b.zustand === "fehler") { return "nicht gesendet: " + b.antwort; }
    if (b.zustand === "unklar") { return "unklar: " + (b.antwort || "Abbruch während der Übergabe"); }
    return "noch nicht gesendet";
  }

  function zeige(s) {
    stand = s;
    if (!s.email && s.email !== 0) { plan.textContent = s.meldung || "Versand nicht möglich."; return; }
    plan.textContent = briefe(s.email) + " per E-Mail, " + briefe(s.post) + " per Post"
      + (s.ohne_brief ? ", " + briefe(s.ohne_brief) + " ohne Datei" : "") + "."
      + (s.gesendet ? " Bereits gesendet: " + s.gesendet + "." : "");
    knopf.hidden = !s.verfuegbar || s.zustand === "laeuft" || (s.email > 0 && s.gesendet >= s.email)
      || (s.email === 0 && s.zustand === "fertig");
    knopf.textContent = s.gesendet ? "Übrige per E-Mail versenden" : "Per E-Mail versenden";
    laeuft.hidden = s.zustand !== "laeuft";
    balken.max = Math.max(s.fortschritt.gesamt, 1);
    balken.value = s.fortschritt.fertig;
    if (s.zustand === "laeuft") {
      text.textContent = s.fortschritt.fertig + " von " + s.fortschritt.gesamt + " E-Mails gesendet …";
    } else if (s.zustand === "fertig") {
      text.textContent = "Versand beendet: " + s.gesendet + " von " + s.email + " per E-Mail gesendet."
        + (s.meldung ? " " + s.meldung : "");
    } else {
      text.textContent = s.meldung || "";
    }
    var rumpf = tabelle.tBodies[0];
    rumpf.textContent = "";
    s.briefe.forEach(function (b) {
      var zeile = rumpf.insertRow();
      [String(b.zeile), b.kanal, ergebnisText(b)].forEach(function (wert) {
        zeile.insertCell().textContent = wert;
      });
    });
    tabelle.hidden = s.briefe.length === 0;
    post.hidden = !s.postdatei;
    if (s.postdatei) { post.href = s.postdatei; }
    if (s.zustand === "laeuft") { window.setTimeout(frage_stand, 700); }
  }

  function frage_stand() { briefeSchritt.frage("/laeufe/" + id + "/versand", zeige, text); }

  knopf.addEventListener("click", function () {
    frage.textContent = "Jetzt " + briefe(stand.email - stand.gesendet) + " per E-Mail senden? "
      + briefe(stand.post) + " ohne E-Mail-Adresse " + (stand.post === 1 ? "kommt" : "kommen")
      + " in die Druckdatei für den Postversand.";
    dialog.showModal();
  });
  dialog.addEventListener("close", function () {
    if (dialog.returnValue !== "ja") { return; }
    knopf.hidden = true;
    fetch("/laeufe/" + id + "/versenden", { method: "POST", credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf } })
      .then(briefeSchritt.antwort).then(zeige).catch(function (f) { text.textContent = f.message; knopf.hidden = false; });
  });
  frage_stand();
}());
