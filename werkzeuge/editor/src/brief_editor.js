// The letter editor of the page (Tiptap): the letter as it prints, fields as chips, conditions
// as framed blocks, what the editor cannot show as protected "Ausdruck" chips. Built with
// `npm ci && npm run build` into briefe/dienst/seite/statisch/brief_editor.js (window.BriefEditor).
import { Editor, Extension, Node, mergeAttributes } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import { TableKit } from "@tiptap/extension-table";
import Suggestion from "@tiptap/suggestion";
import { PluginKey } from "@tiptap/pm/state";

var ARTEN = { gefuellt: "gefüllt", leer: "leer", enthaelt: "enthält", gleich: "ist gleich", ungleich: "ist nicht" };

function element(tag, klasse, text) {
  var el = document.createElement(tag);
  if (klasse) { el.className = klasse; }
  if (text !== undefined) { el.textContent = text; }
  return el;
}

export function bedingungText(attrs, beschriftung) {
  var text = "nur wenn «" + beschriftung(attrs.spalte) + "» " + (ARTEN[attrs.art] || attrs.art);
  if (attrs.art !== "gefuellt" && attrs.art !== "leer") { text += " „" + (attrs.wert || "") + "“"; }
  return text;
}

function bausteinName(quelltext) {
  var t = /^\{\{-?\s*baustein\(\s*["']([^"']+)["']\s*\)\s*-?\}\}\s*$/.exec(quelltext || "");
  return t ? t[1] : null;
}

function inlineText(inhalt, beschriftung) {
  return (inhalt || []).map(function (k) {
    if (k.type === "text") { return k.text; }
    if (k.type === "feld") { return "«" + beschriftung(k.attrs.name) + "»"; }
    if (k.type === "hardBreak") { return " "; }
    return "…";
  }).join("");
}

function attribute(namen) {
  var a = {};
  namen.forEach(function (n) { a[n] = { default: null }; });
  return a;
}

// A chip: a button inside a non-editable span (keyboard-reachable, with an accessible name).
function chip(klasse, beiKlick) {
  var dom = element("span", "chip " + klasse);
  dom.contentEditable = "false";
  var knopf = element("button", "chip-knopf");
  knopf.type = "button";
  dom.appendChild(knopf);
  if (beiKlick) { knopf.addEventListener("click", beiKlick); }
  return { dom: dom, knopf: knopf };
}

