"""oslo.messaging plumbing: one transport per process, clients and servers.

Contexts cross the wire as dicts, :mod:`novalite.objects` as their
versioned primitives; novalite's exceptions raised by a remote ``call`` are
re-raised as the same class in the caller.
"""

import json

import oslo_messaging as messaging
from oslo_messaging import opts as messaging_opts
from oslo_serialization import jsonutils
from oslo_utils import versionutils
from oslo_versionedobjects import base as ovo_base

from novalite import concurrency, objects
from novalite import context as novalite_context
from novalite.conf import CONF

ALLOWED_EXMODS = ['novalite.exception']

# Set at import, before any transport option is registered or copied.
messaging.set_transport_defaults(control_exchange='novalite')

_TRANSPORT = None


def init(conf=CONF):
    """Create the process's transport from ``[DEFAULT] transport_url``."""
    global _TRANSPORT
    if _TRANSPORT is None:
        _TRANSPORT = messaging.get_rpc_transport(conf, allowed_remote_exmods=ALLOWED_EXMODS)
    return _TRANSPORT


def cleanup():
    global _TRANSPORT
    if _TRANSPORT is not None:
        _TRANSPORT.cleanup()
        _TRANSPORT = None


def _primitive(value):
    return jsonutils.to_primitive(value, convert_instances=True)


class _JsonSerializer(messaging.NoOpSerializer):
    """Entities as the JSON the wire carries, whatever the transport.

    A round trip through the C encoder is several times faster than walking
    the entity with ``to_primitive``, which only converts what JSON lacks
    (datetimes, sets). The in-process transport then hands receivers what
    RabbitMQ would: string dict keys, lists for tuples.
    """

    def serialize_entity(self, ctxt, entity):
        return json.loads(json.dumps(entity, default=_primitive))


class ObjectSerializer(ovo_base.VersionedObjectSerializer):
    """Objects as their primitives, at the versions the reader knows.

    :param object_versions: ``{object name: version}`` to send each object
        at (backported with ``obj_make_compatible``); objects not named go
        at their newest version.
    """

    OBJ_BASE_CLASS = objects.base.NovaliteObject

    def __init__(self, object_versions=None):
        super().__init__()
        self._versions = object_versions or {}

    def serialize_entity(self, context, entity):
        if isinstance(entity, objects.base.NovaliteObject):
            if self._versions:
                return objects.base.primitive_at(entity, self._versions)
            return entity.obj_to_primitive()
        return super().serialize_entity(context, entity)


def object_versions_at(history, version_cap):
    """The object versions a reader at ``version_cap`` knows, from an rpcapi's ``history``.

    ``history`` maps each RPC version that changed what objects it carries
    to ``{object name: version}``. No cap (the newest reader) needs no backport.
    """
    if not version_cap:
        return None
    known = [version for version in history
             if versionutils.is_compatible(version, version_cap, same_major=True)]
    if not known:
        return None
    newest = max(known, key=versionutils.convert_version_to_tuple)
    return history[newest]


def newest_sendable(client, versions):
    """The first of ``versions`` (newest first) ``client``'s cap allows, or None."""
    return next((version for version in versions if client.can_send_version(version)), None)


class RequestContextSerializer(messaging.Serializer):
    def __init__(self, object_versions=None):
        self._objects = ObjectSerializer(object_versions)
        self._json = _JsonSerializer()

    def serialize_entity(self, ctxt, entity):
        return self._json.serialize_entity(ctxt, self._objects.serialize_entity(ctxt, entity))

    def deserialize_entity(self, ctxt, entity):
        return self._objects.deserialize_entity(ctxt, entity)

    def serialize_context(self, ctxt):
        return ctxt.to_dict()

    def deserialize_context(self, ctxt):
        return novalite_context.RequestContext.from_dict(ctxt)


def get_client(topic, version, version_cap=None, namespace=None, timeout=None,
               object_history=None):
    """An RPC client for ``topic`` speaking at most ``version_cap``.

    :param object_history: the rpcapi's ``{RPC version: {object: version}}``;
        under a cap, objects go at the versions the capped reader knows.
    """
    target = messaging.Target(topic=topic, namespace=namespace, version=version)
    serializer = RequestContextSerializer(
        object_versions_at(object_history or {}, version_cap))
    return messaging.get_rpc_client(init(), target, version_cap=version_cap,
                                    serializer=serializer, timeout=timeout)


def get_server(topic, server, endpoints):
    """An RPC server consuming ``topic`` (shared) and ``topic.server`` (this host)."""
    target = messaging.Target(topic=topic, server=server)
    return messaging.get_rpc_server(init(), target, endpoints,
                                    executor=concurrency.RPC_EXECUTOR,
                                    serializer=RequestContextSerializer(),
                                    access_policy=messaging.DefaultRPCAccessPolicy)


def register_opts(conf):
    """Register oslo.messaging's ``[DEFAULT]`` options (``transport_url``...) now.

    oslo.messaging registers them only when a transport is made; the
    all-in-one defaults ``transport_url`` before that. The options are the
    ones its public ``list_opts`` gives the config generator: copies, equal
    to the ones oslo.messaging registers later once their defaults are set.
    """
    for group, options in messaging_opts.list_opts():
        if group is None:
            conf.register_opts(options)
