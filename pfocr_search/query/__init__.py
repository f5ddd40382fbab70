"""Querying: parsing query strings, filters, text ranking, gene-set ranking,
facets, spelling suggestions, similar figures, snippets and the typed
results every interface returns."""
