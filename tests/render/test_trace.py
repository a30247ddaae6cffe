"""`legalgen trace`: every block of a page with its template sentences and source positions."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from legalgen.cli import main
from legalgen.render.trace import trace_document
from legalgen.source.load import LoadedPolicy

from ..conftest import REPO


def _line(path: str, needle: str) -> int:
    text = (REPO / path).read_text(encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


def test_a_commitment_names_its_sentence_and_field(example: LoadedPolicy) -> None:
    blocks = trace_document(example, "privacy", "en")
    [answer] = [b for b in blocks if "We answer within one month of receiving your request." in b.text]
    assert any(s.startswith("We answer %(within)s of receiving your request.") for s in answer.sentences)
    [value] = [v for v in answer.values if v.path == "rights.response_time"]
    assert value.text == "within one month"
    assert (value.location.file, value.location.line) == ("policy/privacy.yaml",
                                                          _line("policy/privacy.yaml", "response_time:"))


def test_localized_prose_points_at_its_language(example: LoadedPolicy) -> None:
    [intro] = [b for b in trace_document(example, "privacy", "de") if b.text.startswith("Lumenstream ist ein")]
    assert [v.path for v in intro.values] == ["intro.de"] and intro.sentences == []
    assert intro.values[0].location.line == _line("policy/privacy.yaml", "  de: >-")


def test_blocks_are_the_page_text_without_tags(example: LoadedPolicy) -> None:
    blocks = trace_document(example, "refund", "fr")
    assert all("\x02" not in b.text and "\x05" not in b.text and "\x03" not in b.text for b in blocks)
    withdrawal = next(b for b in blocks if b.text.startswith("Pour exercer le droit de rétractation"))
    assert {v.path for v in withdrawal.values} >= {"company.name", "company.phone", "company.email"}
    assert withdrawal.sentences[0].startswith("To exercise the right of withdrawal")


def test_trace_command_text_and_json() -> None:
    text = CliRunner().invoke(main, ["trace", "imprint", "--root", str(REPO)])
    assert text.exit_code == 0
    assert f"policy/site.yaml:{_line('policy/site.yaml', '  vat_id:')}:" in text.output
    data = json.loads(CliRunner().invoke(main, ["trace", "cookies", "--root", str(REPO), "--format", "json",
                                                "--locale", "de"]).output)
    assert data and all({"text", "sentences", "values"} <= set(block) for block in data)
    wrong = CliRunner().invoke(main, ["trace", "imprint", "--root", str(REPO), "--locale", "fr_CA"])
    assert wrong.exit_code == 2


def test_every_document_of_the_example_traces_in_every_locale(example: LoadedPolicy) -> None:
    for kind in example.policy.documents:
        for locale in example.policy.site.locales:
            blocks = trace_document(example, kind, locale)
            assert blocks and any(block.values for block in blocks)


def test_every_sample_traces() -> None:
    from legalgen.source.load import load_policy

    for source in sorted((REPO / "examples").iterdir()):
        loaded = load_policy(source)
        for kind in loaded.policy.documents:
            for locale in loaded.policy.site.locales:
                assert trace_document(loaded, kind, locale)


def test_tracing_leaves_the_shared_environment_alone() -> None:
    """Renderers of a locale share one Jinja environment; trace works on a private one."""
    from legalgen.render.pages import render_document
    from legalgen.render.trace import trace_document
    from legalgen.source.load import load_policy

    from ..conftest import REPO

    loaded = load_policy(REPO / "policy")
    before = render_document(loaded, "privacy", "de")
    trace_document(loaded, "privacy", "de")
    assert render_document(loaded, "privacy", "de") == before


@pytest.mark.parametrize("source", ["policy", *sorted(p.name for p in (REPO / "examples").iterdir())])
def test_a_trace_reads_exactly_like_the_page(source: str) -> None:
    """Every block of the trace is the page's block (the page adds its heading and dates first)."""
    from legalgen.render.pages import render_document
    from legalgen.render.trace import _blocks, _Tracer
    from legalgen.source.load import load_policy

    loaded = load_policy(REPO / source if source == "policy" else REPO / "examples" / source)
    for kind in loaded.policy.documents:
        for locale in loaded.policy.site.locales:
            traced = [block.text for block in trace_document(loaded, kind, locale)]
            body = render_document(loaded, kind, locale).split("---\n", 2)[2]
            page = [block.text for block in _blocks(body, _Tracer(loaded)) if block.text]
            assert page[len(page) - len(traced):] == traced, (kind, locale)
            assert len(page) - len(traced) in (1, 2)  # the heading, and a stated "last updated" date
