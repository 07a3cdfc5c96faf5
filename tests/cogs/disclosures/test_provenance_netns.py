"""The reader contacts no host a file names: a CAWG ``did:web`` identity, read in an isolated network namespace.

Runs as root with util-linux ``unshare`` and ``mount`` (as CI does); it fails, never skips, if it cannot.
Nothing here can reach a real host: the namespace has only its own loopback interface.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.cogs.disclosures.image_files import FIXTURES

ROOT = Path(__file__).resolve().parents[3]
DID_WEB = FIXTURES / "c2pa-cawg-did-web-identity.jpg"
DID_HOST = "connected-identities.identity-stage.adobe.com"  # the issuer in the fixture's identity assertion
ISOLATE = (
    'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf && '
    'exec "$3" -m tests.cogs.disclosures.netns_probe "$4" "$5"'
)


def probe(tmp_path: Path, mode: str) -> dict[str, Any]:
    hosts = tmp_path / "hosts"
    hosts.write_text(f"127.0.0.1 localhost\n127.0.0.1 {DID_HOST}\n")
    resolv = tmp_path / "resolv.conf"
    resolv.write_text("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
    command = ["unshare", "--net", "--mount", "--propagation", "private", "sh", "-c", ISOLATE, "sh"]
    command += [str(hosts), str(resolv), sys.executable, str(DID_WEB), mode]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_did_web_identity_is_read_without_any_connection(tmp_path: Path) -> None:
    report = probe(tmp_path, "pool")
    assert report["attempts"] == []
    [c2pa, software] = report["signals"]
    assert c2pa["kind"] == "c2pa" and c2pa["detail"]["generator"] == "Adobe Content Authenticity"
    # The claim signature is intact; the identity assertion is not decoded, so it cannot fail for want of DNS.
    assert c2pa["detail"]["validation"] == "Valid (untrusted signer)"
    assert software == {
        "kind": "exif_software",
        "detail": {"value": "Adobe Photoshop 21.1 (Macintosh)"},
        "ai": False,
        "context": True,
    }


def test_the_probe_sees_the_connection_the_sdk_defaults_make(tmp_path: Path) -> None:
    # The control: with the SDK's default identity handling the same file makes the reader connect to the
    # did:web host (here: the namespace's own loopback), and the result then reads "Invalid".
    report = probe(tmp_path, "sdk-defaults")
    assert "tcp/443" in report["attempts"]
    assert report["signals"][0]["detail"]["validation"] == "Invalid"
