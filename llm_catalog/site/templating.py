"""The templates of the site and how every value in them is written: one Jinja environment, with HTML escaping on
and each value passed through text.visible, for the build and for each process that renders route pages."""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2.compiler import CodeGenerator
from markupsafe import Markup, escape

from llm_catalog.identity.providers import self_hosted_providers
from llm_catalog.normalized.litellm.vocabulary import CORE_CAPABILITIES
from llm_catalog.readers import formatting
from llm_catalog.site import links
from llm_catalog.text import visible, web_link

HERE = Path(__file__).resolve().parent
TEMPLATES, STATIC = HERE / "templates", HERE / "static"


DICT_ATTRIBUTES = frozenset(dir(dict))


class ShownCodeGenerator(CodeGenerator):
    """Jinja's code generator, with each `{{ }}` output compiled to one call of ``environment.shown_escaped`` in
    place of Jinja's ``escape(environment.finalize(value))``: markupsafe's escape and Markup are Python calls that
    made a third of rendering a route page (~18M values a build), and the page joins plain text as well as Markup.
    An output whose escaping is decided at run time (a volatile `autoescape` block) keeps Jinja's code."""

    def _one_call(self, frame, finalize) -> bool:
        return (
            self.environment.finalize is shown
            and bool(frame.eval_ctx.autoescape)
            and not frame.eval_ctx.volatile
            and finalize.src == FINALIZE_SOURCE
        )

    def _output_child_pre(self, node, frame, finalize) -> None:
        if self._one_call(frame, finalize):
            self.write("environment.shown_escaped(")
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node, frame, finalize) -> None:
        if self._one_call(frame, finalize):
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)


FINALIZE_SOURCE = "environment.finalize("  # what Jinja writes around an output for a finalize that takes no context


class DataEnvironment(jinja2.Environment):
    """Jinja's environment, with `row.column` on a dict read as the key at once. Jinja tries the attribute first and
    takes the key when that raises: a raised and caught exception for each of ~8M lookups of a build, which was a
    sixth of rendering a route page. A name that is a dict attribute (`items`, `get`) still resolves as Jinja would."""

    code_generator_class = ShownCodeGenerator

    def __init__(self, **options):
        super().__init__(**options)
        self.shown_escaped = shown_escaped  # what ShownCodeGenerator's outputs call

    def getattr(self, obj, attribute):
        if obj.__class__ is dict and attribute not in DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


class Once:
    """The parts of a route page that many pages share (parts.html), each rendered once per key: ``once(name, key,
    *args)`` in a template gives macro ``name``'s output for ``args``, rendered the first time ``key`` is asked for
    (the key says all the part depends on: site.views.part_keys); a key of None renders it every time."""

    def __init__(self, env: jinja2.Environment):
        self.env, self.module, self.rendered = env, None, {}

    def __call__(self, name: str, key, *args) -> Markup:
        if self.module is None:
            self.module = self.env.get_template("parts.html").module
        if key is None:
            return getattr(self.module, name)(*args)
        html = self.rendered.get((name, key))
        if html is None:
            html = self.rendered[name, key] = getattr(self.module, name)(*args)
        return html


def environment() -> jinja2.Environment:
    """Templates with HTML escaping on for every value: every string of a source is untrusted."""
    env = DataEnvironment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        finalize=shown,
        auto_reload=False,  # a build's templates do not change: no file's time is checked at each page's imports
    )
    env.filters.update(
        money=formatting.money,
        tokens=formatting.tokens,
        modalities=formatting.modality_text,
        score=formatting.score_text,
        basis=formatting.basis_text,
        difference=formatting.difference_text,
        route_path=links.route_path,
        model_path=links.model_path,
        benchmark_path=links.benchmark_path,
        provider_path=links.provider_path,
        web_link=web_link,
    )
    env.globals.update(
        lenses=formatting.LENSES,
        lens_labels=formatting.LENS_LABELS,
        lens_titles=formatting.LENS_TITLES,
        capability_labels={c: c.replace("_", " ").capitalize().replace("Pdf", "PDF") for c in CORE_CAPABILITIES},
        self_hosted_providers=sorted(self_hosted_providers()),
        once=Once(env),
    )
    return env


def shown(value):
    """Each `{{ }}` output as the page shows it: a string with its hidden code points written out (text.visible),
    so two ids that differ by a zero-width space look different and no bidirectional control turns the page. Markup
    is left as it is: it is a macro's output, whose own values came through here, or the index's data, made visible
    by index_data (no other value is marked safe). Called for each of ~18M values of a build: a plain printable string
    (nearly all of them) is returned after one check."""
    if value.__class__ is str:  # not Markup (a str subclass), nor a number
        return value if value.isprintable() else visible(value)
    if isinstance(value, str) and not isinstance(value, Markup):  # another str subclass
        return visible(value)
    return value


def shown_escaped(value) -> str:
    """A `{{ }}` output as the page writes it: ``shown``, then escaped as markupsafe's escape does (Markup as it is);
    a plain string, nearly every value, and a macro's output without markupsafe's Python calls (ShownCodeGenerator)."""
    if value.__class__ is str:
        return escaped(value if value.isprintable() else visible(value))
    if value.__class__ is Markup:
        return value
    return escape(shown(value))


def escaped(text: str) -> str:
    """``text`` with the five characters markupsafe's escape replaces replaced as it does (the same entities)."""
    if "&" in text or "<" in text or ">" in text or "'" in text or '"' in text:
        return (
            text.replace("&", "&amp;")
            .replace(">", "&gt;")
            .replace("<", "&lt;")
            .replace("'", "&#39;")
            .replace('"', "&#34;")
        )
    return text
