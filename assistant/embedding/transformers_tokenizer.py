"""``CompactTokenizer`` dressed as a transformers tokenizer, for sentence-transformers to call.

sentence-transformers tokenizes with ``model.tokenizer(texts, padding=True,
truncation="longest_first", return_tensors="pt", ...)`` and so does this project's token pass;
transformers' Python tokenizer base class does the framing, truncation, padding (also to a
multiple of 64) and tensors the same way as its fast tokenizer does, given the same ids; this
class only supplies them. Token strings are the vocabulary's pieces, so ``tokenize`` and
``convert_tokens_to_ids`` compose as usual.

What it does not do: character offsets (``return_offsets_mapping``, which late chunking asks
for: it loads the fast tokenizer for that), adding tokens to the vocabulary, and saving.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from transformers import AddedToken, PreTrainedTokenizer

from assistant.embedding.compact_tokenizer import CompactTokenizer, UnsupportedTokenizerError

log = logging.getLogger(__name__)

_SPECIAL_NAMES = ("bos", "eos", "unk", "pad", "mask", "cls", "sep")


def compact_tokenizer_for(model_path: str) -> CompactTransformersTokenizer | None:
    """The compact tokenizer of a local model folder, or None where only the fast one fits.

    None for a hub name or a folder without tokenizer.json, and (logged) for a tokenizer.json
    with parts that CompactTokenizer does not reproduce.
    """
    folder = Path(model_path)
    if not (folder / "tokenizer.json").is_file():
        return None
    try:
        return CompactTransformersTokenizer.from_folder(folder)
    except UnsupportedTokenizerError as exc:
        log.info("loading the fast tokenizer of %s: %s", folder, exc)
        return None


def placeholder_backend() -> Any:
    """A one-piece `tokenizers` tokenizer for sentence-transformers to load instead of the file.

    sentence-transformers always loads its model folder's tokenizer, and reading tokenizer.json
    with `tokenizers` is the very cost avoided here (~280 MB, ~1 s). Passed as
    ``processor_kwargs={"tokenizer_object": ...}`` it makes that load cheap; the caller then
    installs the compact tokenizer as the module's processor.
    """
    from tokenizers import Tokenizer
    from tokenizers.models import Unigram

    return Tokenizer(Unigram([("<unk>", 0.0)], 0, False))


class CompactTransformersTokenizer(PreTrainedTokenizer):
    """A transformers tokenizer whose ids come from a ``CompactTokenizer`` (see module doc)."""

    # As the fast tokenizer of transformers 5: BertModel makes the all-zero token types itself.
    model_input_names = ["input_ids", "attention_mask"]  # noqa: RUF012 - as in transformers

    def __init__(self, compact: CompactTokenizer, **kwargs: Any) -> None:
        self._compact = compact
        kwargs.setdefault(
            "added_tokens_decoder",
            {
                token_id: AddedToken(content, special=True, normalized=False)
                for content, token_id in compact.specials.items()
            },
        )
        super().__init__(**kwargs)

    @classmethod
    def from_folder(cls, folder: Path, **kwargs: Any) -> CompactTransformersTokenizer:
        """The tokenizer of a model folder: its tokenizer.json and tokenizer_config.json."""
        folder = Path(folder)
        compact = CompactTokenizer.from_file(folder / "tokenizer.json")
        try:
            config = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UnsupportedTokenizerError(
                f"cannot read {folder / 'tokenizer_config.json'}: {exc}"
            ) from exc
        settings = {
            f"{name}_token": config[f"{name}_token"]
            for name in _SPECIAL_NAMES
            if isinstance(config.get(f"{name}_token"), str)
        }
        if "model_max_length" in config:
            settings["model_max_length"] = config["model_max_length"]
        return cls(compact, **settings, **kwargs)

    @property
    def compact(self) -> CompactTokenizer:
        """The tokenizer the ids come from (the backend's load check compares against it)."""
        return self._compact

    @property
    def vocab_size(self) -> int:
        return self._compact.vocab_size

    def __len__(self) -> int:
        return self._compact.vocab_size

    def _update_total_vocab_size(self) -> None:
        # The base class counts get_vocab(), a dict of all 250,002 pieces; the size is known.
        self.total_vocab_size = self._compact.vocab_size

    def get_vocab(self) -> dict[str, int]:
        """Every piece and its id (builds a dict of the whole vocabulary: tens of MB)."""
        return {self._compact.piece(i): i for i in range(self._compact.vocab_size)}

    def _add_tokens(self, new_tokens: Any, special_tokens: bool = False) -> int:
        """Mark pieces of the vocabulary as added tokens; a new piece cannot be added."""
        for token in new_tokens or []:
            content = str(token)
            if not content or content in self._added_tokens_encoder:
                continue
            token_id = self._compact.token_id(content)
            if token_id is None:
                raise ValueError(f"cannot add {content!r}: this tokenizer's vocabulary is fixed")
            if isinstance(token, str):
                token = AddedToken(content, special=True, normalized=False)
            self._added_tokens_decoder[token_id] = token
            self._added_tokens_encoder[content] = token_id
        self._update_trie()
        self._update_total_vocab_size()
        return 0

    def tokenize(
        self, text: str, pair: str | None = None, add_special_tokens: bool = False, **kwargs: Any
    ) -> list[str]:
        """The pieces of ``text`` (and ``pair``), special tokens included where the text spells them."""
        if kwargs.get("split_special_tokens"):
            raise ValueError("split_special_tokens is not supported by the compact tokenizer")
        ids = self._compact.encode(text)
        pair_ids = None if pair is None else self._compact.encode(pair)
        if add_special_tokens:
            ids = self.build_inputs_with_special_tokens(ids, pair_ids)
        elif pair_ids is not None:
            ids += pair_ids
        return [self._compact.piece(i) for i in ids]

    def _tokenize(self, text: str, **kwargs: Any) -> list[str]:
        return self.tokenize(text)

    def convert_tokens_to_ids(self, tokens: str | list[str]) -> int | list[int]:
        if isinstance(tokens, str):
            return self._convert_token_to_id(tokens)
        return self._compact.token_ids(tokens)

    def _convert_token_to_id(self, token: str) -> int:
        token_id = self._compact.token_id(token)
        return self._compact.unk_id if token_id is None else token_id

    def _convert_id_to_token(self, index: int) -> str:
        return self._compact.piece(index)

    def convert_tokens_to_string(self, tokens: list[str]) -> str:
        return "".join(tokens).replace("\u2581", " ").removeprefix(" ")

    def build_inputs_with_special_tokens(
        self, token_ids_0: list[int], token_ids_1: list[int] | None = None
    ) -> list[int]:
        """``<s> A </s>``, or ``<s> A </s> </s> B </s>`` for a pair, as the template does."""
        bos, eos = self._compact.bos_id, self._compact.eos_id
        if token_ids_1 is None:
            return [bos, *token_ids_0, eos]
        return [bos, *token_ids_0, eos, eos, *token_ids_1, eos]

    def get_special_tokens_mask(
        self,
        token_ids_0: list[int],
        token_ids_1: list[int] | None = None,
        already_has_special_tokens: bool = False,
    ) -> list[int]:
        if already_has_special_tokens:
            specials = set(self._compact.specials.values())
            return [int(t in specials) for t in token_ids_0 + (token_ids_1 or [])]
        mask = [1, *[0] * len(token_ids_0), 1]
        return mask if token_ids_1 is None else [*mask, 1, *[0] * len(token_ids_1), 1]

    def create_token_type_ids_from_sequences(
        self, token_ids_0: list[int], token_ids_1: list[int] | None = None
    ) -> list[int]:
        return [0] * len(self.build_inputs_with_special_tokens(token_ids_0, token_ids_1))

    def save_vocabulary(
        self, save_directory: str, filename_prefix: str | None = None
    ) -> tuple[str, ...]:
        raise NotImplementedError("the compact tokenizer is read from tokenizer.json and not saved")
