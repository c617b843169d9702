"""Member lists straight from a database: takes an address (``postgresql://benutzer@host/verein``,
``sqlite:///mitglieder.db``, …) and one reading query, gives a ``Mitgliederliste`` built by the
same path as a CSV file's (header matching on the query's column names, cleaning, checks).

SQLAlchemy Core with its maintained drivers: SQLite is built in, PostgreSQL (psycopg),
MariaDB/MySQL (PyMySQL) and SQL Server (pyodbc) are extras. The query is refused unless it
only reads, and it runs in a read-only transaction (PostgreSQL, MariaDB/MySQL; SQLite opens
the file read-only) with a time limit. Start values are bound parameters (``:stichtag``).
Passwords never come from the address: ``BRIEFE_DB_PASSWORT``, the file named by
``BRIEFE_DB_PASSWORT_DATEI`` (or a data source's ``passwort_datei``), else the driver's own
mechanisms (PostgreSQL: ``~/.pgpass``, ``PGPASSFILE``, ``service=``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from briefe.fehler import DatenbankFehler
from briefe.quellen.liste import MAX_ZEILEN, Lesegrenzen, Mitgliederliste, baue_liste

PASSWORT_VARIABLE = "BRIEFE_DB_PASSWORT"
PASSWORT_DATEI_VARIABLE = "BRIEFE_DB_PASSWORT_DATEI"
ABFRAGE_ZEITGRENZE = 60.0  # seconds the query may run
VERBINDUNG_ZEITGRENZE = 10  # seconds to reach the server
PORTION = 500  # rows fetched at a time

# scheme as written -> (SQLAlchemy driver, extra to install, driver module)
TREIBER = {
    "sqlite": ("sqlite", None, None),
    "postgresql": ("postgresql+psycopg", "postgres", "psycopg"),
    "postgres": ("postgresql+psycopg", "postgres", "psycopg"),
    "mysql": ("mysql+pymysql", "mysql", "pymysql"),
    "mariadb": ("mariadb+pymysql", "mysql", "pymysql"),
    "mssql": ("mssql+pyodbc", "sqlserver", "pyodbc"),
}
_SCHEMA = re.compile(r"^([a-z][a-z0-9]*)(?:\+[a-z0-9_]+)?://", re.I)
_NICHT_SQL = re.compile(
    r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\$(\w*)\$.*?\$\1\$|`[^`]*`", re.S)
_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)(?!:)")
LESEND = frozenset({"SELECT", "WITH", "VALUES", "TABLE"})
AENDERND = frozenset({
    "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE", "DROP", "ALTER", "CREATE",
    "TRUNCATE", "GRANT", "REVOKE", "COPY", "CALL", "EXEC", "EXECUTE", "INTO", "LOCK", "VACUUM",
    "ATTACH", "DETACH", "PRAGMA", "REINDEX", "COMMENT", "SECURITY", "OWNER",
})
_ISO_DATUM = re.compile(r"\d{4}-\d{2}-\d{2}")
_DEUTSCHES_DATUM = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")


def ist_datenbank(daten: object) -> bool:
    """Whether a member source is a database address rather than a file."""
    treffer = _SCHEMA.match(str(daten)) if isinstance(daten, str) else None
    return bool(treffer) and treffer.group(1).lower() in TREIBER


def ohne_passwort(url: str) -> str:
    """The address as the protocol records it: without any password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        adresse = make_url(url)
    except ArgumentError:
        return _SCHEMA.match(url).group(0) + "…" if _SCHEMA.match(url) else "(Datenbank)"
    if adresse.password is not None:
        adresse = adresse.set(password="***")
    return adresse.render_as_string(hide_password=True)


def relativ_zu(url: str, ordner: Path) -> str:
    """A SQLite address whose file is relative, made relative to ``ordner`` (a job file's)."""
    treffer = re.match(r"(sqlite(?:\+\w+)?:///)(?!/)(.+)", url)
    if not treffer:
        return url
    return treffer.group(1) + os.path.normpath(ordner / treffer.group(2))


