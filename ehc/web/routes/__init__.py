"""The web app's pages, one module per area; each a FastAPI ``router`` that create_web_app includes."""
