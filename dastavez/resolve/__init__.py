"""Who is who across spellings and scripts: name handling, screening and duplicate detection.

``resolve.names`` is the pure foundation (no database): it takes a name apart and compares
two names with an explanation. Screening and duplicate detection build on it.
"""
