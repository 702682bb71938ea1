"""Use cases: each takes a principal and a request, decides through the domain and persists through the store."""
