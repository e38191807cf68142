"""What RPC arguments and results look like once serialized for the wire."""

import datetime

from novalite import rpc


def _serialized(entity):
    return rpc.RequestContextSerializer().serialize_entity(None, entity)


def test_datetimes_cross_the_wire_as_iso_strings_with_microseconds():
    moment = datetime.datetime(2026, 11, 22, 7, 30, 0)
    assert _serialized({'launched_at': moment}) == {'launched_at': '2026-11-22T07:30:00.000000'}


def test_sets_and_tuples_cross_the_wire_as_lists():
    assert _serialized({'hosts': ('a', 'b'), 'zones': {'nova'}}) == {
        'hosts': ['a', 'b'], 'zones': ['nova']}


def test_dict_keys_cross_the_wire_as_strings_on_every_transport():
    assert _serialized({1: 'one'}) == {'1': 'one'}
