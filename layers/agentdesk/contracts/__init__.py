"""Wire contracts: WebSocket messages, HTTP bodies, events and error codes."""
