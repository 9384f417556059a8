"""The offline engine's segmentation, now kept with the search index (`generator/search/normalise.py`)."""

from generator.search.normalise import SEPARATORS, grams, is_word, norm_char, normalise, query_terms, shard_of, term_grams

__all__ = ["SEPARATORS", "grams", "is_word", "norm_char", "normalise", "query_terms", "shard_of", "term_grams"]
