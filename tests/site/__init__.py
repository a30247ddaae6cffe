"""Tests of legalgen.site."""
