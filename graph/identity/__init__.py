"""Identity: which records are the same person, and which persons share a home.

Record keys (:mod:`.keys`)."""
