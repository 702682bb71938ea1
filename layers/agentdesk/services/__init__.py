"""Use cases: each takes a principal and a request, decides through the domain, persists through the store."""
