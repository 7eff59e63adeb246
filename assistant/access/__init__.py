"""Who may see what and who asked what: users, sessions, document visibility, rights, audit.

Each concept has its own module; retrieval and the UI receive a ``Principal`` (principal.py)
and ask visibility.py and rights.py what it may see and do. Nothing here imports the
retrieval pipeline, so either side can change without the other.
"""
