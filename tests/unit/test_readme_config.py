"""The README's config blocks load as written: every value is what the text says."""

import os
import re

import pytest
from oslo_config import cfg

from novalite.conf import opts

README = os.path.join(os.path.dirname(__file__), '..', '..', 'README.md')


def _config_blocks():
    """The README's indented blocks that open with an ini section header."""
    text = open(README, encoding='utf-8').read()
    blocks = re.findall(r'(?:^    .*\n|^\n)+', text, flags=re.M)
    for block in blocks:
        lines = [line[4:] for line in block.splitlines() if line.strip()]
        if lines and re.match(r'^\[\w+\]$', lines[0]):
            yield '\n'.join(lines) + '\n'


def _registered():
    """Every novalite option by (group, name)."""
    return {(group or 'DEFAULT', opt.dest): opt
            for group, group_opts in opts.list_opts() for opt in group_opts}


def _parsed(path):
    """The file as oslo.config reads it: {(section, name): [values]}."""
    sections = {}
    cfg.ConfigParser(str(path), sections).parse()
    return {(section, name): values for section, options in sections.items()
            for name, values in options.items()}


BLOCKS = list(_config_blocks())


def test_readme_has_config_blocks():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize('block', BLOCKS)
def test_readme_config_block_loads_with_values_as_written(block, tmp_path):
    path = tmp_path / 'novalite.conf'
    path.write_text(block)
    known = _registered()
    for (section, name), values in _parsed(path).items():
        value = values[-1]
        assert '#' not in value, f'[{section}] {name} = {value!r}: an inline comment'
        opt = known.get((section, name))
        if opt is not None:
            opt.type(value)  # raises ValueError on a value of the wrong type
