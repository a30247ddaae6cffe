"""The JSON Feed (https://jsonfeed.org/version/1.1) of one locale, beside its Atom feed:
the same entries, newest first, for readers and apps that prefer JSON."""

from __future__ import annotations

import json

from legalgen.notices.announcements import FeedContent

FILE = "feed.json"


def json_feed(content: FeedContent) -> bytes:
    """``<locale>/feed.json``: one item per published version, newest first."""
    data = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": content.title,
        "home_page_url": content.home,
        "feed_url": f"{content.home}{FILE}",
        "language": content.locale,
        "authors": [{"name": content.author}],
        "items": [{
            "id": entry.url,
            "url": entry.url,
            "title": entry.title,
            "content_text": entry.text,
            "date_published": entry.published.isoformat(),
            "date_modified": entry.published.isoformat(),
        } for entry in reversed(content.entries)],
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


__all__ = ["FILE", "json_feed"]
