"""Offline neural translation: CTranslate2 models (OPUS-MT, Argos Translate).

Nothing is downloaded: the user points locpipe at a model directory made
elsewhere (see the README, "Offline neural models")::

    backend = "ctranslate2"

    [mt.ctranslate2]
    model = "models/opus-mt-it-en"              # every language pair, or per pair:
    models = { "it-en" = "models/opus-mt-it-en", "it-fr" = "models/translate-it_fr-1_9" }

Relative paths start at the folder of ``locpipe.toml``; a pair missing from
``models`` uses ``model``.  Two layouts are recognised:

* **OPUS-MT** converted by ``ct2-transformers-converter`` or
  ``ct2-opus-mt-converter``: ``model.bin`` (+ ``config.json``, vocabulary)
  next to ``source.spm`` and ``target.spm``; the source gets the ``</s>``
  Marian models were trained with, and the target token (``>>fra<<``) a
  multilingual model needs;
* **Argos Translate** package (an unzipped ``.argosmodel``): ``model/`` (the
  CTranslate2 model) and ``sentencepiece.model``; its ``metadata.json``
  languages are checked against the pair.

Texts are masked exactly as for the online engines (:mod:`locpipe.mt.protect`,
items as ``⟦N⟧``), cut into sentences (the models are trained on sentences),
tokenized with SentencePiece and sent as one ``translate_batch`` per batch of
units.  The output is untrusted: a marker lost or duplicated, other digits
or markup the source did not have fail verification, and the unit goes
through the run-by-run fallback (the text between protected items, translated
alone); when that fails too it stays untranslated, with the reason.  An
empty or runaway output, or one with an unknown-token mark (``⁇``), fails its
unit at once; a sentence the model raises an error on fails its unit alone,
as a transient failure (not cached).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from locpipe.errors import LocpipeError
from locpipe.mt.http import EngineError, TransientError
from locpipe.mt.languages import ISO1_TO_3
from locpipe.mt.memory import Segment, split_sentences
from locpipe.mt.online import OnlineBackend
from locpipe.mt.settings import Limits, Table

#: Python packages the backend needs, installed by the ``neural`` extra.
PACKAGES = ("ctranslate2", "sentencepiece")
INSTALL = "pip install 'locpipe[neural]'"
#: What SentencePiece prints for a token it cannot decode: the unknown mark, or a
#: byte piece the target vocabulary lacks (``<0xF0>``), shown as it is.
UNKNOWN_RE = re.compile(r"\u2047|<unk>|<0x[0-9A-Fa-f]{2}>")
#: An output this many times longer than its source (plus slack) is a runaway decoder.
_LONGEST = 3.0
_SLACK = 40
#: Beam 2: nearly the quality of 4 (CTranslate2's CPU benchmarks use 2), at half the work.
BEAM_SIZE = 2


@dataclass(frozen=True)
class ModelFiles:
    """Where the parts of one model directory are."""

    root: Path
    #: The CTranslate2 model folder (``model.bin``, ``config.json``, vocabulary).
    model: Path
    source_spm: Path
    target_spm: Path
    layout: str  # "opus-mt" or "argos"
    #: (from, to) of an Argos package's metadata.json, None when not known.
    languages: tuple[str, str] | None = None


_LAYOUTS = (
    "expected an OPUS-MT model converted by ct2-transformers-converter (model.bin, "
    "source.spm, target.spm) or an unzipped Argos Translate package (model/, "
    "sentencepiece.model)"
)


def find_files(root: Path) -> ModelFiles:
    """The layout of the model directory ``root``; LocpipeError naming it when unusable."""
    if not root.is_dir():
        what = "is not a directory" if root.exists() else "does not exist"
        raise LocpipeError(f"the ctranslate2 model directory {what} ({_LAYOUTS})", root)
    if (root / "model" / "model.bin").is_file():
        spm = root / "sentencepiece.model"
        if not spm.is_file():
            raise LocpipeError(f"Argos package without sentencepiece.model ({_LAYOUTS})", root)
        return ModelFiles(root, root / "model", spm, spm, "argos", _argos_languages(root))
    if (root / "model.bin").is_file():
        source, target = root / "source.spm", root / "target.spm"
        if not source.is_file() and (root / "sentencepiece.model").is_file():
            source = target = root / "sentencepiece.model"
        missing = [p.name for p in (source, target) if not p.is_file()]
        if missing:
            raise LocpipeError(
                f"CTranslate2 model without {' and '.join(missing)} ({_LAYOUTS})", root
            )
        return ModelFiles(root, root, source, target, "opus-mt")
    raise LocpipeError(f"not a CTranslate2 model directory: no model.bin ({_LAYOUTS})", root)


def _argos_languages(root: Path) -> tuple[str, str] | None:
    path = root / "metadata.json"
    if not path.is_file():
        return None
    data = _read_json(path)
    codes = data.get("from_code"), data.get("to_code")
    if not all(isinstance(code, str) and code for code in codes):
        raise LocpipeError("metadata.json has no from_code and to_code strings", path)
    return str(codes[0]), str(codes[1])


def _read_json_value(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise LocpipeError(f"unreadable JSON: {exc}", path) from None


def _read_json(path: Path) -> dict[str, Any]:
    data = _read_json_value(path)
    if not isinstance(data, dict):
        raise LocpipeError("expected a JSON object", path)
    return data


def _source_vocabulary(model: Path) -> list[str]:
    """The source tokens of a CTranslate2 model folder (JSON list or one per line)."""
    for name in ("shared_vocabulary", "source_vocabulary"):
        path = model / f"{name}.json"
        if path.is_file():
            data = _read_json_value(path)
            if not isinstance(data, list) or not all(isinstance(t, str) for t in data):
                raise LocpipeError("expected a JSON list of tokens", path)
            return data
        path = model / f"{name}.txt"
        if path.is_file():
            try:
                return path.read_bytes().decode("utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise LocpipeError(f"unreadable vocabulary: {exc}", path) from None
    return []


def _modules() -> tuple[Any, Any]:
    """The ctranslate2 and sentencepiece modules; LocpipeError naming the extra."""
    try:
        return importlib.import_module("ctranslate2"), importlib.import_module("sentencepiece")
    except ImportError as exc:
        raise LocpipeError(
            f"ctranslate2: the python package {exc.name or 'ctranslate2'!r} is not "
            f"installed: {INSTALL}"
        ) from None


class NeuralModel:
    """One loaded model: a CTranslate2 translator and its SentencePiece models."""

    def __init__(self, files: ModelFiles) -> None:
        ctranslate2, sentencepiece = _modules()
        self.files = files
        config = files.model / "config.json"
        settings = _read_json(config) if config.is_file() else {}
        eos = settings.get("eos_token", "</s>")
        # OPUS-MT (Marian) was trained with </s> ending each source; ct2-opus-mt-converter
        # says so in config.json (add_source_eos), ct2-transformers-converter does not.
        needs_eos = files.layout == "opus-mt" and not settings.get("add_source_eos")
        self.suffix = [eos] if needs_eos and isinstance(eos, str) else []
        self.source = self._spm(sentencepiece, files.source_spm)
        self.target = (
            self.source
            if files.target_spm == files.source_spm
            else self._spm(sentencepiece, files.target_spm)
        )
        try:
            self.translator = ctranslate2.Translator(str(files.model), device="cpu")
        except (RuntimeError, ValueError, OSError) as exc:
            raise LocpipeError(f"cannot load the CTranslate2 model: {exc}", files.model) from None
        self.description = f"ctranslate2 {files.root.name} ({self._digest(config)})"
        #: A multilingual OPUS-MT model's target tokens (``>>fra<<``): one starts the source.
        self.target_tokens = {
            token
            for token in _source_vocabulary(files.model)
            if token.startswith(">>") and token.endswith("<<")
        }

    def prefix(self, target: str) -> list[str]:
        """The target-language token a multilingual model needs, or nothing."""
        if not self.target_tokens:
            return []
        base = _base(target)
        rest = target[len(base) :]
        iso3 = ISO1_TO_3.get(base, base)
        for code in (target, target.lower(), f"{iso3}{rest}", base, iso3):
            if f">>{code}<<" in self.target_tokens:
                return [f">>{code}<<"]
        known = ", ".join(sorted(self.target_tokens)[:30])
        raise LocpipeError(
            f"this multilingual model has no target token for {target!r} (it has: {known})",
            self.files.root,
        )

    @staticmethod
    def _spm(sentencepiece: Any, path: Path) -> Any:
        try:
            return sentencepiece.SentencePieceProcessor(model_file=str(path))
        except (RuntimeError, OSError, ValueError) as exc:
            raise LocpipeError(f"not a SentencePiece model: {exc}", path) from None

    def _digest(self, config: Path) -> str:
        """Short id of the model's files (the MT cache key): the same on every machine."""
        parts = [str((self.files.model / "model.bin").stat().st_size)]
        parts += [str(p.stat().st_size) for p in (self.files.source_spm, self.files.target_spm)]
        if config.is_file():
            parts.append(config.read_bytes().hex())
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:8]

    def translate(self, sentences: list[str], target: str, batch_size: int) -> list[str]:
        """Each sentence translated into ``target``, ``batch_size`` at a time."""
        if not sentences:
            return []
        prefix = self.prefix(target)
        tokens = [prefix + self.source.encode(s, out_type=str) + self.suffix for s in sentences]
        longest = max(len(t) for t in tokens)
        results = self.translator.translate_batch(
            tokens,
            max_batch_size=batch_size,
            beam_size=BEAM_SIZE,
            replace_unknowns=True,
            max_decoding_length=min(1024, 2 * longest + 16),
            max_input_length=0,  # never cut a long sentence silently: translate it whole
        )
        # A piece the target model lacks comes back as it is: its "▁" is still a space.
        return [str(self.target.decode(r.hypotheses[0])).replace("▁", " ") for r in results]


