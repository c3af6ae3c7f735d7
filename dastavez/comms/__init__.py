"""Communications analysis: call detail records (CDRs) imported under legal authority, number
attribution, and the link graph between overseas leaders and local networks.

Calls never enter the relational database. Each imported file is one *dataset*: a row in
``cdr_dataset`` (its exhibit, authority, counts, compartment) and Parquet files under
``DASTAVEZ_HOME/comms/calls/dataset=<ID>/month=<YYYY-MM>/`` (see ``layout.py``). Analyses read
only the partitions of datasets the actor may see, through one engine interface
(``engine.py``) with a DuckDB implementation and a Spark one (``DASTAVEZ_COMMS_ENGINE``).
"""
