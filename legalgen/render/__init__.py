"""Rendering: Jinja templates (``templates/``) and gettext catalogs turn the model into Markdown per
locale (:mod:`.renderer`, :mod:`.pages`), with Babel formats and labels (:mod:`.i18n`,
:mod:`.labels`), typography and Markdown safety; :mod:`.trace` shows where a block comes from.
"""
