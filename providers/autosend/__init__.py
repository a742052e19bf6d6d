"""AutoSend: email contact lists and segments. `adapter` speaks the protocol; `answers` reads
what the API returns."""
