"""Rules of the image and shelve server actions (Nova's names and defaults)."""

from novalite.api.policies import base

CREATE_IMAGE = 'os_compute_api:servers:create_image'
CREATE_BACKUP = 'os_compute_api:os-create-backup'
SHELVE = 'os_compute_api:os-shelve:shelve'
SHELVE_OFFLOAD = 'os_compute_api:os-shelve:shelve_offload'
UNSHELVE = 'os_compute_api:os-shelve:unshelve'
UNSHELVE_TO_HOST = 'os_compute_api:os-shelve:unshelve_to_host'

_ACTION = 'POST /servers/{server_id}/action (%s)'

rules = [
    base.rule(CREATE_IMAGE, base.PROJECT_MEMBER_OR_ADMIN, "Create an image from a server",
              _ACTION % 'createImage'),
    base.rule(CREATE_BACKUP, base.PROJECT_MEMBER_OR_ADMIN,
              "Create a back up of a server (an image, rotated by type)",
              _ACTION % 'createBackup'),
    base.rule(SHELVE, base.PROJECT_MEMBER_OR_ADMIN, "Shelve a server", _ACTION % 'shelve'),
    base.rule(SHELVE_OFFLOAD, base.ADMIN, "Shelf-offload (remove) a server from its host",
              _ACTION % 'shelveOffload'),
    base.rule(UNSHELVE, base.PROJECT_MEMBER_OR_ADMIN, "Unshelve (restore) a shelved server",
              _ACTION % 'unshelve'),
    base.rule(UNSHELVE_TO_HOST, base.ADMIN,
              "Unshelve (restore) a shelf-offloaded server to a specific host",
              _ACTION % 'unshelve'),
]
