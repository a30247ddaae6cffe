"""The site: the engine builds per locale (:mod:`.build`), the manifest that skips unchanged work
(:mod:`.manifest`, :mod:`.converted`), sitemap and robots.txt (:mod:`.hosting`), the preview
server (:mod:`.serve`) and many brand sites (:mod:`.brands`).
"""
