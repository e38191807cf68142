"""Nova's extra spec operators against aggregate metadata values."""

import pytest

from novalite.scheduler.filters.aggregate_instance_extra_specs import match


@pytest.mark.parametrize('value,requirement,expected', [
    ('true', 'true', True), ('true', 'false', False),
    ('4', '2', True), ('1', '2', False),
    ('ssd nvme', '<in> nvme', True), ('ssd', '<in> nvme', False),
    ('a b c', '<all-in> a c', True), ('a b', '<all-in> a c', False),
    ('b', '<or> a <or> b', True), ('c', '<or> a <or> b', False),
    ('abc', 's== abc', True), ('abc', 's!= abc', False), ('b', 's> a', True),
    ('3', '== 3', True), ('3', '!= 3', False), ('3', '>= 4', False), ('3', '<= 4', True),
    ('x', '>= 4', False),
])
def test_match(value, requirement, expected):
    assert match(value, requirement) is expected
