"""gunicorn configuration for the User Management API.

Use it with either of:
    python -m service serve --config deploy/gunicorn.conf.py
    gunicorn -c deploy/gunicorn.conf.py 'service.app:create_app()'

It starts from the packaged defaults (service/engines/gunicorn.py: one sync
worker more than the CPU cores, timeouts, request-line and header limits, no
worker recycling, preloaded app) and is the place to adapt them for a host.
Sync workers need the buffering proxy in front (deploy/nginx.conf); the default
engine, granian, does not (README, Serving engines). Settings read from the environment
(DATABASE_URL, USERAPI_*) apply as everywhere else.
"""

from service.engines.gunicorn import default_options
from service.settings import Settings

globals().update(default_options(Settings.from_env()))

# Adapt below. Three sync workers suit two cores (README, Performance); give each
# worker its share of the database's connections (pool 5 + overflow 5).
# bind = "127.0.0.1:8000"
# workers = 3
# timeout = 30
