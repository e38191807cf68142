"""Field types novalite's objects add to oslo.versionedobjects' own."""

from oslo_versionedobjects import fields

# The library's types, re-exported so object modules import fields from one place.
BooleanField = fields.BooleanField
DateTimeField = fields.DateTimeField
DictOfIntegersField = fields.DictOfIntegersField
DictOfNullableStringsField = fields.DictOfNullableStringsField
FloatField = fields.FloatField
IntegerField = fields.IntegerField
ListOfStringsField = fields.ListOfStringsField
ObjectField = fields.ObjectField
SensitiveStringField = fields.SensitiveStringField
StringField = fields.StringField
UUIDField = fields.UUIDField


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
