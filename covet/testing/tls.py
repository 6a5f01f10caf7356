"""A throwaway self-signed certificate for tests that serve HTTPS (``covet serve --prod --certfile ... --keyfile ...``).

Needs the ``cryptography`` package (in the ``dev`` extra). Typical use::

    certificate = make_self_signed_certificate(tmp_path)
    # start the server with --certfile certificate.certfile --keyfile certificate.keyfile
    with httpx.Client(verify=certificate.client_context()) as client:
        client.get(f"https://127.0.0.1:{port}/")
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

LOCALHOST = "127.0.0.1"


@dataclass(frozen=True)
class SelfSignedCertificate:
    """PEM files of a certificate valid for one IP address, and the key that signed it (it is its own CA)."""

    certfile: Path
    keyfile: Path

    def client_context(self, alpn: Sequence[str] = ()) -> ssl.SSLContext:
        """A client context that trusts only this certificate, offering the ``alpn`` protocol ids (if any)."""
        context = ssl.create_default_context(cafile=str(self.certfile))
        if alpn:
            context.set_alpn_protocols(list(alpn))
        return context


def make_self_signed_certificate(directory: Path, host: str = LOCALHOST) -> SelfSignedCertificate:
    """Write ``cert.pem`` and ``key.pem`` (EC P-256, valid for a day) for the IP address ``host`` into ``directory``."""
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise RuntimeError(
            "make_self_signed_certificate() needs the 'cryptography' package: pip install 'covet[dev]'"
        ) from error

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    certfile, keyfile = directory / "cert.pem", directory / "key.pem"
    certfile.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return SelfSignedCertificate(certfile=certfile, keyfile=keyfile)
