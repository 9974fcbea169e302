"""The JSON Schema of the knowledge files, generated from the loader's own model.

`knowledge/schema.json` is this, committed, so that editors with the YAML language server
complete keys and underline mistakes as a moderator types (each knowledge file's first line
points to it). `qoldau schema` writes it; a test fails when the two disagree.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from bot.knowledge.model import KnowledgeFileModel

SCHEMA_FILE = "schema.json"


def knowledge_schema() -> dict[str, Any]:
    """The JSON Schema every knowledge file validates against."""
    schema = TypeAdapter(KnowledgeFileModel).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Qoldau knowledge file"
    schema["description"] = ("A file of topics (section + topics), the hotline registry "
                             "(hotlines), the crisis reply (crisis) or the flows (flows). See "
                             "docs/knowledge-format.md.")
    return schema


def schema_text() -> str:
    """The schema as the committed file's text."""
    return json.dumps(knowledge_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
