"""The Block Storage API v3 (Cinder's wire format): router, handlers and views."""
