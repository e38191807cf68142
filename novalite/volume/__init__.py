"""The volume service: iSCSI volumes for servers, and its Block Storage API v3."""
