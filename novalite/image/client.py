"""Which image service a novalite service talks to.

The local store (``[image] images_path``) by default; the Image API v2
client when ``[glance] api_servers`` or ``[glance] auth_type`` is set, so a
deployment with ``novalite-image-api`` on another host, or a real Glance,
points compute at it. Both answer the same methods with the same records.
"""

from novalite.conf import glance as glance_conf
from novalite.image import local


def get_image_service(conf=None):
    from novalite.conf import CONF
    conf = conf or CONF
    if conf.glance.api_servers or glance_conf.auth_type(conf):
        # Here, not at the top: the client's keystoneauth and requests are
        # about 6 MiB in every process, and one using the local store needs neither.
        from novalite.image import glance
        return glance.GlanceImageService(conf)
    return local.get_image_service(conf)
