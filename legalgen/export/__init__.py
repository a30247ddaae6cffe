"""What legalgen publishes besides the pages, for machines: ``policy.json``, the index an
app polls (:mod:`legalgen.export.index`), the JSON Feed beside each Atom feed
(:mod:`legalgen.export.jsonfeed`), the discovery links (:mod:`legalgen.export.discovery`),
the privacy notice as DPV linked data (:mod:`legalgen.export.jsonld`), the current texts for
other sites to embed (:mod:`legalgen.export.embed`) and, for records, a PDF of each version
(:mod:`legalgen.export.pdf`).

Each returns bytes that the site build writes: the site-wide files from a
:class:`~legalgen.versions.snapshot.Snapshot` (the state of every document as of the build's date), the
JSON-LD and the PDF from one released version.
"""
