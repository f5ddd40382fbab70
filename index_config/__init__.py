"""Index configurations shipped with pfocr-search (default.yaml); installed as pfocr_search.index_config."""
