"""The base of the objects that cross RPC: declared fields, a version, backports.

Every payload a service sends another is a :class:`NovaliteObject`
(oslo.versionedobjects, as Nova's are): its fields are written down and
typed, its ``VERSION`` goes up when they change, and
``obj_make_compatible`` turns it into what a reader of an older version
expects. Objects also read like the dicts the code passed before (``obj['uuid']``,
``obj.get('host')``, ``dict(obj)``), so the managers and drivers take
either while a rolling upgrade has old senders of plain dicts about.
"""

import datetime

from oslo_utils import versionutils
from oslo_versionedobjects import base as ovo_base
from oslo_versionedobjects import fields as ovo_fields


class NovaliteObjectRegistry(ovo_base.VersionedObjectRegistry):
    def registration_hook(self, cls, index):
        # novalite.objects.Instance is always the newest registered version.
        from novalite import objects
        setattr(objects, cls.obj_name(), cls)


class NovaliteObject(ovo_base.VersionedObject, ovo_base.VersionedObjectDictCompat):
    OBJ_SERIAL_NAMESPACE = 'novalite_object'
    OBJ_PROJECT_NAMESPACE = 'novalite'

    def obj_attr_is_set(self, attrname):
        # The library's checks the name against a list of the fields it
        # builds anew on every call: quadratic in the fields for each
        # object sent, and an Instance has 45.
        if attrname not in self.fields:
            raise AttributeError(f'{self.obj_name()} has no field {attrname!r}')
        return hasattr(self, '_obj_' + attrname)

    def obj_to_primitive(self, target_version=None, version_manifest=None):
        """The library's primitive; at this version, built straight from the values.

        Most messages go at the newest version, where the library's walk
        (two passes over every field for changes, a property call per
        read) cost more than all else a boot sends. Payloads carry no
        change list: no service saves an object it received.
        """
        if version_manifest or target_version not in (None, self.VERSION):
            return super().obj_to_primitive(target_version, version_manifest)
        values = self.__dict__
        data = {}
        for name, field in self.fields.items():
            attr = '_obj_' + name
            if attr in values:
                data[name] = field.to_primitive(self, name, values[attr])
        return {'novalite_object.name': self.obj_name(),
                'novalite_object.namespace': self.OBJ_PROJECT_NAMESPACE,
                'novalite_object.version': self.VERSION,
                'novalite_object.data': data}

    def get(self, key, default=None):
        """A field's value, or ``default`` while it is unset, as a dict's ``get``.

        :raises AttributeError: ``key`` is not a field: a typo, not a missing value.
        """
        if key not in self.fields:
            raise AttributeError(f'{self.obj_name()} has no field {key!r}')
        return getattr(self, key) if self.obj_attr_is_set(key) else default

    # Keys of the dicts it is made from that it leaves out on purpose
    # (derived from its fields, or not part of what it carries).
    LEFT_OUT_KEYS = frozenset()

    @classmethod
    def from_dict(cls, values):
        """The object of a dict's fields (the ``LEFT_OUT_KEYS`` are dropped).

        :raises ValueError: a key the object does not declare: a payload
            that grew a field without this object's version saying so.
        """
        obj = cls()
        fields, stored = cls.fields, obj.__dict__
        for key, value in values.items():
            field = fields.get(key)
            if field is None:
                if key in cls.LEFT_OUT_KEYS:
                    continue
                raise ValueError(f'{cls.obj_name()} {cls.VERSION} declares no field {key!r}')
            if isinstance(value, dict) and isinstance(field, ovo_fields.ObjectField):
                value = _registered(field.AUTO_TYPE._obj_name).from_dict(value)
            # What the library's setter does, without recording a change.
            stored['_obj_' + key] = field.coerce(obj, key, value)
        return obj

    @classmethod
    def _obj_from_primitive(cls, context, objver, primitive):
        # The library's, without coercing each field again through its
        # setter: the sender coerced every value it set, and JSON keeps
        # their types. Receiving an Instance took three times as long.
        obj = cls()
        obj._context = context
        obj.VERSION = objver
        data, stored = primitive['novalite_object.data'], obj.__dict__
        for name, field in cls.fields.items():
            if name in data:
                stored['_obj_' + name] = field.from_primitive(obj, name, data[name])
        return obj

    @classmethod
    def coerce(cls, value):
        """``value`` as this object: itself if it is one, else built from its dict."""
        return value if isinstance(value, cls) else cls.from_dict(value)

    def to_dict(self):
        """The set fields as the plain dict a pre-objects (RPC 1.0) reader takes."""
        return {key: to_legacy(getattr(self, key)) for key in self.fields
                if self.obj_attr_is_set(key)}


def _registered(name):
    return NovaliteObjectRegistry.obj_classes()[name][0]


def to_legacy(value):
    """``value`` with every object in it as its plain dict (for 1.0 readers)."""
    if isinstance(value, NovaliteObject):
        return value.to_dict()
    if isinstance(value, list):
        return [to_legacy(item) for item in value]
    if isinstance(value, dict):
        return {key: to_legacy(item) for key, item in value.items()}
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def primitive_at(obj, object_versions):
    """``obj``'s primitive backported to a reader's ``{object name: version}``.

    A reader that names a version newer than this code's (it was upgraded
    first) gets the newest this code has.
    """
    target = object_versions.get(obj.obj_name(), obj.VERSION)
    if versionutils.convert_version_to_tuple(target) > \
            versionutils.convert_version_to_tuple(obj.VERSION):
        target = obj.VERSION
    return obj.obj_to_primitive(target, object_versions)


def manifest():
    """``{object name: newest version}`` of every registered object.

    A caller sends it so that the answer comes back at versions it knows.
    """
    return {name: classes[0].VERSION
            for name, classes in NovaliteObjectRegistry.obj_classes().items()}
