"""SSML: a subset of the W3C Speech Synthesis Markup Language, read into parts the Voice renders."""

from frontends.ssml.document import Pause, Speech, SSMLDocument, SSMLError, Style, looks_like_ssml, parse_ssml

__all__ = ["Pause", "SSMLDocument", "SSMLError", "Speech", "Style", "looks_like_ssml", "parse_ssml"]
