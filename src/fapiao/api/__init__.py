"""REST API v1 (django-ninja). Routers live in each app's api.py; this package holds the
NinjaAPI instance, authentication and the one place errors become problem+json."""
