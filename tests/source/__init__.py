"""Tests of legalgen.source."""