def parameter_namen(abfrage: str) -> list[str]:
    """The ``:name`` parameters of a query, in order of first appearance."""
    return list(dict.fromkeys(_PARAMETER.findall(_ohne_texte(abfrage))))


def pruefe_lesend(abfrage: str) -> None:
    """Refuse (German, exit 2) a query that would change data or is more than one statement."""
    rest = _ohne_texte(abfrage).strip().rstrip(";").strip()
    if not rest:
        raise DatenbankFehler("Die Abfrage ist leer; erwartet wird z. B. „SELECT * FROM mitglieder“.",
                              datei="Abfrage")
    if ";" in rest:
        raise DatenbankFehler("Die Abfrage enthält mehrere Anweisungen (ein „;“ in der Mitte); "
                              "erlaubt ist genau eine Abfrage, die liest.", datei="Abfrage")
    woerter = [w.upper() for w in re.findall(r"[A-Za-z_]+", rest)]
    aendernd = [w for w in woerter if w in AENDERND]
    if woerter[0] not in LESEND or aendernd:
        wort = aendernd[0] if aendernd else woerter[0]
        raise DatenbankFehler(
            f"Die Abfrage wird nicht ausgeführt: „{wort}“ könnte Daten ändern. Erlaubt sind nur "
            "Abfragen, die lesen (SELECT … oder WITH … SELECT …); die Datenbank bleibt unverändert.",
            datei="Abfrage")


def lies_datenbank(url: str, abfrage: str, werte: Mapping[str, object] | None = None, *,
                   grenzen: Lesegrenzen = Lesegrenzen(),  # noqa: B008 - frozen
                   passwort_datei: Path | None = None,
                   zeitgrenze: float = ABFRAGE_ZEITGRENZE,
                   zahlen: str | None = None) -> Mitgliederliste:
    """Run one reading query and build the member list from its rows; every failure is a
    ``DatenbankFehler`` in German (unreachable server, wrong password, unknown database, SQL
    error, missing driver). Rows are numbered as in a file with a header: the first is row 2."""
    ergebnis = lies_zeilen(url, abfrage, werte, max_zeilen=grenzen.max_zeilen,
                           passwort_datei=passwort_datei, zeitgrenze=zeitgrenze)
    zeilen = [(1, ergebnis.kopf)] + [(nummer, werte) for nummer, werte in
                                     enumerate(ergebnis.zeilen, start=2)]
    return baue_liste(ergebnis.anzeige, zeilen, kopf_suchen=False, grenzen=grenzen,
                      pruefsumme=ergebnis.pruefsumme, zahlen=zahlen)


@dataclass(frozen=True)
class Abfrageergebnis:
    """The raw result of a query: column names, rows of typed values, their checksum."""

    anzeige: str  # the address without password
    kopf: list[str]
    zeilen: list[list]
    pruefsumme: str


