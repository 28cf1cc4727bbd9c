"""Checks of a file's HDF5 global heap before h5py reads it, the Python twin of sim/io/heap_check.cpp.

Variable-length strings (coordinate names, the scenario events table, the sweep's settings) live in global heap
collections, reached through heap IDs stored with the dataset's other bytes: a length, the collection's address and
an object index. HDF5 1.10.8 (Debian 12's, under h5py) trusts both sides: a damaged object size makes it copy past
the collection, an index naming no object makes it follow a null pointer, and a length other than the object's size
makes it copy past the buffer it sized from that length. Each crashes the process (h5py included) instead of raising.
Neither side has a checksum, so both are checked here first: the collections when a file is opened
(damaged_global_heap), a dataset's heap IDs before its values are read (read_checked).
"""

from __future__ import annotations

import mmap
import os
import zlib
from pathlib import Path
from typing import BinaryIO

import h5py
import numpy as np
from h5py import h5d, h5t, h5z

from .errors import ResultFileError

# The global heap collection of the HDF5 file format specification (section III.E), with 8-byte lengths and addresses
# as scamsim's files have: "GCOL", version 1, 3 reserved bytes, the collection's size (header included); then
# objects, each an index (2 bytes), a reference count (2), 4 reserved bytes, its size (8) and its data padded to a
# multiple of 8. Index 0 is free space, whose size includes its own header.
_SIGNATURE = b"GCOL"
_HEADER_BYTES = 16
_OBJECT_HEADER_BYTES = 16
#: A heap ID as stored for one variable-length value: its length in items (4 bytes), the collection's address (8) and
#: the object's index in it (4).
_HEAP_ID_BYTES = 16


def _walk_collection(data: bytes | mmap.mmap, start: int, size: int, at: int) -> dict[int, int] | str:
    """The objects (index -> size) of the collection whose `size` bytes begin at `start` in `data`, walked as HDF5
    1.10.8 walks it (H5HG__cache_heap_deserialize); or, if HDF5 would copy past it or loop on it, what is wrong. `at`
    is the collection's address in the file, for the message."""
    objects: dict[int, int] = {}
    offset = _HEADER_BYTES
    while offset < size:
        if offset + _OBJECT_HEADER_BYTES > size:
            break  # too small for an object: HDF5 takes it as free space
        index = int.from_bytes(data[start + offset:start + offset + 2], "little")
        object_size = int.from_bytes(data[start + offset + 8:start + offset + 16], "little")
        room = size - offset - _OBJECT_HEADER_BYTES
        if index == 0:
            # Free space, whose size counts its own header; HDF5 goes on past it (and loops forever on a size of 0).
            if object_size == 0:
                return f"its global heap collection at byte {at} has free space of 0 bytes"
            offset += min(object_size, size - offset)
            continue
        if object_size > room:
            return (f"its global heap collection at byte {at} holds an object of {object_size} bytes where {room} "
                    "are left")
        objects[index] = object_size
        offset += _OBJECT_HEADER_BYTES + (object_size + 7) // 8 * 8
    return objects


def _read_collection(file: BinaryIO, at: int, file_size: int) -> dict[int, int] | str:
    """The objects of the collection at byte `at` of `file` (of `file_size` bytes); what is wrong when there is none
    there or it is damaged."""
    if at > file_size or file_size - at < _HEADER_BYTES:
        return f"no global heap collection fits at byte {at} of a file of {file_size} bytes"
    file.seek(at)
    header = file.read(_HEADER_BYTES)
    if len(header) != _HEADER_BYTES or header[:4] != _SIGNATURE or header[4] != 1:
        return f"there is no global heap collection at byte {at}"
    size = int.from_bytes(header[8:16], "little")
    if size < _HEADER_BYTES or size > file_size - at:
        return f"its global heap collection at byte {at} claims {size} bytes, past the end of the file"
    file.seek(at)
    collection = file.read(size)
    if len(collection) != size:
        return f"its global heap collection at byte {at} cannot be read"
    return _walk_collection(collection, 0, size, at)


def damaged_global_heap(path: str | Path) -> str | None:
    """What is wrong with the file's first damaged global heap collection, if any ("its global heap collection at
    byte 4288 holds an object of 1701669236 bytes where 4000 are left"); None when every collection's objects fit in
    it. Every "GCOL" in the file that starts a version-1 collection is walked (the file is mapped, not read whole)."""
    with open(path, "rb") as file:
        file_size = os.fstat(file.fileno()).st_size
        if file_size == 0:
            return None  # the caller's own checks say what an empty file is
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            at = data.find(_SIGNATURE)
            while at >= 0:
                if at + _HEADER_BYTES > file_size:
                    return f"its global heap collection at byte {at} is cut off"
                if data[at + 4] == 1:  # else the four letters were data, not a version-1 collection
                    size = int.from_bytes(data[at + 8:at + 16], "little")
                    if size < _HEADER_BYTES or size > file_size - at:
                        return f"its global heap collection at byte {at} claims {size} bytes, past the end of the file"
                    objects = _walk_collection(data, at, size, at)
                    if isinstance(objects, str):
                        return objects
                at = data.find(_SIGNATURE, at + 1)
    return None


