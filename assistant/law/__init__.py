"""The law as law: provision numbering, cross-references, definitions and the corpus check.

Everything here is pure functions over plain values (chunks, parsed law texts), so retrieval and
answering can use it without this package knowing about either.
"""
