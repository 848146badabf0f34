"""Authentication: password hashing and the credential check of every call."""
