"""The knowledge base: YAML files in, an immutable snapshot out."""
