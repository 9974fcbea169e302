"""The committed JSON Schema is the loader's model, and every knowledge file points to it."""

from __future__ import annotations

import json
from pathlib import Path

from bot.knowledge.loader import knowledge_files
from bot.knowledge.schema import SCHEMA_FILE, knowledge_schema, schema_text

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def test_committed_schema_matches_the_model() -> None:
    committed = (KNOWLEDGE / SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == schema_text(), "run `qoldau schema` and commit knowledge/schema.json"


def test_schema_knows_the_three_kinds_of_file() -> None:
    schema = knowledge_schema()
    names = set(schema["$defs"])
    assert {"TopicFileModel", "HotlinesFileModel", "CrisisFileModel"} <= names
    topic = schema["$defs"]["TopicModel"]
    assert topic["additionalProperties"] is False
    assert {"id", "sources", "kk", "ru", "en"} <= set(topic["required"])
    json.dumps(schema)


def test_every_knowledge_file_starts_with_the_schema_line() -> None:
    files = knowledge_files(KNOWLEDGE)
    assert any(p.parent != KNOWLEDGE for p in files), "the folders' files are read too"
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        # The path from the file to the schema: `../schema.json` from a folder.
        up = "../" * (len(path.relative_to(KNOWLEDGE).parts) - 1)
        assert first == f"# yaml-language-server: $schema={up}{SCHEMA_FILE}", path.name
