"""One request path: the request context and the dispatcher every codec hands its calls to."""
