"""Loaded by schemathesis (SCHEMATHESIS_HOOKS=hooks) in tests/api/openapi.rs.

A tus chunk's body is raw bytes under tus's own media type; schemathesis knows how to send
raw bytes only as application/octet-stream, so it sends chunks the same way.
"""

import schemathesis

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
