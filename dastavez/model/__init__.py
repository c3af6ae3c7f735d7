"""The data model: property types, schemata and statements."""
