"""The application layer: the `ehc` CLI and the composition root."""