def _refused(source: str, output: str) -> EngineError | None:
    """Why an output cannot be a translation of ``source``, or None."""
    if not output.strip():
        return EngineError("the model answered nothing")
    unknown = UNKNOWN_RE.search(output)
    if unknown and not UNKNOWN_RE.search(source):
        return EngineError(
            f"the model does not know some characters of this text ({unknown.group()} "
            "in its output)"
        )
    if len(output) > _LONGEST * len(source) + _SLACK:
        return EngineError("the model's output is far longer than the text (a runaway decoder)")
    return None


#: What a failing ``translate_batch`` raises (an input too long for the model, memory).
_MODEL_ERRORS = (RuntimeError, ValueError, MemoryError)


class _Failed(str):
    """In place of a unit's output: the model failed on it (``reason`` says how)."""

    reason: str

    def __new__(cls, reason: str) -> _Failed:
        made = super().__new__(cls, "")
        made.reason = reason
        return made


def _cores(units: list[list[Segment]]) -> list[str]:
    return [s.core for unit in units for s in unit if s.core]


def _joined(units: list[list[Segment]], outputs: list[str]) -> list[str]:
    """Each unit's sentences replaced by their translations, spacing kept."""
    found = iter(outputs)
    return ["".join(s.lead + (next(found) if s.core else "") + s.trail for s in u) for u in units]


