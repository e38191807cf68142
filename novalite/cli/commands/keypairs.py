"""Key pair commands: keypair-add (import or generate), keypair-list, -show, -delete."""

from novalite.cli import commands, tables

LIST_COLUMNS = ['Name', 'Type', 'Fingerprint']


def do_keypair_add(client, args):
    """Create a key pair: import --pub-key, or let the server generate one and print
    its private key (shown this once only)."""
    public_key = None
    if args.pub_key:
        with open(args.pub_key) as f:
            public_key = f.read()
    keypair = client.keypairs.create(args.name, public_key=public_key,
                                     key_type=args.key_type, user_id=args.user)
    if 'private_key' in keypair:
        print(keypair['private_key'], end='')


def do_keypair_list(client, args):
    """List key pairs (yours, or --user's for an admin)."""
    keypairs = client.keypairs.list(user_id=args.user)
    if args.format == 'json':
        tables.print_json(keypairs)
    else:
        tables.print_list(keypairs, LIST_COLUMNS)


def do_keypair_show(client, args):
    """Show a key pair."""
    keypair = client.keypairs.get(args.keypair, user_id=args.user)
    if args.format == 'json':
        tables.print_json(keypair)
    else:
        tables.print_dict(keypair)


def do_keypair_delete(client, args):
    """Delete a key pair."""
    client.keypairs.delete(args.keypair, user_id=args.user)


def _user_option(parser):
    parser.add_argument('--user', metavar='USER_ID',
                        help="Another user's key pairs (admin only).")


def register(subparsers):
    p = commands.add(subparsers, 'keypair-add', do_keypair_add)
    p.add_argument('name', metavar='NAME', help='Name of the key pair.')
    p.add_argument('--pub-key', metavar='FILE',
                   help='Public key file to import; without it the server generates one.')
    p.add_argument('--key-type', choices=('ssh', 'x509'), help='Key type (default ssh).')
    _user_option(p)
    p = commands.add(subparsers, 'keypair-list', do_keypair_list)
    _user_option(p)
    commands.add_format(p)
    for name, func in (('keypair-show', do_keypair_show), ('keypair-delete',
                                                           do_keypair_delete)):
        p = commands.add(subparsers, name, func)
        p.add_argument('keypair', metavar='KEYPAIR', help='Name of the key pair.')
        _user_option(p)
        if name == 'keypair-show':
            commands.add_format(p)
