"""Type stub of the native core (see native/src/python.rs). Arrays cross as bytes of native-endian 64-bit
values: uint64 hashes, int64 counts and offsets."""

__version__: str

def word_hashes(bodies: list[str], classes: bytes | None = None) -> tuple[bytes, bytes]: ...
def sketch(
    hashes: bytes, offsets: bytes, widths: list[int], a: bytes, b: bytes, bands: int, window: int
) -> tuple[bytes, bytes, bytes, bytes, bytes, bytes]: ...
def fingerprints(
    bodies: list[str], width: int, a: bytes, b: bytes, bands: int, window: int, classes: bytes | None = None
) -> tuple[bytes, bytes, bytes, bytes, bytes, bytes]: ...
def layouts(
    texts: list[str], starts: list[int]
) -> list[tuple[list[tuple[int, int]], list[tuple[str, str | None, int, int]]] | None]: ...
def figures(
    query: bytes,
    query_words: int,
    query_width: int,
    shingles: bytes,
    offsets: bytes,
    words: bytes,
    widths: bytes,
) -> tuple[int, bytes, bytes, bytes, bytes]: ...
def shared_runs(
    a: bytes, b: bytes, n: int, a_words: int, b_words: int, min_words: int
) -> list[tuple[int, int, int, int]]: ...
def word_spans(body: str) -> tuple[bytes, bytes] | None: ...
def shingles(hashes: bytes, offsets: bytes, widths: list[int]) -> tuple[bytes, bytes]: ...
