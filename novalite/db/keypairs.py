"""Key pairs: public keys users register and name at server create."""

from novalite import exception
from novalite.db import engine, models, quotas
from novalite.db.models import utcnow

_KEYPAIR = models.KeyPair


def keypair_create(values, limit=-1):
    """Create a key pair, counted against its user's ``limit`` (-1: unlimited).

    The count and the insert run under the user's quota lock, so concurrent
    imports never exceed the limit.

    :raises KeypairLimitExceeded: the user already has ``limit`` key pairs.
    :raises KeyPairExists: the user already has a key pair of that name.
    """
    with quotas.locked(quotas.USER, values['user_id']) as session:
        live = session.query(_KEYPAIR).filter_by(user_id=values['user_id'], deleted=0)
        if limit >= 0 and live.count() >= limit:
            raise exception.KeypairLimitExceeded()
        if live.filter_by(name=values['name']).first() is not None:
            raise exception.KeyPairExists(key_name=values['name'])
        row = _KEYPAIR(**values)
        session.add(row)
        session.flush()
        return row.as_dict()


def _live_row(session, user_id, name):
    row = session.query(_KEYPAIR).filter_by(user_id=user_id, name=name,
                                            deleted=0).one_or_none()
    if row is None:
        raise exception.KeypairNotFound(user_id=user_id, name=name)
    return row


def keypair_get(user_id, name):
    """:raises KeypairNotFound:"""
    with engine.reader() as session:
        return _live_row(session, user_id, name).as_dict()


def keypair_get_all(user_id, limit=None, marker=None):
    """A user's key pairs in creation order, a page after ``marker`` (a name) if given.

    :raises MarkerNotFound:
    """
    with engine.reader() as session:
        rows = session.query(_KEYPAIR).filter_by(user_id=user_id, deleted=0)
        if marker is not None:
            after = rows.filter_by(name=marker).one_or_none()
            if after is None:
                raise exception.MarkerNotFound(marker=marker)
            rows = rows.filter(_KEYPAIR.id > after.id)
        rows = rows.order_by(_KEYPAIR.id)
        if limit is not None:
            rows = rows.limit(limit)
        return [row.as_dict() for row in rows]


def keypair_destroy(user_id, name):
    """:raises KeypairNotFound:"""
    with engine.writer() as session:
        row = _live_row(session, user_id, name)
        row.deleted, row.deleted_at = row.id, utcnow()