def lies_zeilen(url: str, abfrage: str, werte: Mapping[str, object] | None = None, *,
                max_zeilen: int = MAX_ZEILEN, passwort_datei: Path | None = None,
                zeitgrenze: float = ABFRAGE_ZEITGRENZE) -> Abfrageergebnis:
    """The rows of one reading query, in a read-only transaction (see ``lies_datenbank``)."""
    pruefe_lesend(abfrage)
    anzeige = ohne_passwort(url)
    namen = parameter_namen(abfrage)
    werte = werte or {}
    fehlend = [n for n in namen if n not in werte]
    if fehlend:
        raise DatenbankFehler(
            "Die Abfrage erwartet " + ", ".join(f"„:{n}“" for n in fehlend) + "; bitte angeben, z. B. "
            + " ".join(f"--wert {n}=…" for n in fehlend) + " (im Auftrag: [werte]).", datei=anzeige)
    parameter = {n: _parameterwert(werte[n]) for n in namen}
    passwort = _passwort(passwort_datei)
    maschine = _maschine(url, anzeige, passwort, zeitgrenze)
    if maschine.dialect.name == "sqlite":  # SQLite keeps dates as ISO text
        parameter = {n: w.isoformat() if isinstance(w, dt.date) else w for n, w in parameter.items()}
    pruefsumme = hashlib.sha256()
    try:
        with maschine.connect() as verbindung:
            _nur_lesen(verbindung, zeitgrenze)
            from sqlalchemy import text

            ergebnis = verbindung.execute(text(abfrage), parameter)
            if not ergebnis.returns_rows:
                raise DatenbankFehler("Die Abfrage liefert keine Zeilen.", datei=anzeige)
            kopf = [str(k) for k in ergebnis.keys()]  # noqa: SIM118 - a Result, not a dict
            pruefsumme.update(_kanonisch(kopf))
            zeilen = list(_zeilen(ergebnis, pruefsumme, max_zeilen, anzeige))
            verbindung.rollback()
    except DatenbankFehler:
        raise
    except Exception as fehler:  # the driver's errors: translated, never a traceback
        raise DatenbankFehler(_uebersetze(fehler, passwort), datei=anzeige) from None
    finally:
        maschine.dispose()
    if not kopf:
        raise DatenbankFehler("Die Abfrage liefert keine Spalten.", datei=anzeige)
    return Abfrageergebnis(anzeige, kopf, zeilen, pruefsumme.hexdigest())


def _ohne_texte(abfrage: str) -> str:
    """The query with comments removed and quoted texts and names blanked."""
    return _NICHT_SQL.sub(lambda t: " " if t.group(0).startswith(("--", "/*")) else "''", abfrage)


def _parameterwert(wert: object) -> object:
    """A start value as bound parameter: a date written as date becomes a date."""
    if isinstance(wert, str):
        text = wert.strip()
        for muster, form in ((_ISO_DATUM, "%Y-%m-%d"), (_DEUTSCHES_DATUM, "%d.%m.%Y")):
            if muster.fullmatch(text):
                try:
                    return dt.datetime.strptime(text, form).date()
                except ValueError:
                    break
        return text
    return wert


def _passwort(passwort_datei: Path | None) -> str | None:
    if os.environ.get(PASSWORT_VARIABLE):
        return os.environ[PASSWORT_VARIABLE]
    datei = os.environ.get(PASSWORT_DATEI_VARIABLE) or passwort_datei
    if not datei:
        return None
    try:
        zeilen = Path(datei).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as fehler:
        grund = getattr(fehler, "strerror", None) or "nicht in UTF-8"
        raise DatenbankFehler(f"Die Passwortdatei ist nicht lesbar ({grund}).", datei=str(datei)) from None
    return zeilen[0].rstrip("\r\n") if zeilen else ""


