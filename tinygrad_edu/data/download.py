"""Downloading a data file once: from the first mirror that works, with a progress bar, resumed where an
interrupted download stopped (an HTTP Range request on the `.partial` file), checked against its published
MD5 digest before it is moved into place (so a file in place is complete and verified: it is used as is
afterwards). Offline, the error says which file to put where."""
from __future__ import annotations

import hashlib
import http.client
import os
import socket
import urllib.error
import urllib.request
from pathlib import Path
from typing import Optional, Sequence

CHUNK = 1 << 16
TIMEOUT = 30.0


class DownloadError(RuntimeError):
    """No mirror delivered the file with the right digest; the message lists what each mirror did."""


def md5sum(path: Path) -> str:
    """The MD5 hex digest of a file (the digest the data sets publish; not used for security)."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _reason(err: BaseException) -> str:
    """A short account of a network failure, saying "offline?" when no connection could be made."""
    inner = getattr(err, "reason", err)
    if isinstance(err, urllib.error.HTTPError):
        return f"HTTP {err.code} {err.reason}"
    if isinstance(err, http.client.HTTPException):
        return f"the connection broke off ({type(err).__name__})"
    if isinstance(inner, (socket.gaierror, ConnectionRefusedError, ConnectionResetError, TimeoutError,
                          socket.timeout, OSError)):
        return f"no connection ({inner}); are you offline?"
    return str(inner)


def _fetch(url: str, partial: Path, progress: bool, label: str) -> None:
    """Append the rest of `url` to `partial` (asking for the bytes after those it holds), or start over when
    the server ignores the range."""
    have = partial.stat().st_size if partial.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "tinygrad_edu", **(
        {"Range": f"bytes={have}-"} if have else {})})
    try:
        response = urllib.request.urlopen(request, timeout=TIMEOUT)
    except urllib.error.HTTPError as err:
        if err.code == 416 and have:  # nothing after what we hold: the partial file is the whole file
            return
        raise
    with response:
        resumed = have and response.status == 206
        total = response.headers.get("Content-Length")
        total = int(total) + (have if resumed else 0) if total is not None else None
        from tqdm import tqdm

        with open(partial, "ab" if resumed else "wb") as out, tqdm(
                total=total, initial=have if resumed else 0, unit="B", unit_scale=True, unit_divisor=1024,
                desc=label, disable=not progress, leave=False) as bar:
            for chunk in iter(lambda: response.read(CHUNK), b""):
                out.write(chunk)
                bar.update(len(chunk))
        if total is not None and partial.stat().st_size < total:
            raise ConnectionError(f"the connection closed after {partial.stat().st_size:,} of {total:,} bytes")


def download(urls: Sequence[str], dest: Path, md5: Optional[str], progress: bool = True,
             owner: str = "download") -> Path:
    """`dest`, downloaded from the first of `urls` that delivers it with digest `md5` (None: unchecked); a
    `dest` already in place is returned untouched. An interrupted download resumes on the next call."""
    dest = Path(dest)
    if dest.is_file():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    failures = []
    for url in urls:
        resumed = partial.exists() and partial.stat().st_size > 0
        for attempt in ("resumed", "whole") if resumed else ("whole",):
            try:
                _fetch(url, partial, progress, dest.name)
            except (OSError, ValueError, http.client.HTTPException) as err:
                failures.append(f"{url}: {_reason(err)}")
                break
            found = md5sum(partial) if md5 else None
            if found == md5:
                os.replace(partial, dest)
                return dest
            partial.unlink()  # a resumed file may have kept a bad start: the whole file is fetched once more
            if attempt == "whole":
                failures.append(f"{url}: MD5 {found} is not the published {md5} (a corrupted download or another "
                                "file)")
    kept = f"; {partial.stat().st_size:,} bytes kept in {partial} to resume from" if partial.exists() else ""
    raise DownloadError(f"{owner}: could not download {dest.name}: " + "; ".join(failures) + kept +
                        f". Without a connection, put the file at {dest} yourself (any copy with MD5 {md5}) and "
                        "run again")
