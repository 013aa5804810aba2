"""Stored (uncompressed) RAR4 archives of one file, for the benchmarks: a peer offers a game only once its archives pass
their own CRC checks, so benchmark games are real archives, not random bytes named .rar. The format as the tests'
RarWriter writes it (tests/org.lanspread.testing): marker, main header, one file header (64-bit sizes when needed),
the data, the end block; every header with its CRC16.
"""
import struct
import zlib

MARKER = b"Rar!\x1a\x07\x00"
DOS_TIME = (2024 - 1980) << 25 | 3 << 21 | 15 << 16 | 12 << 11


def _block(body):
    return struct.pack("<H", zlib.crc32(body) & 0xFFFF) + body


def _file_header(name, size, crc):
    raw = name.encode("utf-8")
    large = size > 0xFFFFFFFF
    flags = 0x8000 | (0x100 if large else 0)
    length = 32 + len(raw) + (8 if large else 0)
    body = struct.pack("<BHHIIBIIBBHI", 0x74, flags, length, size & 0xFFFFFFFF, size & 0xFFFFFFFF, 3, crc,
                       DOS_TIME, 29, 0x30, len(raw), 0o100644)
    if large:
        body += struct.pack("<II", size >> 32, size >> 32)
    return _block(body + raw)


def write(path, entry, chunks, size):
    """Writes a stored RAR4 archive at `path` holding `entry` (a path inside the archive) of exactly `size` bytes
    taken from the iterable `chunks` (bytes objects). The CRC is computed while the data is written and put into
    the header afterwards, so the data is read once."""
    main = _block(struct.pack("<BHHHI", 0x73, 0, 13, 0, 0))
    crc = 0
    written = 0
    with open(path, "wb") as out:
        out.write(MARKER + main)
        header_at = out.tell()
        out.write(_file_header(entry, size, 0))
        for chunk in chunks:
            chunk = chunk[: size - written]
            out.write(chunk)
            crc = zlib.crc32(chunk, crc)
            written += len(chunk)
            if written >= size:
                break
        if written != size:
            raise ValueError("%s: %d of %d bytes came" % (path, written, size))
        out.write(_block(struct.pack("<BHH", 0x7B, 0x4000, 7)))
        out.seek(header_at)
        out.write(_file_header(entry, size, crc))


def stream(command_output, block=1 << 20):
    """The chunks of a binary stream (e.g. a child process's stdout)."""
    while True:
        data = command_output.read(block)
        if not data:
            return
        yield data


def random_game(folder, game, size, parts, passphrase):
    """A benchmark game in `folder`: `parts` stored archives game-1.rar ... of random bytes, `size` in all (openssl's
    AES-CTR stream: random-looking bytes at disk speed; urandom is several times slower)."""
    import os
    import subprocess
    per = size // parts
    for i in range(parts):
        n = per if i < parts - 1 else size - per * (parts - 1)
        source = subprocess.Popen(["sh", "-c", "openssl enc -aes-128-ctr -pass pass:%s%d -nosalt -pbkdf2 "
                                   "< /dev/zero 2>/dev/null" % (passphrase, i)], stdout=subprocess.PIPE)
        try:
            write(os.path.join(folder, "%s-%d.rar" % (game, i + 1)), "data/part%d.bin" % (i + 1), stream(source.stdout),
                  n)
        finally:
            source.kill()
            source.wait()