# ---- The heap IDs of one dataset ----

_CANNOT = "its variable-length data is nested in a way whose heap IDs scamsim cannot check"


def _is_variable(type_id: h5t.TypeID) -> bool:
    kind = type_id.get_class()
    return kind == h5t.VLEN or (kind == h5t.STRING and type_id.is_variable_str())


def _holds_variable(type_id: h5t.TypeID) -> bool:
    if _is_variable(type_id):
        return True
    kind = type_id.get_class()
    if kind == h5t.COMPOUND:
        return any(_holds_variable(type_id.get_member_type(m)) for m in range(type_id.get_nmembers()))
    if kind == h5t.ARRAY:
        return _holds_variable(type_id.get_super())
    return False


def _item_bytes(type_id: h5t.TypeID) -> int:
    """The item size of a variable-length type (1 for strings); 0 when its items hold variable-length data too."""
    if type_id.get_class() == h5t.STRING:
        return 1
    base = type_id.get_super()
    return 0 if _holds_variable(base) else base.get_size()


def _stored_layout(type_id: h5t.TypeID) -> tuple[int, list[tuple[int, int]]] | str:
    """The bytes of one element as stored in the file, and where its heap IDs sit in it with the bytes of one item
    of each: [(offset, item bytes)]. h5py's get_type() gives the type in its memory form (H5Dget_type): there a
    variable-length value is a pointer or an hvl_t, on disk a heap ID, and HDF5 shifts the later compound members by
    the difference (H5T_set_loc), which is undone here."""
    if _is_variable(type_id):
        item = _item_bytes(type_id)
        return (_HEAP_ID_BYTES, [(0, item)]) if item else _CANNOT
    if type_id.get_class() != h5t.COMPOUND:
        return _CANNOT
    members = sorted((type_id.get_member_offset(m), m) for m in range(type_id.get_nmembers()))
    fields: list[tuple[int, int]] = []
    growth = 0  # bytes the members so far take more on disk than in memory
    for offset, m in members:
        member = type_id.get_member_type(m)
        if _is_variable(member):
            item = _item_bytes(member)
            if not item:
                return _CANNOT
            fields.append((offset + growth, item))
            growth += _HEAP_ID_BYTES - member.get_size()
        elif _holds_variable(member):
            return _CANNOT
    return type_id.get_size() + growth, fields


def _file_bytes(file: BinaryIO, at: int, count: int, file_size: int) -> bytes | str:
    """Bytes [at, at + count) of `file`, or why they are not there."""
    if at > file_size or count > file_size - at:
        return f"its data at byte {at} ({count} bytes) lies past the end of the file"
    file.seek(at)
    data = file.read(count)
    return data if len(data) == count else f"its data at byte {at} cannot be read"


def _unfilter(chunk: bytes, creation: h5py.h5p.PropDCID, skipped: int, expected_bytes: int, element_bytes: int,
              at: int) -> bytes | str:
    """Undoes the filters of the dataset's pipeline that the chunk went through (those not set in `skipped`), last
    first."""
    for f in reversed(range(creation.get_nfilters())):
        if (skipped >> f) & 1:
            continue
        code = creation.get_filter(f)[0]
        if code == h5z.FILTER_DEFLATE:
            try:
                inflater = zlib.decompressobj()
                inflated = inflater.decompress(chunk, expected_bytes + 1)
            except zlib.error:
                return f"its chunk at byte {at} does not inflate to {expected_bytes} bytes"
            if len(inflated) != expected_bytes or not inflater.eof:
                return f"its chunk at byte {at} does not inflate to {expected_bytes} bytes"
            chunk = inflated
        elif code == h5z.FILTER_SHUFFLE:
            # Byte k of every element was stored together; the bytes after whole elements stay where they were.
            elements = len(chunk) // element_bytes
            whole = elements * element_bytes
            shuffled = np.frombuffer(chunk, dtype=np.uint8, count=whole).reshape(element_bytes, elements)
            chunk = shuffled.T.tobytes() + chunk[whole:]
        elif code == h5z.FILTER_FLETCHER32:
            if len(chunk) < 4:
                return f"its chunk at byte {at} is shorter than its checksum"
            chunk = chunk[:-4]  # HDF5 verifies the checksum itself before it converts anything
        else:
            return f"its chunks go through HDF5 filter {code}, whose output scamsim cannot check"
    if len(chunk) != expected_bytes:
        return f"its chunk at byte {at} holds {len(chunk)} bytes where {expected_bytes} were expected"
    return chunk


