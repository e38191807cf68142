"""Tables the shell prints, laid out as python-novaclient lays them out.

A list is one row per resource with named columns; a single resource is a
two-column ``Property | Value`` table sorted by property. Empty values print as
``-`` and nested values as compact JSON, so every cell stays on one line.
"""

import json
import sys

import prettytable


def format_value(value):
    """One cell's text: ``-`` for None, JSON for dicts and lists."""
    if value is None:
        return '-'
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value)


def column_key(column):
    """The resource key a column title reads from: ``Task State`` -> ``task_state``."""
    return column.lower().replace(' ', '_')


def print_list(items, columns, formatters=None, out=None):
    """Print one row per item.

    :param items: dicts as the API returned them.
    :param columns: column titles; a title reads the key ``column_key(title)``
        unless ``formatters`` maps the title to a function of the item.
    """
    formatters = formatters or {}
    table = prettytable.PrettyTable(columns)
    table.align = 'l'
    for item in items:
        row = []
        for column in columns:
            if column in formatters:
                row.append(format_value(formatters[column](item)))
            else:
                row.append(format_value(item.get(column_key(column))))
        table.add_row(row)
    print(table.get_string(), file=out or sys.stdout)


def print_dict(info, out=None, property_title='Property'):
    """Print a ``Property | Value`` table of ``info``, sorted by property."""
    table = prettytable.PrettyTable([property_title, 'Value'])
    table.align = 'l'
    for key in sorted(info):
        table.add_row([key, format_value(info[key])])
    print(table.get_string(), file=out or sys.stdout)


def print_json(value, out=None):
    """Print ``value`` as indented JSON (``--format json``): what the API answered."""
    print(json.dumps(value, indent=2, sort_keys=True), file=out or sys.stdout)
