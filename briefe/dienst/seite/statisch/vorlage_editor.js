// Template editor: front matter as a form (or the whole text), the letter body in the WYSIWYG
// editor (brief_editor.js, Tiptap) with fields, conditions and text blocks, live preview of any
// row of a sample list, saving with version check.
(function () {
  "use strict";
  var daten = JSON.parse(document.getElementById("editor-daten").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var csrf = $("bearbeitung").getAttribute("data-csrf");
  var zustand = {
    name: daten.name, version: daten.version, neu: daten.neu, ansicht: "formular",
    rest: {}, unterschriftRest: {}, maschinellText: null, kopfZeilen: 0,
    liste: null, empfaenger: [], spalten: [], index: 0, anfrage: 0
  };
  var FORM_SCHLUESSEL = ["titel", "beschreibung", "betreff", "absender", "zeichen", "datum", "form", "grussformel",
    "anlagen", "verteiler", "vermerke", "hinweis_maschinell", "unterschrift", "startwerte"];

  // --- TOML writing ------------------------------------------------------------------
  function tomlSchluessel(k) { return /^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k); }
  function istTabelle(v) { return v && typeof v === "object" && !Array.isArray(v) && !("$datum" in v); }
  function tomlWert(v) {
    if (typeof v === "string") { return JSON.stringify(v); }
    if (typeof v === "number" || typeof v === "boolean") { return String(v); }
    if (Array.isArray(v)) { return "[" + v.map(tomlWert).join(", ") + "]"; }
    if (v && "$datum" in v) { return v.$datum; }
    return "{ " + Object.keys(v).map(function (k) { return tomlSchluessel(k) + " = " + tomlWert(v[k]); }).join(", ") + " }";
  }
  function tomlTabelle(obj, pfad, zeilen) {
    Object.keys(obj).forEach(function (k) {
      if (!istTabelle(obj[k])) { zeilen.push(tomlSchluessel(k) + " = " + tomlWert(obj[k])); }
    });
    Object.keys(obj).forEach(function (k) {
      if (istTabelle(obj[k])) {
        var name = pfad.concat([tomlSchluessel(k)]);
        var hatWerte = Object.keys(obj[k]).some(function (u) { return !istTabelle(obj[k][u]); });
        if (hatWerte || !Object.keys(obj[k]).length) { zeilen.push(""); zeilen.push("[" + name.join(".") + "]"); }
        tomlTabelle(obj[k], name, zeilen);
      }
    });
    return zeilen;
  }

  // --- fields in the front matter: «Label» on the page, {{ name }} in the template --------------
  function feldListe() {
    var felder = [];
    zustand.spalten.forEach(function (s) { felder.push(["empfaenger." + s.spalte, s.kopf || s.spalte]); });
    document.querySelectorAll("#startwerte .startwert").forEach(function (z) {
      var name = z.querySelector(".sw-name").value.trim();
      if (name) { felder.push(["werte." + name, z.querySelector(".sw-bezeichnung").value.trim() || name]); }
    });
    [["anrede", "Anrede"], ["datum", "Datum"], ["zeichen", "Zeichen"]].forEach(function (f) { felder.push(f); });
    if (!zustand.spalten.length) {
      [["vorname", "Vorname"], ["nachname", "Nachname"], ["organisation", "Einrichtung"], ["funktion", "Funktion"],
        ["gremien", "Gremien"]].forEach(function (f) { felder.push(["empfaenger." + f[0], f[1]]); });
    }
    return felder;
  }
  function beschriftung(name) {
    var f = feldListe().find(function (e) { return e[0] === name; });
    if (f) { return f[1]; }
    if (daten.bekannt[name]) { return daten.bekannt[name]; }
    var rest = name.split(".").pop();
    return rest.charAt(0).toUpperCase() + rest.slice(1).replace(/_/g, " ");
  }
  var gezeigteFelder = {};  // label -> field name of every «Label» this page showed
  function felderZuQuelle(text) {
    return text.replace(/«([^«»:]+)(?:: ([^«»]+))?»/g, function (ganz, label, formatText) {
      var f = feldListe().find(function (e) { return e[1] === label; });
      var name = f ? f[0] : gezeigteFelder[label] ||
        Object.keys(daten.bekannt).find(function (n) { return daten.bekannt[n] === label; });
      var format = formatText ? Object.keys(daten.formate).find(function (k) { return daten.formate[k] === formatText; }) : "";
      if (!name || (formatText && !format)) { return ganz; }
      return "{{ " + name + (format ? " | " + format : "") + " }}";
    });
  }
  function quelleZuFeldern(text) {
    var feld = /\{\{\s*((?:empfaenger|werte)\.[a-z_][a-z0-9_]*|anrede|datum|zeichen)\s*(?:\|\s*([a-z_]+)\s*)?\}\}/g;
    return String(text).replace(feld, function (ganz, name, format) {
      if (format && !daten.formate[format]) { return ganz; }
      var label = beschriftung(name);
      gezeigteFelder[label] = name;
      return "«" + label + (format ? ": " + daten.formate[format] : "") + "»";
    });
  }


  // --- form <-> front matter -----------------------------------------------------------
  function zeilenListe(text) { return text.split("\n").map(function (z) { return z.trim(); }).filter(Boolean); }

  function kopfAusFormular() {
    var kopf = {};
    ["titel", "beschreibung", "betreff", "absender", "zeichen"].forEach(function (k) {
      var wert = document.querySelector('[data-feld="' + k + '"]').value.trim();
      if (k === "betreff") { wert = felderZuQuelle(wert); }
      if (wert || k === "betreff" || k === "absender") { kopf[k] = wert; }
    });
    kopf.datum = $("f-datum-art").value === "fest" && $("f-datum").value ? { $datum: $("f-datum").value } : "heute";
    if ($("f-form").value !== "B") { kopf.form = $("f-form").value; }
    var gruss = $("f-grussformel").value.trim();
    if (gruss) { kopf.grussformel = gruss; }
    ["anlagen", "verteiler", "vermerke"].forEach(function (k) {
      var liste = zeilenListe(document.querySelector('[data-liste="' + k + '"]').value).map(felderZuQuelle);
      if (liste.length) { kopf[k] = liste; }
    });
    if ($("f-maschinell").checked) { kopf.hinweis_maschinell = zustand.maschinellText || true; }
    Object.keys(zustand.rest).forEach(function (k) { if (!istTabelle(zustand.rest[k])) { kopf[k] = zustand.rest[k]; } });
    var u = {};
    if ($("f-u-name").value.trim()) { u.name = $("f-u-name").value.trim(); }
    if ($("f-u-funktion").value.trim()) { u.funktion = $("f-u-funktion").value.trim(); }
    if ($("f-u-gez").checked) { u.gez = true; }
    Object.keys(zustand.unterschriftRest).forEach(function (k) { u[k] = zustand.unterschriftRest[k]; });
    if (Object.keys(u).length) { kopf.unterschrift = u; }
    var werte = {};
    document.querySelectorAll("#startwerte .startwert").forEach(function (zeile) {
      var name = zeile.querySelector(".sw-name").value.trim();
      if (!name) { return; }
      var w = { bezeichnung: zeile.querySelector(".sw-bezeichnung").value.trim() || name,
        typ: zeile.querySelector(".sw-typ").value, pflicht: zeile.querySelector(".sw-pflicht").checked };
      var standard = zeile.querySelector(".sw-standard").value.trim();
      if (standard) { w.standard = standard; }
      werte[name] = w;
    });
    if (Object.keys(werte).length) { kopf.startwerte = werte; }
    Object.keys(zustand.rest).forEach(function (k) { if (istTabelle(zustand.rest[k])) { kopf[k] = zustand.rest[k]; } });
    // Keep the order the template had, so a save changes only what the clerk changed.
    var geordnet = {};
    (zustand.reihenfolge || []).concat(Object.keys(kopf)).forEach(function (k) {
      if (k in kopf && !(k in geordnet)) { geordnet[k] = kopf[k]; }
    });
    return geordnet;
  }

  var FELD_ELEMENT = { titel: "f-titel", beschreibung: "f-beschreibung", betreff: "f-betreff", absender: "f-absender",
    zeichen: "f-zeichen", datum: "f-datum-art", form: "f-form", grussformel: "f-grussformel", anlagen: "f-anlagen",
    verteiler: "f-verteiler", vermerke: "f-vermerke", hinweis_maschinell: "f-maschinell", unterschrift: "f-u-name",
    startwerte: "startwerte" };

  function quelltextAusFormular() {
    var kopf = tomlTabelle(kopfAusFormular(), [], []).join("\n").replace(/^\n+/, "");
    // Which front-matter key each generated line holds (to name the form field of an error).
    var tabelle = null;
    zustand.zeilenSchluessel = kopf.split("\n").map(function (z) {
      var t = /^\[([A-Za-z0-9_-]+)/.exec(z);
      if (t) { tabelle = t[1]; return tabelle; }
      var k = /^([A-Za-z0-9_-]+) =/.exec(z);
      return tabelle || (k ? k[1] : null);
    });
    zustand.kopfZeilen = kopf.split("\n").length;
    return koerperAusEditor().then(function (koerper) { return "+++\n" + kopf + "\n+++\n" + koerper; });
  }

  // The body of the editor's document (unchanged since loading: the template's own text).
  function koerperAusEditor() {
    var dok = JSON.stringify(brief.dokument());
    if (dok === zustand.letztesDokument) { return Promise.resolve(zustand.koerper); }
    return senden("/api/editor/quelltext", form({ dokument: dok })).then(function (antwort) {
      return antwort.json().then(function (inhalt) {
        if (!antwort.ok) { throw inhalt; }
        zustand.letztesDokument = dok;
        zustand.koerper = inhalt.koerper;
        return inhalt.koerper;
      });
    });
  }

  function aktuellerQuelltext() {
    return zustand.ansicht === "text" ? Promise.resolve($("f-quelltext").value) : quelltextAusFormular();
  }

  function beschriftungen() {
    var b = {};
    feldListe().forEach(function (f) { b[f[0]] = f[1]; });
    return b;
  }

  function formularFuellen(teile) {
    var kopf = teile.kopf;
    zustand.reihenfolge = Object.keys(kopf);
    zustand.rest = {};
    Object.keys(kopf).forEach(function (k) { if (FORM_SCHLUESSEL.indexOf(k) < 0) { zustand.rest[k] = kopf[k]; } });
    ["titel", "beschreibung", "betreff", "zeichen"].forEach(function (k) {
      var text = typeof kopf[k] === "string" ? kopf[k] : "";
      document.querySelector('[data-feld="' + k + '"]').value = k === "betreff" ? quelleZuFeldern(text) : text;
    });
    var absender = $("f-absender");
    if (kopf.absender && daten.absender.indexOf(kopf.absender) < 0) {
      absender.appendChild(new Option(kopf.absender, kopf.absender));
    }
    absender.value = kopf.absender || daten.absender[0] || "";
    $("f-form").value = String(kopf.form || "B").toUpperCase();
    if (kopf.datum && kopf.datum.$datum) {
      $("f-datum-art").value = "fest"; $("f-datum").value = kopf.datum.$datum.slice(0, 10);
    } else { $("f-datum-art").value = "heute"; $("f-datum").value = ""; }
    $("f-grussformel").value = kopf.grussformel || "";
    ["anlagen", "verteiler", "vermerke"].forEach(function (k) {
      document.querySelector('[data-liste="' + k + '"]').value = (kopf[k] || []).map(quelleZuFeldern).join("\n");
    });
    $("f-maschinell").checked = !!kopf.hinweis_maschinell;
    zustand.maschinellText = typeof kopf.hinweis_maschinell === "string" ? kopf.hinweis_maschinell : null;
    var u = kopf.unterschrift || {};
    $("f-u-name").value = u.name || ""; $("f-u-funktion").value = u.funktion || ""; $("f-u-gez").checked = !!u.gez;
    zustand.unterschriftRest = {};
    Object.keys(u).forEach(function (k) { if (["name", "funktion", "gez"].indexOf(k) < 0) { zustand.unterschriftRest[k] = u[k]; } });
    $("startwerte").textContent = "";
    var sw = kopf.startwerte || {};
    Object.keys(sw).forEach(function (name) { startwertZeile(name, sw[name]); });
    platzhalterAuswahl();
    zustand.koerper = teile.koerper;
    return senden("/api/editor/dokument", form({ koerper: teile.koerper, beschriftungen: JSON.stringify(beschriftungen()) }))
      .then(function (antwort) {
        return antwort.json().then(function (inhalt) {
          if (!antwort.ok) { throw inhalt; }
          brief.setzeDokument(inhalt.dokument);
          zustand.letztesDokument = JSON.stringify(brief.dokument());
        });
      });
  }

  var swNummer = 0;
  function startwertZeile(name, w) {
    w = w || {};
    swNummer += 1;
    var n = swNummer;
    var zeile = document.createElement("div");
    zeile.className = "startwert reihe";
    var typen = Object.keys(daten.typen).map(function (t) {
      return '<option value="' + t + '">' + daten.typen[t] + "</option>";
    }).join("");
    zeile.innerHTML =
      '<div><label for="sw-name-' + n + '">Name im Text</label><input id="sw-name-' + n + '" class="sw-name" type="text" pattern="[a-z_][a-z0-9_]*"></div>' +
      '<div><label for="sw-bez-' + n + '">Bezeichnung beim Start</label><input id="sw-bez-' + n + '" class="sw-bezeichnung" type="text"></div>' +
      '<div><label for="sw-typ-' + n + '">Art</label><select id="sw-typ-' + n + '" class="sw-typ">' + typen + "</select></div>" +
      '<div><label for="sw-std-' + n + '">Vorgabe</label><input id="sw-std-' + n + '" class="sw-standard" type="text"></div>' +
      '<div class="haken"><input type="checkbox" id="sw-pflicht-' + n + '" class="sw-pflicht"><label for="sw-pflicht-' + n + '">Pflicht</label></div>' +
      '<div><button type="button" class="knopf leise sw-weg">Entfernen</button></div>';
    zeile.querySelector(".sw-name").value = name || "";
    zeile.querySelector(".sw-bezeichnung").value = w.bezeichnung || "";
    zeile.querySelector(".sw-typ").value = w.typ || "text";
    zeile.querySelector(".sw-standard").value = w.standard === undefined ? "" : String(w.standard.$datum || w.standard);
    zeile.querySelector(".sw-pflicht").checked = !!w.pflicht;
    zeile.querySelector(".sw-weg").addEventListener("click", function () { zeile.remove(); geaendert(); platzhalterAuswahl(); });
    zeile.addEventListener("change", platzhalterAuswahl);
    $("startwerte").appendChild(zeile);
    return zeile;
  }

  // --- toolbar, field picker, dialogs ---------------------------------------------------------
  function platzhalterAuswahl() {
    var auswahl = $("p-was"), alt = auswahl.value;
    auswahl.textContent = "";
    feldListe().forEach(function (f) { auswahl.appendChild(new Option("«" + f[1] + "»", f[0])); });
    if (alt) { auswahl.value = alt; }
    if (!auswahl.value && auswahl.options.length) { auswahl.selectedIndex = 0; }
    if (brief) { brief.neuZeichnen(); }
  }
  function formatOptionen(auswahl) {
    auswahl.appendChild(new Option("wie in der Liste", ""));
    Object.keys(daten.formate).forEach(function (f) { auswahl.appendChild(new Option(daten.formate[f], f)); });
  }
  function feldAttrs(name, format) {
    return { ausdruck: format ? name + " | " + format : name, name: name, format: format || null, label: beschriftung(name) };
  }
  var letztesEingabefeld = null;
  function platzhalterEinfuegen() {
    var was = $("p-was").value, format = $("p-format").value;
    if (!was) { return; }
    var feld = letztesEingabefeld;
    if (feld && zustand.ansicht === "formular") {
      var a = feld.selectionStart, b = feld.selectionEnd;
      var text = "«" + beschriftung(was) + (format ? ": " + daten.formate[format] : "") + "»";
      feld.value = feld.value.slice(0, a) + text + feld.value.slice(b);
      feld.focus();
      feld.selectionStart = feld.selectionEnd = a + text.length;
      geaendert();
      return;
    }
    if (zustand.ansicht === "text") {
      var q = $("f-quelltext"), s0 = q.selectionStart, ausdruck = "{{ " + feldAttrs(was, format).ausdruck + " }}";
      q.value = q.value.slice(0, s0) + ausdruck + q.value.slice(q.selectionEnd);
      geaendert();
      return;
    }
    brief.feldEinfuegen(feldAttrs(was, format));
  }
  function dialog(id, vorbereiten) {
    var d = $(id);
    vorbereiten(d);
    d.returnValue = "";
    d.showModal();
    return new Promise(function (fertig) {
      d.addEventListener("close", function () { fertig(d.returnValue === "ok"); }, { once: true });
    });
  }
  function feldKlick(attrs, setze) {
    dialog("d-format", function () { $("d-format-wahl").value = attrs.format || ""; }).then(function (ok) {
      if (!ok) { return; }
      var format = $("d-format-wahl").value;
      setze(feldAttrs(attrs.name, format));
    });
  }
  function bedingungDialog(attrs, mitSonst) {
    var spalte = $("d-spalte");
    spalte.textContent = "";
    feldListe().forEach(function (f) { spalte.appendChild(new Option("«" + f[1] + "»", f[0])); });
    if (attrs && !feldListe().some(function (f) { return f[0] === attrs.spalte; })) {
      spalte.appendChild(new Option("«" + beschriftung(attrs.spalte) + "»", attrs.spalte));
    }
    return dialog("d-bedingung", function () {
      spalte.value = attrs ? attrs.spalte : spalte.options[0].value;
      $("d-art").value = attrs ? attrs.art : "gefuellt";
      $("d-wert").value = attrs && attrs.wert ? attrs.wert : "";
      $("d-sonst").checked = !!mitSonst;
    }).then(function (ok) {
      if (!ok) { return null; }
      var art = $("d-art").value;
      return { attrs: { spalte: spalte.value, art: art, wert: art === "gefuellt" || art === "leer" ? null : $("d-wert").value },
        sonst: $("d-sonst").checked };
    });
  }
  var bausteinListe = null;
  function bausteine() {
    if (!bausteinListe) {
      bausteinListe = fetch("/api/bausteine", { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (a) { return a.ok ? a.json() : []; }).catch(function () { return []; });
    }
    return bausteinListe;
  }
  function bausteinDialog() {
    bausteine().then(function (liste) {
        var wahl = $("d-baustein-wahl");
        wahl.textContent = "";
        liste.forEach(function (b) {
          wahl.appendChild(new Option(b.name + (b.beschreibung ? " – " + b.beschreibung : ""), b.name));
        });
        if (!liste.length) { wahl.appendChild(new Option("(keine Textbausteine vorhanden)", "")); }
        return dialog("d-baustein", function () {});
      }).then(function (ok) {
        var name = $("d-baustein-wahl").value;
        if (ok && name) { brief.ausdruckEinfuegen('{{ baustein("' + name + '") }}', true); }
      });
  }
  function wertFuer(name) {
    var e = zustand.empfaenger[zustand.index];
    if (!e || !e.werte) { return null; }
    var teile = name.split(".");
    if (teile[0] === "empfaenger") { return teile[1] in e.werte ? e.werte[teile[1]] : ""; }
    if (teile[0] === "werte") {
      var zeile = Array.prototype.find.call(document.querySelectorAll("#startwerte .startwert"), function (z) {
        return z.querySelector(".sw-name").value.trim() === teile[1];
      });
      return zeile ? zeile.querySelector(".sw-standard").value : "";
    }
    return null;
  }

  var brief = window.BriefEditor.erstelle($("f-text"), {
    beschriftung: beschriftung, formate: daten.formate, wert: wertFuer, feldKlick: feldKlick,
    felder: function () { return feldListe().map(function (f) { return feldAttrs(f[0], null); }); },
    baustein: function (name) {
      return bausteine().then(function (liste) { return liste.find(function (b) { return b.name === name; }) || null; });
    },
    alsFelder: function (text) { return quelleZuFeldern(text.replace(/\*\*|__/g, "")); },
    bedingungKlick: function (attrs, setze, mitSonst) {
      bedingungDialog(attrs, mitSonst).then(function (w) { if (w) { setze(w.attrs, w.sonst); } });
    },
    beiAenderung: geaendert
  });

  // --- switching views --------------------------------------------------------------------
  function senden(url, formular, methode) {
    return fetch(url, { method: methode || "POST", body: formular, credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "Accept": "application/json" } });
  }
  function form(felder) {
    var f = new FormData();
    Object.keys(felder).forEach(function (k) { f.append(k, felder[k]); });
    return f;
  }

  function zeigeAnsicht(ansicht) {
    zustand.ansicht = ansicht;
    $("formular-ansicht").hidden = ansicht !== "formular";
    $("text-ansicht").hidden = ansicht !== "text";
    $("ansicht-formular").setAttribute("aria-pressed", String(ansicht === "formular"));
    $("ansicht-text").setAttribute("aria-pressed", String(ansicht === "text"));
  }

  function zerlegeUndFuelle(text) {
    return senden("/api/entwurf/zerlegen", form({ quelltext: text })).then(function (antwort) {
      return antwort.json().then(function (inhalt) {
        if (!antwort.ok) { throw inhalt; }
        return formularFuellen(inhalt);
      });
    });
  }

  $("ansicht-text").addEventListener("click", function () {
    if (zustand.ansicht === "text") { return; }
    quelltextAusFormular().then(function (text) {
      $("f-quelltext").value = text;
      zeigeAnsicht("text");
    }).catch(function (f) { zeigeFehler(f); });
  });
  $("ansicht-formular").addEventListener("click", function () {
    if (zustand.ansicht === "formular") { return; }
    zerlegeUndFuelle($("f-quelltext").value).then(function () { zeigeAnsicht("formular"); geaendert(); })
      .catch(function (f) { zeigeFehler(f); });
  });

  // --- preview -----------------------------------------------------------------------------
  var zeitgeber = null;
  function geaendert() {
    window.clearTimeout(zeitgeber);
    if (zustand.liste) { $("v-seiten").setAttribute("aria-busy", "true"); }
    zeitgeber = window.setTimeout(function () { zeitgeber = null; vorschau(); }, 700);
  }

  function ortText(f) {
    if (zustand.ansicht === "text") { return f.zeile ? "Zeile " + f.zeile + ": " : ""; }
    var beginn = zustand.kopfZeilen + 3;
    if (!f.feld && f.zeile && f.zeile >= beginn) { return "Brieftext, Zeile " + (f.zeile - beginn + 1) + ": "; }
    var schluessel = feldVonZeile(f);
    if (!schluessel) { return f.zeile ? "Kopfbereich: " : ""; }
    var el = $(FELD_ELEMENT[schluessel] || "");
    var lab = el && document.querySelector('label[for="' + el.id + '"]');
    return "Feld „" + (lab ? lab.textContent : schluessel) + "“: ";
  }

  function feldVonZeile(f) {
    if (f.feld) { return f.feld; }
    if (!f.zeile || zustand.ansicht === "text" || f.zeile >= zustand.kopfZeilen + 3) { return null; }
    return (zustand.zeilenSchluessel || [])[f.zeile - 2] || null;
  }

  function zeigeFehler(f) {
    document.querySelectorAll(".feld-fehler").forEach(function (e) { e.classList.remove("feld-fehler"); e.removeAttribute("aria-invalid"); });
    var box = $("v-fehler");
    if (!f) { box.hidden = true; box.textContent = ""; return; }
    box.hidden = false;
    box.textContent = ortText(f) + (f.detail || "Die Vorschau ist fehlgeschlagen.");
    var schluessel = feldVonZeile(f);
    var element = schluessel && $(FELD_ELEMENT[schluessel]);
    if (!element && f.zeile) { element = zustand.ansicht === "text" ? $("f-quelltext") : $("f-text").firstChild; }
    if (element) { element.classList.add("feld-fehler"); element.setAttribute("aria-invalid", "true"); }
  }

  // The page's CSP allows data: images (not blob:).
  function alsDatenUrl(blob) {
    return new Promise(function (fertig) {
      var leser = new FileReader();
      leser.onload = function () { fertig(leser.result); };
      leser.readAsDataURL(blob);
    });
  }

  function seiteLaden(text, nummer, e, seite) {
    var f = form({ quelltext: text, zeile: String(e.zeile), format: "png", seite: String(seite) });
    f.append("liste", zustand.liste);
    return senden("/api/vorschau", f).then(function (antwort) {
      if (nummer !== zustand.anfrage) { return null; }
      if (!antwort.ok) { return antwort.json().then(function (inhalt) { throw inhalt; }); }
      var seiten = Number(antwort.headers.get("X-Seiten") || "1");
      return antwort.blob().then(alsDatenUrl).then(function (url) { return { url: url, seiten: seiten }; });
    });
  }

  function vorschau() {
    if (!zustand.liste || !zustand.empfaenger.length) { return; }
    var e = zustand.empfaenger[zustand.index];
    zustand.anfrage += 1;
    var nummer = zustand.anfrage;
    var text;
    $("v-zeile").value = e.zeile;
    $("v-wer").textContent = "Empfänger " + (zustand.index + 1) + " von " + zustand.empfaenger.length + ": " + e.name +
      " (Zeile " + e.zeile + ")";
    $("v-seiten").setAttribute("aria-busy", "true");
    aktuellerQuelltext().then(function (t) { text = t; return seiteLaden(text, nummer, e, 1); }).then(function (erste) {
      if (!erste) { return; }
      var laden = [Promise.resolve(erste)];
      for (var s = 2; s <= erste.seiten; s += 1) { laden.push(seiteLaden(text, nummer, e, s)); }
      return Promise.all(laden).then(function (teile) {
        if (nummer !== zustand.anfrage || teile.indexOf(null) >= 0) { return; }
        var ziel = $("v-seiten");
        ziel.textContent = "";
        teile.forEach(function (t, i) {
          var img = document.createElement("img");
          img.src = t.url;
          img.alt = "Vorschau: Seite " + (i + 1) + " von " + erste.seiten;
          img.width = 827; img.height = 1169;
          ziel.appendChild(img);
        });
        ziel.setAttribute("data-zeile", String(e.zeile));
        zeigeFehler(null);
      });
    }).catch(function (f) {
      if (nummer !== zustand.anfrage) { return; }
      zeigeFehler(f && f.detail ? f : { detail: "Die Vorschau ist fehlgeschlagen (Verbindung?)." });
    }).then(function () {
      // Busy until the newest text is shown (a test or a screen reader waits for this).
      if (nummer === zustand.anfrage && zeitgeber === null) { $("v-seiten").setAttribute("aria-busy", "false"); }
    });
  }

  function gehe(index) {
    if (!zustand.empfaenger.length) { return; }
    zustand.index = Math.max(0, Math.min(zustand.empfaenger.length - 1, index));
    vorschau();
  }

  $("v-liste").addEventListener("change", function () {
    var datei = $("v-liste").files[0];
    if (!datei) { return; }
    var f = new FormData();
    f.append("liste", datei);
    senden("/api/vorschau/liste", f).then(function (antwort) {
      return antwort.json().then(function (inhalt) {
        if (!antwort.ok) { throw inhalt; }
        zustand.liste = datei;
        zustand.empfaenger = inhalt.empfaenger;
        zustand.spalten = inhalt.spalten;
        var namen = $("v-namen");
        namen.textContent = "";
        inhalt.empfaenger.forEach(function (e) { namen.appendChild(new Option(e.name + " (Zeile " + e.zeile + ")")); });
        $("blaettern").hidden = false;
        platzhalterAuswahl();
        gehe(0);
      });
    }).catch(function (f) { zeigeFehler(f && f.detail ? f : { detail: "Die Liste konnte nicht gelesen werden." }); });
  });
  $("v-zurueck").addEventListener("click", function () { gehe(zustand.index - 1); });
  $("v-weiter").addEventListener("click", function () { gehe(zustand.index + 1); });
  function springe() {
    var zeile = Number($("v-zeile").value);
    var i = zustand.empfaenger.findIndex(function (e) { return e.zeile === zeile; });
    if (i < 0) { zeigeFehler({ detail: "Eine Zeile " + zeile + " gibt es in der Beispielliste nicht." }); return; }
    gehe(i);
  }
  $("v-springen").addEventListener("click", springe);
  $("v-zeile").addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); springe(); } });
  function suche() {
    var text = $("v-suche").value.replace(/\s*\(Zeile \d+\)$/, "").trim().toLowerCase();
    if (!text) { return; }
    var i = zustand.empfaenger.findIndex(function (e) { return e.name.toLowerCase().indexOf(text) >= 0; });
    if (i < 0) { zeigeFehler({ detail: "Niemand in der Beispielliste heißt „" + $("v-suche").value + "“." }); return; }
    gehe(i);
  }
  $("v-suche").addEventListener("change", suche);
  $("v-suche").addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); suche(); } });

  $("v-pdf").addEventListener("click", function () {
    if (!zustand.liste || !zustand.empfaenger.length) { return; }
    var e = zustand.empfaenger[zustand.index];
    aktuellerQuelltext().then(function (text) {
      var f = form({ quelltext: text, zeile: String(e.zeile), format: "pdf" });
      f.append("liste", zustand.liste);
      return senden("/api/vorschau", f);
    }).then(function (antwort) {
      if (!antwort.ok) { return antwort.json().then(function (inhalt) { zeigeFehler(inhalt); }); }
      return antwort.blob().then(function (b) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(b);
        link.download = "vorschau-zeile-" + e.zeile + ".pdf";
        document.body.appendChild(link);
        link.click();
        window.setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
      });
    });
  });

  // --- saving --------------------------------------------------------------------------------
  function meldung(text, art) {
    var m = $("speicher-meldung");
    m.hidden = false; m.className = "meldung " + art; m.textContent = text;
  }
  $("speichern").addEventListener("click", function () {
    var name = $("f-name").value.trim();
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
      meldung("Bitte einen Namen aus Kleinbuchstaben, Ziffern und Bindestrichen angeben, z. B. einladung-teilkonferenz.", "fehler");
      $("f-name").focus();
      return;
    }
    aktuellerQuelltext().then(function (text) {
      return senden("/api/vorlagen/" + name, form({ quelltext: text, version: zustand.neu ? "" : zustand.version }), "PUT");
    }).then(function (antwort) {
        return antwort.json().then(function (inhalt) {
          if (antwort.status === 422 && (inhalt.zeile || inhalt.feld)) { zeigeFehler(inhalt); }
          if (!antwort.ok) { meldung(ortText(inhalt) + inhalt.detail, "fehler"); return; }
          zustand.version = inhalt.version;
          zustand.neu = false;
          zustand.name = name;
          $("f-name").readOnly = true;
          if (window.location.pathname !== "/vorlagen/" + name) { window.history.replaceState(null, "", "/vorlagen/" + name); }
          meldung("Gespeichert als Version " + inhalt.nummer + " (" + inhalt.was + ").", "ok");
        });
      })
      .catch(function (f) {
        if (f && f.detail) { meldung(f.detail, "fehler"); return; }
        meldung("Speichern fehlgeschlagen: keine Verbindung zum Dienst. Ihr Text ist noch hier.", "fehler");
      });
  });

  // --- start ---------------------------------------------------------------------------------
  daten.absender.forEach(function (a) { $("f-absender").appendChild(new Option(a, a)); });
  $("f-name").value = daten.name;
  document.querySelectorAll("[data-befehl]").forEach(function (knopf) {
    knopf.addEventListener("mousedown", function (e) { e.preventDefault(); });
    knopf.addEventListener("click", function () { brief.befehl(knopf.getAttribute("data-befehl")); });
  });
  formatOptionen($("p-format"));
  formatOptionen($("d-format-wahl"));
  $("p-einfuegen").addEventListener("mousedown", function (e) {
    if (document.activeElement && document.activeElement.closest && !document.activeElement.closest(".ProseMirror")) {
      letztesEingabefeld = document.activeElement.matches("#f-betreff, [data-liste]") ? document.activeElement : null;
    } else { letztesEingabefeld = null; }
  });
  $("p-einfuegen").addEventListener("click", platzhalterEinfuegen);
  $("p-einfuegen").addEventListener("dragstart", function (e) {
    var attrs = feldAttrs($("p-was").value, $("p-format").value);
    e.dataTransfer.setData("text/html", '<span data-feld="' + JSON.stringify(attrs).replace(/&/g, "&amp;").replace(/"/g, "&quot;") +
      '">«' + attrs.label + "»</span>");
    e.dataTransfer.setData("text/plain", "«" + attrs.label + "»");
  });
  $("bedingung-knopf").addEventListener("click", function () {
    bedingungDialog(null, false).then(function (w) { if (w) { brief.bedingungEinfuegen(w.attrs, w.sonst); } });
  });
  $("baustein-knopf").addEventListener("click", bausteinDialog);
  $("startwert-neu").addEventListener("click", function () {
    startwertZeile("", {}).querySelector(".sw-name").focus();
  });
  $("bearbeitung").addEventListener("input", geaendert);
  $("bearbeitung").addEventListener("change", geaendert);
  $("f-quelltext").value = daten.quelltext;
  zerlegeUndFuelle(daten.quelltext).then(function () { zeigeAnsicht("formular"); }).catch(function (f) {
    zeigeAnsicht("text");
    zeigeFehler(f);
  });
  platzhalterAuswahl();
}());