def _stored_elements(dataset: h5py.Dataset, file: BinaryIO, file_size: int, element_bytes: int,
                     elements: int) -> bytes | str:
    """The stored bytes of the dataset's elements, in order: `elements` of them, each `element_bytes` long (empty
    when nothing is written: HDF5 then reads fill values)."""
    creation = dataset.id.get_create_plist()
    layout = creation.get_layout()
    if layout == h5d.CONTIGUOUS:
        at = dataset.id.get_offset()
        if at is None:
            return b""
        stored = dataset.id.get_storage_size()
        if stored != elements * element_bytes:
            return f"it stores {stored} bytes for {elements} elements of {element_bytes} bytes"
        return _file_bytes(file, at, stored, file_size)
    if layout != h5d.CHUNKED:
        return "its layout (compact or virtual) hides its heap IDs from a check"
    extents = creation.get_chunk()
    if len(extents) != 1:
        return "it is chunked in more than one dimension, whose heap IDs scamsim cannot check"
    chunk_extent = extents[0]
    space = dataset.id.get_space()  # HDF5 1.10.8 takes the dataset's own space here, not H5S_ALL
    out = bytearray(elements * element_bytes)
    try:
        chunks = dataset.id.get_num_chunks(space)
        infos = [dataset.id.get_chunk_info(c, space) for c in range(chunks)]
    except (OSError, RuntimeError, ValueError) as error:
        return f"its chunk index cannot be read ({error})"
    for info in infos:
        first = info.chunk_offset[0]
        if first >= elements:
            continue  # HDF5 reads nothing of a chunk past the extent
        raw = _file_bytes(file, info.byte_offset, info.size, file_size)
        if isinstance(raw, str):
            return raw
        plain = _unfilter(raw, creation, info.filter_mask, chunk_extent * element_bytes, element_bytes,
                          info.byte_offset)
        if isinstance(plain, str):
            return plain
        used = min(chunk_extent, elements - first) * element_bytes
        out[first * element_bytes:first * element_bytes + used] = plain[:used]
    return bytes(out)


def damaged_heap_references(path: str | Path, dataset: h5py.Dataset) -> str | None:
    """What is wrong with the heap IDs of `dataset`, of the file at `path`, if anything ("heap ID 3 names object 7
    of the global heap collection at byte 4096, which has no such object"). Each ID must name an object of an intact
    collection whose size is the length the ID gives. Read from the bytes in the file, before h5py follows the IDs.
    Nothing to check for datasets without variable-length data, with no data written, or in files open for writing.
    Datasets laid out in a way this check cannot read (compact or virtual, chunked in more than one dimension or
    through a filter other than deflate, shuffle and Fletcher-32, variable-length data inside arrays or nested
    compounds) are reported as such: their heap IDs cannot be checked."""
    type_id = dataset.id.get_type()
    if not _holds_variable(type_id):
        return None
    if dataset.file.id.get_intent() & h5py.h5f.ACC_RDWR:
        return None
    if dataset.file.id.get_create_plist().get_sizes() != (8, 8):
        return "its file uses addresses or lengths other than 8 bytes, whose heap IDs scamsim cannot check"
    layout = _stored_layout(type_id)
    if isinstance(layout, str):
        return layout
    element_bytes, fields = layout
    elements = dataset.id.get_space().get_simple_extent_npoints()
    if elements <= 0:
        return None
    with open(path, "rb") as file:
        file_size = os.fstat(file.fileno()).st_size
        data = _stored_elements(dataset, file, file_size, element_bytes, elements)
        if isinstance(data, str):
            return data
        collections: dict[int, dict[int, int] | str] = {}
        for e in range(elements if data else 0):
            for offset, item_bytes in fields:
                start = e * element_bytes + offset
                length = int.from_bytes(data[start:start + 4], "little")
                at = int.from_bytes(data[start + 4:start + 12], "little")
                index = int.from_bytes(data[start + 12:start + 16], "little")
                if at == 0:
                    continue  # no value: HDF5 reads an empty one without the heap
                if at not in collections:
                    collections[at] = _read_collection(file, at, file_size)
                objects = collections[at]
                if isinstance(objects, str):
                    return f"heap ID {e}: {objects}"
                if index not in objects:
                    return (f"heap ID {e} names object {index} of the global heap collection at byte {at}, which has "
                            "no such object")
                if objects[index] != length * item_bytes:
                    return (f"heap ID {e} gives a length of {length * item_bytes} bytes for object {index} of the "
                            f"global heap collection at byte {at}, which holds {objects[index]}")
    return None


def read_checked(dataset: h5py.Dataset, path: str | Path | None = None) -> np.ndarray:
    """All of a dataset's values, read by h5py only after its heap IDs check (damaged_heap_references);
    ResultFileError naming the file (`path`, else the one h5py opened) and the dataset when they do not."""
    path = Path(dataset.file.filename if path is None else path)
    damage = damaged_heap_references(path, dataset)
    if damage:
        raise ResultFileError(path, f"is a damaged HDF5 file: the heap IDs of '{dataset.name}' do not check: {damage}")
    return dataset[()]
