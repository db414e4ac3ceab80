"""The engine version, part of every cache key and result.

Bump it whenever a change alters any number a simulation produces, so stored variants and
cached results from an older engine are never mistaken for current ones.
"""

# 1.1.0: recurrent networks (arch, seq_len, hidden, ... in every config and cache key).
ENGINE_VERSION = "1.1.0"
