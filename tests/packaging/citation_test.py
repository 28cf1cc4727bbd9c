#!/usr/bin/python3
"""CITATION.cff is valid Citation File Format 1.2.0 and matches the project: its version is CMakeLists.txt's
project(VERSION) and its licence the one in LICENSE. A release that bumps the version without the citation fails
here. The keys checked are the schema's required ones (cff-version, message, title, authors, each author a person
or an entity with a name); the schema itself is not on a Debian machine.

Usage: citation_test.py SOURCE_DIR PROJECT_VERSION
"""

import sys
from pathlib import Path

import yaml


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def main(source_dir, project_version):
    source = Path(source_dir)
    path = source / "CITATION.cff"
    try:
        cff = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        fail(f"{path}: {error}")
    if not isinstance(cff, dict):
        fail(f"{path}: not a YAML mapping")
    for key in ("cff-version", "message", "title", "authors"):
        if key not in cff:
            fail(f"{path}: the required key '{key}' is missing")
    if cff["cff-version"] != "1.2.0":
        fail(f"{path}: cff-version is {cff['cff-version']!r}, expected '1.2.0'")
    if cff["title"] != "scamsim":
        fail(f"{path}: title is {cff['title']!r}")
    authors = cff["authors"]
    if not isinstance(authors, list) or not authors:
        fail(f"{path}: authors must be a non-empty list")
    for author in authors:
        if not isinstance(author, dict) or not (author.get("name") or author.get("family-names")):
            fail(f"{path}: an author needs 'name' (an entity) or 'family-names' (a person): {author!r}")
    # YAML reads 0.3 as a number; the version must be a string equal to the project's.
    if str(cff.get("version")) != project_version or not isinstance(cff.get("version"), str):
        fail(f"{path}: version is {cff.get('version')!r}; CMakeLists.txt's project(VERSION) is {project_version}")
    licence_text = (source / "LICENSE").read_text(encoding="utf-8")
    if cff.get("license") != "Apache-2.0" or "Apache License" not in licence_text or "Version 2.0" not in licence_text:
        fail(f"{path}: license {cff.get('license')!r} is not the licence in LICENSE")
    print(f"CITATION.cff: scamsim {project_version}, {cff['license']}, {len(authors)} author entries")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        fail("usage: citation_test.py SOURCE_DIR PROJECT_VERSION")
    main(sys.argv[1], sys.argv[2])
