"""Web pages (Jinja2 + htmx): login, dashboard, search, profiles, claims."""
