"""Users, roles, compartments, sessions and tokens, and the audit of reads and writes."""
