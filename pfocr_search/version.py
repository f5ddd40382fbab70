"""The version of pfocr-search (its own module, so nothing imports the package to learn it)."""

__version__ = "0.1.0"
