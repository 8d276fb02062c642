"""A minimal TURN client (RFC 5766 / 8656 over UDP): enough to ask coturn for a
relay with long-term credentials and for a permission towards one peer."""

import hashlib
import hmac
import ipaddress
import os
import socket
import struct
from dataclasses import dataclass

MAGIC = 0x2112A442
ALLOCATE, CREATE_PERMISSION = 0x0003, 0x0008
SUCCESS, ERROR = 0x0100, 0x0110
USERNAME, MESSAGE_INTEGRITY, ERROR_CODE = 0x0006, 0x0008, 0x0009
XOR_PEER_ADDRESS, REALM, NONCE = 0x0012, 0x0014, 0x0015
XOR_RELAYED_ADDRESS, REQUESTED_TRANSPORT = 0x0016, 0x0019


@dataclass
class Response:
    kind: str  # "success" or "error"
    attributes: dict[int, bytes]

    @property
    def error_code(self) -> int:
        raw = self.attributes[ERROR_CODE]
        return raw[2] * 100 + raw[3]

    @property
    def relayed_address(self) -> tuple[str, int]:
        return _xor_address(self.attributes[XOR_RELAYED_ADDRESS])


def _attribute(kind: int, value: bytes) -> bytes:
    return struct.pack("!HH", kind, len(value)) + value + b"\0" * (-len(value) % 4)


def _xor_address(raw: bytes) -> tuple[str, int]:
    port = struct.unpack("!H", raw[2:4])[0] ^ (MAGIC >> 16)
    address = struct.unpack("!I", raw[4:8])[0] ^ MAGIC
    return str(ipaddress.IPv4Address(address)), port


def xor_peer(address: str, port: int) -> bytes:
    value = int(ipaddress.IPv4Address(address)) ^ MAGIC
    return struct.pack("!BBHI", 0, 1, port ^ (MAGIC >> 16), value)


class TurnClient:
    def __init__(self, server: tuple[str, int], username: str, password: str) -> None:
        self.server = server
        self.username, self.password = username, password
        self.realm = self.nonce = b""
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(5)

    def close(self) -> None:
        self.sock.close()

    def _message(self, method: int, attributes: bytes, signed: bool) -> bytes:
        transaction = os.urandom(12)
        if not signed:
            return struct.pack("!HHI", method, len(attributes), MAGIC) + transaction + attributes
        body = attributes + _attribute(USERNAME, self.username.encode())
        body += _attribute(REALM, self.realm) + _attribute(NONCE, self.nonce)
        # The integrity covers the header with a length that already counts itself.
        header = struct.pack("!HHI", method, len(body) + 24, MAGIC) + transaction
        key = hashlib.md5(  # noqa: S324 - the hash RFC 5389's long-term credentials use
            f"{self.username}:{self.realm.decode()}:{self.password}".encode()
        ).digest()
        digest = hmac.new(key, header + body, hashlib.sha1).digest()
        return header + body + _attribute(MESSAGE_INTEGRITY, digest)

    def _exchange(self, message: bytes) -> Response:
        self.sock.sendto(message, self.server)
        data, _ = self.sock.recvfrom(4096)
        kind, length = struct.unpack("!HH", data[:4])
        attributes, position = {}, 20
        while position < 20 + length:
            name, size = struct.unpack("!HH", data[position : position + 4])
            attributes[name] = data[position + 4 : position + 4 + size]
            position += 4 + size + (-size % 4)
        return Response("error" if kind & ERROR == ERROR else "success", attributes)

    def request(self, method: int, attributes: bytes) -> Response:
        """Sent signed; a first 401 (or a stale nonce) gives the realm and nonce to sign with."""
        response = self._exchange(self._message(method, attributes, signed=bool(self.nonce)))
        if response.kind == "error" and response.error_code in (401, 438):
            self.realm = response.attributes.get(REALM, self.realm)
            self.nonce = response.attributes[NONCE]
            response = self._exchange(self._message(method, attributes, signed=True))
        return response

    def allocate(self) -> Response:
        return self.request(ALLOCATE, _attribute(REQUESTED_TRANSPORT, bytes([17, 0, 0, 0])))

    def permit(self, address: str, port: int = 10000) -> Response:
        return self.request(
            CREATE_PERMISSION, _attribute(XOR_PEER_ADDRESS, xor_peer(address, port))
        )
