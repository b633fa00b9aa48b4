"""Import runs: a file becomes records of any kind, with a dry run first, a ledger per row, a
commit that resumes after a crash, re-runs that update instead of duplicating, and rollback.

The modules, in the order a run uses them: ``sniff`` (encodings, dialects, files that are not
text), ``csvfile`` (the core's importer), ``formats`` (every enabled plugin's importers,
``crm_importers``), ``fields`` (what a column may fill, for any kind), ``mapping`` (suggested
from the header), ``plan`` (what each row would do), ``engine`` (dry run and commit, in
batches), ``rollback``, ``ledger`` (reads and the CSV), ``runs`` (the run records),
``service`` (the steps as the pages and the command take them) and ``jobs`` (the worker's).
"""
