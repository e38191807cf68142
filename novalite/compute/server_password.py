"""The metadata password of a server: what ``os-server-password`` shows and clears.

Nova keeps it in the instance's system metadata, split into
``password_0``..``password_3`` of 255 characters each: the base64 text of
the password encrypted with the server's RSA public key, so only the key
pair's owner reads it (``nova get-password SERVER KEY``). A change of admin
password through the guest agent stores it this way when the server has an
RSA key pair, and so does a guest posting its own to the metadata service
(:mod:`novalite.metadata.password`), as cloud-init and cloudbase-init do.
"""

import base64

CHUNKS = 4
CHUNK_LENGTH = 255


def convert_password(password):
    """``password_N`` system metadata items holding ``password`` ('' clears it)."""
    password = password or ''
    meta = {}
    for index in range(CHUNKS):
        meta[f'password_{index}'] = password[:CHUNK_LENGTH]
        password = password[CHUNK_LENGTH:]
    return meta


def extract_password(instance):
    """The stored password text, or '' when there is none."""
    sysmeta = instance.get('system_metadata') or {}
    return ''.join(sysmeta[key] or '' for key in sorted(sysmeta)
                   if key.startswith('password_'))


def encrypted_for(instance, password):
    """System metadata with ``password`` encrypted for the server's RSA key, or
    None when its key pair is not RSA (nothing to encrypt with)."""
    key = instance.get('key_data') or ''
    if not key.startswith('ssh-rsa'):
        return None
    # Here, not at the top: ``cryptography`` is ~10 MiB in every compute
    # host and every API process, and only a password change encrypts.
    from novalite import crypto

    text = base64.b64encode(crypto.ssh_encrypt_text(key, password)).decode('ascii')
    return dict(instance.get('system_metadata') or {}, **convert_password(text))
