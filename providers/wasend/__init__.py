"""WaSend: WhatsApp sessions and their real groups. `adapter` speaks the protocol (its
writes), on `rosters` (who is in a group: lists kept a few minutes, never taken at their word)
and `groups` (sessions, groups, communities, admin rights, the read pace); `answers` reads
both the documented and the SDK's shapes; `outcomes` says what an answer and the read-back
after it mean; `pace` is the ban-safe pace, a slow day, a new number's budget, and the risk of
a faster pace."""
