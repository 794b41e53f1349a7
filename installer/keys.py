"""Signing keys, always from outside the repository: environment variables or command-line flags.

* GPG (debsigs and the apt repository): ``RINGDESK_GPG_HOME`` (a GnuPG home holding the secret key,
  possibly a smartcard stub) and ``RINGDESK_GPG_KEY`` (its fingerprint).
* Authenticode (osslsigncode here, signtool on Windows): ``RINGDESK_CODESIGN_CERT`` (PEM chain),
  ``RINGDESK_CODESIGN_KEY`` (a PEM file path *or* a ``pkcs11:`` URI), ``RINGDESK_PKCS11_MODULE`` (the
  token's PKCS#11 library, with a URI), ``RINGDESK_CODESIGN_PASS_FILE`` (key or PIN passphrase file) and
  ``RINGDESK_TIMESTAMP_URL`` (an RFC 3161 time-stamping authority; signatures without one expire with the
  certificate). Public CAs issue code-signing keys only on tokens or HSMs, hence PKCS#11.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from installer.common import BuildError, build_env, run


@dataclass(frozen=True)
class GpgKey:
    home: Path
    key_id: str

    def env(self) -> dict[str, str]:
        return build_env({"GNUPGHOME": str(self.home)})

    def public_key(self) -> bytes:
        """The public key as a binary keyring, what ``Signed-By`` and debsig-verify read."""
        import subprocess

        result = subprocess.run(
            ["gpg", "--batch", "--export", self.key_id], env=self.env(), capture_output=True, check=True
        )
        if not result.stdout:
            raise BuildError(f"GPG key {self.key_id} is not in {self.home}")
        return result.stdout

    def long_id(self) -> str:
        """The 16-hex-digit key id debsig-verify names its policy and keyring directories after."""
        out = run(["gpg", "--batch", "--with-colons", "--list-keys", self.key_id], env=self.env())
        for line in out.splitlines():
            if line.startswith("pub:"):
                return line.split(":")[4].upper()
        raise BuildError(f"GPG key {self.key_id} not found in {self.home}")


@dataclass(frozen=True)
class CodeSigningKey:
    cert: Path
    key: str
    pkcs11_module: str | None = None
    pass_file: Path | None = None
    timestamp_url: str | None = None

    def osslsigncode_args(self) -> list[str]:
        """The key part of an ``osslsigncode sign`` command line."""
        args = ["-certs", str(self.cert)]
        if self.key.startswith("pkcs11:"):
            if not self.pkcs11_module:
                raise BuildError("a pkcs11: key needs RINGDESK_PKCS11_MODULE (the token's library)")
            args += ["-pkcs11module", self.pkcs11_module, "-key", self.key]
        else:
            args += ["-key", self.key]
        if self.pass_file is not None:
            args += ["-readpass", str(self.pass_file)]
        if self.timestamp_url:
            args += ["-ts", self.timestamp_url]
        return args


def gpg_key(
    home: str | None = None, key_id: str | None = None, environ: Mapping[str, str] = os.environ
) -> GpgKey | None:
    home = home or environ.get("RINGDESK_GPG_HOME")
    key_id = key_id or environ.get("RINGDESK_GPG_KEY")
    if not key_id:
        return None
    return GpgKey(Path(home or Path.home() / ".gnupg"), key_id)


def codesigning_key(environ: Mapping[str, str] = os.environ) -> CodeSigningKey | None:
    cert, key = environ.get("RINGDESK_CODESIGN_CERT"), environ.get("RINGDESK_CODESIGN_KEY")
    if not cert or not key:
        return None
    pass_file = environ.get("RINGDESK_CODESIGN_PASS_FILE")
    return CodeSigningKey(
        cert=Path(cert),
        key=key,
        pkcs11_module=environ.get("RINGDESK_PKCS11_MODULE") or None,
        pass_file=Path(pass_file) if pass_file else None,
        timestamp_url=environ.get("RINGDESK_TIMESTAMP_URL") or None,
    )
