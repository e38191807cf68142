"""Request validation with JSON schemas, Nova-style.

``@validation.body(schema, '2.1', '2.18')`` decorators, stacked, pick the
schema for the request's microversion and validate the JSON body before the
handler runs, so a rejected request changes nothing. Errors name the field:
``Invalid input for field/attribute flavorRef. Value: x. ...``.
Like Nova's validator, ``minimum`` and ``maximum`` also apply to numeric
strings, and the formats ``uuid``, ``base64``, ``date-time``, ``name`` and
``description`` are checked. ``maxEncodedLength`` (novalite's keyword) bounds
the bytes of a value's JSON encoding, for what a database column holds.

Bodies are parsed once, with orjson, which refuses invalid UTF-8 and lone
surrogates; what it returns is then checked for depth (``[api]
max_json_depth``) and NUL characters, neither of which a handler or a
database column can take.
"""

import base64
import binascii
import functools
import unicodedata

import jsonschema
import orjson
from oslo_utils import timeutils, uuidutils

from novalite import exception
from novalite.api import microversion
from novalite.conf import CONF

BODY_KEY = 'novalite.body'

_checker = jsonschema.FormatChecker()


@_checker.checks('uuid')
def _is_uuid(value):
    return not isinstance(value, str) or uuidutils.is_uuid_like(value)


