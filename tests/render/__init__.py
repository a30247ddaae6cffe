"""Tests of legalgen.render."""
