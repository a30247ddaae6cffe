"""Reading the source: YAML with positions (:mod:`.reader`), the typed model (:mod:`.model`),
loading and validating it (:mod:`.load`), ISO 8601 periods and migration of older source formats.
"""
