"""Reporting periods, aggregation and the .docx/.xlsx renderers."""
