"""Convert the Trennmuster project's TeX patterns (dehyph-exptl) to a Pyphen/Hunspell .dic.

Run by hand when the patterns are updated (Debian: ``apt-get download texlive-lang-german``,
``dpkg-deb -x``, then the ``dehyphn-x-*.pat`` below ``tex/generic/dehyph-exptl/``)::

    python werkzeuge/trennmuster.py dehyphn-x-2022-03-16.pat briefe/ressourcen/silbentrennung/hyph_de_DE.dic
"""

from __future__ import annotations

import sys
from pathlib import Path

# Our own additions after the project's patterns: an even digit forbids a split.
# "en8erg": Ener-gie (Duden), not "En-er-gie".
ZUSAETZE = ("en8erg",)


def muster(tex: str) -> list[str]:
    """The patterns inside ``\\patterns{…}``, without TeX comments."""
    inhalt = tex[tex.index("\\patterns{") + len("\\patterns{"):]
    inhalt = inhalt[:inhalt.rindex("}")]
    return [m for zeile in inhalt.splitlines() for m in zeile.split("%")[0].split()]


def main(quelle: str, ziel: str) -> None:
    tex = Path(quelle).read_text(encoding="utf-8")
    version = next((z for z in tex.splitlines() if z.startswith("% version:")), "% version: ?")
    kopf = [
        "UTF-8",
        "% German hyphenation patterns (reformed orthography, 2006), converted for Pyphen from",
        f"% {Path(quelle).name} of the Trennmuster project (dehyph-exptl), {version[2:]}.",
        "% Copyright (c) 2013-2022 Stephan Hennig, Werner Lemberg, Guenter Milde, Sander van",
        "% Geloven, Georg Pfeiffer, Gisbert W. Selke, Tobias Wendorf, Keno Wehr. MIT licence,",
        "% see LICENSE-dehyph-exptl.txt next to this file.",
        "LEFTHYPHENMIN 2",
        "RIGHTHYPHENMIN 2",
    ]
    zusatz = ["% briefe's additions (werkzeuge/trennmuster.py):", *ZUSAETZE]
    Path(ziel).write_text("\n".join(kopf + muster(tex) + zusatz) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:3])
