"""Settings and per-LA data (calendar closures, policies), validated on load."""
