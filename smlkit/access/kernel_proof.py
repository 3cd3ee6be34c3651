"""How a dashboard kernel proves to the workbook's server that the server started it.

The server makes a secret when it starts and hands it to the kernels it starts (in their
environment, which no participant can read: kernels take widget messages only). A kernel shows
a keyed hash of its own id, so the page-request socket (``smlkit.serve.page_request``) admits
only the kernel it is for.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

#: The environment variable that carries the server's kernel secret to the kernels it starts.
SECRET_ENV = "SMLKIT_KERNEL_SECRET"  # noqa: S105 - the name of a variable, not a secret
#: The header a kernel proves itself with when it asks for its page request.
PROOF_HEADER = "X-Smlkit-Kernel-Proof"
#: What a kernel sends back once it has read its page request.
RECEIVED = "received"


def new_secret() -> str:
    return secrets.token_hex(32)


def kernel_proof(secret: str, kernel_id: str) -> str:
    """What kernel ``kernel_id`` shows to prove the server started it."""
    return hmac.new(secret.encode("utf-8"), f"page-request:{kernel_id}".encode(), hashlib.sha256).hexdigest()


def proof_is_valid(secret: str, kernel_id: str, proof: str | None) -> bool:
    return bool(secret and proof) and hmac.compare_digest(str(proof), kernel_proof(secret, kernel_id))
