"""Field types novalite's objects add to oslo.versionedobjects' own."""

from oslo_versionedobjects import fields


class Json(fields.FieldType):
    """A JSON document whose inner shape another interface owns and versions.

    Used for the image service's image record (Glance's wire format), the
    network API's ``network_info`` (a list of vif dicts, described in
    :mod:`novalite.virt.driver`) and user-given documents such as scheduler
    hints: these objects carry them whole, as Nova's carry its network model.
    """

    @staticmethod
    def coerce(obj, attr, value):
        return value


class JsonField(fields.AutoTypedField):
    AUTO_TYPE = Json()
