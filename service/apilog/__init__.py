"""The API log and connection tracking: one record per request, written off the request path."""
