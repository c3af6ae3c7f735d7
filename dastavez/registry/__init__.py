"""The registry: persons and organisations, claims about them, legal status, proscription."""
