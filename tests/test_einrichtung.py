"""Setting up: README installs exactly the Debian packages CI installs, and a test run that
skips tests says at its end which and why."""

import re
import subprocess
import sys

from tests.conftest import WURZEL

PAKETE = WURZEL / ".ci" / "debian-pakete"


def _liste() -> list[str]:
    return [z.strip() for z in PAKETE.read_text(encoding="utf-8").splitlines()
            if z.strip() and not z.startswith("#")]


def test_readme_installiert_genau_die_ci_pakete():
    readme = (WURZEL / "README.md").read_text(encoding="utf-8")
    schnellstart = readme.split("## Schnellstart", 1)[1].split("\n## ", 1)[0]
    befehle = re.findall(r"sudo apt(?:-get)? install ([^`\n]+)", schnellstart)
    assert befehle, "Schnellstart ohne apt-get install"
    for befehl in befehle:
        pakete = befehl.split()
        if pakete == ["$(cat", ".ci/debian-pakete)"]:
            continue
        assert sorted(pakete) == sorted(_liste()), befehl  # a written-out list must be the file
    assert "$(cat .ci/debian-pakete)" in (WURZEL / ".ci" / "run").read_text(encoding="utf-8")
    assert {"chromium", "redis-server"} <= set(_liste())  # browser and worker tests


def test_uebersprungene_tests_stehen_am_ende(tmp_path):
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "import pytest\n\n"
        "@pytest.mark.skipif(True, reason='Debian-Chromium fehlt (/usr/bin/chromium)')\n"
        "def test_browser():\n    pass\n\n"
        "def test_arbeiter():\n    pytest.skip('redis-server fehlt (.ci/debian-pakete)')\n\n"
        "def test_gut():\n    pass\n", encoding="utf-8")
    lauf = subprocess.run([sys.executable, "-m", "pytest", "-p", "tests.conftest", "-q",
                           "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(probe)],
                          cwd=WURZEL, capture_output=True, text=True, timeout=120)
    assert lauf.returncode == 0, lauf.stdout + lauf.stderr
    ende = lauf.stdout.split("Übersprungene Tests", 1)[1]
    assert "Debian-Chromium fehlt (/usr/bin/chromium) – test_probe.py" in ende
    assert "redis-server fehlt (.ci/debian-pakete) – test_probe.py" in ende
    assert "sudo apt-get install $(cat .ci/debian-pakete)" in ende
    assert "1 passed, 2 skipped" in ende
