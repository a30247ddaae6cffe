"""Change notices: which are open and due on a date, notices.json and the feeds
(:mod:`.announcements`), and the e-mails (:mod:`.mail`).
"""
