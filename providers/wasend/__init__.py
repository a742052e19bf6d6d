"""WaSend: WhatsApp sessions and their real groups. `adapter` speaks the protocol; `answers`
reads both the documented and the SDK's shapes; `outcomes` says what an answer and the
read-back after it mean; `pace` is the ban-safe pace and the risk of a faster one."""
