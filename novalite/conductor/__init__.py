"""The conductor: build orchestration and the database proxy for compute hosts."""
