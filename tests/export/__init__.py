"""Tests of legalgen.export."""
