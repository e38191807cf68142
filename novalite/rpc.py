"""oslo.messaging plumbing: one transport per process, clients and servers.

Contexts cross the wire as dicts; novalite's exceptions raised by a remote
``call`` are re-raised as the same class in the caller.
"""

import json

import oslo_messaging as messaging
from oslo_serialization import jsonutils

from novalite import concurrency
from novalite import context as novalite_context
from novalite.conf import CONF

ALLOWED_EXMODS = ['novalite.exception']

_TRANSPORT = None


def init(conf=CONF):
    """Create the process's transport from ``[DEFAULT] transport_url``."""
    global _TRANSPORT
    if _TRANSPORT is None:
        messaging.set_transport_defaults(control_exchange='novalite')
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


class RequestContextSerializer(messaging.Serializer):
    def __init__(self, base=None):
        self._base = base or _JsonSerializer()

    def serialize_entity(self, ctxt, entity):
        return self._base.serialize_entity(ctxt, entity)

    def deserialize_entity(self, ctxt, entity):
        return self._base.deserialize_entity(ctxt, entity)

    def serialize_context(self, ctxt):
        return ctxt.to_dict()

    def deserialize_context(self, ctxt):
        return novalite_context.RequestContext.from_dict(ctxt)


def get_client(topic, version, version_cap=None, namespace=None, timeout=None):
    """An RPC client for ``topic`` speaking at most ``version_cap``."""
    target = messaging.Target(topic=topic, namespace=namespace, version=version)
    return messaging.get_rpc_client(init(), target, version_cap=version_cap,
                                    serializer=RequestContextSerializer(), timeout=timeout)


def get_server(topic, server, endpoints):
    """An RPC server consuming ``topic`` (shared) and ``topic.server`` (this host)."""
    target = messaging.Target(topic=topic, server=server)
    return messaging.get_rpc_server(init(), target, endpoints,
                                    executor=concurrency.RPC_EXECUTOR,
                                    serializer=RequestContextSerializer(),
                                    access_policy=messaging.DefaultRPCAccessPolicy)


def register_opts(conf):
    """Register ``transport_url`` so it can be defaulted before config parsing.

    oslo.messaging registers it only when a transport is made; its own
    config fixture registers it the same way.
    """
    from oslo_messaging import transport
    conf.register_opts(transport._transport_opts)
