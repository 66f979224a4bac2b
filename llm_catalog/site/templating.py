"""The templates of the site and how every value in them is written: one Jinja environment, with HTML escaping on
and each value passed through text.visible, for the build and for each process that renders route pages."""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from llm_catalog.identity.providers import self_hosted_providers
from llm_catalog.normalized.litellm.vocabulary import CORE_CAPABILITIES
from llm_catalog.readers import formatting
from llm_catalog.site import links
from llm_catalog.text import visible, web_link

HERE = Path(__file__).resolve().parent
TEMPLATES, STATIC = HERE / "templates", HERE / "static"


DICT_ATTRIBUTES = frozenset(dir(dict))


class DataEnvironment(jinja2.Environment):
    """Jinja's environment, with `row.column` on a dict read as the key at once. Jinja tries the attribute first and
    takes the key when that raises: a raised and caught exception for each of ~8M lookups of a build, which was a
    sixth of rendering a route page. A name that is a dict attribute (`items`, `get`) still resolves as Jinja would."""

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
