"""The master keys, as the secure links use them: kept in ``service.master_keys`` (below every domain
package), because the outbox and the stored answers are sealed with the same keys."""

from service.master_keys import (
    KEY_BYTES,
    NONCE_BYTES,
    Keyring,
    KeyUnavailable,
    keyring_at,
    new_key_line,
    open_sealed,
    seal,
    write_new_key_file,
)

__all__ = ["KEY_BYTES", "NONCE_BYTES", "KeyUnavailable", "Keyring", "keyring_at", "new_key_line", "open_sealed",
           "seal", "write_new_key_file"]
