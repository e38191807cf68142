"""Key pair cryptography, as Nova does it: fingerprints and server-side generation.

Public keys are parsed with ``cryptography``, so an import that is not a
key is refused instead of stored. Generated pairs are RSA 2048: an OpenSSH
public key (``ssh``) or a self-signed certificate (``x509``, 2.2).
"""

import base64
import binascii
import datetime
import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from novalite import exception

_KEY_BITS = 2048
_CERT_DAYS = 365


def _colon_hex(digest):
    return ':'.join(digest[i:i + 2] for i in range(0, len(digest), 2))


def ssh_fingerprint(public_key):
    """The MD5 fingerprint ``aa:bb:...`` of an OpenSSH public key.

    :raises InvalidKeypair: not an OpenSSH public key.
    """
    try:
        serialization.load_ssh_public_key(public_key.encode('utf-8'))
        blob = base64.b64decode(public_key.split()[1])
    except Exception:  # ValueError, UnsupportedAlgorithm, IndexError, binascii.Error...
        raise exception.InvalidKeypair(reason="failed to generate fingerprint") from None
    return _colon_hex(hashlib.md5(blob, usedforsecurity=False).hexdigest())


def x509_fingerprint(pem):
    """The SHA-1 fingerprint ``aa:bb:...`` of a PEM certificate.

    :raises InvalidKeypair: not a PEM certificate.
    """
    try:
        cert = x509.load_pem_x509_certificate(pem.encode('utf-8'))
    except (ValueError, TypeError, UnicodeError) as error:
        raise exception.InvalidKeypair(
            reason=f"failed to generate X509 fingerprint. Error message: {error}") from None
    return _colon_hex(binascii.hexlify(cert.fingerprint(hashes.SHA1())).decode('ascii'))


def fingerprint(public_key, key_type):
    """:raises InvalidKeypair: ``public_key`` is not a key of ``key_type``."""
    return x509_fingerprint(public_key) if key_type == 'x509' else ssh_fingerprint(public_key)


def _private_pem(key):
    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption()).decode('ascii')


def generate_ssh_pair():
    """``(private key PEM, OpenSSH public key)``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=_KEY_BITS)
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                           serialization.PublicFormat.OpenSSH)
    return _private_pem(key), public.decode('ascii') + ' Generated-by-Nova'


def generate_x509_pair(user_id, project_id):
    """``(private key PEM, self-signed certificate PEM)`` naming the user and project."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=_KEY_BITS)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, f'{user_id[:48]}'),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, f'{project_id[:48]}'),
    ])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=_CERT_DAYS))
            .sign(key, hashes.SHA256()))
    return _private_pem(key), cert.public_bytes(serialization.Encoding.PEM).decode('ascii')


def ssh_encrypt_text(public_key, text):
    """``text`` encrypted with an OpenSSH RSA public key (PKCS#1 v1.5), as bytes.

    What Nova does to an admin password for the metadata service:
    ``nova get-password SERVER KEY`` decrypts it with the private key.

    :raises InvalidKeypair: not an RSA public key.
    """
    try:
        key = serialization.load_ssh_public_key(public_key.encode('utf-8'))
        return key.encrypt(text.encode('utf-8'), padding.PKCS1v15())
    except Exception as exc:  # ValueError, UnsupportedAlgorithm, AttributeError (not RSA)
        raise exception.InvalidKeypair(reason=f"cannot encrypt with it: {exc}") from None
