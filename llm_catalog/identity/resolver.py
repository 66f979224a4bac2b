"""Name resolution: from a cost-map key (or a benchmark's model name) to model, base_model, family and version.

One resolver, used for every source. The rules, in order (each is a plain string operation, written down in the
README and tested one by one):

1. Drop the provider prefix: the first path segment when it names the route's provider (``deepinfra/``,
   ``vertex_ai/`` for ``vertex_ai-anthropic_models``...). What is left is ``model``.
2. Keep the last path segment (drops vendor namespaces such as ``openai/``, ``accounts/fireworks/models/``,
   regions such as ``us-gov-west-1/`` and variants such as ``low/1024-x-1024/``), lowercase it.
3. Drop a dotted geography (``us.``, ``global.``, ``us-gov.``), a dotted vendor namespace (``openai.``,
   ``anthropic.``) and a ``<provider>-`` prefix (``databricks-``).
4. Drop serving suffixes: Bedrock versions (``-v1:0``, ``-1:0``), ``:free``-style tags, ``-maas``, quantization and
   packaging tags (``-gguf``, ``-mxfp4``, ``-fp8``...), ``-hf``, and a trailing ``-instruct`` / ``-it`` (providers
   serve the instruction-tuned weights under both names).
4b. Unify version spelling: ``2p5`` and ``3_1`` become ``2.5`` and ``3.1``; a single-digit minor written with a
   hyphen (``claude-3-5-sonnet``, ``gemini-2-5-flash``) becomes ``3.5``/``2.5`` unless a size follows (``llama-3-8b``
   stays); ``llama3``/``llama-v3``/``meta-llama-3`` become ``llama-3``.
5. Split off a date stamp (``-20240620``, ``-2024-08-06``, ``@20240620``, OpenAI's ``-0613``) into ``model_version``.
6. Look the result up in the curated alias table (``data/model_aliases.csv``): exact matches only.
7. ``family`` is the longest prefix of base_model listed in ``data/model_families.csv``; no match leaves it null
   (counted as unresolved).

Beside the name, a key says whether the route needs an artefact of the user's own (``requires_own``): a fine-tuned
model (``ft:gpt-4o-...``, ``...:peft``), provisioned throughput bought ahead (Bedrock's ``1-month-commitment/``), or a
custom model slot (``llmgateway/custom``). Such routes are listed, but never offered as a similar model.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from llm_catalog.paths import MODEL_ALIASES_CSV, MODEL_FAMILIES_CSV

_DOTTED_GEO = re.compile(r"^(?:us-gov|us|eu|apac|au|jp|ca|in|global)\.")
_DOTTED_VENDOR = re.compile(r"^[a-z][a-z-]*\.(?=[a-z])")
_REGION_SEGMENT = re.compile(r"^(?:\*|[a-z]{2}(?:-gov)?-[a-z]+-\d|us|eu|global|apac)$")
_SERVING_SUFFIXES = re.compile(
    r"""(?:
        -v\d+:\d+$               # bedrock -v1:0 (a bare -v2 is a model generation, kept)
      | -\d+:\d+$                  # bedrock -1:0
      | :(?:free|beta|extended|nitro|floor|online|thinking|\d+)$
      | -cloud$                    # ollama cloud tags
      | -maas$
      | -(?:gguf|mxfp4|nvfp4|fp4|fp8|fp16|bf16|int4|int8|awq|gptq|hf|instruct|it)$
      | (?:(?<=-it)|(?<=-instruct))-turbo$   # together's turbo serving of instruct weights (gpt-4-turbo stays)
      | -(?:us|eu)$                # a region suffix (deepseek-v4.1-flash-us)
    )""",
    re.VERBOSE,
)
# what of the user's own a key needs before it can be called (see the module docstring)
_REQUIRES_OWN = (
    ("fine_tune", re.compile(r"(?:^|/)ft:|:ft-|:peft(?::|$)")),
    ("provisioned_throughput", re.compile(r"(?:^|/)\d+-months?-commitment/|provisioned")),
    ("custom_model", re.compile(r"(?:^|/)custom$")),
)
_DATE_SUFFIX = re.compile(r"[-@](?P<date>20\d{2}-?[01]\d-?[0-3]\d)$")
# OpenAI's -0613 (month-day); Mistral's and Qwen's -2407 (year-month) and ByteDance's -260215 (year-month-day): the
# two forms cannot collide, a month-day never starts with 2[3-9]
_MMDD_SUFFIX = re.compile(r"-(?P<date>(?:0[1-9]|1[0-2])[0-3]\d|2[3-9](?:0[1-9]|1[0-2])(?:[0-3]\d)?)$")
# a release of instruction-tuned weights (mixtral-8x7b-instruct-v0.1, bedrock's -v0:1): kept as a version
_RELEASE_SUFFIX = re.compile(r"-(?P<version>v0[.:]\d+)$")
_AT_VERSION = re.compile(r"(?:@(?P<version>\d{3}|latest|default)|-(?P<moving>latest))$")
# vendor names that prefix a model's own name (nvidia-nemotron-nano-9b-v2, mistral's open-mixtral-8x7b,
# gradient's openai-gpt-4o, mistral's zai-glm-5)
_VENDOR_PREFIX = re.compile(r"^(?:nvidia-|open-|openai-|zai-|qwen-(?=qwq))(?=[a-z])")
# path segments that name an operation on a model, not a model
_OPERATIONS = frozenset(
    [
        "edit",
        "text-to-image",
        "image-to-image",
        "image-to-video",
        "text-to-video",
        "reference-to-video",
        "video-to-video",
        "query",
        "upscale",
        "inpaint",
        "outpaint",
    ]
)
# a segment that is only a variant or version (``dev``, ``v3``, ``3.2``) and needs the segment before it
_GENERIC_HEAD = re.compile(r"^(?:v?\d[\w.]*|dev|pro|max|fast|ultra|schnell|turbo|standard|lite|preview|base)(?:$|-)")
_GENERIC_NAMES = frozenset(
    ["search", "chat", "embed", "embeddings", "base", "nova", "enhanced", "default", "latest", "model"]
)
# rule 4b, applied in order
_SPELLING = (
    (re.compile(r"(?<=\d)[p_](?=\d)"), "."),
    (re.compile(r"(?<![\d.])(\d)-(\d)(?=-|$)"), r"\1.\2"),
    (re.compile(r"^(?:meta-)?llama-?v?(?=\d)"), "llama-"),
    (re.compile(r"^qwen-v?(?=\d)"), "qwen"),  # qwen-2.5-7b, qwen-v2.5-7b -> qwen2.5-7b (the vendor's spelling)
    (re.compile(r"^qwen25(?=-)"), "qwen2.5"),
    (re.compile(r":(?=\d+(?:\.\d+)?[bm](?:-|$))"), "-"),  # ollama size tags: llama-3:70b
)


# what a normalizer says of a key that resolves to an empty base model (``openai/``, ``-v1:0``, ``:free``): an entry
# reject, as an empty base model would fail the models table's check and stop the sync
NO_MODEL_NAME = "no model name is left once the provider prefix and serving tags (-v1:0, :free, ...) are taken off"


@dataclass(frozen=True)
class Resolution:
    model: str  # the key without its provider prefix
    base_model: str
    family: str | None
    model_version: str | None
    region: str | None
    resolved_by: str  # "alias" (curated table) or "rules"
    requires_own: str | None = None  # fine_tune | provisioned_throughput | custom_model: see the module docstring

    @property
    def names_a_model(self) -> bool:
        """False when nothing of the key is left to name a model (see NO_MODEL_NAME)."""
        return bool(self.base_model)


def _norm(token: str) -> str:
    return token.lower().replace("-", "_")


def strip_provider_prefix(key: str, provider: str | None) -> str:
    """Rule 1: the key without a leading path segment that names its provider."""
    if "/" not in key or not provider:
        return key
    head, rest = key.split("/", 1)
    head_n, prov_n = _norm(head), _norm(provider)
    if head_n == prov_n or prov_n.startswith(head_n + "_"):
        return rest
    return key


def _region(model: str) -> str | None:
    segments = model.split("/")[:-1]
    for seg in segments:
        if _REGION_SEGMENT.match(seg):
            return seg
    geo = _DOTTED_GEO.match(model.split("/")[-1].lower())
    return geo.group(0)[:-1] if geo else None


def requires_own(model: str) -> str | None:
    """What of the user's own a route's model key needs (a fine-tune, provisioned throughput, a custom model)."""
    lowered = model.lower()
    return next((kind for kind, pattern in _REQUIRES_OWN if pattern.search(lowered)), None)


def _load_aliases(path: Path) -> dict[str, str]:
    with path.open(newline="") as handle:
        return {row["alias"].strip().lower(): row["base_model"].strip() for row in csv.DictReader(handle)}


def _load_families(path: Path) -> list[tuple[str, str]]:
    with path.open(newline="") as handle:
        rows = [(row["prefix"].strip().lower(), row["family"].strip()) for row in csv.DictReader(handle)]
    return sorted(rows, key=lambda r: len(r[0]), reverse=True)


class ModelResolver:
    def __init__(self, aliases: dict[str, str], families: list[tuple[str, str]]):
        self.aliases = aliases
        self.families = families
        self._cache: dict[tuple[str, str | None], Resolution] = {}
        # the same names recur across sources and stages: family_of and _clean were a second of every sync
        self._families_of: dict[str, str | None] = {}
        self._cleaned: dict[str, tuple[str, str | None]] = {}

    @classmethod
    def from_files(cls, aliases: Path = MODEL_ALIASES_CSV, families: Path = MODEL_FAMILIES_CSV) -> ModelResolver:
        return cls(_load_aliases(aliases), _load_families(families))

    def family_of(self, base_model: str) -> str | None:
        if base_model not in self._families_of:
            self._families_of[base_model] = next(
                (family for prefix, family in self.families if base_model.startswith(prefix)), None
            )
        return self._families_of[base_model]

    def _clean(self, name: str) -> tuple[str, str | None]:
        """Rules 4, 4b and 5 on one lowercased name: (cleaned name, version or None)."""
        if name not in self._cleaned:
            self._cleaned[name] = self._clean_once(name)
        return self._cleaned[name]

    def _clean_once(self, name: str) -> tuple[str, str | None]:
        version = None
        # suffixes, dates and spellings uncover one another (``-4-5-20251001``): apply until nothing changes
        previous = None
        while name != previous:
            previous = name
            at = _AT_VERSION.search(name)
            if at and at.start() > 0:
                version, name = at["version"] or at["moving"], name[: at.start()]
            name = _SERVING_SUFFIXES.sub("", name)
            release = _RELEASE_SUFFIX.search(name)
            if release and release.start() > 0:
                version, name = release["version"].replace(":", "."), name[: release.start()]
            dated = _DATE_SUFFIX.search(name) or _MMDD_SUFFIX.search(name)
            if dated and dated.start() > 0:
                version, name = dated["date"], name[: dated.start()]
            for pattern, replacement in _SPELLING:
                name = pattern.sub(replacement, name)
        return name, version

    def candidates(self, name: str, provider: str | None = None) -> list[str]:
        """Rules 2-3: the model segment of a path, with and without a namespace prefix, most specific first."""
        segments = [seg for seg in name.lower().strip().split("/") if seg]
        while len(segments) > 1 and segments[-1] in _OPERATIONS:
            segments.pop()  # fal_ai/openai/gpt-image-2/edit is gpt-image-2, used for editing
        last = segments[-1] if segments else ""
        # a bare variant (flux/dev, seedream/v3) is named together with the segment before it
        while len(segments) > 1 and _GENERIC_HEAD.match(last):
            segments.pop()
            last = f"{segments[-1]}-{last}"
        last = _DOTTED_GEO.sub("", last)
        found = [last]
        vendor = _DOTTED_VENDOR.match(last)
        if vendor:  # openai.gpt-oss-20b -> gpt-oss-20b, but deepseek.v3.2 -> deepseek-v3.2
            rest = last[vendor.end() :]
            while inner := _DOTTED_VENDOR.match(rest):  # databricks' catalog namespace: system.ai.kimi-k3
                vendor, rest = inner, rest[inner.end() :]
            found = [rest, f"{vendor.group(0)[:-1]}-{rest}"]
        if provider:  # databricks-gpt-oss-20b, and azure_ai's FW-GLM-5 (served by Fireworks)
            prefix = re.compile(rf"^(?:{re.escape(provider.lower())}|fw)[-_]")
            found += [prefix.sub("", c) for c in found if prefix.match(c)]
        # without a vendor prefix first: qwen-qwq-32b is qwq-32b even though "qwen" alone names a family
        found = [_VENDOR_PREFIX.sub("", c) for c in found if _VENDOR_PREFIX.match(c)] + found
        if len(segments) > 1:  # fal_ai/openai/gpt-image-2.5/flare: a named variant of the segment before it
            found.append(f"{segments[-2]}-{last}")
        return found

    def resolve_name(self, name: str, provider: str | None = None) -> tuple[str, str | None, str | None, str]:
        """(base_model, family, model_version, resolved_by) for a model name from any source.

        Of the candidate spellings, the first that the alias table or the family table knows wins; when none is
        known the first is kept (unresolved: family is null)."""
        raw = name.split("/")[-1].lower()
        if raw in self.aliases:
            base = self.aliases[raw]
            return base, self.family_of(base), None, "alias"
        cleaned = [self._clean(c) for c in self.candidates(name, provider)]
        for base, version in cleaned:
            if base in self.aliases:
                base = self.aliases[base]
                return base, self.family_of(base), version, "alias"
        for base, version in cleaned:
            family = self.family_of(base)
            if family:
                return base, family, version, "rules"
        base, version = cleaned[0]
        if provider and (base in _GENERIC_NAMES or _GENERIC_HEAD.match(base)):
            base = f"{provider.lower()}-{base}"  # dataforseo/search is not the same thing as exa_ai/search
        return base, None, version, "rules"

    def resolve(self, key: str, provider: str | None) -> Resolution:
        cached = self._cache.get((key, provider))
        if cached is None:
            model = strip_provider_prefix(key, provider)
            base, family, version, resolved_by = self.resolve_name(model, provider)
            cached = Resolution(model, base, family, version, _region(model), resolved_by, requires_own(model))
            self._cache[(key, provider)] = cached
        return cached


@lru_cache(maxsize=1)
def default_resolver() -> ModelResolver:
    return ModelResolver.from_files()
