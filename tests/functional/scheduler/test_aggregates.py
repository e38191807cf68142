"""Aggregates in the scheduler: aggregate zones and AggregateInstanceExtraSpecsFilter."""

import pytest

from novalite.db import aggregates
from novalite.scheduler import selection
from tests.functional.scheduler.conftest import add_host, make_spec, new_uuid


def _aggregate(name, hosts, **metadata):
    aggregate = aggregates.aggregate_create(name, metadata)
    for host in hosts:
        aggregates.aggregate_host_add(aggregate['id'], host)


@pytest.fixture
def hosts(db):
    add_host('a', memory_mb=8192)
    add_host('b', memory_mb=4096)


def _host(scheduler, spec):
    [[chosen, *_]] = scheduler.select_destinations(None, spec, [new_uuid()])
    return chosen['host'], chosen['availability_zone']


def test_zone_request_lands_in_the_aggregates_zone_and_records_it(scheduler, hosts):
    _aggregate('z', ['b'], availability_zone='az1')
    assert _host(scheduler, make_spec(availability_zone='az1')) == ('b', 'az1')
    assert _host(scheduler, make_spec()) == ('a', 'nova')


def test_extra_specs_match_aggregate_metadata(conf, hosts):
    conf.set_override('enabled_filters', ['AggregateInstanceExtraSpecsFilter'],
                      group='scheduler')
    scheduler = selection.FilterScheduler()
    _aggregate('fast', ['b'], ssd='true')
    spec = make_spec(flavor={'extra_specs': {'aggregate_instance_extra_specs:ssd': 'true'}})
    assert _host(scheduler, spec)[0] == 'b'
    assert _host(scheduler, make_spec())[0] == 'a'
