"""Checking that uploaded bytes are a page's text before anything parses them."""

import hashlib
import unicodedata

MAX_BYTES = 2_000_000  # a printed page is some 10 KB of text; far more is not a page
# A printed page is a few hundred lines; the parser reads 10,000 in about 2 s (linear,
# bench/importer.py), so this bound keeps any import to seconds of a server thread.
MAX_LINES = 20_000


class RejectedPage(ValueError):
    """Input that is not the text of a page; the message says why, for the editor."""


def read(raw: bytes) -> str:
    """``raw`` as text, or ``RejectedPage`` for empty, binary, oversized or non-UTF-8 input."""
    if len(raw) > MAX_BYTES:
        raise RejectedPage(f"文件过大（{len(raw) // 1024} KB）：一个版面的文字不会超过 2 MB。")
    if b"\x00" in raw:
        raise RejectedPage("这是二进制文件，不是文字：请上传 OCR 识别出的 UTF-8 文本。")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RejectedPage(
            f"文件不是 UTF-8 编码（第 {error.start + 1} 个字节无法解码）：请另存为 UTF-8 后再导入。"
        ) from None
    return check(text)


def check(text: str) -> str:
    """Pasted or decoded text, normalised (NFC, Unix line ends), or ``RejectedPage``."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise RejectedPage("内容为空：没有可以导入的文字。")
    if (lines := text.count("\n") + 1) > MAX_LINES:
        raise RejectedPage(
            f"文字有 {lines} 行，超过 {MAX_LINES} 行的上限：一个版面的文字只有几百行，请分版导入。"
        )
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t")
    if controls > len(text) // 100:
        raise RejectedPage("文字中夹有大量控制字符，像是二进制文件：请上传 OCR 识别出的文本。")
    return text


def digest(text: str) -> str:
    """The page's identity: its non-blank lines, whitespace collapsed, hashed."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return hashlib.sha256("\n".join(line for line in lines if line).encode()).hexdigest()