def _base(lang: str) -> str:
    return lang.split("_")[0].lower()


class CTranslate2Backend(OnlineBackend):
    """A local CTranslate2 model per language pair; runs offline, batch by batch."""

    name = "ctranslate2"
    kind = "offline neural"
    markup = False  # items travel as ⟦N⟧
    default_limits = Limits(
        timeout=3600.0, deadline=86400.0, max_in_flight=1, rate_limit=0.0, retries=0,
        batch_units=32, batch_chars=20000,
    )  # fmt: skip
    #: One model directory for every pair, or one per pair (``"it-en"``).
    config_options = {"model": str, "models": Table}
    _loading: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.models: dict[Path, NeuralModel] = {}
        self.sentences_sent = 0

    @classmethod
    def availability(cls) -> tuple[bool, str]:
        missing = [name for name in PACKAGES if importlib.util.find_spec(name) is None]
        if missing:
            return False, f"python package {', '.join(missing)} not installed: {INSTALL}"
        return True, 'ready; needs a model: [mt.ctranslate2] model = "DIR" (OPUS-MT or Argos)'

    def model_dir(self, source: str, target: str) -> Path:
        """The model directory configured for source→target."""
        models: Mapping[str, str] = self.engine_options.get("models") or {}
        keys = dict.fromkeys(
            f"{s}-{t}" for s in (source, _base(source)) for t in (target, _base(target))
        )
        value = next((models[k] for k in keys if k in models), None)
        value = value or self.engine_options.get("model")
        if not value:
            raise LocpipeError(
                f"ctranslate2: no model for {source} → {target}: set [mt.ctranslate2] "
                f'model = "DIR" or models = {{ "{source}-{target}" = "DIR" }} in locpipe.toml '
                "(see the README, Offline neural models)"
            )
        path = Path(str(value)).expanduser()
        if not path.is_absolute() and self.settings.root is not None:
            path = self.settings.root / path
        return path

    def model_for(self, source: str, target: str) -> NeuralModel:
        """The loaded model of source→target (loaded once per directory)."""
        path = self.model_dir(source, target)
        with self._loading:
            model = self.models.get(path)
            if model is None:
                files = find_files(path)
                if files.languages is not None:
                    have = tuple(_base(code.replace("-", "_")) for code in files.languages)
                    if have != (_base(source), _base(target)):
                        raise LocpipeError(
                            f"this Argos model translates {files.languages[0]} → "
                            f"{files.languages[1]}, not {source} → {target}",
                            files.root / "metadata.json",
                        )
                model = self.models[path] = NeuralModel(files)
        model.prefix(target)  # a multilingual model must know the target
        return model

    def check_pair(self, source: str, target: str) -> None:
        self.model_for(source, target)

    def code(self, lang: str, role: str) -> str:
        return lang  # the model is chosen by locpipe's codes

    def describe(self, source: str, target: str) -> str:
        return self.model_for(source, target).description

    def send(self, texts: list[str], source: str, target: str, timeout: float) -> list[str]:
        model = self.model_for(source, target)
        units = [split_sentences(text, source) for text in texts]
        self.sentences_sent += sum(1 for unit in units for s in unit if s.core)
        try:
            return _joined(units, model.translate(_cores(units), target, self.limits.batch_units))
        except _MODEL_ERRORS:
            pass  # one sentence may be at fault: each unit alone, so only its own fails
        outputs: list[str] = []
        for unit in units:
            try:
                outputs += _joined([unit], model.translate(_cores([unit]), target, 1))
            except _MODEL_ERRORS as exc:  # not cached: tried again next run
                outputs.append(_Failed(f"the model failed: {exc}"))
        return outputs

    def _run(self, rendered: Mapping[int, str], src: str, tgt: str) -> dict[int, str | EngineError]:
        """The base batches; then a unit the model failed on, or an empty or runaway
        output, or one with an unknown-token mark, fails alone (the model is
        deterministic: a refused output comes back the same next time)."""
        results = super()._run(rendered, src, tgt)
        for i, out in results.items():
            if isinstance(out, _Failed):
                results[i] = TransientError(out.reason)
            elif isinstance(out, str):
                results[i] = _refused(rendered[i], out) or out
        return results

    def close(self) -> None:
        self.models.clear()  # loaded again when used again
        super().close()
