"""The engine: everything that touches Whoosh.

Analysis filters, the schema, the codec that stores posting blocks numpy can
read whole, array reads of postings and columns, the BM25F weighting model
and the array evaluation of parsed queries, and the on-disk storage of
generations.  Whoosh's private members are used in one module only,
`whoosh_internals`, which checks at import that they exist.
"""
