"""Tiny CTranslate2 models the tests build themselves: no download, a few MB.

:func:`build_model` trains a SentencePiece model on a few sentences (byte
fallback: any text encodes and decodes losslessly) and writes a one-layer
Transformer whose weights are set by hand so that it **copies** its input
token by token, each token through ``mapping`` (a word dictionary):

* token and position embeddings live in separate parts of the model's width
  (one-hot source tokens, ±1 random position codes); the encoder does
  nothing, the decoder's own tokens embed to zero (only positions matter);
* the decoder's cross-attention lets position *t* attend to source position
  *t* (queries and keys read the position codes, values the source token,
  written through ``mapping`` into the decoder's token part);
* the output projection reads the token part, so the next token is the source
  token at the decoder's position; the source's ``</s>`` ends the output.

So ``il gatto dorme`` comes back as ``il cat dorme`` with ``{"gatto": "cat"}``
and ``⟦0⟧`` markers survive unless ``mapping`` breaks them on purpose
(``{"<0x30>": "<0x31>"}`` turns every ``0`` into ``1``).
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np

#: Words kept whole by the tokenizer (user-defined pieces) and their "translation".
DICTIONARY = {"gatto": "cat", "domanda": "question", "risposta": "answer", "sistema": "system"}
CORPUS = [
    "il gatto dorme sul divano",
    "la domanda e la risposta del sistema",
    "the cat sleeps on the sofa",
    "Ciao mondo. Come stai?",
] * 10
POSITIONS = 512
CODE = 64  # width of the position codes


def train_tokenizer(*, byte_fallback: bool = True) -> bytes:
    """A SentencePiece model (serialized) that keeps the dictionary words whole."""
    import sentencepiece as spm

    words = sorted({*DICTIONARY, *DICTIONARY.values()})
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(CORPUS),
        model_writer=buffer,
        vocab_size=320,
        hard_vocab_limit=False,
        model_type="unigram",
        byte_fallback=byte_fallback,
        character_coverage=1.0,
        user_defined_symbols=words,
        minloglevel=2,
        num_threads=1,
    )
    return buffer.getvalue()


def build_model(
    directory: Path,
    *,
    layout: str = "opus-mt",
    mapping: Mapping[str, str] | None = None,
    languages: tuple[str, str] = ("it", "en"),
    plain_target: bool = False,
    target_tokens: tuple[str, ...] = (),
) -> Path:
    """Write a copying model to ``directory`` in the OPUS-MT or Argos layout.

    ``plain_target`` gives an OPUS-MT model a target.spm without byte pieces,
    as real Marian vocabularies: a character the model only knows as bytes
    comes out as it is (``<0xF0>``).  ``target_tokens`` (``">>fra<<"``) make
    a multilingual model; copied like any token unless ``mapping`` says.
    """
    import sentencepiece as spm
    from ctranslate2.specs import transformer_spec

    proto = train_tokenizer()
    processor = spm.SentencePieceProcessor(model_proto=proto)
    vocab = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    vocab += target_tokens
    index = {piece: i for i, piece in enumerate(vocab)}
    table = {**DICTIONARY, **(mapping or {})}
    size = len(vocab)
    t0, p0 = 0, size  # token and position parts
    width = size + CODE
    f32 = np.float32
    rng = np.random.default_rng(7)
    codes = rng.choice([-1.0, 1.0], size=(POSITIONS, CODE)).astype(f32)

    spec = transformer_spec.TransformerSpec.from_config((1, 1), 1)
    embeddings = np.zeros((size, width), f32)
    embeddings[np.arange(size), t0 + np.arange(size)] = 1.0
    positions = np.zeros((POSITIONS, width), f32)
    positions[:, p0 : p0 + CODE] = codes

    def norm(layer) -> None:
        layer.gamma = np.ones(width, f32)
        layer.beta = np.zeros(width, f32)

    def linear(layer, weight: np.ndarray) -> None:
        layer.weight = weight.astype(f32)
        layer.bias = np.zeros(weight.shape[0], f32)

    def idle(layer) -> None:  # self-attention and feed-forward that add nothing
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], np.zeros((3 * width, width)))
        linear(layer.self_attention.linear[1], np.zeros((width, width)))
        norm(layer.ffn.layer_norm)
        linear(layer.ffn.linear_0, np.zeros((4, width)))
        linear(layer.ffn.linear_1, np.zeros((width, 4)))

    encoder, decoder = spec.encoder, spec.decoder
    encoder.embeddings[0].weight = embeddings
    decoder.embeddings.weight = np.zeros_like(embeddings)
    for part in (encoder, decoder):
        part.scale_embeddings = False
        part.position_encodings.encodings = positions.copy()
        norm(part.layer_norm)
    idle(encoder.layer[0])
    layer = decoder.layer[0]
    idle(layer)
    norm(layer.attention.layer_norm)
    query = np.zeros((width, width))
    query[p0 : p0 + CODE, p0 : p0 + CODE] = np.eye(CODE)
    key_value = np.zeros((2 * width, width))
    key_value[p0 : p0 + CODE, p0 : p0 + CODE] = np.eye(CODE)
    for piece, i in index.items():
        key_value[width + t0 + index.get(table.get(piece, piece), i), t0 + i] = 1.0
    linear(layer.attention.linear[0], query)
    linear(layer.attention.linear[1], key_value)
    linear(layer.attention.linear[2], np.eye(width))
    projection = np.zeros((size, width))
    projection[np.arange(size), t0 + np.arange(size)] = 10.0
    linear(decoder.projection, projection)

    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    # ct2-transformers-converter leaves the source's </s> to the caller (locpipe adds it to
    # OPUS-MT input); an Argos package here asks CTranslate2 to add it.
    spec.config.add_source_eos = layout == "argos"
    spec.validate()
    spec.optimize(quantization=None)
    model_dir = directory / "model" if layout == "argos" else directory
    model_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(model_dir))
    if layout == "argos":
        (directory / "sentencepiece.model").write_bytes(proto)
        metadata = {"package_version": "1.0", "from_code": languages[0], "to_code": languages[1]}
        (directory / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    else:
        (directory / "source.spm").write_bytes(proto)
        target = train_tokenizer(byte_fallback=False) if plain_target else proto
        (directory / "target.spm").write_bytes(target)
    return directory
