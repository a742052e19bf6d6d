"""A fake of WaSend: sessions (phone numbers) and the real WhatsApp groups under each.

It answers both the documented paths and the SDK's. Lists come in the SDK's shapes by
default (bare arrays, every field of its published types, which is what the real API sends
the SDK), or in the documented envelopes when told, because the two disagree (PROVIDERS.md).
It plays what WhatsApp's groups really do (the demo's are in `demo.py`): a group whose
number is not an admin, a community, members listed by a privacy id whose phone is unknown, a
group whose participant list comes back short. It can also misbehave the way WhatsApp does:
a session that disconnects, a participant list that lags behind a change, "rate-overlimit"
on removals, and on reads that come faster than a pace.

`state.py` is what the fake WhatsApp holds and how it misbehaves; `routes.py` answers its
HTTP paths; `invites.py` the groups' invite links; `demo.py` the demo's people and groups.
"""
