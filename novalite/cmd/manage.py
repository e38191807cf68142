"""novalite-manage: operator tasks on the database, the image store and Keystone's catalog."""

import argparse
import sys

from novalite import config, exception, preflight


def _db_sync(args):
    from novalite.db import migration
    migration.db_sync()
    print(f'Database at revision {migration.db_version()}')


def _db_version(args):
    from novalite.db import migration
    print(migration.db_version() or 'empty')


def _properties(pairs):
    properties = {}
    for pair in pairs or []:
        key, sep, value = pair.partition('=')
        if not sep or not key:
            raise exception.Invalid(f"Property {pair!r} is not of the form key=value")
        properties[key] = value
    return properties


def _image_create(args):
    from novalite.image import local
    image = local.get_image_service().create(
        args.name, args.file, disk_format=args.disk_format,
        container_format=args.container_format, properties=_properties(args.property),
        min_disk=args.min_disk, min_ram=args.min_ram)
    print(image['id'])


def _image_list(args):
    from novalite.image import local
    for image in local.get_image_service().list():
        print(f"{image['id']}  {image['name']}  {image['disk_format']}  {image['size']}")


def _image_delete(args):
    from novalite.image import local
    local.get_image_service().delete(args.image_id)


def _keystone_register(args):
    from novalite.cmd import keystone_register
    keystone_register.register(args)


def _add_keystone_register(commands):
    register = commands.add_parser(
        'keystone-register', help="create or update the compute service and its endpoints "
                                  "in Keystone's catalog")
    try:
        from novalite.cmd import keystone_register
        keystone_register.add_arguments(register)
    except ImportError:
        pass  # without keystoneauth1 the command reports what to install
    register.set_defaults(func=_keystone_register)


def _parser():
    parser = argparse.ArgumentParser(
        prog='novalite-manage',
        description="Operator tasks: schema migrations, the local image store, Keystone's "
                    "catalog.")
    parser.add_argument('--config-file', action='append', default=[], metavar='PATH',
                        help='config file to read, repeatable '
                             '(default: /etc/novalite/novalite.conf if it exists)')
    parser.add_argument('--config-dir', metavar='DIR',
                        help='directory of *.conf files read after the config files')
    commands = parser.add_subparsers(dest='command', required=True)
    db = commands.add_parser('db', help='database schema').add_subparsers(dest='db_command',
                                                                           required=True)
    db.add_parser('sync', help='upgrade the schema to the newest revision (idempotent)') \
        .set_defaults(func=_db_sync)
    db.add_parser('version', help='print the schema revision').set_defaults(func=_db_version)

    create = commands.add_parser('image-create', help='register an image file')
    create.add_argument('--name', required=True, help='image name')
    create.add_argument('--file', required=True, help='path of the image data to copy in')
    create.add_argument('--disk-format', default='qcow2',
                        help='raw, qcow2, aki, ari, ami or iso (default qcow2)')
    create.add_argument('--container-format', default='bare',
                        help='bare, aki, ari, ami or ovf (default bare)')
    create.add_argument('--property', action='append', metavar='KEY=VALUE',
                        help='image property, repeatable (e.g. kernel_id=ID)')
    create.add_argument('--min-disk', type=int, default=0, help='minimum root disk (GiB)')
    create.add_argument('--min-ram', type=int, default=0, help='minimum memory (MiB)')
    create.set_defaults(func=_image_create)
    commands.add_parser('image-list', help='list registered images').set_defaults(
        func=_image_list)
    delete = commands.add_parser('image-delete', help='remove an image')
    delete.add_argument('image_id')
    delete.set_defaults(func=_image_delete)
    _add_keystone_register(commands)
    return parser


@preflight.operator_errors
def main(argv=None):
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    oslo_args = [arg for path in args.config_file for arg in ('--config-file', path)]
    if args.config_dir:
        oslo_args += ['--config-dir', args.config_dir]
    config.parse_args(oslo_args)
    try:
        args.func(args)
    except exception.NovaliteException as exc:
        print(f'ERROR: {exc.format_message()}', file=sys.stderr)
        return 1
    return 0
