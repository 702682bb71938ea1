"""Platform glue: settings, authentication, WebSocket push, clock, ids, observability."""
