"""The REST API under /api/v1: thin routes that translate HTTP to service calls."""
