"""Offline C2PA fixtures: a throwaway ES256 CA and signer, and images signed with Content Credentials.

Nothing here touches the network: the certificates are made in memory with ``cryptography`` (a dependency of
c2pa-python) and the signer has no timestamp authority URL, so signing needs no remote service.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"


@dataclass(frozen=True)
class Credentials:
    chain_pem: bytes  # end-entity certificate first, then the CA
    key_pem: bytes


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Haikei tests"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
        ]
    )


def _key_usage(*, sign: bool, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def make_credentials() -> Credentials:
    """A P-256 root CA and an end-entity signing certificate with the extensions C2PA's profile requires."""
    now = datetime.datetime.now(datetime.UTC)
    validity = {
        "not_valid_before": now - datetime.timedelta(days=1),
        "not_valid_after": now + datetime.timedelta(days=7),
    }
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder(**validity)
        .subject_name(_name("Haikei Test Root CA"))
        .issuer_name(_name("Haikei Test Root CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(sign=False, ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder(**validity)
        .subject_name(_name("Haikei Test Signer"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(sign=True, ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    return Credentials(
        chain_pem=leaf.public_bytes(pem) + ca.public_bytes(pem),
        key_pem=key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )


def image_bytes(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (40, 120, 160)).save(out, fmt)
    return out.getvalue()


def manifest(generator: str, source_type: str) -> dict[str, Any]:
    return {
        "claim_generator_info": [{"name": generator, "version": "0.1"}],
        "title": "fixture",
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": IPTC + source_type}]},
            }
        ],
    }


def sign(
    data: bytes,
    mime: str,
    definition: dict[str, Any],
    credentials: Credentials,
    *,
    ingredient: tuple[bytes, str, dict[str, Any]] | None = None,
    remote_url: str | None = None,
    check: bool = True,
) -> bytes:
    """``data`` with an embedded C2PA manifest signed by ``credentials`` (no timestamp authority).

    ``ingredient`` is (bytes, MIME type, ingredient JSON) of a file this one was made from; ``remote_url`` makes
    the manifest live outside the file (only the URL is embedded); ``check=False`` lets the SDK sign a manifest
    that breaks its rules (the SDK otherwise refuses).
    """
    info = c2pa.C2paSignerInfo(b"es256", credentials.chain_pem, credentials.key_pem, None)
    context = c2pa.Context.from_dict({"verify": {"verify_after_sign": check}})
    with c2pa.Signer.from_info(info) as signer, c2pa.Builder(definition, context=context) as builder:
        if ingredient is not None:
            source, source_mime, ingredient_json = ingredient
            builder.add_ingredient(ingredient_json, source_mime, io.BytesIO(source))
        if remote_url is not None:
            builder.set_no_embed()
            builder.set_remote_url(remote_url)
        dest = io.BytesIO()
        builder.sign(signer, mime, io.BytesIO(data), dest)
    return dest.getvalue()


def edited_manifest(generator: str, source_type: str, ingredient_label: str) -> dict[str, Any]:
    """A manifest that opens an ingredient (by label) and edits it, with its own digital source type."""
    return {
        "claim_generator_info": [{"name": generator, "version": "0.1"}],
        "title": "edited",
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {"action": "c2pa.opened", "parameters": {"ingredientIds": [ingredient_label]}},
                        {"action": "c2pa.edited", "digitalSourceType": IPTC + source_type},
                    ]
                },
            }
        ],
    }


EMAIL_PROTECTION_EKU = bytes.fromhex("06082b06010505070304")  # DER of OID 1.3.6.1.5.5.7.3.4


def swap_eku_to_server_auth(signed: bytes) -> bytes:
    """The signer certificate inside ``signed`` made to claim the TLS server EKU, which C2PA does not accept.

    The SDK refuses to sign with such a certificate, so the bytes are changed after signing: the reader then
    reports the missing EKU (and, as the certificate is covered by the signature, a signature mismatch).
    """
    assert signed.count(EMAIL_PROTECTION_EKU) == 1
    return signed.replace(EMAIL_PROTECTION_EKU, EMAIL_PROTECTION_EKU[:-1] + b"\x01")
