"""The web app (`ehc web`): the casework pages, thin over ehc/services/ like the CLI (docs/WEB.md).

``create_web_app(app)`` in app.py builds it from the composition root's App; routes/ holds one module per area;
security.py the headers and the CSRF check every POST passes; sessions.py the session cookie; templating.py
the templates and their filters.
"""
