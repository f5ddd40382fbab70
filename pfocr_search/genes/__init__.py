"""Genes: the vocabulary an index is built with, and resolving typed gene terms against it."""
