"""Instruments to and from the formats of other survey tools (XLSForm, REDCap), answer exports
from those tools, and data exports for SPSS, Stata and Frictionless."""
