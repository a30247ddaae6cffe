"""Tests of legalgen.notices."""