def _maschine(url: str, anzeige: str, passwort: str | None, zeitgrenze: float):
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError
    from sqlalchemy.pool import NullPool

    try:
        adresse = make_url(url)
    except ArgumentError:
        raise DatenbankFehler("Die Datenbankadresse ist nicht lesbar; erwartet z. B. "
                              "postgresql://benutzer@rechner/verein oder sqlite:///mitglieder.db.",
                              datei=anzeige) from None
    schema = adresse.drivername.split("+")[0]
    treiber, extra, modul = TREIBER[schema]
    if adresse.password is not None:
        raise DatenbankFehler(
            "Das Passwort gehört nicht in die Datenbankadresse (sonst stünde es in Befehlszeilen, "
            f"Aufträgen und Protokollen). Bitte über {PASSWORT_VARIABLE}, eine Passwortdatei "
            f"({PASSWORT_DATEI_VARIABLE}) oder ~/.pgpass angeben.", datei=anzeige)
    if "+" not in adresse.drivername:
        adresse = adresse.set(drivername=treiber)
    if modul is not None:
        try:
            __import__(modul)
        except ImportError:
            raise DatenbankFehler(
                f"Für {schema} ist der Datenbanktreiber nicht installiert ({modul}). Bitte "
                f"installieren: pip install 'briefe[{extra}]'.", datei=anzeige) from None
    if schema == "sqlite":
        return _sqlite_maschine(adresse, anzeige, zeitgrenze)
    if passwort is not None:
        adresse = adresse.set(password=passwort)
    verbindung: dict[str, object] = {}
    if schema in ("postgresql", "postgres"):
        verbindung = {"connect_timeout": VERBINDUNG_ZEITGRENZE,
                      "options": f"-c default_transaction_read_only=on "
                                 f"-c statement_timeout={int(zeitgrenze * 1000)}"}
    elif schema in ("mysql", "mariadb"):
        verbindung = {"connect_timeout": VERBINDUNG_ZEITGRENZE, "read_timeout": int(zeitgrenze)}
    elif schema == "mssql":
        verbindung = {"timeout": VERBINDUNG_ZEITGRENZE}
    try:
        return create_engine(adresse, poolclass=NullPool, connect_args=verbindung)
    except NoSuchModuleError:
        raise DatenbankFehler(f"Für {schema} ist der Datenbanktreiber nicht installiert. Bitte "
                              f"installieren: pip install 'briefe[{extra}]'.", datei=anzeige) from None


def _sqlite_zeit(roh: bytes) -> object:
    """A value of a column declared DATE, DATETIME or TIMESTAMP: a date when it reads as one."""
    text = roh.decode("utf-8", "replace")
    try:
        wert = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return wert.date() if len(text) == 10 else wert


for _typ in ("DATE", "DATETIME", "TIMESTAMP"):
    sqlite3.register_converter(_typ, _sqlite_zeit)


