"""Rescue and password commands: rescue, unrescue, set-password, get-password,
clear-password, lock (with --reason) and unlock, as novaclient spells them."""

import base64
import getpass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding

from novalite.cli import commands, progress
from novalite.cli.commands import UsageError
from novalite.cli.commands import servers as server_commands

_LOCK_REASON_VERSION = '2.73'


def _wait_for_status(client, args, server_id, wanted):
    """With --wait, poll until the server is ``wanted`` (or ERROR) with no task; exit code."""
    if not args.wait:
        return 0
    server = client.servers.get(server_id)
    final = progress.wait_for(
        client, [server], lambda s: s is None or (
            not s.get('OS-EXT-STS:task_state') and s['status'] in (wanted, 'ERROR')),
        interval=args.poll_interval, timeout=args.wait_timeout)[server_id]
    if final is None or final['status'] != wanted:
        fault = ((final or {}).get('fault') or {}).get('message') or 'no fault recorded'
        commands.error(f"server {args.server} is {final['status'] if final else 'gone'}: "
                       f"{fault}")
        return 1
    return 0


def do_rescue(client, args):
    """Reboot a server into rescue mode: the rescue image boots with the server's disk
    attached. Prints the rescue password (adminPass) when the cloud returns it."""
    server_id = client.servers.resolve_id(args.server)
    info = {}
    if args.password:
        info['adminPass'] = args.password
    if args.image:
        info['rescue_image_ref'] = client.images.resolve_id(args.image)
    body = client.post(f'/servers/{server_id}/action', {'rescue': info or None}) or {}
    if body.get('adminPass'):
        print(f"adminPass: {body['adminPass']}")
    return _wait_for_status(client, args, server_id, 'RESCUE')


def do_unrescue(client, args):
    """Boot a rescued server from its own disk again."""
    server_id = client.servers.resolve_id(args.server)
    client.post(f'/servers/{server_id}/action', {'unrescue': None})
    print(f'Request to unrescue server {args.server} has been accepted.')
    return _wait_for_status(client, args, server_id, 'ACTIVE')


def do_set_password(client, args):
    """Change the admin password inside a running server (through its qemu guest agent).

    Returns once the guest has the new password. Without --password it is read
    from the terminal, twice.
    """
    password = args.password
    if password is None:
        password = getpass.getpass('New password: ')
        if getpass.getpass('Again: ') != password:
            raise UsageError('the passwords do not match')
    server_id = client.servers.resolve_id(args.server)
    client.post(f'/servers/{server_id}/action', {'changePassword': {'adminPass': password}})
    print(f'The password of server {args.server} has been changed.')


def decrypt_password(private_key_pem, encrypted):
    """The clear text of an os-server-password (base64, RSA PKCS#1 v1.5)."""
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    return key.decrypt(base64.b64decode(encrypted), padding.PKCS1v15()).decode('utf-8')


def do_get_password(client, args):
    """Print a server's admin password from the metadata service, decrypted with
    PRIVATE_KEY (the key pair's private key), or encrypted without it."""
    server_id = client.servers.resolve_id(args.server)
    encrypted = client.get(f'/servers/{server_id}/os-server-password')['password']
    if not encrypted or not args.private_key:
        print(encrypted)
        return 0
    with open(args.private_key, 'rb') as f:
        print(decrypt_password(f.read(), encrypted))
    return 0


def do_clear_password(client, args):
    """Forget a server's stored admin password (the guest's password does not change)."""
    server_id = client.servers.resolve_id(args.server)
    client.delete(f'/servers/{server_id}/os-server-password')


def do_lock(client, args):
    """Lock a server: its owner cannot act on it until it is unlocked (--reason: 2.73)."""
    server_id = client.servers.resolve_id(args.server)
    if args.reason:
        client.post(f'/servers/{server_id}/action', {'lock': {'locked_reason': args.reason}},
                    microversion=_LOCK_REASON_VERSION)
    else:
        client.post(f'/servers/{server_id}/action', {'lock': None})


def do_unlock(client, args):
    """Unlock a locked server."""
    client.post(f'/servers/{client.servers.resolve_id(args.server)}/action', {'unlock': None})


def register(subparsers):
    p = commands.add(subparsers, 'rescue', do_rescue)
    p.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
    p.add_argument('--password', metavar='PASSWORD',
                   help='The rescue password (default: one the cloud generates).')
    p.add_argument('--image', metavar='IMAGE',
                   help='Name or ID of the rescue image (default: the server\'s own).')
    server_commands._add_wait_options(p, 'the server is in RESCUE (or ERROR)')
    p = commands.add(subparsers, 'unrescue', do_unrescue)
    p.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
    server_commands._add_wait_options(p, 'the server is ACTIVE (or ERROR)')
    p = commands.add(subparsers, 'set-password', do_set_password)
    p.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
    p.add_argument('--password', metavar='PASSWORD', help='The new password.')
    p = commands.add(subparsers, 'get-password', do_get_password)
    p.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
    p.add_argument('private_key', metavar='PRIVATE_KEY', nargs='?',
                   help='File of the private key (PEM) that decrypts the password.')
    p = commands.add(subparsers, 'clear-password', do_clear_password)
    p.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
    p = commands.add(subparsers, 'lock', do_lock)
    p.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
    p.add_argument('--reason', metavar='REASON', help='Why it is locked (shown from 2.73).')
    p = commands.add(subparsers, 'unlock', do_unlock)
    p.add_argument('server', metavar='SERVER', help='Name or ID of the server.')
