// Writes the licence texts of every npm package inside the bundle next to it
// (esbuild's metafile names the bundled files).
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const meta = JSON.parse(readFileSync("meta.json", "utf8"));
const pakete = new Set();
for (const datei of Object.keys(meta.inputs)) {
  const teile = datei.split("node_modules/")[1];
  if (!teile) continue;
  const stuecke = teile.split("/");
  pakete.add(stuecke[0].startsWith("@") ? stuecke[0] + "/" + stuecke[1] : stuecke[0]);
}
const abschnitte = [...pakete].sort().map((name) => {
  const ordner = join("node_modules", name);
  const info = JSON.parse(readFileSync(join(ordner, "package.json"), "utf8"));
  const datei = readdirSync(ordner).find((d) => /^(licen[cs]e|copying)/i.test(d));
  const text = datei ? readFileSync(join(ordner, datei), "utf8").trim() : "Lizenz: " + info.license;
  return `${name} ${info.version} (${info.license})\n\n${text}\n`;
});
writeFileSync("../../briefe/dienst/seite/statisch/brief_editor.LIZENZEN.txt",
  "Im Brief-Editor (brief_editor.js) enthaltene Pakete und ihre Lizenzen\n\n" +
  abschnitte.join("\n" + "-".repeat(72) + "\n\n"));
