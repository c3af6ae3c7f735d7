"""Defaults of the duplicate-detection model, apart from the model (``dedupe_model`` brings
Splink, which the command line and the servers should load only when a run is asked for)."""

#: Pairs whose match weight (log2 of the odds that they are one person) is at least this are
#: proposed. 0 is even odds: the model thinks the pair more likely the same than not.
DEFAULT_THRESHOLD = 0.0
SEED = 20_260_301