@_checker.checks('base64')
def _is_base64(value):
    if not isinstance(value, str):
        return True
    try:
        base64.b64decode(''.join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


@_checker.checks('date-time')
def _is_date_time(value):
    if not isinstance(value, str):
        return True
    try:
        # Normalizing to UTC is what the handlers do next: a date near the
        # ends of the calendar overflows there.
        timeutils.normalize_time(timeutils.parse_isotime(value))
    except (ValueError, OverflowError):
        return False
    return True


def _printable(char, allow_space_separators):
    category = unicodedata.category(char)
    if category.startswith('C'):
        return False
    return not category.startswith('Z') or category == 'Zs' or allow_space_separators


@_checker.checks('name')
def _is_name(value):
    """Printable characters, no leading or trailing whitespace (Nova's rule)."""
    if not isinstance(value, str):
        return True
    if value != value.strip():
        return False
    return all(_printable(char, False) for char in value)


@_checker.checks('description')
def _is_description(value):
    if not isinstance(value, str):
        return True
    return all(_printable(char, True) or char in '\r\n\t' for char in value)


def _number(value):
    if isinstance(value, str):
        for convert in (int, float):
            try:
                return convert(value)
            except ValueError:
                continue
        return None
    return value


def _bounded(keyword):
    original = jsonschema.Draft4Validator.VALIDATORS[keyword]

    def check(validator, bound, instance, schema):
        number = _number(instance)
        if number is None or isinstance(number, bool):
            return
        yield from original(validator, bound, number, schema)
    return check


def _max_encoded_length(validator, limit, instance, schema):
    size = len(orjson.dumps(instance))
    if size > limit:
        yield jsonschema.ValidationError(
            f"is {size} bytes long as JSON, more than the {limit} it may have")


_Validator = jsonschema.validators.extend(
    jsonschema.Draft4Validator,
    {'minimum': _bounded('minimum'), 'maximum': _bounded('maximum'),
     'maxEncodedLength': _max_encoded_length})

_FORMAT_MESSAGES = {
    'name': ("An invalid 'name' value was provided. The name must be: printable "
             "characters. Can not start or end with whitespace."),
}


def _error(error):
    """A ValidationError naming the field ``error`` is about."""
    if error.validator == 'required':
        missing = [key for key in error.validator_value if key not in (error.instance or {})]
        field = missing[0] if missing else None
        if field:
            return exception.ValidationError(field=field, detail=error.message)
    if not error.path:
        return exception.ValidationError(message=error.message)
    field = error.path[-1]
    message = _FORMAT_MESSAGES.get(error.validator_value) \
        if error.validator == 'format' else None
    message = message or error.message
    if isinstance(error.instance, (dict, list)):
        # Whole objects may carry passwords or user data: never echo them.
        return exception.ValidationError(field=field, detail=message)
    return exception.ValidationError(field=field, detail=f"Value: {error.instance}. {message}")


def validate(schema, instance):
    """:raises ValidationError: naming the first offending field."""
    error = jsonschema.exceptions.best_match(
        _Validator(schema, format_checker=_checker).iter_errors(instance))
    if error is not None:
        raise _error(error)


def _check_parsed(document, max_depth):
    """:raises Invalid: ``document`` nests deeper than ``max_depth`` or holds a NUL."""
    # Iterative: a recursive walk would hit the recursion limit it guards.
    pending = [(document, 1, ())]
    while pending:
        value, depth, path = pending.pop()
        if isinstance(value, str):
            if '\x00' in value:
                raise exception.ValidationError(
                    field='.'.join(map(str, path)) or 'body',
                    detail="NUL characters are not allowed.")
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth > max_depth:
            raise exception.Invalid(
                f"Malformed request body: JSON nested deeper than {max_depth} levels")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            pending.append((key, depth, path))
            pending.append((item, depth + 1, (*path, key)))


def _parse(raw):
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if 'depth' in str(exc):
            raise exception.Invalid(
                "Malformed request body: JSON nested deeper than "
                f"{CONF.api.max_json_depth} levels") from None
        raise exception.Invalid("Malformed request body") from None


def load_body(req):
    """The request's JSON body, parsed once.

    :raises Invalid: not JSON, not UTF-8, a lone surrogate, nested too deep or
        a NUL character in a string.
    """
    if BODY_KEY not in req.environ:
        raw = req.body
        document = None
        if raw:
            document = _parse(raw)
            _check_parsed(document, CONF.api.max_json_depth)
        req.environ[BODY_KEY] = document
    return req.environ[BODY_KEY]


def body(schema, min_version=None, max_version=None):
    """Decorator: validate the JSON body with ``schema`` for versions in the range.

    Stack one per version range; a request outside every range is not
    validated by this decorator.
    """
    def decorator(handler):
        ranges = getattr(handler, '_body_schemas', [])
        ranges = [(schema, min_version or '2.0', max_version), *ranges]

        @functools.wraps(getattr(handler, '_unvalidated', handler))
        def wrapper(req, *args, **kwargs):
            for candidate, low, high in ranges:
                if microversion.is_supported(req, low, high):
                    validate(candidate, load_body(req))
                    break
            return wrapper._unvalidated(req, *args, **kwargs)
        wrapper._unvalidated = getattr(handler, '_unvalidated', handler)
        wrapper._body_schemas = ranges
        return wrapper
    return decorator


def body_declared(schema_at):
    """Decorator: declare the body schema a handler validates by itself.

    For a handler whose schema depends on the body (the server actions'
    dispatcher picks it by the body's one key), ``schema_at(version)``
    answers, for an ``APIVersion``, the schema the OpenAPI description
    publishes.
    """
    def decorator(handler):
        handler._body_schema_at = schema_at
        return handler
    return decorator


def body_schema_for(handler, version):
    """The body schema ``handler`` declares for ``version``, or None."""
    if hasattr(handler, '_body_schema_at'):
        return handler._body_schema_at(version)
    for schema, low, high in getattr(handler, '_body_schemas', ()):
        if (version >= microversion.APIVersion.parse(low)
                and (high is None or version <= microversion.APIVersion.parse(high))):
            return schema
    return None


def query(req, schema):
    """Validate the query string (last value of each key) and return it as a dict."""
    params = {key: req.GET.getall(key)[-1] for key in req.GET}
    validate(schema, params)
    return params


def query_schemas(*versioned):
    """Decorator: declare and check the handler's query string.

    ``versioned`` are ``(min_version, schema)`` pairs, newest first: a
    request gets the first its microversion reaches. The declaration is what
    the OpenAPI description (:mod:`novalite.api.openapi`) publishes; the
    handler reads the values with :func:`query`.
    """
    def decorator(handler):
        @functools.wraps(handler)
        def wrapper(req, *args, **kwargs):
            schema = query_schema_for(wrapper, microversion.request_version(req))
            if schema is not None:
                query(req, schema)
            return handler(req, *args, **kwargs)
        wrapper._query_schemas = versioned
        return wrapper
    return decorator


def query_schema_for(handler, version):
    """The query schema ``handler`` declares for ``version``, or None."""
    for min_version, schema in getattr(handler, '_query_schemas', ()):
        if version >= microversion.APIVersion.parse(min_version):
            return schema
    return None
