"""Released versions: the history of frozen sources (:mod:`.history`), freezing a new one
(:mod:`.releases`), the state as of a date (:mod:`.snapshot`), what changed and whether it is
material (:mod:`.diff`, :mod:`.redline`), and the review report of a change (:mod:`.review`).
"""
