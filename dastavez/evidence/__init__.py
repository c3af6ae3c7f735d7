"""Evidence: the exhibit register (files, custody and verification come with the vault)."""
