"""A real CUPS server for the tests: Debian's cupsd on a free loopback port, in its own folder,
with a cups-pdf queue (``printer-driver-cups-pdf``) writing each printed job as a PDF."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from tests.smtp_hilfe import freier_port

CUPSD = Path("/usr/sbin/cupsd")
CUPS_PDF = Path("/usr/lib/cups/backend/cups-pdf")
PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_KONFIG = Path("/etc/cups")  # cups-pdf reads cups-pdf-<queue>.conf only from here


def braucht_cups() -> None:
    """Skip with the reason when this machine cannot run the test server."""
    fehlt = [str(p) for p in (CUPSD, CUPS_PDF, PPD) if not p.exists()]
    if fehlt or not shutil.which("lpadmin"):
        pytest.skip("CUPS fehlt (.ci/debian-pakete: cups-daemon, cups-client, printer-driver-cups-pdf): "
                    + ", ".join(fehlt or ["lpadmin"]))
    if os.geteuid() != 0:
        pytest.skip("cupsd mit dem cups-pdf-Backend braucht root (wie in der CI)")


class Druckserver:
    """cupsd in a folder of its own; ``warteschlange`` prints to ``ausgabe`` (one PDF per job).

    Its filters run as user ``lp``, so the folder lies outside pytest's private temp folder."""

    def __init__(self) -> None:
        braucht_cups()
        self.ordner = ordner = Path(tempfile.mkdtemp(prefix="briefe-cups-"))
        self.port = freier_port()
        self.adresse = f"127.0.0.1:{self.port}"
        self.warteschlange = f"briefe-test-{uuid.uuid4().hex[:8]}"
        self.ausgabe = ordner / "ausgabe"
        self.seitenlog = ordner / "log" / "page_log"
        for teil in ("spool", "cache", "state", "log", "ausgabe"):
            (ordner / teil).mkdir(parents=True, exist_ok=True)
        for teil in ("spool", "cache", "ausgabe"):
            shutil.chown(ordner / teil, "lp", "lp")
        ordner.chmod(0o755)
        (ordner / "cupsd.conf").write_text(
            f"Listen 127.0.0.1:{self.port}\nLogLevel info\nPreserveJobHistory Yes\nMaxJobs 0\n"
            "WebInterface No\nDefaultAuthType None\n"
            "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Location /admin>\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n")
        (ordner / "cups-files.conf").write_text(
            f"ServerRoot {ordner}\nRequestRoot {ordner}/spool\nCacheDir {ordner}/cache\n"
            f"StateDir {ordner}/state\nTempDir {ordner}/spool\nAccessLog {ordner}/log/access_log\n"
            f"ErrorLog {ordner}/log/error_log\nPageLog {self.seitenlog}\nUser lp\nGroup lp\n"
            "FileDevice No\nSandboxing Relaxed\n")
        self.konfig = CUPS_PDF_KONFIG / f"cups-pdf-{self.warteschlange}.conf"
        self.konfig.write_text(f"Out {self.ausgabe}\nAnonDirName {self.ausgabe}\nLabel 1\nGrp root\n"
                               "UserUMask 0022\n")
        self.prozess = subprocess.Popen(
            [str(CUPSD), "-f", "-c", str(ordner / "cupsd.conf"), "-s", str(ordner / "cups-files.conf")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._warte_auf_port()
        self.lp("lpadmin", "-p", self.warteschlange, "-v", f"cups-pdf:/{self.warteschlange}",
                "-P", str(PPD), "-E")

    def _warte_auf_port(self) -> None:
        ende = time.monotonic() + 20
        while time.monotonic() < ende:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            if self.prozess.poll() is not None:
                break
            time.sleep(0.1)
        self.beende()
        raise RuntimeError("cupsd startet nicht: " + (self.ordner / "log" / "error_log").read_text(
            errors="replace")[-2000:] if (self.ordner / "log" / "error_log").exists() else "kein Log")

    def lp(self, befehl: str, *args: str) -> str:
        """A CUPS admin command (lpadmin, cupsdisable, lpstat …) against this server."""
        return subprocess.run([befehl, "-h", self.adresse, *args], check=True, capture_output=True,
                              text=True, timeout=30).stdout

    def gedruckt(self) -> list[Path]:
        """The PDFs cups-pdf wrote, by job number."""
        return sorted(self.ausgabe.glob("*.pdf"), key=lambda p: int(p.stem.rsplit("job_", 1)[1]))

    def seiten_eintraege(self) -> list[str]:
        return self.seitenlog.read_text().splitlines() if self.seitenlog.exists() else []

    def beende(self) -> None:
        if self.prozess.poll() is None:
            self.prozess.terminate()
            try:
                self.prozess.wait(10)
            except subprocess.TimeoutExpired:
                self.prozess.kill()
        self.konfig.unlink(missing_ok=True)
        shutil.rmtree(self.ordner, ignore_errors=True)
