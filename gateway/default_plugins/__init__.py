"""Unigate's built-in behaviour, written as ordinary plugins so that other plugins can override it."""
