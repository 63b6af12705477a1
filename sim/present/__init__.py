"""Presentation: figures, findings written from numbers, and the HTML report."""
