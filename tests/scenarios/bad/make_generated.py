#!/usr/bin/env python3
"""Writes the catalogue files that are awkward to type: binary garbage and
pathologically deep nesting. Run it from this folder; the files it writes
are committed, so the tests do not need Python."""

HEADER = "# expect-error: {error}\n# expect-line: {line}\n"


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)
    assert len(data) < 100_000, name


# Invalid UTF-8 after a valid header: bytes no UTF-8 sequence starts with,
# a truncated sequence, NULs and control characters.
garbage = bytes([0xFF, 0xFE, 0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0x00, 0x01, 0x1B, 0x80, 0xF0, 0x90])
write("binary_garbage.toml",
      (HEADER.format(error="not valid TOML: Encountered invalid utf-8 sequence", line=5) + "# expect-count: 1\n"
       + "# Binary data where a name should be (invalid UTF-8, NULs, control characters).\n").encode()
      + b'name = "' + garbage * 20 + b"\n" + garbage * 40 + b"\n")

# 10,000 nested inline arrays: toml++ refuses nesting past 256 levels.
depth = 10_000
write("deep_nesting_array.toml",
      (HEADER.format(error="not valid TOML", line=6) + "# expect-count: 1\n"
       + "# 10,000 nested arrays; toml++ stops at 256 levels.\n"
       + "base = \"../tiny.toml\"\n").encode()
      + b"x = " + b"[" * depth + b"]" * depth + b"\n")

# The same with inline tables.
write("deep_nesting_table.toml",
      (HEADER.format(error="not valid TOML", line=5) + "# expect-count: 1\n"
       + "# 10,000 nested inline tables.\n").encode()
      + b"x = " + b"{ a = " * depth + b"1" + b" }" * depth + b"\n")

# A 10,000-part dotted key: valid TOML, but toml++ would build (and free,
# recursively) 10,000 nested tables; the loader refuses keys of more than 32
# parts before parsing.
write("deep_dotted_key.toml",
      (HEADER.format(error="a key has more than 32 dotted parts", line=6) + "# expect-count: 1\n"
       + "# A 10,000-part dotted key: refused before toml++ builds 10,000 nested tables.\n"
       + "base = \"../tiny.toml\"\n").encode()
      + b"run." + b".".join([b"a"] * depth) + b" = 1\n")

# 31 parts (32 with `run`) is still parsed, and is an unknown key like any other.
write("dotted_key_32_parts.toml",
      (HEADER.format(error="unknown key 'a' in [run]", line=6) + "# expect-count: 1\n"
       + "# A 32-part dotted key: parsed, then reported as an unknown key.\n"
       + "base = \"../tiny.toml\"\n").encode()
      + b"run." + b".".join([b"a"] * 31) + b" = 1\n")
