"""A gunicorn worker's memory while it cleans large photos: peak and settled RSS.

    HAVEN_DEBUG=true .venv/bin/python bench/uploads.py

Starts one gunicorn worker in production mode on a throw-away SQLite database, reads its
resident memory (/proc/PID/status: VmRSS now, VmHWM the peak), then posts anonymous reports
with five attachments each: five 5,470 x 5,470 PNGs (about 90 KB each, 30 million pixels:
the outside review's case, which raised a worker from 114 MB to 449 MB for good), then five
6,000 x 4,000 JPEGs (decoded at half scale). Prints the worker's memory after each, and again
after 5 s of rest. Run it once or twice, not in a loop: the machine is shared.
"""

import base64
import http.client
import io
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(data_dir: str) -> dict:
    base = {key: value for key, value in os.environ.items() if not key.startswith("HAVEN_")}
    base.update(
        HAVEN_DEBUG="false",
        HAVEN_HTTPS="false",
        HAVEN_SECRET_KEY=secrets.token_urlsafe(50),
        HAVEN_ENCRYPTION_KEYS="bench:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        HAVEN_AUDIT_KEY="bench:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        HAVEN_RECEIPT_SALT=secrets.token_hex(32),
        HAVEN_ALLOWED_HOSTS="127.0.0.1",
        HAVEN_DATA_DIR=data_dir,
        HAVEN_LOG_LEVEL="WARNING",
        HAVEN_SMTP_HOST="",
        HAVEN_REPORTS_PER_HOUR="1000",
    )
    return base


def images(kind: str) -> list[bytes]:
    output = []
    for number in range(5):
        if kind == "png":
            image = Image.new("RGB", (5470, 5470), (number * 40, 90, 160))
        else:
            image = Image.new("RGB", (6000, 4000), (number * 40, 90, 160))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG" if kind == "png" else "JPEG", quality=80)
        output.append(buffer.getvalue())
    return output


def multipart(files: list[bytes], extension: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    fields = {"country": "VN", "description": "Ảnh chụp nơi làm việc.", "language": "vi"}
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for number, data in enumerate(files):
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="photo{number}.{extension}"\r\nContent-Type: image/{extension}\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def memory(pid: int) -> tuple[float, float]:
    """(resident now, resident peak) in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        env = environment(data_dir)
        subprocess.run(
            [sys.executable, "-m", "haven", "migrate", "--no-input", "-v", "0"],
            env=env,
            cwd=ROOT,
            check=True,
        )
        port = free_port()
        server = subprocess.Popen(
            [
                *[sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "haven.wsgi"],
                *["--workers", "1", "--bind", f"127.0.0.1:{port}", "--no-control-socket"],
                *["--access-logfile", "/dev/null", "--log-level", "warning"],
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            for _ in range(300):
                try:
                    probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    probe.request("GET", "/healthz")
                    if probe.getresponse().status == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            worker = worker_pid(server.pid)
            print(f"worker at rest:         {memory(worker)[0]:6.0f} MB")
            for kind, extension in (("png", "png"), ("jpeg", "jpeg")):
                body, content_type = multipart(images(kind), extension)
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
                began = time.perf_counter()
                connection.request("POST", "/api/v1/reports", body, {"Content-Type": content_type})
                response = connection.getresponse()
                response.read()
                took = time.perf_counter() - began
                now, peak = memory(worker)
                time.sleep(5)
                settled, _ = memory(worker)
                label = "5 PNG 5470x5470" if kind == "png" else "5 JPEG 6000x4000"
                print(
                    f"{label}: HTTP {response.status} in {took:.1f} s; "
                    f"RSS {now:.0f} MB, peak {peak:.0f} MB, settled after 5 s {settled:.0f} MB"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
