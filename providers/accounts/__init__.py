"""Accounts (`store`: the TOML list, nothing secret), their tokens (`credentials`: the
keyring or the environment), where they come from (`workspace`: yours or the sandbox's) and
how one becomes an adapter (`connect`)."""
