"""Pure domain types and rules: articles, reactions, records, errors, text safety. No I/O."""
