#!/usr/bin/env python3
"""Reads a TensorBoard event file independently of the Swift writer: TFRecord framing with masked
CRC-32C checked on every record, Event/Summary protobufs decoded from the wire format.
Prints one JSON object per event: {"wall_time", "step", "file_version"?, "scalars": {tag: value}}.
Exits non-zero with one line on any framing or checksum error."""
import json
import struct
import sys


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def masked(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def fields(buf):
    """Yields (field number, wire type, value) of a protobuf message."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(buf, i)
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 2:
            length, i = varint(buf, i)
            value, i = buf[i:i + length], i + length
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        yield number, wire, value


def varint(buf, i):
    shift = result = 0
    while True:
        byte = buf[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def main(path):
    data = open(path, "rb").read()
    i = 0
    while i < len(data):
        header = data[i:i + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", data[i + 8:i + 12])
        if masked(header) != length_crc:
            sys.exit(f"{path}: bad length CRC at offset {i}")
        record = data[i + 12:i + 12 + length]
        (record_crc,) = struct.unpack("<I", data[i + 12 + length:i + 16 + length])
        if masked(record) != record_crc:
            sys.exit(f"{path}: bad data CRC at offset {i}")
        i += 16 + length
        event = {"scalars": {}}
        for number, wire, value in fields(record):
            if number == 1 and wire == 1:
                event["wall_time"] = struct.unpack("<d", value)[0]
            elif number == 2 and wire == 0:
                event["step"] = value
            elif number == 3 and wire == 2:
                event["file_version"] = value.decode()
            elif number == 5 and wire == 2:
                for vnumber, _, entry in fields(value):
                    if vnumber != 1:
                        continue
                    tag, simple = None, None
                    for enumber, ewire, evalue in fields(entry):
                        if enumber == 1:
                            tag = evalue.decode()
                        elif enumber == 2 and ewire == 5:
                            simple = struct.unpack("<f", evalue)[0]
                    event["scalars"][tag] = simple
        print(json.dumps(event))


if __name__ == "__main__":
    main(sys.argv[1])
