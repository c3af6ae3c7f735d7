"""The fictional demo scenario: seeded generators of names, places, identifiers and records."""
