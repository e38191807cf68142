"""The console proxies: WebSocket front doors to the compute hosts' consoles."""
