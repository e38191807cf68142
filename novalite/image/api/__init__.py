"""``novalite-image-api``: the Image API v2 (Glance's wire format) over the image store."""
