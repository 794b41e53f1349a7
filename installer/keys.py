"""Signing keys, always from outside the repository: environment variables or command-line flags.

* GPG (debsigs and the apt repository): ``RINGDESK_GPG_HOME`` (a GnuPG home holding the secret key,
  possibly a smartcard stub) and ``RINGDESK_GPG_KEY`` (its fingerprint).
* Authenticode (osslsigncode here, signtool on Windows): ``RINGDESK_CODESIGN_CERT`` (PEM chain),
  ``RINGDESK_CODESIGN_KEY`` (a PEM file path *or* a ``pkcs11:`` URI), ``RINGDESK_PKCS11_MODULE`` (the
  token's PKCS#11 library, with a URI), the key passphrase or token PIN as ``RINGDESK_CODESIGN_PASS_FILE``
  (a file) or ``RINGDESK_CODESIGN_PASS`` (the value; for CI secrets), and ``RINGDESK_TIMESTAMP_URL`` (an
  RFC 3161 time-stamping authority; signatures without one expire with the certificate). Public CAs
  issue code-signing keys only on tokens or HSMs, hence PKCS#11.

The PIN never appears on a command line (``ps``, logs, error messages): osslsigncode reads it from a
pipe (``-readpass /dev/stdin``) or the file; a ``pin-value`` in the URI is refused. osslsigncode reaches
the token through OpenSSL's ``pkcs11`` engine (Debian: ``libengine-pkcs11-openssl``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
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
    #: the passphrase or PIN itself (``RINGDESK_CODESIGN_PASS``); kept out of ``repr`` and tracebacks
    passphrase: str | None = field(default=None, repr=False)

    @property
    def on_token(self) -> bool:
        return self.key.startswith("pkcs11:")

    def check(self) -> None:
        """Refuse a configuration that cannot work or would leak the PIN, before any tool runs."""
        if not self.cert.is_file():
            raise BuildError(f"RINGDESK_CODESIGN_CERT {self.cert} is not a file (the PEM certificate chain)")
        if self.pass_file is not None and self.passphrase is not None:
            raise BuildError("set RINGDESK_CODESIGN_PASS_FILE or RINGDESK_CODESIGN_PASS, not both")
        if self.pass_file is not None and not self.pass_file.is_file():
            raise BuildError(f"RINGDESK_CODESIGN_PASS_FILE {self.pass_file} is not a file")
        if not self.on_token:
            if not Path(self.key).is_file():
                raise BuildError(f"RINGDESK_CODESIGN_KEY {self.key} is neither a file nor a pkcs11: URI")
            return
        attributes = {
            part.split("=", 1)[0].strip().lower() for part in self.key[7:].replace("?", ";").split(";")
        }
        if "pin-value" in attributes:
            raise BuildError(
                "RINGDESK_CODESIGN_KEY holds the PIN (pin-value=...), which would show on command lines and "
                "in logs: remove it and give the PIN as RINGDESK_CODESIGN_PASS_FILE or RINGDESK_CODESIGN_PASS"
            )
        if not self.pkcs11_module:
            raise BuildError("a pkcs11: key needs RINGDESK_PKCS11_MODULE (the token's library)")
        if "/" in self.pkcs11_module and not Path(self.pkcs11_module).is_file():
            raise BuildError(
                f"RINGDESK_PKCS11_MODULE {self.pkcs11_module} does not exist (the token's library)"
            )

    def osslsigncode_args(self) -> list[str]:
        """The key part of an ``osslsigncode sign`` command line (with :meth:`stdin` as its input)."""
        self.check()
        args = ["-certs", str(self.cert)]
        if self.on_token:
            assert self.pkcs11_module is not None
            args += ["-pkcs11module", self.pkcs11_module, "-key", self.key]
        else:
            args += ["-key", self.key]
        if self.pass_file is not None:
            args += ["-readpass", str(self.pass_file)]
        elif self.passphrase is not None:
            # "-readpass -" needs osslsigncode >= 2.6; /dev/stdin works with bookworm's 2.5 too
            args += ["-readpass", "/dev/stdin"]
        if self.timestamp_url:
            args += ["-ts", self.timestamp_url]
        return args

    def stdin(self) -> str | None:
        """What osslsigncode reads on stdin: the passphrase or PIN, if given by value."""
        return self.passphrase if self.pass_file is None else None

    def explain(self, output: str) -> str | None:
        """A one-line cause for an osslsigncode failure with this key, or None if not recognised."""
        pin = "RINGDESK_CODESIGN_PASS_FILE" if self.pass_file is not None else "RINGDESK_CODESIGN_PASS"
        causes = [
            (
                "key values mismatch",
                f"RINGDESK_CODESIGN_CERT {self.cert} is not the certificate of {self.key}",
            ),
        ]
        if self.on_token:
            token, module = self.key, self.pkcs11_module
            causes = [
                (
                    "PIN incorrect",
                    f"the token refused the PIN from {pin} (wrong PIN; tokens lock after a few tries)",
                ),
                (
                    "PIN locked",
                    "the token's user PIN is locked: unlock it with the SO PIN (token vendor's tool)",
                ),
                (
                    "No PIN code was entered",
                    "the token wants a PIN: set RINGDESK_CODESIGN_PASS_FILE or RINGDESK_CODESIGN_PASS",
                ),
                ("Unable to load module", f"cannot load the PKCS#11 library RINGDESK_PKCS11_MODULE={module}"),
                (
                    "'pkcs11' engine",
                    "OpenSSL's pkcs11 engine is missing (Debian: apt-get install libengine-pkcs11-openssl)",
                ),
                (
                    "No matching initialized token",
                    f"no token matches {token} (check token=, the token label; "
                    f"list tokens: pkcs11-tool --module {module} --list-token-slots)",
                ),
                (
                    "object not found",
                    f"no private key matches {token} on the token (check object=/id=; list "
                    f"keys: pkcs11-tool --module {module} --login --list-objects --type privkey)",
                ),
                *causes,
            ]
        return next((cause for marker, cause in causes if marker in output), None)


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
    signing = CodeSigningKey(
        cert=Path(cert),
        key=key,
        pkcs11_module=environ.get("RINGDESK_PKCS11_MODULE") or None,
        pass_file=Path(pass_file) if pass_file else None,
        timestamp_url=environ.get("RINGDESK_TIMESTAMP_URL") or None,
        passphrase=environ.get("RINGDESK_CODESIGN_PASS") or None,
    )
    signing.check()
    return signing
