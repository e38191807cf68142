"""Key pairs: public keys users register and name at server create."""

from novalite import exception
from novalite.db import engine, models
from novalite.db.models import utcnow

_KEYPAIR = models.KeyPair


def keypair_create(values):
    """:raises KeyPairExists: the user already has a key pair of that name."""
    with engine.writer() as session:
        taken = session.query(_KEYPAIR).filter_by(user_id=values['user_id'],
                                                  name=values['name'], deleted=0).first()
        if taken is not None:
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


def keypair_get_all(user_id):
    with engine.reader() as session:
        rows = session.query(_KEYPAIR).filter_by(user_id=user_id, deleted=0)
        return [row.as_dict() for row in rows.order_by(_KEYPAIR.name)]


def keypair_destroy(user_id, name):
    """:raises KeypairNotFound:"""
    with engine.writer() as session:
        row = _live_row(session, user_id, name)
        row.deleted, row.deleted_at = row.id, utcnow()
