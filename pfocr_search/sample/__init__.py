"""Built-in demo corpus: real PFOCR figure records (CC0, WikiPathways), both layouts.

`old/` holds records of an earlier release (genes inline); `new/` the current
pfocr-database layout (`_figures/*.md` + `_data/*-genes.tsv`).  SOURCES.tsv
says where each file came from.
"""
