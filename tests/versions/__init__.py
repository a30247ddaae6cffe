"""Tests of legalgen.versions."""
