"""A real PostgreSQL server for tests: initdb and pg_ctl in a temporary folder on a free
loopback port, run as the unprivileged ``postgres`` user when the tests run as root."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

BINAER = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
OHNE_POSTGRES = pytest.mark.skipif(
    not BINAER, reason="PostgreSQL fehlt (Debian-Paket postgresql, siehe .ci/debian-pakete)")
SUPER_PASSWORT = "oberes-geheimnis-7"
LESER = "briefe_leser"
LESER_PASSWORT = "Leser-Passwort-9f3k"


def _freier_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    """One server: ``start()``, ``stop()``, ``url(benutzer)``, ``ausfuehren(sql)``."""

    def __init__(self) -> None:
        self.bin = Path(BINAER[-1]).parent
        self.ordner = Path(tempfile.mkdtemp(prefix="briefe-pg-"))
        self.daten = self.ordner / "daten"
        self.port = _freier_port()
        self.als = []
        if os.geteuid() == 0:
            benutzer = pwd.getpwnam("postgres")
            os.chown(self.ordner, benutzer.pw_uid, benutzer.pw_gid)
            self.als = ["runuser", "-u", "postgres", "--"]
        pwdatei = self.ordner / "pw"
        pwdatei.write_text(SUPER_PASSWORT + "\n")
        if self.als:
            os.chown(pwdatei, pwd.getpwnam("postgres").pw_uid, -1)
        self._laufe(self.bin / "initdb", "-D", self.daten, "-U", "postgres", "-A", "scram-sha-256",
                    "--pwfile", pwdatei, "-E", "UTF8", "--locale", "C.UTF-8")
        pwdatei.unlink()

    def _laufe(self, *befehl) -> None:
        subprocess.run([*self.als, *map(str, befehl)], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, cwd=self.ordner)

    def start(self) -> None:
        self._laufe(self.bin / "pg_ctl", "-D", self.daten, "-w", "-l", self.ordner / "log", "-o",
                    f"-p {self.port} -k {self.ordner} -c listen_addresses=127.0.0.1 -c fsync=off",
                    "start")

    def stop(self) -> None:
        self._laufe(self.bin / "pg_ctl", "-D", self.daten, "-w", "-m", "fast", "stop")

    def url(self, benutzer: str = LESER, datenbank: str = "verein") -> str:
        return f"postgresql://{benutzer}@127.0.0.1:{self.port}/{datenbank}"

    def ausfuehren(self, sql: str, datenbank: str = "verein"):
        """Run SQL as superuser; returns the rows of the last statement, if any."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres",
                             password=SUPER_PASSWORT, dbname=datenbank, autocommit=True) as v:
            cursor = v.execute(sql)
            return cursor.fetchall() if cursor.description else None

    def log(self) -> str:
        pfad = self.ordner / "log"
        return pfad.read_text(encoding="utf-8", errors="replace") if pfad.is_file() else ""

    def entferne(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.ordner, ignore_errors=True)


@contextlib.contextmanager
def verein():
    """A started server with the database ``verein`` and the login role ``LESER`` (no rights
    yet); skips the test when PostgreSQL is not installed."""
    if not BINAER:
        pytest.skip(OHNE_POSTGRES.kwargs["reason"])
    server = Postgres()
    try:
        server.start()
        server.ausfuehren("CREATE DATABASE verein", "postgres")
        server.ausfuehren(f"CREATE ROLE {LESER} LOGIN PASSWORD '{LESER_PASSWORT}'")
        yield server
    finally:
        server.entferne()


def warte_bis(bedingung, frist: float = 60.0) -> bool:
    ende = time.monotonic() + frist
    while time.monotonic() < ende:
        if bedingung():
            return True
        time.sleep(0.02)
    return False