def _sqlite_maschine(adresse, anzeige: str, zeitgrenze: float):
    """SQLite opened read-only (``mode=ro``) with ``query_only`` and a time limit; columns
    declared as dates give dates, like PostgreSQL's."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    datei = adresse.database
    if not datei or datei == ":memory:":
        raise DatenbankFehler("Für SQLite fehlt die Datei, z. B. sqlite:///daten/mitglieder.db.",
                              datei=anzeige)
    pfad = Path(datei)
    if not pfad.is_file():
        raise DatenbankFehler("Die Datenbankdatei gibt es nicht.", datei=str(pfad))

    def verbinde() -> sqlite3.Connection:
        verbindung = sqlite3.connect(f"file:{quote(str(pfad.resolve()))}?mode=ro", uri=True,
                                     check_same_thread=False, detect_types=sqlite3.PARSE_DECLTYPES)
        verbindung.execute("PRAGMA query_only = ON")
        ende = time.monotonic() + zeitgrenze
        verbindung.set_progress_handler(lambda: int(time.monotonic() > ende), 10_000)
        return verbindung

    return create_engine("sqlite://", creator=verbinde, poolclass=NullPool)


def _nur_lesen(verbindung, zeitgrenze: float) -> None:
    """Begin a read-only transaction where the database has one."""
    from sqlalchemy import text

    name = verbindung.dialect.name
    if name == "postgresql":
        verbindung.execute(text("SET TRANSACTION READ ONLY"))
    elif name in ("mysql", "mariadb"):
        verbindung.exec_driver_sql("SET SESSION TRANSACTION READ ONLY")
        verbindung.exec_driver_sql("START TRANSACTION READ ONLY")
        zeit = "max_statement_time" if verbindung.dialect.is_mariadb else "max_execution_time"
        wert = zeitgrenze if verbindung.dialect.is_mariadb else int(zeitgrenze * 1000)
        verbindung.exec_driver_sql(f"SET SESSION {zeit} = {wert}")


def _zeilen(ergebnis, pruefsumme, max_zeilen: int, anzeige: str) -> Iterator[list]:
    anzahl = 0
    while portion := ergebnis.fetchmany(PORTION):
        for zeile in portion:
            anzahl += 1
            if anzahl > max_zeilen:
                raise DatenbankFehler(
                    f"Die Abfrage liefert mehr als {max_zeilen:,} Zeilen; erlaubt sind höchstens "
                    f"{max_zeilen:,}. Bitte die Abfrage eingrenzen.".replace(",", "."), datei=anzeige)
            werte = list(zeile)
            pruefsumme.update(_kanonisch(werte))
            yield werte


def _kanonisch(werte: list) -> bytes:
    """A row as bytes for the checksum: the same values give the same bytes."""
    def text(wert: object) -> object:
        if wert is None or isinstance(wert, bool | int | str):
            return wert
        if isinstance(wert, Decimal | float):
            return ["zahl", str(wert)]
        if isinstance(wert, dt.date | dt.time):
            return ["zeit", wert.isoformat()]
        if isinstance(wert, bytes | memoryview):
            return ["bytes", bytes(wert).hex()]
        return ["wert", str(wert)]
    return (json.dumps([text(w) for w in werte], ensure_ascii=False, default=str) + "\n").encode(
        "utf-8", "surrogatepass")


def _uebersetze(fehler: Exception, passwort: str | None) -> str:
    """A driver's error as German text; the database's own message quoted, never a password."""
    ursprung = getattr(fehler, "orig", None) or fehler
    meldung = " ".join(str(ursprung).split())
    if passwort:
        meldung = meldung.replace(passwort, "***")
    zustand = getattr(ursprung, "sqlstate", None) or ""
    klein = meldung.lower()
    if zustand in ("28P01", "28000") or "password authentication failed" in klein \
            or "access denied for user" in klein or "login failed" in klein:
        return ("Die Anmeldung an der Datenbank wurde abgelehnt: Benutzer oder Passwort falsch "
                f"(Passwort aus {PASSWORT_VARIABLE}, der Passwortdatei oder ~/.pgpass).")
    if "no password supplied" in klein or "fe_sendauth" in klein:
        return (f"Die Datenbank verlangt ein Passwort; bitte über {PASSWORT_VARIABLE}, eine "
                f"Passwortdatei ({PASSWORT_DATEI_VARIABLE}) oder ~/.pgpass angeben.")
    if zustand == "3D000" or (re.search(r"database \S+ does not exist", klein)) \
            or "unknown database" in klein:
        return "Die Datenbank gibt es auf dem Server nicht (Name in der Adresse prüfen)."
    if any(t in klein for t in ("connection refused", "could not connect", "can't connect",
                                "timeout expired", "could not translate host name",
                                "name or service not known", "no route to host",
                                "server closed the connection", "connection timed out",
                                "terminating connection", "consuming input failed",
                                "connection is closed", "lost connection")):
        return ("Der Datenbankserver ist nicht erreichbar oder hat die Verbindung beendet (Rechner, "
                "Port und Netz prüfen; läuft der Server?).")
    if zustand == "57014" or "statement timeout" in klein or klein.strip() == "interrupted" \
            or "max_statement_time" in klein or "maximum statement execution time" in klein:
        return "Die Abfrage hat die Zeitgrenze überschritten und wurde abgebrochen."
    if zustand == "25006" or "read-only" in klein or "readonly" in klein:
        return ("Die Abfrage wollte Daten ändern; sie läuft nur lesend und wurde abgebrochen. "
                "Die Datenbank bleibt unverändert.")
    return f"Die Datenbank meldet einen Fehler in der Abfrage: „{_kurz(meldung)}“"


def _kurz(meldung: str) -> str:
    """The database's message without SQLAlchemy's appendix (background link, SQL echo)."""
    meldung = re.split(r"\s*\[SQL:|\s*\(Background on this error", meldung)[0]
    meldung = re.sub(r"^\([\w.]+\)\s*", "", meldung)
    return meldung[:400]
