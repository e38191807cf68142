"""PyMySQL's DATETIME decoder: ``fromisoformat`` first, PyMySQL's own for the rest."""

import datetime

from novalite.db import pymysql_connect


def test_datetimes_with_and_without_fraction_decode_to_datetimes():
    assert pymysql_connect._datetime('2026-11-22 11:42:18') == \
        datetime.datetime(2026, 11, 22, 11, 42, 18)
    assert pymysql_connect._datetime('2026-11-22 11:42:18.5') == \
        datetime.datetime(2026, 11, 22, 11, 42, 18, 500000)


def test_zero_datetimes_stay_text_as_pymysql_leaves_them():
    assert pymysql_connect._datetime('0000-00-00 00:00:00') == '0000-00-00 00:00:00'
