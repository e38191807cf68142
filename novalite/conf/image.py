"""Options of the local image store and of the image API (``novalite-image-api``)."""

from oslo_config import cfg

image_opts = [
    cfg.StrOpt('images_path',
               default='$state_path/images',
               help="""
Directory of the local image store: each image is a data file named by its
id beside ``<id>.json`` holding its record. The image API serves it; every
service that uses the local store directly (api, conductor, compute when
``[glance] api_servers`` is empty) must see the same directory, on one host
or on shared storage.
"""),
    cfg.IntOpt('image_size_cap',
               default=1024 ** 4,
               min=1,
               help="""
Largest image, in bytes, the store accepts. An upload that goes past it is
refused with 413 and the image stays ``queued``. Default: 1 TiB (Glance's).
"""),
    cfg.HostAddressOpt('listen',
                       default='0.0.0.0',
                       help="IP address ``novalite-image-api`` listens on."),
    cfg.PortOpt('port',
                default=9292,
                help="""
TCP port ``novalite-image-api`` listens on. 9292 is the port clients of the
Image API expect in the catalog (type ``image``).

Related options: ``listen``.
"""),
    cfg.IntOpt('limit_param_default',
               default=25,
               min=1,
               help="""
Images one list request returns when it gives no ``limit``; the response
has a ``next`` link when there may be more.

Related options: ``api_limit_max``.
"""),
    cfg.IntOpt('api_limit_max',
               default=1000,
               min=1,
               help="Largest ``limit`` an image list request may ask for; more is capped."),
]


def register_opts(conf):
    conf.register_opts(image_opts, group='image')


def list_opts():
    return {'image': image_opts}
