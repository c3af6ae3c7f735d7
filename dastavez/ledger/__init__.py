"""The tamper-evident ledger: an RFC 9162 Merkle log and its signed checkpoints."""