function erstelle(ort, optionen) {
  var o = optionen;
  var beschriftung = function (name) { return o.beschriftung(name); };

  var Feld = Node.create({
    name: "feld", group: "inline", inline: true, atom: true, selectable: true, draggable: true,
    addAttributes: function () { return attribute(["ausdruck", "name", "format", "label"]); },
    parseHTML: function () {
      return [{ tag: "span[data-feld]", getAttrs: function (el) { return JSON.parse(el.getAttribute("data-feld")); } }];
    },
    renderHTML: function (p) {
      return ["span", mergeAttributes({ "data-feld": JSON.stringify(p.node.attrs) }), "«" + p.node.attrs.label + "»"];
    },
    renderText: function (p) { return "«" + p.node.attrs.label + "»"; },
    addNodeView: function () {
      return function (p) {
        var knoten = p.node;
        var c = chip("feld", function () {
          o.feldKlick(knoten.attrs, function (neu) {
            var pos = p.getPos();
            p.editor.view.dispatch(p.editor.state.tr.setNodeMarkup(pos, null, Object.assign({}, knoten.attrs, neu)));
          });
        });
        c.dom.draggable = true;
        function zeige() {
          var label = beschriftung(knoten.attrs.name);
          var format = knoten.attrs.format ? (o.formate[knoten.attrs.format] || knoten.attrs.format) : "";
          c.knopf.textContent = "";
          c.knopf.appendChild(element("span", "chip-name", "«" + label + "»"));
          if (format) { c.knopf.appendChild(element("span", "chip-format", format)); }
          c.knopf.setAttribute("aria-label", "Feld " + label + (format ? ", Format " + format : "") + " – Format ändern");
        }
        c.knopf.addEventListener("mouseenter", function () {
          var wert = o.wert(knoten.attrs.name);
          c.knopf.title = wert === null ? "Kein Wert (Beispielliste wählen)" : "Im Brief der Vorschau: " + (wert || "(leer)");
        });
        zeige();
        return {
          dom: c.dom,
          update: function (neu) { if (neu.type !== knoten.type) { return false; } knoten = neu; zeige(); return true; },
          stopEvent: function (e) { return e.type === "click" || e.type === "keydown"; },
          ignoreMutation: function () { return true; }
        };
      };
    }
  });

  // An inserted text block: framed and labelled, its text visible but not editable here.
  function bausteinZeigen(c, name) {
    c.dom.classList.add("baustein");
    c.dom.setAttribute("role", "group");
    c.dom.setAttribute("aria-label", "Textbaustein „" + name + "“");
    var inhalt = element("div", "baustein-text");
    var link = element("a", "baustein-link", "Baustein bearbeiten");
    link.href = "/bausteine/" + encodeURIComponent(name);
    link.target = "_blank";
    c.dom.appendChild(link);
    c.dom.appendChild(inhalt);
    o.baustein(name).then(function (b) {
      if (!b) { inhalt.appendChild(element("p", "baustein-fehlt", "Diesen Textbaustein gibt es nicht.")); return; }
      if (b.beschreibung) { c.knopf.title = b.beschreibung; }
      b.text.split(/\n\s*\n/).forEach(function (absatz) {
        if (absatz.trim()) { inhalt.appendChild(element("p", "", o.alsFelder(absatz.trim()))); }
      });
    });
  }

  function ausdruckKnoten(name, block) {
    return Node.create({
      name: name, group: block ? "block" : "inline", inline: !block, atom: true, selectable: true, draggable: true,
      addAttributes: function () { return attribute(["quelltext"]); },
      parseHTML: function () {
        return [{ tag: (block ? "div" : "span") + "[data-ausdruck]",
          getAttrs: function (el) { return { quelltext: el.getAttribute("data-ausdruck") }; } }];
      },
      renderHTML: function (p) { return [block ? "div" : "span", { "data-ausdruck": p.node.attrs.quelltext }, "Ausdruck"]; },
      addNodeView: function () {
        return function (p) {
          var c = chip(block ? "ausdruck block" : "ausdruck", function () {
            p.editor.commands.setNodeSelection(p.getPos());
          });
          var baustein = block ? bausteinName(p.node.attrs.quelltext) : null;
          var text = baustein ? "Textbaustein „" + baustein + "“" : "Ausdruck";
          c.knopf.textContent = text;
          c.knopf.setAttribute("aria-label", text + " (geschützt; verschieben oder mit Entf löschen)");
          c.knopf.title = baustein ? "Steht so in jedem Brief; geändert wird er an einer Stelle"
            : "Geschützter Teil der Vorlage (in der Textform bearbeitbar)";
          if (baustein) { bausteinZeigen(c, baustein); }
          return { dom: c.dom, stopEvent: function (e) { return e.type === "click"; }, ignoreMutation: function () { return true; } };
        };
      }
    });
  }

  var BedingungInline = Node.create({
    name: "bedingungInline", group: "inline", inline: true, atom: true, selectable: true, draggable: true,
    addAttributes: function () { return attribute(["spalte", "art", "wert", "dann", "sonst"]); },
    renderHTML: function (p) { return ["span", { class: "bedingung-inline" }, bedingungText(p.node.attrs, beschriftung)]; },
    addNodeView: function () {
      return function (p) {
        var c = chip("bedingung-inline", function () { p.editor.commands.setNodeSelection(p.getPos()); });
        var a = p.node.attrs;
        var text = bedingungText(a, beschriftung) + ": " + inlineText(a.dann, beschriftung);
        if (a.sonst) { text += " – sonst: " + inlineText(a.sonst, beschriftung); }
        c.knopf.textContent = text;
        return { dom: c.dom, stopEvent: function (e) { return e.type === "click"; }, ignoreMutation: function () { return true; } };
      };
    }
  });

  var Bedingung = Node.create({
    name: "bedingung", group: "block", content: "bedingungDann bedingungSonst?", defining: true, isolating: true,
    draggable: true,
    addAttributes: function () { return attribute(["spalte", "art", "wert"]); },
    parseHTML: function () { return [{ tag: "div[data-bedingung]" }]; },
    renderHTML: function () { return ["div", { "data-bedingung": "" }, 0]; },
    addNodeView: function () {
      return function (p) {
        var knoten = p.node;
        var dom = element("div", "bedingung");
        var kopf = element("div", "bedingung-kopf");
        kopf.contentEditable = "false";
        var text = element("span", "bedingung-text");
        var aendern = element("button", "chip-knopf", "ändern");
        aendern.type = "button";
        aendern.addEventListener("click", function () {
          o.bedingungKlick(knoten.attrs, function (neu, mitSonst) {
            var pos = p.getPos();
            var tr = p.editor.state.tr.setNodeMarkup(pos, null, neu);
            var aktuell = tr.doc.nodeAt(pos);
            var schema = p.editor.schema;
            if (mitSonst && aktuell.childCount === 1) {
              tr.insert(pos + aktuell.nodeSize - 1, schema.nodes.bedingungSonst.create(null, schema.nodes.paragraph.create()));
            } else if (!mitSonst && aktuell.childCount === 2) {
              var dann = aktuell.child(0);
              tr.delete(pos + 1 + dann.nodeSize, pos + aktuell.nodeSize - 1);
            }
            p.editor.view.dispatch(tr);
          }, knoten.childCount === 2);
        });
        kopf.appendChild(text);
        kopf.appendChild(aendern);
        var inhalt = element("div", "bedingung-inhalt");
        dom.appendChild(kopf);
        dom.appendChild(inhalt);
        function zeige() {
          text.textContent = bedingungText(knoten.attrs, beschriftung);
          aendern.setAttribute("aria-label", "Bedingung ändern: " + text.textContent);
        }
        zeige();
        return {
          dom: dom, contentDOM: inhalt,
          update: function (neu) { if (neu.type !== knoten.type) { return false; } knoten = neu; zeige(); return true; },
          stopEvent: function (e) { return kopf.contains(e.target); },
          ignoreMutation: function (m) { return kopf.contains(m.target); }
        };
      };
    }
  });

  function teil(name, klasse, titel) {
    return Node.create({
      name: name, content: "block+", defining: true,
      parseHTML: function () { return [{ tag: "div." + klasse }]; },
      renderHTML: function () { return ["div", { class: klasse }, 0]; },
      addNodeView: titel ? function () {
        return function () {
          var dom = element("div", klasse);
          var kopf = element("div", "sonst-kopf", titel);
          kopf.contentEditable = "false";
          var inhalt = element("div");
          dom.appendChild(kopf);
          dom.appendChild(inhalt);
          return { dom: dom, contentDOM: inhalt, ignoreMutation: function (m) { return kopf.contains(m.target); } };
        };
      } : undefined
    });
  }

  // Typing « or @ offers the fields.
  function vorschlag(zeichen, schluessel) {
    return {
      char: zeichen, pluginKey: new PluginKey(schluessel), allowedPrefixes: [" ", "("],
      items: function (p) {
        var q = p.query.toLowerCase();
        var passend = o.felder().filter(function (f) { return f.label.toLowerCase().indexOf(q) >= 0; });
        var vorn = passend.filter(function (f) { return f.label.toLowerCase().indexOf(q) === 0; });
        return vorn.concat(passend.filter(function (f) { return vorn.indexOf(f) < 0; })).slice(0, 12);
      },
      command: function (p) {
        p.editor.chain().focus().insertContentAt(p.range, { type: "feld", attrs: p.props }).run();
      },
      render: function () {
        var liste, eintraege = [], wahl = 0, befehl;
        function zeichne() {
          liste.textContent = "";
          eintraege.forEach(function (f, i) {
            var li = element("li", i === wahl ? "gewaehlt" : "", "«" + f.label + "»");
            li.setAttribute("role", "option");
            li.id = "vorschlag-" + i;
            li.setAttribute("aria-selected", String(i === wahl));
            li.addEventListener("mousedown", function (e) { e.preventDefault(); befehl(f); });
            liste.appendChild(li);
          });
          if (!eintraege.length) { liste.appendChild(element("li", "leer", "Kein passendes Feld")); }
        }
        function lege(p) {
          var r = p.clientRect && p.clientRect();
          if (r) { liste.style.left = (r.left + window.scrollX) + "px"; liste.style.top = (r.bottom + window.scrollY + 4) + "px"; }
        }
        return {
          onStart: function (p) {
            liste = element("ul", "feld-vorschlag");
            liste.setAttribute("role", "listbox");
            liste.setAttribute("aria-label", "Feld wählen");
            document.body.appendChild(liste);
            eintraege = p.items; wahl = 0; befehl = p.command;
            zeichne(); lege(p);
          },
          onUpdate: function (p) { eintraege = p.items; wahl = 0; befehl = p.command; zeichne(); lege(p); },
          onKeyDown: function (p) {
            var k = p.event.key;
            if (k === "ArrowDown") { wahl = (wahl + 1) % Math.max(1, eintraege.length); zeichne(); return true; }
            if (k === "ArrowUp") { wahl = (wahl + eintraege.length - 1) % Math.max(1, eintraege.length); zeichne(); return true; }
            if (k === "Enter" || k === "Tab") { if (eintraege[wahl]) { befehl(eintraege[wahl]); } return true; }
            if (k === "Escape") { liste.remove(); return true; }
            return false;
          },
          onExit: function () { if (liste) { liste.remove(); } }
        };
      }
    };
  }
  var Vorschlaege = Extension.create({
    name: "feldVorschlag",
    addProseMirrorPlugins: function () {
      var ed = this.editor;
      return [Suggestion(Object.assign({ editor: ed }, vorschlag("«", "feldGuillemet"))),
        Suggestion(Object.assign({ editor: ed }, vorschlag("@", "feldAt")))];
    }
  });

  var editor = new Editor({
    element: ort, injectCSS: false,
    extensions: [
      StarterKit.configure({ blockquote: false, code: false, codeBlock: false, horizontalRule: false, strike: false,
        link: false, underline: false, heading: { levels: [1, 2, 3] } }),
      TableKit.configure({ table: { resizable: false } }),
      Feld, ausdruckKnoten("ausdruck", false), ausdruckKnoten("ausdruckBlock", true), BedingungInline,
      Bedingung, teil("bedingungDann", "bedingung-dann"), teil("bedingungSonst", "bedingung-sonst", "sonst:"),
      Vorschlaege
    ],
    editorProps: { attributes: { class: "brief-text", role: "textbox", "aria-multiline": "true",
      "aria-label": "Brieftext", spellcheck: "true", lang: "de" } },
    onUpdate: function () { o.beiAenderung(); }
  });

  // Back into the text at once (Tiptap's focus command waits a frame; keys typed meanwhile
  // would reach the button that was clicked).
  function fokus() { editor.view.focus(); }

  var befehle = {
    fett: function (c) { return c.toggleBold(); },
    kursiv: function (c) { return c.toggleItalic(); },
    ueberschrift: function (c) { return c.toggleHeading({ level: 2 }); },
    aufzaehlung: function (c) { return c.toggleBulletList(); },
    nummerierung: function (c) { return c.toggleOrderedList(); },
    umbruch: function (c) { return c.setHardBreak(); },
    tabelle: function (c) { return c.insertTable({ rows: 3, cols: 2, withHeaderRow: true }); },
    zeileDazu: function (c) { return c.addRowAfter(); },
    zeileWeg: function (c) { return c.deleteRow(); },
    spalteDazu: function (c) { return c.addColumnAfter(); },
    spalteWeg: function (c) { return c.deleteColumn(); },
    kopfzeile: function (c) { return c.toggleHeaderRow(); },
    tabelleWeg: function (c) { return c.deleteTable(); },
    rueckgaengig: function (c) { return c.undo(); },
    wiederholen: function (c) { return c.redo(); }
  };

  return {
    editor: editor,
    setzeDokument: function (dok) { editor.commands.setContent(dok, { emitUpdate: false }); },
    dokument: function () { return editor.getJSON(); },
    befehl: function (name) { var ok = befehle[name](editor.chain()).run(); fokus(); return ok; },
    aktiv: function (name, attrs) { return editor.isActive(name, attrs); },
    feldEinfuegen: function (attrs) {
      editor.chain().insertContent({ type: "feld", attrs: attrs }).run();
      fokus();
    },
    ausdruckEinfuegen: function (quelltext, block) {
      editor.chain().insertContent({ type: block ? "ausdruckBlock" : "ausdruck", attrs: { quelltext: quelltext } }).run();
      fokus();
    },
    bedingungEinfuegen: function (attrs, mitSonst) {
      var state = editor.state, schema = editor.schema;
      var bereich = state.selection.$from.blockRange(state.selection.$to);
      if (!bereich) { return false; }
      var inhalt = state.doc.slice(bereich.start, bereich.end).content;
      var teile = [schema.nodes.bedingungDann.create(null, inhalt.size ? inhalt : schema.nodes.paragraph.create())];
      if (mitSonst) { teile.push(schema.nodes.bedingungSonst.create(null, schema.nodes.paragraph.create())); }
      var tr = state.tr.replaceWith(bereich.start, bereich.end, schema.nodes.bedingung.create(attrs, teile));
      editor.view.dispatch(tr);
      fokus();
      return true;
    },
    // Re-draw the chips (labels of the list's headings and start values may have changed).
    neuZeichnen: function () {
      var tr = editor.state.tr, geaendert = false;
      editor.state.doc.descendants(function (k, pos) {
        if (k.type.name === "feld" && k.attrs.label !== beschriftung(k.attrs.name)) {
          tr.setNodeMarkup(pos, null, Object.assign({}, k.attrs, { label: beschriftung(k.attrs.name) }));
          geaendert = true;
        }
      });
      if (geaendert) { tr.setMeta("addToHistory", false); editor.view.dispatch(tr); }
    }
  };
}

window.BriefEditor = { erstelle: erstelle, bedingungText: bedingungText };
